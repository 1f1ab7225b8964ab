"""``pledge_missing`` / ``list_missing``: 三清单一承诺 held by their due date.

Clause ``documents.<document>``: each cadre of a rule's levels, active on its due date and
still active on ``as_of``, holds the document signed by ``as_of`` once the due date has passed.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from foodsafety.engines.audit._check import FindingKind, shipped_check
from foodsafety.engines.audit._codes import lookup_runs
from foodsafety.engines.audit._frames import days, flags, no_findings, np, pl, zh
from foodsafety.vocab import Level, PairingList, Severity

if TYPE_CHECKING:
    from foodsafety.engines.audit._context import AuditContext


def _signed(ctx: AuditContext, docs: list[str]) -> Any:
    """A flag per (cadre row, document rank): signed by ``as_of``.

    Pledges of cadres not in the ledger (codes from ``n_cadres`` up) cannot settle what a
    ledger cadre owes.
    """
    p = ctx.pledges
    doc_key = pl.col("document").replace_strict(
        docs, list(range(len(docs))), default=None, return_dtype=pl.Int64
    )
    signed = (
        p.select(
            (lookup_runs(p["cadre_id"], ctx.cadre_keys) * len(docs) + doc_key).alias("cd"),
            "signed",
        )
        .filter(
            pl.col("signed").is_not_null() & (pl.col("signed") <= pl.lit(ctx.as_of, dtype=pl.Date))
        )
        .get_column("cd")
    )
    return flags(signed, ctx.n_cadres * len(docs))


def _owed(ctx: AuditContext, due_rows: list[tuple[str, str, dt.date]]) -> pl.DataFrame:
    """The cadres that owe a document, one due row (level, document, date) at a time.

    Masks over the cadres, not a join of the cadres with the due rows (that copied every
    cadre's columns once per document: 150 MB at 300,000 cadres).
    """
    c, n_c = ctx.cadres, ctx.n_cadres
    docs = sorted({x[1] for x in due_rows})
    signed = _signed(ctx, docs)
    active = (
        c.select(pl.col("active_to").is_null() | (pl.col("active_to") > ctx.as_of))
        .to_series()
        .to_numpy()
    )
    levels = sorted({x[0] for x in due_rows})
    c_level = (
        c["level"]
        .replace_strict(levels, list(range(len(levels))), default=-1, return_dtype=pl.Int8)
        .fill_null(-1)
        .to_numpy()
    )
    c_from = c["active_from"].to_physical().fill_null(np.iinfo(np.int32).min).to_numpy()
    owed_rows, owed_due = [], []
    for k, (level_code, doc, due_day) in enumerate(due_rows):
        owes = (
            active
            & (c_level == levels.index(level_code))
            & (c_from <= days(due_day))
            & ~signed[np.arange(n_c) * len(docs) + docs.index(doc)]
        )
        owed_rows.append(np.flatnonzero(owes))
        owed_due.append(np.full(len(owed_rows[-1]), k))
    at = np.concatenate(owed_rows)
    due_at = pl.Series(np.concatenate(owed_due))
    return c[at].with_columns(
        pl.Series([x[1] for x in due_rows], dtype=pl.Utf8).gather(due_at).alias("document"),
        pl.Series([x[2] for x in due_rows], dtype=pl.Date).gather(due_at).alias("due"),
    )


@shipped_check(
    "documents",
    kinds={
        "pledge_missing": FindingKind(Severity.MAJOR, "承诺书未签", "pledge missing"),
        "list_missing": FindingKind(Severity.MINOR, "清单缺失", "list missing"),
    },
    clause="documents",
    when=lambda policy: bool(policy.documents),
)
def documents(ctx: AuditContext, params: Any) -> pl.DataFrame:
    """No signed document by ``as_of``, and its due date has passed."""

    due_rows = [
        (lv.code, rule.document.code, rule.due)
        for rule in ctx.policy.documents
        if rule.due < ctx.as_of
        for lv in rule.levels
    ]
    if not due_rows:
        return no_findings()
    owed = _owed(ctx, due_rows)
    is_pledge = pl.col("document") == PairingList.PLEDGE.code
    out: pl.DataFrame = owed.select(
        pl.when(is_pledge)
        .then(pl.lit("pledge_missing"))
        .otherwise(pl.lit("list_missing"))
        .alias("kind"),
        pl.format("{}/{}", "cadre_id", "document").alias("key"),
        "cadre_id",
        "document",
        "jurisdiction",
        "level",
        pl.format("due {}", "due").alias("detail"),
        pl.format(
            "{}级干部{}的{}逾期未签（应于{}前）",
            zh(pl.col("level"), Level),
            "cadre_id",
            zh(pl.col("document"), PairingList),
            "due",
        ).alias("message_zh"),
        pl.format("cadre {} has no signed {} (due {})", "cadre_id", "document", "due").alias(
            "message_en"
        ),
        pl.format("documents.{}", "document").alias("clause"),
    )
    return out
