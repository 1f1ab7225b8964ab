"""A pairing cadre (包保干部): an official of a given level who pairs food businesses.

Seed 004: Anyang named 4806 cadres at city, county, township and village level (市、县、乡、村
四级), all filed and managed in the ledger (建档立卡，台账管理). A cadre's jurisdiction is a
division of the cadre's own level: a county cadre holds a county code (410522), a township cadre
a 9-digit township code, a village cadre a 12-digit village code or, as real county ledgers
register village cadres, the 9-digit code of the village's township (the village named in
``village`` or not given).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from pydantic import ValidationInfo, field_validator

from foodsafety._record import FrozenRecord
from foodsafety.ids import DivisionCode
from foodsafety.models._fields import OpenPost, Text, rule_error
from foodsafety.vocab import Level

__all__ = ["Cadre"]


class Cadre(FrozenRecord):
    """A pairing cadre (包保干部); one row of ``cadres``.

    ``active_to`` is exclusive (the first day the cadre no longer serves) and must be after
    ``active_from``.
    """

    label_zh: ClassVar[str] = "包保干部"

    cadre_id: Text
    """The ledger's id of the cadre (stable across re-pairings)."""
    name: Text
    """姓名."""
    level: Level
    """市/县/乡/村 (or province): the level whose businesses the cadre pairs."""
    jurisdiction: DivisionCode
    """The cadre's own jurisdiction; its level must equal :attr:`level` (a city-level cadre
    may also hold a county directly under its province, 省直辖县级 such as 济源 419001, and a
    village-level cadre the code of the village's township)."""
    unit: Text | None = None
    """Work unit and post as written (e.g. 安阳县人民政府 副县长)."""
    post: OpenPost | None = None
    """The post: an :class:`~foodsafety.vocab.OfficialPost` for a label the vocabulary knows,
    else the label as written (县委常委), with an :class:`~foodsafety.errors.UnlistedLabelWarning`
    (the vocabulary is open-world)."""
    active_from: dt.date | None = None
    """First day as a pairing cadre."""
    active_to: dt.date | None = None
    """First day no longer a pairing cadre (exclusive); ``None`` while serving."""
    village: Text | None = None
    """The village (村、社区) a village-level cadre serves, by name, when :attr:`jurisdiction`
    is the township's 9-digit code (as real ledgers register village cadres)."""
    phone: Text | None = None
    """联系电话 as the ledger writes it."""

    @field_validator("jurisdiction")
    @classmethod
    def _level_matches(cls, value: DivisionCode, info: ValidationInfo) -> DivisionCode:
        level = info.data.get("level")
        # a county directly under the province (济源 419001) answers to it as a city does:
        # its leaders pair at city level
        as_city = level is Level.CITY and value.is_province_administered
        # a village cadre registered under the village's township (the village only named)
        at_township = level is Level.VILLAGE and value.level is Level.TOWNSHIP
        if isinstance(level, Level) and value.level is not level and not (as_city or at_township):
            also = (
                (
                    " or a county directly under its province (city part 90, such as 419001)",
                    "或省直辖县级代码",
                )
                if level is Level.CITY
                else (" or its township's 9-digit code", "或所在乡镇代码")
                if level is Level.VILLAGE
                else ("", "")
            )
            raise rule_error(
                "Cadre",
                "jurisdiction",
                "cadre.level_mismatch",
                f"a {level.en}-level cadre's jurisdiction must be a {level.en} code{also[0]} "
                f"(got {str(value)!r}, a {value.level.value} code)",
                f"{level.zh}级包保干部的辖区应为{level.zh}级代码{also[1]}（收到 {str(value)!r}）",
                str(value),
            )
        return value

    @field_validator("active_to")
    @classmethod
    def _after_start(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("active_from")
        if value is not None and start is not None and value <= start:
            raise rule_error(
                "Cadre",
                "active_to",
                "date.reversed",
                f"active_to (exclusive) must be after active_from {start} (got {value})",
                f"任职截止日期 {value} 应晚于起始日期 {start}",
                value,
            )
        return value

    def is_active(self, on: dt.date) -> bool:
        """True when the cadre serves on day ``on``."""
        if self.active_from is not None and on < self.active_from:
            return False
        return self.active_to is None or on < self.active_to
