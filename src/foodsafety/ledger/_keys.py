"""One index of a table's keys (USCCs, cadre ids), shared by the loader and the audit.

:class:`KeyIndex` holds a table's keys by their 64-bit hashes in a
:class:`~foodsafety.ledger._hashindex.HashIndex` and answers the two questions bulk work asks:
*which row* holds each of millions of values (:meth:`KeyIndex.rows`, the audit's integer
codes), and *which values are not keys* (:meth:`KeyIndex.absent`, the loader's reference
checks). Every candidate the hash gives is compared with the key's string, so both answers
are exact; keys that repeat a hash, repeat themselves or hold a null send the lookup to a
polars join on the strings.

Measured at 10⁶ keys and 4·10⁶ values (``bench/key_index.py``), the hash lookup takes a
fraction of a polars left join's time; the figures are in the benchmark's output and in
``docs/architecture.md``.
"""

from __future__ import annotations

from typing import Any

from foodsafety._lazy import np, pl
from foodsafety.ledger._hashindex import HashIndex

__all__ = ["HASH_SEED", "KeyIndex", "encode", "hash_values"]

#: The seed of the 64-bit hashes keys are indexed by (a fast path only: matches are verified).
HASH_SEED = 20221216


def hash_values(values: Any) -> Any:
    """The 64-bit hash of a series or expression that key lookups go through.

    Only a fast path: every match is verified against the strings, and keys sharing a hash
    send a lookup to a join on the strings (a test swaps in a hash with many collisions).
    """
    return values.hash(seed=HASH_SEED)


class KeyIndex:
    """The keys of a table (a polars string series), indexed once for many lookups.

    ``exact`` says the hash index serves: the keys hold no null and no two share a hash (so
    none repeats); otherwise lookups take a join on the strings, and the first row of a
    repeated key wins.
    """

    __slots__ = ("exact", "keys", "n", "table")

    def __init__(self, keys: pl.Series) -> None:
        self.keys = keys
        self.n = len(keys)
        self.table = HashIndex(hash_values(keys).to_numpy())
        self.exact = self.n > 0 and keys.null_count() == 0 and self.table.unique

    def rows(self, values: pl.Series) -> pl.Series:
        """The row of each of ``values`` among the keys (an Int64 series); null when absent."""
        if self.n == 0:
            return pl.Series(values.name, [None] * len(values), dtype=pl.Int64)
        if self.exact:
            cand = self.table.candidates(hash_values(values).to_numpy())
            i = pl.Series(np.maximum(cand, 0), dtype=pl.Int64)
            same = (self.keys.gather(i) == values).fill_null(False) & pl.Series(cand >= 0)
            return i.zip_with(same, pl.Series([None], dtype=pl.Int64)).rename(values.name)
        rows = (
            self.keys.to_frame("k")
            .with_row_index("i")
            .filter(pl.col("k").is_not_null())
            .unique("k", keep="first")
        )
        found = values.to_frame("k").join(rows, on="k", how="left", maintain_order="left")["i"]
        return found.cast(pl.Int64).rename(values.name)

    def absent(self, values: pl.Series) -> pl.Series:
        """True where a value is not null and not among the keys (exactly)."""
        if values.len() == 0:
            return pl.Series(values.name, [], dtype=pl.Boolean)
        if not self.exact:
            pool = self.keys.drop_nulls()
            return values.is_not_null() & ~values.is_in(pool.implode()).fill_null(False)
        # each distinct value once when they repeat (a business's USCC is on each of its
        # records)
        head = values.head(4096)
        if head.n_unique() * 2 > head.len():
            return (values.is_not_null() & self.rows(values).is_null()).rename(values.name)
        probe = values.drop_nulls().unique()
        gone = probe.filter(self.rows(probe).is_null())
        if gone.len() == 0:
            return pl.repeat(False, values.len(), dtype=pl.Boolean, eager=True)
        return values.is_in(gone.implode()).fill_null(False)


def encode(values: pl.Series, keys: KeyIndex) -> pl.Series:
    """:meth:`KeyIndex.rows`, with a code for each value not among the keys (nulls stay null).

    Values not among the keys get codes from ``keys.n`` upward, one per distinct value in
    sorted order, so that equal values keep equal codes.
    """
    code = keys.rows(values)
    unknown = values.filter(code.is_null() & values.is_not_null())
    if unknown.len():
        extra = unknown.unique().sort().to_frame("k").with_row_index("x")
        fill = values.to_frame("k").join(extra, on="k", how="left", maintain_order="left")["x"]
        code = code.fill_null(fill.cast(pl.Int64) + keys.n)
    return code.rename(values.name)
