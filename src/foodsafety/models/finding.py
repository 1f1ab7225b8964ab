"""Findings (发现问题) and their rectification (整改): a state machine whose history is its events.

Seed 004 (Anyang) closes the loop on what supervision finds: the problems are fed back to the
business or the local regulator (情况反馈), the responsible are summoned to a warning talk
(警示约谈), given a deadline to rectify (限期整改) and, as the case requires, publicly named
(视情通报); every problem is entered in the issue ledger (问题台账), its rectification followed
(跟进整改情况, 回头看), checked on acceptance (验收复核) and closed (销号). Seed 002 (the 2018
provincial campaign) and seed 001 (item 7: last year's assessment findings must be rectified
and checked) feed the same loop. docs/domain.md §8 draws it as::

    found → notified → rectifying → submitted → verified → closed
                          ↓  ↑                       ↑          |
                        overdue                 reopened ←──────┘ (a follow-up finds it again)

A :class:`Finding` is an immutable record. Its state changes only through :meth:`Finding.apply`
with a :class:`~foodsafety.vocab.RectificationAction`, which checks the declared transition
table :data:`TRANSITIONS` (state × action × outcome → state) and returns a **new** finding with
one more :class:`FindingEvent` (date, actor, note). An illegal step raises
:class:`IllegalTransitionError` naming the current state and the action's legal starting
states. Because the events carry everything, :func:`replay` rebuilds the state from them, and
a finding whose stored ``state`` disagrees with its events is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Final, Literal

import pydantic
from pydantic import Field

from foodsafety._record import FrozenRecord
from foodsafety.errors import FoodSafetyError
from foodsafety.models._fields import Text, rule_error
from foodsafety.vocab import FindingSource, FindingState, RectificationAction, Severity

__all__ = [
    "OPEN_STATES",
    "OUTCOME_ACTIONS",
    "TRANSITIONS",
    "Finding",
    "FindingEvent",
    "IllegalTransitionError",
    "Outcome",
    "Rectification",
    "legal_actions",
    "next_state",
    "replay",
    "sweep_overdue",
]

#: The result of an acceptance check (验收复核: 通过/不通过) or a follow-up (回头看: the problem
#: is gone, or found again).
Outcome = Literal["passed", "failed"]

_S = FindingState
_A = RectificationAction

#: Actions whose target state depends on their outcome; every other action takes none.
OUTCOME_ACTIONS: Final[frozenset[RectificationAction]] = frozenset(
    {_A.ACCEPTANCE_CHECK, _A.FOLLOW_UP}
)

#: States in which the problem is still open (not closed, 未销号).
OPEN_STATES: Final[frozenset[FindingState]] = frozenset(set(_S) - {_S.CLOSED})

# The declared transition table: (state, action, outcome) -> next state. Self-loops record an
# action that does not move the finding (a second warning talk while it is being rectified).
_TABLE: tuple[tuple[FindingState, RectificationAction, Outcome | None, FindingState], ...] = (
    # Found: any notification moves it on; a deadline notice notifies and starts rectification.
    (_S.FOUND, _A.NOTIFY, None, _S.NOTIFIED),
    (_S.FOUND, _A.WARNING_TALK, None, _S.NOTIFIED),
    (_S.FOUND, _A.PUBLIC_NOTICE, None, _S.NOTIFIED),
    (_S.FOUND, _A.RECTIFICATION_DEADLINE, None, _S.RECTIFYING),
    # Notified: pressure may rise; the deadline starts rectification.
    (_S.NOTIFIED, _A.WARNING_TALK, None, _S.NOTIFIED),
    (_S.NOTIFIED, _A.PUBLIC_NOTICE, None, _S.NOTIFIED),
    (_S.NOTIFIED, _A.RECTIFICATION_DEADLINE, None, _S.RECTIFYING),
    # Rectifying: talks, notices and progress checks do not move it; a new deadline extends it.
    (_S.RECTIFYING, _A.WARNING_TALK, None, _S.RECTIFYING),
    (_S.RECTIFYING, _A.PUBLIC_NOTICE, None, _S.RECTIFYING),
    (_S.RECTIFYING, _A.FOLLOW_UP, "passed", _S.RECTIFYING),
    (_S.RECTIFYING, _A.FOLLOW_UP, "failed", _S.RECTIFYING),
    (_S.RECTIFYING, _A.RECTIFICATION_DEADLINE, None, _S.RECTIFYING),
    (_S.RECTIFYING, _A.SUBMIT, None, _S.SUBMITTED),
    (_S.RECTIFYING, _A.MARK_OVERDUE, None, _S.OVERDUE),
    # Overdue: escalate, extend, or accept a late submission.
    (_S.OVERDUE, _A.WARNING_TALK, None, _S.OVERDUE),
    (_S.OVERDUE, _A.PUBLIC_NOTICE, None, _S.OVERDUE),
    (_S.OVERDUE, _A.FOLLOW_UP, "passed", _S.OVERDUE),
    (_S.OVERDUE, _A.FOLLOW_UP, "failed", _S.OVERDUE),
    (_S.OVERDUE, _A.RECTIFICATION_DEADLINE, None, _S.RECTIFYING),
    (_S.OVERDUE, _A.SUBMIT, None, _S.SUBMITTED),
    # Submitted: the acceptance check (验收复核) passes it or sends it back.
    (_S.SUBMITTED, _A.ACCEPTANCE_CHECK, "passed", _S.VERIFIED),
    (_S.SUBMITTED, _A.ACCEPTANCE_CHECK, "failed", _S.RECTIFYING),
    # Verified: closing (销号); a follow-up before closing may find it again.
    (_S.VERIFIED, _A.CLOSING, None, _S.CLOSED),
    (_S.VERIFIED, _A.FOLLOW_UP, "passed", _S.VERIFIED),
    (_S.VERIFIED, _A.FOLLOW_UP, "failed", _S.REOPENED),
    # Closed: only a follow-up (回头看) that finds the problem again reopens it.
    (_S.CLOSED, _A.FOLLOW_UP, "passed", _S.CLOSED),
    (_S.CLOSED, _A.FOLLOW_UP, "failed", _S.REOPENED),
    # Reopened: notified again and given a new deadline.
    (_S.REOPENED, _A.NOTIFY, None, _S.REOPENED),
    (_S.REOPENED, _A.WARNING_TALK, None, _S.REOPENED),
    (_S.REOPENED, _A.PUBLIC_NOTICE, None, _S.REOPENED),
    (_S.REOPENED, _A.RECTIFICATION_DEADLINE, None, _S.RECTIFYING),
)

#: The transition table as a mapping: ``(state, action, outcome) -> next state``.
TRANSITIONS: Final[
    Mapping[tuple[FindingState, RectificationAction, Outcome | None], FindingState]
] = {(s, a, o): t for s, a, o, t in _TABLE}


class IllegalTransitionError(FoodSafetyError, ValueError):
    """An action that the transition table does not allow in the finding's current state.

    Attributes:
        state: the state the finding is in.
        action: the action refused.
        outcome: the outcome given with it, if any.
        target: the state the action would lead to from a legal starting state (if unique).
    """

    default_code = "finding.illegal_transition"

    def __init__(
        self,
        message: str,
        *,
        state: FindingState,
        action: RectificationAction,
        outcome: Outcome | None = None,
        target: FindingState | None = None,
        **kwargs: Any,
    ) -> None:
        self.state = state
        self.action = action
        self.outcome = outcome
        self.target = target
        super().__init__(message, **kwargs)


def legal_actions(state: FindingState) -> list[tuple[RectificationAction, Outcome | None]]:
    """The actions (with their outcome) the table allows in ``state``, in table order."""
    return [(a, o) for s, a, o, _ in _TABLE if s is state]


def _label(state: FindingState) -> str:
    return f"{state.value} ({state.zh})"


def _illegal(
    state: FindingState,
    action: RectificationAction,
    outcome: Outcome | None,
    finding_id: str | None,
) -> IllegalTransitionError:
    starts = [s for s, a, o, _ in _TABLE if a is action and o == outcome]
    targets = {t for s, a, o, t in _TABLE if a is action and o == outcome}
    target = next(iter(targets)) if len(targets) == 1 else None
    who = f"finding {finding_id!r}: " if finding_id else ""
    what = f"{action.value} ({action.zh})" + (f" with outcome {outcome!r}" if outcome else "")
    if action in OUTCOME_ACTIONS and outcome is None:
        reason = f"{action.value} needs an outcome ('passed' or 'failed')"
    elif action not in OUTCOME_ACTIONS and outcome is not None:
        reason = f"{action.value} takes no outcome (got {outcome!r})"
    elif target is not None:
        reason = f"it leads to {_label(target)} only from " + ", ".join(
            _label(s) for s in dict.fromkeys(starts)
        )
    else:
        reason = "it is allowed only from " + ", ".join(_label(s) for s in dict.fromkeys(starts))
    legal = ", ".join(a.value + (f"[{o}]" if o else "") for a, o in legal_actions(state)) or "none"
    zh = f"{'问题 ' + finding_id + '：' if finding_id else ''}状态为{state.zh}时不能执行{action.zh}"
    return IllegalTransitionError(
        f"{who}illegal transition: {what} cannot be applied to a finding in state "
        f"{_label(state)}; {reason} (legal in {state.value}: {legal})",
        state=state,
        action=action,
        outcome=outcome,
        target=target,
        message_zh=zh,
        record="Finding",
        field="state",
        value=state.value,
    )


def next_state(
    state: FindingState,
    action: RectificationAction,
    outcome: Outcome | None = None,
    *,
    finding_id: str | None = None,
) -> FindingState:
    """The state an action leads to, by the table.

    Raises:
        IllegalTransitionError: the table has no such transition; the message names the
            current state, the state the action would lead to and where it is legal from.
    """
    try:
        return TRANSITIONS[(state, action, outcome)]
    except KeyError:
        raise _illegal(state, action, outcome, finding_id) from None


class FindingEvent(FrozenRecord):
    """One step of a finding's history: an action taken on a day by someone (整改过程记录).

    ``source`` and ``target`` are the states before and after, so a history can be read (and
    checked) on its own. ``deadline`` is set by a rectification deadline (限期整改) only;
    ``outcome`` by an acceptance check (验收复核) or a follow-up (回头看) only.
    """

    label_zh: ClassVar[str] = "整改过程记录"

    action: RectificationAction
    date: dt.date
    actor: Text
    """Who acted (a body, an inspection group, a cadre, ``system`` for automatic marks)."""
    source: FindingState
    target: FindingState
    note: Text | None = None
    outcome: Outcome | None = None
    deadline: dt.date | None = None

    @pydantic.model_validator(mode="after")
    def _check(self) -> FindingEvent:
        if (self.action is _A.RECTIFICATION_DEADLINE) != (self.deadline is not None):
            raise rule_error(
                "FindingEvent",
                "deadline",
                "finding.deadline",
                "a deadline is given by a rectification_deadline event, and only by it "
                f"(action {self.action.value}, deadline {self.deadline})",
                "只有限期整改记录须填写整改期限",
                self.deadline,
            )
        if self.deadline is not None and self.deadline < self.date:
            raise rule_error(
                "FindingEvent",
                "deadline",
                "finding.deadline_before_order",
                f"deadline must be on or after the day it is set ({self.date}; got "
                f"{self.deadline})",
                "整改期限不得早于下达日期",
                self.deadline,
            )
        return self

    def to_row(self) -> dict[str, Any]:
        """The event as a plain row (codes for enums)."""
        return {
            "action": self.action.value,
            "date": self.date,
            "actor": self.actor,
            "source": self.source.value,
            "target": self.target.value,
            "outcome": self.outcome,
            "deadline": self.deadline,
            "note": self.note,
        }


def replay(
    events: Iterable[FindingEvent],
    *,
    start: FindingState = FindingState.FOUND,
    finding_id: str | None = None,
) -> FindingState:
    """Rebuild a finding's state from its events, checking each against the table.

    Args:
        events: the history, oldest first.
        start: the state before the first event (a new finding is ``found``).
        finding_id: named in errors.

    Raises:
        IllegalTransitionError: an event is not a legal transition, or its recorded ``source``
            or ``target`` disagrees with the replayed states (both states are named).
    """
    state = start
    for i, ev in enumerate(events):
        if ev.source is not state:
            raise IllegalTransitionError(
                f"{'finding ' + repr(finding_id) + ': ' if finding_id else ''}event {i} "
                f"({ev.action.value} on {ev.date}) starts from {_label(ev.source)} but the "
                f"history so far leaves the finding in {_label(state)}",
                state=state,
                action=ev.action,
                outcome=ev.outcome,
                target=ev.target,
                record="Finding",
                field=f"events.{i}.source",
                value=ev.source.value,
            )
        nxt = next_state(state, ev.action, ev.outcome, finding_id=finding_id)
        if ev.target is not nxt:
            raise IllegalTransitionError(
                f"{'finding ' + repr(finding_id) + ': ' if finding_id else ''}event {i} "
                f"({ev.action.value} on {ev.date}) records {_label(state)} -> "
                f"{_label(ev.target)}, but the table leads from {_label(state)} to {_label(nxt)}",
                state=state,
                action=ev.action,
                outcome=ev.outcome,
                target=nxt,
                record="Finding",
                field=f"events.{i}.target",
                value=ev.target.value,
            )
        state = nxt
    return state


class Rectification(FrozenRecord):
    """What a finding's rectification came to (整改情况), read off its events.

    ``on_time`` is ``None`` until the rectification is submitted; it is true when the last
    submission came on or before the deadline in force at the time.
    """

    label_zh: ClassVar[str] = "整改情况"

    finding_id: Text
    ordered_on: dt.date | None = None
    deadline: dt.date | None = None
    deadlines_set: int = Field(default=0, ge=0)
    submitted_on: dt.date | None = None
    verified_on: dt.date | None = None
    closed_on: dt.date | None = None
    acceptance_failures: int = Field(default=0, ge=0)
    reopened: int = Field(default=0, ge=0)
    warning_talks: int = Field(default=0, ge=0)
    public_notices: int = Field(default=0, ge=0)
    on_time: bool | None = None


class Finding(FrozenRecord):
    """A problem found (发现问题) and its rectification history; one row of the issue ledger.

    Build a new finding with no events (state ``found``); move it with :meth:`apply` (or the
    helpers :meth:`notify`, :meth:`order_rectification`...), each returning a new finding.
    """

    label_zh: ClassVar[str] = "问题"

    finding_id: Text
    """The ledger's id of the finding."""
    source: FindingSource
    """Where it came from: ledger audit, supervision visit, campaign, assessment, inspection."""
    severity: Severity = Severity.MINOR
    jurisdiction: Text | None = None
    """The division code (6, 9 or 12 digits) whose government answers for it (属地)."""
    subject: Text
    """Who must rectify: a business's USCC, a cadre id, a division code, a unit."""
    title: Text
    """The problem, as recorded (存在的问题)."""
    category: Text | None = None
    """The area it belongs to: an audit finding kind, a rubric indicator id, a task-list heading."""
    found_on: dt.date
    found_by: Text | None = None
    """Who found it: an inspection group, a cadre, the audit."""
    origin: Text | None = None
    """A reference to where it was recorded: a visit id, a campaign and group, an audit key."""
    events: tuple[FindingEvent, ...] = ()
    state: FindingState = FindingState.FOUND

    @pydantic.model_validator(mode="after")
    def _check(self) -> Finding:
        last = self.found_on
        for i, ev in enumerate(self.events):
            if ev.date < last:
                raise rule_error(
                    "Finding",
                    f"events.{i}.date",
                    "finding.event_order",
                    f"events must be in date order, none before the day found ({self.found_on}):"
                    f" event {i} ({ev.action.value}) is dated {ev.date}, after {last}",
                    "整改过程记录须按日期先后排列，且不早于发现日期",
                    ev.date,
                )
            last = ev.date
        try:
            state = replay(self.events, finding_id=self.finding_id)
        except IllegalTransitionError as exc:
            raise rule_error(
                "Finding", exc.field or "events", exc.code, exc.message, exc.message_zh or "", None
            ) from None
        if state is not self.state:
            raise rule_error(
                "Finding",
                "state",
                "finding.state_mismatch",
                f"state must be the state its events lead to ({state.value}; got "
                f"{self.state.value})",
                f"状态应为整改过程记录推出的状态（{state.zh}）",
                self.state.value,
            )
        return self

    # -- reading ---------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        """True until the finding is closed (销号)."""
        return self.state in OPEN_STATES

    @property
    def deadline(self) -> dt.date | None:
        """The rectification deadline in force (the last one set), or ``None``."""
        for ev in reversed(self.events):
            if ev.deadline is not None:
                return ev.deadline
        return None

    @property
    def last_date(self) -> dt.date:
        """The day of the last event (the day found when there is none)."""
        return self.events[-1].date if self.events else self.found_on

    def age(self, as_of: dt.date) -> int:
        """Days from the day found to ``as_of`` (to the closing day once closed)."""
        end = self.last_date if not self.is_open else as_of
        return (end - self.found_on).days

    def is_overdue(self, as_of: dt.date) -> bool:
        """True when marked overdue, or still being rectified after its deadline on ``as_of``."""
        if self.state is FindingState.OVERDUE:
            return True
        deadline = self.deadline
        return self.state is FindingState.RECTIFYING and deadline is not None and as_of > deadline

    @property
    def rectification(self) -> Rectification:
        """What the rectification came to, read off the events."""
        data: dict[str, Any] = {"finding_id": self.finding_id}
        deadline: dt.date | None = None
        counts = {"deadlines_set": 0, "acceptance_failures": 0, "reopened": 0}
        talks = notices = 0
        on_time: bool | None = None
        for ev in self.events:
            if ev.action is _A.RECTIFICATION_DEADLINE:
                data.setdefault("ordered_on", ev.date)
                deadline = ev.deadline
                counts["deadlines_set"] += 1
            elif ev.action is _A.SUBMIT:
                data["submitted_on"] = ev.date
                on_time = deadline is not None and ev.date <= deadline
            elif ev.action is _A.ACCEPTANCE_CHECK:
                if ev.outcome == "passed":
                    data["verified_on"] = ev.date
                else:
                    counts["acceptance_failures"] += 1
            elif ev.action is _A.CLOSING:
                data["closed_on"] = ev.date
            elif ev.action is _A.WARNING_TALK:
                talks += 1
            elif ev.action is _A.PUBLIC_NOTICE:
                notices += 1
            if ev.target is FindingState.REOPENED and ev.source is not FindingState.REOPENED:
                counts["reopened"] += 1
        return Rectification(
            **data,
            deadline=deadline,
            warning_talks=talks,
            public_notices=notices,
            on_time=on_time,
            **counts,
        )

    def history(self) -> list[dict[str, Any]]:
        """The events as plain rows, oldest first."""
        return [ev.to_row() for ev in self.events]

    # -- moving ----------------------------------------------------------------------------

    def apply(
        self,
        action: RectificationAction | str,
        *,
        on: dt.date,
        actor: str,
        note: str | None = None,
        outcome: Outcome | None = None,
        deadline: dt.date | None = None,
    ) -> Finding:
        """Take one action; return the new finding with the event appended.

        Args:
            action: the action (a :class:`~foodsafety.vocab.RectificationAction` or any label
                it parses, such as ``"约谈"``).
            on: the day it was taken; not before the last event.
            actor: who took it.
            note: what was done or decided.
            outcome: for an acceptance check or follow-up, ``"passed"`` or ``"failed"``.
            deadline: for a rectification deadline (限期整改), the last day to rectify.

        Raises:
            IllegalTransitionError: the table does not allow the action in the current state.
            RecordValidationError: the event is malformed (a deadline missing or before ``on``,
                a date before the last event, ``mark_overdue`` before the deadline has passed).
        """
        act = RectificationAction.parse(action) if isinstance(action, str) else action
        target = next_state(self.state, act, outcome, finding_id=self.finding_id)
        if act is _A.MARK_OVERDUE:
            current = self.deadline
            if current is None or on <= current:
                raise rule_error(
                    "Finding",
                    "events",
                    "finding.not_yet_overdue",
                    f"finding {self.finding_id!r} can be marked overdue only after its deadline "
                    f"({current}; got {on})",
                    f"问题 {self.finding_id} 未超过整改期限（{current}），不能标记逾期",
                    on,
                )
        event = FindingEvent(
            action=act,
            date=on,
            actor=actor,
            source=self.state,
            target=target,
            note=note,
            outcome=outcome,
            deadline=deadline,
        )
        if on < self.last_date:
            raise rule_error(
                "Finding",
                "events",
                "finding.event_order",
                f"events must be in date order, none before the day found ({self.found_on}): "
                f"{act.value} is dated {on}, after {self.last_date}",
                "整改过程记录须按日期先后排列，且不早于发现日期",
                on,
            )
        # The new event was checked against the table and the last date above, which is all
        # the record validator would re-check; copying avoids replaying the whole history.
        return self.model_copy(update={"events": (*self.events, event), "state": target})

    def notify(self, *, on: dt.date, actor: str, note: str | None = None) -> Finding:
        """Feed the problem back to whoever must rectify it (情况反馈)."""
        return self.apply(_A.NOTIFY, on=on, actor=actor, note=note)

    def warning_talk(self, *, on: dt.date, actor: str, note: str | None = None) -> Finding:
        """Summon the responsible to a warning talk (约谈)."""
        return self.apply(_A.WARNING_TALK, on=on, actor=actor, note=note)

    def public_notice(self, *, on: dt.date, actor: str, note: str | None = None) -> Finding:
        """Name the problem in a public notice (通报)."""
        return self.apply(_A.PUBLIC_NOTICE, on=on, actor=actor, note=note)

    def order_rectification(
        self, *, on: dt.date, deadline: dt.date, actor: str, note: str | None = None
    ) -> Finding:
        """Order rectification by ``deadline`` (限期整改); see
        :func:`foodsafety.rules.rectification.order_rectification` to compute it in working days."""
        return self.apply(
            _A.RECTIFICATION_DEADLINE, on=on, actor=actor, note=note, deadline=deadline
        )

    def submit(self, *, on: dt.date, actor: str, note: str | None = None) -> Finding:
        """Record the rectification report (提交整改报告)."""
        return self.apply(_A.SUBMIT, on=on, actor=actor, note=note)

    def acceptance_check(
        self, *, on: dt.date, actor: str, passed: bool, note: str | None = None
    ) -> Finding:
        """Check the rectification on acceptance (验收复核): passed → verified, failed → back."""
        return self.apply(
            _A.ACCEPTANCE_CHECK,
            on=on,
            actor=actor,
            note=note,
            outcome="passed" if passed else "failed",
        )

    def close(self, *, on: dt.date, actor: str, note: str | None = None) -> Finding:
        """Close a verified finding (销号)."""
        return self.apply(_A.CLOSING, on=on, actor=actor, note=note)

    def follow_up(
        self, *, on: dt.date, actor: str, found_again: bool, note: str | None = None
    ) -> Finding:
        """A follow-up check (回头看); finding the problem again reopens a verified or closed one."""
        return self.apply(
            _A.FOLLOW_UP,
            on=on,
            actor=actor,
            note=note,
            outcome="failed" if found_again else "passed",
        )

    def mark_overdue_if_due(self, as_of: dt.date, *, actor: str = "system") -> Finding:
        """Mark a finding overdue (逾期) when it is still being rectified after its deadline.

        The event is dated the first day past the deadline (or ``as_of`` if the last event is
        later); a finding that is not due is returned unchanged.
        """
        deadline = self.deadline
        if self.state is not FindingState.RECTIFYING or deadline is None or as_of <= deadline:
            return self
        day = max(deadline + dt.timedelta(days=1), self.last_date)
        return self.apply(
            _A.MARK_OVERDUE,
            on=day,
            actor=actor,
            note=f"整改期限{deadline.isoformat()}已过 (deadline {deadline.isoformat()} passed)",
        )


def sweep_overdue(
    findings: Sequence[Finding], as_of: dt.date, *, actor: str = "system"
) -> list[Finding]:
    """Mark every finding that is past its deadline overdue (see :meth:`Finding.mark_overdue_if_due`)."""
    return [f.mark_overdue_if_due(as_of, actor=actor) for f in findings]
