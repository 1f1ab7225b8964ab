"""The audit as composable checks gives the findings the single-function engine gave.

While both engines existed, a property test drew samples of random seeds, sizes, fault rates
and routine shares, audited them under policy variations (each optional rule on or off, other
cadences, windows, load caps, one thread or two) with both, and required the findings frame
and the coverage table to be equal row for row (150 examples passed; the test is in the
history of this file). Before the old engine was deleted it wrote the digests of five fixed
cases to ``tests/data/audit_golden.json``; the new engine must reproduce them exactly. The
old engine counted working days Monday to Friday minus a list, so the cases run with
``calendar: {statutory: false}``; the statutory calendar is tested in
``test_audit_calendar.py``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from foodsafety.engines.audit import audit
from foodsafety.rules import Cadence, PairingPolicy, WorkCalendar
from foodsafety.rules.pairing_policy import RoutineRule, StaffingRule
from foodsafety.samples import FaultRates, anyang
from foodsafety.vocab import Level, Routine

GOLDEN = json.loads((Path(__file__).parent / "data" / "audit_golden.json").read_text())

#: Fixed cases whose findings the single-function engine gave are kept as digests in
#: ``tests/data/audit_golden.json`` (written by that engine before it was deleted).
CASES = ("full", "faulty_small", "monthly_short_window", "staffing_routines_caps", "bare")


def case_inputs(
    name: str,
) -> tuple[dict[str, pl.DataFrame], PairingPolicy, dt.date, dt.date | None]:
    """The ledger, policy, audit day and window start of a fixed case."""
    weekdays = WorkCalendar(statutory=False)
    if name == "full":
        sample = anyang(seed=0)
        return (
            sample.tables,
            sample.policy.model_copy(update={"calendar": weekdays}),
            sample.as_of,
            None,
        )
    if name == "faulty_small":
        sample = anyang(seed=4, scale=0.05, routine_share=0.3)
        policy = sample.policy.model_copy(update={"calendar": weekdays, "follow_up_days": 7})
        return sample.tables, policy, sample.as_of, None
    if name == "monthly_short_window":
        sample = anyang(
            seed=11, scale=0.03, faults=FaultRates(visit_overdue=0.2), routine_share=0.5
        )
        cadence = {"default": Cadence(freq="monthly", min_visits=2)}
        policy = sample.policy.model_copy(update={"calendar": weekdays, "cadence": cadence})
        return sample.tables, policy, sample.as_of, sample.as_of - dt.timedelta(days=120)
    if name == "staffing_routines_caps":
        sample = anyang(seed=21, scale=0.04, routine_share=0.4)
        update = {
            "calendar": WorkCalendar(statutory=False, days_off=(dt.date(2022, 10, 3),)),
            "staffing": StaffingRule(director=True, min_officers=2),
            "routines": RoutineRule(required=(Routine.DAILY, Routine.MONTHLY)),
            "load_cap": {Level.TOWNSHIP: 3, Level.VILLAGE: 2},
        }
        return sample.tables, sample.policy.model_copy(update=update), sample.as_of, None
    sample = anyang(seed=5, scale=0.03, faults=FaultRates(unpaired=0.1, assignment_gap=0.1))
    bare = sample.policy.model_copy(
        update={
            "calendar": weekdays,
            "cadence": None,
            "repair": None,
            "documents": (),
            "staffing": None,
            "routines": None,
            "follow_up_days": None,
            "load_cap": {},
        }
    )
    return sample.tables, bare, sample.as_of, None


def digest(frame: pl.DataFrame) -> str:
    """A SHA-256 of a frame's rows as CSV (same rows, same order, same digest)."""
    import hashlib

    return hashlib.sha256(frame.write_csv().encode("utf-8")).hexdigest()


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("parallel", [True, False])
def test_the_checks_reproduce_the_old_engine_s_findings(name: str, parallel: bool) -> None:
    tables, policy, as_of, since = case_inputs(name)
    result = audit(tables, policy, as_of, since=since, parallel=parallel)
    assert result.frame.height == GOLDEN[name]["findings"]
    assert digest(result.frame) == GOLDEN[name]["frame"]
    assert digest(result.coverage) == GOLDEN[name]["coverage"]


def test_the_digest_sees_a_changed_finding() -> None:
    tables, policy, as_of, since = case_inputs("bare")
    frame = audit(tables, policy, as_of, since=since).frame
    changed = frame.with_columns(
        pl.col("detail").fill_null("").str.replace("^", "x", literal=False)
    )
    assert digest(changed) != GOLDEN["bare"]["frame"]
