"""Record and ledger strategies: every drawn value passes the library's own validators."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foodsafety._record import Record
from foodsafety.ledger import Ledger
from foodsafety.models.business import LICENCE_PREFIX, Business
from foodsafety.models.cadre import Cadre
from foodsafety.models.finding import replay
from foodsafety.models.routine import RoutineRecord
from foodsafety.registry import registry
from foodsafety.testing import (
    InvalidArgument,
    assignments,
    businesses,
    cadres,
    campaigns,
    findings,
    ledgers,
    pairing_documents,
    pairing_policies,
    routine_records,
    visits,
)
from foodsafety.vocab import Level, Routine

AS_OF = dt.date(2026, 1, 1)

RECORDS = {
    "businesses": businesses(within="410500"),
    "cadres": cadres(),
    "assignments": assignments(),
    "pairing_documents": pairing_documents(),
    "visits": visits(follow_up_of=["V00001", "V00002"]),
    "routine_records": routine_records(),
    "findings": findings(),
    "campaigns": campaigns(),
}


@pytest.mark.parametrize("name", sorted(RECORDS))
@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_records_round_trip_through_json(name: str, data: st.DataObject) -> None:
    record: Record = data.draw(RECORDS[name])
    again = type(record).model_validate_json(record.model_dump_json())
    assert again == record
    assert again.model_dump_json() == record.model_dump_json()


@settings(max_examples=40)
@given(businesses(within="410500"))
def test_businesses_are_consistent(b: Business) -> None:
    assert b.jurisdiction.level in (Level.TOWNSHIP, Level.VILLAGE)
    assert registry().is_within(b.jurisdiction.township, "410500")
    prefix = LICENCE_PREFIX.get(b.kind)
    assert all(str(x).startswith(prefix or "??") for x in b.licences)
    assert (prefix is None) == (not b.licences)
    assert b.uscc.division is not None and b.uscc.division == b.county
    if b.closed is not None:
        assert b.opened is not None and b.opened <= b.closed <= dt.date(2025, 12, 31)


@settings(max_examples=40)
@given(cadres(within="410522"))
def test_cadres_hold_a_jurisdiction_of_their_level(c: Cadre) -> None:
    # a village cadre may be registered under the village's township, as real ledgers do
    coarse = c.level is Level.VILLAGE and c.jurisdiction.level is Level.TOWNSHIP
    assert c.jurisdiction.level is c.level or coarse
    if c.village is not None:
        assert coarse
    assert c.jurisdiction.startswith("410522")
    if c.active_from and c.active_to:
        assert c.active_to > c.active_from


@settings(max_examples=40)
@given(routine_records(routine="weekly"))
def test_weekly_routines_start_on_monday(r: RoutineRecord) -> None:
    assert r.routine is Routine.WEEKLY and r.period_start.weekday() == 0
    assert r.signer_post is r.routine.signed_by


@settings(max_examples=40)
@given(findings())
def test_findings_replay_to_their_state(f: Any) -> None:
    assert replay(f.events, finding_id=f.finding_id) is f.state
    days = [f.found_on, *(e.date for e in f.events)]
    assert days == sorted(days)


@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers(min_businesses=1, max_businesses=4))
def test_ledgers_validate_and_references_resolve(ledger: Ledger) -> None:
    assert not ledger.validate(as_of=AS_OF), ledger.validate(as_of=AS_OF).summary()
    usccs = set(ledger.businesses["uscc"].to_list())
    cadre_ids = set(ledger.cadres["cadre_id"].to_list())
    for table in ("assignments", "visits", "routines"):
        assert set(ledger.to_polars(table)["uscc"].to_list()) <= usccs
    for table in ("assignments", "visits", "pledges"):
        assert set(ledger.to_polars(table)["cadre_id"].to_list()) <= cadre_ids
    visits_ = ledger.visits["visit_id"].to_list()
    for i, ref in enumerate(ledger.visits["follow_up_of"].to_list()):
        assert ref is None or ref in visits_[:i]
    rebuilt = Ledger.from_records(ledger.records())
    assert rebuilt == ledger


@settings(max_examples=10, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers(max_businesses=0))
def test_empty_ledgers_are_allowed(ledger: Ledger) -> None:
    assert ledger.counts()["businesses"] == 0


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: businesses(kind="rocket"), "kind"),
        (
            lambda: businesses(
                within="110000", min_date=dt.date(2024, 1, 1), max_date=dt.date(2023, 1, 1)
            ),
            "max_date",
        ),
        (lambda: businesses(uscc="91110000600037341X"), "uscc"),
        (lambda: cadres(level="province"), "level"),
        (lambda: cadres(cadre_id=" "), "cadre_id"),
        (lambda: assignments(cadre_ids=[]), "cadre_ids"),
        (lambda: routine_records(routine="hourly"), "routine"),
        (lambda: findings(max_events=-1), "max_events"),
        (lambda: campaigns(province="410500"), "province"),
        (lambda: ledgers(min_businesses=3, max_businesses=1), "max_businesses"),
        (lambda: ledgers(within="999999"), "within"),
        (lambda: ledgers(max_cadres=0), "max_cadres"),
    ],
)
def test_bad_arguments_fail_at_once(call: Any, field: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        call()
    assert info.value.field == field


@settings(max_examples=30)
@given(pairing_policies())
def test_pairing_policies_round_trip_through_yaml(policy: Any) -> None:
    import json

    import yaml

    from foodsafety.rules.pairing_policy import load_pairing_policy

    text = yaml.safe_dump(json.loads(policy.model_dump_json()), allow_unicode=True)
    assert load_pairing_policy("drawn.yaml", text=text) == policy
    for tier, level in policy.tier_levels.items():
        assert policy.level_for(tier) is level


@settings(max_examples=10)
@given(pairing_policies(standard_tiers=True))
def test_standard_tiers_pair_level_by_level(policy: Any) -> None:
    assert [lv.value for lv in policy.tier_levels.values()] == [
        "city",
        "county",
        "township",
        "village",
    ]


def test_pairing_policies_check_arguments() -> None:
    with pytest.raises(InvalidArgument):
        pairing_policies(standard_tiers="yes")  # type: ignore[arg-type]
