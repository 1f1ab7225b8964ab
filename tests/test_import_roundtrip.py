"""Property: a canonical ledger rendered into any office layout imports back to itself.

Hypothesis generates a county's ledger (businesses at township or village codes, county,
township and village cadres, open pairings, pledges and lists, visits) and renders it with
``samples.write_export`` in every layout (wide and level-grouped, split sheets, GBK / UTF-8
CSV), with title rows or none, any header variant, tier and level labels and date style.
Importing it back, with the shipped profile or with none, must give the same ledger (up to the
ids the export does not carry: assignments' and visits') and the same audit findings.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.import_fixtures import COUNTY, uscc

from foodsafety.engines.audit import audit
from foodsafety.ledger import Ledger
from foodsafety.ledger.importing import import_ledger, infer_profile
from foodsafety.presets import pairing_policy
from foodsafety.samples import LAYOUTS, ExportStyle, write_export

AS_OF = dt.date(2023, 3, 1)
TOWNSHIPS = ("410522102", "410522106", "410522108", "410522203")
_CJK = "合成样本张李王赵钱孙周吴郑冯陈卫蒋沈韩杨朱秦许何吕施孔曹严华金魏陶姜饭店超市面馆粮油"
_TEXT = st.text(alphabet=_CJK + "ABCxyz0123456789", min_size=1, max_size=8)
_DAYS = st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2023, 2, 28))


@st.composite
def county_ledgers(draw: st.DrawFn, *, one_per_level: bool) -> Ledger:
    """A ledger an export can carry: open-ended pairings, no follow-up links."""
    n_cadres = draw(st.integers(1, 6))
    cadres = []
    for i in range(n_cadres):
        level = draw(st.sampled_from(("county", "township", "village")))
        town = draw(st.sampled_from(TOWNSHIPS))
        code = {"county": COUNTY, "township": town, "village": town + "201"}[level]
        cadres.append(
            {
                "cadre_id": f"AY-{i:03d}",
                "name": draw(_TEXT),
                "level": level,
                "jurisdiction": code,
                "unit": draw(st.none() | _TEXT),
                "post": draw(st.none() | st.sampled_from(("party_secretary", "deputy_in_charge"))),
                "active_from": draw(st.none() | _DAYS),
                "active_to": None,
            }
        )
    businesses, assignments, visits = [], [], []
    for i in range(draw(st.integers(1, 8))):
        code = draw(st.sampled_from(TOWNSHIPS))
        if draw(st.booleans()):
            code += "201"
        b_uscc = uscc(500 + i)
        businesses.append(
            {
                "uscc": b_uscc,
                "name": draw(_TEXT),
                "kind": draw(st.sampled_from(("catering", "operation", "production"))),
                "licences": [],
                "jurisdiction": code,
                "tier": draw(st.none() | st.sampled_from(("A", "B", "C", "D"))),
                "risk_grade": draw(st.none() | st.sampled_from(("A", "B", "C", "D"))),
                "principal": draw(_TEXT),
                "director": draw(st.none() | _TEXT),
                "officers": draw(st.lists(_TEXT, max_size=2)),
                "opened": draw(st.none() | _DAYS),
                "closed": None,
                "status_changed": None,
            }
        )
        chosen = draw(st.sets(st.integers(0, n_cadres - 1), max_size=3))
        levels_used: set[str] = set()
        for c in sorted(chosen):
            if one_per_level and cadres[c]["level"] in levels_used:
                continue
            levels_used.add(cadres[c]["level"])
            assignments.append(
                {
                    "assignment_id": f"A-{len(assignments)}",
                    "cadre_id": cadres[c]["cadre_id"],
                    "uscc": b_uscc,
                    "valid_from": draw(_DAYS),
                    "valid_to": None,
                }
            )
            for _ in range(draw(st.integers(0, 2))):
                visits.append(
                    {
                        "visit_id": f"V-{len(visits)}",
                        "date": draw(_DAYS),
                        "cadre_id": cadres[c]["cadre_id"],
                        "uscc": b_uscc,
                        "mode": draw(st.sampled_from(("on_site", "video"))),
                        "task_list_status": draw(st.none() | _TEXT),
                        "results": draw(st.none() | _TEXT),
                        "problems": draw(st.lists(_TEXT, max_size=2)),
                        "evidence": [],
                        "feedback_to": None,
                        "follow_up_of": None,
                        "problems_resolved": None,
                    }
                )
    pledges = []
    for c in cadres:
        for doc in draw(st.sets(st.sampled_from(("pledge", "responsibility", "task")))):
            pledges.append(
                {
                    "cadre_id": c["cadre_id"],
                    "document": doc,
                    "signed": draw(st.none() | _DAYS),
                    "counterpart": None,
                    "scan_ref": None,
                }
            )
    return _frames(
        {
            "businesses": businesses,
            "cadres": cadres,
            "assignments": assignments,
            "pledges": pledges,
            "visits": visits,
        }
    )


def _frames(rows: dict[str, list[dict[str, Any]]]) -> Ledger:
    from foodsafety.ledger.schema import polars_schema

    return Ledger.from_frames(
        **{t: pl.DataFrame(r, schema=polars_schema(t), orient="row") for t, r in rows.items()}
    )


_STYLES = st.builds(
    ExportStyle,
    title_rows=st.integers(0, 3),
    serial_column=st.booleans(),
    footer=st.booleans(),
    blank_row=st.booleans(),
    tier_label=st.sampled_from(("B级", "B")),
    level_labels=st.sampled_from(("long", "short", "community")),
    dates=st.sampled_from(("iso", "slash", "dot", "chinese", "excel", "serial", "mixed")),
    headers=st.integers(0, 2),
    encoding=st.sampled_from(("gbk", "gb18030", "utf-8", "utf-8-sig")),
)


def _sorted(frame: pl.DataFrame, drop: tuple[str, ...] = ()) -> pl.DataFrame:
    out = frame.drop([c for c in drop if c in frame.columns])
    return out.sort(out.columns, nulls_last=True)


def _same_ledger(got: Ledger, want: Ledger) -> None:
    for table, drop in (
        ("businesses", ()),
        ("cadres", ()),
        ("assignments", ("assignment_id",)),
        ("pledges", ()),
        ("visits", ("visit_id",)),
    ):
        left, right = _sorted(got.tables[table], drop), _sorted(want.tables[table], drop)
        assert left.to_dicts() == right.to_dicts(), table


def _findings(ledger: Ledger) -> list[tuple[Any, ...]]:
    result = audit(ledger, pairing_policy("anyang_2022"), AS_OF)
    frame = result.frame.select("kind", "uscc", "cadre_id", "document", "period_start", "level")
    return sorted(frame.iter_rows(), key=repr)


def _export(tmp: Path, ledger: Ledger, layout: str, style: ExportStyle) -> Path:
    target = tmp / ("csv" if layout == "township_csv" else "book.xlsx")
    return write_export(ledger, target, layout, style=style)  # type: ignore[arg-type]


@pytest.mark.slow
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), layout=st.sampled_from(LAYOUTS), style=_STYLES)
def test_every_layout_imports_back_to_the_ledger(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, layout: str, style: ExportStyle
) -> None:
    ledger = data.draw(county_ledgers(one_per_level=layout == "city_levels"))
    tmp = tmp_path_factory.mktemp("export")
    path = _export(tmp, ledger, layout, style)
    profile = data.draw(
        st.sampled_from(
            ("township_csv", None) if layout == "township_csv" else ("county_workbook", None)
        )
    )
    got, report = import_ledger(path, profile, as_of=AS_OF)
    assert report.ok, report.summary()
    _same_ledger(got, ledger)
    assert _findings(got) == _findings(ledger)


@pytest.mark.slow
@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), layout=st.sampled_from(LAYOUTS), style=_STYLES)
def test_an_inferred_profile_reads_the_export_as_well(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, layout: str, style: ExportStyle
) -> None:
    ledger = data.draw(county_ledgers(one_per_level=layout == "city_levels"))
    tmp = tmp_path_factory.mktemp("export")
    path = _export(tmp, ledger, layout, style)
    proposed = infer_profile(path).write(tmp / "profile.yaml")
    got, report = import_ledger(path, proposed, as_of=AS_OF)
    assert report.ok, report.summary()
    _same_ledger(got, ledger)
