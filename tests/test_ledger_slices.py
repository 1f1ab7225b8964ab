"""Large ledger files are read and checked a slice of rows at a time (foodsafety.ledger.io):
the slices give exactly the cells of a whole read, and the load the same problems (codes,
rows, columns, values, order) and the same kept rows as one whole slice, wherever the slices
fall: a repeated key split across two slices is caught, rows are numbered as in the file, a
list cell only the cell-by-cell parser judges is judged so in every slice."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import foodsafety.ledger.io as ledger_io
from foodsafety.errors import LoadError
from foodsafety.ledger import Ledger, load_ledger, write_csv, write_parquet
from foodsafety.ledger._validate import numbered
from foodsafety.testing import ledgers

AS_OF = dt.date(2023, 1, 1)
BAD = Path(__file__).parent / "data" / "bad" / "ledger"
WHOLE = 1 << 40  # a slice larger than any file: each file is read whole


@pytest.fixture
def slices(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``slices(csv_bytes, parquet_rows)`` sets the slice sizes of the loader."""

    def set_sizes(csv_bytes: int, parquet_rows: int) -> None:
        monkeypatch.setattr(ledger_io, "_CSV_SLICE_BYTES", csv_bytes)
        monkeypatch.setattr(ledger_io, "_PARQUET_SLICE_ROWS", parquet_rows)

    return set_sizes


def _problems(report: Any) -> list[dict[str, Any]]:
    return [p.to_dict() for p in report]


def _same_load(
    path: Path, slices: Any, csv_bytes: int, parquet_rows: int, as_of: dt.date = AS_OF
) -> Any:
    """Load ``path`` whole and in slices; assert the same tables and problems; return it."""
    slices(WHOLE, WHOLE)
    whole, whole_report = load_ledger(path, as_of=as_of)
    slices(csv_bytes, parquet_rows)
    sliced, sliced_report = load_ledger(path, as_of=as_of)
    assert _problems(sliced_report) == _problems(whole_report)
    for table, frame in whole.tables.items():
        assert sliced.tables[table].schema == frame.schema, table
        assert sliced.tables[table].equals(frame), table
    return sliced, sliced_report


# -- the CSV slicer --------------------------------------------------------------------------

_CELL = st.text(alphabet=st.sampled_from('ab ,"\n\r;[]中\t'), max_size=6) | st.none()


@st.composite
def _csv_files(draw: st.DrawFn) -> bytes:
    width = draw(st.integers(1, 3))
    rows = draw(st.lists(st.lists(_CELL, min_size=width, max_size=width), max_size=12))
    text = io.StringIO()
    writer = csv.writer(
        text,
        lineterminator=draw(st.sampled_from(["\n", "\r\n"])),
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
    )
    writer.writerow([f"c{i}" for i in range(width)])
    for row in rows:
        writer.writerow(["" if c is None else c for c in row])
    body = text.getvalue()
    # what people's files have too: blank lines, a missing last line break, a stray quote
    if draw(st.booleans()) and rows:
        lines = body.split("\n")
        at = draw(st.integers(1, len(lines) - 1))
        body = "\n".join(
            [*lines[:at], draw(st.sampled_from(["", '"', 'x"y', "a,b,c,d"])), *lines[at:]]
        )
    if draw(st.booleans()):
        body = body.rstrip("\r\n")
    bom = "\ufeff" if draw(st.booleans()) else ""
    return (bom + body).encode("utf-8")


def _read_whole(path: Path) -> pl.DataFrame | str:
    try:
        return numbered(ledger_io._read_csv(path, str(path), None))
    except LoadError as exc:
        return exc.code


def _read_sliced(path: Path, size: int) -> pl.DataFrame | str:
    try:
        frames = list(ledger_io._csv_slices(path, str(path), size))
    except LoadError as exc:
        return exc.code
    return pl.concat(frames, how="vertical")


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=_csv_files(), size=st.integers(1, 40))
def test_csv_slices_hold_the_cells_of_a_whole_read(data: bytes, size: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "t.csv"
        path.write_bytes(data)
        whole = _read_whole(path)
        sliced = _read_sliced(path, size)
    if isinstance(whole, str) or isinstance(sliced, str):
        # an unreadable file is unreadable in slices too, with the same reason
        event("unreadable")
        assert whole == sliced
        return
    event("sliced" if sliced.height > 1 else "one row or none")
    assert sliced.columns == whole.columns
    assert sliced.equals(whole)


# -- a load in slices is the load whole ----------------------------------------------------------


@pytest.mark.parametrize("size", [1, 60, 400])
def test_the_malformed_corpus_loads_alike_in_slices(slices: Any, size: int) -> None:
    _, report = _same_load(BAD, slices, size, 1)
    assert len(report) == 20  # tests/test_io_bad.py EXPECTED: every problem, once


def _set(frame: pl.DataFrame, row: int, column: str, value: Any) -> pl.DataFrame:
    """``frame`` with the cell of data row ``row`` (1-based) in ``column`` set to ``value``."""
    at = pl.int_range(pl.len()) == row - 1
    return frame.with_columns(
        pl.when(at)
        .then(pl.lit(value, dtype=frame.schema[column]))
        .otherwise(pl.col(column))
        .alias(column)
    )


@pytest.fixture(scope="module")
def sample() -> Ledger:
    from foodsafety.samples import province

    tables = province(
        seed=0, code="410500", n_businesses=800, n_cadres=300, policy="anyang_2022"
    ).tables
    return Ledger.from_frames(**tables)


@pytest.fixture(scope="module")
def corrupted(sample: Ledger, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The sample's tables as text with a mistake in rows of the first, middle and last
    slices, as CSV and Parquet files; and where the mistakes are."""
    directory = tmp_path_factory.mktemp("corrupted")
    write_csv(sample, directory / "clean")
    text = {
        t: pl.read_csv(directory / "clean" / f"{t}.csv", infer_schema=False) for t in sample.tables
    }
    v, r, b = text["visits"], text["routines"], text["businesses"]
    v = _set(v, 10, "date", "2022-13-45")
    v = _set(v, 1500, "visit_id", v["visit_id"][19])  # row 20's id, many slices later
    v = _set(v, 2000, "cadre_id", "SYN-NOBODY")
    v = _set(v, 2500, "follow_up_of", v["visit_id"][1999])  # follows up a dropped visit
    v = _set(v, 30, "problems", '["a", 1]')  # a list to polars, not to the cell parser
    v = _set(v, 3000, "problems", "[")  # ... which the whole file is then parsed by
    v = _set(v, 40, "mode", "飞行检查")
    v = _set(v, 3300, "results", "整改到位")  # a column empty but in one late row
    daily = r.with_row_index("i").filter(pl.col("routine") == "daily")["i"][120] + 1
    r = _set(r, daily, "signer_post", "principal")
    for column in r.columns:  # row 10 again
        r = _set(r, 3000, column, r[column][9])
    uscc = b["uscc"][699]
    b = _set(b, 700, "uscc", uscc[:-1] + ("0" if uscc[-1] != "0" else "1"))
    b = _set(b, 750, "uscc", b["uscc"][2])
    text.update(visits=v, routines=r, businesses=b)
    for fmt in ("csv", "parquet"):
        (directory / fmt).mkdir()
        for table, frame in text.items():
            if fmt == "csv":
                frame.write_csv(directory / fmt / f"{table}.csv")
            else:  # text columns, in row groups of 64 rows
                frame.write_parquet(directory / fmt / f"{table}.parquet", row_group_size=64)
    # a blank line in the middle of the routines (a row of empty cells)
    target = directory / "csv" / "routines.csv"
    lines = target.read_text("utf-8").split("\n")
    target.write_text("\n".join([*lines[:1700], "", *lines[1700:]]), "utf-8")
    return {"dir": directory, "daily": daily, "visit_20": v["visit_id"][19]}


def _at(report: Any, table: str, row: int) -> set[tuple[str, str | None]]:
    return {(p.code, p.column) for p in report if table in (p.source or "") and p.row == row}


@pytest.mark.parametrize(("csv_bytes", "parquet_rows"), [(20_000, 97), (90_000, 700)])
def test_mistakes_in_every_slice_are_reported_as_in_a_whole_load(
    corrupted: dict[str, Any], slices: Any, csv_bytes: int, parquet_rows: int
) -> None:
    for fmt in ("csv", "parquet"):
        ledger, report = _same_load(corrupted["dir"] / fmt, slices, csv_bytes, parquet_rows)
        # not vacuous: the mistakes of the first, middle and last slices are all there
        assert ("date.invalid", "date") in _at(report, "visits", 10)
        assert ("list.invalid", "problems") in _at(report, "visits", 30)
        assert ("list.invalid", "problems") in _at(report, "visits", 3000)
        assert ("vocab.unlisted", "mode") in _at(report, "visits", 40)
        assert ("ref.cadre_missing", "cadre_id") in _at(report, "visits", 2000)
        assert ("ref.visit_missing", "follow_up_of") in _at(report, "visits", 2500)
        assert ("routine.signer_post", "signer_post") in _at(report, "routines", corrupted["daily"])
        assert ("uscc.checksum", "uscc") in _at(report, "businesses", 700)
        assert ("key.duplicate", "uscc") in _at(report, "businesses", 750)
        assert ("key.duplicate", "uscc") in _at(report, "routines", 3000 + (fmt == "csv"))
        duplicate = [
            p for p in report if p.code == "key.duplicate" and "visits" in (p.source or "")
        ]
        assert [(p.row, p.value) for p in duplicate] == [(1500, corrupted["visit_20"])]
        assert "row 20" in duplicate[0].message
        if fmt == "csv":  # the blank line: a row of missing cells, numbered in the file
            assert ("value.missing", "uscc") in _at(report, "routines", 1700)
        assert ledger.visits["results"].drop_nulls().to_list() == ["整改到位"]


def test_dangling_rows_of_a_clean_table_are_numbered_as_in_the_file(
    sample: Ledger, slices: Any, tmp_path: Path
) -> None:
    # No row of the visits is bad by itself, so the table keeps no row numbers (its rows are
    # 1..n); the rows dropped as dangling, one check after another, are numbered from their
    # positions and the rows dropped before them.
    v = sample.visits
    ids = v["visit_id"]
    followed = set(v["follow_up_of"].drop_nulls())
    # rows no visit follows up (so that only the chains made here dangle), near the wanted ones
    free = [i + 1 for i, visit in enumerate(ids) if visit not in followed]
    a, b, c, d, e = (next(r for r in free if r >= want) for want in (5, 1000, 2000, 2500, 2600))
    f = next(r for r in free if r > e)
    for row in (a, b, c):
        v = _set(v, row, "cadre_id", "SYN-NOBODY")
    v = _set(v, d, "follow_up_of", ids[b - 1])  # follows up a dropped visit
    v = _set(v, e, "follow_up_of", ids[d - 1])  # follows up that one, dropped in turn
    v = _set(v, f, "follow_up_of", ids[e - 1])  # ... and so on
    tables = dict(sample.tables, visits=v)
    for table, frame in tables.items():
        frame.write_parquet(tmp_path / f"{table}.parquet", row_group_size=50)
    ledger, report = _same_load(tmp_path, slices, 1, 333)
    visits = [(p.code, p.row) for p in report if "visits" in (p.source or "")]
    assert visits == [
        ("ref.cadre_missing", a),
        ("ref.cadre_missing", b),
        ("ref.cadre_missing", c),
        ("ref.visit_missing", d),
        ("ref.visit_missing", e),
        ("ref.visit_missing", f),
    ]
    assert ledger.visits.height == v.height - 6
    assert not set(ledger.visits["visit_id"]) & {ids[i - 1] for i in (a, b, c, d, e, f)}


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    ledger=ledgers(min_businesses=1, max_businesses=3, max_visits=6, max_routines=6),
    repeat=st.sampled_from(["visits", "routines", "assignments", "businesses"]),
    csv_bytes=st.integers(100, 400),
    parquet_rows=st.integers(2, 5),
)
def test_any_ledger_with_a_repeated_row_loads_alike_in_slices(
    ledger: Ledger, repeat: str, csv_bytes: int, parquet_rows: int
) -> None:
    frame = ledger.tables[repeat]
    if frame.height:  # its first row again at the end, slices away: a repeated key
        ledger = Ledger.from_frames(**dict(ledger.tables, **{repeat: frame.vstack(frame.head(1))}))
    with pytest.MonkeyPatch.context() as patch:
        for write in (write_csv, write_parquet):
            with tempfile.TemporaryDirectory() as d:
                write(ledger, d)
                _, report = _same_load(
                    Path(d),
                    lambda c, p: (
                        patch.setattr(ledger_io, "_CSV_SLICE_BYTES", c),
                        patch.setattr(ledger_io, "_PARQUET_SLICE_ROWS", p),
                    ),
                    csv_bytes,
                    parquet_rows,
                    as_of=dt.date(2026, 1, 1),  # (the drawn ledgers' dates are all before)
                )
            if frame.height:
                assert [p.row for p in report if p.code == "key.duplicate"] == [frame.height + 1]


# -- division codes judged in bulk -------------------------------------------------------------


def _codes() -> list[str]:
    from foodsafety.registry import registry

    return [d.code for d in registry()]


_KNOWN = _codes()
_DIGITS = st.text(alphabet="0123456789", min_size=3, max_size=3)
_DIVISION_LIKE = st.one_of(
    st.sampled_from(_KNOWN),
    st.tuples(st.sampled_from(_KNOWN), _DIGITS).map("".join),  # villages, some 000
    st.tuples(st.sampled_from(_KNOWN), _DIGITS, _DIGITS).map("".join),
    st.text(alphabet="0123456789", min_size=5, max_size=13),
    st.text(alphabet="0019０１ -", min_size=6, max_size=12),  # full-width digits, separators
)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(_DIVISION_LIKE, min_size=1, max_size=30))
def test_division_codes_accepted_in_bulk_are_accepted_one_by_one(values: list[str]) -> None:
    from foodsafety.ledger._validate import _check_division, _division_fast, _registry_check

    series = pl.Series(values, dtype=pl.Utf8)
    for known in (None, {}):
        accepted = _division_fast(series, known)
        for value, fast in zip(values, accepted.to_list(), strict=True):
            if fast:  # canonical as it is, and (when asked) in the registry
                assert _check_division(value) == value
                assert known is None or _registry_check(value) is None
    # the usual case is the fast one: a village of a listed township
    village = next(c for c in _KNOWN if len(c) == 9) + "123"
    assert _division_fast(pl.Series([village]), {}).to_list() == [True]


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(
        st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x85\xa0\u1680\u180e\u200b\u2028\u3000\ufeffa中")
        | st.none(),
        max_size=20,
    )
)
def test_untidy_cells_are_found_as_the_white_space_regex_finds_them(
    values: list[str | None],
) -> None:
    # _prepare strips a text column when stripping would change a cell; that must be the
    # cells with white space (regex \\s) at either end
    series = pl.Series(values, dtype=pl.Utf8)
    by_regex = series.str.contains(r"^\s|\s$").fill_null(False)
    by_strip = (series.str.strip_chars() != series).fill_null(False)
    assert by_regex.to_list() == by_strip.to_list()
