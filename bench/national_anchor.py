"""The anchor of bench/national.py: a hand-written polars audit of a partitioned ledger.

What an analyst would write with polars alone, and what the library must beat while doing
every check: scan the dataset's Parquet files (all partitions at once, polars' streaming
engine), join businesses, assignments, cadres and visits, and count per township the open
businesses, the unpaired ones, the pairings at the wrong level (tier A city, B county, C
township, D village), the cadres paired outside their jurisdiction, the overloaded cadres
(caps 10/15/20/12) and the pairings without a visit in each quarter of the year. Six checks
of the library's fourteen, none of the exact period, history, document, staffing or routine
rules; string keys as the dataset holds them. Each table is read once with the columns used
(the fastest of the forms tried: one lazy query over all of them took 4x longer).

Usage: ``python bench/national_anchor.py DATASET [--as-of 2023-01-01]``; prints one
``RESULT {json}`` line (seconds, counts, peak RSS).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
import time
from pathlib import Path

import polars as pl

LEVEL_OF_TIER = {"A": "city", "B": "county", "C": "township", "D": "village"}
CAP = {"city": 10, "county": 15, "township": 20, "village": 12}


def scan(root: Path, table: str, columns: list[str]) -> pl.LazyFrame:
    return pl.scan_parquet(root / table / "**" / "*.parquet", hive_partitioning=False).select(
        columns
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2023, 1, 1))
    args = parser.parse_args()
    root, as_of = args.dataset, args.as_of
    since = dt.date(as_of.year - 1, as_of.month, as_of.day)
    t0 = time.perf_counter()

    # each table read once (only the columns used), the joins in memory
    b = (
        scan(root, "businesses", ["uscc", "jurisdiction", "tier", "opened", "closed"])
        .filter(
            (pl.col("opened").is_null() | (pl.col("opened") <= as_of))
            & (pl.col("closed").is_null() | (pl.col("closed") > as_of))
        )
        .select("uscc", "jurisdiction", "tier")
        .collect()
    )
    a = (
        scan(root, "assignments", ["uscc", "cadre_id", "valid_from", "valid_to"])
        .filter(
            (pl.col("valid_from") <= as_of)
            & (pl.col("valid_to").is_null() | (pl.col("valid_to") > as_of))
        )
        .select("uscc", "cadre_id")
        .collect()
    )
    c = scan(root, "cadres", ["cadre_id", "level", "jurisdiction"]).collect()
    c = c.rename({"jurisdiction": "cadre_juris"})
    v = (
        scan(root, "visits", ["uscc", "cadre_id", "date"])
        .filter((pl.col("date") >= since) & (pl.col("date") < as_of))
        .group_by("uscc", "cadre_id")
        .agg((pl.col("date").dt.year() * 4 + pl.col("date").dt.quarter()).n_unique().alias("q"))
        .collect()
    )
    prefix = pl.col("cadre_juris").str.strip_chars_end("0")
    pairs = (
        a.join(b, on="uscc")
        .join(c, on="cadre_id", how="left")
        .join(v, on=["uscc", "cadre_id"], how="left")
        .select(
            "uscc",
            "cadre_id",
            "level",
            (pl.col("level") != pl.col("tier").replace_strict(LEVEL_OF_TIER, default=None)).alias(
                "mismatch"
            ),
            (~pl.col("jurisdiction").str.starts_with(prefix)).alias("outside"),
            (pl.col("q").fill_null(0) < 4).alias("overdue"),
        )
    )
    overloaded = (
        pairs.group_by("cadre_id", "level")
        .len()
        .filter(pl.col("len") > pl.col("level").replace_strict(CAP, default=None))
    )
    per_business = pairs.group_by("uscc").agg(
        pl.col("mismatch").any(), pl.col("outside").any(), pl.col("overdue").any()
    )
    coverage = (
        b.select("uscc", pl.col("jurisdiction").str.slice(0, 9).alias("township"))
        .join(per_business, on="uscc", how="left")
        .group_by("township")
        .agg(
            pl.len().alias("open"),
            pl.col("mismatch").is_null().sum().alias("unpaired"),
            pl.col("mismatch").fill_null(False).sum().alias("mismatch"),
            pl.col("outside").fill_null(False).sum().alias("outside"),
            pl.col("overdue").fill_null(False).sum().alias("overdue"),
        )
    )
    seconds = time.perf_counter() - t0
    totals = coverage.select(pl.exclude("township").sum()).row(0, named=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        "RESULT "
        + json.dumps(
            {
                "phase": "anchor",
                "seconds": round(seconds, 2),
                "townships": coverage.height,
                "overloaded": overloaded.height,
                **totals,
                "rss_mb": round(peak, 1),
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
