"""Benchmark: loading a pairing ledger with every row checked, against a naive record loop.

Generates the **synthetic** Anyang-size ledger (``foodsafety.samples.anyang``: 16316 businesses,
4806 cadres, a year of visits and routine records), writes it to CSV and Parquet, and measures:

- ``load_ledger`` from CSV and from Parquet (column-wise checks, identifiers judged once per
  distinct value or prefix);
- the baseline, measured in the same run: read the same CSV files with :mod:`csv` and build one
  pydantic record per row (``Business.model_validate`` ...), which runs the same identifier,
  vocabulary and record checks row by row (without the duplicate, reference and future-date
  checks that ``load_ledger`` adds);
- plain ``polars.read_csv`` / ``read_parquet`` of the same files, as the floor.

Goal: ``load_ledger`` from CSV at least 10x faster than the naive loop (the script exits 1 when
it is not).

Usage: ``python bench/ledger_load.py [--scale 1.0]``
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sys
import tempfile
import time
from pathlib import Path


def _naive(folder: Path) -> int:
    from foodsafety.ledger import TABLES, record_type

    n = 0
    for table, columns in TABLES.items():
        cls = record_type(table)
        with (folder / f"{table}.csv").open(encoding="utf-8") as fh:
            for raw in csv.DictReader(fh):
                row: dict[str, object] = {}
                for col, kind in columns.items():
                    cell = raw[col]
                    if kind == "List[Utf8]":
                        row[col] = json.loads(cell) if cell else []
                    elif kind == "Boolean":
                        row[col] = None if cell == "" else cell == "true"
                    else:
                        row[col] = None if cell == "" else cell
                cls.model_validate(row)
                n += 1
    return n


GOAL = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()

    import polars as pl

    from foodsafety.ledger import load_ledger, write_csv, write_parquet
    from foodsafety.samples import anyang

    sample = anyang(seed=0, scale=args.scale)
    ledger = sample.ledger()
    rows = sum(ledger.counts().values())
    print(f"synthetic Anyang ledger (scale {args.scale}): {ledger.counts()} = {rows:,} rows")
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        write_csv(ledger, root / "csv")
        write_parquet(ledger, root / "pq")
        figures: dict[str, float] = {}
        for name, folder in (("csv", root / "csv"), ("parquet", root / "pq")):
            t0 = time.perf_counter()
            result = load_ledger(folder, as_of=sample.as_of)
            figures[f"load_{name}"] = time.perf_counter() - t0
            assert result.ledger == ledger and not result.report, result.report.summary()
        t0 = time.perf_counter()
        for f in (root / "csv").iterdir():
            pl.read_csv(f, infer_schema=False)
        figures["polars_read_csv"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        for f in (root / "pq").iterdir():
            pl.read_parquet(f)
        figures["polars_read_parquet"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        assert _naive(root / "csv") == rows
        figures["naive_records_csv"] = time.perf_counter() - t0
    for key, seconds in figures.items():
        print(f"{key:>22}: {seconds:8.2f} s  {rows / seconds:12,.0f} rows/s")
    ratio = figures["naive_records_csv"] / figures["load_csv"]
    print(f"load_ledger(csv) is {ratio:.1f}x faster than the naive record loop")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if ratio < GOAL:
        print(f"MISSED the goal of {GOAL:.0f}x")
        return 1
    print(f"goal of {GOAL:.0f}x met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
