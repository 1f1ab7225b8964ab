"""The parameters of the audit's optional checks, as data (a policy's ``checks:`` section).

A pairing policy's core rules (``tier_levels``, ``cadence``, ``repair``…) each turn on the
audit check that enforces them. Local rules that only some provinces or counties write turn
on through ``checks:``, one entry per check, with its parameters::

    checks:
      coverage_milestones:
        by: county
        targets:
          - {due: 2023-11-09, measure: paired, share: 0.8}
          - {due: 2023-11-20, measure: paired, share: 1.0}
      holiday_windows: {holidays: [春节, 国庆节], days_before: 15}
      repeated_problems: {consecutive: 3}
      on_site_visits: {tiers: [A, B], per: {freq: quarterly}}
      cadre_outside_jurisdiction: false      # a core check turned off
      county_yellow_card: {max_overdue: 3}    # a check the county registered itself

An entry is ``false`` (off; for a core check, off although its rule is stated), ``true``
(on with its default parameters) or a mapping of parameters. The checks shipped with the
library have their parameters checked when the policy loads (:class:`AuditChecks`); a check a
user registers (``foodsafety.engines.audit.audit_check``) has its own parameters checked when
the audit runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

import pydantic

from foodsafety._record import FrozenRecord
from foodsafety.models._fields import OpenVisitMode
from foodsafety.rules.cadence import Cadence
from foodsafety.vocab import Holiday, PairingTier, RiskGrade, VisitMode

__all__ = [
    "AuditChecks",
    "CheckSetting",
    "CoverageMilestones",
    "HolidayWindows",
    "MilestoneTarget",
    "OnSiteVisits",
    "RepeatedProblems",
]

#: What a ``checks:`` entry of a check the library does not ship holds.
CheckSetting = bool | Mapping[str, Any]


class MilestoneTarget(FrozenRecord):
    """One dated target (进度节点): ``share`` of the open businesses ``measure``d by ``due``."""

    due: dt.date
    """The day by which the share must be reached (counted at the end of that day)."""
    measure: Literal["paired", "visited"] = "paired"
    """``paired``: an assignment in force on ``due`` (包保落实); ``visited``: a visit by a
    pairing cadre from the check's ``start`` through ``due`` (督导覆盖)."""
    share: float = pydantic.Field(gt=0, le=1)
    """The target share, 0 to 1 (0.8 for 80 %)."""


class CoverageMilestones(FrozenRecord):
    """Dated progress targets per jurisdiction (进度节点): which were missed, where, by how much."""

    targets: tuple[MilestoneTarget, ...] = pydantic.Field(min_length=1)
    by: Literal["city", "county", "township"] = "county"
    """The jurisdictions the shares are computed for."""
    start: dt.date | None = None
    """Visits count from this day for ``visited`` targets (default: the audit window's start)."""
    tiers: tuple[PairingTier, ...] = ()
    """Only businesses of these tiers count (empty: every business)."""


class HolidayWindows(FrozenRecord):
    """Visits required before statutory holidays (节前督导): each in the days before the holiday."""

    holidays: tuple[Holiday, ...] = pydantic.Field(min_length=1)
    days_before: int = pydantic.Field(default=15, ge=1, le=90)
    """The window: this many days up to the holiday's first day off (that day excluded)."""
    min_visits: int = pydantic.Field(default=1, ge=1, le=31)
    """Visits by the business's pairing cadre(s) required in the window."""
    tiers: tuple[PairingTier, ...] = ()
    """Only businesses of these tiers (empty: every tier)."""


class RepeatedProblems(FrozenRecord):
    """A business whose last ``consecutive`` visits in a row each found problems is escalated."""

    consecutive: int = pydantic.Field(default=3, ge=2, le=50)
    """Visits in a row, by date, each with problems found (屡查屡犯)."""


class OnSiteVisits(FrozenRecord):
    """High-risk businesses need visits on site (现场督导), not only by video or phone."""

    tiers: tuple[PairingTier, ...] = ()
    """Businesses of these pairing tiers need them."""
    risk_grades: tuple[RiskGrade, ...] = ()
    """And businesses of these risk grades (a business qualifies by either)."""
    modes: tuple[OpenVisitMode, ...] = (VisitMode.ON_SITE,)
    """The visit modes that count as on site (a mode the vocabulary does not list, as written)."""
    min_visits: int = pydantic.Field(default=1, ge=1, le=366)
    per: Cadence | None = None
    """Per closed period of this cadence in the audit window; ``None``: once in the window."""

    @pydantic.model_validator(mode="after")
    def _some_business(self) -> OnSiteVisits:
        if not self.tiers and not self.risk_grades:
            raise ValueError("name the tiers or the risk grades that need on-site visits")
        return self


class AuditChecks(FrozenRecord):
    """A policy's ``checks:`` section: the optional checks it turns on, and core ones it turns off.

    The four checks shipped with the library have typed fields; any other key names a check a
    user registers, and its value (``true``, ``false`` or a mapping of parameters) is kept as
    written for that check to validate when the audit runs.
    """

    model_config = pydantic.ConfigDict(extra="allow", frozen=True)

    coverage_milestones: CoverageMilestones | None = None
    holiday_windows: HolidayWindows | None = None
    repeated_problems: RepeatedProblems | None = None
    on_site_visits: OnSiteVisits | None = None

    @pydantic.field_validator(
        "coverage_milestones",
        "holiday_windows",
        "repeated_problems",
        "on_site_visits",
        mode="before",
    )
    @classmethod
    def _switch(cls, value: Any) -> Any:
        # ``false`` is off (as not listed), ``true`` on with the default parameters
        if value is False:
            return None
        return {} if value is True else value

    @pydantic.model_validator(mode="after")
    def _settings(self) -> AuditChecks:
        for name, value in (self.model_extra or {}).items():
            if not isinstance(value, bool | Mapping):
                raise ValueError(
                    f"checks.{name} must be true, false or a mapping of parameters "
                    f"(got {type(value).__name__})"
                )
        return self

    def setting(self, name: str) -> Any:
        """The entry for check ``name``: ``None`` (not listed), a bool, a record or a mapping."""
        if name in type(self).model_fields:
            return getattr(self, name)
        return (self.model_extra or {}).get(name)

    def names(self) -> list[str]:
        """The checks listed, in the order written (shipped fields first)."""
        shipped = [n for n in type(self).model_fields if getattr(self, n) is not None]
        return shipped + list(self.model_extra or {})
