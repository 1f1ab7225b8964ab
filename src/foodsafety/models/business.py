"""A licensed food business (获证食品生产经营主体) as the pairing ledger records it.

Seed 004 (Anyang) counts 16316 licensed businesses: 6234 catering (餐饮服务), 9714 operating
(食品经营) and 368 production (食品生产), each with a principal (主要负责人), a food safety
director (食品安全总监) and officers (食品安全员), and each paired with a cadre.
Two different A–D scales sit on a business and are different types here: the pairing tier
(:class:`~foodsafety.vocab.PairingTier`, which level's cadre pairs it) and the regulatory risk
grade (:class:`~foodsafety.vocab.RiskGrade`, how often the regulator inspects it).

Record checks: the jurisdiction is a township (9-digit) or village (12-digit) code (a
business coded at its township may name its village in ``village``); a
production business holds SC licences only, an operating or catering business JY licences
only; ``closed`` is not before ``opened``. Whether a date lies in the future is **not** a record
check (a record has no "today"); the ledger loaders and the audit check it against an ``as_of``
date.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from pydantic import Field, ValidationInfo, field_validator

from foodsafety._record import FrozenRecord
from foodsafety.ids import USCC, DivisionCode
from foodsafety.models._fields import MAX_LIST_ITEMS, Licence, Text, rule_error
from foodsafety.vocab import BusinessKind, Level, PairingTier, RiskGrade

__all__ = ["LICENCE_PREFIX", "Business"]

#: The licence a business of each licensed kind holds (the other kinds are registered locally).
LICENCE_PREFIX: dict[BusinessKind, str] = {
    BusinessKind.PRODUCTION: "SC",
    BusinessKind.OPERATION: "JY",
    BusinessKind.CATERING: "JY",
}


class Business(FrozenRecord):
    """A food business (食品生产经营主体) of the pairing ledger; one row of ``businesses``.

    Example:
        >>> from foodsafety.models.business import Business
        >>> b = Business(uscc="91410500MA3X00000W", name="安阳某食品有限公司",
        ...              kind="食品生產", licences=["SC10641052200123"],
        ...              jurisdiction="410522100", tier="A級", principal="张三")  # doctest: +SKIP
        >>> b.kind, b.tier  # doctest: +SKIP
        (<BusinessKind.PRODUCTION: 'production'>, <PairingTier.A: 'A'>)
    """

    label_zh: ClassVar[str] = "食品生产经营主体"

    uscc: USCC
    """统一社会信用代码: the business's identity (one per business)."""
    name: Text
    """Registered name (名称)."""
    kind: BusinessKind
    """业态: production, operation, catering, small workshop, vendor, farm market."""
    licences: tuple[Licence, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    """Licence numbers (SC for production, JY for operation and catering); may be several."""
    jurisdiction: DivisionCode
    """The township (9 digits) or village (12 digits) where the business is (属地)."""
    tier: PairingTier | None = None
    """包保主体分级 A–D: decides which level's cadre pairs it; ``None`` until tiered."""
    risk_grade: RiskGrade | None = None
    """风险分级 A–D of the regulator (not the pairing tier)."""
    principal: Text
    """主要负责人 (signs the monthly dispatch minute)."""
    director: Text | None = None
    """食品安全总监 (signs the weekly hazard-review report)."""
    officers: tuple[Text, ...] = Field(default=(), max_length=MAX_LIST_ITEMS)
    """食品安全员 (sign the daily check records)."""
    opened: dt.date | None = None
    """Licence date or first registration."""
    closed: dt.date | None = None
    """注销/停业 date; ``None`` while operating."""
    status_changed: dt.date | None = None
    """Last change that requires re-pairing (新设、变更、注销 reported to the office)."""
    address: Text | None = None
    """经营地址 (经营场所、住所) as the ledger writes it."""
    village: Text | None = None
    """所在村（社区）: the village's name when :attr:`jurisdiction` is the township's code (real
    ledgers often know a village by name only); informative, never checked against the code."""

    @field_validator("jurisdiction")
    @classmethod
    def _township_or_village(cls, value: DivisionCode) -> DivisionCode:
        if value.level not in (Level.TOWNSHIP, Level.VILLAGE):
            raise rule_error(
                "Business",
                "jurisdiction",
                "business.jurisdiction_level",
                f"jurisdiction must be a township (9-digit) or village (12-digit) code "
                f"(got {str(value)!r}, a {value.level.value} code)",
                f"主体所在地应为乡镇（9 位）或村（12 位）代码（收到 {str(value)!r}）",
                str(value),
            )
        return value

    @field_validator("licences")
    @classmethod
    def _licence_matches_kind(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        kind = info.data.get("kind")
        prefix = LICENCE_PREFIX.get(kind) if isinstance(kind, BusinessKind) else None
        if prefix is not None and isinstance(kind, BusinessKind):
            wrong = [str(x) for x in value if not str(x).startswith(prefix)]
            if wrong:
                raise rule_error(
                    "Business",
                    "licences",
                    "business.licence_kind",
                    f"a {kind.en} business holds {prefix} licences only (got {wrong[0]!r})",
                    f"{kind.zh}主体的许可证应以 {prefix} 开头（收到 {wrong[0]!r}）",
                    wrong[0],
                )
        return value

    @field_validator("closed")
    @classmethod
    def _closed_after_opened(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        opened = info.data.get("opened")
        if value is not None and opened is not None and value < opened:
            raise rule_error(
                "Business",
                "closed",
                "date.reversed",
                f"closed must not be before opened {opened} (got {value})",
                f"注销日期 {value} 早于开业日期 {opened}",
                value,
            )
        return value

    @property
    def is_open(self) -> bool:
        """True while the business has not closed."""
        return self.closed is None

    @property
    def county(self) -> DivisionCode | None:
        """The county-level division the business lies in."""
        return self.jurisdiction.county
