"""Rectification rules (整改规则): deadlines in working days and escalation by severity.

Seed 004 names the measures taken on what supervision finds — a warning talk (警示约谈), a
rectification deadline (限期整改) and, as the case requires, a public notice (视情通报) — and
local rules give deadlines in working days (工作日). How many days, and which severity calls
for a talk or a notice, is for each locality to decide, so a :class:`RectificationPolicy` is
data; its defaults are **documented example values**, not published numbers.

Working days are counted with :mod:`dateutil.rrule` (Monday to Friday), minus the holidays the
caller passes and plus the make-up working days (调休上班日) on weekends the caller passes.
**No statutory holiday calendar is bundled**: the State Council publishes the year's holidays
and make-up days each winter; pass them in (``holidays=``, ``makeup_days=``) when deadlines
must respect them.

The transition table itself lives with the records in :mod:`foodsafety.models.finding`
(:data:`~foodsafety.models.finding.TRANSITIONS`), because a finding checks every step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import ClassVar

from dateutil import rrule
from pydantic import Field

from foodsafety._record import FrozenRecord
from foodsafety.errors import RuleError
from foodsafety.models.finding import Finding
from foodsafety.vocab import RectificationAction, Severity

__all__ = [
    "RectificationPolicy",
    "add_working_days",
    "order_rectification",
    "rectification_deadline",
    "working_days_between",
]

_WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR)


def _working_rule(
    start: dt.date, holidays: Iterable[dt.date], makeup_days: Iterable[dt.date]
) -> rrule.rruleset:
    first = dt.datetime.combine(start, dt.time())
    rules = rrule.rruleset()
    rules.rrule(rrule.rrule(rrule.DAILY, byweekday=_WEEKDAYS, dtstart=first))
    for day in makeup_days:
        rules.rdate(dt.datetime.combine(day, dt.time()))
    for day in holidays:
        rules.exdate(dt.datetime.combine(day, dt.time()))
    return rules


def add_working_days(
    start: dt.date,
    days: int,
    *,
    holidays: Iterable[dt.date] = (),
    makeup_days: Iterable[dt.date] = (),
) -> dt.date:
    """The day ``days`` working days after ``start`` (``start`` itself is not counted).

    Working days are Monday to Friday (``dateutil.rrule`` with ``byweekday=MO..FR``), minus
    ``holidays``, plus ``makeup_days`` (weekend days worked in exchange for a holiday, 调休).
    No statutory holiday calendar is bundled.

    Args:
        start: the day the deadline is set.
        days: working days allowed (at least 1).
        holidays: days off that fall on weekdays.
        makeup_days: weekend days that are working days.

    Raises:
        RuleError: ``days`` is below 1.

    Example:
        >>> add_working_days(dt.date(2018, 6, 22), 10)  # a Friday
        datetime.date(2018, 7, 6)
    """
    if days < 1:
        raise RuleError(
            f"days must be at least 1 working day (got {days})",
            code="rectification.days",
            field="days",
            value=days,
        )
    rules = _working_rule(start + dt.timedelta(days=1), holidays, makeup_days)
    for i, day in enumerate(rules, start=1):
        if i == days:
            return day.date()
    raise AssertionError("unreachable: the weekday rule is unbounded")  # pragma: no cover


def working_days_between(
    start: dt.date,
    end: dt.date,
    *,
    holidays: Iterable[dt.date] = (),
    makeup_days: Iterable[dt.date] = (),
) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
    if end <= start:
        return 0
    rules = _working_rule(start + dt.timedelta(days=1), holidays, makeup_days)
    last = dt.datetime.combine(end, dt.time())
    return len(rules.between(dt.datetime.combine(start, dt.time()), last, inc=True))


def rectification_deadline(
    start: dt.date,
    days: int,
    *,
    working_days: bool = True,
    holidays: Iterable[dt.date] = (),
    makeup_days: Iterable[dt.date] = (),
) -> dt.date:
    """The last day to rectify: ``days`` working days (or calendar days) after ``start``."""
    if not working_days:
        if days < 1:
            raise RuleError(
                f"days must be at least 1 (got {days})",
                code="rectification.days",
                field="days",
                value=days,
            )
        return start + dt.timedelta(days=days)
    return add_working_days(start, days, holidays=holidays, makeup_days=makeup_days)


class RectificationPolicy(FrozenRecord):
    """How long a finding may take to rectify, and when talks and notices accompany the order.

    The defaults are **example values** (no seed publishes them): 30/20/15/10 working days for
    info/minor/major/critical findings; a warning talk (约谈) from ``major``, a public notice
    (通报) from ``critical``.
    """

    label_zh: ClassVar[str] = "整改规则"

    id: str = "example"
    description: str = (
        "示例整改规则：按严重程度给出整改期限（工作日），较重问题约谈，严重问题通报。"
        " Example rectification rule: deadline by severity in working days; a warning talk "
        "from major, a public notice from critical. Values are examples, not published rules."
    )
    days: dict[Severity, int] = Field(
        default_factory=lambda: {
            Severity.INFO: 30,
            Severity.MINOR: 20,
            Severity.MAJOR: 15,
            Severity.CRITICAL: 10,
        }
    )
    working_days: bool = True
    warning_talk_from: Severity | None = Severity.MAJOR
    public_notice_from: Severity | None = Severity.CRITICAL

    def days_for(self, severity: Severity) -> int:
        """Days allowed for a finding of ``severity``.

        Raises:
            RuleError: the policy gives no days for that severity.
        """
        try:
            return self.days[severity]
        except KeyError:
            raise RuleError(
                f"rectification policy {self.id!r} gives no deadline for severity "
                f"{severity.value!r} (has {', '.join(s.value for s in self.days)})",
                code="rectification.no_days",
                record="RectificationPolicy",
                field="days",
                value=severity.value,
            ) from None

    def deadline(
        self,
        severity: Severity,
        start: dt.date,
        *,
        holidays: Iterable[dt.date] = (),
        makeup_days: Iterable[dt.date] = (),
    ) -> dt.date:
        """The deadline for a finding of ``severity`` ordered on ``start``."""
        return rectification_deadline(
            start,
            self.days_for(severity),
            working_days=self.working_days,
            holidays=holidays,
            makeup_days=makeup_days,
        )

    def measures(self, severity: Severity) -> list[RectificationAction]:
        """The actions that accompany the order for ``severity``, in the order they are taken."""
        out: list[RectificationAction] = []
        if self.warning_talk_from is not None and severity.rank >= self.warning_talk_from.rank:
            out.append(RectificationAction.WARNING_TALK)
        if self.public_notice_from is not None and severity.rank >= self.public_notice_from.rank:
            out.append(RectificationAction.PUBLIC_NOTICE)
        out.append(RectificationAction.RECTIFICATION_DEADLINE)
        return out


def order_rectification(
    finding: Finding,
    *,
    on: dt.date,
    actor: str,
    policy: RectificationPolicy | None = None,
    holidays: Iterable[dt.date] = (),
    makeup_days: Iterable[dt.date] = (),
    note: str | None = None,
) -> Finding:
    """Apply a policy's measures to a finding: talk and notice as its severity requires, then
    the rectification deadline (限期整改) computed in working days.

    Raises:
        IllegalTransitionError: the finding's state does not allow an ordered measure.
    """
    pol = policy or RectificationPolicy()
    out = finding
    for action in pol.measures(finding.severity):
        if action is RectificationAction.RECTIFICATION_DEADLINE:
            deadline = pol.deadline(
                finding.severity, on, holidays=holidays, makeup_days=makeup_days
            )
            out = out.order_rectification(on=on, deadline=deadline, actor=actor, note=note)
        else:
            out = out.apply(action, on=on, actor=actor)
    return out
