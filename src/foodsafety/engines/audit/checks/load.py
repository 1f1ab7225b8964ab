"""``cadre_overloaded``: a cadre pairs more businesses than the level's cap (包保数量上限).

Clause ``load_cap.<level>``; counts the assignments in force on open businesses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from foodsafety.engines.audit._check import FindingKind, shipped_check
from foodsafety.engines.audit._frames import pl
from foodsafety.vocab import Severity

if TYPE_CHECKING:
    from foodsafety.engines.audit._context import AuditContext


@shipped_check(
    "cadre_overloaded",
    kinds={
        "cadre_overloaded": FindingKind(Severity.MINOR, "包保数量超限", "cadre above the load cap")
    },
    clause="load_cap",
    when=lambda policy: bool(policy.load_cap),
    scope="cadres",  # a province cadre's load spans cities: a dataset audit sums it first
)
def cadre_overloaded(ctx: AuditContext, params: Any) -> pl.DataFrame:
    """More businesses in force than ``load_cap`` of the cadre's level."""
    caps = {level.code: cap for level, cap in ctx.policy.load_cap.items()}
    load = ctx.cadre_loads()
    loads = (
        ctx.cadres.select("cadre_id", "level", "jurisdiction")
        .with_columns(pl.Series("load", load, dtype=pl.Int64))
        .filter(pl.col("load") > 0)
        .with_columns(
            pl.col("level").replace_strict(caps, default=None, return_dtype=pl.Int64).alias("cap")
        )
        .filter(pl.col("cap").is_not_null() & (pl.col("load") > pl.col("cap")))
    )
    out: pl.DataFrame = loads.select(
        pl.col("cadre_id").alias("key"),
        "cadre_id",
        "jurisdiction",
        "level",
        pl.format("load {} > cap {}", "load", "cap").alias("detail"),
        pl.format("干部{}包保{}户，超过上限{}户", "cadre_id", "load", "cap").alias("message_zh"),
        pl.format(
            "cadre {} pairs {} businesses, above the cap of {}", "cadre_id", "load", "cap"
        ).alias("message_en"),
        pl.format("load_cap.{}", "level").alias("clause"),
    )
    return out
