"""``milestone_missed``: dated progress targets per jurisdiction (进度节点), e.g. 80 % by 11-09.

Turned on by ``checks.coverage_milestones``. For each target whose day has passed (``due``
before ``as_of``) and each jurisdiction (``by``: city, county or township), the share of the
businesses open on ``due`` (of ``tiers``, when given) that were ``paired`` (an assignment in
force on ``due``) or ``visited`` (a visit by one of their pairing cadres from ``start``
through ``due``). A share below the target is a finding that says where, by how much, and how
many businesses short.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

from foodsafety.engines.audit._check import FindingKind, shipped_check
from foodsafety.engines.audit._frames import area, division_names, no_findings, pl
from foodsafety.rules.audit_checks import CoverageMilestones, MilestoneTarget
from foodsafety.vocab import Severity

if TYPE_CHECKING:
    from foodsafety.engines.audit._context import AuditContext


def _open_on(ctx: AuditContext, day: dt.date, params: CoverageMilestones) -> pl.DataFrame:
    """``bi`` and ``area`` of the businesses open on ``day`` (of the tiers, when given)."""
    b = ctx.businesses
    keep = (pl.col("opened").is_null() | (pl.col("opened") <= day)) & (
        pl.col("closed").is_null() | (pl.col("closed") > day)
    )
    if params.tiers:
        keep &= pl.col("tier").is_in([t.code for t in params.tiers])
    return b.filter(keep).select("bi", area(pl.col("jurisdiction"), params.by).alias("area"))


def _paired_on(ctx: AuditContext, day: dt.date) -> pl.Series:
    """The row codes of the businesses with an assignment in force on ``day``."""
    a = ctx.assignments
    out: pl.Series = a.filter(
        (pl.col("valid_from") <= day) & (pl.col("valid_to").is_null() | (pl.col("valid_to") > day))
    )["bi"].unique()
    return out


def _visited_by(ctx: AuditContext, start: dt.date, day: dt.date) -> pl.Series:
    """The row codes of the businesses visited from ``start`` through ``day`` by a cadre
    that paired them (the visit's business and cadre are an assignment's)."""
    v = ctx.visits.filter(pl.col("date").is_between(start, day)).select("uscc", "cadre_id")
    pairs = ctx.assignments.select("uscc", "cadre_id", "bi")
    out: pl.Series = v.join(pairs, on=["uscc", "cadre_id"]).get_column("bi").unique()
    return out


def _shares(ctx: AuditContext, target: MilestoneTarget, params: CoverageMilestones) -> Any:
    start = params.start or ctx.since
    done = (
        _paired_on(ctx, target.due)
        if target.measure == "paired"
        else _visited_by(ctx, start, target.due)
    )
    return (
        _open_on(ctx, target.due, params)
        .with_columns(pl.col("bi").is_in(done.implode()).alias("done"))
        .group_by("area")
        .agg(pl.len().alias("businesses"), pl.col("done").sum().alias("reached"))
        .with_columns((pl.col("reached") / pl.col("businesses")).alias("share"))
        .filter(pl.col("share") < target.share)
        .sort("area")
    )


_MEASURE_ZH = {"paired": "包保落实率", "visited": "督导覆盖率"}


@shipped_check(
    "coverage_milestones",
    kinds={
        "milestone_missed": FindingKind(
            Severity.MAJOR, "进度节点未达标", "coverage milestone missed"
        )
    },
    clause="checks.coverage_milestones",
    params=CoverageMilestones,
    optional=True,
)
def coverage_milestones(ctx: AuditContext, params: CoverageMilestones) -> pl.DataFrame:
    """Jurisdictions below a dated target share of paired or visited businesses."""
    rows: list[dict[str, Any]] = []
    for target in sorted(params.targets, key=lambda t: (t.due, t.measure)):
        if target.due >= ctx.as_of:
            continue  # not yet due: the day has not ended by the audit date
        missed = _shares(ctx, target, params)
        names = division_names(missed["area"].to_list())
        for row in missed.iter_rows(named=True):
            short = math.ceil(target.share * row["businesses"] - 1e-9) - row["reached"]
            where = names.get(row["area"], "")
            share, goal = f"{row['share']:.1%}", f"{target.share:.0%}"
            rows.append(
                {
                    "key": f"{row['area']}/{target.measure}@{target.due}",
                    "jurisdiction": row["area"],
                    "level": params.by,
                    "period_start": target.due,
                    "detail": (
                        f"{share} {target.measure} by {target.due} (target {goal}): "
                        f"{row['reached']} of {row['businesses']}, {short} short"
                    ),
                    "message_zh": (
                        f"{where}（{row['area']}）截至{target.due}{_MEASURE_ZH[target.measure]}"
                        f"{share}，低于目标{goal}，差{short}户"
                    ),
                    "message_en": (
                        f"{row['area']} {where}: {share} of businesses {target.measure} by "
                        f"{target.due}, below the target of {goal} ({short} short)"
                    ).replace("  ", " "),
                }
            )
    if not rows:
        return no_findings().select("key", "jurisdiction", "level", "period_start")
    out: pl.DataFrame = pl.DataFrame(
        rows,
        schema={
            "key": pl.Utf8,
            "jurisdiction": pl.Utf8,
            "level": pl.Utf8,
            "period_start": pl.Date,
            "detail": pl.Utf8,
            "message_zh": pl.Utf8,
            "message_en": pl.Utf8,
        },
    )
    return out
