"""Cells that are safe to open: formula injection on the way out, formulas and zip bombs on
the way in.

**Writing.** A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@``
(and, in some, a tab or carriage return) as a formula: a business named ``=HYPERLINK(...)``
in a CSV export is a link the reader did not ask for ("CSV injection", OWASP). So:

- Excel workbooks are written with xlsxwriter's ``strings_to_formulas``, ``strings_to_urls``
  and ``strings_to_numbers`` off: every text is a text cell, shown and read back as written.
- CSV files follow OWASP's advice: a text cell that starts with one of ``= + - @``, a tab or
  a carriage return gets a ``'`` in front (Excel shows the rest as text and hides the
  apostrophe). So that nothing is silently rewritten, a text that already starts with ``'``
  followed by one of those characters or by another ``'`` gets one more ``'``; the ledger's
  CSV reader takes exactly one leading ``'`` off a cell that starts with ``'`` and one of
  those characters or ``'``. Reading a CSV file written by foodsafety gives the text back as
  it was; a cell typed as ``'=1+1`` by hand reads as ``=1+1``, which is what Excel shows.

**Reading.** A formula cell of an ``.xlsx`` file is reported (``excel.formula``, the row is
left out), never taken for its cached value: a formula written by a program other than Excel
often has none (it reads as ``0``). A workbook is a zip archive: one whose parts would
decompress to far more than they take (a "zip bomb") is refused before it is read.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from foodsafety._atomic import atomic_open, atomic_path
from foodsafety.errors import LoadError, require
from foodsafety.models._fields import MAX_TEXT

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "EXCEL_OPTIONS",
    "FORMULA_START",
    "MAX_XLSX_RATIO",
    "MAX_XLSX_UNPACKED",
    "check_excel_text",
    "escape_cell",
    "escape_formulas",
    "excel_workbook",
    "formula_cells",
    "unescape_formulas",
    "write_frame",
]

#: The characters that make a spreadsheet cell a formula (OWASP's CSV injection list).
FORMULA_START = "=+-@\t\r"
_ESCAPE = r"^(?:[=+\-@\t\r]|'[=+\-@\t\r'])"
_ESCAPED = r"^'[=+\-@\t\r']"

#: xlsxwriter options: every text is written as a text cell, never as a formula, link or number.
EXCEL_OPTIONS: dict[str, Any] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}

#: A workbook part may unpack to at most this many bytes...
MAX_XLSX_UNPACKED = 4 << 30
#: ...and, past 16 MiB, to at most this many times its packed size (a real sheet packs ten to
#: twenty times; a zip bomb a thousand times).
MAX_XLSX_RATIO = 200
_RATIO_FROM = 16 << 20


def escape_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every text cell that a spreadsheet would run as a formula escaped by a
    leading ``'`` (and a text starting with ``'`` and such a character given one more), for a
    CSV file; :func:`unescape_formulas` undoes it exactly."""
    import polars as pl

    if not frame.height or not any(d == pl.Utf8 for d in frame.schema.values()):
        return frame
    hit = frame.select(pl.col(pl.Utf8).str.contains(_ESCAPE).any()).row(0, named=True)
    fix = [c for c, found in hit.items() if found]
    if not fix:
        return frame
    return frame.with_columns(
        [
            pl.when(pl.col(c).str.contains(_ESCAPE))
            .then(pl.lit("'") + pl.col(c))
            .otherwise(pl.col(c))
            .alias(c)
            for c in fix
        ]
    )


def escape_cell(value: Any) -> Any:
    """One CSV cell escaped as :func:`escape_formulas` escapes a column (non-text as it is)."""
    if isinstance(value, str) and re.match(_ESCAPE, value):
        return "'" + value
    return value


def unescape_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with the escape of :func:`escape_formulas` taken off (one leading ``'`` of a
    cell starting with ``'`` and one of ``= + - @``, tab, CR or ``'``)."""
    import polars as pl

    if not frame.height or not any(d == pl.Utf8 for d in frame.schema.values()):
        return frame
    # (one expression over every text column: a file may have a hundred thousand)
    # (a prefix compare first: a column with no cell starting with ' needs no regex search)
    quoted = frame.select(pl.col(pl.Utf8).str.starts_with("'").any()).row(0, named=True)
    maybe = [c for c, found in quoted.items() if found]
    if not maybe:
        return frame
    hit = frame.select(pl.col(maybe).str.contains(_ESCAPED).any()).row(0, named=True)
    fix = [c for c, found in hit.items() if found]
    if not fix:
        return frame
    return frame.with_columns(
        [
            pl.when(pl.col(c).str.contains(_ESCAPED))
            .then(pl.col(c).str.slice(1))
            .otherwise(pl.col(c))
            .alias(c)
            for c in fix
        ]
    )


def excel_workbook(path: str | os.PathLike[str]) -> Any:
    """An ``xlsxwriter.Workbook`` at ``path`` that writes every text as text
    (:data:`EXCEL_OPTIONS`)."""
    require("xlsxwriter", extra="data", feature="writing Excel files")
    import xlsxwriter

    return xlsxwriter.Workbook(str(path), EXCEL_OPTIONS)


def check_excel_text(frame: pl.DataFrame, target: str, sheet: str) -> None:
    """Raise a LoadError if a text cell of ``frame`` is longer than an Excel cell holds
    (32,767 characters), rather than let the workbook cut it."""
    import polars as pl

    text = [c for c, d in frame.schema.items() if d == pl.Utf8]
    if not text or not frame.height:
        return
    longest = frame.select([pl.col(c).str.len_chars().max().alias(c) for c in text]).row(
        0, named=True
    )
    for c in text:
        if (longest[c] or 0) > MAX_TEXT:
            raise LoadError(
                f"the {sheet} sheet's column {c!r} holds a text of {longest[c]:,} characters, "
                f"more than an Excel cell holds ({MAX_TEXT:,}); write CSV, JSON Lines or "
                f"Parquet instead",
                code="write.too_long",
                source=target,
                column=c,
                value=longest[c],
            )


def write_frame(
    frame: pl.DataFrame,
    path: str | os.PathLike[str],
    *,
    sheet: str = "data",
    format: str | None = None,
    bom: bool = False,
) -> Path:
    """Write one table by the suffix of ``path`` (``.csv``, ``.xlsx``, ``.parquet``,
    ``.json``, ``.jsonl``) or by ``format`` (the same names without the dot), atomically
    (see :mod:`foodsafety._atomic`) and safe to open (text never a formula: see above);
    return the path.

    CSV files are UTF-8; ``bom=True`` adds a byte-order mark, so that Excel opens them right.

    Raises:
        LoadError: the suffix is none of those (``write.format``), a text is too long for an
            Excel cell (``write.too_long``), or the folder does not exist (``write.folder``).
    """
    import json

    p = Path(path)
    suffix = f".{format.lower()}" if format else p.suffix.lower()
    if not p.parent.is_dir():
        raise LoadError(
            f"the folder {str(p.parent)!r} does not exist", code="write.folder", source=str(p)
        )
    if suffix == ".csv":
        with atomic_open(p, "wb") as fh:
            if bom:
                fh.write(b"\xef\xbb\xbf")
            escape_formulas(frame).write_csv(fh)
    elif suffix == ".xlsx":
        check_excel_text(frame, str(p), sheet)
        with atomic_path(p) as tmp, excel_workbook(tmp) as wb:
            frame.write_excel(wb, worksheet=sheet)
    elif suffix == ".parquet":
        with atomic_path(p) as tmp:
            frame.write_parquet(tmp)
    elif suffix == ".json":
        with atomic_open(p) as fh:
            json.dump(frame.to_dicts(), fh, ensure_ascii=False, default=str, indent=1)
    elif suffix == ".jsonl":
        with atomic_path(p) as tmp:
            frame.write_ndjson(tmp)
    else:
        raise LoadError(
            f"cannot write {p.name!r}: use .csv, .xlsx, .parquet, .json or .jsonl",
            code="write.format",
            source=str(p),
            value=p.suffix,
        )
    return p


# -- reading workbooks -------------------------------------------------------------------------

_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _bomb(source: str, part: str, size: int) -> LoadError:
    return LoadError(
        f"the workbook's part {part!r} would unpack to more than {size:,} bytes, far more than "
        f"a spreadsheet takes: refused as a possible zip bomb",
        code="load.zip_bomb",
        message_zh="工作簿解压后过大，疑似“压缩炸弹”，已拒绝读取",
        source=source,
        value=part,
    )


def _sheet_parts(zf: zipfile.ZipFile, source: str) -> dict[str, str]:
    """Sheet name -> the archive path of its XML part."""
    import xml.etree.ElementTree as ET

    def small(name: str) -> bytes:
        info = zf.getinfo(name)
        if info.file_size > 16 << 20:
            raise _bomb(source, name, info.file_size)
        return zf.read(name)

    try:
        book = ET.fromstring(small("xl/workbook.xml"))
        rels = ET.fromstring(small("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    out: dict[str, str] = {}
    for el in book.iter():
        if el.tag.endswith("}sheet") or el.tag == "sheet":
            target = targets.get(el.get(_REL), "")
            if not target:
                continue
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            out[el.get("name", "")] = str(PurePosixPath(part))
    return out


def formula_cells(path: Path, source: str) -> dict[str, list[tuple[int, int, str]]]:
    """The formula cells of a workbook: sheet name -> ``(row, column, formula)``, both 1-based
    as Excel numbers them (``A1`` is ``(1, 1)``), the row counted from the sheet's first
    filled row (the header) as row 0.

    Every part of the archive is checked for a zip bomb first (see :data:`MAX_XLSX_RATIO`),
    each sheet's XML is then streamed once, looking for formulas; only a sheet that has some
    is read again, by openpyxl, to locate them.

    Raises:
        LoadError: a possible zip bomb (``load.zip_bomb``) or not a zip archive
            (``load.format``).
    """
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise LoadError(
            f"the file is not a readable Excel workbook (not a zip archive: {exc})",
            code="load.format",
            message_zh="无法按 Excel 工作簿读取该文件",
            source=source,
        ) from None
    try:
        with zf:
            return _scan(zf, path, source)
    except LoadError:
        raise
    except Exception as exc:  # a broken archive fails in zipfile, zlib or the XML parser
        raise LoadError(
            f"the file is not a readable Excel workbook ({type(exc).__name__}: {exc})",
            code="load.format",
            message_zh="无法按 Excel 工作簿读取该文件",
            source=source,
        ) from None


def _scan(zf: zipfile.ZipFile, path: Path, source: str) -> dict[str, list[tuple[int, int, str]]]:
    """The work of :func:`formula_cells` on the open archive."""
    for info in zf.infolist():
        if info.file_size > MAX_XLSX_UNPACKED or (
            info.file_size > _RATIO_FROM
            and info.file_size > MAX_XLSX_RATIO * max(info.compress_size, 1)
        ):
            raise _bomb(source, info.filename, info.file_size)
    parts = _sheet_parts(zf, source)
    with_formulas = []
    for name, part in parts.items():
        try:
            info = zf.getinfo(part)
        except KeyError:
            continue
        # the sizes the archive declares may lie: count what really comes out
        limit = min(MAX_XLSX_UNPACKED, max(_RATIO_FROM, MAX_XLSX_RATIO * info.compress_size))
        seen, tail = 0, b""
        try:
            with zf.open(info) as fh:
                while chunk := fh.read(1 << 20):
                    seen += len(chunk)
                    if seen > limit:
                        raise _bomb(source, part, seen)
                    if _FORMULA.search(tail + chunk):
                        with_formulas.append(name)
                        break
                    tail = chunk[-16:]
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError) as exc:
            raise LoadError(
                f"the file is not a readable Excel workbook ({exc})",
                code="load.format",
                source=source,
            ) from None
    if not with_formulas:
        return {}
    return _locate_formulas(path, with_formulas)


def _locate_formulas(path: Path, sheets: list[str]) -> dict[str, list[tuple[int, int, str]]]:
    require("openpyxl", extra="data", feature="reading Excel ledgers")
    import openpyxl

    out: dict[str, list[tuple[int, int, str]]] = {}
    # (a broken workbook raises from openpyxl too: formula_cells makes it a LoadError)
    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        for name in sheets:
            ws = wb[name]
            found: list[tuple[int, int, str]] = []
            first: int | None = None
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is None or not hasattr(cell, "row"):
                        continue
                    if first is None:
                        first = cell.row
                    if cell.data_type == "f":
                        found.append((cell.row - (first or 1), cell.column, str(cell.value)))
            if found:
                out[name] = found
    finally:
        wb.close()
    return out
