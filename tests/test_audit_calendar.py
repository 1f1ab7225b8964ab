"""The working calendar: statutory holidays and make-up days (调休), local days, re-pairing."""

from __future__ import annotations

import datetime as dt
import warnings

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foodsafety.engines.audit import audit
from foodsafety.engines.audit.checks.repair import working_day_deadlines
from foodsafety.errors import RecordValidationError
from foodsafety.rules import PairingPolicy, WorkCalendar
from foodsafety.rules.calendar import CalendarWarning, statutory_years
from foodsafety.vocab import Holiday
from pairing_data import uscc

D = dt.date
STATUTORY = WorkCalendar()
WEEKDAYS = WorkCalendar(statutory=False)


def test_national_day_2023_and_its_make_up_saturday_and_sunday() -> None:
    # 2023: 29 September to 6 October off; Saturday 7 and Sunday 8 October worked
    assert not STATUTORY.is_workday(D(2023, 10, 2))
    assert STATUTORY.is_workday(D(2023, 10, 7)) and STATUTORY.is_workday(D(2023, 10, 8))
    assert WEEKDAYS.is_workday(D(2023, 10, 2)) and not WEEKDAYS.is_workday(D(2023, 10, 7))
    assert STATUTORY.add_working_days(D(2023, 9, 27), 3) == D(2023, 10, 8)
    assert WEEKDAYS.add_working_days(D(2023, 9, 27), 3) == D(2023, 10, 2)


def test_local_days_off_and_workdays_override_the_statutory_calendar() -> None:
    local = WorkCalendar(days_off=(D(2023, 3, 6),), workdays=(D(2023, 10, 3),))
    assert not local.is_workday(D(2023, 3, 6))
    assert local.is_workday(D(2023, 10, 3))
    assert STATUTORY.is_workday(D(2023, 3, 6)) and not STATUTORY.is_workday(D(2023, 10, 3))


def test_holidays_are_named_with_their_first_day_off() -> None:
    found = STATUTORY.holidays(D(2023, 1, 1), D(2024, 1, 1))
    firsts = {p.holiday: p.first for p in found}
    assert firsts[Holiday.SPRING_FESTIVAL] == D(2023, 1, 21)
    assert firsts[Holiday.NATIONAL_DAY] == D(2023, 9, 30)
    assert firsts[Holiday.MID_AUTUMN_FESTIVAL] == D(2023, 9, 29)
    assert WEEKDAYS.holidays(D(2023, 1, 1), D(2024, 1, 1)) == []
    assert Holiday.parse("国庆") is Holiday.NATIONAL_DAY


def test_a_year_the_calendar_does_not_cover_warns_and_counts_weekdays() -> None:
    year = statutory_years().stop + 1
    with pytest.warns(CalendarWarning, match=str(year)):
        assert STATUTORY.add_working_days(D(year, 9, 30), 1) == WEEKDAYS.add_working_days(
            D(year, 9, 30), 1
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        STATUTORY.add_working_days(D(2023, 9, 30), 1)


@settings(max_examples=80, deadline=None)
@given(
    start=st.dates(D(2018, 1, 1), D(2025, 11, 1)),
    n=st.integers(0, 40),
    local=st.lists(st.dates(D(2018, 1, 1), D(2026, 3, 1)), max_size=6),
)
def test_a_deadline_is_n_working_days_on(start: dt.date, n: int, local: list[dt.date]) -> None:
    cal = WorkCalendar(days_off=tuple(local))
    end = cal.add_working_days(start, n)
    between = cal.workday_flags(start + dt.timedelta(days=1), end + dt.timedelta(days=1))
    if cal.is_workday(start) or n > 0:
        assert cal.is_workday(end)
    if cal.is_workday(start):
        assert sum(between) == n
    # the vectorised deadlines of the audit agree with the calendar, day by day
    series = pl.Series("d", [start, None, start + dt.timedelta(days=3)], dtype=pl.Date)
    got = working_day_deadlines(series, n, cal).to_list()
    assert got == [end, None, cal.add_working_days(start + dt.timedelta(days=3), n)]


def test_weekday_deadlines_equal_polars_business_days() -> None:
    days = pl.Series("d", [D(2023, 1, 1) + dt.timedelta(days=i) for i in range(400)])
    ours = working_day_deadlines(days, 10, WEEKDAYS)
    theirs = days.dt.add_business_days(10, roll="backward")
    assert ours.to_list() == theirs.to_list()


def _repair_ledger(changed: dt.date, repaired: dt.date) -> dict[str, pl.DataFrame]:
    return {
        "businesses": pl.DataFrame(
            {
                "uscc": [uscc(1)],
                "name": ["某餐馆"],
                "kind": ["catering"],
                "jurisdiction": ["410522100"],
                "tier": ["C"],
                "status_changed": [changed],
            }
        ),
        "cadres": pl.DataFrame(
            {
                "cadre_id": ["C1"],
                "name": ["赵六"],
                "level": ["township"],
                "jurisdiction": ["410522100"],
            }
        ),
        "assignments": pl.DataFrame(
            {
                "assignment_id": ["A1"],
                "cadre_id": ["C1"],
                "uscc": [uscc(1)],
                "valid_from": [repaired],
            }
        ),
    }


def _policy(calendar: dict[str, object] | None = None) -> PairingPolicy:
    data: dict[str, object] = {
        "name": "repair_only",
        "description": "re-pairing within 3 working days",
        "effective": "2023-01-01",
        "tier_levels": {"C": "township"},
        "repair": {"working_days": 3},
    }
    if calendar is not None:
        data["calendar"] = calendar
    return PairingPolicy.model_validate(data)


def test_re_pairing_over_national_day_counts_the_make_up_weekend() -> None:
    ledger = _repair_ledger(D(2023, 9, 27), D(2023, 10, 8))
    as_of = D(2023, 11, 1)
    assert audit(ledger, _policy(), as_of).keys("repair_overdue") == set()
    late = audit(ledger, _policy({"statutory": False}), as_of).frame.filter(kind="repair_overdue")
    assert late["key"].to_list() == [uscc(1)]
    assert "re-pair by 2023-10-02" in late["detail"][0]
    # a local day off moves the deadline on by a working day
    local = audit(ledger, _policy({"statutory": False, "days_off": ["2023-10-02"]}), as_of)
    assert "re-pair by 2023-10-03" in local.frame["detail"][0]


def test_the_hand_listed_repair_holidays_point_to_the_calendar() -> None:
    with pytest.raises(RecordValidationError, match=r"calendar: \{days_off"):
        PairingPolicy.model_validate(
            {
                "name": "old",
                "description": "old style",
                "effective": "2023-01-01",
                "tier_levels": {"C": "township"},
                "repair": {"working_days": 3, "holidays": ["2023-10-02"]},
            }
        )
