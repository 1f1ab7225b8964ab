"""Benchmark: one key index for the loader and the audit, against polars joins, at 10^6 keys.

The loader asks which of a table's USCCs are not among the businesses' (``absent``); the audit
asks which row holds each value (``rows``, its integer codes). Measured on 10^6 USCC-like keys
and 4·10^6 values (each key four times, shuffled, as visits name businesses), each way three
times (the median is shown):

- ``KeyIndex`` (``foodsafety.ledger._keys``: a direct-address table over 64-bit hashes,
  verified against the strings), the one index both use;
- the loader's former index (sorted hashes and binary search, ``_SortedKeys`` below);
- polars: ``is_in`` for ``absent``, a left join with ``maintain_order`` for ``rows``.

Usage: ``python bench/key_index.py [--keys 1000000] [--values 4000000]``
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl

from foodsafety.ledger._keys import KeyIndex


class _SortedKeys:
    """The loader's former index: the keys' sorted hashes, looked up by binary search."""

    def __init__(self, targets: pl.Series) -> None:
        self.pool = targets
        values = targets.hash(seed=20221216).to_numpy()
        self.order = np.argsort(values, kind="stable")
        self.hashes = values[self.order]

    def absent(self, values: pl.Series) -> pl.Series:
        probe = values.drop_nulls().unique()
        hashed = probe.hash(seed=20221216).to_numpy()
        order = np.argsort(hashed)
        at = np.empty(len(hashed), dtype=np.int64)
        at[order] = np.searchsorted(self.hashes, hashed[order])
        np.minimum(at, len(self.hashes) - 1, out=at)
        found = pl.Series(self.hashes[at] == hashed)
        same = found & (self.pool.gather(pl.Series(self.order[at])) == probe).fill_null(False)
        gone = probe.filter(~same)
        return values.is_in(gone.implode()).fill_null(False)


def _time(fn: Callable[[], Any]) -> float:
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--values", type=int, default=4_000_000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    keys = pl.Series("k", [f"91410522MA{i:08X}" for i in range(args.keys)])
    pick = rng.integers(0, int(args.keys * 1.001), args.values)  # 0.1 % not among the keys
    values = pl.Series("v", [f"91410522MA{i:08X}" for i in pick.tolist()])
    frame = keys.to_frame("k").with_row_index("i")

    t_build = _time(lambda: KeyIndex(keys))
    t_build_sorted = _time(lambda: _SortedKeys(keys))
    index, sorted_keys = KeyIndex(keys), _SortedKeys(keys)
    expected = values.is_in(keys.implode())
    assert (~index.absent(values)).equals(expected.rename("v"))
    assert (~sorted_keys.absent(values)).equals(expected)
    rows = index.rows(values)
    joined = values.to_frame("k").join(frame, on="k", how="left", maintain_order="left")["i"]
    assert rows.equals(joined.cast(pl.Int64).rename("v"))

    figures = {
        "build KeyIndex": t_build,
        "build sorted hashes": t_build_sorted,
        "absent: KeyIndex": _time(lambda: index.absent(values)),
        "absent: sorted hashes": _time(lambda: sorted_keys.absent(values)),
        "absent: polars is_in": _time(lambda: values.is_in(keys.implode())),
        "rows: KeyIndex": _time(lambda: index.rows(values)),
        "rows: polars left join": _time(
            lambda: values.to_frame("k").join(frame, on="k", how="left", maintain_order="left")
        ),
    }
    print(f"{args.keys:,} keys, {args.values:,} values (median of 3 runs)")
    for name, seconds in figures.items():
        print(f"  {name:<26} {seconds:8.3f} s")
    print(
        "  ratios: absent is_in / KeyIndex "
        f"{figures['absent: polars is_in'] / figures['absent: KeyIndex']:.2f}, "
        "rows join / KeyIndex "
        f"{figures['rows: polars left join'] / figures['rows: KeyIndex']:.2f}"
    )


if __name__ == "__main__":
    main()
