"""``director_missing`` / ``officer_missing``: 食品安全总监、食品安全员 (clause ``staffing``).

Each runs only when the policy asks for it (``staffing.director: true``,
``staffing.min_officers: n``), for the open businesses of ``staffing.kinds`` (every kind when
empty).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from foodsafety.engines.audit._check import FindingKind, shipped_check
from foodsafety.engines.audit._frames import pl
from foodsafety.vocab import Severity

if TYPE_CHECKING:
    from foodsafety.engines.audit._context import AuditContext


def _staffed(ctx: AuditContext) -> pl.Series:
    """The open businesses the staffing rule applies to (a boolean series over the rows)."""
    staff = ctx.policy.staffing
    staffed = pl.Series(ctx.open_mask)
    if staff is not None and staff.kinds:
        staffed &= ctx.businesses["kind"].is_in([k.code for k in staff.kinds])
    return staffed


@shipped_check(
    "director_missing",
    kinds={
        "director_missing": FindingKind(
            Severity.MAJOR, "未配备食品安全总监", "no food safety director"
        )
    },
    clause="staffing.director",
    when=lambda policy: policy.staffing is not None and policy.staffing.director,
)
def director_missing(ctx: AuditContext, params: Any) -> pl.DataFrame:
    """An open business without a food safety director."""
    no_dir = ctx.businesses.filter(
        _staffed(ctx),
        pl.col("director").is_null() | (pl.col("director").str.strip_chars() == ""),
    )
    out: pl.DataFrame = no_dir.select(
        pl.col("uscc").alias("key"),
        "uscc",
        "jurisdiction",
        pl.col("want").alias("level"),
        pl.format("{}（{}）未配备食品安全总监", "name", "uscc").alias("message_zh"),
        pl.format("business {} has no food safety director", "uscc").alias("message_en"),
    )
    return out


@shipped_check(
    "officer_missing",
    kinds={
        "officer_missing": FindingKind(Severity.MAJOR, "未配备食品安全员", "no food safety officer")
    },
    clause="staffing.min_officers",
    when=lambda policy: policy.staffing is not None and policy.staffing.min_officers > 0,
)
def officer_missing(ctx: AuditContext, params: Any) -> pl.DataFrame:
    """An open business with fewer food safety officers than ``min_officers``."""
    staff = ctx.policy.staffing
    assert staff is not None
    b = ctx.businesses
    n_officers = (
        b.select(
            pl.col("officers")
            .list.eval(pl.element().filter(pl.element().str.strip_chars() != ""))
            .list.len()
            .fill_null(0)
        )
        .to_series()
        .rechunk()
    )
    short = (_staffed(ctx) & (n_officers < staff.min_officers)).rechunk()
    # only the short rows' columns: filtering the frame before formatting keeps the strings
    # the format reads in one chunk (a chunked string view made polars 2.1 panic in format)
    no_off = b.select("uscc", "name", "jurisdiction", "want").filter(short).rechunk()
    no_off = no_off.with_columns(n_officers.filter(short).alias("n_officers"))
    out: pl.DataFrame = no_off.select(
        pl.col("uscc").alias("key"),
        "uscc",
        "jurisdiction",
        pl.col("want").alias("level"),
        pl.format("{} officer(s), {} required", "n_officers", pl.lit(staff.min_officers)).alias(
            "detail"
        ),
        pl.format("{}（{}）食品安全员配备不足", "name", "uscc").alias("message_zh"),
        pl.format(
            "business {} has fewer food safety officers than {}",
            "uscc",
            pl.lit(staff.min_officers),
        ).alias("message_en"),
    )
    return out
