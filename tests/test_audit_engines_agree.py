"""The audit as composable checks gives the findings the single-function engine gave.

Samples of random seeds, sizes, fault rates and routine shares, audited under policy
variations (each optional rule on or off, other cadences, windows, load caps) by the old engine
(``engines._audit_legacy``) and the new one: the findings frame and the coverage table must be
equal, row for row. The old engine counted working days Monday to Friday minus a list, so
both run with ``calendar: {statutory: false}`` here; the statutory calendar is tested on its
own (``test_audit_calendar.py``).
"""

from __future__ import annotations

import datetime as dt

import attrs
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foodsafety.engines import _audit_legacy as legacy
from foodsafety.engines.audit import audit
from foodsafety.rules import Cadence, PairingPolicy, WorkCalendar
from foodsafety.rules.pairing_policy import RoutineRule, StaffingRule
from foodsafety.samples import FaultRates, anyang
from foodsafety.vocab import Level, Routine

_FAULTS = [f.name for f in attrs.fields(FaultRates)]


@st.composite
def _fault_rates(draw: st.DrawFn) -> FaultRates:
    return FaultRates(**{k: draw(st.sampled_from([0.0, 0.01, 0.05, 0.2])) for k in _FAULTS})


@st.composite
def _policies(draw: st.DrawFn, base: PairingPolicy) -> PairingPolicy:
    update: dict[str, object] = {
        "calendar": WorkCalendar(
            statutory=False,
            days_off=tuple(
                draw(st.lists(st.dates(dt.date(2022, 1, 1), dt.date(2022, 12, 31)), max_size=5))
            ),
        )
    }
    if draw(st.booleans()):
        update["cadence"] = draw(
            st.sampled_from(
                [
                    None,
                    {"default": Cadence(freq="monthly", min_visits=1)},
                    {Level.VILLAGE: Cadence(freq="monthly"), Level.COUNTY: Cadence(min_visits=2)},
                    {"default": Cadence(rrule="FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=1")},
                ]
            )
        )
    if draw(st.booleans()):
        update["follow_up_days"] = draw(st.sampled_from([None, 0, 7, 30]))
    if draw(st.booleans()):
        update["staffing"] = draw(
            st.sampled_from(
                [None, StaffingRule(director=True), StaffingRule(min_officers=2), StaffingRule()]
            )
        )
    if draw(st.booleans()):
        update["routines"] = draw(
            st.sampled_from([None, RoutineRule(required=(Routine.WEEKLY, Routine.MONTHLY))])
        )
    if draw(st.booleans()):
        update["load_cap"] = draw(st.sampled_from([{}, {Level.TOWNSHIP: 3, Level.VILLAGE: 2}]))
    if draw(st.booleans()):
        update["repair"] = None
    if draw(st.booleans()):
        update["documents"] = ()
    return base.model_copy(update=update)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    seed=st.integers(0, 2**16),
    scale=st.sampled_from([0.01, 0.03, 0.06]),
    faults=_fault_rates(),
    routine_share=st.sampled_from([0.0, 0.2, 0.5]),
    data=st.data(),
)
def test_the_checks_find_what_the_old_engine_found(
    seed: int, scale: float, faults: FaultRates, routine_share: float, data: st.DataObject
) -> None:
    sample = anyang(seed=seed, scale=scale, faults=faults, routine_share=routine_share)
    policy = data.draw(_policies(sample.policy))
    days_back = data.draw(st.sampled_from([None, 90, 200]))
    since = None if days_back is None else sample.as_of - dt.timedelta(days=days_back)
    parallel = data.draw(st.booleans())
    old = legacy.audit(sample.tables, policy, sample.as_of, since=since, parallel=parallel)
    new = audit(sample.tables, policy, sample.as_of, since=since, parallel=parallel)
    assert new.frame.equals(old.frame)
    assert new.coverage.equals(old.coverage)
    assert new.counts() == old.counts()


def test_the_full_anyang_sample_gives_the_old_findings() -> None:
    sample = anyang(seed=0)
    policy = sample.policy.model_copy(update={"calendar": WorkCalendar(statutory=False)})
    old = legacy.audit(sample.tables, policy, sample.as_of)
    new = audit(sample.tables, policy, sample.as_of)
    assert new.frame.height > 1000
    assert new.frame.equals(old.frame)
    assert new.coverage.equals(old.coverage)
    assert set(new.frame["kind"].unique()) == set(old.frame["kind"].unique())
    assert pl.Series(new.frame["kind"]).n_unique() == 14
