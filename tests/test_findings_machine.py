"""Property-based tests of the rectification state machine (docs/domain.md §8, seed 004)."""

from __future__ import annotations

import datetime as dt
from collections import deque

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foodsafety.errors import RecordValidationError
from foodsafety.models.finding import (
    OUTCOME_ACTIONS,
    TRANSITIONS,
    Finding,
    FindingEvent,
    IllegalTransitionError,
    legal_actions,
    next_state,
    replay,
)
from foodsafety.rules.rectification import add_working_days, working_days_between
from foodsafety.vocab import FindingSource, FindingState, RectificationAction, Severity

S, A = FindingState, RectificationAction
START = dt.date(2018, 6, 25)

#: Every (action, outcome) pair a caller could try, legal or not.
ATTEMPTS = [(a, None) for a in A] + [(a, o) for a in A for o in ("passed", "failed")]


def new_finding() -> Finding:
    return Finding(
        finding_id="F-1",
        source=FindingSource.CAMPAIGN,
        severity=Severity.MAJOR,
        jurisdiction="320100",
        subject="320100",
        title="乳制品冷链记录不全",
        found_on=START,
    )


steps = st.lists(
    st.tuples(st.sampled_from(ATTEMPTS), st.integers(0, 20), st.integers(0, 30)),
    max_size=40,
)


def attempt(f: Finding, action: A, outcome: str | None, gap: int, allow: int) -> Finding:
    """Try one action ``gap`` days after the last event; deadlines ``allow`` days later."""
    on = f.last_date + dt.timedelta(days=gap)
    deadline = on + dt.timedelta(days=allow) if action is A.RECTIFICATION_DEADLINE else None
    return f.apply(action, on=on, actor="tester", outcome=outcome, deadline=deadline)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(steps)
def test_random_sequences_never_reach_an_illegal_state(seq: list) -> None:
    f = new_finding()
    for (action, outcome), gap, allow in seq:
        before = f
        on = f.last_date + dt.timedelta(days=gap)
        if (before.state, action, outcome) not in TRANSITIONS:
            # Refused: the table has no such transition; the error names the state.
            with pytest.raises(IllegalTransitionError) as err:
                attempt(f, action, outcome, gap, allow)
            assert err.value.state is before.state
            assert before.state.value in str(err.value)
            continue
        if action is A.MARK_OVERDUE and (f.deadline is None or on <= f.deadline):
            # Marking overdue before the deadline has passed is refused for its date.
            with pytest.raises(RecordValidationError) as bad:
                attempt(f, action, outcome, gap, allow)
            assert bad.value.code == "finding.not_yet_overdue"
            continue
        f = attempt(f, action, outcome, gap, allow)
        assert (before.state, action, outcome) in TRANSITIONS
        assert f.state is TRANSITIONS[(before.state, action, outcome)]
        assert len(f.events) == len(before.events) + 1
        assert f.events[:-1] == before.events  # history is only ever appended to
        assert replay(f.events) is f.state
    # The final record survives a JSON round trip and re-validation (which replays it).
    assert Finding.model_validate_json(f.model_dump_json()) == f


@settings(max_examples=100, deadline=None)
@given(steps)
def test_replaying_events_rebuilds_the_same_finding(seq: list) -> None:
    f = new_finding()
    for (action, outcome), gap, allow in seq:
        try:
            f = attempt(f, action, outcome, gap, allow)
        except (IllegalTransitionError, RecordValidationError):
            continue
    data = f.model_dump()
    data.pop("state")
    rebuilt = Finding.model_validate({**data, "state": replay(f.events)})
    assert rebuilt == f
    # Replaying any prefix gives the state recorded after that event.
    for i, ev in enumerate(f.events):
        assert replay(f.events[: i + 1]) is ev.target


@settings(max_examples=100, deadline=None)
@given(steps)
def test_a_closed_finding_leaves_closed_only_through_a_failed_follow_up(seq: list) -> None:
    f = new_finding()
    for (action, outcome), gap, allow in seq:
        try:
            f = attempt(f, action, outcome, gap, allow)
        except (IllegalTransitionError, RecordValidationError):
            continue
    for ev in f.events:
        if ev.source is S.CLOSED and ev.target is not S.CLOSED:
            assert ev.action is A.FOLLOW_UP and ev.outcome == "failed"
            assert ev.target is S.REOPENED
        if ev.target is S.CLOSED and ev.source is not S.CLOSED:
            assert ev.action is A.CLOSING and ev.source is S.VERIFIED


def test_from_closed_every_other_action_is_refused() -> None:
    for action, outcome in ATTEMPTS:
        key = (S.CLOSED, action, outcome)
        if action is A.FOLLOW_UP and outcome is not None:
            assert key in TRANSITIONS
        else:
            with pytest.raises(IllegalTransitionError):
                next_state(S.CLOSED, action, outcome)


def test_outcomes_only_for_checks_and_follow_ups() -> None:
    for (_, action, outcome), _target in TRANSITIONS.items():
        assert (outcome is not None) == (action in OUTCOME_ACTIONS)


def _reachable(start: S) -> set[S]:
    seen, todo = {start}, deque([start])
    while todo:
        s = todo.popleft()
        for a, o in legal_actions(s):
            t = TRANSITIONS[(s, a, o)]
            if t not in seen:
                seen.add(t)
                todo.append(t)
    return seen


def test_every_state_is_reachable_and_every_open_state_can_close() -> None:
    assert _reachable(S.FOUND) == set(S)
    for s in S:
        assert S.CLOSED in _reachable(s), s


def test_tampered_history_is_refused_naming_both_states() -> None:
    f = new_finding().notify(on=START, actor="G1")
    forged = FindingEvent(
        action=A.CLOSING, date=START, actor="x", source=S.NOTIFIED, target=S.CLOSED
    )
    with pytest.raises(RecordValidationError) as err:
        Finding.model_validate({**f.model_dump(), "events": (*f.events, forged), "state": "closed"})
    assert "notified" in str(err.value) and "closing" in str(err.value)
    wrong_target = FindingEvent(
        action=A.RECTIFICATION_DEADLINE,
        date=START,
        actor="x",
        source=S.NOTIFIED,
        target=S.SUBMITTED,
        deadline=START,
    )
    with pytest.raises(IllegalTransitionError) as err2:
        replay([*f.events, wrong_target])
    assert "submitted" in str(err2.value) and "rectifying" in str(err2.value)


@settings(max_examples=200, deadline=None)
@given(
    st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)),
    st.integers(1, 60),
    st.sets(st.dates(dt.date(2000, 1, 1), dt.date(2041, 12, 31)), max_size=15),
)
def test_working_day_deadlines(start: dt.date, days: int, holidays: set[dt.date]) -> None:
    end = add_working_days(start, days, holidays=holidays)
    assert end > start
    assert end.weekday() < 5 and end not in holidays
    assert working_days_between(start, end, holidays=holidays) == days
    # One more working day never ends earlier.
    assert add_working_days(start, days + 1, holidays=holidays) > end


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_walks_of_legal_actions_stay_consistent(data: st.DataObject) -> None:
    """Choosing only legal actions reaches deep states (closed, reopened) and stays replayable."""
    f = new_finding()
    for _ in range(data.draw(st.integers(0, 60))):
        choices = [
            (a, o)
            for a, o in legal_actions(f.state)
            # Marking overdue needs a passed deadline: only offered when one is set.
            if a is not A.MARK_OVERDUE or f.deadline is not None
        ]
        action, outcome = data.draw(st.sampled_from(choices))
        gap = data.draw(st.integers(0, 10))
        if action is A.MARK_OVERDUE:
            assert f.deadline is not None
            gap = max(gap, (f.deadline - f.last_date).days + 1)
        f = attempt(f, action, outcome, gap, data.draw(st.integers(0, 20)))
    assert replay(f.events) is f.state
    r = f.rectification
    assert r.reopened == sum(
        1 for ev in f.events if ev.target is S.REOPENED and ev.source is not S.REOPENED
    )
    if f.state is S.CLOSED:
        assert r.closed_on is not None and r.verified_on is not None and not f.is_open
