"""The pairing ledger (包保台账): businesses, cadres, assignments, pledges, visits and routines.

Six columnar tables (polars) with the schema of :mod:`foodsafety.ledger.schema`, built from
records or loaded from CSV, JSON Lines, Parquet and Excel with every row checked (seed 004,
Anyang: 16316 businesses paired by 4806 cadres). Importing this package does not import
polars; the first table operation does.

Example::

    from foodsafety.ledger import Ledger, load_ledger, write_parquet

    ledger, report = load_ledger("anyang/")      # a directory of businesses.csv, cadres.csv...
    print(report.summary())                      # every bad row: file, row, column, reason
    write_parquet(ledger, "anyang-clean/")
"""

from foodsafety.ledger._ledger import RECORD_TYPES, Ledger, division_prefix, record_type
from foodsafety.ledger._validate import EVENT_DATES, REQUIRED, Progress, validate_tables
from foodsafety.ledger.io import (
    FORMATS,
    LoadResult,
    load_ledger,
    read_table,
    rich_progress,
    write_csv,
    write_excel,
    write_json_lines,
    write_ledger,
    write_parquet,
)
from foodsafety.ledger.schema import KEYS, TABLES, polars_schema

__all__ = [
    "EVENT_DATES",
    "FORMATS",
    "KEYS",
    "RECORD_TYPES",
    "REQUIRED",
    "TABLES",
    "Ledger",
    "LoadResult",
    "Progress",
    "division_prefix",
    "load_ledger",
    "polars_schema",
    "read_table",
    "record_type",
    "rich_progress",
    "validate_tables",
    "write_csv",
    "write_excel",
    "write_json_lines",
    "write_ledger",
    "write_parquet",
]
