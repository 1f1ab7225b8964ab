"""``assignment_overlap`` / ``assignment_gap``: who paired a business, without overlaps or gaps.

Sorted by start, an assignment that starts before every earlier one has ended overlaps; one
that starts after they have all ended leaves a gap (断档). Clause ``assignments.history``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from foodsafety.engines.audit._check import FindingKind, shipped_check
from foodsafety.engines.audit._frames import FAR, np, pl
from foodsafety.vocab import Severity

if TYPE_CHECKING:
    from foodsafety.engines.audit._context import AuditContext

_MESSAGES = {
    "assignment_overlap": (
        "{}（{}）包保期间重叠：{}起，前一包保至{}",
        "assignment {} of business {} starts {} before the earlier one ends {}",
    ),
    "assignment_gap": (
        "{}（{}）包保断档：{}起才重新包保，前一包保止于{}",
        "assignment {} of business {} starts {} after a gap since {}",
    ),
}


def _with_previous_end(hist: pl.DataFrame) -> pl.DataFrame:
    """The rows after a business's first, with ``prev_end``: the latest end before them.

    One running maximum over (business, end) keys, as rows come sorted by business (a
    window over groups cost more).
    """
    group = hist["bi"].fill_null(-1).to_numpy() + 1
    ends = hist["end"].cast(pl.Int32).to_numpy().astype(np.int64)
    if not len(ends):
        return hist.with_columns(pl.lit(None, dtype=pl.Date).alias("prev_end"))
    low = int(ends.min())
    span = int(ends.max()) - low + 1
    running = np.maximum.accumulate(group * span + (ends - low))
    prev_end = np.zeros(len(ends), dtype=np.int64)
    prev_end[1:] = running[:-1] - group[1:] * span + low
    follows = np.zeros(len(ends), dtype=bool)
    follows[1:] = group[1:] == group[:-1]
    return hist.with_columns(pl.Series("prev_end", prev_end).cast(pl.Int32).cast(pl.Date)).filter(
        pl.Series(follows)
    )


def _history(ctx: AuditContext) -> pl.DataFrame:
    """Each started assignment of a business with several, after its first, with ``prev_end``."""
    started = ctx.assignments.filter(pl.col("valid_from") <= pl.lit(ctx.as_of, dtype=pl.Date))
    # most businesses have one assignment: keep those with several (a bincount by code)
    sb = started["bi"]
    per_b = np.bincount(sb.drop_nulls().to_numpy(), minlength=1)
    several = np.where(sb.is_null().to_numpy(), sb.null_count() > 1, per_b[sb.fill_null(0)] > 1)
    hist = (
        started.filter(pl.Series(several, dtype=pl.Boolean))
        .with_columns(pl.col("valid_to").fill_null(pl.lit(FAR, dtype=pl.Date)).alias("end"))
        .sort("bi", "valid_from", "end", "assignment_id")
    )
    hist = _with_previous_end(hist)
    # a small frame: the business's columns by row code (a left join would hash all of b)
    b = ctx.businesses
    known_bi = hist.select(pl.when(pl.col("bi") < b.height).then(pl.col("bi"))).to_series()
    return hist.with_columns(b["jurisdiction"].gather(known_bi), b["name"].gather(known_bi))


@shipped_check(
    "assignment_history",
    kinds={
        "assignment_overlap": FindingKind(
            Severity.MINOR, "包保期间重叠", "overlapping assignments"
        ),
        "assignment_gap": FindingKind(Severity.MINOR, "包保期间断档", "gap between assignments"),
    },
    clause="assignments.history",
)
def assignment_history(ctx: AuditContext, params: Any) -> pl.DataFrame:
    """Overlaps and gaps between consecutive assignments of a business."""
    hist = _history(ctx)
    kind = (
        pl.when(pl.col("valid_from") < pl.col("prev_end"))
        .then(pl.lit("assignment_overlap"))
        .when(pl.col("valid_from") > pl.col("prev_end"))
        .then(pl.lit("assignment_gap"))
    )
    parts = []
    for name, (msg_zh, msg_en) in _MESSAGES.items():
        rows = hist.filter(kind == name)
        parts.append(
            rows.select(
                pl.lit(name).alias("kind"),
                pl.col("assignment_id").alias("key"),
                "uscc",
                "cadre_id",
                "assignment_id",
                "jurisdiction",
                pl.format("from {}, previous until {}", "valid_from", "prev_end").alias("detail"),
                pl.format(msg_zh, "name", "uscc", "valid_from", "prev_end").alias("message_zh"),
                pl.format(msg_en, "assignment_id", "uscc", "valid_from", "prev_end").alias(
                    "message_en"
                ),
            )
        )
    out: pl.DataFrame = pl.concat(parts)
    return out
