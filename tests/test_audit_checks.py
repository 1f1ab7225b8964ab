"""The optional checks shipped with the audit, and checks users register, on small ledgers."""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import polars as pl
import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foodsafety.engines.audit import (
    AuditContext,
    CheckFailedWarning,
    FindingKind,
    audit,
    audit_check,
    planned_checks,
    registered_checks,
    unregister_check,
)
from foodsafety.errors import RuleError, UnlistedLabelWarning
from foodsafety.rules import PairingPolicy, load_pairing_policy
from foodsafety.samples import anyang
from foodsafety.vocab import Severity
from pairing_data import uscc

D = dt.date
AS_OF = D(2023, 12, 1)
JAN_1 = D(2023, 1, 1)
TOWN_A, TOWN_B = "410522100", "410522101"


def _policy(**checks: Any) -> PairingPolicy:
    return PairingPolicy.model_validate(
        {
            "name": "local_rules",
            "description": "a county's local rules",
            "effective": "2023-01-01",
            "tier_levels": {"A": "city", "B": "county", "C": "township", "D": "village"},
            "checks": checks,
        }
    )


def _ledger(
    n: int,
    *,
    paired: int | None = None,
    town: str = TOWN_A,
    tier: str = "C",
    start: int = 0,
    valid_from: dt.date = JAN_1,
    visits: Sequence[tuple[int, dt.date, str, list[str]]] = (),
    risk: str | None = None,
) -> dict[str, pl.DataFrame]:
    """``n`` businesses in ``town``, the first ``paired`` paired by cadre C<town>; visits as
    (business number, date, mode, problems)."""
    paired = n if paired is None else paired
    ids = [uscc(start + i) for i in range(n)]
    cadre = f"C{town}"
    return {
        "businesses": pl.DataFrame(
            {
                "uscc": ids,
                "name": [f"店{start + i}" for i in range(n)],
                "kind": ["operation"] * n,
                "jurisdiction": [town] * n,
                "tier": [tier] * n,
                "risk_grade": [risk] * n,
                "opened": [D(2020, 1, 1)] * n,
            }
        ),
        "cadres": pl.DataFrame(
            {"cadre_id": [cadre], "name": ["王五"], "level": ["township"], "jurisdiction": [town]}
        ),
        "assignments": pl.DataFrame(
            {
                "assignment_id": [f"A{start + i}" for i in range(paired)],
                "cadre_id": [cadre] * paired,
                "uscc": ids[:paired],
                "valid_from": [valid_from] * paired,
            },
            schema={
                "assignment_id": pl.Utf8,
                "cadre_id": pl.Utf8,
                "uscc": pl.Utf8,
                "valid_from": pl.Date,
            },
        ),
        "visits": pl.DataFrame(
            {
                "visit_id": [f"V{start}-{k}" for k in range(len(visits))],
                "date": [v[1] for v in visits],
                "cadre_id": [cadre] * len(visits),
                "uscc": [ids[v[0]] for v in visits],
                "mode": [v[2] for v in visits],
                "problems": [v[3] for v in visits],
            },
            schema={
                "visit_id": pl.Utf8,
                "date": pl.Date,
                "cadre_id": pl.Utf8,
                "uscc": pl.Utf8,
                "mode": pl.Utf8,
                "problems": pl.List(pl.Utf8),
            },
        ),
    }


def _join(*ledgers: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    return {t: pl.concat([x[t] for x in ledgers], how="diagonal") for t in ledgers[0]}


# -- coverage milestones ------------------------------------------------------------------


def test_a_missed_milestone_says_where_and_by_how_much() -> None:
    ledger = _join(_ledger(10, paired=7), _ledger(5, town=TOWN_B, start=100))
    policy = _policy(
        coverage_milestones={
            "by": "township",
            "targets": [
                {"due": "2023-11-09", "measure": "paired", "share": 0.8},
                {"due": "2023-11-20", "measure": "paired", "share": 1.0},
                {"due": "2024-01-10", "measure": "paired", "share": 1.0},  # not yet due
            ],
        }
    )
    found = audit(ledger, policy, AS_OF).frame.filter(kind="milestone_missed")
    assert found["key"].to_list() == [
        f"{TOWN_A}/paired@2023-11-09",
        f"{TOWN_A}/paired@2023-11-20",
    ]
    assert found["jurisdiction"].to_list() == [TOWN_A, TOWN_A]
    assert found["detail"].to_list() == [
        "70.0% paired by 2023-11-09 (target 80%): 7 of 10, 1 short",
        "70.0% paired by 2023-11-20 (target 100%): 7 of 10, 3 short",
    ]
    assert "差1户" in found["message_zh"][0]
    assert found["severity"].unique().to_list() == ["major"]
    assert found["clause"].unique().to_list() == ["checks.coverage_milestones"]


def test_a_visited_milestone_counts_visits_by_the_pairing_cadre_up_to_its_day() -> None:
    visits = [(0, D(2023, 3, 1), "on_site", []), (1, D(2023, 11, 25), "on_site", [])]
    ledger = _ledger(2, visits=visits)
    targets = [{"due": "2023-11-20", "measure": "visited", "share": 1.0}]
    policy = _policy(coverage_milestones={"targets": targets})
    found = audit(ledger, policy, AS_OF).frame.filter(kind="milestone_missed")
    assert found["key"].to_list() == ["410522/visited@2023-11-20"]  # by county by default
    assert found["detail"].to_list() == [
        "50.0% visited by 2023-11-20 (target 100%): 1 of 2, 1 short"
    ]


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 30), data=st.data())
def test_a_milestone_is_missed_exactly_when_the_share_is_below_target(
    n: int, data: st.DataObject
) -> None:
    paired = data.draw(st.integers(0, n))
    share = data.draw(st.sampled_from([0.5, 0.8, 0.9, 0.95, 1.0]))
    policy = _policy(
        coverage_milestones={"targets": [{"due": "2023-11-09", "share": share}], "by": "township"}
    )
    found = audit(_ledger(n, paired=paired), policy, AS_OF).frame.filter(kind="milestone_missed")
    assert (found.height == 1) == (paired / n < share)
    if found.height:
        short = math.ceil(share * n - 1e-9) - paired
        assert short > 0
        assert found["detail"][0].endswith(f"{paired} of {n}, {short} short")


# -- holiday windows ------------------------------------------------------------------------


def test_visits_are_required_in_the_days_before_a_holiday() -> None:
    # 2023's Spring Festival days off began on 21 January: the 15 days before are 6–20 January
    visits = [(0, D(2023, 1, 10), "on_site", []), (2, D(2023, 1, 21), "on_site", [])]
    ledger = _ledger(3, visits=visits, valid_from=D(2022, 6, 1))
    policy = _policy(holiday_windows={"holidays": ["春节"], "days_before": 15})
    found = audit(ledger, policy, AS_OF).frame.filter(kind="holiday_visit_missing")
    assert found["key"].to_list() == ["A1@2023-01-21", "A2@2023-01-21"]
    assert found["period_start"].unique().to_list() == [D(2023, 1, 6)]
    assert "春节" in found["message_zh"][0]


def test_a_holiday_window_needs_an_assignment_that_covers_it() -> None:
    # paired from 10 January: the window from 6 January is not the cadre's to meet
    ledger = _ledger(1, valid_from=D(2023, 1, 10))
    policy = _policy(holiday_windows={"holidays": ["spring_festival"], "days_before": 15})
    assert audit(ledger, policy, AS_OF).frame.filter(kind="holiday_visit_missing").height == 0
    policy = _policy(holiday_windows={"holidays": ["national_day"], "days_before": 10})
    found = audit(ledger, policy, AS_OF).frame.filter(kind="holiday_visit_missing")
    # 2023's National Day days off began on 30 September (the Mid-autumn Festival on the 29th)
    assert found["key"].to_list() == ["A0@2023-09-30"]


# -- repeated problems ----------------------------------------------------------------------


def test_problems_in_consecutive_visits_are_escalated_once_a_run() -> None:
    days = [D(2023, m, 1) for m in range(1, 8)]
    found_at = [["油污"], ["油污"], [], ["过期"], ["过期"], ["过期"], ["过期"]]
    visits = [(0, d, "on_site", p) for d, p in zip(days, found_at, strict=True)]
    ledger = _ledger(1, visits=visits)
    three = audit(ledger, _policy(repeated_problems={"consecutive": 3}), AS_OF).frame
    assert three.filter(kind="repeated_problems")["key"].to_list() == [f"{uscc(0)}@V0-5"]
    row = three.filter(kind="repeated_problems").row(0, named=True)
    assert row["period_start"] == D(2023, 4, 1)
    assert row["detail"] == "4 visits in a row with problems from 2023-04-01 to 2023-07-01: " + (
        "V0-3, V0-4, V0-5, V0-6"
    )
    two = audit(ledger, _policy(repeated_problems=True), AS_OF).frame
    assert two.filter(kind="repeated_problems").height == 1  # default 3
    two = audit(ledger, _policy(repeated_problems={"consecutive": 2}), AS_OF).frame
    assert two.filter(kind="repeated_problems")["key"].to_list() == [
        f"{uscc(0)}@V0-1",
        f"{uscc(0)}@V0-4",
    ]


@settings(max_examples=60, deadline=None)
@given(pattern=st.lists(st.booleans(), max_size=14), n=st.integers(2, 5))
def test_repeated_problems_count_the_runs_of_length_n(pattern: list[bool], n: int) -> None:
    visits = [
        (0, D(2023, 1, 1) + dt.timedelta(days=7 * i), "on_site", ["问题"] if bad else [])
        for i, bad in enumerate(pattern)
    ]
    found = audit(_ledger(1, visits=visits), _policy(repeated_problems={"consecutive": n}), AS_OF)
    runs = "".join("x" if bad else "." for bad in pattern).split(".")
    assert found.frame.filter(kind="repeated_problems").height == sum(len(r) >= n for r in runs)


# -- on-site visits ---------------------------------------------------------------------------


def test_high_risk_businesses_need_an_on_site_visit_each_quarter() -> None:
    visits = [
        (0, D(2023, 2, 1), "on_site", []),
        (0, D(2023, 5, 1), "on_site", []),
        (0, D(2023, 8, 1), "on_site", []),
        (1, D(2023, 2, 1), "video", []),
        (1, D(2023, 5, 1), "phone", []),
        (1, D(2023, 8, 1), "联合督导", []),  # a mode the vocabulary does not list
    ]
    ledger = _ledger(2, tier="B", visits=visits, valid_from=D(2022, 1, 1))
    policy = _policy(on_site_visits={"tiers": ["B"], "per": {"freq": "quarterly"}})
    found = audit(ledger, policy, AS_OF).frame.filter(kind="on_site_visit_missing")
    # closed quarters inside [2022-12-01, 2023-12-01): Q1, Q2 and Q3 of 2023
    assert found["key"].to_list() == [
        f"{uscc(1)}@2023-01-01",
        f"{uscc(1)}@2023-04-01",
        f"{uscc(1)}@2023-07-01",
    ]
    with pytest.warns(UnlistedLabelWarning, match="联合督导"):
        counted = _policy(on_site_visits={"tiers": ["B"], "modes": ["on_site", "联合督导"]})
    assert audit(ledger, counted, AS_OF).frame.filter(kind="on_site_visit_missing").height == 0
    by_risk = _policy(on_site_visits={"risk_grades": ["D"]})
    assert audit(ledger, by_risk, AS_OF).frame.filter(kind="on_site_visit_missing").height == 0
    risky = _ledger(2, tier="C", risk="D", visits=visits, valid_from=D(2022, 1, 1))
    found = audit(risky, by_risk, AS_OF).frame.filter(kind="on_site_visit_missing")
    assert found["key"].to_list() == [f"{uscc(1)}@2022-12-01"]  # once in the window


def test_on_site_visits_must_name_whom_they_apply_to() -> None:
    with pytest.raises(Exception, match="tiers or the risk grades"):
        _policy(on_site_visits={"per": {"freq": "monthly"}})


# -- checks users write -------------------------------------------------------------------


class YellowCard(pydantic.BaseModel):
    """A county's yellow card (黄牌警告): a cadre with more overdue businesses than allowed."""

    max_unvisited: int = pydantic.Field(ge=0)


@pytest.fixture
def yellow_card() -> Iterator[str]:
    @audit_check(
        "county_yellow_card",
        kinds={"yellow_card": FindingKind(Severity.MINOR, "黄牌警告", "yellow card")},
        params=YellowCard,
    )
    def check(ctx: AuditContext, params: YellowCard) -> pl.DataFrame:
        visited = ctx.visits.select("uscc", "cadre_id").unique()
        unvisited = (
            ctx.assignments.join(visited, on=["uscc", "cadre_id"], how="anti")
            .group_by("cadre_id")
            .len()
            .filter(pl.col("len") > params.max_unvisited)
        )
        return unvisited.select(
            pl.col("cadre_id").alias("key"),
            "cadre_id",
            pl.format("{} unvisited", "len").alias("detail"),
            pl.format("干部{}包保主体{}户未督导", "cadre_id", "len").alias("message_zh"),
            pl.format("cadre {} left {} businesses unvisited", "cadre_id", "len").alias(
                "message_en"
            ),
        )

    yield "county_yellow_card"
    unregister_check("county_yellow_card")


def test_a_user_check_runs_from_the_policy_file(yellow_card: str, tmp_path: Path) -> None:
    path = tmp_path / "county.yaml"
    path.write_text(
        "name: county_rules\ndescription: 县级包保规则\neffective: 2023-01-01\n"
        "tier_levels: {A: city, B: county, C: township, D: village}\n"
        "checks:\n  county_yellow_card: {max_unvisited: 1}\n",
        encoding="utf-8",
    )
    policy = load_pairing_policy(path)
    result = audit(_ledger(3, visits=[(0, D(2023, 5, 1), "on_site", [])]), policy, AS_OF)
    cards = result.frame.filter(kind="yellow_card")
    assert cards["key"].to_list() == [f"C{TOWN_A}"]
    assert cards.row(0, named=True)["severity"] == "minor"
    assert cards.row(0, named=True)["clause"] == "checks.county_yellow_card"
    assert cards.row(0, named=True)["rule"] == "county_rules"
    assert result.counts()["yellow_card"] == 1
    assert "county_yellow_card" in result.checks
    assert "yellow_card" in result.report()


def test_a_user_check_parameters_are_checked_when_the_audit_runs(yellow_card: str) -> None:
    with pytest.raises(RuleError, match=r"checks\.county_yellow_card\.max_unvisited"):
        audit(_ledger(1), _policy(county_yellow_card={"max_unvisited": -1}), AS_OF)
    with pytest.raises(RuleError, match="not registered"):
        planned_checks(_policy(county_yellow_cards={"max_unvisited": 1}))


def test_a_failing_user_check_is_reported_and_the_others_run() -> None:
    @audit_check("broken_rule", kinds={"broken": FindingKind(Severity.MINOR, "坏", "broken")})
    def broken(ctx: AuditContext, params: Any) -> pl.DataFrame:
        raise KeyError("no such column")

    @audit_check("wrong_kind", kinds={"mine": FindingKind(Severity.MINOR, "我的", "mine")})
    def wrong(ctx: AuditContext, params: Any) -> pl.DataFrame:
        return pl.DataFrame({"kind": ["unpaired"], "key": ["x"]})

    try:
        policy = _policy(broken_rule=True, wrong_kind=True)
        with pytest.warns(CheckFailedWarning) as caught:
            result = audit(_ledger(3, paired=2), policy, AS_OF)
        assert len(caught) == 2 and "broken_rule" in str(caught[0].message)
        assert [f.check for f in result.failures] == ["broken_rule", "wrong_kind"]
        assert result.failures[0].error == "KeyError"
        assert "does not declare" in result.failures[1].message
        assert result.keys("unpaired") == {uscc(2)}  # the core checks still ran
        assert "broken_rule" in result.report()
    finally:
        unregister_check("broken_rule")
        unregister_check("wrong_kind")


def test_checks_register_once_and_shipped_ones_stay() -> None:
    with pytest.raises(RuleError, match="already registered"):
        audit_check("unpaired", kinds={"x": FindingKind(Severity.MINOR, "x", "x")})(
            lambda ctx, params: pl.DataFrame()
        )
    with pytest.raises(RuleError, match="reported by the check"):
        audit_check("mine", kinds={"unpaired": FindingKind(Severity.MINOR, "x", "x")})(
            lambda ctx, params: pl.DataFrame()
        )
    with pytest.raises(RuleError, match="shipped with the library"):
        unregister_check("unpaired")
    assert "mine" not in registered_checks()


def test_a_policy_turns_a_core_check_off() -> None:
    sample = anyang(seed=3, scale=0.05)
    on = audit(sample.tables, sample.policy, sample.as_of)
    assert on.counts()["cadre_outside_jurisdiction"] > 0
    off_policy = sample.policy.model_copy(
        update={"checks": _policy(cadre_outside_jurisdiction=False).checks}
    )
    off = audit(sample.tables, off_policy, sample.as_of)
    assert off.counts()["cadre_outside_jurisdiction"] == 0
    assert "cadre_outside_jurisdiction" not in off.checks
    rest = on.frame.filter(pl.col("kind") != "cadre_outside_jurisdiction")
    assert off.frame.equals(rest)


def test_shipped_check_parameters_fail_at_load_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "name: bad\ndescription: x\neffective: 2023-01-01\n"
        "tier_levels: {C: township}\n"
        "checks:\n  coverage_milestones:\n    targets:\n      - {due: 2023-11-09, share: 80}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError, match=r"bad\.yaml(:|, row )8") as err:
        load_pairing_policy(path)
    assert "share" in str(err.value)


def test_no_calendar_warning_for_covered_years() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        audit(_ledger(2), _policy(holiday_windows={"holidays": ["春节"]}), AS_OF)


def test_a_check_s_extra_column_left_out_of_the_input_is_said() -> None:
    ledger = _ledger(2, tier="B", visits=[(0, D(2023, 2, 1), "on_site", [])])
    ledger["visits"] = ledger["visits"].drop("mode")
    with pytest.warns(UserWarning, match="no column mode"):
        found = audit(ledger, _policy(on_site_visits={"tiers": ["B"]}), AS_OF)
    assert found.frame.filter(kind="on_site_visit_missing").height == 2


def test_findings_exports_are_atomic_and_never_formulas(tmp_path: Path) -> None:
    import openpyxl

    from foodsafety.errors import LoadError

    ledger = _ledger(2, paired=1)
    ledger["businesses"] = ledger["businesses"].with_columns(
        pl.Series("name", ['=HYPERLINK("http://x")', "=1+1"])
    )
    result = audit(ledger, _policy(), AS_OF)
    assert result.frame["message_zh"][0].startswith("=1+1")  # the name leads the message
    csv = result.export(tmp_path / "findings.csv")
    assert "'=1+1（" in csv.read_text(encoding="utf-8-sig")
    book = openpyxl.load_workbook(result.export(tmp_path / "findings.xlsx"))
    cells = [c for row in book["findings"].iter_rows() for c in row]
    assert any(c.value == result.frame["message_zh"][0] for c in cells)
    assert all(c.data_type != "f" for c in cells)
    with pytest.raises(LoadError, match=r"use \.csv, \.json or \.xlsx"):
        result.export(tmp_path / "findings.docx")
    with pytest.raises(LoadError, match="does not exist"):
        result.export(tmp_path / "missing" / "findings.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["findings.csv", "findings.xlsx"]
