"""The pairing policy (包保工作规则) as data: who pairs which tier, how often, and by when.

Seed 004 (Anyang, 2022) and the 2022 central guideline on 分层分级、精准防控 describe the rule
set a city applies to its pairing ledger: tiers are paired by the matching level (分层分级、层级对应, A→市, B→县, C→乡, D→村);
every cadre supervises each paired business at least once per calendar quarter (localities
differ, so the cadence is per level); a business whose status changes is re-paired within a
number of working days; each cadre signs a pledge (《食品安全责任与任务承诺书》) and holds three
lists (责任清单、任务清单、督查清单) by a due date (Anyang: city and county pledges signed,
township and village due 16 December 2022); every business has a food safety director and
officers and keeps its daily, weekly and monthly records (日管控、周排查、月调度).

A :class:`PairingPolicy` records those values with a description, a reference (OpenFisca style)
and an effective date. **A policy checks only what it says**: a rule it leaves out (``cadence``,
``repair``, ``documents``, ``staffing``, ``routines``, ``follow_up_days``, ``load_cap``) is not
checked, and no built-in default stands in for it; only ``tier_levels`` is required. It loads from YAML or JSON with :func:`load_pairing_policy`
(``yaml.safe_load`` only); a malformed file raises :class:`~foodsafety.errors.RuleError`
naming the file, the line and the key, and showing a valid example.

Visit cadences are calendars (:class:`~foodsafety.rules.cadence.Cadence`). Working days for
re-pairing come from the policy's ``calendar`` (:class:`~foodsafety.rules.calendar.WorkCalendar`):
the State Council's statutory holidays and make-up working days (调休), plus the policy's own
local days off. Local rules beyond these (dated milestones, visits before holidays, on-site
visits for high risk, checks a county writes itself) turn on in ``checks:``
(:class:`~foodsafety.rules.audit_checks.AuditChecks`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import pydantic

from foodsafety._record import FrozenRecord
from foodsafety.rules._document import load_record_document
from foodsafety.rules.audit_checks import AuditChecks
from foodsafety.rules.cadence import CADENCE_ORIGIN, Cadence, Freq
from foodsafety.rules.calendar import WorkCalendar
from foodsafety.vocab import BusinessKind, Level, PairingList, PairingTier, Routine

__all__ = [
    "CADENCE_ORIGIN",
    "AuditChecks",
    "Cadence",
    "DocumentRule",
    "Freq",
    "PairingPolicy",
    "Reference",
    "RepairRule",
    "RoutineRule",
    "StaffingRule",
    "WorkCalendar",
    "default_since",
    "load_pairing_policy",
]


def default_since(as_of: dt.date) -> dt.date:
    """The start of the audit's default window: the same day a year before ``as_of`` (28
    February for 29 February)."""
    try:
        return as_of.replace(year=as_of.year - 1)
    except ValueError:  # 29 February
        return as_of.replace(year=as_of.year - 1, day=28)


_EXAMPLE = """\
name: national_2022
description: 包保工作通用规则 / common national-style pairing rules
reference:
  title: 关于落实食品安全"两个责任"的文件
effective: 2022-09-01
tier_levels: {A: city, B: county, C: township, D: village}
cadence:
  default: {freq: quarterly, interval: 1, min_visits: 1}
repair: {working_days: 10}
documents:
  - {document: pledge, levels: [city, county, township, village], due: 2022-12-16}
"""


class Reference(FrozenRecord):
    """Where a rule comes from: a document's title, number, issuer, date and URL."""

    title: str
    number: str | None = None
    issuer: str | None = None
    date: dt.date | None = None
    url: str | None = None


class RepairRule(FrozenRecord):
    """Re-pairing (动态调整): a business whose status changes is re-paired within N working days.

    Working days are those of the policy's ``calendar`` (statutory holidays and make-up
    working days by default; local days off in ``calendar.days_off``).
    """

    working_days: int = pydantic.Field(ge=0, le=365)
    """Working days after the status change by which an assignment must start (required)."""

    @pydantic.model_validator(mode="before")
    @classmethod
    def _no_holiday_list(cls, value: Any) -> Any:
        if isinstance(value, Mapping) and "holidays" in value:
            raise ValueError(
                "repair.holidays is gone: statutory holidays are built in; list local days "
                "off in the policy's calendar (calendar: {days_off: [2023-05-04]})"
            )
        return value


class DocumentRule(FrozenRecord):
    """A pledge or list (三清单一承诺) that cadres of ``levels`` must hold by ``due``."""

    document: PairingList
    levels: tuple[Level, ...]
    due: dt.date


class StaffingRule(FrozenRecord):
    """Posts a business must fill: a food safety director and at least ``min_officers`` officers.

    Each part is checked only when stated: ``director: true`` requires a director,
    ``min_officers: n`` (n ≥ 1) requires officers; left out, they require nothing.
    ``kinds`` limits the rule to some business kinds (empty: every kind).
    """

    director: bool = False
    """A food safety director (食品安全总监) is required."""
    min_officers: int = pydantic.Field(default=0, ge=0, le=100)
    """Food safety officers (食品安全员) required (0: not checked)."""
    kinds: tuple[BusinessKind, ...] = ()
    """The business kinds the rule applies to (empty: every kind)."""


class RoutineRule(FrozenRecord):
    """Which of the three routines (日管控、周排查、月调度) leave a record the audit checks."""

    required: tuple[Routine, ...]
    """The routines whose records are checked (required; may be empty)."""


class PairingPolicy(FrozenRecord):
    """A pairing policy (包保规则): tier → level, cadences, deadlines, caps, documents.

    A policy checks only what it says: every rule but ``tier_levels`` is optional, and a rule
    left out (``None``, or empty for ``load_cap`` and ``documents``) is not checked by the
    audit: no finding comes from a default the policy never wrote. A policy of ``name``,
    ``description``, ``effective`` and ``tier_levels`` alone checks pairing only (unpaired
    businesses, tier/level mismatches, cadres outside their jurisdiction, assignment overlaps
    and gaps).

    Attributes:
        name: a dotted preset name (``anyang_2022``).
        description: what the policy is.
        reference: the documents it comes from.
        effective: the date from which it applies.
        tier_levels: pairing tier → the level of cadre that pairs it (层级对应).
        cadence: visit cadence per level; the key ``default`` applies to levels not listed.
            ``None`` (or a level not listed without ``default``): visits are not checked.
        repair: the re-pairing deadline after a status change; ``None``: not checked (and an
            unpaired business is not excused by a running re-pairing window).
        load_cap: the most businesses a cadre of a level may pair (absent: no cap).
        documents: pledges and lists due per level (empty: not checked).
        staffing: director and officer requirements; ``None``: not checked.
        routines: the routine records a business must keep; ``None``: not checked.
        follow_up_days: days within which a visit's problems get a follow-up visit (回头看);
            ``None``: not checked.
        calendar: the working days for deadlines and holiday windows (statutory holidays and
            make-up working days by default, plus local days off).
        checks: optional checks turned on (with their parameters) and core checks turned off.
    """

    label_zh = "包保规则"

    name: str = pydantic.Field(pattern=r"^[a-z][a-z0-9_.]*$")
    description: str
    reference: tuple[Reference, ...] = ()
    effective: dt.date
    tier_levels: dict[PairingTier, Level]
    cadence: dict[Literal["default"] | Level, Cadence] | None = None
    repair: RepairRule | None = None
    load_cap: dict[Level, int] = pydantic.Field(default_factory=dict)
    documents: tuple[DocumentRule, ...] = ()
    staffing: StaffingRule | None = None
    routines: RoutineRule | None = None
    follow_up_days: int | None = pydantic.Field(default=None, ge=0, le=3650)
    calendar: WorkCalendar = WorkCalendar()
    checks: AuditChecks = AuditChecks()

    @pydantic.field_validator("reference", mode="before")
    @classmethod
    def _one_reference(cls, value: Any) -> Any:
        return [value] if isinstance(value, Mapping) else value

    @pydantic.field_validator("load_cap")
    @classmethod
    def _positive_caps(cls, value: dict[Level, int]) -> dict[Level, int]:
        for level, cap in value.items():
            if cap < 1:
                raise ValueError(f"the cap of level {level.code} must be at least 1 (got {cap})")
        return value

    def cadence_for(self, level: Level) -> Cadence | None:
        """The cadence of cadres of ``level`` (the ``default`` one when not listed).

        ``None`` when the policy sets no cadence for the level (no ``cadence`` at all, or the
        level not listed and no ``default``): their visits are not checked.
        """
        if self.cadence is None:
            return None
        found = self.cadence.get(level)
        if found is not None:
            return found
        return self.cadence.get("default")

    def level_for(self, tier: PairingTier) -> Level | None:
        """The cadre level that pairs ``tier``, or None when the policy leaves it open."""
        return self.tier_levels.get(tier)

    def rule_id(self, clause: str) -> str:
        """``name:clause@effective``, the identifier of a clause in findings."""
        return f"{self.name}:{clause}@{self.effective.isoformat()}"

    @classmethod
    def from_file(cls, path: str | Path) -> PairingPolicy:
        """Load a policy from a YAML or JSON file (see :func:`load_pairing_policy`)."""
        return load_pairing_policy(path)


# -- loading --------------------------------------------------------------------------------


def load_pairing_policy(path: str | Path, *, text: str | None = None) -> PairingPolicy:
    """Load a :class:`PairingPolicy` from a YAML (``.yaml``/``.yml``) or JSON file.

    Args:
        path: the file; also used as the name in error messages when ``text`` is given.
        text: the file's content, when already read.

    Raises:
        RuleError: the file cannot be read or parsed, or a value is invalid; the message
            starts with ``file:line``, names the key and shows a valid example.
    """
    return load_record_document(
        PairingPolicy,
        path,
        text,
        what="policy",
        keys="name, tier_levels, cadence",
        example=_EXAMPLE,
    )
