"""Presets: rules as data shipped with the package (pairing policies, rubrics) for users to edit."""

from foodsafety.presets._pairing import pairing_policies, pairing_policy

__all__ = ["pairing_policies", "pairing_policy"]
