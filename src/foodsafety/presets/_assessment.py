"""Assessment presets (考核评分细则预设) shipped as package data YAML under ``presets/assessment``.

Each file says what it is (``description``), where it comes from (``reference``) and from when
it applies (``effective``); where the published rules leave numbers to the locality, its
``notes`` say so and name the example values chosen.

- ``national_annual_2023``: a national-style annual assessment of governments (A/B/C/D, rank
  quota for A, downgrades, veto, capped bonuses), docs/domain.md §5, seed 000 (16 cities).
- ``provincial_member_units``: a provincial assessment of the committee's member units
  (优秀/良好/合格/不合格), seed 000 (27 member units, 10 excellent).
- ``star_office``: a star scheme for township food-safety offices (星级食安办), seed 003.
- ``demonstration_city``: demonstration city evaluation by the three standards, seeds 000, 001.
- ``demonstration_county``: demonstration county evaluation (回头看, 复评), seed 000.

Scenario tests for the presets (OpenFisca style) are shipped under ``assessment/scenarios``
(:func:`assessment_scenarios`).
"""

from __future__ import annotations

import datetime as dt
from importlib import resources

from foodsafety.errors import RuleError
from foodsafety.rules.loading import RuleRecord, load_rule
from foodsafety.rules.rubric import DemonstrationScheme, Rubric, StarScheme

__all__ = [
    "assessment_presets",
    "assessment_scenarios",
    "demonstration_scheme",
    "load",
    "rubric",
    "star_scheme",
]


def assessment_presets() -> tuple[str, ...]:
    """The names of the shipped rubric, star-scheme and demonstration presets."""
    folder = resources.files("foodsafety.presets").joinpath("assessment")
    return tuple(
        sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))
    )


def assessment_scenarios() -> dict[str, str]:
    """The scenario files shipped with the presets, by preset name (paths inside the package).

    Run one with :func:`foodsafety.engines.scenarios.run_scenarios` or
    ``foodsafety rubric test PATH``.
    """
    folder = resources.files("foodsafety.presets").joinpath("assessment", "scenarios")
    return {
        p.name.removesuffix(".yaml"): str(p)
        for p in sorted(folder.iterdir(), key=lambda p: p.name)
        if p.name.endswith(".yaml")
    }


def load(name: str, *, as_of: dt.date | None = None) -> RuleRecord:
    """Load a shipped assessment preset by name (``"national_annual_2023"``...).

    Raises:
        RuleError: no preset has that name (the message lists them).
    """
    names = assessment_presets()
    if name not in names:
        raise RuleError(
            f"no assessment preset named {name!r}; presets: {', '.join(names)}",
            code="rule.unknown_preset",
            field="name",
            value=name,
        )
    resource = resources.files("foodsafety.presets").joinpath("assessment", f"{name}.yaml")
    return load_rule(
        f"foodsafety/presets/assessment/{name}.yaml",
        text=resource.read_text("utf-8"),
        as_of=as_of,
    )


def _typed(name: str, cls: type[RuleRecord], as_of: dt.date | None) -> RuleRecord:
    rule = load(name, as_of=as_of)
    if not isinstance(rule, cls):
        raise RuleError(
            f"preset {name!r} is a {type(rule).__name__}, not a {cls.__name__}",
            code="rule.kind",
            field="name",
            value=name,
        )
    return rule


def rubric(name: str = "national_annual_2023", *, as_of: dt.date | None = None) -> Rubric:
    """A shipped rubric preset."""
    rule = _typed(name, Rubric, as_of)
    assert isinstance(rule, Rubric)
    return rule


def star_scheme(name: str = "star_office", *, as_of: dt.date | None = None) -> StarScheme:
    """A shipped star-office scheme preset."""
    rule = _typed(name, StarScheme, as_of)
    assert isinstance(rule, StarScheme)
    return rule


def demonstration_scheme(
    name: str = "demonstration_city", *, as_of: dt.date | None = None
) -> DemonstrationScheme:
    """A shipped demonstration-city scheme preset."""
    rule = _typed(name, DemonstrationScheme, as_of)
    assert isinstance(rule, DemonstrationScheme)
    return rule
