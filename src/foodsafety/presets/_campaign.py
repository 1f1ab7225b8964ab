"""Campaign presets (专项督查评价细则预设): the two scoring rules of the 2018 campaign (seed 002).

Shipped as package data YAML under ``presets/campaign``:

- ``key_supervision_matters_2018``: 《重点督查事项评价细则》, the 11 key supervision matters;
- ``key_risk_points_2018``: 《重点排查风险点评价细则》, the 12 key risk points.

The areas are the ones seed 002 names; points and scoring methods are documented **example
values** (each file's ``description`` and ``notes`` say which), because the seed does not publish
them.
"""

from __future__ import annotations

import datetime as dt
import functools
from importlib import resources
from pathlib import Path

from foodsafety.errors import RuleError
from foodsafety.presets._assessment import load as assessment_load
from foodsafety.rules.loading import load_rubric
from foodsafety.rules.rubric import Rubric

__all__ = ["CAMPAIGN_2018_RUBRICS", "campaign_presets", "campaign_rubric", "resolve_rubric"]

#: The two rubrics of the 2018 campaign, in the order the seed names them.
CAMPAIGN_2018_RUBRICS = ("key_supervision_matters_2018", "key_risk_points_2018")


def campaign_presets() -> tuple[str, ...]:
    """The names of the shipped campaign rubric presets."""
    folder = resources.files("foodsafety.presets").joinpath("campaign")
    return tuple(
        sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))
    )


@functools.lru_cache(maxsize=32)
def campaign_rubric(name: str, *, as_of: dt.date | None = None) -> Rubric:
    """Load a shipped campaign rubric by name (``"key_risk_points_2018"``...).

    Rubrics are immutable records, so each is read once and then shared.

    Raises:
        RuleError: no campaign preset has that name (the message lists them).
    """
    names = campaign_presets()
    if name not in names:
        raise RuleError(
            f"no campaign preset named {name!r}; presets: {', '.join(names)}",
            code="rule.unknown_preset",
            field="name",
            value=name,
        )
    resource = resources.files("foodsafety.presets").joinpath("campaign", f"{name}.yaml")
    return load_rubric(
        f"foodsafety/presets/campaign/{name}.yaml", text=resource.read_text("utf-8"), as_of=as_of
    )


def resolve_rubric(name: str, *, base: Path | None = None) -> Rubric:
    """A rubric named by a campaign: a campaign preset, an assessment preset or a file.

    Raises:
        RuleError: it is none of these (the message lists the presets).
    """
    if name in campaign_presets():
        return campaign_rubric(name)
    path = Path(name)
    if base is not None and not path.is_absolute():
        path = base / path
    if path.suffix in (".yaml", ".yml", ".json") and path.exists():
        return load_rubric(path)
    try:
        rule = assessment_load(name)
    except RuleError:
        raise RuleError(
            f"rubric {name!r} is neither a campaign preset ({', '.join(campaign_presets())}), "
            "an assessment preset nor an existing .yaml/.json file",
            code="campaign.unknown_rubric",
            field="rubric",
            value=name,
        ) from None
    if not isinstance(rule, Rubric):
        raise RuleError(
            f"preset {name!r} is a {type(rule).__name__}, not a rubric",
            code="campaign.unknown_rubric",
            field="rubric",
            value=name,
        )
    return rule
