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

Visit cadences are calendars: :class:`Cadence` stores a small declarative form
(``{freq: quarterly, interval: 1, min_visits: 1}``) or an RFC 5545 ``RRULE`` string, and
:meth:`Cadence.period_starts` derives the calendar periods with :mod:`dateutil.rrule`.
Working days for re-pairing are Monday to Friday; public holidays are out of scope unless the
policy lists them in ``repair.holidays``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import pydantic
from dateutil import rrule as _rrule

from foodsafety._record import FrozenRecord
from foodsafety.rules._document import load_record_document
from foodsafety.vocab import BusinessKind, Level, PairingList, PairingTier, Routine

__all__ = [
    "Cadence",
    "DocumentRule",
    "PairingPolicy",
    "Reference",
    "RepairRule",
    "RoutineRule",
    "StaffingRule",
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


Freq = Literal["weekly", "monthly", "quarterly", "yearly"]

#: Periods of a declarative cadence are aligned on this date (a Monday, the first of a year), so
#: that quarters are calendar quarters and an ``interval`` of 2 counts from the same origin.
CADENCE_ORIGIN = dt.date(2001, 1, 1)

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


class RepairRule(FrozenRecord):
    """Re-pairing (动态调整): a business whose status changes is re-paired within N working days.

    Working days are Monday to Friday minus ``holidays``; statutory holidays and make-up working
    days are not built in (give them as a list if they matter).
    """

    working_days: int = pydantic.Field(ge=0, le=365)
    """Working days after the status change by which an assignment must start (required)."""
    holidays: tuple[dt.date, ...] = ()
    """Days that are not working days (statutory holidays are not built in)."""


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
