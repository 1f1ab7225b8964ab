"""Bring a county's own ledger in (导入本地台账), from its title row to the audit.

The workbook here is written by ``foodsafety.samples.write_export`` from a **synthetic** sample
(安阳县, seed 004's city), in the shape county offices send theirs: sheets named 包保主体台账,
包保干部名单, 三清单一承诺 and 督导记录, two title rows above each header, a 序号 column, footer
rows, tiers written 'B级', levels '乡镇级', dates written every way, the pairing cadre's columns
embedded in each business row, visits without ids and modes such as '视频督导'. Two faults are
then typed into it by hand, as people do: a tier 'E级' and a township code with a digit missing.

Run: ``python examples/import_county_ledger.py``
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import attrs
import openpyxl
import polars as pl

from foodsafety.engines.audit import audit
from foodsafety.ledger import Ledger, load_ledger
from foodsafety.ledger.importing import infer_profile
from foodsafety.rules import load_pairing_policy
from foodsafety.samples import ExportStyle, FaultRates, anyang, write_export

COUNTY = "410522"  # 安阳县
AS_OF = dt.date(2023, 1, 1)

# the county's policy, as it wrote it: who pairs which tier, and quarterly visits
POLICY = """\
name: anyang_county_2023
description: 安阳县包保工作规则（示例）
effective: 2022-09-01
tier_levels: {A: city, B: county, C: township, D: village}
cadence:
  default: {freq: quarterly, min_visits: 1}
"""


def county_export(folder: Path) -> tuple[Path, Ledger]:
    """A synthetic county workbook, then two faults typed into it; and the ledger it shows."""
    faults = attrs.evolve(FaultRates.none(), unpaired=0.03, visit_overdue=0.05)
    sample = anyang(seed=4, scale=0.05, faults=faults, as_of=AS_OF)
    t = sample.tables
    businesses = t["businesses"].filter(pl.col("jurisdiction").str.starts_with(COUNTY))
    usccs = businesses.get_column("uscc").implode()
    pairs = t["assignments"].filter(pl.col("uscc").is_in(usccs))
    cadres = t["cadres"].filter(pl.col("cadre_id").is_in(pairs.get_column("cadre_id").implode()))
    visits = t["visits"].filter(pl.col("uscc").is_in(usccs) & pl.col("follow_up_of").is_null())
    ledger = Ledger.from_frames(
        businesses=businesses,
        cadres=cadres,
        assignments=pairs,
        pledges=t["pledges"].filter(
            pl.col("cadre_id").is_in(cadres.get_column("cadre_id").implode())
        ),
        visits=visits.with_columns(pl.lit(None, dtype=pl.Boolean).alias("problems_resolved")),
    )
    path = write_export(
        ledger,
        folder / "安阳县2023年包保台账.xlsx",
        "county_workbook",
        style=ExportStyle(title_rows=2, dates="mixed", tier_label="B级"),
        title="安阳县2023年",
    )
    book = openpyxl.load_workbook(path)
    sheet = book["包保主体台账"]
    header = [c.value for c in sheet[3]]
    sheet.cell(row=4, column=header.index("包保主体分级") + 1, value="E级")
    sheet.cell(row=5, column=header.index("乡镇区划代码") + 1, value="41052210")
    book.save(path)
    return path, ledger


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path, shown = county_export(Path(tmp))
        print(f"合成样本 SYNTHETIC export: {path.name}")

        # 1. load it as it is: the shipped profile for county workbooks
        ledger, report = load_ledger(path, profile="county_workbook", as_of=AS_OF)
        print("kept:", ", ".join(f"{t} {n}" for t, n in ledger.counts().items() if n))
        print(report.summary())

        # 2. the problems, as the user sees them: sheet, row, header
        for problem in report.errors().roots():
            print(f"  {problem.source}, row {problem.row}, {problem.column}: {problem.code}")

        # 3. the profile the importer would propose, to save and edit
        proposed = infer_profile(path, name="anyang_county")
        print("proposed profile tables:", ", ".join(proposed.profile.tables))

        # 4. the audit, against the county's own policy
        policy = load_pairing_policy("policy.yaml", text=POLICY)
        result = audit(ledger, policy, AS_OF)
        print("findings:", {k: n for k, n in result.counts().items() if n})
        # the ledger the workbook was written from gives the same findings, but for the two
        # businesses typed wrong (left out of the import, so not audited)
        before = audit(shown, policy, AS_OF).frame.select("kind", "uscc")
        after = result.frame.select("kind", "uscc")
        lost = before.join(after, on=["kind", "uscc"], how="anti")
        extra = after.join(before, on=["kind", "uscc"], how="anti")
        print(f"findings of the written ledger not in the import: {lost.height}")
        print(f"findings of the import not in the written ledger: {extra.height}")


if __name__ == "__main__":
    main()
