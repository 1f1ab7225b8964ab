"""``repair_overdue``: a business whose status changed is re-paired within N working days (动态调整).

Clause ``repair.working_days``. Working days come from the policy's ``calendar``: the
statutory holidays and make-up working days (调休), plus the policy's local days off. A
change on a day off counts from the working day before it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from foodsafety.engines.audit._check import FindingKind, shipped_check
from foodsafety.engines.audit._frames import days, np, pl
from foodsafety.vocab import Severity

if TYPE_CHECKING:
    from foodsafety.engines.audit._context import AuditContext
    from foodsafety.rules.calendar import WorkCalendar


def working_day_deadlines(changed: pl.Series, n: int, calendar: WorkCalendar) -> pl.Series:
    """The day ``n`` working days after each date (a Date series; nulls stay null)."""
    if changed.drop_nulls().len() == 0:
        return pl.Series(changed.name, [None] * changed.len(), dtype=pl.Date)
    first, last = changed.min(), changed.max()
    assert isinstance(first, dt.date) and isinstance(last, dt.date)
    lo = first - dt.timedelta(days=31)
    hi = last + dt.timedelta(days=2 * n + 60)
    work = np.asarray(calendar.workday_flags(lo, hi), dtype=np.int64)
    done = np.cumsum(work)  # working days on or before each day of the span
    at = changed.to_physical().fill_null(days(lo)).to_numpy().astype(np.int64) - days(lo)
    target = done[at] + n  # rolled back to the last working day on or before, then n on
    deadline = np.searchsorted(done, target, side="left") + days(lo)
    out = pl.Series(changed.name, deadline.astype(np.int32)).cast(pl.Date)
    return out.zip_with(changed.is_not_null(), pl.Series([None], dtype=pl.Date))


def changed_businesses(ctx: AuditContext) -> pl.DataFrame:
    """The open businesses whose status changed, with their re-pairing ``deadline``.

    Empty when the policy has no ``repair`` rule. Shared with ``unpaired``: a running
    re-pairing window excuses an unpaired business.
    """

    def make() -> pl.DataFrame:
        repair = ctx.policy.repair
        b = ctx.businesses
        changed = b.filter(
            pl.Series(ctx.open_mask),
            pl.col("status_changed").is_not_null(),
            pl.lit(repair is not None),
        )
        n = repair.working_days if repair else 0
        deadline = working_day_deadlines(changed["status_changed"], n, ctx.policy.calendar)
        return changed.with_columns(deadline.alias("deadline"))

    out: pl.DataFrame = ctx.cached("repair.changed", make)
    return out


@shipped_check(
    "repair_overdue",
    kinds={"repair_overdue": FindingKind(Severity.MAJOR, "调整包保逾期", "re-pairing overdue")},
    clause="repair.working_days",
    when=lambda policy: policy.repair is not None,
)
def repair_overdue(ctx: AuditContext, params: Any) -> pl.DataFrame:
    """Status changed, and no assignment started within the deadline, which has passed."""
    repair = ctx.policy.repair
    assert repair is not None
    changed = changed_businesses(ctx)
    repaired_in_time = (
        changed.select("bi", "status_changed", "deadline")
        .join(ctx.assignments.select("bi", "valid_from"), on="bi")
        .filter(
            (pl.col("valid_from") >= pl.col("status_changed"))
            & (pl.col("valid_from") <= pl.col("deadline"))
        )
        .select("bi")
        .unique()
    )
    late = changed.filter(pl.col("deadline") < pl.lit(ctx.as_of, dtype=pl.Date)).join(
        repaired_in_time, on="bi", how="anti"
    )
    out: pl.DataFrame = late.select(
        pl.col("uscc").alias("key"),
        "uscc",
        "jurisdiction",
        pl.col("want").alias("level"),
        pl.format(
            "status changed {}, re-pair by {} ({} working days)",
            "status_changed",
            "deadline",
            pl.lit(repair.working_days),
        ).alias("detail"),
        pl.format(
            "{}（{}）{}状态变更后未在{}前重新包保", "name", "uscc", "status_changed", "deadline"
        ).alias("message_zh"),
        pl.format(
            "business {} changed status on {} and was not re-paired by {}",
            "uscc",
            "status_changed",
            "deadline",
        ).alias("message_en"),
    )
    return out
