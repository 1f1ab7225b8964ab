"""Visit cadences (督导频次) as calendars: at least N visits in each calendar period.

A :class:`Cadence` stores a small declarative form (``{freq: quarterly, interval: 1,
min_visits: 1}``) or an RFC 5545 ``RRULE`` string; :meth:`Cadence.period_starts` derives the
calendar periods (with :mod:`dateutil.rrule` for an ``RRULE``).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import pydantic
from dateutil import rrule as _rrule

from foodsafety._record import FrozenRecord

__all__ = ["CADENCE_ORIGIN", "Cadence", "Freq"]

Freq = Literal["weekly", "monthly", "quarterly", "yearly"]

#: Periods of a declarative cadence are aligned on this date (a Monday, the first of a year), so
#: that quarters are calendar quarters and an ``interval`` of 2 counts from the same origin.
CADENCE_ORIGIN = dt.date(2001, 1, 1)


class Cadence(FrozenRecord):
    """A visit cadence (督导频次): at least ``min_visits`` visits in each calendar period.

    Either the declarative ``freq``/``interval`` or an RFC 5545 ``rrule`` (e.g.
    ``"FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1"``) whose occurrences are the period starts; an
    ``rrule`` without DTSTART counts from 2001-01-01.
    """

    freq: Freq = "quarterly"
    interval: int = pydantic.Field(default=1, ge=1, le=12)
    min_visits: int = pydantic.Field(default=1, ge=1, le=366)
    rrule: str | None = None

    @pydantic.field_validator("rrule")
    @classmethod
    def _check_rrule(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            rule = _rrule.rrulestr(value, dtstart=dt.datetime(2001, 1, 1))
        except (ValueError, TypeError) as exc:
            raise ValueError(
                f"must be an RFC 5545 RRULE such as 'FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1' ({exc})"
            ) from None
        if not isinstance(rule, _rrule.rrule) or rule.after(dt.datetime(2001, 1, 1)) is None:
            raise ValueError("must be one repeating RRULE that yields period starts")
        return value

    def _rule(self) -> _rrule.rrule:
        origin = dt.datetime.combine(CADENCE_ORIGIN, dt.time())
        if self.rrule is not None:
            rule = _rrule.rrulestr(self.rrule, dtstart=origin)
            assert isinstance(rule, _rrule.rrule)
            return rule
        if self.freq == "weekly":
            return _rrule.rrule(
                _rrule.WEEKLY, interval=self.interval, byweekday=_rrule.MO, dtstart=origin
            )
        if self.freq == "monthly":
            return _rrule.rrule(
                _rrule.MONTHLY, interval=self.interval, bymonthday=1, dtstart=origin
            )
        if self.freq == "quarterly":
            return _rrule.rrule(
                _rrule.MONTHLY, interval=3 * self.interval, bymonthday=1, dtstart=origin
            )
        return _rrule.rrule(
            _rrule.YEARLY, interval=self.interval, bymonth=1, bymonthday=1, dtstart=origin
        )

    def period_starts(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """The start dates of the periods that overlap ``[start, end)``, plus the next start.

        Consecutive items bound one period ``[p[i], p[i+1])``; the first item is on or before
        ``start`` and the last on or after ``end``.
        """
        if self.rrule is None:
            # calendar arithmetic: the rrule would iterate every period since CADENCE_ORIGIN
            # (tens of milliseconds a call); a property test holds the two equal
            first, last = self._index(start), self._index(end)
            if self._start(last) < end:
                last += 1
            return [self._start(n) for n in range(first, last + 1)]
        return self._rrule_period_starts(start, end)

    def _months(self) -> int:
        return {"monthly": 1, "quarterly": 3, "yearly": 12}[self.freq] * self.interval

    def _index(self, day: dt.date) -> int:
        """The number of the declarative period holding ``day`` (0 = the one at the origin)."""
        if self.freq == "weekly":
            return (day - CADENCE_ORIGIN).days // (7 * self.interval)
        months = (day.year - CADENCE_ORIGIN.year) * 12 + day.month - 1
        return months // self._months()

    def _start(self, index: int) -> dt.date:
        if self.freq == "weekly":
            return CADENCE_ORIGIN + dt.timedelta(days=7 * self.interval * index)
        year, month = divmod(index * self._months(), 12)
        return dt.date(CADENCE_ORIGIN.year + year, month + 1, 1)

    def _rrule_period_starts(self, start: dt.date, end: dt.date) -> list[dt.date]:
        rule = self._rule()
        lo = dt.datetime.combine(start, dt.time())
        hi = dt.datetime.combine(end, dt.time())
        first = rule.before(lo, inc=True) or rule.after(lo, inc=True)
        if first is None:
            return []
        starts = [d.date() for d in rule.between(first, hi, inc=True)]
        if not starts or starts[0] != first.date():
            starts.insert(0, first.date())
        nxt = rule.after(dt.datetime.combine(starts[-1], dt.time()))
        if starts[-1] < end and nxt is not None:
            starts.append(nxt.date())
        return starts

    def describe(self) -> str:
        """A short English description such as ``"1 visit per quarter"``."""
        if self.rrule is not None:
            return f"{self.min_visits} visit(s) per period of {self.rrule}"
        unit = {"weekly": "week", "monthly": "month", "quarterly": "quarter", "yearly": "year"}[
            self.freq
        ]
        every = unit if self.interval == 1 else f"{self.interval} {unit}s"
        return f"{self.min_visits} visit(s) per {every}"
