"""Write the malformed-input corpus: one YAML file per case under ``tests/corpus/cases/``.

Run from the repository root (``python tests/corpus/make_corpus.py``); the case files are
committed, and ``tests/test_corpus.py`` runs them all. Each case says what files to make
(small ones inline, large ones as a tiny recipe that the test expands), what to call, and the
outcome expected, which is written here from the defect itself, never from running the code:

- ``error``: the typed error (class, code, and the file, row and column it names), or
- ``rows`` and ``problems``: the rows kept per table and every problem (code, field, row,
  severity), or ``counts`` of problems per code where there are too many to list.

Many cases are one defect put into every table and every file format; the others are the
defects of issue 20 and the hostile files (truncated, wrong magic bytes, zip bombs, alias
bombs, deep nesting) each on its own.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
CASES = HERE / "cases"

TABLES = ("businesses", "cadres", "assignments", "pledges", "visits", "routines")
FORMATS = ("csv", "jsonl", "parquet", "excel")
RECORD = {
    "businesses": "Business",
    "cadres": "Cadre",
    "assignments": "PairingAssignment",
    "pledges": "PairingDocument",
    "visits": "Visit",
    "routines": "RoutineRecord",
}
#: What makes a second row of each table a different row (its key).
SECOND = {
    "businesses": {"uscc": "91410500MA3X000023"},
    "cadres": {"cadre_id": "C002"},
    "assignments": {"assignment_id": "A2"},
    "pledges": {"cadre_id": "C002"},
    "visits": {"visit_id": "V2"},
    "routines": {"period_start": "2022-12-02"},
}
#: A text field, a date field and a required field of each table.
TEXT = {
    "businesses": "name",
    "cadres": "name",
    "assignments": "cadre_id",
    "pledges": "counterpart",
    "visits": "results",
    "routines": "signed_by",
}
DATE = {
    "businesses": "opened",
    "cadres": "active_from",
    "assignments": "valid_from",
    "pledges": "signed",
    "visits": "date",
    "routines": "period_start",
}
REQUIRED = {
    "businesses": "principal",
    "cadres": "level",
    "assignments": "valid_from",
    "pledges": "document",
    "visits": "mode",
    "routines": "signer_post",
}
LIST = {"businesses": "officers", "visits": "problems"}


def _file(table: str, fmt: str) -> str:
    return "ledger.xlsx" if fmt == "excel" else f"{table}.{fmt}"


def _source(table: str, fmt: str) -> str:
    return f"ledger.xlsx[{table}]" if fmt == "excel" else f"{table}.{fmt}"


def _table_case(
    table: str,
    fmt: str,
    bad: dict[str, Any],
    *,
    description: str,
    problems: list[dict[str, Any]] | None = None,
    kept: int = 1,
    error: dict[str, Any] | None = None,
    drop: list[str] | None = None,
    counts: dict[str, int] | None = None,
    **spec: Any,
) -> dict[str, Any]:
    """A two-row table: row 1 valid, row 2 with ``bad`` changes."""
    rows = [{}, {**SECOND[table], **bad}]
    file_spec: dict[str, Any] = {"table": table, "format": fmt, "rows": rows, **spec}
    if drop:
        file_spec["drop_columns"] = drop
    case: dict[str, Any] = {
        "description": description,
        "files": {_file(table, fmt): file_spec},
        "call": {"load_ledger": "ledger.xlsx" if fmt == "excel" else "."},
    }
    if error is not None:
        case["expect"] = {"error": error}
    else:
        expect: dict[str, Any] = {"rows": {table: kept}}
        if counts is not None:
            expect["counts"] = counts
        else:
            expect["problems"] = [
                {"record": RECORD[table], "source": _source(table, fmt), **p}
                for p in (problems or [])
            ]
        case["expect"] = expect
    return case


def table_cases() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for table in TABLES:
        text, day, required = TEXT[table], DATE[table], REQUIRED[table]
        for fmt in FORMATS:
            key = f"{table}/{fmt}"
            out[f"{key}/valid"] = _table_case(
                table, fmt, {}, description=f"two valid {table} rows in {fmt}: both kept", kept=2
            )
            control = "\x01" if fmt == "csv" else "\x00"
            out[f"{key}/control_character"] = _table_case(
                table,
                fmt,
                {text: f"某{control}名"},
                description=f"a control character in {table}.{text} ({fmt}): the row is "
                "reported (text.control), the other kept",
                problems=[{"code": "text.control", "field": text, "row": 2, "severity": "error"}],
            )
            out[f"{key}/bidi_control"] = _table_case(
                table,
                fmt,
                {text: "\u202e某名"},
                description=f"a bidirectional control in {table}.{text} ({fmt}): a warning, "
                "the row kept as written",
                kept=2,
                problems=[{"code": "text.bidi", "field": text, "row": 2, "severity": "warning"}],
            )
            out[f"{key}/year_zero"] = _table_case(
                table,
                fmt,
                {day: "0000-01-01"},
                description=f"year 0 in {table}.{day} ({fmt}): date.out_of_range",
                problems=[
                    {"code": "date.out_of_range", "field": day, "row": 2, "severity": "error"}
                ],
            )
            out[f"{key}/year_2202"] = _table_case(
                table,
                fmt,
                {day: "2202-01-01"},
                description=f"2202 for 2022 in {table}.{day} ({fmt}): date.out_of_range, "
                "not only 'in the future'",
                problems=[
                    {"code": "date.out_of_range", "field": day, "row": 2, "severity": "error"}
                ],
            )
            out[f"{key}/impossible_date"] = _table_case(
                table,
                fmt,
                {day: "2023-02-30"},
                description=f"an impossible date in {table}.{day} ({fmt}): date.invalid",
                problems=[{"code": "date.invalid", "field": day, "row": 2, "severity": "error"}],
            )
            out[f"{key}/missing_required_column"] = _table_case(
                table,
                fmt,
                {},
                drop=[required],
                description=f"the required column {required} missing from {table} ({fmt}): "
                "one located load error",
                error={
                    "class": "LoadError",
                    "code": "load.missing_column",
                    "source": _source(table, fmt),
                    "column": required,
                },
            )
            out[f"{key}/empty_required_cell"] = _table_case(
                table,
                fmt,
                {required: None},
                description=f"an empty {table}.{required} ({fmt}): value.missing",
                problems=[
                    {"code": "value.missing", "field": required, "row": 2, "severity": "error"}
                ],
            )
            out[f"{key}/unknown_column"] = _table_case(
                table,
                fmt,
                {"备注": "x"},
                description=f"an unknown column in {table} ({fmt}): a warning, no row dropped",
                kept=2,
                problems=[
                    {"code": "column.unknown", "field": "备注", "row": None, "severity": "warning"}
                ],
            )
            if fmt != "excel":  # (an Excel cell holds at most 32,767 characters)
                out[f"{key}/million_character_cell"] = _table_case(
                    table,
                    fmt,
                    {text: {"repeat": "长", "times": 1_000_000}},
                    description=f"a 10^6-character {table}.{text} ({fmt}): text.too_long",
                    problems=[
                        {"code": "text.too_long", "field": text, "row": 2, "severity": "error"}
                    ],
                )
            if fmt == "jsonl":
                for shape, value in (("object", {"json": {"a": 1}}), ("array", {"json": ["a"]})):
                    out[f"{key}/json_{shape}_in_text"] = _table_case(
                        table,
                        fmt,
                        {text: value},
                        description=f"a JSON {shape} in the text column {table}.{text}: a "
                        "problem on that row (value.nested), the rest loads",
                        problems=[
                            {
                                "code": "value.nested",
                                "field": text,
                                "row": 2,
                                "severity": "error",
                            }
                        ],
                    )
            if fmt == "excel":
                out[f"{key}/formula_cell"] = _table_case(
                    table,
                    fmt,
                    {text: "=1+1"},
                    formulas=[[2, text]],
                    description=f"a formula in {table}.{text}: reported (excel.formula), "
                    "never taken for its cached value",
                    problems=[
                        {"code": "excel.formula", "field": text, "row": 2, "severity": "error"}
                    ],
                )
            if table in LIST and fmt != "excel":  # (200,000 items do not fit in a cell)
                column = LIST[table]
                out[f"{key}/list_200000_items"] = _table_case(
                    table,
                    fmt,
                    {column: {"items": "某项", "times": 200_000}},
                    description=f"a list cell of 200,000 items in {table}.{column} ({fmt}): "
                    "list.too_long",
                    problems=[
                        {
                            "code": "list.too_long",
                            "field": column,
                            "row": 2,
                            "severity": "error",
                        }
                    ],
                )
    return out


def _load(
    files: dict[str, Any], expect: dict[str, Any], description: str, path: str = ".", **extra: Any
) -> dict[str, Any]:
    return {
        "description": description,
        "files": files,
        "call": {"load_ledger": path, **extra},
        "expect": expect,
        **({"max_seconds": extra.pop("max_seconds")} if "max_seconds" in extra else {}),
    }


def _error(cls: str, code: str, source: str | None = None, **where: Any) -> dict[str, Any]:
    return {
        "error": {"class": cls, "code": code, **({"source": source} if source else {}), **where}
    }


VALID = {"table": "businesses", "format": "csv", "rows": [{}]}


def file_cases() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    out["files/directory_named_like_a_table"] = _load(
        {"businesses.csv": VALID, "routines.csv": {"directory": True}},
        _error("LoadError", "load.not_a_file", "routines.csv"),
        "a directory named routines.csv: a located LoadError, not IsADirectoryError",
    )
    out["files/dangling_symlink"] = _load(
        {"businesses.csv": VALID, "pledges.csv": {"symlink": "gone.csv"}},
        _error("LoadError", "load.dangling_link", "pledges.csv"),
        "pledges.csv a link to a file that is gone: an error, never an absent table",
    )
    out["files/looping_symlink"] = _load(
        {"businesses.csv": VALID, "pledges.csv": {"symlink": "pledges.csv"}},
        _error("LoadError", "load.link_loop", "pledges.csv"),
        "pledges.csv a link to itself: an error, never an absent table",
    )
    out["files/dangling_symlink_given_directly"] = _load(
        {"pledges.csv": {"symlink": "gone.csv"}},
        _error("LoadError", "load.dangling_link", "pledges.csv"),
        "a dangling link given as the file to load",
        path="pledges.csv",
    )
    out["files/nul_bytes_in_csv"] = _load(
        {
            "cadres.csv": {
                "bytes": "cadre_id,name,level,jurisdiction\nC001,\u9ad8\x00,乡,410522102\n"
            }
        },
        _error("LoadError", "load.binary", "cadres.csv", row=2),
        "NUL bytes in a CSV file: reported as binary (NUL bytes) on their line, not as 'not UTF-8'",
    )
    out["files/binary_garbage_as_csv"] = _load(
        {"cadres.csv": {"bytes": "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"}},
        _error("LoadError", "load.binary", "cadres.csv"),
        "a PNG named cadres.csv: binary",
    )
    out["files/bare_cr_line_endings"] = _load(
        {
            "cadres.csv": {
                "bytes": "cadre_id,name,level,jurisdiction\rC001,高永,乡,410522102\r"
                "C002,李明,乡,410522102\r"
            }
        },
        _error("LoadError", "load.line_endings", "cadres.csv", row=1),
        "old Mac line endings (bare CR): one load error, not a column.unknown per cell",
    )
    out["files/crlf_line_endings"] = _load(
        {"cadres.csv": {"bytes": "cadre_id,name,level,jurisdiction\r\nC001,高永,乡,410522102\r\n"}},
        {"rows": {"cadres": 1}, "problems": []},
        "Windows line endings (CRLF) read as usual",
    )
    out["files/utf16_csv"] = _load(
        {
            "cadres.csv": {
                "text": "cadre_id,name,level,jurisdiction\nC001,高永,乡,410522102\n",
                "encoding": "utf-16",
            }
        },
        _error("LoadError", "load.encoding", "cadres.csv"),
        "a UTF-16 CSV (Excel's Unicode text): says so",
    )
    out["files/gbk_csv"] = _load(
        {
            "cadres.csv": {
                "text": "cadre_id,name,level,jurisdiction\nC001,高永,乡,410522102\n",
                "encoding": "gbk",
            }
        },
        _error("LoadError", "load.encoding_gbk", "cadres.csv"),
        "a GBK CSV: detected, with the fix",
    )
    out["files/upper_case_suffix"] = _load(
        {
            "businesses.csv": VALID,
            "cadres.CSV": {"table": "cadres", "format": "csv", "rows": [{}]},
        },
        {"rows": {"businesses": 1, "cadres": 1}, "problems": []},
        "cadres.CSV is found (case-insensitive discovery)",
    )
    out["files/mixed_case_name"] = _load(
        {"Cadres.Jsonl": {"table": "cadres", "format": "jsonl", "rows": [{}]}},
        {"rows": {"cadres": 1}, "problems": []},
        "Cadres.Jsonl is found",
    )
    out["files/same_table_twice_by_case"] = _load(
        {
            "cadres.csv": {"table": "cadres", "format": "csv", "rows": [{}]},
            "CADRES.csv": {"table": "cadres", "format": "csv", "rows": [{}]},
        },
        _error("LoadError", "load.ambiguous"),
        "cadres.csv and CADRES.csv: ambiguous, not one of them silently",
    )
    out["files/same_table_in_two_formats"] = _load(
        {
            "cadres.csv": {"table": "cadres", "format": "csv", "rows": [{}]},
            "cadres.jsonl": {"table": "cadres", "format": "jsonl", "rows": [{}]},
        },
        _error("LoadError", "load.ambiguous"),
        "cadres.csv and cadres.jsonl: ambiguous",
    )
    out["files/directory_without_tables"] = _load(
        {"notes.txt.bak": {"bytes": "x"}},
        _error("LoadError", "load.empty"),
        "a directory with no table file",
    )
    out["files/missing_file"] = _load(
        {},
        _error("LoadError", "load.missing", "cadres.csv"),
        "a file that is not there",
        path="cadres.csv",
    )
    out["files/unknown_table_name"] = _load(
        {"people.csv": {"bytes": "a\n1\n"}},
        _error("LoadError", "load.unknown_table", "people.csv"),
        "a file named after no table",
        path="people.csv",
    )
    for fmt, suffix in (("csv", "csv"), ("parquet", "parquet"), ("excel", "xlsx")):
        out[f"files/empty_{fmt}"] = _load(
            {f"cadres.{suffix}": {"bytes": ""}},
            _error("LoadError", "load.empty", f"cadres.{suffix}"),
            f"an empty {fmt} file: an error (a {fmt} table needs its header)",
        )
    out["files/empty_jsonl"] = _load(
        {"cadres.jsonl": {"bytes": ""}},
        {"rows": {"cadres": 0}, "problems": []},
        "an empty JSON Lines file: an empty table (the format has no header)",
    )
    out["files/bom_only_csv"] = _load(
        {"cadres.csv": {"bytes": "\xef\xbb\xbf"}},
        _error("LoadError", "load.empty", "cadres.csv"),
        "a CSV holding only a byte-order mark: empty",
    )
    out["files/header_only_csv"] = _load(
        {"cadres.csv": {"bytes": "cadre_id,name,level,jurisdiction\n"}},
        {"rows": {"cadres": 0}, "problems": []},
        "a CSV header with no rows: an empty table",
    )
    for cut in (0.5, 0.9):
        out[f"files/truncated_parquet_{int(cut * 100)}"] = _load(
            {
                "cadres.parquet": {
                    "table": "cadres",
                    "format": "parquet",
                    "rows": [{}] * 20,
                    "truncate": cut,
                }
            },
            _error("LoadError", "load.format", "cadres.parquet"),
            f"a Parquet file cut at {int(cut * 100)}%: load.format",
        )
        out[f"files/truncated_xlsx_{int(cut * 100)}"] = _load(
            {
                "ledger.xlsx": {
                    "table": "cadres",
                    "format": "excel",
                    "rows": [{}] * 20,
                    "truncate": cut,
                }
            },
            _error("LoadError", "load.format", "ledger.xlsx"),
            f"a workbook cut at {int(cut * 100)}%: load.format",
            path="ledger.xlsx",
        )
    out["files/parquet_wrong_magic"] = _load(
        {"cadres.parquet": {"bytes": "cadre_id,name\nC1,x\n"}},
        _error("LoadError", "load.format", "cadres.parquet"),
        "CSV text named cadres.parquet: not Parquet",
    )
    out["files/parquet_magic_only"] = _load(
        {"cadres.parquet": {"bytes": "PAR1PAR1"}},
        _error("LoadError", "load.format", "cadres.parquet"),
        "the Parquet magic bytes and nothing else",
    )
    out["files/xlsx_wrong_magic"] = _load(
        {"ledger.xlsx": {"bytes": "cadre_id,name\nC1,x\n"}},
        _error("LoadError", "load.format", "ledger.xlsx"),
        "CSV text named ledger.xlsx: not a workbook",
        path="ledger.xlsx",
    )
    out["files/xlsx_zip_without_workbook"] = _load(
        {"ledger.xlsx": {"zip": {"hello.txt": "hi"}}},
        _error("LoadError", "load.format", "ledger.xlsx"),
        "a zip archive that is no workbook",
        path="ledger.xlsx",
    )
    out["files/xlsx_zip_bomb"] = {
        **_load(
            {"ledger.xlsx": {"zip_bomb": {"table": "cadres", "megabytes": 64}}},
            _error("LoadError", "load.zip_bomb", "ledger.xlsx"),
            "a workbook whose sheet unpacks to 64 MiB of padding (a zip bomb): refused "
            "quickly, before it is unpacked",
            path="ledger.xlsx",
        ),
        "max_seconds": 5,
    }
    out["files/xlsx_formula_in_header"] = _load(
        {
            "ledger.xlsx": {
                "table": "cadres",
                "format": "excel",
                "rows": [{}],
                "formulas": [[0, "unit"]],
            }
        },
        {
            "rows": {"cadres": 1},
            "problems": [
                {
                    "code": "column.unknown",
                    "record": "Cadre",
                    "field": "0",
                    "row": None,
                    "severity": "warning",
                    "source": "ledger.xlsx[cadres]",
                }
            ],
        },
        "a formula (=1, never calculated) as the unit header: its cached value 0 is an "
        "unknown column, reported; the unit column is then absent (it is optional)",
        path="ledger.xlsx",
    )
    out["files/xlsx_two_formulas"] = _load(
        {
            "ledger.xlsx": {
                "table": "cadres",
                "format": "excel",
                "rows": [
                    {"unit": "=A1"},
                    {"cadre_id": "C002", "unit": "=SUM(1,2)"},
                    {"cadre_id": "C003"},
                ],
                "formulas": [[1, "unit"], [2, "unit"]],
            }
        },
        {
            "rows": {"cadres": 1},
            "problems": [
                {
                    "code": "excel.formula",
                    "record": "Cadre",
                    "field": "unit",
                    "row": 1,
                    "severity": "error",
                    "source": "ledger.xlsx[cadres]",
                },
                {
                    "code": "excel.formula",
                    "record": "Cadre",
                    "field": "unit",
                    "row": 2,
                    "severity": "error",
                    "source": "ledger.xlsx[cadres]",
                },
            ],
        },
        "two formula cells: each reported on its own row, the third row kept",
        path="ledger.xlsx",
    )
    out["files/hundred_thousand_columns"] = {
        **_load(
            {
                "cadres.csv": {
                    "table": "cadres",
                    "format": "csv",
                    "rows": [{}],
                    "extra_columns": 100_000,
                }
            },
            {"rows": {"cadres": 1}, "counts": {"column.unknown": 100_000}},
            "10^5 columns: each unknown column a warning, the row kept",
        ),
        "max_seconds": 60,
    }
    out["files/jsonl_bad_line"] = _load(
        {
            "cadres.jsonl": {
                "bytes": '{"cadre_id": "C001", "name": "x", "level": "乡", '
                '"jurisdiction": "410522102"}\n{"cadre_id": \n'
            }
        },
        _error("LoadError", "load.json", "cadres.jsonl", row=2),
        "a JSON Lines file with a broken line: located",
    )
    out["files/jsonl_not_objects"] = _load(
        {"cadres.jsonl": {"bytes": "[1, 2]\n"}},
        _error("LoadError", "load.json", "cadres.jsonl", row=1),
        "a JSON Lines line that is an array",
    )
    out["files/jsonl_mixed_list_column"] = _load(
        {
            "visits.jsonl": {
                "table": "visits",
                "format": "jsonl",
                "rows": [
                    {"problems": {"json": ["台账不全"]}},
                    {"visit_id": "V2", "problems": "记录缺失"},
                    {"visit_id": "V3", "problems": {"json": [{"a": 1}]}},
                ],
            }
        },
        {
            "rows": {"visits": 2},
            "problems": [
                {
                    "code": "list.invalid",
                    "record": "Visit",
                    "field": "problems",
                    "row": 3,
                    "severity": "error",
                    "source": "visits.jsonl",
                }
            ],
        },
        "a list column holding an array, a text and an array of objects: the last is "
        "list.invalid, the others kept",
    )
    out["files/csv_formula_text_round_trips"] = {
        "description": "names that a spreadsheet would run as formulas, written by write_csv "
        "and read back: the very same text (the ' escape is undone)",
        "files": {},
        "call": {
            "round_trip": "csv",
            "names": [
                "=1+1",
                "+1",
                "-1",
                "@SUM(A1)",
                "'=quoted",
                "''",
                "'plain",
                '=HYPERLINK("http://x","y")',
            ],
        },
        "expect": {"same": True},
    }
    out["files/excel_formula_text_round_trips"] = {
        "description": "names that look like formulas, written by write_excel and read back: "
        "text cells, the very same text, no excel.formula problem",
        "files": {},
        "call": {
            "round_trip": "excel",
            "names": ["=1+1", "+1", "-1", "@SUM(A1)", "'=x", "http://example.com"],
        },
        "expect": {"same": True},
    }
    out["files/workbook_sheet_per_table"] = _load(
        {"ledger.xlsx": {"workbook": ["businesses", "cadres", "visits"]}},
        {"rows": {"businesses": 1, "cadres": 1, "visits": 1}, "problems": []},
        "one workbook with a sheet per table",
        path="ledger.xlsx",
    )
    out["files/directory_of_mixed_formats"] = _load(
        {
            "businesses.parquet": {"table": "businesses", "format": "parquet", "rows": [{}]},
            "cadres.jsonl": {"table": "cadres", "format": "jsonl", "rows": [{}]},
            "visits.csv": {"table": "visits", "format": "csv", "rows": [{}]},
            "routines.ndjson": {"table": "routines", "format": "jsonl", "rows": [{}]},
        },
        {"rows": {"businesses": 1, "cadres": 1, "visits": 1, "routines": 1}, "problems": []},
        "a directory mixing Parquet, JSON Lines, CSV and NDJSON",
    )
    out["files/directory_with_broken_file_among_good"] = _load(
        {"businesses.csv": VALID, "cadres.parquet": {"bytes": "not parquet"}},
        _error("LoadError", "load.format", "cadres.parquet"),
        "a good table and an unreadable one: the error, never a ledger without cadres",
    )
    out["files/dangling_reference_is_reported"] = _load(
        {
            "cadres.csv": {"table": "cadres", "format": "csv", "rows": [{}]},
            "pledges.csv": {"table": "pledges", "format": "csv", "rows": [{}, {"cadre_id": "C9"}]},
        },
        {
            "rows": {"cadres": 1, "pledges": 1},
            "problems": [
                {
                    "code": "ref.cadre_missing",
                    "record": "PairingDocument",
                    "field": "cadre_id",
                    "row": 2,
                    "severity": "error",
                    "source": "pledges.csv",
                }
            ],
        },
        "a pledge of a cadre not in the ledger: reported, left out",
    )
    return out


PRESETS = "src/foodsafety/presets"
POLICY = f"{PRESETS}/pairing/anyang_2022.yaml"
RUBRIC = f"{PRESETS}/assessment/national_annual_2023.yaml"
STAR = f"{PRESETS}/assessment/star_office.yaml"
DEMO = f"{PRESETS}/assessment/demonstration_city.yaml"
PROFILE = f"{PRESETS}/import/county_workbook.yaml"
CAMPAIGN = "examples/campaign_2018.yaml"

#: Loaders of YAML files, by the name the cases call them.
LOADERS = {
    "policy": (POLICY, "RuleError"),
    "rubric": (RUBRIC, "RuleError"),
    "star_scheme": (STAR, "RuleError"),
    "demonstration_scheme": (DEMO, "RuleError"),
    "profile": (PROFILE, "RuleError"),
    "campaign": (CAMPAIGN, "RuleError"),
    "scenarios": (None, "RuleError"),
}

LAUGHS = "laughs"


def rule_cases() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}

    def case(
        name: str,
        loader: str,
        content: Any,
        error: dict[str, Any],
        description: str,
        suffix: str = "yaml",
        seconds: float | None = None,
    ) -> None:
        c: dict[str, Any] = {
            "description": description,
            "files": {f"rule.{suffix}": content},
            "call": {loader: f"rule.{suffix}"},
            "expect": {"error": error},
        }
        if seconds:
            c["max_seconds"] = seconds
        out[f"rules/{loader}/{name}"] = c

    for loader, (base, cls) in LOADERS.items():
        case(
            "deep_flow_nesting",
            loader,
            {"generate": "deep_flow", "depth": 5000},
            {"class": cls, "code": "rule.limit", "row": 1},
            "5,000 nested [ ]: refused within a second, no RecursionError",
            seconds=1,
        )
        case(
            "deep_block_nesting",
            loader,
            {"generate": "deep_block", "depth": 3000},
            {"class": cls, "code": "rule.limit"},
            "3,000 nested mappings: refused, no RecursionError",
            seconds=1,
        )
        case(
            "billion_laughs",
            loader,
            {"generate": LAUGHS, "levels": 9},
            {"class": cls, "code": "rule.limit"},
            "nine levels of ten aliases (10^9 nodes): refused within a second",
            seconds=1,
        )
        case(
            "self_reference",
            loader,
            {"text": "a: &a {b: *a}\n"},
            {"class": cls, "code": "rule.limit", "row": 1},
            "a mapping that contains itself: refused",
        )
        case(
            "syntax_error",
            loader,
            {"text": "a: [1, 2\nb: 3\n"},
            {"class": cls, "code": "rule.syntax"},
            "unclosed [: a syntax error with its line",
        )
        case(
            "tab_indent",
            loader,
            {"text": "a:\n\tb: 1\n"},
            {"class": cls, "code": "rule.syntax", "row": 2},
            "a tab as indentation",
        )
        case(
            "json_deep",
            loader,
            {"generate": "deep_flow", "depth": 100_000},
            {"class": cls, "code": "rule.limit"},
            "a JSON file nested 10^5 deep: refused",
            suffix="json",
            seconds=2,
        )
        case(
            "not_utf8",
            loader,
            {"text": "a: 高\n", "encoding": "gbk"},
            {"class": cls if loader != "campaign" else "LoadError"},
            "a GBK file: cannot be read as UTF-8, a typed error",
        )
        case(
            "impossible_date",
            loader,
            {"text": "effective: 2023-02-30\n"},
            {"class": cls, "code": "rule.date", "row": 1},
            "an impossible date (2023-02-30): the file and line",
        )
        case(
            "year_zero",
            loader,
            {"text": "effective: 0000-01-01\n"},
            {"class": cls, "code": "rule.date", "row": 1},
            "year 0: the file and line",
        )
        if loader != "scenarios":
            case(
                "list_not_mapping",
                loader,
                {"text": "- a\n- b\n"},
                {"class": cls},
                "a list where a mapping belongs",
            )
        if base is not None:
            case(
                "preset_is_valid", loader, {"from": base}, {"none": True}, "the shipped file loads"
            )
            out[f"rules/{loader}/preset_is_valid"]["expect"] = {"ok": True}
    # the defects of the issue, in real files
    case(
        "effective_feb_30",
        "rubric",
        {"from": RUBRIC, "replace": [["effective: 2023-03-07", "effective: 2023-02-30"]]},
        {"class": "RuleError", "code": "rule.date", "row": 30},
        "a rubric with effective: 2023-02-30: RuleError at its line",
    )
    case(
        "effective_feb_30",
        "policy",
        {"from": POLICY, "replace": [["effective: 2022-11-11", "effective: 2022-02-30"]]},
        {"class": "RuleError", "code": "rule.date", "row": 15},
        "a policy with effective: 2022-02-30: RuleError at its line",
    )
    case(
        "holiday_feb_30",
        "policy",
        {
            "from": POLICY,
            "replace": [
                ["  working_days: 10", "  working_days: 10\n  holidays: [2022-10-01, 2022-02-30]"]
            ],
        },
        {"class": "RuleError", "code": "rule.date", "row": 21},
        "a policy's holidays with 2022-02-30: RuleError at its line",
    )
    case(
        "holiday_not_a_date",
        "policy",
        {
            "from": POLICY,
            "replace": [["  working_days: 10", "  working_days: 10\n  holidays: [someday]"]],
        },
        {"class": "RuleError", "code": "rule.invalid"},
        "a holiday that is not a date",
    )
    case(
        "phase_feb_30",
        "campaign",
        {"from": CAMPAIGN, "replace": [["start: '2018-06-12'", "start: 2018-02-30"]]},
        {"class": "RuleError", "code": "rule.date", "row": 13},
        "a campaign phase starting 2018-02-30: RuleError at its line",
    )
    case(
        "kind_is_a_list",
        "rubric",
        {"text": "kind: [a]\nid: x\n"},
        {"class": "RuleError", "code": "rule.kind", "row": 1},
        "kind: [a]: a RuleError, not TypeError",
    )
    case(
        "kind_is_a_mapping",
        "rubric",
        {"text": "kind: {a: 1}\n"},
        {"class": "RuleError", "code": "rule.kind", "row": 1},
        "kind: {a: 1}",
    )
    case(
        "kind_unknown",
        "rubric",
        {"text": "kind: recipe\n"},
        {"class": "RuleError", "code": "rule.kind", "row": 1},
        "kind: recipe",
    )
    case(
        "score_of_nothing",
        "rubric",
        {
            "from": RUBRIC,
            "replace": [
                [
                    "when: {flag: major_accident_covered_up}",
                    "when: {op: ge, evidence: $score.nonexistent, value: 1}",
                ]
            ],
        },
        {"class": "RuleError", "code": "rule.invalid"},
        "a rubric naming $score.nonexistent: rejected at load",
    )
    case(
        "unknown_computed_value",
        "rubric",
        {
            "from": RUBRIC,
            "replace": [
                [
                    "when: {flag: major_accident_covered_up}",
                    "when: {op: ge, evidence: $totall, value: 1}",
                ]
            ],
        },
        {"class": "RuleError", "code": "rule.invalid"},
        "a rubric naming $totall (a typo of $total): rejected at load",
    )
    case(
        "points_negative",
        "rubric",
        {"from": RUBRIC, "replace": [["points: 5", "points: -5"]]},
        {"class": "RuleError", "code": "rule.invalid"},
        "negative points",
    )
    case(
        "profile_unknown_key",
        "profile",
        {"from": PROFILE, "append": "surprise: 1\n"},
        {"class": "RuleError", "code": "rule.invalid"},
        "an import profile with an unknown key",
    )
    case(
        "policy_unknown_key",
        "policy",
        {"from": POLICY, "append": "surprise: 1\n"},
        {"class": "RuleError", "code": "rule.invalid"},
        "a policy with an unknown key",
    )
    case(
        "nul_in_yaml",
        "policy",
        {"text": "name: a\x00b\n"},
        {"class": "RuleError", "code": "rule.syntax"},
        "a NUL byte in YAML: a syntax error",
    )
    case(
        "empty_file",
        "policy",
        {"text": ""},
        {"class": "RuleError", "code": "rule.shape"},
        "an empty policy file",
    )
    case(
        "empty_file",
        "rubric",
        {"text": ""},
        {"class": "RuleError", "code": "rule.shape"},
        "an empty rubric file",
    )
    case(
        "empty_file",
        "profile",
        {"text": ""},
        {"class": "RuleError", "code": "rule.shape"},
        "an empty profile file",
    )
    case(
        "python_tag",
        "rubric",
        {"text": "a: !!python/object/apply:os.system ['true']\n"},
        {"class": "RuleError", "code": "rule.syntax"},
        "a Python tag: refused by the safe loader, nothing run",
    )
    case(
        "merge_key_bomb",
        "policy",
        {"generate": "merge_laughs", "levels": 8},
        {"class": "RuleError", "code": "rule.limit"},
        "an alias bomb through merge keys (<<): refused",
        seconds=1,
    )
    case(
        "huge_scalar",
        "rubric",
        {"generate": "long_scalar", "length": 2_000_000},
        {"class": "RuleError", "code": "rule.limit"},
        "a 2x10^6-character document: refused by its length, quickly",
        seconds=1,
    )
    case(
        "long_but_allowed_scalar",
        "rubric",
        {"generate": "long_scalar", "length": 100_000},
        {"class": "RuleError", "code": "rule.shape"},
        "a 10^5-character scalar: read, and not a rubric",
        seconds=2,
    )
    return out


def write(cases: dict[str, dict[str, Any]]) -> None:
    if CASES.exists():
        shutil.rmtree(CASES)
    for name, case in sorted(cases.items()):
        path = CASES / f"{name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            yaml.safe_dump(case, allow_unicode=True, sort_keys=False, width=100),
            encoding="utf-8",
        )


if __name__ == "__main__":
    everything = {**table_cases(), **file_cases(), **rule_cases()}
    write(everything)
    print(f"{len(everything)} cases written to {CASES}")
