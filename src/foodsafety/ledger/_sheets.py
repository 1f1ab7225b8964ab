"""Sheets as the user sees them: raw cell grids of workbooks and CSV files, and their headers.

An office's export is not a clean table: a title row sits above the header, a header cell is
merged over the columns of a group (县级包保领导 over 姓名 / 职务 / 联系电话), blank rows and
footer rows (合计, 填报人) sit among the data, and a CSV file may be GBK. This module reads a
sheet or CSV file into a :class:`Grid` of text cells that keeps the row numbers the user sees
(spreadsheet rows, CSV line numbers), and finds its header (:func:`find_header`).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import functools
import io
import re
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from foodsafety.errors import LoadError, require

if TYPE_CHECKING:
    import polars as pl

__all__ = ["Grid", "Header", "find_header", "normal_header", "read_csv_grid", "read_workbook"]

#: rows looked at for a header
HEAD_ROWS = 30

_DROP = re.compile(r"[\s*＊]|[（(](?:必填|选填|必選|選填)[)）]")


def normal_header(text: str) -> str:
    """A header as compared: NFKC (full-width to half-width), no spaces or line breaks, no
    required-field marks (``*``, （必填）)."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text))


@attrs.frozen(slots=True)
class Grid:
    """One sheet or CSV file as text cells, read whole only when its rows are wanted.

    Attributes:
        label: where it is, as problems name it (``ledger.xlsx[督导记录]``, ``visits.csv``).
        name: the sheet's name, or the file's name.
        rows: the first :data:`HEAD_ROWS` rows, as lists of cells (headers are found there).
        first_row: the row number the user sees for the first row.
        load: reads every row, as a frame of text columns ``c0, c1, ...`` (all of them, or
            those of the given column numbers; called once per import, so that one sheet at a
            time is in memory whole).
        encoding: the encoding a CSV file was read with (None for a workbook).
    """

    label: str
    name: str
    rows: list[list[str | None]]
    first_row: int
    load: Callable[[Sequence[int] | None], pl.DataFrame]
    encoding: str | None = None

    def head(self, rows: int = HEAD_ROWS) -> list[list[str | None]]:
        """The first ``rows`` rows (at most :data:`HEAD_ROWS`) as lists of cells."""
        return self.rows[:rows]


@attrs.frozen(slots=True)
class Header:
    """A grid's header: its row(s), as the user numbers them, and each column's name as
    written (compare them with :func:`normal_header`).

    A two-row header's names join the upper (merged, filled rightwards) cell and the lower
    one with ``/``: ``县级包保领导/姓名``.
    """

    rows: tuple[int, ...]
    names: tuple[str, ...]

    @property
    def last(self) -> int:
        """The user's number of the header's last row (data start below it)."""
        return self.rows[-1]


def read_workbook(path: Path, source: str) -> list[Grid]:
    """Every sheet of an ``.xlsx`` workbook as a grid, in the workbook's order."""
    require("fastexcel", extra="data", feature="reading Excel ledgers")
    import fastexcel

    if path.stat().st_size == 0:
        raise LoadError("the file is empty", code="load.empty", source=source)
    try:
        reader = fastexcel.read_excel(str(path))
    except Exception as exc:
        raise LoadError(
            f"the file is not a readable Excel workbook: {exc}", code="load.format", source=source
        ) from None
    heads = _heads(path)
    grids = []
    for name in reader.sheet_names:
        first_row, rows = heads.get(name, (1, []))

        def load(columns: Sequence[int] | None = None, name: str = name) -> pl.DataFrame:
            wanted = sorted(columns) if columns is not None else None
            sheet = reader.load_sheet(name, header_row=None, dtypes="string", use_columns=wanted)
            frame: pl.DataFrame = sheet.to_polars()
            at = wanted if wanted is not None else range(frame.width)
            return frame.rename(dict(zip(frame.columns, [f"c{i}" for i in at], strict=True)))

        grids.append(Grid(f"{source}[{name}]", name, rows, first_row, load))
    return grids


def _heads(path: Path) -> dict[str, tuple[int, list[list[str | None]]]]:
    """Each sheet's first row holding a value, and its first :data:`HEAD_ROWS` rows as text.

    Read by streaming the sheet's first rows (openpyxl, read-only): the fast reader parses a
    whole sheet even for its first rows. Its frame starts at the first filled row and column,
    so the head starts there too, and problems give the row numbers Excel shows.
    """
    require("openpyxl", extra="data", feature="reading Excel ledgers")
    import datetime as dt

    import openpyxl

    def text(v: object) -> str | None:
        if v is None or (isinstance(v, str) and not v):
            return None
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if isinstance(v, dt.datetime):
            return v.isoformat(sep=" ")
        return str(v)

    out: dict[str, tuple[int, list[list[str | None]]]] = {}
    book = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    try:
        for ws in book.worksheets:
            first = 1
            rows: list[list[str | None]] = []
            for number, row in enumerate(
                ws.iter_rows(min_row=1, max_row=200 + HEAD_ROWS, values_only=True), start=1
            ):
                cells = [text(v) for v in row]
                if not rows and not any(c is not None and c.strip() for c in cells):
                    continue
                if not rows:
                    first = number
                rows.append(cells)
                if len(rows) == HEAD_ROWS:
                    break
            left = min(
                (i for r in rows for i, c in enumerate(r) if c is not None and c.strip()),
                default=0,
            )
            out[ws.title] = (first, [r[left:] for r in rows])
    finally:
        book.close()
    return out


def read_csv_grid(path: Path, source: str, encoding: str = "auto") -> Grid:
    """A CSV file as a grid (every line a row, the longest head line's width)."""
    with path.open("rb") as fh:
        start = fh.read(1 << 16)
    if not start.strip(b"\xef\xbb\xbf \r\n\t"):
        raise LoadError("the file is empty", code="load.empty", source=source)
    codec = _codec(path, encoding, source)
    # (the head's last line may be cut: the head is only for finding the header)
    try:
        text = codecs.getincrementaldecoder(codec)().decode(start).lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise _undecodable(source, codec, start[: exc.start].count(b"\n") + 1) from None
    head = list(csv.reader(io.StringIO(text).readlines()[:HEAD_ROWS]))
    width = max((len(r) for r in head), default=1)
    rows = [[(c if c != "" else None) for c in r] + [None] * (width - len(r)) for r in head]
    return Grid(
        source,
        path.name,
        rows,
        1,
        functools.partial(_read_csv_cells, path, source, codec, head, width),
        codec,
    )


def _codec(path: Path, encoding: str, source: str) -> str:
    """The file's encoding: ``auto`` is UTF-8 when the first megabyte decodes as UTF-8, else
    GB18030 (of which GBK is a part). Bytes further on that do not decode are reported when
    the file is read (:func:`_read_csv_cells`)."""
    if encoding != "auto":
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            raise LoadError(
                f"unknown encoding {encoding!r} (use auto, utf-8, gbk or gb18030)",
                code="load.encoding",
                source=source,
                value=encoding,
            ) from None
        return "utf-8" if name in ("utf-8", "utf-8-sig") else name
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head)  # (a cut last character waits)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def _bad_utf8_line(path: Path) -> int:
    """The line of the first byte that is not UTF-8 (the file is read a block at a time)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with path.open("rb") as fh:
        while block := fh.read(1 << 24):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                return line + block[: exc.start].count(b"\n")
            line += block.count(b"\n")
    return line


def _undecodable(source: str, codec: str, line: int) -> LoadError:
    return LoadError(
        f"the file is not {codec} text (line {line}); give its encoding in the profile "
        f"(encoding: gbk, gb18030, utf-8)",
        code="load.encoding",
        message_zh=f"文件不是 {codec} 编码（第 {line} 行），请在导入方案中指定 encoding",
        source=source,
        row=line,
        value=codec,
    )


def _read_csv_cells(
    path: Path,
    source: str,
    codec: str,
    head: list[list[str]],
    width: int,
    columns: Sequence[int] | None = None,
) -> pl.DataFrame:
    import polars as pl

    # title rows of one cell sit above the header: polars takes its width from the first
    # line it reads, so it starts at the first line of full width and the lines above it
    # (parsed from the head) are put on top
    skip = next((i for i, r in enumerate(head) if len(r) == width), 0)
    names = [f"c{i}" for i in range(width)]
    with contextlib.ExitStack() as stack:
        target: Path = path
        if codec != "utf-8":
            # transcoded a block at a time into a temporary file: never the whole text in
            # memory as a Python string
            tmp = stack.enter_context(tempfile.TemporaryDirectory())
            target = Path(tmp) / "utf8.csv"
            decoder = codecs.getincrementaldecoder(codec)()
            line = 1
            with path.open("rb") as src, target.open("wb") as out:
                try:
                    while block := src.read(1 << 24):
                        out.write(decoder.decode(block).encode("utf-8"))
                        line += block.count(b"\n")
                    out.write(decoder.decode(b"", final=True).encode("utf-8"))
                except UnicodeDecodeError as exc:
                    at = line + block[: exc.start].count(b"\n")
                    raise _undecodable(source, codec, at) from None
        try:
            wanted = sorted(c for c in columns if c < width) if columns is not None else None
            body = pl.read_csv(
                target,
                has_header=False,
                skip_rows=skip,
                infer_schema=False,
                columns=wanted,
                truncate_ragged_lines=True,
            )
            # (polars names the columns itself; they come in the order of the file)
            body.columns = [names[i] for i in (wanted if wanted is not None else range(width))]
        except Exception as exc:  # polars raises several types for malformed CSV
            if codec == "utf-8" and "utf-8" in str(exc).lower():
                raise _undecodable(source, codec, _bad_utf8_line(path)) from None
            raise LoadError(
                f"the file is not a readable CSV table: {exc}",
                code="load.format",
                message_zh="无法按 CSV 表格读取该文件",
                source=source,
            ) from None
    if not skip:
        return body
    lead = pl.DataFrame(
        [
            [
                (r[int(c[1:])] if int(c[1:]) < len(r) and r[int(c[1:])] != "" else None)
                for r in head[:skip]
            ]
            for c in body.columns
        ],
        schema=dict.fromkeys(body.columns, pl.Utf8),
        orient="col",
    )
    return pl.concat([lead, body])


def _rows(frame: pl.DataFrame, n: int) -> list[list[str | None]]:
    return [list(r) for r in frame.head(n).iter_rows()]


def _filled(row: Sequence[str | None]) -> list[int]:
    return [i for i, v in enumerate(row) if v is not None and v.strip() != ""]


def find_header(
    grid: Grid,
    known: Callable[[str], bool],
    *,
    given: int | tuple[int, int] | None = None,
    sub_known: Callable[[str], bool] | None = None,
) -> Header:
    """The header of ``grid``: the given row(s), or the row with most known headers.

    ``known(name)`` says whether a header names a column the caller knows; a row with at least
    two known headers is a candidate. The row below the chosen one is the lower half of a
    two-row header when its filled cells are all known sub-headers (``sub_known``) and stand
    under empty (merged) cells of the upper row.

    Raises:
        LoadError: ``import.no_header`` when no row looks like a header,
            ``import.ambiguous_header`` when two rows do equally well.
    """
    head = grid.head()
    if given is not None:
        asked = (given,) if isinstance(given, int) else tuple(given)
        index = [r - grid.first_row for r in asked]
        if any(i < 0 for i in index):
            raise LoadError(
                f"header row {given} is above the sheet's first filled row {grid.first_row}",
                code="import.no_header",
                source=grid.label,
                row=asked[0],
                value=given,
            )
        cells = grid.rows if max(index) < len(grid.rows) else _rows(grid.load(None), max(index) + 1)
        if max(index) >= len(cells):
            raise LoadError(
                f"header row {given} is below the sheet's last row "
                f"{grid.first_row + len(cells) - 1}",
                code="import.no_header",
                source=grid.label,
                row=asked[0],
                value=given,
            )
        upper = cells[index[0]]
        lower = cells[index[1]] if len(index) > 1 else None
        return Header(asked, _names(upper, lower))
    scores = [sum(1 for i in _filled(r) if known(str(r[i]))) for r in head]
    best = max(scores, default=0)
    if best < 2:
        raise LoadError(
            f"no header row found in the first {len(head)} rows (no row names two known "
            f"columns such as 统一社会信用代码, 主体名称); give header_row in the profile",
            code="import.no_header",
            message_zh="未找到表头行：请在导入方案中指定 header_row",
            source=grid.label,
        )
    tops = [i for i, s in enumerate(scores) if s == best]
    if len(tops) > 1 and not _same_row(head[tops[0]], head[tops[1]]):
        rows_seen = ", ".join(str(grid.first_row + i) for i in tops[:3])
        raise LoadError(
            f"two rows could be the header (rows {rows_seen}); give header_row in the profile",
            code="import.ambiguous_header",
            message_zh=f"第 {rows_seen} 行都像表头，请在导入方案中指定 header_row",
            source=grid.label,
            row=grid.first_row + tops[1],
            value=[grid.first_row + i for i in tops],
        )
    top = tops[0]
    upper = head[top]
    rows: tuple[int, ...] = (grid.first_row + top,)
    lower = head[top + 1] if top + 1 < len(head) else None
    if lower is not None and _is_sub_header(upper, lower, known, sub_known or known):
        rows = (*rows, grid.first_row + top + 1)
    else:
        lower = None
    # the upper half of a two-row header may itself be the sub-header's row (the group cells
    # above the best-scoring row): look one row up as well
    if (
        len(rows) == 1
        and top > 0
        and _is_sub_header(head[top - 1], upper, known, sub_known or known)
    ):
        lower, upper = upper, head[top - 1]
        rows = (grid.first_row + top - 1, grid.first_row + top)
    return Header(rows, _names(upper, lower))


def _same_row(a: Sequence[str | None], b: Sequence[str | None]) -> bool:
    # a header repeated on every printed page is one header, not two candidates
    return [normal_header(v or "") for v in a] == [normal_header(v or "") for v in b]


def _is_sub_header(
    upper: Sequence[str | None],
    lower: Sequence[str | None],
    known: Callable[[str], bool],
    sub_known: Callable[[str], bool],
) -> bool:
    filled = _filled(lower)
    if not filled or not all(sub_known(str(lower[i])) for i in filled):
        return False
    # the upper row is headers and group headers too: a title row (某县包保台账) is not
    if not all(known(str(upper[i])) for i in _filled(upper)):
        return False
    # under a merged cell only its first column holds the value: some lower cells stand under
    # empty upper cells, and the lower row leaves the upper row's single columns empty
    under_blank = [i for i in filled if i >= len(upper) or not (upper[i] or "").strip()]
    return bool(under_blank)


def _written(cell: str | None) -> str:
    # as written, line breaks inside the cell (统一社会\n信用代码) made spaces
    return " ".join((cell or "").split())


def _names(upper: Sequence[str | None], lower: Sequence[str | None] | None) -> tuple[str, ...]:
    width = max(len(upper), len(lower) if lower is not None else 0)
    names: list[str] = []
    group = ""
    for i in range(width):
        top = _written(upper[i]) if i < len(upper) else ""
        low = _written(lower[i]) if lower is not None and i < len(lower) else ""
        if lower is None:
            names.append(top)
            continue
        if top and low:  # the first column under a merged group cell
            group = top
            names.append(f"{top}/{low}")
        elif top:  # a cell merged over both rows
            group = ""
            names.append(top)
        elif low:  # a further column under the group
            names.append(f"{group}/{low}" if group else low)
        else:
            names.append("")
    return tuple(names)
