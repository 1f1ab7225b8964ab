"""Pairing policy presets (包保规则预设) shipped as package data YAML.

``presets/pairing/national_2022.yaml`` is a common national-style policy; ``anyang_2022.yaml``
is the Anyang example of seed 004. Both are starting points a user copies and edits.
"""

from __future__ import annotations

from importlib import resources

from foodsafety.errors import RuleError
from foodsafety.rules.pairing_policy import PairingPolicy, load_pairing_policy

__all__ = ["pairing_policies", "pairing_policy"]


def pairing_policies() -> tuple[str, ...]:
    """The names of the shipped pairing policy presets."""
    folder = resources.files("foodsafety.presets").joinpath("pairing")
    return tuple(
        sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))
    )


def pairing_policy(name: str = "national_2022") -> PairingPolicy:
    """Load a shipped pairing policy preset by name (``"national_2022"``, ``"anyang_2022"``).

    Raises:
        RuleError: no preset has that name (the message lists the presets).
    """
    names = pairing_policies()
    if name not in names:
        raise RuleError(
            f"no pairing policy preset named {name!r}; presets: {', '.join(names)}",
            code="rule.unknown_preset",
            field="name",
            value=name,
        )
    resource = resources.files("foodsafety.presets").joinpath("pairing", f"{name}.yaml")
    return load_pairing_policy(
        f"foodsafety/presets/pairing/{name}.yaml", text=resource.read_text("utf-8")
    )
