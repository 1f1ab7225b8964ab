"""A supervision visit (督导) by a pairing cadre, and its follow-up (回头看).

Seed 004 fixes the shape of a visit: a briefing with the business (座谈会), an on-site check
recorded on the registration form 《督查情况登记表》 (task-list status 任务清单落实情况, overall
results 总体成效, problems found 存在的问题, photos 督导图片), feedback of the problems to the
business or the local regulator, and a follow-up by video or on site (回头看) until each problem
is solved. Anyang counted 991 visits by city and county cadres.

A follow-up is a visit whose ``follow_up_of`` names the earlier visit and whose
``problems_resolved`` says whether that visit's problems are solved.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from pydantic import Field, ValidationInfo, field_validator

from foodsafety._record import FrozenRecord
from foodsafety.ids import USCC
from foodsafety.models._fields import MAX_LIST_ITEMS, OpenVisitMode, Text, rule_error

__all__ = ["Visit"]


class Visit(FrozenRecord):
    """A supervision visit (督导) and its registration form; one row of ``visits``."""

    label_zh: ClassVar[str] = "督导记录"

    visit_id: Text
    """The ledger's id of the visit."""
    date: dt.date
    """Day of the visit."""
    cadre_id: Text
    """The visiting cadre."""
    uscc: USCC
    """The business visited."""
    mode: OpenVisitMode
    """现场 (on site), 视频 (video), 电话 (phone): a :class:`~foodsafety.vocab.VisitMode` for a
    label the vocabulary knows, else the label as written (联合督导), with an
    :class:`~foodsafety.errors.UnlistedLabelWarning` (the vocabulary is open-world)."""
    task_list_status: Text | None = None
    """任务清单落实情况, as recorded on the form."""
    results: Text | None = None
    """总体成效."""
    problems: tuple[Text, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    """存在的问题: one item per problem; empty when none was found."""
    evidence: tuple[Text, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    """References to the photos and videos kept (督导图片、视频)."""
    feedback_to: Text | None = None
    """Whom the problems were fed back to (the business, the local market regulation office)."""
    follow_up_of: Text | None = None
    """For a follow-up (回头看): the ``visit_id`` whose problems this visit checks."""
    problems_resolved: bool | None = None
    """For a follow-up: whether the earlier visit's problems are solved."""

    @field_validator("follow_up_of")
    @classmethod
    def _not_itself(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and value == info.data.get("visit_id"):
            raise rule_error(
                "Visit",
                "follow_up_of",
                "visit.self_follow_up",
                f"a visit cannot follow up itself (got {value!r})",
                f"回头看不能指向本次督导（{value!r}）",
                value,
            )
        return value

    @field_validator("problems_resolved")
    @classmethod
    def _only_for_follow_up(cls, value: bool | None, info: ValidationInfo) -> bool | None:
        if (
            value is not None
            and info.data.get("follow_up_of") is None
            and ("follow_up_of" in info.data)
        ):
            raise rule_error(
                "Visit",
                "problems_resolved",
                "visit.resolved_without_follow_up",
                f"problems_resolved is only for a follow-up visit (follow_up_of is empty, "
                f"got {value!r})",
                "只有回头看记录才填写问题是否解决",
                value,
            )
        return value

    @property
    def is_follow_up(self) -> bool:
        """True for a follow-up (回头看) of an earlier visit."""
        return self.follow_up_of is not None

    @property
    def found_problems(self) -> bool:
        """True when the form lists at least one problem."""
        return bool(self.problems)
