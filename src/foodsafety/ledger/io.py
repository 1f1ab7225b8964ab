"""Reading and writing a pairing ledger (包保台账) as CSV, JSON Lines, Parquet and Excel files.

A ledger on disk is one file per table named after it (``businesses.csv``, ``cadres.csv``,
``assignments.csv``, ``pledges.csv``, ``visits.csv``, ``routines.csv``) in a directory, or one
Excel workbook with one sheet per table. Tables that are absent are empty. Loading checks every
row and returns a :class:`LoadResult` (``ledger, report = load_ledger(path)``): every valid row
is kept, every bad one is in the report with its file, row, column, value and reason code.

Row numbers in problems are **data row numbers, starting at 1, with the header not counted**:
row 1 is the first line after the CSV header (spreadsheet row 2 in Excel), the first line of a
JSON Lines file, the first row of a Parquet file.

An empty JSON Lines file is an empty table (the format has no header); an empty CSV, Parquet
or Excel file is a :class:`~foodsafety.errors.LoadError` (a CSV table needs at least its header).

Memory: a large CSV or Parquet file is read and checked a slice of rows at a time (24 MiB of
CSV text, 500,000 Parquet rows), so that the raw text of one slice, not of a four-million-row
file, sits next to the checked tables; the problems and the kept rows are the same as from a
whole read. A province of a million businesses loads in about 1.8 GiB (bench/load_scale.py).

Encodings: CSV files are read as UTF-8 with or without a byte-order mark. Files saved by older
Chinese software are often GBK/GB18030; they are detected and rejected with a located
:class:`~foodsafety.errors.LoadError` that says how to read them (``encoding="gbk"``); they are
never decoded by guesswork.

Lists (``licences``, ``officers``, ``problems``, ``evidence``) are written to CSV and Excel cells
as JSON arrays (``["SC11041050200011","SC11041050200012"]``); when reading, a cell may also
hold items separated by ``;`` (or the full-width ``；``), as people type them. Dates are ISO
``YYYY-MM-DD`` (``YYYY/MM/DD`` and Excel dates are read too). Booleans are ``true``/``false``
(``是``/``否``, ``1``/``0`` are read too).
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import attrs

from foodsafety._atomic import atomic_open, atomic_path
from foodsafety.errors import BulkValidationError, LoadError, ProblemReport, polars_guard, require
from foodsafety.ledger._cells import (
    check_excel_text,
    escape_formulas,
    excel_workbook,
    formula_cells,
    unescape_formulas,
)
from foodsafety.ledger._ledger import Ledger
from foodsafety.ledger._validate import (
    DATE_RANGE,
    ROW,
    Progress,
    RowBatches,
    mark_column,
    validate_tables,
)
from foodsafety.ledger._validate import numbered as _numbered
from foodsafety.ledger._validate import numbered_in_chunks as _numbered_in_chunks
from foodsafety.ledger.schema import COLUMN_LABELS, TABLES

if TYPE_CHECKING:
    import polars as pl
    from rich.console import Console

    from foodsafety.rules.import_profile import ImportProfile

__all__ = [
    "FORMATS",
    "LoadResult",
    "load_ledger",
    "read_table",
    "rich_progress",
    "write_csv",
    "write_excel",
    "write_json_lines",
    "write_ledger",
    "write_parquet",
]

Format = Literal["csv", "jsonl", "parquet", "excel"]
_T = TypeVar("_T")

#: file suffix -> format.
FORMATS: dict[str, Format] = {
    ".csv": "csv",
    ".txt": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "excel",
    ".xlsm": "excel",
}

_SUFFIX: dict[str, str] = {
    "csv": ".csv",
    "jsonl": ".jsonl",
    "parquet": ".parquet",
    "excel": ".xlsx",
}


def _pl() -> None:
    require("polars", extra="data", feature="reading and writing ledgers")


def _check_file(path: Path, source: str) -> None:
    """Raise a located LoadError unless ``path`` is a regular file that can be opened.

    A dangling or looping symbolic link, a directory, a device or pipe, or a file that
    cannot be opened is never taken for an absent table.
    """
    import errno
    import stat as st

    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LoadError(
                "the file is a symbolic link that loops (it leads back to itself)",
                code="load.link_loop",
                message_zh="该文件是循环的符号链接",
                source=source,
            ) from None
        if os.path.islink(path):
            target = os.readlink(path)
            raise LoadError(
                f"the file is a symbolic link to {target!r}, which does not exist",
                code="load.dangling_link",
                message_zh=f"该文件是指向不存在的 {target!r} 的符号链接",
                source=source,
                value=target,
            ) from None
        if exc.errno == errno.ENOENT:
            raise LoadError("the file does not exist", code="load.missing", source=source) from None
        raise LoadError(
            f"the file cannot be read: {exc.strerror}",
            code="load.unreadable",
            source=source,
        ) from None
    if st.S_ISDIR(info.st_mode):
        raise LoadError(
            "a directory has the name of a table file; a table is one file",
            code="load.not_a_file",
            message_zh="该路径是目录，不是表格文件",
            source=source,
        )
    if not st.S_ISREG(info.st_mode):
        raise LoadError(
            "the path is not a regular file (a device, pipe or socket)",
            code="load.not_a_file",
            message_zh="该路径不是普通文件",
            source=source,
        )
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise LoadError(
            f"the file cannot be read: {exc.strerror}",
            code="load.unreadable",
            message_zh="无法读取该文件",
            source=source,
        ) from None


#: A file read as CSV text is scanned in blocks of this size for NUL bytes.
_SCAN_BLOCK = 16 << 20


def _first_nul(fh: io.BufferedReader, head: bytes) -> int:
    """The offset of the first NUL byte of the open file ``fh`` (-1: none); ``head`` is its
    beginning, already read.

    The file is mapped into memory and searched in place (a read copies each block into a
    new bytes object: five times slower on a file of half a gigabyte); a file that cannot be
    mapped is read a block at a time.
    """
    import mmap

    try:
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as view:
            return view.find(b"\x00")
    except (OSError, ValueError):  # (an empty file, a file system without mmap)
        pass
    offset, block = 0, head
    fh.seek(len(head))
    while block:
        at = block.find(b"\x00")
        if at >= 0:
            return offset + at
        offset += len(block)
        block = fh.read(_SCAN_BLOCK)
    return -1


def _check_csv_bytes(path: Path, source: str) -> None:
    """Raise a located LoadError for a CSV file that is not line-broken text: NUL bytes
    (a binary file, or UTF-16 text) or old Mac line endings (bare CR)."""
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise LoadError(
                "the file is UTF-16 text (Excel's 'Unicode text'); save it as CSV UTF-8",
                code="load.encoding",
                message_zh="文件为 UTF-16 编码；请另存为 CSV UTF-8",
                source=source,
                value="utf-16",
            )
        if b"\n" not in head and b"\r" in head.rstrip(b"\r"):
            raise LoadError(
                "the file's lines end in a bare CR (old Mac line endings), so it reads as one "
                "line: save it with LF or CRLF line endings",
                code="load.line_endings",
                message_zh="文件使用旧式 Mac 换行符（仅 CR）：请以 LF 或 CRLF 换行另存",
                source=source,
                row=1,
            )
        where = _first_nul(fh, head)
        if where >= 0:
            fh.seek(0)
            line = fh.read(where).count(b"\n") + 1
            raise LoadError(
                f"the file holds NUL bytes (the first at byte {where:,}, line {line}): it "
                "is a binary file, not CSV text",
                code="load.binary",
                message_zh=f"文件含有 NUL 字节（第 {line} 行）：是二进制文件，不是 CSV 文本",
                source=source,
                row=line,
            )


@attrs.frozen(slots=True)
class LoadResult:
    """What a load gives: the ledger of every valid row and the report of every bad one.

    Unpacks as a pair: ``ledger, report = load_ledger(path)``.
    """

    ledger: Ledger
    report: ProblemReport
    sources: dict[str, str] = attrs.field(factory=dict)

    def __iter__(self) -> Iterator[Any]:
        yield self.ledger
        yield self.report

    @property
    def ok(self) -> bool:
        """True when no error was found (warnings, whose rows were kept, may remain)."""
        return self.report.ok

    def to_dict(self) -> dict[str, Any]:
        """Counts of kept rows per table and of problems per reason code."""
        return {
            "rows": self.ledger.counts(),
            "problems": self.report.counts(),
            "sources": dict(self.sources),
        }


# -- reading -----------------------------------------------------------------------------


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode(data: bytes, source: str, encoding: str | None) -> str:
    """The text of a CSV file: UTF-8 (BOM optional), or the encoding the user names."""
    if encoding is not None and encoding.replace("-", "").replace("_", "").lower() not in (
        "utf8",
        "utf8sig",
    ):
        try:
            return data.decode(encoding)
        except LookupError:
            raise LoadError(
                f"unknown encoding {encoding!r} (use e.g. 'utf-8', 'gbk' or 'gb18030')",
                code="load.encoding",
                source=source,
                value=encoding,
            ) from None
        except UnicodeDecodeError as exc:
            line = _line_of(data, exc.start)
            raise LoadError(
                f"the file is not valid {encoding} text (byte {exc.start}, line {line})",
                code="load.encoding",
                message_zh=f"文件不是有效的 {encoding} 编码（第 {line} 行）",
                source=source,
                row=line,
                value=encoding,
            ) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        try:
            data.decode("gb18030")
            looks_gbk = True
        except UnicodeDecodeError:
            looks_gbk = False
        if looks_gbk:
            raise LoadError(
                f"the file is not UTF-8; it looks GBK/GB18030-encoded (first non-UTF-8 byte "
                f"at line {line}): convert it to UTF-8 or load it with encoding='gbk' "
                f"(CLI: --encoding gbk)",
                code="load.encoding_gbk",
                message_zh=f"文件不是 UTF-8 编码，疑似 GBK/GB18030 编码（第 {line} 行）："
                f"请转换为 UTF-8，或指定 encoding='gbk'",
                source=source,
                row=line,
                value="gbk",
            ) from None
        raise LoadError(
            f"the file is not UTF-8 text (first bad byte at line {line}); pass its encoding, "
            f"e.g. encoding='gb18030'",
            code="load.encoding",
            message_zh=f"文件不是 UTF-8 编码（第 {line} 行）",
            source=source,
            row=line,
        ) from None


def _empty_error(source: str) -> LoadError:
    return LoadError(
        "the file is empty (not even a header row); a table with no rows still needs its "
        "header (or leave the file out)",
        code="load.empty",
        message_zh="文件为空（连表头都没有）",
        source=source,
    )


def _is_blank(path: Path) -> bool:
    """True for a file with no content but whitespace and a byte-order mark."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    return len(head) < 4096 and not head.lstrip(b"\xef\xbb\xbf").strip()


def _is_utf8(encoding: str | None) -> bool:
    return encoding is None or encoding.replace("-", "").replace("_", "").lower() in (
        "utf8",
        "utf8sig",
    )


def _csv_error(exc: Exception, path: Path, source: str, utf8: bool) -> LoadError:
    if utf8 and "utf-8" in str(exc).lower():
        _decode(path.read_bytes(), source, None)  # raises the located encoding error
    return LoadError(
        f"the file is not a readable CSV table: {exc}",
        code="load.format",
        message_zh="无法按 CSV 表格读取该文件",
        source=source,
    )


def _read_csv(path: Path, source: str, encoding: str | None) -> pl.DataFrame:
    import polars as pl

    if _is_blank(path):
        raise _empty_error(source)
    utf8 = _is_utf8(encoding)
    if utf8 or not any(w in (encoding or "") for w in ("16", "32")):
        _check_csv_bytes(path, source)
    try:
        if utf8:
            # polars reads UTF-8 (BOM or not) straight from the file; other bytes make it fail
            frame: pl.DataFrame = pl.read_csv(path, infer_schema=False)
        else:
            text = _decode(path.read_bytes(), source, encoding)
            frame = pl.read_csv(io.BytesIO(text.encode("utf-8")), infer_schema=False)
    except LoadError:
        raise
    except Exception as exc:  # polars raises several types for malformed CSV
        raise _csv_error(exc, path, source, utf8) from None
    return unescape_formulas(frame)


#: A CSV file of more than this many bytes, or a Parquet file of more than this many rows, is
#: read and checked a slice at a time: the raw text of a four-million-row visits file and the
#: working copies of its checks would otherwise sit next to the checked ledger (about 1.5 GiB
#: for a million businesses) and take the load past 2 GiB.
_CSV_SLICE_BYTES = 24 << 20
_PARQUET_SLICE_ROWS = 500_000


def _row_numbers(frame: pl.DataFrame, start: int = 1, *, rechunk: bool = True) -> pl.DataFrame:
    # A slice's columns come in as many chunks as polars used threads (CSV) or row groups
    # (Parquet); the row numbers must be chunked as they are (see _validate.aligned). A CSV
    # slice is made one chunk (its many small chunks would slow the tables down); a Parquet
    # slice keeps its row groups' chunks (no copy). As in read_table, a __row__ column the
    # file brings is taken as the row numbers.
    if ROW in frame.columns:
        return frame.rechunk() if rechunk else frame
    return _numbered(frame.rechunk(), start) if rechunk else _numbered_in_chunks(frame, start)


def _share_repeats(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with each text column of long values often repeated (``合成：任务清单已落实``
    on every visit, a business's USCC on each of its daily records) holding each value once,
    every cell pointing at it.

    polars stores a text cell of more than 12 bytes apart from the 16 bytes every cell takes;
    a CSV reader stores every cell's own copy, a Parquet reader one copy per distinct value.
    The cells are the same; a million-business ledger read from CSV is some 300 MiB smaller.
    """
    import polars as pl

    out = []
    for column in frame.get_columns():
        if column.dtype == pl.Utf8 and column.len() > 1024:
            head = column.head(1024).drop_nulls()
            long = head.len() and (head.str.len_bytes() > 12).any()
            if long and head.n_unique() <= head.len() // 2:
                values = column.drop_nulls().unique()
                # (one value in every cell: the checked table holds it once anyway)
                constant = values.len() == 1 and not column.null_count()
                if values.len() <= column.len() // 4 and not constant:
                    # a fresh series: the distinct values in a buffer of their own
                    values = pl.Series(column.name, values.to_list(), dtype=pl.Utf8)
                    at = (
                        column.to_frame("v")
                        .join(
                            values.to_frame("v").with_row_index("i"),
                            on="v",
                            how="left",
                            maintain_order="left",
                        )
                        .get_column("i")
                    )
                    column = values.gather(at)
        out.append(column)
    return pl.DataFrame(out)


def _first_row_end(data: bytes) -> int:
    """The index just past the first line break of ``data`` that is outside quotes (0: none).

    A line break is outside quotes when an even number of quote characters come before it
    (a quote inside a quoted cell is written twice), which is how polars itself splits rows.
    """
    pos = data.find(b"\n")
    quotes = data.count(b'"', 0, max(pos, 0))
    while pos >= 0 and quotes % 2:
        nxt = data.find(b"\n", pos + 1)
        if nxt < 0:
            return 0
        quotes += data.count(b'"', pos + 1, nxt)
        pos = nxt
    return pos + 1


def _last_row_end(data: bytes, odd: bool = False) -> int:
    """The index just past the last line break of ``data`` outside quotes (0: none); ``data``
    follows the beginning of a row and an ``odd`` number of quotes."""
    pos = data.rfind(b"\n")
    if pos < 0:
        return 0
    quotes = odd + data.count(b'"', 0, pos)
    while quotes % 2:
        prev = data.rfind(b"\n", 0, pos)
        if prev < 0:
            return 0
        quotes -= data.count(b'"', prev + 1, pos)
        pos = prev
    return pos + 1


def _csv_slices(path: Path, source: str, size: int) -> Iterator[pl.DataFrame]:
    """The rows of a UTF-8 CSV file, numbered, as frames of about ``size`` bytes of text.

    Each slice is whole rows (cut at a line break outside quotes) parsed by polars under the
    file's header line, so it gives the very cells a read of the whole file gives. A file no
    larger than ``size`` is read whole.
    """
    import polars as pl

    if _is_blank(path) or path.stat().st_size <= size:
        yield _row_numbers(_share_repeats(_read_csv(path, source, None)))
        return
    _check_csv_bytes(path, source)
    with path.open("rb") as fh:
        header = fh.read(min(size, 1 << 20))
        head = _first_row_end(header)
        if head == 0:  # a header line of more than a megabyte: not worth slicing
            yield _row_numbers(_read_csv(path, source, None))
            return
        header = header[:head]
        fh.seek(head)
        carry = b""  # the start of a row cut by the end of the last block read
        start, at_end = 1, False
        while not at_end:
            more = fh.read(size)
            at_end = not more
            cut = 0 if at_end else _last_row_end(more, carry.count(b'"') % 2 == 1)
            if cut == 0 and not at_end:
                carry += more  # a row longer than a slice: read on
                continue
            if at_end and not carry and start > 1:
                return  # the previous slice ended the file
            # one copy of the block: the header, the cut row, the whole rows of the block
            text = b"".join((header, carry, memoryview(more)[:cut]))
            carry = more[cut:]
            del more
            try:
                frame: pl.DataFrame = pl.read_csv(text, infer_schema=False)
            except Exception as exc:  # polars raises several types for malformed CSV
                raise _csv_error(exc, path, source, True) from None
            del text
            frame = unescape_formulas(frame)
            start += frame.height
            # rebound, not kept aside: the slice as read is freed while this one is checked
            frame = _row_numbers(_share_repeats(frame), start - frame.height)
            yield frame
            del frame


def _read_jsonl(path: Path, source: str) -> pl.DataFrame:
    import polars as pl

    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        # JSON Lines has no header: a file without lines is a table without rows
        return pl.DataFrame()
    body = data.rstrip(b"\r\n")
    no_blank_lines = b"\n\n" not in body and b"\n\r\n" not in body and not body[:1].isspace()
    if no_blank_lines and not body.lstrip().startswith(b"["):
        try:
            # infer from every line: a column that is empty in the first hundred is common
            frame: pl.DataFrame = pl.read_ndjson(io.BytesIO(data), infer_schema_length=None)
        except Exception:  # mixed types, a bad line, bad bytes: take the slow, locating path
            pass
        else:
            # polars reads a column of text and arrays or objects as text, the arrays and
            # objects as their JSON: only the slow path can tell '["a"]' from ["a"]
            text = [c for c, d in frame.schema.items() if d == pl.Utf8]
            mixed = (
                text
                and frame.select(
                    pl.any_horizontal(
                        pl.col(c).str.starts_with("[").any() | pl.col(c).str.starts_with("{").any()
                        for c in text
                    )
                ).item()
            )
            if not mixed:
                return _numbered(frame)
    lines = _decode(data, source, None).split("\n")
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LoadError(
                f"line {number} is not a JSON object: {exc.msg}",
                code="load.json",
                message_zh=f"第 {number} 行不是有效的 JSON",
                source=source,
                row=number,
            ) from None
        if not isinstance(obj, dict):
            raise LoadError(
                f"line {number} must be a JSON object (got {type(obj).__name__})",
                code="load.json",
                source=source,
                row=number,
            )
        row: dict[str, Any] = {}
        for k, v in obj.items():
            if v is None or isinstance(v, list | dict):
                row[k] = v
            elif isinstance(v, bool):
                row[k] = "true" if v else "false"
            else:
                row[k] = str(v)
        row[ROW] = number
        rows.append(row)
    columns: dict[str, None] = {}
    for r in rows:
        columns.update(dict.fromkeys(r))
    out: dict[str, list[Any]] = {c: [r.get(c) for r in rows] for c in columns}
    series = []
    for c, values in out.items():
        if c == ROW:
            series.append(pl.Series(c, values, dtype=pl.Int64))
        elif any(isinstance(v, list | dict) for v in values):
            if all(
                v is None
                or (isinstance(v, list) and all(isinstance(x, str) or x is None for x in v))
                for v in values
            ):
                series.append(pl.Series(c, values, dtype=pl.List(pl.Utf8)))
                continue
            # arrays or objects among text: each such cell as its JSON, and marked, so
            # that a text column reports it (value.nested) and a list column decodes it
            shown = [
                json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else None
                for v in values
            ]
            series.append(
                pl.Series(
                    c,
                    [v if s is None else s for v, s in zip(values, shown, strict=True)],
                    dtype=pl.Utf8,
                )
            )
            series.append(pl.Series(mark_column("value.nested", c), shown, dtype=pl.Utf8))
        else:
            series.append(pl.Series(c, values, dtype=pl.Utf8))
    if not series:
        raise _empty_error(source)
    return pl.DataFrame(series)


def _parquet(read: Callable[[], _T], path: Path, source: str) -> _T:
    """``read()`` of a Parquet file at ``path``; an empty or unreadable file as a LoadError."""
    if path.stat().st_size == 0:
        raise _empty_error(source)
    try:
        return read()
    except Exception as exc:
        raise LoadError(
            f"the file is not a readable Parquet file: {exc}",
            code="load.format",
            source=source,
        ) from None


def _read_parquet(path: Path, source: str) -> pl.DataFrame:
    import polars as pl

    return _parquet(lambda: pl.read_parquet(path), path, source)


def _parquet_slices(path: Path, source: str, rows: int) -> Iterator[pl.DataFrame]:
    """The rows of a Parquet file, numbered, as frames of ``rows`` rows (the file whole when it
    has no more)."""
    import polars as pl

    height: int = _parquet(
        lambda: pl.scan_parquet(path).select(pl.len()).collect().item(), path, source
    )
    if height <= rows:
        yield _row_numbers(_read_parquet(path, source), rechunk=False)
        return
    for start in range(0, height, rows):
        part = pl.scan_parquet(path).slice(start, rows)
        frame: pl.DataFrame = _parquet(part.collect, path, source)
        frame = _row_numbers(frame, start + 1, rechunk=False)  # (the slice as read is freed)
        yield frame
        del frame


def _read_excel_sheets(path: Path, source: str) -> dict[str, pl.DataFrame]:
    """Every sheet of a workbook as text; a formula cell is marked (``excel.formula``)."""
    import polars as pl

    _check_file(path, source)
    if path.stat().st_size == 0:
        raise _empty_error(source)
    require("fastexcel", extra="data", feature="reading Excel ledgers")
    formulas = formula_cells(path, source)  # (and the zip-bomb check, before any unpacking)
    try:
        sheets: dict[str, pl.DataFrame] = pl.read_excel(
            path, sheet_id=0, infer_schema_length=0, raise_if_empty=False
        )
    except Exception as exc:
        raise LoadError(
            f"the file is not a readable Excel workbook: {exc}",
            code="load.format",
            source=source,
        ) from None
    for name, cells in formulas.items():
        frame = sheets.get(name)
        if frame is None or frame.width == 0:
            continue
        marks: dict[str, list[str | None]] = {}
        for row, column, formula in cells:
            if row < 1 or row > frame.height or column > frame.width:
                continue  # (a formula in the header row: the header is reported if wrong)
            header = frame.columns[column - 1]
            cells_of = marks.setdefault(header, [None] * frame.height)
            cells_of[row - 1] = formula
        sheets[name] = frame.with_columns(
            pl.Series(mark_column("excel.formula", h), v, dtype=pl.Utf8) for h, v in marks.items()
        )
    return sheets


@polars_guard("reading a table file")
def read_table(
    path: str | os.PathLike[str],
    *,
    format: Format | None = None,
    encoding: str | None = None,
) -> pl.DataFrame:
    """Read one table file as it is (no checks), with a ``__row__`` column of data row numbers.

    Raises:
        LoadError: the file is missing, empty, in an unknown format or wrongly encoded.
    """

    p = Path(path)
    source = str(p)
    _check_file(p, source)
    fmt = format or FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise LoadError(
            f"cannot tell the format of {p.name!r} from its suffix (use .csv, .jsonl, "
            f".parquet or .xlsx, or pass format=)",
            code="load.format",
            source=source,
            value=p.suffix,
        )
    if fmt == "csv":
        frame = _read_csv(p, source, encoding)
    elif fmt == "jsonl":
        frame = _read_jsonl(p, source)
    elif fmt == "parquet":
        frame = _read_parquet(p, source)
    else:
        sheets = _read_excel_sheets(p, source)
        if not sheets:
            raise _empty_error(source)
        frame = next(iter(sheets.values()))
        if frame.width == 0:
            raise _empty_error(source)
    if ROW not in frame.columns:
        frame = _numbered(frame)
    return frame


def _discover(path: Path) -> dict[str, Path]:
    """The table files of a directory: ``businesses.csv``, ``Cadres.CSV``... (names are
    matched without regard to case). A directory entry of such a name is a table file even
    when it cannot be read (a directory, a dangling link): loading it reports why."""
    names = {f"{table}{suffix}": table for table in TABLES for suffix in FORMATS}
    entries: dict[str, list[Path]] = {}
    try:
        listing = sorted(os.listdir(path))
    except OSError as exc:
        raise LoadError(
            f"the directory cannot be read: {exc.strerror}",
            code="load.unreadable",
            source=str(path),
        ) from None
    for name in listing:
        table = names.get(name.lower())
        if table is not None:
            entries.setdefault(table, []).append(path / name)
    found: dict[str, Path] = {}
    for table in TABLES:
        present = entries.get(table, [])
        if len(present) > 1:
            raise LoadError(
                f"the directory holds the {table} table twice "
                f"({', '.join(c.name for c in present)}); keep one",
                code="load.ambiguous",
                source=str(path),
                value=table,
            )
        if present:
            found[table] = present[0]
    return found


@polars_guard("loading the ledger")
def load_ledger(
    path: str | os.PathLike[str] | Mapping[str, str | os.PathLike[str]],
    *,
    format: Format | None = None,
    encoding: str | None = None,
    as_of: date | None = None,
    strict: bool = False,
    check_registry: bool = True,
    dangling: Literal["drop", "keep"] = "drop",
    progress: Progress | None = None,
    profile: ImportProfile | str | os.PathLike[str] | None = None,
    county: str | None = None,
    date_range: tuple[date, date] | None = None,
) -> LoadResult:
    """Load a ledger, checking every row; keep every valid row, report every bad one.

    Args:
        path: a directory of table files (``businesses.csv``, ``cadres.parquet``... any of
            the formats, one file per table), one Excel workbook with a sheet per table, one
            table file named after its table (``visits.jsonl``), or a mapping
            ``{table: file}``.
        format: force a format (``"csv"``, ``"jsonl"``, ``"parquet"``, ``"excel"``) instead
            of guessing from each suffix.
        encoding: the text encoding of CSV files when not UTF-8, e.g. ``"gbk"``.
        as_of: the day of the check: event dates after it are reported (default today).
        strict: raise :class:`~foodsafety.errors.BulkValidationError` (carrying the report)
            when any row is bad (a problem of severity ``"error"``), instead of returning the
            report; warnings alone (rows kept, such as ``vocab.unlisted``) never raise.
        check_registry: check division codes against the bundled registry (12-digit village
            codes are accepted when their township is in it).
        dangling: rows naming a cadre, business or earlier visit that is not in the ledger are
            always reported (``ref.cadre_missing``, ``ref.business_missing``,
            ``ref.visit_missing``); ``"drop"`` (default) leaves them out of the ledger so that
            every reference in it resolves, ``"keep"`` keeps them. References to a table that
            was not given at all are not checked.
        progress: ``progress(stage, done, total)``, called after each file is read and each
            table is checked (the CLI draws a rich progress bar with it).
        profile: read an office's own export (a workbook with sheets such as 包保主体台账 and
            督导记录, title rows, wide tables, GBK CSV files) through this import profile: an
            :class:`~foodsafety.rules.import_profile.ImportProfile`, a shipped profile's name
            (``"county_workbook"``, ``"township_csv"``) or a YAML/JSON file; see
            :func:`foodsafety.ledger.importing.import_ledger`. Without a profile, a workbook
            with no sheet named after a table, or a directory with no table file but
            workbooks or CSV files, is imported by the headers the importer recognises.
        county: with ``profile``: the county township names are looked up in.
        date_range: the first and last day a date may be (default 1900-01-01 to
            2100-12-31); a date outside is ``date.out_of_range`` (year 0, 2202 for 2022).

    Returns:
        A :class:`LoadResult`; ``ledger, report = load_ledger(...)`` unpacks it.

    Raises:
        LoadError: a file is missing, empty, unreadable, wrongly encoded, lacks a required
            column or names one column twice (the whole file is unusable, so nothing can be
            kept from it).
        BulkValidationError: ``strict`` and at least one problem was found.

    The checks, each with its reason code: empty required cell (``value.missing``), bad date
    (``date.invalid``), bad boolean (``bool.invalid``), bad list cell (``list.invalid``,
    ``list.blank_item``), unknown label (``vocab.unknown``; labels in simplified or
    traditional characters and codes are all accepted and stored as codes), bad USCC,
    division code or licence number (the identifier's own code, e.g. ``uscc.checksum``),
    division code not in the registry (``registry.unknown``), business outside a township or
    village (``business.jurisdiction_level``), licence of the wrong kind
    (``business.licence_kind``), cadre jurisdiction of another level
    (``cadre.level_mismatch``), end before start (``date.reversed``), an event date after
    ``as_of`` (``date.future``), weekly/monthly period not starting on a Monday/the 1st
    (``routine.period_start``), record signed by the wrong post (``routine.signer_post``),
    visit rules (``visit.self_follow_up``, ``visit.resolved_without_follow_up``), repeated
    key (``key.duplicate``: the first valid row is kept), unknown column (``column.unknown``,
    the column is ignored, no row is dropped) and the dangling references above; and, on
    any cell: control characters such as NUL (``text.control``), text longer than 32,767
    characters (``text.too_long``), a list of more than 1,000 items (``list.too_long``), a
    date outside ``date_range`` (``date.out_of_range``), a JSON array or object where text
    belongs (``value.nested``), an Excel formula (``excel.formula``), and the warning
    ``text.bidi`` for bidirectional control characters (the row is kept).

    Nothing unreadable is taken as absent: a table file that is a directory, a dangling or
    looping link, binary (NUL bytes), UTF-16, written with bare-CR line endings, truncated,
    of another format or a zip bomb is a located :class:`~foodsafety.errors.LoadError`
    (``load.not_a_file``, ``load.dangling_link``, ``load.link_loop``, ``load.binary``,
    ``load.encoding``, ``load.line_endings``, ``load.format``, ``load.zip_bomb``). Table
    files are found whatever the case of their names. A CSV cell written with the formula
    escape of :func:`write_csv` (a leading ``'``) reads back as the text it was.

    Columns may be named by their codes (``uscc``) or by their Chinese headers
    (统一社会信用代码, in simplified or traditional characters: ``schema.COLUMN_LABELS``); a
    problem names the column as the file does and the record's field as ``field``.
    """

    if profile is not None or _export_not_ledger(path, format):
        from foodsafety.ledger.importing import import_ledger

        given = list(path.values()) if isinstance(path, Mapping) else path
        return import_ledger(
            given,
            profile,
            county=county,
            as_of=as_of,
            check_registry=check_registry,
            dangling=dangling,
            progress=progress,
            strict=strict,
        )
    files: dict[str, Path] = {}
    workbook: Path | None = None
    if isinstance(path, Mapping):
        for table, p in path.items():
            if table not in TABLES:
                raise LoadError(
                    f"table must be one of {', '.join(TABLES)} (got {table!r})",
                    code="load.unknown_table",
                    value=table,
                )
            files[table] = Path(p)
    else:
        p = Path(path)
        if p.is_dir():
            files = _discover(p)
            if not files:
                raise LoadError(
                    f"the directory holds no table file (expected e.g. "
                    f"{', '.join(t + '.csv' for t in TABLES)})",
                    code="load.empty",
                    source=str(p),
                )
        elif not p.exists():
            _check_file(p, str(p))  # (a dangling or looping link says so)
        elif (format or FORMATS.get(p.suffix.lower())) == "excel" and p.stem.lower() not in TABLES:
            workbook = p
        elif p.stem.lower() in TABLES:
            files[p.stem.lower()] = p
        else:
            raise LoadError(
                f"cannot tell which table {p.name!r} holds: name it after its table "
                f"({', '.join(TABLES)}) or pass a mapping {{table: file}}",
                code="load.unknown_table",
                source=str(p),
                value=p.name,
            )
    for file in files.values():  # every file named is read: none is taken as absent
        _check_file(file, str(file))
    raw: dict[str, Any] = {}
    sources: dict[str, str] = {}
    if workbook is not None:
        sheets = _read_excel_sheets(workbook, str(workbook))
        known = {name: frame for name, frame in sheets.items() if name in TABLES}
        if not known or all(f.width == 0 for f in known.values()):
            raise LoadError(
                f"the workbook has no sheet named after a table (expected sheets "
                f"{', '.join(TABLES)}; found {', '.join(sheets) or 'none'})",
                code="load.empty",
                source=str(workbook),
            )
        for name, frame in known.items():
            source = f"{workbook}[{name}]"
            if frame.width == 0:
                raise _empty_error(source)
            raw[name] = _numbered(frame)
            sources[name] = source
    # one step per file read, one per table checked, one for the references
    total = len(files) + (len(raw) + len(files)) + 1
    step = [0]

    def _read(table: str, file: Path) -> pl.DataFrame:
        # a file is read only when its table is checked, so that the raw text of one file,
        # not of all of them, is in memory next to the checked tables
        frame = read_table(file, format=format, encoding=encoding)
        _done_reading(file)
        return frame

    reported: set[Path] = set()

    def _done_reading(file: Path) -> None:
        if file in reported:  # a table checked twice (see RowBatches) is read twice
            return
        reported.add(file)
        step[0] += 1
        if progress is not None:
            progress(f"read {file.name}", step[0], total)

    def _slices(file: Path, fmt: Format) -> Iterator[pl.DataFrame]:
        # large files are read and checked a slice of rows at a time, so that the raw text of
        # one slice, not of the whole file, is in memory next to the checked tables
        if fmt == "csv":
            yield from _csv_slices(file, str(file), _CSV_SLICE_BYTES)
        else:
            yield from _parquet_slices(file, str(file), _PARQUET_SLICE_ROWS)
        _done_reading(file)

    for table, file in files.items():
        fmt = format or FORMATS.get(file.suffix.lower())
        if fmt == "parquet" or (fmt == "csv" and _is_utf8(encoding)):
            raw[table] = RowBatches(functools.partial(_slices, file, fmt))
        else:
            raw[table] = functools.partial(_read, table, file)
        sources[table] = str(file)

    def _shifted(stage: str, done: int, _total: int) -> None:
        step[0] += 1
        if progress is not None:
            progress(stage, step[0], total)

    tables, report = validate_tables(
        raw,
        sources=sources,
        as_of=as_of,
        check_registry=check_registry,
        dangling=dangling,
        progress=_shifted if progress is not None else None,
        release=True,
        date_range=date_range or DATE_RANGE,
    )
    if strict and not report.ok:  # (warnings alone never raise: their rows were kept)
        raise BulkValidationError("the ledger " + ", ".join(sources.values()), report)
    return LoadResult(ledger=Ledger(tables), report=report, sources=sources)


def _export_not_ledger(path: object, format: Format | None) -> bool:
    """True for an office's export rather than a ledger in the library's own layout: a
    workbook with no sheet named after a table, a directory with no table file but workbooks
    or CSV files of other names."""
    if isinstance(path, Mapping) or not isinstance(path, (str, os.PathLike)):
        return False
    p = Path(path)
    if p.is_dir():
        if _discover(p):
            return False
        return any(c.suffix.lower() in (".xlsx", ".xlsm", ".csv") for c in p.iterdir())
    if (
        not p.is_file()
        or (format or FORMATS.get(p.suffix.lower())) != "excel"
        or p.stem.lower() in TABLES
    ):
        return False
    try:
        require("fastexcel", extra="data", feature="reading Excel ledgers")
        import fastexcel

        names = fastexcel.read_excel(str(p)).sheet_names
    except Exception:  # unreadable: the ledger loader reports it
        return False
    return not any(name in TABLES for name in names)


@contextlib.contextmanager
def rich_progress(
    description: str = "Loading ledger", *, console: Console | None = None
) -> Iterator[Progress]:
    """A ``progress`` callback that draws a rich progress bar while the block runs.

    Example::

        with rich_progress("Loading Anyang") as progress:
            ledger, report = load_ledger("anyang/", progress=progress)
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.progress import Progress as RichProgress

    with RichProgress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)

        def update(stage: str, done: int, total: int) -> None:
            bar.update(task, description=f"{description}: {stage}", completed=done, total=total)

        yield update


# -- writing -----------------------------------------------------------------------------


#: Rows converted to text and written at a time by :func:`write_csv`.
_CSV_ROWS = 500_000


def _text_frame(frame: pl.DataFrame, *, dates_as_text: bool) -> pl.DataFrame:
    """The frame with lists as JSON arrays (and, if asked, dates as ISO text)."""
    import polars as pl

    exprs = []
    for c, dtype in frame.schema.items():
        if isinstance(dtype, pl.List):
            encoded = pl.struct(pl.col(c).alias("v")).struct.json_encode()
            exprs.append(encoded.str.slice(5, None).str.strip_suffix("}").alias(c))
        elif dtype == pl.Date and dates_as_text:
            exprs.append(pl.col(c).dt.strftime("%Y-%m-%d").alias(c))
        else:
            exprs.append(pl.col(c))
    out: pl.DataFrame = frame.select(exprs)
    return out


Headers = Literal["code", "zh"]


def _check_headers(headers: object) -> None:
    if headers not in ("code", "zh"):
        raise LoadError(
            f"headers must be 'code' or 'zh' (got {headers!r})",
            code="write.headers",
            value=headers,
        )


def _headed(frame: pl.DataFrame, table: str, headers: Headers) -> pl.DataFrame:
    """The frame with its columns named as ``headers`` asks: the codes, or Chinese headers."""
    if headers == "zh":
        return frame.rename({c: COLUMN_LABELS[table][c][0] for c in frame.columns})
    return frame


def _directory(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    p.mkdir(parents=True, exist_ok=True)
    return p


def write_csv(
    ledger: Ledger, path: str | os.PathLike[str], *, bom: bool = False, headers: Headers = "code"
) -> dict[str, Path]:
    """Write one UTF-8 CSV file per table into the directory ``path``; return the files.

    Lists become JSON arrays, dates ISO text, booleans ``true``/``false``, nulls empty cells.
    ``bom=True`` adds a UTF-8 byte-order mark, which makes Excel open the file correctly.
    ``headers="zh"`` names the columns in Chinese (``schema.COLUMN_LABELS``: 统一社会信用代码,
    主体名称...), as ledgers kept by hand are; the loaders read either.

    A text that a spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return) is written with a ``'`` in front, which the loaders
    take off again (see :mod:`foodsafety.ledger._cells`). Each file is written atomically:
    an interrupted write leaves the previous file whole.
    """
    _pl()
    out: dict[str, Path] = {}
    directory = _directory(path)
    _check_headers(headers)
    for table, frame in ledger.tables.items():
        target = directory / f"{table}.csv"
        with (
            polars_guard(f"writing the {table} table", source=str(target)),
            atomic_open(target, "wb") as fh,
        ):
            if bom:
                fh.write(b"\xef\xbb\xbf")
            # a slice at a time: the text form of a multi-million-row table is never whole
            # in memory
            for start in range(0, max(frame.height, 1), _CSV_ROWS):
                piece = _text_frame(frame.slice(start, _CSV_ROWS), dates_as_text=True)
                piece = escape_formulas(_headed(piece, table, headers))
                piece.write_csv(fh, include_header=start == 0)
        out[table] = target
    return out


def write_json_lines(ledger: Ledger, path: str | os.PathLike[str]) -> dict[str, Path]:
    """Write one JSON Lines file per table (``businesses.jsonl``...) into the directory ``path``.

    An empty table is an empty file (JSON Lines has no header), which loads as an empty table.
    Each file is written atomically.
    """
    _pl()
    out: dict[str, Path] = {}
    directory = _directory(path)
    for table, frame in ledger.tables.items():
        target = directory / f"{table}.jsonl"
        with (
            polars_guard(f"writing the {table} table", source=str(target)),
            atomic_path(target) as tmp,
        ):
            frame.write_ndjson(tmp)
        out[table] = target
    return out


def write_parquet(ledger: Ledger, path: str | os.PathLike[str]) -> dict[str, Path]:
    """Write one Parquet file per table (``businesses.parquet``...) into the directory ``path``;
    each file is written atomically."""
    _pl()
    out: dict[str, Path] = {}
    directory = _directory(path)
    for table, frame in ledger.tables.items():
        target = directory / f"{table}.parquet"
        with (
            polars_guard(f"writing the {table} table", source=str(target)),
            atomic_path(target) as tmp,
        ):
            frame.write_parquet(tmp)
        out[table] = target
    return out


def write_excel(ledger: Ledger, path: str | os.PathLike[str], *, headers: Headers = "code") -> Path:
    """Write one Excel workbook (``.xlsx``) with a sheet per table; return its path.

    Dates are real Excel dates; lists are JSON arrays in a cell. Every text is written as a
    text cell, never as a formula, link or number (``=1+1`` stays the text ``=1+1``). Excel
    holds at most 1,048,575 data rows per sheet and 32,767 characters per cell: larger tables
    or longer texts raise :class:`~foodsafety.errors.LoadError` (write Parquet or CSV instead).
    ``headers="zh"`` names the columns in Chinese, as in :func:`write_csv`. The workbook is
    written atomically.
    """
    require("xlsxwriter", extra="data", feature="writing Excel ledgers")

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    for table, frame in ledger.tables.items():
        if frame.height > 1_048_575:
            raise LoadError(
                f"the {table} table has {frame.height} rows, more than an Excel sheet holds; "
                f"write Parquet or CSV instead",
                code="write.too_large",
                source=str(target),
                value=frame.height,
            )
    _check_headers(headers)
    with polars_guard("writing the workbook", source=str(target)):
        texts = {t: _text_frame(f, dates_as_text=False) for t, f in ledger.tables.items()}
        for table, frame in texts.items():
            check_excel_text(frame, str(target), table)
        with atomic_path(target) as tmp, excel_workbook(tmp) as wb:
            for table, frame in texts.items():
                _headed(frame, table, headers).write_excel(
                    wb, worksheet=table, autofit=frame.height < 10_000, dtype_formats=None
                )
    return target


def write_ledger(
    ledger: Ledger, path: str | os.PathLike[str], *, format: Format = "parquet"
) -> Path:
    """Write ``ledger`` in ``format`` (a directory of files, or one workbook for ``"excel"``)."""
    if format == "csv":
        write_csv(ledger, path)
    elif format == "jsonl":
        write_json_lines(ledger, path)
    elif format == "parquet":
        write_parquet(ledger, path)
    elif format == "excel":
        return write_excel(ledger, path)
    else:
        raise LoadError(
            f"format must be one of csv, jsonl, parquet, excel (got {format!r})",
            code="write.format",
            value=format,
        )
    return Path(path)
