"""Township food-safety offices with star ratings, and demonstration titles, over time.

Township offices (乡镇食安办) are built to a standard and rated from one to five stars by the
county or city (星级食安办); seed 003 (a county, 2022) guided 1 five-star, 4 four-star and 2
three-star candidates and set a target of three-star coverage of every township plus new
five- and four-star offices (docs/domain.md §6). Cities and counties earn demonstration titles
(食品安全示范城市/县) that are dated and can be lost on re-evaluation (seeds 000, 001,
docs/domain.md §7). These records hold the facts; scoring them is :mod:`foodsafety.engines.offices`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pydantic
from pydantic import Field

from foodsafety._record import FrozenRecord
from foodsafety.vocab import Level, StarLevel

__all__ = ["DemonstrationTitle", "StarRating", "TownshipOffice", "star_on"]


class TownshipOffice(FrozenRecord):
    """A township (乡镇/街道) food-safety office (食安办)."""

    label_zh = "乡镇食安办"

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    township: str | None = None
    county: str | None = None


class StarRating(FrozenRecord):
    """A star rating given to an office on a day (星级评定); ``revoked_on`` ends it early."""

    label_zh = "星级评定"

    office: str = Field(min_length=1)
    star: StarLevel
    rated_on: dt.date
    rated_by: str | None = None
    scheme: str | None = None
    revoked_on: dt.date | None = None

    @pydantic.model_validator(mode="after")
    def _check(self) -> StarRating:
        if self.revoked_on is not None and self.revoked_on < self.rated_on:
            raise ValueError(f"revoked_on ({self.revoked_on}) is before rated_on ({self.rated_on})")
        return self


def star_on(ratings: Iterable[StarRating], office: str, day: dt.date) -> StarLevel | None:
    """The star an office holds on ``day``: its latest rating by then that is not revoked."""
    held = [
        r
        for r in ratings
        if r.office == office and r.rated_on <= day and (r.revoked_on is None or r.revoked_on > day)
    ]
    if not held:
        return None
    return max(held, key=lambda r: r.rated_on).star


class DemonstrationTitle(FrozenRecord):
    """A demonstration title (示范城市/示范县称号) held by a city or county from a date.

    A title lost on re-evaluation keeps its history: ``revoked_on`` and ``revoked_reason``.
    """

    label_zh = "示范称号"

    subject: str = Field(min_length=1)
    title_zh: str = Field(min_length=1)
    title_en: str | None = None
    level: Level
    scheme: str | None = None
    batch: int | None = Field(default=None, ge=1)
    granted_on: dt.date
    revoked_on: dt.date | None = None
    revoked_reason: str | None = None

    @pydantic.model_validator(mode="after")
    def _check(self) -> DemonstrationTitle:
        if self.revoked_on is not None and self.revoked_on < self.granted_on:
            raise ValueError(
                f"revoked_on ({self.revoked_on}) is before granted_on ({self.granted_on})"
            )
        return self

    def held_on(self, day: dt.date) -> bool:
        """True when the title is held on ``day``."""
        return self.granted_on <= day and (self.revoked_on is None or day < self.revoked_on)
