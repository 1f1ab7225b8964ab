"""Integer codes for the audit's bulk lookups: runs of equal values, and visits' pairs."""

from __future__ import annotations

from typing import Any

from foodsafety.engines.audit._frames import SLICE, np, pl
from foodsafety.ledger import _keys
from foodsafety.ledger._hashindex import HashIndex
from foodsafety.ledger._keys import KeyIndex


def runs(frame: pl.DataFrame, on: list[str]) -> tuple[pl.DataFrame, Any]:
    """The first row of each run of equal ``on`` values, and each row's run (numpy int32).

    Rows that come in runs (the routine records of one business) are then worked on once a
    run. When the first rows show no runs worth the detour (fewer than four rows a run), the
    frame itself is returned with ``None`` for the runs: every row is its own run.
    """
    head = frame.head(4096)
    if head.height and head.select(pl.struct(on).rle_id()).item(-1, 0) + 1 > head.height // 4:
        return frame, None
    heads = np.ones(frame.height, dtype=bool)
    if frame.height > 1:
        # each row against the one before it, as slices of the columns (a shifted copy of
        # 4 million strings would cost 70 MB a column)
        rest, before = frame.slice(1), frame.slice(0, frame.height - 1)
        changed = pl.any_horizontal(rest[col].ne_missing(before[col]) for col in on)
        heads[1:] = rest.select(changed).to_series().to_numpy()
    run = np.cumsum(heads, dtype=np.int32) - 1
    return frame.filter(pl.Series(heads)), run


def lookup_runs(values: pl.Series, keys: KeyIndex) -> pl.Series:
    """:meth:`KeyIndex.rows` of ``values`` that come in runs of equal values (one per run)."""
    heads, run = runs(values.to_frame(), [values.name])
    codes = keys.rows(heads.to_series())
    if run is None:
        return codes
    per_row = pl.Series(values.name, codes.fill_null(-1).to_numpy()[run])
    if codes.null_count() == 0:
        return per_row
    out: pl.Series = (
        per_row.to_frame()
        .select(pl.when(pl.col(values.name) >= 0).then(pl.col(values.name)))
        .to_series()
    )
    return out


def pair_codes(visits: pl.DataFrame, table: pl.DataFrame, rows: Any = None) -> Any:
    """The pair of each visit's (uscc, cadre_id), or -1 (a numpy int32 array).

    The pairs are the rows ``rows`` (a numpy array; default all) of ``table``, unique on
    (uscc, cadre_id); a visit's pair is its position in ``rows``. Each visit's candidate pair
    comes from a :class:`~foodsafety.ledger._hashindex.HashIndex` of one 64-bit hash of the
    two strings (no join: a hash join of 4 million visits against a million pairs cost half a
    second) and is verified against the pair's strings in ``table`` (no copy of them is made),
    so the lookup is exact (a null never matches, as in a join on the strings); when two pairs
    share a hash, a plain join on the strings is used.
    """
    if rows is None:
        rows = np.arange(table.height, dtype=np.int64)
    if len(rows) == 0:
        return np.full(visits.height, -1, dtype=np.int32)
    on = ["uscc", "cadre_id"]
    key = _keys.hash_values(pl.struct(on))  # by module: a test swaps the hash
    index = HashIndex(table.select(key).to_series().to_numpy()[rows])
    if not index.unique:  # two pairs of one hash: join on the strings
        pairs = table.select(on)[rows].with_columns(
            pl.int_range(pl.len(), dtype=pl.Int64).alias("i")
        )
        i = visits.select(on).join(pairs, on=on, how="left", maintain_order="left")["i"]
        return i.fill_null(-1).cast(pl.Int32).to_numpy()
    out = np.empty(visits.height, dtype=np.int32)
    # a slice at a time: the hashes, slots and gathered strings of all visits at once would
    # cost a few hundred megabytes
    for lo in range(0, visits.height, SLICE):
        part = visits.slice(lo, SLICE)
        cand = index.candidates(part.select(key).to_series().to_numpy())
        at = pl.Series(rows[np.maximum(cand, 0)])
        same = (table["uscc"].gather(at) == part["uscc"]) & (
            table["cadre_id"].gather(at) == part["cadre_id"]
        )
        cand[~same.fill_null(False).to_numpy()] = -1
        out[lo : lo + len(cand)] = cand
    return out
