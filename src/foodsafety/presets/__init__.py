"""Presets: rules as data shipped with the package (pairing policies, rubrics) for users to edit."""

from foodsafety.presets._assessment import (
    assessment_presets,
    assessment_scenarios,
    demonstration_scheme,
    load,
    rubric,
    star_scheme,
)
from foodsafety.presets._import import import_profile, import_profiles
from foodsafety.presets._pairing import pairing_policies, pairing_policy

__all__ = [
    "assessment_presets",
    "assessment_scenarios",
    "demonstration_scheme",
    "import_profile",
    "import_profiles",
    "load",
    "pairing_policies",
    "pairing_policy",
    "rubric",
    "star_scheme",
]
