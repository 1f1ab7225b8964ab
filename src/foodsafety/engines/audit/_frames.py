"""The columns of a finding, and the small polars and numpy helpers the checks share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

from foodsafety._lazy import np, pl

if TYPE_CHECKING:
    from foodsafety.vocab import Term

__all__ = [
    "DENSE_LIMIT",
    "FAR",
    "FINDING_SCHEMA",
    "SLICE",
    "area",
    "days",
    "disjoint",
    "division_names",
    "flags",
    "no_findings",
    "np",
    "pl",
    "polars_dtype",
    "prefix",
    "zh",
]

#: The columns of :attr:`AuditResult.frame` (polars dtype names as in the ledger schema).
FINDING_SCHEMA: Final[dict[str, str]] = {
    "kind": "Utf8",
    "severity": "Utf8",
    "key": "Utf8",
    "uscc": "Utf8",
    "cadre_id": "Utf8",
    "assignment_id": "Utf8",
    "visit_id": "Utf8",
    "document": "Utf8",
    "period_start": "Date",
    "jurisdiction": "Utf8",
    "level": "Utf8",
    "detail": "Utf8",
    "message_zh": "Utf8",
    "message_en": "Utf8",
    "rule": "Utf8",
    "clause": "Utf8",
    "effective": "Date",
}

#: An open end date (an assignment without ``valid_to``), for comparisons.
FAR: Final = dt.date(9999, 12, 31)
#: Largest (pairs x periods) key space counted with a dense bincount (8 bytes per key).
DENSE_LIMIT: Final = 50_000_000
#: Rows of a large table (visits, routine records) worked on at a time: bounds the memory of
#: the checks' temporaries.
SLICE: Final = 1_000_000


def polars_dtype(name: str) -> Any:
    """The polars dtype of a schema dtype name."""
    return {"Utf8": pl.Utf8, "Date": pl.Date, "Boolean": pl.Boolean, "Int64": pl.Int64}[name]


def no_findings() -> pl.DataFrame:
    """An empty frame of findings."""
    frame: pl.DataFrame = pl.DataFrame(
        schema={c: polars_dtype(t) for c, t in FINDING_SCHEMA.items()}
    )
    return frame


def days(day: dt.date) -> int:
    """Days since 1970-01-01 (polars' physical Date)."""
    return (day - dt.date(1970, 1, 1)).days


def flags(codes: pl.Series, n: int) -> Any:
    """A numpy boolean per row ``0..n-1``, true at the rows ``codes`` names (nulls ignored)."""
    out = np.zeros(n, dtype=bool)
    ids = codes.drop_nulls().to_numpy()
    out[ids[(ids >= 0) & (ids < n)]] = True
    return out


def zh(col: pl.Expr, term: type[Term]) -> pl.Expr:
    """The zh-Hans label of a column of vocabulary codes (unknown codes kept as they are)."""
    out: pl.Expr = col.replace_strict(
        {m.code: m.zh for m in term}, default=col, return_dtype=pl.Utf8
    )
    return out


def area(col: pl.Expr, by: str) -> pl.Expr:
    """The city, county or township code of a column of division codes."""
    if by == "city":
        out: pl.Expr = col.str.slice(0, 4) + pl.lit("00")
        return out
    if by == "county":
        return col.str.slice(0, 6)
    return col.str.slice(0, 9)


def prefix(col: pl.Expr) -> pl.Expr:
    """The significant prefix of a division code: what its descendants' codes start with."""
    n = col.str.len_chars()
    length = (
        pl.when((n == 6) & col.str.ends_with("0000"))
        .then(2)
        .when((n == 6) & col.str.ends_with("00"))
        .then(4)
        .when(n == 6)
        .then(6)
        .when((n == 12) & col.str.ends_with("000"))
        .then(9)
        .otherwise(n)
    )
    return col.str.slice(0, length)


def disjoint(one: pl.Expr, other: pl.Expr) -> pl.Expr:
    """True where two division codes lie in different areas at the coarser of their levels.

    Neither is an ancestor-or-self of the other: their significant prefixes (:func:`prefix`)
    differ within the shorter one (a township 110105001 and its village 110105001201 agree;
    the township 110105002 and that village do not). Null when either code is null.
    """
    a, b = prefix(one), prefix(other)
    n = pl.min_horizontal(a.str.len_chars(), b.str.len_chars())
    return a.str.slice(0, n) != b.str.slice(0, n)


def short_of_visits(
    cells: pl.DataFrame, visits: pl.DataFrame, on: list[str], key: list[str], need: int
) -> pl.DataFrame:
    """The ``cells`` (rows with ``start``/``end`` dates) with fewer than ``need`` visits.

    A visit counts for a cell when it matches the cell on ``on`` and its ``date`` falls in
    ``[start, end)``; ``key`` identifies a cell. The cells come back with a ``visits`` count.
    """
    counted = (
        cells.select(*dict.fromkeys([*on, *key, "start", "end"]))
        .join(visits.select(*on, "date"), on=on)
        .filter((pl.col("date") >= pl.col("start")) & (pl.col("date") < pl.col("end")))
        .group_by(key)
        .agg(pl.len().alias("visits"))
    )
    return (
        cells.join(counted, on=key, how="left")
        .with_columns(pl.col("visits").fill_null(0))
        .filter(pl.col("visits") < need)
    )


def division_names(codes: Iterable[str | None]) -> dict[str, str]:
    """The registry's name of each division code (codes it does not list are left out)."""
    try:
        from foodsafety.registry import registry

        reg = registry()
    except Exception:  # pragma: no cover - registry data missing: names are optional
        return {}
    out: dict[str, str] = {}
    for code in codes:
        div = reg.find(code) if code else None
        if code and div is not None:
            out[code] = div.name
    return out
