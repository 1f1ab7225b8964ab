"""Writing a ledger to CSV, JSON Lines, Parquet and Excel and loading it back gives it exactly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foodsafety.errors import BulkValidationError, LoadError
from foodsafety.ledger import (
    KEYS,
    Ledger,
    load_ledger,
    read_table,
    write_csv,
    write_excel,
    write_json_lines,
    write_ledger,
    write_parquet,
)
from pairing_data import RECORD_STRATEGIES, small_ledger_records, uscc

AS_OF = dt.date(2026, 1, 1)


def _write(fmt: str, ledger: Ledger, tmp: Path) -> Path:
    if fmt == "csv":
        write_csv(ledger, tmp / "csv")
        return tmp / "csv"
    if fmt == "csv-bom":
        write_csv(ledger, tmp / "csvbom", bom=True)
        return tmp / "csvbom"
    if fmt == "jsonl":
        write_json_lines(ledger, tmp / "jsonl")
        return tmp / "jsonl"
    if fmt == "csv-zh":
        write_csv(ledger, tmp / "csvzh", headers="zh")
        return tmp / "csvzh"
    if fmt == "parquet":
        write_parquet(ledger, tmp / "pq")
        return tmp / "pq"
    if fmt == "excel-zh":
        return write_excel(ledger, tmp / "ledger-zh.xlsx", headers="zh")
    return write_excel(ledger, tmp / "ledger.xlsx")


FORMATS = ["csv", "csv-bom", "csv-zh", "jsonl", "parquet", "excel", "excel-zh"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_small_ledger_round_trips_exactly(fmt: str, tmp_path: Path) -> None:
    ledger = Ledger.from_records(small_ledger_records())
    result = load_ledger(_write(fmt, ledger, tmp_path), as_of=AS_OF)
    assert result.ok, result.report.summary()
    assert result.ledger == ledger
    loaded, report = result  # unpacks as a pair
    assert loaded is result.ledger and report is result.report


def _unique(records: list[Any], table: str) -> list[Any]:
    seen: set[tuple[str, ...]] = set()
    out = []
    for r in records:
        key = tuple(str(getattr(r, k)) for k in KEYS[table])
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


ledgers = st.fixed_dictionaries(
    {
        t: st.lists(s, max_size=4).map(lambda rs, t=t: _unique(rs, t))
        for t, s in RECORD_STRATEGIES.items()
    }
).map(lambda tables: Ledger.from_records(**tables))


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ledger=ledgers)
def test_generated_ledgers_round_trip_exactly(fmt: str, ledger: Ledger, tmp_path: Path) -> None:
    path = _write(fmt, ledger, tmp_path)
    # generated rows do not reference each other, so keep the dangling rows (they are reported)
    result = load_ledger(path, as_of=AS_OF, dangling="keep")
    assert {p.code for p in result.report} <= {
        "ref.cadre_missing",
        "ref.business_missing",
        "ref.visit_missing",
    }
    assert result.ledger == ledger


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet", "excel"])
def test_write_ledger_dispatches(fmt: str, tmp_path: Path) -> None:
    ledger = Ledger.from_records(small_ledger_records())
    target = tmp_path / ("x.xlsx" if fmt == "excel" else "dir")
    path = write_ledger(ledger, target, format=fmt)  # type: ignore[arg-type]
    assert load_ledger(path, as_of=AS_OF).ledger == ledger


def test_write_ledger_rejects_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as info:
        write_ledger(Ledger.empty(), tmp_path, format="xml")  # type: ignore[arg-type]
    assert info.value.code == "write.format"


def test_single_table_file_and_mapping(tmp_path: Path) -> None:
    ledger = Ledger.from_records(small_ledger_records())
    files = write_csv(ledger, tmp_path)
    only = load_ledger(files["businesses"], as_of=AS_OF)
    assert only.ledger.businesses.equals(ledger.businesses)
    assert only.ledger.counts()["visits"] == 0
    mapping = load_ledger(
        {"businesses": files["businesses"], "visits": files["visits"]}, as_of=AS_OF
    )
    # cadres were not given: references to them are not checked, visits are kept
    assert mapping.ok
    assert mapping.ledger.visits.equals(ledger.visits)


def test_read_table_keeps_raw_text_and_numbers_rows(tmp_path: Path) -> None:
    files = write_csv(Ledger.from_records(small_ledger_records()), tmp_path)
    raw = read_table(files["cadres"])
    assert raw["__row__"].to_list() == [1, 2, 3]
    assert raw["level"].to_list() == ["city", "village", "township"]


def test_progress_is_reported(tmp_path: Path) -> None:
    write_parquet(Ledger.from_records(small_ledger_records()), tmp_path)
    seen: list[tuple[str, int, int]] = []
    load_ledger(tmp_path, as_of=AS_OF, progress=lambda s, d, t: seen.append((s, d, t)))
    assert seen[0][0].startswith("read ")
    assert seen[-1][1] == seen[-1][2]  # finished
    dones = [d for _, d, _ in seen]
    assert dones == sorted(dones)
    assert len({t for _, _, t in seen}) == 1


def test_strict_raises_with_the_report(tmp_path: Path) -> None:
    ledger = Ledger.from_records(small_ledger_records())
    files = write_csv(ledger, tmp_path)
    text = files["businesses"].read_text(encoding="utf-8")
    files["businesses"].write_text(text.replace("410522102", "410599102"), encoding="utf-8")
    with pytest.raises(BulkValidationError) as info:
        load_ledger(tmp_path, as_of=AS_OF, strict=True)
    codes = info.value.report.counts()
    assert codes["registry.unknown"] == 1
    # the business was dropped, so everything naming it is reported, not silently lost
    assert codes["ref.business_missing"] == 1 + 2 + 3  # 1 assignment, 2 visits, 3 routines
    relaxed = load_ledger(tmp_path, as_of=AS_OF)
    assert relaxed.ledger.counts()["businesses"] == 2


def test_semicolon_lists_and_loose_dates_are_read(tmp_path: Path) -> None:
    (tmp_path / "visits.csv").write_text(
        "visit_id,date,cadre_id,uscc,mode,problems,evidence,problems_resolved\n"
        f"V1,2022/12/10,C1,{uscc(1)},现场,台账不全；记录缺失; 证照过期 ,,\n",
        encoding="utf-8",
    )
    result = load_ledger(tmp_path / "visits.csv", as_of=AS_OF)
    assert result.ok, result.report.summary()
    v = next(result.ledger.to_records("visits"))
    assert v.problems == ("台账不全", "记录缺失", "证照过期")  # type: ignore[attr-defined]
    assert v.date == dt.date(2022, 12, 10)  # type: ignore[attr-defined]
    assert v.evidence == ()  # type: ignore[attr-defined]


def test_excel_file_per_table(tmp_path: Path) -> None:
    ledger = Ledger.from_records(small_ledger_records())
    book = write_excel(ledger, tmp_path / "all.xlsx")
    import polars as pl

    frames = pl.read_excel(book, sheet_id=0)
    for name, frame in frames.items():
        frame.write_excel(tmp_path / "per" / f"{name}.xlsx") if (tmp_path / "per").exists() else (
            (tmp_path / "per").mkdir(),
            frame.write_excel(tmp_path / "per" / f"{name}.xlsx"),
        )
    assert load_ledger(tmp_path / "per", as_of=AS_OF).ledger == ledger


def test_rich_progress_bar(tmp_path: Path) -> None:
    import io

    from rich.console import Console

    from foodsafety.ledger import rich_progress

    write_parquet(Ledger.from_records(small_ledger_records()), tmp_path)
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    with rich_progress("Loading Anyang", console=console) as progress:
        result = load_ledger(tmp_path, as_of=AS_OF, progress=progress)
    assert result.ok
    assert "Loading Anyang" in out.getvalue()


def test_chinese_headers_simplified_or_traditional_are_read_as_the_columns(
    tmp_path: Path,
) -> None:
    import polars as pl

    from foodsafety.ledger.schema import COLUMN_LABELS

    ledger = Ledger.from_records(small_ledger_records())
    write_csv(ledger, tmp_path / "zh", headers="zh")
    text = pl.read_csv(tmp_path / "zh" / "visits.csv", infer_schema=False)
    assert text.columns[:2] == ["督导编号", "督导日期"]  # the seed's 《督查情况登记表》 terms
    # every header in its traditional form (the second label), with stray spaces
    hant = {
        COLUMN_LABELS["visits"][c][0]: f" {COLUMN_LABELS['visits'][c][1]} "
        for c in COLUMN_LABELS["visits"]
    }
    text.rename(hant).write_csv(tmp_path / "zh" / "visits.csv")
    result = load_ledger(tmp_path / "zh", as_of=AS_OF)
    assert result.ok, result.report.summary()
    assert result.ledger == ledger


def test_a_problem_names_the_files_chinese_header_and_the_records_field(
    tmp_path: Path,
) -> None:
    import polars as pl

    ledger = Ledger.from_records(small_ledger_records())
    write_csv(ledger, tmp_path / "zh", headers="zh")
    path = tmp_path / "zh" / "businesses.csv"
    text = pl.read_csv(path, infer_schema=False)
    text.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit("2022-02-30"))
        .otherwise(pl.col("开业日期"))
        .alias("开业日期")
    ).write_csv(path)
    result = load_ledger(tmp_path / "zh", as_of=AS_OF)
    bad = [p for p in result.report if p.code == "date.invalid"]
    assert [(p.row, p.column, p.field) for p in bad] == [(1, "开业日期", "opened")]


def test_two_headers_for_one_column_are_a_load_error(tmp_path: Path) -> None:
    import polars as pl

    ledger = Ledger.from_records(small_ledger_records())
    write_csv(ledger, tmp_path / "csv")
    path = tmp_path / "csv" / "cadres.csv"
    text = pl.read_csv(path, infer_schema=False)
    text.with_columns(pl.col("name").alias("姓名")).write_csv(path)
    with pytest.raises(LoadError) as info:
        load_ledger(tmp_path / "csv", as_of=AS_OF)
    assert info.value.code == "load.duplicate_column"
    assert "'name'" in str(info.value) and "'姓名'" in str(info.value)


def test_headers_must_be_code_or_zh(tmp_path: Path) -> None:
    ledger = Ledger.from_records(small_ledger_records())
    with pytest.raises(LoadError) as info:
        write_csv(ledger, tmp_path / "x", headers="en")  # type: ignore[arg-type]
    assert info.value.code == "write.headers"


def test_chinese_headers_hold_in_every_slice_of_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import foodsafety.ledger.io as ledger_io

    ledger = Ledger.from_records(small_ledger_records())
    write_csv(ledger, tmp_path / "zh", headers="zh")
    monkeypatch.setattr(ledger_io, "_CSV_SLICE_BYTES", 200)  # a few rows a slice
    result = load_ledger(tmp_path / "zh", as_of=AS_OF)
    assert result.ok, result.report.summary()
    assert result.ledger == ledger
