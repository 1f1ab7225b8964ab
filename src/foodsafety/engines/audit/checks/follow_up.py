"""``problem_without_follow_up``: problems found on a visit get a follow-up visit (回头看).

Clause ``follow_up_days``: a visit before ``as_of - follow_up_days`` that found problems has
a visit naming it in ``follow_up_of`` within that many days, on or before ``as_of``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from foodsafety.engines.audit._check import FindingKind, shipped_check
from foodsafety.engines.audit._frames import flags, pl
from foodsafety.ledger._keys import KeyIndex
from foodsafety.vocab import Severity

if TYPE_CHECKING:
    from foodsafety.engines.audit._context import AuditContext


def _without_follow_up(problem: pl.DataFrame, fu: pl.DataFrame, days: int) -> pl.DataFrame:
    """The problem visits no follow-up in ``fu`` names within ``days`` days."""
    pv = KeyIndex(problem["visit_id"])
    if pv.exact:
        # each follow-up's problem visit by row code (hash lookup verified against the ids)
        code = pv.rows(fu["follow_up_of"])
        hit = code.is_not_null()
        pi = code.filter(hit)
        in_time = fu["date"].filter(hit) <= problem["date"].gather(pi) + dt.timedelta(days=days)
        return problem.filter(pl.Series(~flags(pi.filter(in_time), problem.height)))
    follow = (
        fu.select(pl.col("follow_up_of").alias("visit_id"), pl.col("date").alias("fu_date"))
        .join(problem.select("visit_id", "date"), on="visit_id")
        .filter(pl.col("fu_date") <= pl.col("date") + pl.duration(days=days))
        .select("visit_id")
        .unique()
    )
    return problem.join(follow, on="visit_id", how="anti")


@shipped_check(
    "problem_without_follow_up",
    kinds={
        "problem_without_follow_up": FindingKind(
            Severity.MAJOR, "问题未回头看", "problem without follow-up"
        )
    },
    clause="follow_up_days",
    when=lambda policy: policy.follow_up_days is not None,
    concurrent=True,
)
def problem_without_follow_up(ctx: AuditContext, params: Any) -> pl.DataFrame:
    """Problems found, no follow-up visit within ``follow_up_days``, and those days have passed."""
    days = ctx.policy.follow_up_days
    assert days is not None
    v = ctx.visits
    # select before filtering: the filter then copies four columns, not the problem lists
    problem = v.select("visit_id", "date", "uscc", "cadre_id").filter(
        (v["problems"].list.len() > 0) & (v["date"] < ctx.as_of - dt.timedelta(days=days))
    )
    fu = v.select("follow_up_of", "date").filter(
        pl.col("follow_up_of").is_not_null() & (pl.col("date") <= pl.lit(ctx.as_of, dtype=pl.Date))
    )
    no_fu = _without_follow_up(problem, fu, days)
    # few rows: look up only their businesses and cadres (a left join would hash all of b)
    b, c = ctx.businesses, ctx.cadres
    no_fu = no_fu.join(
        b.select("uscc", "jurisdiction").filter(pl.col("uscc").is_in(no_fu["uscc"].implode())),
        on="uscc",
        how="left",
    ).join(
        c.select("cadre_id", "level").filter(pl.col("cadre_id").is_in(no_fu["cadre_id"].implode())),
        on="cadre_id",
        how="left",
    )
    out: pl.DataFrame = no_fu.select(
        pl.col("visit_id").alias("key"),
        "uscc",
        "cadre_id",
        "visit_id",
        "jurisdiction",
        "level",
        pl.format("visit {}, follow up by {} days", "date", pl.lit(days)).alias("detail"),
        pl.format("{}督导{}发现的问题{}日内未回头看", "date", "uscc", pl.lit(days)).alias(
            "message_zh"
        ),
        pl.format(
            "problems found at {} on {} have no follow-up within {} days",
            "uscc",
            "date",
            pl.lit(days),
        ).alias("message_en"),
    )
    return out
