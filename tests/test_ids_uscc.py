"""USCC: stdnum's check character, GB 32100's authority, entity type and division checks."""

from __future__ import annotations

import json

import pytest
import stdnum.cn.uscc as stdnum_uscc
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import TypeAdapter
from stdnum.exceptions import ValidationError as StdnumError

from foodsafety.errors import IdentifierError
from foodsafety.ids import USCC, uscc
from foodsafety.registry import registry

_COUNTIES = [d.code for d in registry() if len(d.code) == 6]
_ORG = st.text(alphabet=uscc.ALPHABET, min_size=9, max_size=9)


@st.composite
def usccs(draw: st.DrawFn) -> str:
    """Valid codes: any authority and one of its entity types, a real division, the check."""
    authority = draw(st.sampled_from(sorted(uscc.AUTHORITIES)))
    kind = draw(st.sampled_from(sorted(uscc.ENTITY_TYPES[authority])))
    head = authority + kind + draw(st.sampled_from(_COUNTIES)) + draw(_ORG)
    return head + stdnum_uscc.calc_check_digit(head)


def test_real_example() -> None:
    code = USCC("91110000600037341L")
    assert code.registration_authority.zh == "工商"
    assert code.entity_type.zh == "企业"
    assert code.division == "110000"
    assert code.organisation_code == "600037341"
    assert code.check_character == "L"
    assert uscc.validate("9111 0000 6000 3734 1l") == "91110000600037341L"


@given(usccs())
def test_valid_codes_accepted_and_round_trip(code: str) -> None:
    value = USCC(code)
    assert value == code
    assert uscc.is_valid(code)
    assert value.division is not None and value.division == code[2:8]
    adapter = TypeAdapter(USCC)
    assert adapter.validate_json(adapter.dump_json(value)) == value
    assert USCC(json.loads(json.dumps(value))) == value


@given(usccs(), st.integers(0, 17), st.sampled_from(uscc.ALPHABET))
def test_any_single_character_corruption_is_rejected(code: str, pos: int, char: str) -> None:
    assume(code[pos] != char)
    corrupted = code[:pos] + char + code[pos + 1 :]
    with pytest.raises(IdentifierError) as info:
        uscc.validate(corrupted)
    assert info.value.check in {"authority", "entity_type", "format", "checksum", "division"}
    assert info.value.message_zh


@given(st.sampled_from("123456789"), st.text(alphabet="0123456789", min_size=7, max_size=7), _ORG)
def test_check_character_agrees_with_stdnum(first: str, digits: str, org: str) -> None:
    head = first + digits + org
    assert uscc.calc_check_digit(head) == stdnum_uscc.calc_check_digit(head)
    full = head + uscc.calc_check_digit(head)
    assert stdnum_uscc.is_valid(full)
    wrong = full[:17] + next(c for c in uscc.ALPHABET if c != full[17])
    assert not stdnum_uscc.is_valid(wrong)
    with pytest.raises(IdentifierError) as info:
        uscc.validate(wrong, check_division=False)
    assert info.value.check in {"checksum", "entity_type"}


@pytest.mark.parametrize("first", ["A", "N", "Y"])
def test_letter_authorities_that_stdnum_refuses(first: str) -> None:
    head = first + "1" + "410500" + "MA3X00000"
    code = head + uscc.calc_check_digit(head)
    with pytest.raises(StdnumError):
        stdnum_uscc.validate(code)
    value = USCC(code)
    assert value.registration_authority.code == first
    assert value.entity_type.code == "1"


def test_division_checks_current_and_historical() -> None:
    def make(division: str) -> str:
        head = "91" + division + "MA3X00000"
        return head + uscc.calc_check_digit(head)

    assert USCC(make("371200")).division == "371200"  # 莱芜市, registered before 2019
    assert USCC(make("410522")).division == "410522"
    assert USCC(make("100000")).division is None  # national registration
    with pytest.raises(IdentifierError) as info:
        USCC(make("419900"))
    assert info.value.check == "division"
    assert "3-8" in info.value.message
    assert info.value.message_zh is not None and "行政区划" in info.value.message_zh
    assert uscc.validate(make("419900"), check_division=False)


@pytest.mark.parametrize(
    ("bad", "check"),
    [
        ("9111000060003734", "length"),
        ("91110000600037341LL", "length"),
        ("91110000600037341I", "format"),
        ("9111000O600037341L", "format"),
        ("Z1110000600037341L", "format"),
        ("B1110000600037341L", "authority"),
        ("94110000600037341L", "entity_type"),
        ("9111A000600037341L", "format"),
        ("91110000600037341M", "checksum"),
        (91110000, "type"),
    ],
)
def test_errors_name_the_failed_check(bad: object, check: str) -> None:
    with pytest.raises(IdentifierError) as info:
        uscc.validate(bad)
    assert info.value.check == check
    assert info.value.code == f"uscc.{check}"
    assert info.value.message and info.value.message_zh
    assert not uscc.is_valid(bad)
