"""Pairing itself (分层分级、层级对应、属地): ``unpaired``, ``tier_level_mismatch``,
``cadre_outside_jurisdiction``.

These follow from ``tier_levels`` and the ledger, so every policy runs them. They look at the
assignments in force on ``as_of`` on open businesses (:attr:`AuditContext.current`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from foodsafety.engines.audit._check import FindingKind, shipped_check
from foodsafety.engines.audit._frames import disjoint, flags, np, pl, prefix, zh
from foodsafety.engines.audit.checks.repair import changed_businesses
from foodsafety.vocab import Level, Severity

if TYPE_CHECKING:
    from foodsafety.engines.audit._context import AuditContext


@shipped_check(
    "unpaired",
    kinds={"unpaired": FindingKind(Severity.CRITICAL, "未落实包保", "business without a cadre")},
    clause="tier_levels",
)
def unpaired(ctx: AuditContext, params: Any) -> pl.DataFrame:
    """An open business with no assignment in force, outside a running re-pairing window."""
    changed = changed_businesses(ctx)
    excused = flags(
        changed.filter(pl.col("deadline") >= pl.lit(ctx.as_of, dtype=pl.Date))["bi"],
        ctx.n_businesses,
    )
    rows = ctx.businesses.filter(pl.Series(ctx.open_mask & ~ctx.paired_mask & ~excused))
    out: pl.DataFrame = rows.select(
        pl.col("uscc").alias("key"),
        "uscc",
        "jurisdiction",
        pl.col("want").alias("level"),
        pl.format("{}（{}）无包保干部", "name", "uscc").alias("message_zh"),
        pl.format(
            "business {} has no pairing cadre on {}", "uscc", pl.lit(ctx.as_of, dtype=pl.Date)
        ).alias("message_en"),
    )
    return out


@shipped_check(
    "tier_level_mismatch",
    kinds={"tier_level_mismatch": FindingKind(Severity.MAJOR, "层级不对应", "tier/level mismatch")},
    clause="tier_levels",
)
def tier_level_mismatch(ctx: AuditContext, params: Any) -> pl.DataFrame:
    """The cadre's level is not the policy's level for the business's tier (层级对应)."""
    # the actual level as a small integer: a level the policy wants gets its rank among those,
    # any other level -3, a null level -2 (compares as unknown: no finding)
    targets = ctx.wanted_levels
    level_rank = np.append(
        ctx.cadres["level"]
        .replace_strict(targets, list(range(len(targets))), default=-3, return_dtype=pl.Int8)
        .fill_null(-2)
        .to_numpy(),
        np.int8(-2),  # the row code of a cadre not in the ledger
    )
    want_at, level_at = ctx.want_rank[ctx.current_bi], level_rank[ctx.current_ci]
    mism = ctx.reported(ctx.current[(want_at >= 0) & (level_at != -2) & (level_at != want_at)])
    ctx.mark("mismatched", mism["bi"])
    out: pl.DataFrame = mism.select(
        pl.col("assignment_id").alias("key"),
        "uscc",
        "cadre_id",
        "assignment_id",
        "jurisdiction",
        pl.col("want").alias("level"),
        pl.format("tier {} wants {}, cadre is {}", "tier", "want", "level").alias("detail"),
        pl.format(
            "{}级主体{}由{}级干部{}包保，应为{}级干部",
            "tier",
            "uscc",
            zh(pl.col("level"), Level),
            "cadre_id",
            zh(pl.col("want"), Level),
        ).alias("message_zh"),
        pl.format(
            "tier {} business {} is paired by {}-level cadre {}, policy wants {}",
            "tier",
            "uscc",
            "level",
            "cadre_id",
            "want",
        ).alias("message_en"),
        pl.format("tier_levels.{}", "tier").alias("clause"),
    )
    return out


@shipped_check(
    "cadre_outside_jurisdiction",
    kinds={
        "cadre_outside_jurisdiction": FindingKind(
            Severity.MAJOR, "跨辖区包保", "cadre outside the business's jurisdiction"
        )
    },
    clause="tier_levels",
)
def cadre_outside_jurisdiction(ctx: AuditContext, params: Any) -> pl.DataFrame:
    """The cadre's and the business's jurisdictions differ at the coarser of their levels.

    Ledgers code places as coarsely as they know them (a village cadre under the township's
    code, a business at its township), so neither code may be the other's ancestor-or-self.
    A business whose code starts with the cadre's prefix agrees at every level: that test,
    one pass over the pairs, leaves the few candidates to compare truncated to the shorter
    prefix.
    """
    known_c = ctx.current_ci < ctx.n_cadres
    ci_or_0 = pl.Series(np.where(known_c, ctx.current_ci, 0))
    cadre_prefix = ctx.cadres.select(prefix(pl.col("jurisdiction"))).to_series()
    away = (
        pl.select(
            cadre_prefix.gather(ci_or_0).is_not_null()
            & ~ctx.businesses["jurisdiction"]
            .gather(pl.Series(ctx.current_bi))
            .str.starts_with(cadre_prefix.gather(ci_or_0))  # type: ignore[arg-type]  # a Series works
        )
        .to_series()
        .fill_null(False)
        .to_numpy()
    )
    outside = ctx.reported(ctx.current[away & known_c])
    outside = outside.filter(disjoint(pl.col("cadre_juris"), pl.col("jurisdiction")))
    out: pl.DataFrame = outside.select(
        pl.col("assignment_id").alias("key"),
        "uscc",
        "cadre_id",
        "assignment_id",
        "jurisdiction",
        "level",
        pl.format("cadre in {}, business in {}", "cadre_juris", "jurisdiction").alias("detail"),
        pl.format(
            "干部{}（{}）包保辖区外主体{}（{}）", "cadre_id", "cadre_juris", "uscc", "jurisdiction"
        ).alias("message_zh"),
        pl.format(
            "cadre {} of {} pairs business {} in {}, outside the cadre's jurisdiction",
            "cadre_id",
            "cadre_juris",
            "uscc",
            "jurisdiction",
        ).alias("message_en"),
    )
    return out
