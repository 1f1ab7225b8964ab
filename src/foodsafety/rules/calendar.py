"""The working calendar (工作日历): statutory holidays, make-up working days (调休), local days off.

Deadlines counted in working days (re-pairing within N working days, 动态调整) and visits
required before a holiday (节前督导) both need the year's calendar as the State Council's
General Office announces it each winter (国务院办公厅关于某年部分节假日安排的通知): the days off
of each statutory holiday, and the weekend days worked in exchange for them. That calendar
comes from the maintained ``chinesecalendar`` package (MIT, pure data, no dependencies; its
``constants.holidays`` and ``constants.workdays`` tables follow each notice). A policy adds
its own local days off and working days on top (:class:`WorkCalendar`).

The package knows the years whose notice has been published (2004 to the year after its
release). For a year it does not know, the calendar falls back to Monday to Friday plus the
policy's own days and says so with a :class:`CalendarWarning`, once per year and call: a
deadline is never computed from a guess without a word.

Why ``chinesecalendar`` and not ``holidays``: ``holidays`` computes holidays for any year by
rule, but it has no category for the make-up working days (it names them only inside the
text of a substituted day off), and a deadline that skips a holiday but not the Saturday
worked in its place is off by a day. ``chinesecalendar`` carries both tables from the notices
themselves.
"""

from __future__ import annotations

import datetime as dt
import functools
import warnings
from collections.abc import Iterator

import attrs

from foodsafety._record import FrozenRecord
from foodsafety.vocab import Holiday

__all__ = [
    "CalendarWarning",
    "HolidayPeriod",
    "WorkCalendar",
    "statutory_years",
]


class CalendarWarning(UserWarning):
    """The statutory calendar does not cover a year the computation needs.

    That year counts Monday to Friday as working days (plus the policy's own days off and
    working days). Update ``chinesecalendar`` once the State Council has published the year's
    notice, or list the days in the policy's ``calendar``.
    """


#: chinesecalendar's English holiday names -> the vocabulary (its one-off 2015 anti-fascist
#: day is a day off without a holiday of the vocabulary).
_NAMES: dict[str, Holiday] = {h.en.casefold(): h for h in Holiday}


@functools.cache
def _tables() -> tuple[dict[dt.date, str], dict[dt.date, str]]:
    from chinese_calendar import constants  # type: ignore[import-untyped]

    return dict(constants.holidays), dict(constants.workdays)


def statutory_years() -> range:
    """The years the bundled statutory calendar covers (from ``chinesecalendar``)."""
    days_off, _ = _tables()
    return range(min(days_off).year, max(days_off).year + 1)


@attrs.frozen(slots=True)
class HolidayPeriod:
    """The consecutive days off of one statutory holiday in one year (``first`` to ``last``)."""

    holiday: Holiday
    first: dt.date
    last: dt.date


class WorkCalendar(FrozenRecord):
    """Which days are working days (工作日): Monday to Friday, the statutory calendar, local days.

    A day is a working day when the policy lists it in ``workdays``; otherwise not when it
    lists it in ``days_off``; otherwise as the statutory calendar says (a holiday's day off is
    not, a make-up working day 调休 is) when ``statutory`` is true; otherwise when it falls on
    Monday to Friday.
    """

    statutory: bool = True
    """Use the State Council's holidays and make-up working days (``chinesecalendar``)."""
    days_off: tuple[dt.date, ...] = ()
    """Local days off (地方性假日) on top of the statutory ones."""
    workdays: tuple[dt.date, ...] = ()
    """Local working days on days that would otherwise be off."""

    def is_workday(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day (warns when the statutory calendar lacks its year)."""
        return self.workday_flags(day, day + dt.timedelta(days=1))[0]

    def workday_flags(self, start: dt.date, end: dt.date) -> list[bool]:
        """One flag per day of ``[start, end)``: whether it is a working day.

        Warns with :class:`CalendarWarning` for each year of the range that the statutory
        calendar does not cover (when ``statutory``).
        """
        n = (end - start).days
        flags = [(start + dt.timedelta(days=i)).weekday() < 5 for i in range(max(n, 0))]
        if self.statutory and n > 0:
            self._warn_uncovered(start, end)
            days_off, workdays = _tables()
            for i in range(n):
                day = start + dt.timedelta(days=i)
                if day in workdays:
                    flags[i] = True
                elif day in days_off:
                    flags[i] = False
        for day in self.days_off:
            if start <= day < end:
                flags[(day - start).days] = False
        for day in self.workdays:
            if start <= day < end:
                flags[(day - start).days] = True
        return flags

    def add_working_days(self, day: dt.date, days: int) -> dt.date:
        """The working day ``days`` working days after ``day``.

        A ``day`` that is not a working day counts from the working day before it, as
        polars' ``add_business_days(roll="backward")`` does (a change on a Saturday has the
        same deadline as one on the Friday before).
        """
        span = max(2 * days + 30, 60)
        while True:
            start = day - dt.timedelta(days=31)
            flags = self.workday_flags(start, day + dt.timedelta(days=span))
            at = (day - start).days
            while at >= 0 and not flags[at]:
                at -= 1
            left = days
            i = at
            while left > 0 and i + 1 < len(flags):
                i += 1
                left -= flags[i]
            if left == 0 and at >= 0:
                return start + dt.timedelta(days=i)
            span *= 2

    def holidays(self, start: dt.date, end: dt.date) -> list[HolidayPeriod]:
        """The statutory holidays whose first day off falls in ``[start, end)``, in order.

        Empty when ``statutory`` is false. Warns for years the calendar does not cover.
        """
        if not self.statutory:
            return []
        self._warn_uncovered(start, end)
        return [p for p in _periods() if start <= p.first < end]

    def _warn_uncovered(self, start: dt.date, end: dt.date) -> None:
        years = statutory_years()
        missing = [y for y in range(start.year, end.year + 1) if y not in years]
        if end == dt.date(end.year, 1, 1) and end.year in missing:
            missing.remove(end.year)
        if missing:
            warnings.warn(
                f"the statutory calendar (chinesecalendar) covers {years.start}–{years.stop - 1}; "
                f"{', '.join(map(str, missing))} count(s) Monday to Friday as working days "
                "plus the policy's own calendar days",
                CalendarWarning,
                stacklevel=3,
            )


@functools.cache
def _periods() -> tuple[HolidayPeriod, ...]:
    days_off, _ = _tables()
    out: list[HolidayPeriod] = []
    for holiday, days in _runs(days_off):
        out.append(HolidayPeriod(holiday=holiday, first=days[0], last=days[-1]))
    return tuple(out)


def _runs(days_off: dict[dt.date, str]) -> Iterator[tuple[Holiday, list[dt.date]]]:
    """Consecutive days off of one holiday name (the table lists weekends inside a period)."""
    run: list[dt.date] = []
    name = ""
    for day in sorted(days_off):
        label = days_off[day].casefold()
        if run and label == name and (day - run[-1]).days == 1:
            run.append(day)
            continue
        if run and name in _NAMES:
            yield _NAMES[name], run
        run, name = [day], label
    if run and name in _NAMES:
        yield _NAMES[name], run
