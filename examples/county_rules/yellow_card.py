"""A county's own audit rule (自定义核查规则): a yellow card for cadres who leave businesses unvisited.

A county adds to the city's pairing rules a yellow-card warning (黄牌警告): a cadre who has
left more than ``max_unvisited`` of the businesses they pair without a single visit in the
last ``within_days`` days before the audit day gets a yellow card. The rule is written here as a check, registered with
``audit_check``, turned on and given its parameter in ``county_2023.yaml`` (``checks:``), and
tested with hypothesis in ``test_yellow_card.py``. The county's policy also turns on two
checks shipped with the library: dated progress targets (进度节点) and visits before the
Spring Festival (节前督导).

Run: ``python examples/county_rules/yellow_card.py`` (synthetic data: the Anyang sample).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pydantic

from foodsafety.engines.audit import AuditContext, FindingKind, audit, audit_check
from foodsafety.rules import load_pairing_policy
from foodsafety.vocab import Severity

HERE = Path(__file__).resolve().parent


class YellowCard(pydantic.BaseModel):
    """The parameters of the county's rule (checked when the audit runs)."""

    model_config = pydantic.ConfigDict(extra="forbid")

    max_unvisited: int = pydantic.Field(ge=0)
    """Businesses a cadre may leave unvisited before a yellow card."""
    within_days: int = pydantic.Field(default=90, ge=1, le=366)
    """The days before the audit day a visit must fall in."""


@audit_check(
    "county_yellow_card",
    kinds={"yellow_card": FindingKind(Severity.MINOR, "黄牌警告", "yellow card")},
    params=YellowCard,
)
def yellow_card(ctx: AuditContext, params: YellowCard) -> pl.DataFrame:
    """Cadres with more than ``max_unvisited`` paired businesses not visited lately."""
    start = ctx.as_of - dt.timedelta(days=params.within_days)
    in_window = pl.col("date").is_between(start, ctx.as_of, closed="left")
    visited = ctx.visits.filter(in_window).select("uscc", "cadre_id").unique()
    current = ctx.assignments[ctx.current]  # in force on open businesses on the audit day
    unvisited = (
        current.join(visited, on=["uscc", "cadre_id"], how="anti")
        .group_by("cadre_id")
        .agg(pl.len().alias("unvisited"))
        .filter(pl.col("unvisited") > params.max_unvisited)
        .join(ctx.cadres.select("cadre_id", "level", "jurisdiction"), on="cadre_id", how="left")
    )
    return unvisited.select(
        pl.col("cadre_id").alias("key"),
        "cadre_id",
        "jurisdiction",
        "level",
        pl.format(
            "{} paired businesses not visited in {} days", "unvisited", pl.lit(params.within_days)
        ).alias("detail"),
        pl.format(
            "干部{}有{}户包保主体{}日内未督导，予以黄牌警告",
            "cadre_id",
            "unvisited",
            pl.lit(params.within_days),
        ).alias("message_zh"),
        pl.format("cadre {} left {} paired businesses unvisited", "cadre_id", "unvisited").alias(
            "message_en"
        ),
    )


def main() -> None:
    from foodsafety.samples import anyang

    sample = anyang(seed=0, scale=0.2)
    policy = load_pairing_policy(HERE / "county_2023.yaml")
    result = audit(sample.tables, policy, sample.as_of)
    print(f"SYNTHETIC sample, policy {policy.name}, as of {result.as_of}")
    print("checks run:", ", ".join(result.checks))
    counts = result.counts()
    for kind in ("yellow_card", "milestone_missed", "holiday_visit_missing", "visit_overdue"):
        print(f"{kind:<24} {counts[kind]:>6}")
    cards = result.frame.filter(kind="yellow_card").head(3)
    for row in cards.iter_rows(named=True):
        print(" ", row["message_zh"])


if __name__ == "__main__":
    main()
