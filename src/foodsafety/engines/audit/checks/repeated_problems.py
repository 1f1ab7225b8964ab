"""``repeated_problems``: a business whose visits found problems n times in a row (屡查屡犯).

Turned on by ``checks.repeated_problems`` (``consecutive``, default 3). The business's visits
in the window ``[since, as_of)``, in order of date (then visit id), are cut into runs of
visits that each found problems; each run of at least ``consecutive`` visits is one finding,
keyed by the visit that reached the count, naming the visits of the run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from foodsafety.engines.audit._check import FindingKind, shipped_check
from foodsafety.engines.audit._frames import pl
from foodsafety.rules.audit_checks import RepeatedProblems
from foodsafety.vocab import Severity

if TYPE_CHECKING:
    from foodsafety.engines.audit._context import AuditContext


def _streaks(ctx: AuditContext, n: int) -> pl.DataFrame:
    """Runs of at least ``n`` visits with problems: uscc, first date, the n-th visit, ids."""
    v = (
        ctx.visits.filter(
            pl.col("uscc").is_not_null() & pl.col("date").is_between(ctx.since, ctx.as_of, "left")
        )
        .select("visit_id", "date", "uscc", (pl.col("problems").list.len() > 0).alias("found"))
        .sort("uscc", "date", "visit_id", nulls_last=True)
    )
    out: pl.DataFrame = (
        v.with_columns(pl.struct("uscc", "found").rle_id().alias("run"))
        .filter("found")
        .group_by("run", maintain_order=True)
        .agg(
            pl.col("uscc").first(),
            pl.col("date").first().alias("period_start"),
            pl.col("date").last().alias("last"),
            pl.col("visit_id").slice(n - 1, 1).first().alias("visit_id"),
            pl.col("visit_id").alias("visits"),
            pl.len().alias("length"),
        )
        .filter(pl.col("length") >= n)
    )
    return out


@shipped_check(
    "repeated_problems",
    kinds={
        "repeated_problems": FindingKind(
            Severity.MAJOR, "屡查屡犯", "problems found in consecutive visits"
        )
    },
    clause="checks.repeated_problems",
    params=RepeatedProblems,
    optional=True,
)
def repeated_problems(ctx: AuditContext, params: RepeatedProblems) -> pl.DataFrame:
    """Runs of ``consecutive`` or more visits of one business, each with problems found."""
    n = params.consecutive
    runs = _streaks(ctx, n).join(
        ctx.businesses.select("uscc", "name", "jurisdiction", pl.col("want").alias("level")),
        on="uscc",
        how="left",
    )
    out: pl.DataFrame = runs.select(
        pl.format("{}@{}", "uscc", "visit_id").alias("key"),
        "uscc",
        "visit_id",
        "period_start",
        "jurisdiction",
        "level",
        pl.format(
            "{} visits in a row with problems from {} to {}: {}",
            "length",
            "period_start",
            "last",
            pl.col("visits").list.join(", "),
        ).alias("detail"),
        pl.format(
            "{}（{}）自{}起连续{}次督导发现问题，应升级处理",
            "name",
            "uscc",
            "period_start",
            "length",
        ).alias("message_zh"),
        pl.format(
            "business {} had problems found in {} visits in a row from {}",
            "uscc",
            "length",
            "period_start",
        ).alias("message_en"),
    )
    return out
