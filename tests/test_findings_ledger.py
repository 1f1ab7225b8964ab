"""Example tests: the rectification loop of seed 004, deadlines, the issue ledger and adapters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from foodsafety.errors import LoadError, RecordValidationError, RuleError
from foodsafety.ledger.issues import IssueLedger, from_audit_findings, from_visits
from foodsafety.models.finding import Finding, IllegalTransitionError
from foodsafety.models.visit import Visit
from foodsafety.rules.rectification import (
    RectificationPolicy,
    add_working_days,
    order_rectification,
    rectification_deadline,
)
from foodsafety.vocab import FindingSource, FindingState, RectificationAction, Severity

D = dt.date
USCC_A = "91410500MA44AUUK5F"


FOUND = D(2018, 6, 25)


def finding(fid: str = "F1", *, found: dt.date = FOUND, **kw: object) -> Finding:
    data: dict[str, object] = {
        "finding_id": fid,
        "source": FindingSource.CAMPAIGN,
        "severity": Severity.MINOR,
        "jurisdiction": "320100",
        "subject": "320100",
        "title": "桶装饮用水抽检不合格未核查处置",
        "found_on": found,
    }
    data.update(kw)
    return Finding.model_validate(data)


# -- the loop of seed 004 ------------------------------------------------------------------------


def test_seed_004_loop_talk_deadline_notice_ledger_check_close() -> None:
    """警示约谈、限期整改并视情通报 … 跟进整改情况、验收复核销号 (seed 004)."""
    f = finding(severity=Severity.CRITICAL)
    f = order_rectification(f, on=D(2018, 6, 26), actor="省局")  # Tuesday
    # A critical finding: talk and notice first (example policy), then the deadline.
    assert [e.action for e in f.events] == [
        RectificationAction.WARNING_TALK,
        RectificationAction.PUBLIC_NOTICE,
        RectificationAction.RECTIFICATION_DEADLINE,
    ]
    assert f.state is FindingState.RECTIFYING
    assert f.deadline == D(2018, 7, 10)  # 10 working days after Tue 26 June
    f = f.submit(on=D(2018, 7, 9), actor="南京市局")
    f = f.acceptance_check(on=D(2018, 7, 16), actor="省局", passed=True)
    f = f.close(on=D(2018, 7, 16), actor="省局")
    assert f.state is FindingState.CLOSED and not f.is_open
    r = f.rectification
    assert (r.warning_talks, r.public_notices, r.on_time) == (1, 1, True)
    assert r.closed_on == D(2018, 7, 16) and r.verified_on == D(2018, 7, 16)
    assert f.age(D(2019, 1, 1)) == 21  # an age stops at closing
    # 回头看 finds it again: reopened, and counted.
    g = f.follow_up(on=D(2018, 9, 1), actor="省局", found_again=True)
    assert g.state is FindingState.REOPENED and g.rectification.reopened == 1
    assert g.is_open and g.age(D(2018, 9, 11)) == 78


def test_acceptance_failure_sends_back_and_overdue_then_late_submission() -> None:
    f = finding().notify(on=D(2018, 6, 25), actor="第一督查组")
    f = f.order_rectification(on=D(2018, 6, 26), deadline=D(2018, 7, 6), actor="省局")
    f = f.submit(on=D(2018, 7, 5), actor="市局")
    f = f.acceptance_check(on=D(2018, 7, 6), actor="省局", passed=False)
    assert f.state is FindingState.RECTIFYING
    assert not f.is_overdue(D(2018, 7, 6)) and f.is_overdue(D(2018, 7, 7))
    with pytest.raises(RecordValidationError) as err:
        f.apply("mark_overdue", on=D(2018, 7, 6), actor="system")
    assert err.value.code == "finding.not_yet_overdue"
    g = f.mark_overdue_if_due(D(2018, 7, 20))
    assert g.state is FindingState.OVERDUE and g.events[-1].date == D(2018, 7, 7)
    assert f.mark_overdue_if_due(D(2018, 7, 6)) is f  # not due yet: unchanged
    g = g.submit(on=D(2018, 7, 25), actor="市局")
    assert g.rectification.on_time is False and g.rectification.acceptance_failures == 1


def test_illegal_transition_names_both_states() -> None:
    f = finding().notify(on=D(2018, 6, 25), actor="G1")
    with pytest.raises(IllegalTransitionError) as err:
        f.close(on=D(2018, 6, 26), actor="省局")
    msg = str(err.value)
    assert "notified" in msg and "closed" in msg and "verified" in msg
    assert err.value.state is FindingState.NOTIFIED and err.value.target is FindingState.CLOSED
    with pytest.raises(IllegalTransitionError, match="needs an outcome"):
        f.apply("回头看", on=D(2018, 6, 26), actor="G1")  # labels parse; outcome missing


def test_events_must_be_dated_in_order() -> None:
    f = finding().notify(on=D(2018, 6, 30), actor="G1")
    with pytest.raises(RecordValidationError, match="date order"):
        f.warning_talk(on=D(2018, 6, 29), actor="G1")
    with pytest.raises(RecordValidationError, match="deadline"):
        f.apply("限期整改", on=D(2018, 7, 1), actor="G1")  # no deadline given


# -- deadlines -----------------------------------------------------------------------------------


def test_working_days_skip_weekends_holidays_and_count_makeup_days() -> None:
    # Friday 22 June 2018 + 10 working days = Friday 6 July.
    assert add_working_days(D(2018, 6, 22), 10) == D(2018, 7, 6)
    # National Day 2018: 1-7 October off, Saturday 29 and Sunday 30 September worked (调休).
    golden_week = [D(2018, 10, d) for d in range(1, 8)]
    makeup = [D(2018, 9, 29), D(2018, 9, 30)]
    assert add_working_days(D(2018, 9, 28), 3, holidays=golden_week, makeup_days=makeup) == D(
        2018, 10, 8
    )
    assert add_working_days(D(2018, 9, 28), 1, holidays=golden_week) == D(2018, 10, 8)
    assert rectification_deadline(D(2018, 9, 28), 15, working_days=False) == D(2018, 10, 13)
    with pytest.raises(RuleError):
        add_working_days(D(2018, 9, 28), 0)


def test_policy_days_and_measures_by_severity() -> None:
    p = RectificationPolicy(days={Severity.MINOR: 5}, warning_talk_from=None)
    assert p.measures(Severity.CRITICAL) == [
        RectificationAction.PUBLIC_NOTICE,
        RectificationAction.RECTIFICATION_DEADLINE,
    ]
    assert p.deadline(Severity.MINOR, D(2018, 6, 25)) == D(2018, 7, 2)
    with pytest.raises(RuleError, match="major"):
        p.days_for(Severity.MAJOR)


# -- the issue ledger ----------------------------------------------------------------------------


def small_ledger() -> IssueLedger:
    young = finding("F1", found=D(2018, 12, 20))  # 11 days on 31 Dec
    middle = finding("F2", found=D(2018, 11, 10), jurisdiction="320104", source="inspection")
    middle = middle.order_rectification(on=D(2018, 11, 12), deadline=D(2018, 11, 30), actor="x")
    old = finding("F3", found=D(2018, 6, 25), jurisdiction="321100", severity=Severity.MAJOR)
    old = old.order_rectification(on=D(2018, 6, 26), deadline=D(2018, 7, 10), actor="x")
    old = old.mark_overdue_if_due(D(2018, 8, 1))
    done = finding("F4", found=D(2018, 6, 25), jurisdiction="321100", source="assessment")
    done = done.order_rectification(on=D(2018, 6, 26), deadline=D(2018, 7, 10), actor="x")
    done = done.submit(on=D(2018, 7, 1), actor="y").acceptance_check(
        on=D(2018, 7, 2), actor="x", passed=True
    )
    done = done.close(on=D(2018, 7, 3), actor="x")
    return IssueLedger([young, middle, old, done])


def test_ledger_open_by_age_overdue_and_counts() -> None:
    ledger = small_ledger()
    day = D(2018, 12, 31)
    ages = ledger.open_by_age(day)
    assert dict(zip(ages["age_bucket"], ages["open"], strict=True)) == {
        "0-30": 1,
        "31-60": 1,
        "61-90": 0,
        "91-180": 0,
        ">180": 1,
    }
    assert ages["major"].sum() == 1 and ages["overdue"].sum() == 2
    overdue = ledger.overdue(day)
    # F3 is marked overdue; F2 is still "rectifying" but past its deadline.
    assert overdue["finding_id"].to_list() == ["F3", "F2"]
    assert overdue["days_overdue"].to_list() == [174, 31]
    by_city = ledger.by_jurisdiction(day, level="city")
    rows = {r["city"]: r for r in by_city.to_dicts()}
    assert rows["320100"]["total"] == 2 and rows["320100"]["overdue"] == 1
    assert rows["321100"]["closed"] == 1 and rows["321100"]["open"] == 1
    by_source = {r["source"]: r for r in ledger.by_source(day).to_dicts()}
    assert by_source["assessment"]["closed"] == 1 and by_source["inspection"]["overdue"] == 1
    ev = ledger.evidence(day, level="city")
    assert ev["320100"]["overdue_findings"] == 1 and ev["321100"]["closed_findings"] == 1


def test_ledger_files_round_trip_and_refuse_duplicates(tmp_path: Path) -> None:
    ledger = small_ledger()
    path = ledger.to_jsonl(tmp_path / "issues.jsonl")
    back = IssueLedger.read(path)
    assert back.findings == ledger.findings
    assert back.events().height == ledger.events().height > 0
    csv = ledger.export(tmp_path / "issues.csv", D(2018, 12, 31))
    assert pl.read_csv(csv).height == 4
    with pytest.raises(LoadError):
        ledger.export(tmp_path / "issues.txt", D(2018, 12, 31))
    with pytest.raises(RuleError, match="twice"):
        IssueLedger([*ledger, ledger["F1"]])
    bad = tmp_path / "bad.jsonl"
    bad.write_text(path.read_text().replace('"state":"closed"', '"state":"found"'))
    with pytest.raises(RecordValidationError) as err:
        IssueLedger.read(bad)
    assert err.value.row == 4 and err.value.source == str(bad)


# -- adapters ------------------------------------------------------------------------------------


def test_visits_enter_the_ledger_with_their_loop() -> None:
    visits = [
        Visit(
            visit_id="V1",
            date=D(2022, 11, 14),
            cadre_id="C1",
            uscc=USCC_A,
            mode="onsite",
            problems=("留样记录不全", "从业人员健康证过期"),
            feedback_to="属地市场监管所",
        ),
        Visit(
            visit_id="V2",
            date=D(2022, 11, 25),
            cadre_id="C1",
            uscc=USCC_A,
            mode="video",
            follow_up_of="V1",
            problems_resolved=False,
        ),
        Visit(
            visit_id="V3",
            date=D(2023, 1, 10),
            cadre_id="C1",
            uscc=USCC_A,
            mode="onsite",
            follow_up_of="V1",
            problems_resolved=True,
        ),
        Visit(visit_id="V4", date=D(2022, 12, 1), cadre_id="C2", uscc=USCC_A, mode="onsite"),
    ]
    found = from_visits(visits, businesses={USCC_A: "410502001"})
    assert [f.finding_id for f in found] == ["visit:V1:1", "visit:V1:2"]
    f = found[0]
    assert f.source is FindingSource.SUPERVISION_VISIT and f.jurisdiction == "410502001"
    actions = [e.action.value for e in f.events]
    # Fed back, deadline (20 working days: 12 Dec), unresolved at V2, overdue, resolved at V3.
    assert actions == [
        "notify",
        "rectification_deadline",
        "follow_up",
        "mark_overdue",
        "submit",
        "acceptance_check",
    ]
    assert f.deadline == D(2022, 12, 12)
    assert f.state is FindingState.VERIFIED


def test_pairing_audit_and_sample_visits_enter_the_same_ledger() -> None:
    from foodsafety.engines.audit import audit
    from foodsafety.samples import anyang

    data = anyang(scale=0.02)
    result = audit(data, data.policy, data.as_of)
    audit_findings = from_audit_findings(result)
    visit_findings = from_visits(data)
    assert len(audit_findings) == len(result)
    problems = data.visits.filter(pl.col("follow_up_of").is_null())["problems"].list.len().sum()
    assert len(visit_findings) == problems
    ledger = IssueLedger([*audit_findings, *visit_findings])
    sources = {r["source"]: r["total"] for r in ledger.by_source(data.as_of).to_dicts()}
    assert sources == {"audit": len(result), "supervision_visit": problems}
    # Every visit finding sits in Anyang (410500) through its business's township.
    assert all(f.jurisdiction and f.jurisdiction.startswith("4105") for f in visit_findings)
    with pytest.raises(RuleError):
        from_audit_findings(list(result.findings()))  # a plain list needs found_on
