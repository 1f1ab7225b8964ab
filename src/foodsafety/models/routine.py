"""The business's own routines (日管控、周排查、月调度) and the records they leave.

Seed 004: every licensed business in Anyang runs the three routines and keeps three books, the
daily check record (每日检查记录, signed by a food safety officer), the weekly hazard-review
report (每周排查治理报告, by the food safety director) and the monthly dispatch minute
(每月调度会议纪要, by the principal). One :class:`RoutineRecord` is one entry of one book; the
audit finds the days, weeks and months without one (docs/domain.md §3).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from pydantic import ValidationInfo, field_validator

from foodsafety._record import FrozenRecord
from foodsafety.ids import USCC
from foodsafety.models._fields import Text, rule_error
from foodsafety.vocab import BusinessPost, Routine

__all__ = ["RoutineRecord", "period_end"]


def period_end(routine: Routine, start: dt.date) -> dt.date:
    """The first day after the period that starts on ``start`` (a day, a week, a month)."""
    if routine is Routine.DAILY:
        return start + dt.timedelta(days=1)
    if routine is Routine.WEEKLY:
        return start + dt.timedelta(days=7)
    return dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)


class RoutineRecord(FrozenRecord):
    """One entry of a business's daily, weekly or monthly book; one row of ``routines``.

    ``period_start`` is the day (daily), the week's Monday (weekly) or the month's first day
    (monthly). The record is signed by the post :attr:`Routine.signed_by` names: the officer
    (daily), the director (weekly), the principal (monthly).
    """

    label_zh: ClassVar[str] = "日管控周排查月调度记录"

    uscc: USCC
    """The business."""
    routine: Routine
    """日管控 (daily), 周排查 (weekly) or 月调度 (monthly)."""
    period_start: dt.date
    """The day, the week's Monday or the month's first day."""
    signed_by: Text
    """Name of who signed."""
    signer_post: BusinessPost
    """Their post; must be the one the routine requires."""

    @field_validator("period_start")
    @classmethod
    def _period_start(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        routine = info.data.get("routine")
        if routine is Routine.WEEKLY and value.weekday() != 0:
            raise rule_error(
                "RoutineRecord",
                "period_start",
                "routine.period_start",
                f"a weekly report's period_start must be a Monday (got {value}, a "
                f"{value.strftime('%A')})",
                f"周排查报告的起始日应为周一（收到 {value}）",
                value,
            )
        if routine is Routine.MONTHLY and value.day != 1:
            raise rule_error(
                "RoutineRecord",
                "period_start",
                "routine.period_start",
                f"a monthly minute's period_start must be the 1st (got {value})",
                f"月调度纪要的起始日应为当月 1 日（收到 {value}）",
                value,
            )
        return value

    @field_validator("signer_post")
    @classmethod
    def _signer_post(cls, value: BusinessPost, info: ValidationInfo) -> BusinessPost:
        routine = info.data.get("routine")
        if isinstance(routine, Routine) and value is not routine.signed_by:
            raise rule_error(
                "RoutineRecord",
                "signer_post",
                "routine.signer_post",
                f"the {routine.en} record is signed by the {routine.signed_by.en} "
                f"(got {value.value!r})",
                f"{routine.record_zh}应由{routine.signed_by.zh}签字（收到 {value.zh}）",
                value.value,
            )
        return value

    @property
    def period_end(self) -> dt.date:
        """The first day after the period this record covers."""
        return period_end(self.routine, self.period_start)
