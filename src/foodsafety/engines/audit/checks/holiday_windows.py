"""``holiday_visit_missing``: visits required in the days before statutory holidays (节前督导).

Turned on by ``checks.holiday_windows``. For each named holiday whose first day off falls in
the audit window (from the policy's calendar: the State Council's notice, by way of
``chinesecalendar``), the window is the ``days_before`` days up to that day. Each assignment
that covers the whole window, on a business open through it (of ``tiers``, when given), needs
``min_visits`` visits by its cadre inside the window, once the window has closed.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from foodsafety.engines.audit._check import FindingKind, shipped_check
from foodsafety.engines.audit._frames import no_findings, pl, short_of_visits
from foodsafety.rules.audit_checks import HolidayWindows
from foodsafety.vocab import Severity

if TYPE_CHECKING:
    from foodsafety.engines.audit._context import AuditContext


def _windows(ctx: AuditContext, params: HolidayWindows) -> pl.DataFrame:
    """One row per holiday window inside ``[since, as_of]``: holiday, start, end (exclusive)."""
    wanted = set(params.holidays)
    rows = []
    for period in ctx.policy.calendar.holidays(ctx.since, ctx.as_of + dt.timedelta(days=1)):
        start = period.first - dt.timedelta(days=params.days_before)
        if period.holiday in wanted and start >= ctx.since and period.first <= ctx.as_of:
            rows.append((period.holiday.code, period.holiday.zh, start, period.first))
    return pl.DataFrame(
        rows,
        schema={"holiday": pl.Utf8, "holiday_zh": pl.Utf8, "start": pl.Date, "end": pl.Date},
        orient="row",
    )


def _covering(ctx: AuditContext, windows: pl.DataFrame, params: HolidayWindows) -> pl.DataFrame:
    """The assignments covering each window whole, on businesses open through it."""
    b = ctx.businesses.filter(pl.Series(ctx.open_mask))
    if params.tiers:
        b = b.filter(pl.col("tier").is_in([t.code for t in params.tiers]))
    return (
        ctx.assignments.select("assignment_id", "uscc", "cadre_id", "bi", "valid_from", "valid_to")
        .join(b.select("bi", "name", "jurisdiction", "opened", "want"), on="bi")
        .join(windows, how="cross")
        .filter(
            (pl.col("valid_from") <= pl.col("start"))
            & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= pl.col("end")))
            & (pl.col("opened").is_null() | (pl.col("opened") <= pl.col("start")))
        )
    )


@shipped_check(
    "holiday_windows",
    kinds={
        "holiday_visit_missing": FindingKind(
            Severity.MAJOR, "节前督导缺失", "no visit in the days before a holiday"
        )
    },
    clause="checks.holiday_windows",
    params=HolidayWindows,
    optional=True,
)
def holiday_windows(ctx: AuditContext, params: HolidayWindows) -> pl.DataFrame:
    """Assignments without ``min_visits`` visits by their cadre in a holiday's window."""
    windows = _windows(ctx, params)
    if windows.height == 0:
        return no_findings().select("key")
    lo, hi = windows["start"].min(), windows["end"].max()
    visits = ctx.visits.filter(pl.col("date").is_between(lo, hi, closed="left")).select(
        "uscc", "cadre_id", "date"
    )
    cover = _covering(ctx, windows, params)
    short = short_of_visits(
        cover, visits, ["uscc", "cadre_id"], ["assignment_id", "start"], params.min_visits
    )
    out: pl.DataFrame = short.select(
        pl.format("{}@{}", "assignment_id", "end").alias("key"),
        "uscc",
        "cadre_id",
        "assignment_id",
        pl.col("start").alias("period_start"),
        "jurisdiction",
        pl.col("want").alias("level"),
        pl.format(
            "{} visit(s) in [{}, {}) before {}, {} required",
            "visits",
            "start",
            "end",
            "holiday",
            pl.lit(params.min_visits),
        ).alias("detail"),
        pl.format(
            "干部{}未在{}前{}日内督导{}（{}）",
            "cadre_id",
            "holiday_zh",
            pl.lit(params.days_before),
            "name",
            "uscc",
        ).alias("message_zh"),
        pl.format(
            "cadre {} did not visit business {} in the {} days before {} ({})",
            "cadre_id",
            "uscc",
            pl.lit(params.days_before),
            "holiday",
            "end",
        ).alias("message_en"),
    )
    return out
