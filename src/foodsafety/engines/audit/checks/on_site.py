"""``on_site_visit_missing``: high-risk businesses visited on site (现场督导), not only remotely.

Turned on by ``checks.on_site_visits``. A business open and paired on ``as_of`` whose pairing
tier is among ``tiers`` or whose risk grade is among ``risk_grades`` needs ``min_visits``
visits of a mode in ``modes`` (on site, by default) in each closed period of ``per`` inside
the audit window (the whole window when ``per`` is not given) that it was open for. Visits by
video or phone do not count; a mode the vocabulary does not list counts only when ``modes``
names it.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from foodsafety.engines.audit._check import FindingKind, shipped_check
from foodsafety.engines.audit._frames import pl, short_of_visits
from foodsafety.rules.audit_checks import OnSiteVisits
from foodsafety.vocab import Severity

if TYPE_CHECKING:
    from foodsafety.engines.audit._context import AuditContext


def _periods(ctx: AuditContext, params: OnSiteVisits) -> pl.DataFrame:
    if params.per is None:
        rows = [(ctx.since, ctx.as_of)]
    else:
        starts = params.per.period_starts(ctx.since, ctx.as_of)
        rows = [
            (lo, hi) for lo, hi in itertools.pairwise(starts) if lo >= ctx.since and hi <= ctx.as_of
        ]
    return pl.DataFrame(rows, schema={"start": pl.Date, "end": pl.Date}, orient="row")


def _high_risk(ctx: AuditContext, params: OnSiteVisits) -> pl.DataFrame:
    chosen = pl.col("tier").is_in([t.code for t in params.tiers]) | pl.col("risk_grade").is_in(
        [g.code for g in params.risk_grades]
    )
    out: pl.DataFrame = ctx.businesses.filter(
        pl.Series(ctx.open_mask & ctx.paired_mask), chosen.fill_null(False)
    ).select("uscc", "name", "jurisdiction", "tier", "risk_grade", "opened", "want")
    return out


@shipped_check(
    "on_site_visits",
    kinds={
        "on_site_visit_missing": FindingKind(
            Severity.MAJOR, "高风险主体未现场督导", "high-risk business not visited on site"
        )
    },
    clause="checks.on_site_visits",
    params=OnSiteVisits,
    optional=True,
    columns={"businesses": ("risk_grade",), "visits": ("mode",)},
)
def on_site_visits(ctx: AuditContext, params: OnSiteVisits) -> pl.DataFrame:
    """Businesses of the given tiers or risk grades without on-site visits in a period."""
    periods = _periods(ctx, params)
    cells = (
        _high_risk(ctx, params)
        .join(periods, how="cross")
        .filter(pl.col("opened").is_null() | (pl.col("opened") <= pl.col("start")))
    )
    modes = [str(m) for m in params.modes]  # a Term's str() is its code
    on_site = ctx.visits.filter(
        pl.col("mode").is_in(modes), pl.col("date").is_between(ctx.since, ctx.as_of, "left")
    ).select("uscc", "date")
    short = short_of_visits(cells, on_site, ["uscc"], ["uscc", "start"], params.min_visits)
    why = pl.concat_str(
        pl.lit("tier "),
        pl.col("tier").fill_null("-"),
        pl.lit(", risk "),
        pl.col("risk_grade").fill_null("-"),
    )
    out: pl.DataFrame = short.select(
        pl.format("{}@{}", "uscc", "start").alias("key"),
        "uscc",
        pl.col("start").alias("period_start"),
        "jurisdiction",
        pl.col("want").alias("level"),
        pl.format(
            "{} on-site visit(s) in [{}, {}), {} required ({})",
            "visits",
            "start",
            "end",
            pl.lit(params.min_visits),
            why,
        ).alias("detail"),
        pl.format("{}（{}）在{}至{}期间未经现场督导", "name", "uscc", "start", "end").alias(
            "message_zh"
        ),
        pl.format(
            "high-risk business {} had no on-site visit between {} and {}", "uscc", "start", "end"
        ).alias("message_en"),
    )
    return out
