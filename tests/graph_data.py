"""Small hand-built ledgers and a hypothesis strategy of ledgers for the graph and tracing tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import Any

import attrs
import polars as pl
from hypothesis import strategies as st

from foodsafety.ledger.schema import TABLES, polars_schema
from foodsafety.models import Governance, JurisdictionTree
from foodsafety.samples._governance import synthetic_governance

COUNTY = "410522"  # 安阳县


@cache
def county_tree() -> JurisdictionTree:
    """安阳县 with its townships (17 jurisdictions)."""
    return JurisdictionTree.from_registry(COUNTY, depth="township")


@cache
def county_governance() -> Governance:
    """Standard bodies and synthetic officials for :func:`county_tree`."""
    return synthetic_governance(county_tree(), since=dt.date(2020, 1, 1))


def townships() -> list[str]:
    """The township codes of the county."""
    return [j.code for j in county_tree() if j.level.value == "township"]


def frame(table: str, rows: Sequence[dict[str, Any]]) -> pl.DataFrame:
    """A frame of ``table`` with the ledger schema; missing columns are null."""
    schema = polars_schema(table)
    cols = {c: [r.get(c) for r in rows] for c in TABLES[table]}
    for c, dtype in schema.items():
        if dtype == pl.List(pl.Utf8):
            cols[c] = [v if v is not None else [] for v in cols[c]]
    return pl.DataFrame(cols, schema=schema)


@attrs.define
class MiniLedger:
    """The three tables the graph reads, as a ledger-like object."""

    businesses: pl.DataFrame
    cadres: pl.DataFrame
    assignments: pl.DataFrame
    rows: dict[str, list[dict[str, Any]]] = attrs.field(factory=dict)


def mini_ledger(
    businesses: Sequence[dict[str, Any]],
    cadres: Sequence[dict[str, Any]] = (),
    assignments: Sequence[dict[str, Any]] = (),
) -> MiniLedger:
    """A :class:`MiniLedger` from row dicts."""
    return MiniLedger(
        frame("businesses", businesses),
        frame("cadres", cadres),
        frame("assignments", assignments),
        {"businesses": list(businesses), "cadres": list(cadres), "assignments": list(assignments)},
    )


def uscc(i: int) -> str:
    """A distinct 18-character code (the graph does not check the check character)."""
    return f"91410522MA{i:07d}X"


DAY0 = dt.date(2022, 1, 1)


def _day(offset: int | None) -> dt.date | None:
    return None if offset is None else DAY0 + dt.timedelta(days=offset)


@st.composite
def ledgers(draw: st.DrawFn, *, max_businesses: int = 8, max_cadres: int = 4) -> MiniLedger:
    """Random small ledgers on 安阳县: businesses with or without principal and director,
    cadres with active periods, assignments with periods (some open-ended)."""
    towns = townships()
    n_b = draw(st.integers(1, max_businesses))
    n_c = draw(st.integers(0, max_cadres))
    offsets = st.one_of(st.none(), st.integers(0, 720))
    businesses = []
    for i in range(n_b):
        opened = draw(st.one_of(st.none(), st.integers(0, 300)))
        closed = draw(st.one_of(st.none(), st.integers(301, 720)))
        businesses.append(
            {
                "uscc": uscc(i),
                "name": f"测试企业{i}",
                "kind": "catering",
                "jurisdiction": draw(st.sampled_from(towns)),
                "tier": "C",
                "principal": draw(st.one_of(st.none(), st.just(f"负责人{i}"))),
                "director": draw(st.one_of(st.none(), st.just(f"总监{i}"))),
                "opened": _day(opened),
                "closed": _day(closed),
            }
        )
    cadres = []
    for c in range(n_c):
        level = draw(st.sampled_from(["county", "township"]))
        start = draw(offsets)
        end = draw(offsets)
        if start is not None and end is not None and end <= start:
            end = None
        cadres.append(
            {
                "cadre_id": f"C{c}",
                "name": f"干部{c}",
                "level": level,
                "jurisdiction": COUNTY if level == "county" else draw(st.sampled_from(towns)),
                "unit": "测试单位",
                "active_from": _day(start),
                "active_to": _day(end),
            }
        )
    assignments = []
    if cadres:
        n_a = draw(st.integers(0, 2 * n_b))
        for a in range(n_a):
            start = draw(st.integers(0, 600))
            length = draw(st.one_of(st.none(), st.integers(1, 400)))
            assignments.append(
                {
                    "assignment_id": f"A{a}",
                    "cadre_id": draw(st.sampled_from([c["cadre_id"] for c in cadres])),
                    "uscc": draw(st.sampled_from([b["uscc"] for b in businesses])),
                    "valid_from": _day(start),
                    "valid_to": None if length is None else _day(start + length),
                }
            )
    return mini_ledger(businesses, cadres, assignments)


def active(start: dt.date | None, end: dt.date | None, day: dt.date) -> bool:
    """The half-open period rule, stated independently of the library."""
    return (start is None or start <= day) and (end is None or day < end)
