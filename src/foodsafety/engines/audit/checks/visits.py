"""``visit_overdue``: each cadre visits each paired business in every period of its cadence (督导).

Clause ``cadence.<level>``: a closed period of the cadre level's cadence inside the window,
fully covered by the assignment (and the business open through it), with fewer visits by
that cadre than ``min_visits``.

Visits are counted per (business, cadre) pair and period with integer keys and a bincount
(a sparse count when the key space is large); strings are gathered only for the few cells
short of visits.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import attrs

from foodsafety.engines.audit._check import FindingKind, shipped_check
from foodsafety.engines.audit._codes import pair_codes
from foodsafety.engines.audit._frames import DENSE_LIMIT, days, no_findings, np, pl
from foodsafety.vocab import Level, Severity

if TYPE_CHECKING:
    from foodsafety.engines.audit._context import AuditContext

_LEVELS = [x.code for x in Level]


def cadence_periods(ctx: AuditContext) -> pl.DataFrame:
    """The closed periods of each level's cadence inside the window, one row each.

    Columns ``pid`` (row number, by start), ``level``, ``period_start``, ``period_end``,
    ``min_visits``. Empty when the policy sets no cadence.
    """

    def make() -> pl.DataFrame:
        rows: list[tuple[str, Any, Any, int]] = []
        for level in Level:
            cadence = ctx.policy.cadence_for(level)
            if cadence is None:
                continue  # the policy sets no cadence for the level: its visits are not checked
            for lo, hi in itertools.pairwise(cadence.period_starts(ctx.since, ctx.as_of)):
                if lo >= ctx.since and hi <= ctx.as_of:
                    rows.append((level.code, lo, hi, cadence.min_visits))
        frame = pl.DataFrame(
            rows,
            schema={
                "level": pl.Utf8,
                "period_start": pl.Date,
                "period_end": pl.Date,
                "min_visits": pl.Int64,
            },
            orient="row",
        ).sort("period_start")
        return frame.with_row_index("pid").with_columns(pl.col("pid").cast(pl.Int64))

    out: pl.DataFrame = ctx.cached("cadence.periods", make)
    return out


@attrs.frozen
class _Pairs:
    """The (business, cadre) pairs of the assignments whose business and cadre are known."""

    frame: pl.DataFrame  # pair, bi, ci, lv (the cadre level's index in _LEVELS)
    first: Any  # each pair's first assignment (a row of ``assignments``)


def _pairs(ctx: AuditContext) -> _Pairs:
    """One integer id per pair, found on one integer per pair (no string hashing).

    The pairs are kept as row numbers of the assignments (copies of their strings cost
    100 MB).
    """
    n_b, n_c, a = ctx.n_businesses, ctx.n_cadres, ctx.assignments
    bi, ci = a["bi"].fill_null(n_b).to_numpy(), a["ci"].fill_null(n_c).to_numpy()
    known = np.flatnonzero((bi < n_b) & (ci < n_c))
    first = known[pl.Series(bi[known] * n_c + ci[known]).arg_unique().to_numpy()]
    pairs = pl.DataFrame({"bi": bi[first], "ci": ci[first]})
    lv = (
        ctx.cadres["level"]
        .gather(pairs["ci"])
        .replace_strict(_LEVELS, list(range(len(_LEVELS))), default=None)
        .cast(pl.Int8)
        .alias("lv")
    )
    pairs = (
        pairs.with_columns(lv).with_row_index("pair").with_columns(pl.col("pair").cast(pl.Int64))
    )
    return _Pairs(frame=pairs, first=first)


def _visit_levels(ctx: AuditContext, pairs: _Pairs) -> tuple[Any, Any, Any]:
    """Each visit's pair, day (days since 1970) and its pair's level index.

    The level is -1 for a visit of no pair or outside the window (a mask, not filtered
    copies of the 4 million codes and days).
    """
    v = ctx.visits
    v_pair = pair_codes(v, ctx.assignments, pairs.first)
    v_days = v["date"].to_physical().fill_null(days(ctx.as_of)).to_numpy()
    # a -1 sentinel after the pairs' levels: no pair (and no assignment at all) reads it
    levels = np.append(pairs.frame["lv"].fill_null(-1).to_numpy(), -1)
    v_lv = levels[np.where(v_pair >= 0, v_pair, len(levels) - 1)]
    v_lv[(v_pair < 0) | (v_days >= days(ctx.as_of)) | (v_days < days(ctx.since))] = -1
    return v_pair, v_days, v_lv


def _count_short(keys: Any, m: int, n_lv: int, need: Any) -> tuple[Any, Any]:
    """The (pair rank × periods + period) cells with fewer keys than ``need``, and their counts."""
    if m * n_lv <= DENSE_LIMIT:
        # visits per (pair, period): a bincount over the level's dense key space
        counts = np.bincount(keys, minlength=m * n_lv)
        bad = np.flatnonzero(counts.reshape(m, n_lv) < need)
        return bad, counts[bad]
    # sparse: only the pairs short of visits in some period get their cells listed
    uk, uc = np.unique(keys, return_counts=True)
    met = uk[uc >= need[uk % n_lv]]
    full = np.bincount(met // n_lv, minlength=m)
    cand = np.flatnonzero(full < n_lv)
    cells = (cand[:, None] * n_lv + np.arange(n_lv)).ravel()
    bad = cells[~np.isin(cells, met)]
    pos = np.minimum(np.searchsorted(uk, bad), max(len(uk) - 1, 0))
    got = np.where(uk[pos] == bad, uc[pos], 0) if len(uk) else np.zeros(len(bad))
    return bad, got


def _short_cells(
    ctx: AuditContext,
    lv: pl.DataFrame,
    gpair: Any,
    rank: Any,
    visits: tuple[Any, Any, Any],
    code: int,
) -> pl.DataFrame:
    """The (pair, period) cells of one level short of visits: ``pair``, ``pid``, ``visits``."""
    v_pair, v_days, v_lv = visits
    since = days(ctx.since)
    n_lv, m = lv.height, len(gpair)
    # each visit's period, from a table of the window's days (-1: in no closed period)
    period_of = np.full(days(ctx.as_of) - since, -1, dtype=np.int32)
    for j, (p0, p1) in enumerate(
        zip(lv["period_start"].cast(pl.Int32), lv["period_end"].cast(pl.Int32), strict=True)
    ):
        period_of[p0 - since : p1 - since] = j
    # each of the level's visits' (pair, period) key, in place and in 32 bits where the key
    # space allows: the temporaries of millions of visits are the visit check's peak of memory
    mine = v_lv == code
    day = v_days[mine]
    day -= since
    i = period_of[day]
    del day
    keys = rank[v_pair[mine]]
    if m * n_lv >= 2**31:
        keys = keys.astype(np.int64)
    del mine
    keys *= n_lv
    keys += i
    keys = keys[i >= 0]
    del i
    bad, got = _count_short(keys, m, n_lv, lv["min_visits"].to_numpy())
    return pl.DataFrame(
        {"pair": gpair[bad // n_lv], "pid": lv["pid"].to_numpy()[bad % n_lv], "visits": got},
        schema={"pair": pl.Int64, "pid": pl.Int64, "visits": pl.Int64},
    )


def _short(ctx: AuditContext, periods: pl.DataFrame, pairs: _Pairs) -> pl.DataFrame:
    """Every level's (pair, period) cells short of visits."""
    visits = _visit_levels(ctx, pairs)
    rank = np.zeros(pairs.frame.height, dtype=np.int32)  # each pair's rank in its level
    parts = [pl.DataFrame(schema={"pair": pl.Int64, "pid": pl.Int64, "visits": pl.Int64})]
    for (code,), lv_pairs in pairs.frame.partition_by("lv", as_dict=True).items():
        if code is None:
            continue
        lv = periods.filter(pl.col("level") == _LEVELS[code])  # sorted by period_start
        if lv.height == 0:
            continue
        gpair = lv_pairs["pair"].to_numpy()  # this level's pairs, ranked 0..m-1
        rank[gpair] = np.arange(len(gpair))
        parts.append(_short_cells(ctx, lv, gpair, rank, visits, code))
    return pl.concat(parts)


def _overdue(ctx: AuditContext, short: pl.DataFrame, pairs: _Pairs, periods: pl.DataFrame) -> Any:
    """The few short cells against the assignments covering them, open businesses only."""
    ai = ctx.assignments.with_row_index("ai")
    over = (
        short.join(pairs.frame.select("pair", "bi", "ci"), on="pair")
        .join(ai.select("ai", "bi", "ci", "valid_from", "valid_to"), on=["bi", "ci"])
        .join(periods.select("pid", "period_start", "period_end", "min_visits"), on="pid")
        .join(ctx.businesses.select("bi", "opened", "closed", "jurisdiction"), on="bi")
        .filter(
            (pl.col("valid_from") <= pl.col("period_start"))
            & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= pl.col("period_end")))
            & (pl.col("opened").is_null() | (pl.col("opened") <= pl.col("period_start")))
            & (pl.col("closed").is_null() | (pl.col("closed") > pl.lit(ctx.as_of)))
        )
        .join(ai.select("ai", "assignment_id", "uscc", "cadre_id"), on="ai")
    )
    return over.with_columns(ctx.cadres["level"].gather(over["ci"]))


@shipped_check(
    "visit_overdue",
    kinds={"visit_overdue": FindingKind(Severity.MAJOR, "督导逾期", "visit overdue")},
    clause="cadence",
    when=lambda policy: policy.cadence is not None,
    concurrent=True,
)
def visit_overdue(ctx: AuditContext, params: Any) -> pl.DataFrame:
    """Closed periods, fully covered by the assignment, with fewer visits than ``min_visits``."""
    periods = cadence_periods(ctx)
    if periods.height == 0:
        return no_findings()
    pairs = _pairs(ctx)
    over = _overdue(ctx, _short(ctx, periods, pairs), pairs, periods)
    ctx.mark("overdue", over["bi"])
    out: pl.DataFrame = over.select(
        pl.format("{}@{}", "assignment_id", "period_start").alias("key"),
        "uscc",
        "cadre_id",
        "assignment_id",
        "period_start",
        "jurisdiction",
        "level",
        pl.format(
            "{} visit(s) in [{}, {}), {} required",
            "visits",
            "period_start",
            "period_end",
            "min_visits",
        ).alias("detail"),
        pl.format(
            "干部{}在{}至{}期间未按要求督导{}", "cadre_id", "period_start", "period_end", "uscc"
        ).alias("message_zh"),
        pl.format(
            "cadre {} did not visit business {} in the period {} to {}",
            "cadre_id",
            "uscc",
            "period_start",
            "period_end",
        ).alias("message_en"),
        pl.format("cadence.{}", "level").alias("clause"),
    )
    return out
