"""Divisions and identifiers: look up Anyang (安阳市), add a village, validate a USCC and licences.

Run: python examples/divisions_and_ids.py
"""

from __future__ import annotations

from foodsafety.errors import IdentifierError, RegistryError
from foodsafety.ids import USCC, DivisionCode, FoodBusinessLicence, FoodProductionLicence, uscc
from foodsafety.registry import registry

reg = registry()
print(f"registry edition {reg.edition} ({reg.source_table}), {len(reg)} divisions")

anyang = reg.get("410500")
print(f"{anyang.name} {anyang.code}: {len(reg.children(anyang.code))} county-level units")
for county in reg.children(anyang.code):
    print(f"  {county.code} {county.name} ({county.kind.zh})")

print("search 安陽:", ", ".join(f"{d.code} {d.name}" for d in reg.search("安陽", level="county")))

with_village = reg.add_village("410522102001", "铜冶村")
village = DivisionCode("410522102001")
chain = " > ".join(d.name for d in reversed(with_village.ancestors(village)))
print(f"village {village}: {chain} > {with_village.get(village).name}")

try:
    reg.get("371200")
except RegistryError as exc:
    print("371200:", exc.message_zh)

head = "91410500MA3X00000"
code = USCC(head + uscc.calc_check_digit(head))
print(
    f"USCC {code}: {code.registration_authority.zh}/{code.entity_type.zh}, division {code.division}"
)
try:
    USCC(head + "0")
except IdentifierError as exc:
    print(f"bad USCC ({exc.check}): {exc.message_zh}")

print("SC:", FoodProductionLicence("SC10641052200123").category.zh)
print("JY:", FoodBusinessLicence("JY24105220001234").business_kind.zh)
