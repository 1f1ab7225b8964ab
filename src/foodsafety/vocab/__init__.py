"""Vocabulary: the domain's closed sets as enums with zh-Hans, zh-Hant and English labels.

Every enum is a :class:`Term`: its values are stable ASCII codes, its labels are metadata, and
``Term.parse`` (or simply calling the enum, ``Level("縣")``) accepts any label or common
variant, raising :class:`~foodsafety.errors.VocabularyError` with close matches otherwise::

    >>> from foodsafety.vocab import Level, PairingTier
    >>> Level.parse("县级"), Level("鄉鎮"), PairingTier.parse("A级")
    (<Level.COUNTY: 'county'>, <Level.TOWNSHIP: 'township'>, <PairingTier.A: 'A'>)
    >>> Level.COUNTY.zh, Level.COUNTY.zh_hant, Level.COUNTY.en
    ('县', '縣', 'county')
"""

from foodsafety.vocab._term import Term, normalise_label
from foodsafety.vocab._terms import (
    AssessmentGrade,
    BodyKind,
    BusinessKind,
    BusinessPost,
    CampaignPhase,
    DemonstrationStandard,
    DivisionKind,
    FindingSource,
    FindingState,
    Holiday,
    Level,
    OfficialPost,
    PairingList,
    PairingTier,
    Rating,
    RectificationAction,
    ResponsibilityKind,
    RiskGrade,
    Routine,
    Severity,
    StarLevel,
    VisitMode,
)

#: Every vocabulary of the package, in the order the glossary lists them.
ALL_TERMS: tuple[type[Term], ...] = (
    Level,
    DivisionKind,
    BusinessKind,
    PairingTier,
    RiskGrade,
    ResponsibilityKind,
    BusinessPost,
    Routine,
    BodyKind,
    OfficialPost,
    VisitMode,
    Holiday,
    PairingList,
    Severity,
    FindingState,
    FindingSource,
    RectificationAction,
    AssessmentGrade,
    Rating,
    StarLevel,
    DemonstrationStandard,
    CampaignPhase,
)

__all__ = [
    "ALL_TERMS",
    "AssessmentGrade",
    "BodyKind",
    "BusinessKind",
    "BusinessPost",
    "CampaignPhase",
    "DemonstrationStandard",
    "DivisionKind",
    "FindingSource",
    "FindingState",
    "Holiday",
    "Level",
    "OfficialPost",
    "PairingList",
    "PairingTier",
    "Rating",
    "RectificationAction",
    "ResponsibilityKind",
    "RiskGrade",
    "Routine",
    "Severity",
    "StarLevel",
    "Term",
    "VisitMode",
    "normalise_label",
]
