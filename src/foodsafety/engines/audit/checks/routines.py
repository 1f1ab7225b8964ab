"""``routine_gap``: the three routines' records (日管控、周排查、月调度) kept for every period.

Clause ``routines.<routine>``: for each open business the ledger keeps routine records for,
and each routine the policy requires, fewer records than the closed days, weeks (starting on
a Monday) or months of its window ``[max(since, opened), min(as_of, closed))``.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import attrs

from foodsafety.engines.audit._check import FindingKind, shipped_check
from foodsafety.engines.audit._codes import runs
from foodsafety.engines.audit._frames import SLICE, days, no_findings, np, pl
from foodsafety.vocab import Routine, Severity

if TYPE_CHECKING:
    from foodsafety.engines.audit._context import AuditContext


@attrs.frozen
class _Records:
    """The routine records by run of one (business, routine), looked up once a run."""

    run: Any  # each record's run (None: every record its own run)
    head_bi: Any  # each run's business row (-1: not in the ledger)
    head_rc: Any  # each run's routine rank among the required (-1: not required)


@attrs.frozen
class _Span:
    """The audit window's days, with each day's month and whether it is a 1st."""

    lo: int
    hi: int
    month_of: Any
    month_start: Any


def _records(ctx: AuditContext, required: list[str]) -> _Records:
    heads, run = runs(ctx.routines, ["uscc", "routine"])
    head_bi = ctx.business_keys.rows(heads["uscc"]).fill_null(-1).to_numpy()
    head_rc = (
        heads["routine"]
        .replace_strict(required, list(range(len(required))), default=-1, return_dtype=pl.Int64)
        .fill_null(-1)
        .to_numpy()
    )
    return _Records(run=run, head_bi=head_bi, head_rc=head_rc)


def _windows(ctx: AuditContext, rec: _Records, required: list[str]) -> pl.DataFrame:
    """One row per tracked open business and required routine: its ``first``/``last`` period
    index (days; Mondays; months as year × 12 + month − 1) and the ``expected`` count."""
    n_b = ctx.n_businesses
    tracked = np.zeros(n_b, dtype=bool)
    tracked[rec.head_bi[(rec.head_bi >= 0) & (rec.head_bi < n_b)]] = True
    since_l, as_of_l = pl.lit(ctx.since, dtype=pl.Date), pl.lit(ctx.as_of, dtype=pl.Date)
    win = (
        ctx.businesses.filter(pl.Series(ctx.open_mask & tracked))
        .select(
            "bi",
            "uscc",
            "name",
            "jurisdiction",
            "want",
            pl.max_horizontal(since_l, pl.col("opened").fill_null(since_l)).alias("w0"),
            pl.min_horizontal(as_of_l, pl.col("closed").fill_null(as_of_l)).alias("w1"),
        )
        .join(pl.DataFrame({"routine": required, "rc": list(range(len(required)))}), how="cross")
    )
    w0, w1 = pl.col("w0"), pl.col("w1")
    w0_mon = w0 + pl.duration(days=(8 - w0.dt.weekday()) % 7)
    last_start = w1 - pl.duration(days=7)
    w1_mon = last_start - pl.duration(days=last_start.dt.weekday() - 1)
    w0_month = w0.dt.year() * 12 + w0.dt.month() - 1 + (w0.dt.day() != 1).cast(pl.Int32)
    w1_month = w1.dt.year() * 12 + w1.dt.month() - 2
    daily, weekly = (
        pl.col("routine") == Routine.DAILY.code,
        pl.col("routine") == Routine.WEEKLY.code,
    )
    return win.with_columns(
        pl.when(daily)
        .then(w0.cast(pl.Int64))
        .when(weekly)
        .then(w0_mon.cast(pl.Int64))
        .otherwise(w0_month.cast(pl.Int64))
        .alias("first"),
        pl.when(daily)
        .then(w1.cast(pl.Int64) - 1)
        .when(weekly)
        .then(w1_mon.cast(pl.Int64))
        .otherwise(w1_month.cast(pl.Int64))
        .alias("last"),
        pl.when(weekly).then(7).otherwise(1).alias("step"),
    ).with_columns(
        pl.when(pl.col("last") >= pl.col("first"))
        .then((pl.col("last") - pl.col("first")) // pl.col("step") + 1)
        .otherwise(0)
        .alias("expected")
    )


def _span(ctx: AuditContext) -> _Span:
    lo, hi = days(ctx.since), days(ctx.as_of)
    span = np.arange(lo, max(hi, lo + 1), dtype=np.int64)
    span_month = span.astype("datetime64[D]").astype("datetime64[M]")
    month_of = span_month.astype(np.int64) + 1970 * 12  # year * 12 + month - 1, as in _windows
    month_start = span_month.astype("datetime64[D]").astype(np.int64) == span
    return _Span(lo=lo, hi=hi, month_of=month_of, month_start=month_start)


def _day_bounds(win: pl.DataFrame) -> tuple[Any, Any]:
    """The first and last day a record of each window row may start on (numpy int64)."""
    first = win["first"].to_numpy().astype(np.int64)
    last = win["last"].to_numpy().astype(np.int64)
    monthly = (win["routine"] == Routine.MONTHLY.code).fill_null(False).to_numpy()

    def month_day(months: Any) -> Any:  # year * 12 + month - 1 -> days of the month's 1st
        return (months - 1970 * 12).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)

    return (
        np.where(monthly, month_day(np.where(monthly, first, 1970 * 12)), first),
        np.where(monthly, month_day(np.where(monthly, last, 1970 * 12)), last),
    )


def _kept_in_sorted_runs(
    run: Any,
    record_days: Any,
    head_w: Any,
    head_kind: Any,
    bounds: tuple[Any, Any],
    lo_day: int,
    month_start: Any,
) -> Any:
    """The periods kept per window row, when the records come sorted; else None.

    The common layout of a routine ledger (each business's records of one routine together,
    by date, none repeated) lets each run be counted by two binary searches for its window's
    first and last day, with running counts of the Mondays and the 1sts of a month for
    weekly and monthly records, instead of a pass over every record's period. ``run`` is each
    record's run, ``record_days`` its start (days since 1970), ``head_w`` each run's window
    row (-1: none), ``head_kind`` each run's routine (0 daily, 1 weekly, 2 monthly),
    ``bounds`` each window row's first and last day, ``month_start`` whether each day from
    ``lo_day`` on (the audit window, which every window lies in) is a 1st. None when a
    window row has two runs or a run's days do not strictly increase.
    """
    n_win = len(bounds[0])
    counted = np.flatnonzero(head_w >= 0)
    w = head_w[counted]
    if len(w) and int(np.bincount(w, minlength=n_win).max()) > 1:
        return None
    kept = np.zeros(n_win, dtype=np.int64)
    if not len(record_days):
        return kept
    d_min, d_max = int(record_days.min()), int(record_days.max())
    lo = np.maximum(bounds[0][w], d_min) - d_min  # each counted run's first and last day
    hi = np.minimum(bounds[1][w], d_max) - d_min
    kind = head_kind[counted]
    # a slice of about SLICE records at a time, cut where a run starts (the arrays of 4
    # million records at once would be the routine check's peak of memory)
    run_start = np.flatnonzero(np.concatenate(([True], run[1:] != run[:-1])))
    cuts = run_start[np.searchsorted(run_start, np.arange(0, len(run), SLICE))]
    for p0, p1 in itertools.pairwise([*np.unique(cuts).tolist(), len(run)]):
        r0, r1 = int(run[p0]), int(run[p1 - 1]) + 1
        # one increasing key per record of a run in order: (run, day)
        key = run[p0:p1].astype(np.int64)
        key -= r0
        key <<= 32
        key |= record_days[p0:p1] - d_min
        if not bool((key[1:] > key[:-1]).all()):
            return None
        # running counts: Mondays (1970-01-05 was one) and 1sts of a month (outside the
        # audit window a day's flag does not matter: no window reaches it)
        step = record_days[p0:p1] + 3
        step %= 7
        mondays = np.zeros(p1 - p0 + 1, dtype=np.int32)
        np.cumsum(step == 0, out=mondays[1:])
        step[:] = record_days[p0:p1]
        step -= lo_day
        np.clip(step, 0, len(month_start) - 1, out=step)
        firsts = np.zeros(p1 - p0 + 1, dtype=np.int32)
        np.cumsum(month_start[step], out=firsts[1:])
        del step
        here = slice(*np.searchsorted(counted, [r0, r1]).tolist())
        base = (counted[here].astype(np.int64) - r0) << 32
        at0 = np.searchsorted(key, base + lo[here], side="left")
        at1 = np.searchsorted(key, base + hi[here], side="right")
        n = np.where(
            kind[here] == 1,
            mondays[at1] - mondays[at0],
            np.where(kind[here] == 2, firsts[at1] - firsts[at0], at1 - at0),
        )
        kept[w[here]] = np.where(hi[here] >= lo[here], n, 0)
        del key, mondays, firsts
    return kept


def _kept_sorted(
    ctx: AuditContext, rec: _Records, win: pl.DataFrame, slot: Any, required: list[str], span: _Span
) -> Any:
    """:func:`_kept_in_sorted_runs` for the records (None when they do not come sorted)."""
    r = ctx.routines
    if rec.run is None or r["period_start"].null_count() != 0:
        return None
    nr = len(required)
    valid = (rec.head_bi >= 0) & (rec.head_bi < ctx.n_businesses) & (rec.head_rc >= 0)
    head_w = np.full(len(rec.head_bi), -1, dtype=np.int32)
    head_w[valid] = slot[rec.head_bi[valid] * nr + rec.head_rc[valid]]
    day_week = (Routine.DAILY.code, Routine.WEEKLY.code)
    kind_of = np.array([day_week.index(x) if x in day_week else 2 for x in required])
    return _kept_in_sorted_runs(
        rec.run,
        r["period_start"].to_physical().to_numpy(),  # days since 1970 (int32)
        head_w,
        kind_of[np.maximum(rec.head_rc, 0)],
        _day_bounds(win),
        span.lo,
        span.month_start,
    )


def _counted_records(
    ctx: AuditContext, rec: _Records, required: list[str], span: _Span
) -> tuple[Any, Any]:
    """Each counting record's (business × routines + routine) key and its period index.

    A daily record counts by its day, a weekly one when it starts on a Monday, a monthly one
    when it starts on the 1st, by its month; only records inside the window can count. In
    numpy, a slice at a time (the temporaries of 4 million records at once would be the
    audit's peak of memory).
    """
    r, n_b, nr = ctx.routines, ctx.n_businesses, len(required)
    daily, weekly, monthly = (
        required.index(x.code) if x.code in required else -1
        for x in (Routine.DAILY, Routine.WEEKLY, Routine.MONTHLY)
    )
    brc_parts, idx_parts = [], []
    for first_row in range(0, r.height, SLICE):
        rows = r.slice(first_row, SLICE)
        if rec.run is None:
            rb = rec.head_bi[first_row : first_row + rows.height]
            rc = rec.head_rc[first_row : first_row + rows.height]
        else:
            at = rec.run[first_row : first_row + rows.height]
            rb, rc = rec.head_bi[at], rec.head_rc[at]
        dated = rows["period_start"].is_not_null().to_numpy()
        day = rows["period_start"].cast(pl.Int32).fill_null(0).to_numpy().astype(np.int64)
        in_span = dated & (day >= span.lo) & (day < span.hi)
        k = np.where(in_span, day - span.lo, 0)
        counts_here = in_span & (
            (rc == daily)
            | ((rc == weekly) & ((day + 3) % 7 == 0))  # 1970-01-05 was a Monday
            | ((rc == monthly) & span.month_start[k])
        )
        ok = counts_here & (rc >= 0) & (rb >= 0) & (rb < n_b)
        brc_parts.append(rb[ok] * nr + rc[ok])
        idx_parts.append(np.where(rc == monthly, span.month_of[k], day)[ok].astype(np.int32))
    brc = np.concatenate(brc_parts) if brc_parts else np.zeros(0, dtype=np.int64)
    idx = np.concatenate(idx_parts) if idx_parts else np.zeros(0, dtype=np.int32)
    return brc, idx


def _distinct_per_row(wi: Any, idx: Any, n_win: int) -> Any:
    """The distinct period indexes per window row (no join, no group-by)."""
    kept = np.zeros(n_win, dtype=np.int64)
    if not len(idx):
        return kept
    first_idx = int(idx.min())
    width = int(idx.max()) - first_idx + 1
    key = wi.astype(np.int64) * width + (idx - first_idx)
    same_row = wi[1:] == wi[:-1]
    n_runs = len(wi) - int(same_row.sum())
    if n_runs == int((np.bincount(wi) > 0).sum()) and bool((np.diff(idx)[same_row] >= 0).all()):
        # the usual order: each row's records in one run, by period; duplicates adjacent
        key = key[np.concatenate(([True], key[1:] != key[:-1]))]
    else:
        key = pl.Series(key).unique().to_numpy()
    return np.bincount(key // width, minlength=n_win)


def _kept_record_by_record(
    ctx: AuditContext, rec: _Records, win: pl.DataFrame, slot: Any, required: list[str], span: _Span
) -> Any:
    """The periods kept per window row when records come out of order, repeated or undated."""
    brc, idx = _counted_records(ctx, rec, required, span)
    # each record's row of ``win``; 32-bit arrays, as the 4 million records are the audit's
    # peak of memory
    wi = slot[brc]
    del brc
    keep = wi >= 0
    wic = keep * wi
    keep &= idx >= win["first"].cast(pl.Int32).to_numpy()[wic]
    keep &= idx <= win["last"].cast(pl.Int32).to_numpy()[wic]
    del wic
    return _distinct_per_row(wi[keep], idx[keep], win.height)


@shipped_check(
    "routine_gap",
    kinds={
        "routine_gap": FindingKind(Severity.MINOR, "三项制度记录缺失", "gap in routine records")
    },
    clause="routines",
    when=lambda policy: policy.routines is not None and bool(policy.routines.required),
)
def routine_gap(ctx: AuditContext, params: Any) -> pl.DataFrame:
    """Fewer records than closed days, weeks or months, per business and routine."""
    assert ctx.policy.routines is not None
    required = [x.code for x in ctx.policy.routines.required]
    if ctx.routines.height == 0:
        return no_findings()
    rec = _records(ctx, required)
    win = _windows(ctx, rec, required)
    span = _span(ctx)
    # each (business, routine) row of ``win``, by a dense array over the codes
    slot = np.full(ctx.n_businesses * len(required), -1, dtype=np.int32)
    slot[(win["bi"] * len(required) + win["rc"]).to_numpy()] = np.arange(win.height, dtype=np.int32)
    kept = _kept_sorted(ctx, rec, win, slot, required, span)
    if kept is None:
        kept = _kept_record_by_record(ctx, rec, win, slot, required, span)
    del rec, slot
    short = kept < win["expected"].to_numpy()
    # rechunk: filtering the cross-joined frame directly made polars 2.1 panic in format
    gaps = (
        win.rechunk()
        .filter(pl.Series(short))
        .with_columns(pl.Series("kept", kept[short], dtype=pl.Int64))
    )
    out: pl.DataFrame = gaps.select(
        pl.format("{}/{}", "uscc", "routine").alias("key"),
        "uscc",
        "jurisdiction",
        pl.col("want").alias("level"),
        pl.format("{} of {} {} records", "kept", "expected", "routine").alias("detail"),
        pl.format(
            "{}（{}）{}记录缺失：应有{}份，实有{}份",
            "name",
            "uscc",
            pl.col("routine").replace_strict({x.code: x.zh for x in Routine}, return_dtype=pl.Utf8),
            "expected",
            "kept",
        ).alias("message_zh"),
        pl.format(
            "business {} keeps {} of {} {} records", "uscc", "kept", "expected", "routine"
        ).alias("message_en"),
        pl.format("routines.{}", "routine").alias("clause"),
    )
    return out
