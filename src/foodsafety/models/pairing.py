"""Pairing (包保): who pairs which business, when; and the three lists and the pledge.

A :class:`PairingAssignment` says that a cadre pairs a business from ``valid_from`` until
``valid_to`` (exclusive). A business may change cadre (its status changed, the cadre moved):
history is kept as several assignments, and the audit finds overlaps and gaps (docs/domain.md §4,
"分层分级、层级对应、递次包保").

"Three lists and one pledge" (三清单一承诺, seed 004): each cadre has a responsibility list
(责任清单), a task list (任务清单) and a supervision list (督查清单), and signs the pledge
《食品安全责任与任务承诺书》 with the principal leader of the same level's party committee or
government. In Anyang city and county cadres had all signed; township and village pledges were
to be scanned or photographed and filed by 16 December. One :class:`PairingDocument` records one
of the four documents of one cadre.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Self

from pydantic import ValidationInfo, field_validator

from foodsafety._record import FrozenRecord
from foodsafety.ids import USCC
from foodsafety.models._fields import Text, rule_error
from foodsafety.vocab import PairingList

__all__ = ["PairingAssignment", "PairingDocument"]


class PairingAssignment(FrozenRecord):
    """A cadre pairs a business over a period (包保关系); one row of ``assignments``.

    ``valid_to`` is exclusive (the first day the cadre no longer pairs the business) and must be
    after ``valid_from``; ``None`` means the pairing is current.
    """

    label_zh: ClassVar[str] = "包保关系"

    assignment_id: Text
    """The ledger's id of this assignment."""
    cadre_id: Text
    """The pairing cadre (:class:`~foodsafety.models.cadre.Cadre`)."""
    uscc: USCC
    """The paired business (:class:`~foodsafety.models.business.Business`)."""
    valid_from: dt.date
    """First day of the pairing."""
    valid_to: dt.date | None = None
    """First day after the pairing (exclusive); ``None`` while current."""

    @field_validator("valid_to")
    @classmethod
    def _after_start(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("valid_from")
        if value is not None and start is not None and value <= start:
            raise rule_error(
                "PairingAssignment",
                "valid_to",
                "date.reversed",
                f"valid_to (exclusive) must be after valid_from {start} (got {value})",
                f"包保截止日期 {value} 应晚于起始日期 {start}",
                value,
            )
        return value

    def covers(self, day: dt.date) -> bool:
        """True when the pairing holds on ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


class PairingDocument(FrozenRecord):
    """One of a cadre's three lists or the pledge (三清单一承诺); one row of ``pledges``.

    ``document`` says which: ``responsibility`` (责任清单), ``task`` (任务清单), ``supervision``
    (督查清单) or ``pledge`` (承诺书). ``signed`` is ``None`` while not signed; ``counterpart`` is
    the party or government leader who co-signed a pledge.
    """

    label_zh: ClassVar[str] = "三清单一承诺"

    cadre_id: Text
    """The cadre the document belongs to."""
    document: PairingList
    """Which of the four documents."""
    signed: dt.date | None = None
    """Day signed (for a list: day issued); ``None`` while missing."""
    counterpart: Text | None = None
    """The same level's party or government principal (or delegate) who co-signed."""
    scan_ref: Text | None = None
    """Reference to the scan or photo filed (扫描或拍照上传存档)."""

    @classmethod
    def pledge(
        cls,
        cadre_id: str,
        *,
        signed: dt.date | None = None,
        counterpart: str | None = None,
        scan_ref: str | None = None,
    ) -> Self:
        """The pledge 《食品安全责任与任务承诺书》 of a cadre."""
        return cls(
            cadre_id=cadre_id,
            document=PairingList.PLEDGE,
            signed=signed,
            counterpart=counterpart,
            scan_ref=scan_ref,
        )

    @property
    def is_pledge(self) -> bool:
        """True for the pledge, False for one of the three lists."""
        return self.document is PairingList.PLEDGE

    @property
    def is_signed(self) -> bool:
        """True when the document carries a signing date."""
        return self.signed is not None
