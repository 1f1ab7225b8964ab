"""Row-by-row validation of ledger tables, done column-wise (the pandera "lazy" pattern).

Every cell of every row is checked, but Python only ever sees *distinct* values: the dtype
casts and null checks are polars expressions over the whole column, and the identifier and
vocabulary checks run once per distinct USCC, division code, licence number or label (a
million-row business table has a few thousand distinct township codes and labels). Bad cells
become :class:`~foodsafety.errors.Problem` rows located by source, 1-based data row and
column; the rows that carry no problem are kept, cast to the exact schema of
:mod:`foodsafety.ledger.schema` and normalised (labels to codes, identifiers to their canonical
form), so that every kept row is also a valid record (:mod:`foodsafety.models`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import attrs

from foodsafety.errors import (
    FoodSafetyError,
    LoadError,
    Problem,
    ProblemReport,
    ProblemSeverity,
    require,
)
from foodsafety.ids.division import PROVINCE_ADMINISTERED_CITY_PART
from foodsafety.ledger._keys import KeyIndex
from foodsafety.ledger.schema import KEYS, TABLES, column_for_header, polars_schema
from foodsafety.models._fields import CONTROL_CHARACTERS, MAX_LIST_ITEMS, MAX_TEXT
from foodsafety.vocab import (
    BusinessKind,
    BusinessPost,
    Level,
    OfficialPost,
    PairingList,
    PairingTier,
    RiskGrade,
    Routine,
    Term,
    VisitMode,
)

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "BIDI_CONTROLS",
    "DATE_RANGE",
    "EVENT_DATES",
    "MARK",
    "MAX_LIST_ITEMS",
    "MAX_TEXT",
    "REQUIRED",
    "Progress",
    "RowBatches",
    "duplicate_key_problems",
    "mark_column",
    "validate_tables",
]

#: progress(stage, done, total): called as a long load advances (the CLI draws a bar).
Progress = Callable[[str, int, int], None]


@attrs.frozen(slots=True)
class RowBatches:
    """A raw table given a slice of rows at a time, so that only one slice's raw text and
    working copies are in memory while a large file is checked.

    ``read()`` returns an iterator of frames in file order, each with a ``__row__`` column of
    the rows' numbers in the file. It is called again when the table must be checked a second
    time (a list cell that only the cell-by-cell parser can locate turns up after the first
    slice), so it must start over from the first row each time.
    """

    read: Callable[[], Iterator[pl.DataFrame]]


#: A raw table for :func:`validate_tables`: a frame, a function reading it, the frames of its
#: row slices, or None.
RawTable: TypeAlias = "pl.DataFrame | Callable[[], pl.DataFrame] | RowBatches | None"

ROW = "__row__"
_BAD = "__bad__"

#: The record class named in problems, per table.
RECORD_NAMES: dict[str, str] = {
    "businesses": "Business",
    "cadres": "Cadre",
    "assignments": "PairingAssignment",
    "pledges": "PairingDocument",
    "visits": "Visit",
    "routines": "RoutineRecord",
}

#: Columns that must hold a value (the others may be empty/null; lists default to []).
REQUIRED: dict[str, tuple[str, ...]] = {
    "businesses": ("uscc", "name", "kind", "jurisdiction", "principal"),
    "cadres": ("cadre_id", "name", "level", "jurisdiction"),
    "assignments": ("assignment_id", "cadre_id", "uscc", "valid_from"),
    "pledges": ("cadre_id", "document"),
    "visits": ("visit_id", "date", "cadre_id", "uscc", "mode"),
    "routines": ("uscc", "routine", "period_start", "signed_by", "signer_post"),
}

#: Dates of things that have already happened: later than ``as_of`` is an error. End dates
#: (``closed`` excepted, a closing is an event) may lie ahead: they are planned ends.
EVENT_DATES: dict[str, tuple[str, ...]] = {
    "businesses": ("opened", "closed", "status_changed"),
    "cadres": ("active_from",),
    "assignments": ("valid_from",),
    "pledges": ("signed",),
    "visits": ("date",),
    "routines": ("period_start",),
}

_VOCAB: dict[tuple[str, str], type[Term]] = {
    ("businesses", "kind"): BusinessKind,
    ("businesses", "tier"): PairingTier,
    ("businesses", "risk_grade"): RiskGrade,
    ("cadres", "level"): Level,
    ("cadres", "post"): OfficialPost,
    ("pledges", "document"): PairingList,
    ("visits", "mode"): VisitMode,
    ("routines", "routine"): Routine,
    ("routines", "signer_post"): BusinessPost,
}

_USCC_COLUMNS = {
    ("businesses", "uscc"),
    ("assignments", "uscc"),
    ("visits", "uscc"),
    ("routines", "uscc"),
}
_DIVISION_COLUMNS = {("businesses", "jurisdiction"), ("cadres", "jurisdiction")}

_TRUE = ("true", "t", "yes", "y", "1", "是", "已解决", "已解決")
_FALSE = ("false", "f", "no", "n", "0", "否", "未解决", "未解決")

#: The dates a ledger may hold unless the caller sets another range (``date.out_of_range``):
#: year 0, or a year typed as 2202 or 1022, is a typing slip, and many systems (Excel,
#: pandas' nanosecond timestamps) cannot hold dates far from today.
DATE_RANGE: tuple[date, date] = (date(1900, 1, 1), date(2100, 12, 31))

#: Unicode's bidirectional controls (the "Trojan Source" characters): text holding one may
#: show differently from what it is (a name that reads backwards). A warning, ``text.bidi``:
#: the row is kept, the text as written.
BIDI_CONTROLS = "[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"

#: Every character :data:`CONTROL_CHARACTERS` or :data:`BIDI_CONTROLS` matches, one by one:
#: a cell is searched for all of them at once (an Aho-Corasick search, ``str.contains_any``,
#: about three times faster a cell than the two regular expressions), and only a column
#: holding one is searched again with each expression. Kept equal to the two classes by a
#: test.
_SUSPECT_CHARACTERS: tuple[str, ...] = (
    *(chr(i) for i in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)),
    "\u061c",
    "\u200e",
    "\u200f",
    *(chr(i) for i in range(0x202A, 0x202F)),
    *(chr(i) for i in range(0x2066, 0x206A)),
)

#: Prefix of the columns a reader adds to mark cells it could not read as text: the column
#: ``__mark__:<code>:<column>`` holds, on each marked row, the cell as the file holds it (a
#: JSON object where text belongs, a formula), and every marked cell becomes a problem of
#: that reason code. See :func:`mark_column`.
MARK = "__mark__"

#: The messages of the marks, by reason code.
_MARKS: dict[str, tuple[str, str]] = {
    "value.nested": (
        "must be text, not a JSON array or object (got {v})",
        "应为文本，而不是 JSON 数组或对象（收到 {v}）",
    ),
    "excel.formula": (
        "the cell holds a formula ({v}), not a value: foodsafety reads values only; "
        "type the value, or paste the cells as values",
        "单元格为公式（{v}），不是数值：请填写数值，或“选择性粘贴为数值”",
    ),
}

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


def _pl() -> None:
    require("polars", extra="data", feature="validating a ledger")


def numbered(frame: pl.DataFrame, start: int = 1) -> pl.DataFrame:
    """``frame`` with a ``__row__`` column of data row numbers, the first being ``start``.

    ``with_row_index`` follows the frame's chunks; a column built apart (``int_range``) would
    make polars copy every other column of a multi-chunk frame (a Parquet file's row groups)
    to align them, doubling the memory of a large load.
    """
    import polars as pl

    return frame.with_row_index(ROW, offset=start).with_columns(pl.col(ROW).cast(pl.Int64))


def _chunks(column: pl.Series) -> list[int]:
    return [chunk.len() for chunk in column.get_chunks()]


def aligned(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every column in chunks of the same lengths (copied only if they are not).

    polars copies every column of a frame whose columns are chunked apart into one chunk
    before most operations on it; a table gathered from slices would be copied whole.
    """
    columns = frame.get_columns()
    if len(columns) > 1 and any(_chunks(c) != _chunks(columns[0]) for c in columns[1:]):
        return frame.rechunk()
    return frame


def numbered_in_chunks(frame: pl.DataFrame, start: int = 1) -> pl.DataFrame:
    """:func:`numbered`, the numbers chunked as the columns are (which are aligned first), so
    that a frame read in several chunks (a Parquet file's row groups) is not copied."""
    import polars as pl

    frame = aligned(frame)
    if frame.width == 0 or frame.get_columns()[0].n_chunks() == 1:
        return numbered(frame, start)
    pieces = []
    for length in _chunks(frame.get_columns()[0]):
        pieces.append(pl.int_range(start, start + length, eager=True, dtype=pl.Int64))
        start += length
    return frame.with_columns(pl.concat(pieces, rechunk=False).alias(ROW))


def _render(message: str | Callable[[Any], str], value: Any) -> str:
    """A message for one bad value: a ``{v}`` template or a function of the value."""
    return message.format(v=value) if isinstance(message, str) else message(value)


#: The key column of each table other rows name: a reference to a key of a row dropped for
#: its own problems is a cascade of them.
_PARENT_KEYS: dict[str, str] = {"cadres": "cadre_id", "businesses": "uscc", "visits": "visit_id"}


class _Collector:
    """Problems of one table, the rows they condemn, and the roots of the rows' loss."""

    def __init__(self, table: str, source: str) -> None:
        self.table = table
        self.source = source
        self.record = RECORD_NAMES[table]
        self.problems: list[tuple[int, int, Problem]] = []
        self.bad_rows: set[int] = set()
        self._cells: set[tuple[int, str]] = set()
        self._order = {c: i for i, c in enumerate(TABLES[table])}
        #: column -> the file's header for it, when the file names it in Chinese
        self.headers: dict[str, str] = {}
        #: dropped row -> (column order, id of the root problem that made it be dropped)
        self.roots: dict[int, tuple[int, str]] = {}
        #: key of a dropped row (a cadre id, USCC, visit id) -> id of its root problem
        self.dropped: dict[str, str] = {}
        #: the text columns of the slice being checked that hold neither a control nor a
        #: bidirectional character (see _check_text)
        self.plain: set[str] = set()

    def add(
        self,
        row: int | None,
        column: str | None,
        code: str,
        message: str,
        value: Any,
        *,
        message_zh: str | None = None,
        drop: bool = True,
        severity: ProblemSeverity = "error",
        caused_by: str | None = None,
    ) -> Problem | None:
        """Record one problem; return it (None when its cell already has one).

        A warning never drops its row; an error drops it unless ``drop`` is false.
        """
        # One problem per cell: a date that failed to parse is not also "missing".
        if row is not None and column is not None:
            if (row, column) in self._cells:
                return None
            self._cells.add((row, column))
        order = self._order.get(column or "", -1)
        problem = Problem(
            code=code,
            message=message,
            message_zh=message_zh,
            record=self.record,
            field=column,
            value=value,
            source=self.source,
            row=row,
            column=self.headers.get(column, column) if column else column,
            severity=severity,
            caused_by=caused_by,
        )
        self.problems.append((row if row is not None else 0, order, problem))
        if drop and severity == "error" and row is not None:
            self.bad_rows.add(row)
            # the root of the row's loss: its first problem in column order (a cascade's
            # root, when the row was lost as a cascade)
            held = self.roots.get(row)
            if held is None or order < held[0]:
                self.roots[row] = (order, caused_by or problem.id)
        return problem

    def remember_dropped(self, frame: pl.DataFrame) -> None:
        """Note the keys of the rows of ``frame`` this collector drops, with their roots.

        Only for the tables other rows name (cadres, businesses, visits): a reference to one
        of these keys is then a cascade of the problem that dropped the row.
        """
        import polars as pl

        key = _PARENT_KEYS.get(self.table)
        if key is None or not self.roots or frame.height == 0:
            return
        numbers = frame.get_column(ROW)
        low, high = numbers.min(), numbers.max()
        rows = [r for r in self.roots if low <= r <= high]  # type: ignore[operator]
        if not rows:
            return
        hits = frame.filter(pl.col(ROW).is_in(pl.Series(rows, dtype=pl.Int64).implode()))
        for row, value in hits.select(ROW, key).iter_rows():
            if value is not None and value not in self.dropped:
                self.dropped[value] = self.roots[row][1]

    def flag(
        self,
        frame: pl.DataFrame,
        mask: pl.Expr,
        column: str,
        code: str,
        message: str | Callable[[Any], str],
        *,
        value_column: str | None = None,
        message_zh: str | Callable[[Any], str] | None = None,
    ) -> None:
        """Report every row where ``mask`` holds (null counts as false)."""
        import polars as pl

        shown = value_column or column
        hits = frame.filter(mask.fill_null(False)).select(pl.col(ROW), pl.col(shown))
        for row, value in hits.iter_rows():
            self.add(
                row,
                column,
                code,
                _render(message, value),
                value,
                message_zh=None if message_zh is None else _render(message_zh, value),
            )

    def sorted(self) -> list[Problem]:
        return [p for _, _, p in sorted(self.problems, key=lambda x: (x[0], x[1]))]


# -- distinct-value validation --------------------------------------------------------------


class _Distinct:
    """Validate each distinct value once, caching across tables (the same USCC appears in
    businesses, assignments, visits and routines)."""

    def __init__(self, check: Callable[[str], str]) -> None:
        self.check = check
        self.good: dict[str, str] = {}
        self.bad: dict[str, FoodSafetyError] = {}

    def run(self, values: Iterable[str]) -> None:
        for v in values:
            if v in self.good or v in self.bad:
                continue
            try:
                self.good[v] = self.check(v)
            except FoodSafetyError as exc:
                self.bad[v] = exc


def _check_uscc(value: str) -> str:
    from foodsafety.ids import USCC

    return str(USCC(value))


def _check_division(value: str) -> str:
    from foodsafety.ids import DivisionCode

    return str(DivisionCode(value))


def _check_licence(value: str) -> str:
    from foodsafety.ids import FoodBusinessLicence, FoodProductionLicence

    head = value.strip()[:2].upper()
    if head == "JY":
        return str(FoodBusinessLicence(value))
    return str(FoodProductionLicence(value))


def _registry_check(code: str) -> FoodSafetyError | None:
    """None when the canonical ``code`` is known; villages count when their township is."""
    from foodsafety.registry import registry

    reg = registry()
    if code in reg:
        return None
    if len(code) == 12 and code[:9] in reg:
        return None
    try:
        reg.get(code)
    except FoodSafetyError as exc:
        return exc
    return None  # pragma: no cover - get() succeeded after `in` failed


# -- vectorised fast paths ---------------------------------------------------------------------
#
# A million businesses means a million distinct USCCs and licence numbers; checking each in
# Python costs tens of seconds. The identifier modules stay the judges, but polars first sorts
# the values: those already in canonical form whose check character is right (USCC) or whose
# shape is right (licences) can only pass or fail on a short prefix (USCC: authority, entity
# type and division, characters 1-8; SC: category and division, 1-11; JY: kind and division,
# 1-9), so one value per distinct prefix is checked by ``foodsafety.ids``. Every other value
# (another form, a wrong check character) is checked one by one, so every error message comes
# from ``foodsafety.ids``.

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_checksum_mask(codes: pl.Series) -> pl.Series:
    """True where a code is 18 canonical characters with the right GB 32100 check character.

    The mod-31 sum of :func:`stdnum.cn.uscc.calc_check_digit`, computed with numpy over the
    Arrow buffer of the codes (a million codes in well under a second).
    """
    import numpy as np
    import polars as pl
    import pyarrow as pa
    import pyarrow.compute as pc

    shape = codes.str.contains(r"^[0-9A-HJ-NPQRTUWXY]{18}$").fill_null(False)
    out = np.zeros(codes.len(), dtype=bool)
    picked = np.flatnonzero(shape.to_numpy())
    if picked.size:
        arr = codes.filter(shape).cast(pl.Binary).to_arrow()
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        arr = pc.cast(arr, pa.large_binary())
        offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)
        offsets = offsets[arr.offset : arr.offset + len(arr) + 1]
        data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
        data = data.reshape(-1, 18)
        lut = np.zeros(256, dtype=np.int64)
        for i, ch in enumerate(_USCC_ALPHABET):
            lut[ord(ch)] = i
        total = lut[data[:, :17]] @ np.array(_USCC_WEIGHTS, dtype=np.int64)
        alphabet = np.frombuffer(_USCC_ALPHABET.encode("ascii"), dtype=np.uint8)
        out[picked] = data[:, 17] == alphabet[(31 - total) % 31]
    return pl.Series(codes.name, out, dtype=pl.Boolean)


def _licence_shape_mask(codes: pl.Series) -> pl.Series:
    return codes.str.contains(r"^(SC|JY)[0-9]{14}$").fill_null(False)


def _licence_prefix(code: pl.Expr) -> pl.Expr:
    import polars as pl

    return (
        pl.when(code.str.starts_with("SC"))
        .then(code.str.slice(0, 11))
        .otherwise(code.str.slice(0, 9))
    )


def _judge(
    values: pl.Series,
    distinct: _Distinct,
    fast_mask: Callable[[pl.Series], pl.Series],
    prefix: Callable[[pl.Expr], pl.Expr],
) -> tuple[dict[str, FoodSafetyError], dict[str, str]]:
    """Judge every value of ``values``; return ``(bad, changed)``.

    ``bad`` maps each bad value to its error, ``changed`` each good value whose canonical
    form differs to that form.
    """
    import polars as pl

    v = pl.col("v")
    present = values.drop_nulls().alias("v")
    work = pl.DataFrame([present, fast_mask(present).alias("fast")]).with_columns(
        prefix(v).alias("prefix")
    )
    reps = work.filter(pl.col("fast")).group_by("prefix").agg(v.first())
    bad_prefixes: list[str] = []
    for pfx, rep in reps.iter_rows():
        distinct.run([rep])
        if rep in distinct.bad:
            bad_prefixes.append(pfx)
    slow = work.filter(~pl.col("fast") | pl.col("prefix").is_in(bad_prefixes))
    slow_values = slow.get_column("v").unique().to_list()
    distinct.run(slow_values)
    bad = {x: distinct.bad[x] for x in slow_values if x in distinct.bad}
    changed = {x: distinct.good[x] for x in slow_values if distinct.good.get(x, x) != x}
    return bad, changed


# -- the table pass -------------------------------------------------------------------------


def _strip(expr: pl.Expr) -> pl.Expr:
    import polars as pl

    stripped = expr.str.strip_chars()
    return pl.when(stripped == "").then(None).otherwise(stripped)


class _Context:
    def __init__(
        self,
        as_of: date | None,
        check_registry: bool,
        date_range: tuple[date, date] = DATE_RANGE,
        blanks: Literal["null", "error"] = "null",
    ) -> None:
        self.as_of = as_of or date.today()
        self.check_registry = check_registry
        self.date_range = date_range
        self.blanks = blanks
        self.uscc = _Distinct(_check_uscc)
        self.division = _Distinct(_check_division)
        self.licence = _Distinct(_check_licence)
        self.registry_bad: dict[str, FoodSafetyError | None] = {}
        #: verdicts on the division codes seen so far (businesses' and cadres' jurisdictions)
        self.divisions = _Judged()
        #: first 9 digits of division codes -> whether the registry lists them
        self.townships: dict[str, bool] = {}
        #: canonical USCCs already judged good (the businesses' keys): later tables that name
        #: them (assignments, visits, routines) need not judge them again. Indexed once, as
        #: each slice of a large table looks its USCCs up in it.
        self.known_usccs: KeyIndex | None = None
        #: table -> whether every USCC in it is one of ``known_usccs``.
        self.usccs_known: dict[str, bool] = {}
        #: the kept cadres' ids, and table -> whether every cadre id in it is one of them:
        #: a table whose every cadre id is found so, slice by slice as it is checked, is
        #: not looked up again by the reference check (which would take each distinct
        #: value of millions)
        self.known_cadres: KeyIndex | None = None
        self.cadres_known: dict[str, bool] = {}
        #: table -> its columns of one value, and the value (see _constant_columns).
        self.constants: dict[str, dict[str, Any]] = {}

    def remember(self, table: str, kept: pl.DataFrame) -> None:
        if table == "businesses":
            self.known_usccs = KeyIndex(kept.get_column("uscc"))
        elif table == "cadres":
            self.known_cadres = KeyIndex(kept.get_column("cadre_id"))


def mark_column(code: str, column: str) -> str:
    """The name of the column marking the cells of ``column`` that are problem ``code``
    (one of ``"value.nested"``, ``"excel.formula"``); see :data:`MARK`."""
    if code not in _MARKS:
        raise ValueError(f"code must be one of {', '.join(_MARKS)} (got {code!r})")
    return f"{MARK}:{code}:{column}"


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _take_marks(table: str, frame: pl.DataFrame, col: _Collector) -> pl.DataFrame:
    """Report the cells a reader marked (see :data:`MARK`) and the cells of a nested type
    (a JSON object or array where text belongs); return the frame without the marks, the
    marked and nested cells empty (their rows are left out)."""
    import polars as pl

    schema = TABLES[table]
    marks = [c for c in frame.columns if c.startswith(MARK + ":")]
    for name in marks:
        _, code, header = name.split(":", 2)
        column = header if header in frame.columns else column_for_header(table, header) or header
        if code == "value.nested" and schema.get(column) == "List[Utf8]":
            continue  # a list column decodes the JSON of the cell itself (list.invalid)
        message, message_zh = _MARKS[code]
        hits = frame.filter(pl.col(name).is_not_null()).select(ROW, name)
        for row, value in hits.iter_rows():
            shown = _shown(value)
            col.add(
                row,
                column,
                code,
                message.format(v=shown),
                value,
                message_zh=message_zh.format(v=shown),
            )
        if column in frame.columns and hits.height:
            frame = frame.with_columns(
                pl.when(pl.col(name).is_not_null())
                .then(None)
                .otherwise(pl.col(column))
                .alias(column)
            )
    if marks:
        frame = frame.drop(marks)
    nested = []
    for c, dtype in frame.schema.items():
        if c not in schema:  # (an unknown column is reported and ignored)
            continue
        kind = schema[c]
        if isinstance(dtype, pl.Struct | pl.Array) or (
            isinstance(dtype, pl.List)
            and (kind != "List[Utf8]" or isinstance(dtype.inner, pl.List | pl.Struct | pl.Array))
        ):
            nested.append(c)
    for c in nested:
        column = c
        message, message_zh = _MARKS["value.nested"]
        if schema.get(column) == "List[Utf8]":
            message = 'must be a list of text such as ["a", "b"] (got {v})'
            message_zh = '应为文本列表，如 ["a", "b"]（收到 {v}）'
        hits = frame.filter(pl.col(c).is_not_null()).select(ROW, c)
        for row, value in hits.iter_rows():
            shown = _shown(value)
            col.add(
                row,
                column,
                "value.nested",
                message.format(v=shown),
                shown,
                message_zh=message_zh.format(v=shown),
            )
        frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c))
    return frame


def _rename_headers(table: str, frame: pl.DataFrame, col: _Collector) -> pl.DataFrame:
    """The frame with its Chinese headers (``schema.COLUMN_LABELS``) renamed to the columns.

    The collector remembers each file header, so that problems name the column as the file
    does. Two headers for one column (``uscc`` and 统一社会信用代码) are a LoadError.
    """
    renames: dict[str, str] = {}
    for header in frame.columns:
        if header == ROW or header in TABLES[table]:
            continue
        column = column_for_header(table, header)
        if column is None:
            continue
        other = column if column in frame.columns else col.headers.get(column)
        other = next((h for h, c in renames.items() if c == column), other)
        if other is not None and other != header:
            raise LoadError(
                f"the {table} table has two headers for the column {column!r}: "
                f"{other!r} and {header!r}; keep one",
                code="load.duplicate_column",
                message_zh=f"{table} 表中 {other!r} 与 {header!r} 是同一列，请保留其一",
                record=RECORD_NAMES[table],
                field=column,
                source=col.source,
                column=header,
                value=header,
            )
        renames[header] = column
    if not renames:
        return frame
    col.headers.update({column: header for header, column in renames.items()})
    return frame.rename(renames)


def _prepare(
    table: str,
    frame: pl.DataFrame,
    col: _Collector,
    *,
    first: bool = True,
    blanks: Literal["null", "error"] = "null",
) -> pl.DataFrame:
    """Bring the raw frame to the working shape: the schema's columns, strings stripped.

    Unknown columns are reported for the ``first`` slice of a table only (the others have
    the same columns).
    """
    import polars as pl

    schema = TABLES[table]
    if frame.height == 0 and all(c == ROW for c in frame.columns):
        # a table without rows or columns (an empty JSON Lines file)
        frame = pl.DataFrame(schema=polars_schema(table))
    if ROW not in frame.columns:
        frame = numbered(frame)
    frame = _rename_headers(table, frame, col)
    frame = _take_marks(table, frame, col)
    unknown = [c for c in frame.columns if c not in schema and c != ROW] if first else []
    for c in unknown:
        col.add(
            None,
            c,
            "column.unknown",
            f"column {c!r} is not part of the {table} table and was ignored "
            f"(expected {', '.join(schema)})",
            c,
            message_zh=f"未知列 {c!r} 已忽略",
            drop=False,
            severity="warning",
        )
    missing_required = [c for c in REQUIRED[table] if c not in frame.columns]
    if missing_required:
        raise LoadError(
            f"the {table} table must have the column(s) {', '.join(missing_required)} "
            f"(its columns are {', '.join(c for c in frame.columns if c != ROW) or 'none'})",
            code="load.missing_column",
            message_zh=f"{table} 表缺少必需列：{'、'.join(missing_required)}",
            record=RECORD_NAMES[table],
            field=missing_required[0],
            source=col.source,
            column=missing_required[0],
            value=missing_required[0],
        )
    exprs = [pl.col(ROW).cast(pl.Int64)]
    for c, kind in schema.items():
        if c not in frame.columns:
            target = polars_schema(table)[c]
            if kind == "List[Utf8]":
                exprs.append(pl.lit([], dtype=target).alias(c))
            else:
                exprs.append(pl.lit(None, dtype=target).alias(c))
            continue
        dtype = frame.schema[c]
        e = pl.col(c)
        if kind == "List[Utf8]":
            if isinstance(dtype, pl.List):
                if dtype != pl.List(pl.Utf8):
                    e = e.cast(pl.List(pl.Utf8))
            elif dtype == pl.Null:
                e = pl.lit([], dtype=pl.List(pl.Utf8))
            else:
                e = _strip(e.cast(pl.Utf8))
        elif kind == "Date" and dtype in (pl.Date,):
            pass
        elif kind == "Date" and isinstance(dtype, pl.Datetime):
            e = e.dt.date()
        elif kind == "Boolean" and dtype == pl.Boolean:
            pass
        else:
            e = e.cast(pl.Utf8)
        exprs.append(e.alias(c))
    out: pl.DataFrame = frame.select(exprs)
    # Strip spaces and turn blank cells into nulls, but only in the columns that need it:
    # rewriting every text column of a clean multi-million-row file costs memory and time.
    text = [c for c, d in out.schema.items() if d == pl.Utf8]
    if text and out.height:
        # (what stripping would change: white space at either end, as the regex ^\s|\s$
        # finds it, in half the time)
        untidy = out.select(
            [
                (pl.col(c).str.strip_chars() != pl.col(c)).fill_null(False).any().alias(c)
                for c in text
            ]
        ).row(0, named=True)
        fix = [c for c in text if untidy[c]]
        if fix:
            out = out.with_columns([_strip(pl.col(c)).alias(c) for c in fix])
        blank = out.select([(pl.col(c) == "").any().alias(c) for c in text]).row(0, named=True)
        fix = [c for c in text if blank[c]]
        for c in fix if blanks == "error" else ():
            # a frame given as it is (Ledger.validate): its records cannot hold "" either
            col.flag(
                out,
                pl.col(c) == "",
                c,
                "value.blank",
                lambda v: f"must not be empty text: leave the value out (null) instead (got {v!r})",
                value_column=None,
                message_zh=lambda v: "不得为空文本：请留空（null）",
            )
        if fix:
            out = out.with_columns(
                [pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c) for c in fix]
            )
    return out


def _check_text(table: str, frame: pl.DataFrame, col: _Collector) -> None:
    """Report text cells holding control characters (``text.control``) or more than
    :data:`MAX_TEXT` characters (``text.too_long``); their rows are left out."""
    import polars as pl

    # (a list cell's items are checked once the list is read: see _parse_lists)
    col.plain = set()
    kinds = TABLES[table]
    text = [c for c, d in frame.schema.items() if d == pl.Utf8 and kinds.get(c) != "List[Utf8]"]
    if not text or not frame.height:
        return
    # One search a cell for control and bidirectional characters both; a text of at most
    # MAX_TEXT bytes has at most MAX_TEXT characters (its length in bytes is stored, its
    # length in characters must be counted).
    suspect = list(_SUSPECT_CHARACTERS)
    found = frame.select(
        *[pl.col(c).str.contains_any(suspect).any().alias(f"{c}:suspect") for c in text],
        *[(pl.col(c).str.len_bytes().max() > MAX_TEXT).alias(f"{c}:bytes") for c in text],
    ).row(0, named=True)
    # (the bidi warnings, later, search only the columns that may hold one)
    col.plain = {c for c in text if not found[f"{c}:suspect"]}
    again = [f"{c}:bytes" for c in text if found[f"{c}:bytes"]] + [
        f"{c}:control" for c in text if found[f"{c}:suspect"]
    ]
    if again:
        found.update(
            frame.select(
                *[
                    (pl.col(c).str.len_chars().max() > MAX_TEXT).alias(f"{c}:long")
                    for c in text
                    if found[f"{c}:bytes"]
                ],
                *[
                    pl.col(c).str.contains(CONTROL_CHARACTERS).any().alias(f"{c}:control")
                    for c in text
                    if found[f"{c}:suspect"]
                ],
            ).row(0, named=True)
        )
    for c in text:
        if found.get(f"{c}:long"):
            col.flag(
                frame,
                pl.col(c).str.len_chars() > MAX_TEXT,
                c,
                "text.too_long",
                lambda v: (
                    f"must be at most {MAX_TEXT:,} characters (got {len(v):,}: {v[:20]!r}...)"
                ),
                message_zh=lambda v: f"文本不得超过 {MAX_TEXT:,} 个字符（收到 {len(v):,} 个）",
            )
        if found.get(f"{c}:control"):
            col.flag(
                frame,
                pl.col(c).str.contains(CONTROL_CHARACTERS),
                c,
                "text.control",
                lambda v: f"must not hold control characters such as NUL (got {_shown(v)!r})",
                message_zh=lambda v: f"文本中不得含有控制字符（收到 {_shown(v)!r}）",
            )


def _bidi_warnings(table: str, frame: pl.DataFrame, col: _Collector) -> None:
    """Warn of text cells holding bidirectional controls (``text.bidi``); rows are kept."""
    import polars as pl

    # (a column _check_text found free of them is free of them still: the checks in between
    # only replace cells by codes or leave rows out)
    text = [c for c, d in frame.schema.items() if d == pl.Utf8 and c != ROW and c not in col.plain]
    if not text or not frame.height:
        return
    found = frame.select([pl.col(c).str.contains(BIDI_CONTROLS).any().alias(c) for c in text]).row(
        0, named=True
    )
    for c in text:
        if not found[c]:
            continue
        hits = frame.filter(pl.col(c).str.contains(BIDI_CONTROLS).fill_null(False))
        for row, value in hits.select(ROW, c).iter_rows():
            col.add(
                row,
                c,
                "text.bidi",
                f"holds Unicode bidirectional controls, so it may show differently from what "
                f"it is (got {value!r}); kept as written",
                value,
                message_zh=f"含有 Unicode 双向控制字符，显示可能与实际内容不同（收到 {value!r}）；"
                "已按原样保留",
                severity="warning",
            )


def _check_date_range(table: str, frame: pl.DataFrame, col: _Collector, ctx: _Context) -> None:
    """Report dates outside ``ctx.date_range`` (``date.out_of_range``; rows left out)."""
    import polars as pl

    low, high = ctx.date_range
    for c, kind in TABLES[table].items():
        if kind != "Date" or frame.schema[c] != pl.Date:
            continue
        outside = (pl.col(c) < pl.lit(low)) | (pl.col(c) > pl.lit(high))
        if not frame.select(outside.fill_null(False).any()).item():
            continue
        shown = f"{c}:shown"
        col.flag(
            frame.with_columns(pl.col(c).cast(pl.Utf8).alias(shown)),
            outside,
            c,
            "date.out_of_range",
            lambda v: f"must be a date from {low} to {high} (got {v})",
            value_column=shown,
            message_zh=lambda v: f"日期应在 {low} 至 {high} 之间（收到 {v}）",
        )


def _parse_dates(table: str, frame: pl.DataFrame, col: _Collector) -> pl.DataFrame:
    import polars as pl

    for c, kind in TABLES[table].items():
        if kind != "Date" or frame.schema[c] == pl.Date:
            continue
        # The first format (ISO, what the writers write) alone first: the others are tried
        # only when a cell is not in it, so that a clean column is parsed once, not once a
        # format (the result is the same, the first format that reads a cell wins).
        first = pl.col(c).str.to_date(_DATE_FORMATS[0], strict=False)
        frame = frame.with_columns(first.alias(f"{c}__parsed"))
        if frame.select((pl.col(c).is_not_null() & pl.col(f"{c}__parsed").is_null()).any()).item():
            others = [pl.col(c).str.to_date(f, strict=False) for f in _DATE_FORMATS[1:]]
            parsed = pl.coalesce([pl.col(f"{c}__parsed"), *others])
            frame = frame.with_columns(parsed.alias(f"{c}__parsed"))
        col.flag(
            frame,
            pl.col(c).is_not_null() & pl.col(f"{c}__parsed").is_null(),
            c,
            "date.invalid",
            lambda v: f"must be a date such as 2022-12-16 (got {v!r})",
            message_zh=lambda v: f"日期格式无效，应如 2022-12-16（收到 {v!r}）",
        )
        frame = frame.with_columns(pl.col(f"{c}__parsed").alias(c)).drop(f"{c}__parsed")
    return frame


def _parse_booleans(table: str, frame: pl.DataFrame, col: _Collector) -> pl.DataFrame:
    import polars as pl

    for c, kind in TABLES[table].items():
        if kind != "Boolean" or frame.schema[c] == pl.Boolean:
            continue
        low = pl.col(c).str.to_lowercase()
        parsed = (
            pl.when(low.is_in(list(_TRUE)))
            .then(True)
            .when(low.is_in(list(_FALSE)))
            .then(False)
            .otherwise(None)
        )
        frame = frame.with_columns(parsed.alias(f"{c}__parsed"))
        col.flag(
            frame,
            pl.col(c).is_not_null() & pl.col(f"{c}__parsed").is_null(),
            c,
            "bool.invalid",
            lambda v: f"must be true or false (是/否) (got {v!r})",
            message_zh=lambda v: f"应为 是 或 否（收到 {v!r}）",
        )
        frame = frame.with_columns(pl.col(f"{c}__parsed").alias(c)).drop(f"{c}__parsed")
    return frame


def _decode_list_column(frame: pl.DataFrame, c: str) -> pl.DataFrame | None:
    """Text cells to lists, vectorised: JSON arrays, or items separated by ``;``/``；``.

    Returns ``None`` when some JSON cell is malformed (the caller then locates it).
    """
    import polars as pl

    is_json = pl.col(c).str.starts_with("[")
    try:
        if frame.select((is_json | pl.col(c).is_null()).all()).item():
            # the form the writers use: decode in one pass, but not the empty arrays (most
            # of a visit's problems and evidence), which are empty lists as they are
            empty = pl.col(c) == "[]"
            return frame.with_columns(
                pl.when(empty)
                .then(pl.lit([], dtype=pl.List(pl.Utf8)))
                .otherwise(pl.when(~empty).then(pl.col(c)).str.json_decode(pl.List(pl.Utf8)))
                .alias(c)
            )
        decoded = frame.select(
            pl.when(is_json).then(pl.col(c)).otherwise(None).str.json_decode(pl.List(pl.Utf8))
        ).to_series()
    except Exception:  # polars reports a malformed cell without saying which
        return None
    split = frame.select(
        pl.when(is_json)
        .then(None)
        .otherwise(pl.col(c).str.replace_all("；", ";").str.split(";"))
        .list.eval(pl.element().str.strip_chars())
    ).to_series()
    return frame.with_columns(decoded.zip_with(decoded.is_not_null(), split).alias(c))


def _parse_list_cell(text: str) -> list[str]:
    if text.startswith("["):
        data = json.loads(text)
        if not isinstance(data, list) or not all(isinstance(x, str) for x in data):
            raise ValueError("not a JSON array of strings")
        return data
    return [part.strip() for part in text.replace("；", ";").split(";")]


class _ListPaths:
    """Which text list columns of a table are decoded cell by cell, which vectorised.

    The two paths do not judge every cell alike (``["a", 1]`` is a list to polars' JSON
    decoder, not "a JSON array of strings" to the cell parser), and a column whose file holds
    one malformed JSON cell is parsed cell by cell throughout. A table checked a slice at a
    time keeps that whole-file choice: a malformed cell after a slice was decoded vectorised
    starts the table over (:class:`_Again`) with the column on the cell-by-cell path.
    """

    def __init__(self) -> None:
        self.slow: set[str] = set()
        self.fast: set[str] = set()


class _Again(Exception):
    """Check the table again from its first row (see :class:`_ListPaths`)."""


def _parse_lists(
    table: str, frame: pl.DataFrame, col: _Collector, paths: _ListPaths | None = None
) -> pl.DataFrame:
    import polars as pl

    paths = paths or _ListPaths()
    for c, kind in TABLES[table].items():
        if kind != "List[Utf8]":
            continue
        if frame.schema[c] == pl.Utf8:
            fast = None if c in paths.slow else _decode_list_column(frame, c)
            if fast is not None:
                frame = fast
                paths.fast.add(c)
            else:  # a malformed JSON cell: locate it the slow way, row by row
                if c not in paths.slow and c in paths.fast:
                    paths.slow.add(c)
                    raise _Again(c)
                paths.slow.add(c)
                cells: list[list[str] | None] = []
                for row, text in frame.select(ROW, c).iter_rows():
                    if text is None:
                        cells.append(None)
                        continue
                    try:
                        cells.append(_parse_list_cell(text))
                    except ValueError:
                        cells.append(None)
                        col.add(
                            row,
                            c,
                            "list.invalid",
                            f'must be a JSON array of strings such as ["a", "b"] or '
                            f"items separated by ';' (got {text!r})",
                            text,
                            message_zh=f"列表格式无效（收到 {text!r}）",
                        )
                frame = frame.with_columns(pl.Series(c, cells, dtype=pl.List(pl.Utf8)))
        if frame.get_column(c).null_count():
            frame = frame.with_columns(pl.col(c).fill_null(pl.lit([], dtype=pl.List(pl.Utf8))))
        col.flag(
            frame,
            pl.col(c).list.len() > MAX_LIST_ITEMS,
            c,
            "list.too_long",
            lambda v: f"must hold at most {MAX_LIST_ITEMS:,} items (got {len(v):,})",
            message_zh=lambda v: f"列表最多 {MAX_LIST_ITEMS:,} 项（收到 {len(v):,} 项）",
        )
        col.flag(
            frame,
            pl.col(c)
            .list.eval(
                pl.element().str.contains(CONTROL_CHARACTERS)
                | (pl.element().str.len_chars() > MAX_TEXT)
            )
            .list.any(),
            c,
            "text.control",
            lambda v: (
                f"items must not hold control characters such as NUL, nor more than "
                f"{MAX_TEXT:,} characters (got {_shown(list(v))})"
            ),
            message_zh=lambda v: f"列表项不得含有控制字符或超过 {MAX_TEXT:,} 个字符",
        )
        blank = (
            pl.col(c)
            .list.eval(pl.element().is_null() | ~pl.element().str.contains(r"\S"))
            .list.any()
        )
        col.flag(
            frame,
            blank,
            c,
            "list.blank_item",
            lambda v: f"must not hold empty items (got {v!r})",
            message_zh=lambda v: f"列表中有空项（收到 {v!r}）",
        )
        untidy = frame.select(
            pl.col(c).list.eval(pl.element().str.contains(r"^\s|\s$")).list.any().any()
        ).item()
        if untidy:
            frame = frame.with_columns(pl.col(c).list.eval(pl.element().str.strip_chars()))
    return frame


def _check_required(table: str, frame: pl.DataFrame, col: _Collector) -> None:
    import polars as pl

    for c in REQUIRED[table]:
        col.flag(
            frame,
            pl.col(c).is_null(),
            c,
            "value.missing",
            f"{c} is required (the cell is empty)",
            message_zh=f"{c} 为必填项（单元格为空）",
        )


def _apply_distinct(
    frame: pl.DataFrame,
    c: str,
    distinct: _Distinct,
    col: _Collector,
    *,
    extra_check: Callable[[str], FoodSafetyError | None] | None = None,
    cache: dict[str, FoodSafetyError | None] | None = None,
    judged: _Judged | None = None,
    fast: Callable[[pl.Series], pl.Series] | None = None,
) -> pl.DataFrame:
    """Check each distinct value of column ``c`` once, report the rows holding bad ones and
    replace good ones by their canonical form.

    ``judged`` keeps the verdicts across the slices of a table (and its tables): only the
    values a slice brings anew are looked at in Python. ``fast`` marks the values known good
    and canonical without it (see :func:`_division_fast`).
    """
    import polars as pl

    judged = judged or _Judged()
    present = frame.get_column(c).drop_nulls().unique()
    new = (
        present
        if judged.values is None
        else present.filter(~present.is_in(judged.values.implode()))
    )
    values = (new if fast is None else new.filter(~fast(new))).to_list()
    distinct.run(values)
    for v in values:
        if v in distinct.bad:
            judged.bad[v] = distinct.bad[v]
            continue
        canon = distinct.good[v]
        if extra_check is not None and cache is not None:
            if canon not in cache:
                cache[canon] = extra_check(canon)
            err = cache[canon]
            if err is not None:
                judged.bad[v] = err
                continue
        if canon != v:
            judged.changed[v] = canon
    judged.values = new if judged.values is None else pl.concat([judged.values, new])
    bad = _among(present, judged.bad)
    if bad:
        hits = frame.filter(pl.col(c).is_in(bad)).select(ROW, c)
        for row, value in hits.iter_rows():
            err = judged.bad[value]
            col.add(row, c, err.code, err.message, value, message_zh=err.message_zh)
    changed = {v: judged.changed[v] for v in _among(present, judged.changed)}
    if changed:
        frame = frame.with_columns(pl.col(c).replace(changed))
    return frame


def _division_fast(values: pl.Series, known: dict[str, bool] | None) -> pl.Series:
    """True for the division codes :func:`_check_division` (and, when ``known`` caches the
    registry's verdicts, :func:`_registry_check`) accept unchanged, found without them.

    A code of 9 or 12 ASCII digits not ending in 000 whose province and city parts are GB/T
    2260-shaped is canonical as it is; it is in the registry when its first 9 digits (the
    township, or the code itself) are: the few thousand township parts are looked up once.
    Every other code (another form, a township not in the registry: a village may be listed
    itself) is judged one by one by ``foodsafety.ids`` and the registry.
    """
    import polars as pl

    shape = values.str.contains(r"^[0-9]{9}(?:[0-9]{3})?$") & ~values.str.ends_with("000")
    county_without_city = (values.str.slice(2, 2) == "00") & (values.str.slice(4, 2) != "00")
    ok = (shape & (values.str.slice(0, 2) != "00") & ~county_without_city).fill_null(False)
    if known is None:
        return ok
    from foodsafety.registry import registry

    reg = registry()
    for township in values.filter(ok).str.slice(0, 9).unique().to_list():
        if township not in known:
            known[township] = township in reg
    listed = pl.Series([t for t, k in known.items() if k], dtype=pl.Utf8)
    return ok & values.str.slice(0, 9).is_in(listed.implode()).fill_null(False)


class _Judged:
    """The verdicts on the distinct values of a column (see :func:`_apply_distinct`)."""

    def __init__(self) -> None:
        self.values: pl.Series | None = None
        self.bad: dict[str, FoodSafetyError] = {}
        self.changed: dict[str, str] = {}


def _among(values: pl.Series, keys: Mapping[str, Any]) -> list[str]:
    """The ``values`` that are keys of ``keys``."""
    import polars as pl

    if not keys:
        return []
    found: list[str] = values.filter(
        values.is_in(pl.Series(list(keys), dtype=pl.Utf8).implode())
    ).to_list()
    return found


def _apply_vocab(frame: pl.DataFrame, c: str, term: type[Term], col: _Collector) -> pl.DataFrame:
    """Labels of column ``c`` to their codes; report the labels ``term`` does not know.

    In a closed vocabulary an unknown label is an error (``vocab.unknown``, the row is
    dropped); in an open-world one (``term.__open__``) it is a warning (``vocab.unlisted``)
    and the label is kept as written, as :class:`~foodsafety.models.cadre.Cadre` and
    :class:`~foodsafety.models.visit.Visit` keep it.
    """
    import polars as pl

    values = frame.get_column(c).drop_nulls().unique().to_list()
    mapping: dict[str, str] = {}
    bad: dict[str, FoodSafetyError] = {}
    unlisted: dict[str, tuple[str, str]] = {}
    for v in values:
        try:
            found = term.parse_open(v)
        except FoodSafetyError as exc:
            bad[v] = exc
            continue
        if isinstance(found, term):
            mapping[v] = found.value
        else:
            unlisted[v] = term.unlisted_message(found, c)
            if found != v:
                mapping[v] = found
    if bad or unlisted:
        hits = frame.filter(pl.col(c).is_in(list(bad) + list(unlisted))).select(ROW, c)
        for row, value in hits.iter_rows():
            if value in bad:
                err = bad[value]
                col.add(row, c, err.code, err.message, value, message_zh=err.message_zh)
            else:
                message, message_zh = unlisted[value]
                col.add(
                    row,
                    c,
                    "vocab.unlisted",
                    message,
                    value,
                    message_zh=message_zh,
                    severity="warning",
                )
    changed = {k: v for k, v in mapping.items() if k != v}
    if changed:
        frame = frame.with_columns(pl.col(c).replace(changed))
    return frame


def _apply_uscc(frame: pl.DataFrame, c: str, ctx: _Context, col: _Collector) -> pl.DataFrame:
    import polars as pl

    values = frame.get_column(c)
    if ctx.known_usccs is not None and ctx.known_usccs.n:
        absent = ctx.known_usccs.absent(values)
        unknown = bool(absent.any())
        # every USCC a known business's: the reference check need not look them up again
        ctx.usccs_known[col.table] = ctx.usccs_known.get(col.table, True) and not unknown
        if not unknown:
            return frame  # nothing to judge
        values = values.filter(absent)
    bad, changed = _judge(values, ctx.uscc, uscc_checksum_mask, lambda e: e.str.slice(0, 8))
    if bad:
        hits = frame.filter(pl.col(c).is_in(list(bad))).select(ROW, c)
        for row, value in hits.iter_rows():
            err = bad[value]
            col.add(row, c, err.code, err.message, value, message_zh=err.message_zh)
    if changed:
        frame = frame.with_columns(pl.col(c).replace(changed))
    return frame


def _apply_licences(frame: pl.DataFrame, ctx: _Context, col: _Collector) -> pl.DataFrame:
    import polars as pl

    c = "licences"
    items = frame.get_column(c).explode()
    bad, changed = _judge(items, ctx.licence, _licence_shape_mask, _licence_prefix)
    if bad:
        hits = frame.filter(pl.col(c).list.eval(pl.element().is_in(list(bad))).list.any())
        for row, values in hits.select(ROW, c).iter_rows():
            for item in values:
                if item in bad:
                    err = bad[item]
                    col.add(row, c, err.code, err.message, item, message_zh=err.message_zh)
    if changed:
        frame = frame.with_columns(pl.col(c).list.eval(pl.element().replace(changed)))
    return frame


def _level_expr(code: pl.Expr) -> pl.Expr:
    """The level a canonical division code stands for, from its digits (as in ids)."""
    import polars as pl

    n = code.str.len_chars()
    return (
        pl.when(n == 12)
        .then(pl.lit(Level.VILLAGE.value))
        .when(n == 9)
        .then(pl.lit(Level.TOWNSHIP.value))
        .when(code.str.ends_with("0000"))
        .then(pl.lit(Level.PROVINCE.value))
        .when(code.str.ends_with("00"))
        .then(pl.lit(Level.CITY.value))
        .otherwise(pl.lit(Level.COUNTY.value))
    )


def _cross_field(table: str, frame: pl.DataFrame, col: _Collector) -> None:
    """The record rules that involve more than one field (the same as in ``foodsafety.models``)."""
    import polars as pl

    if table == "businesses":
        col.flag(
            frame,
            pl.col("closed") < pl.col("opened"),
            "closed",
            "date.reversed",
            lambda v: f"closed must not be before opened (got closed {v})",
            message_zh=lambda v: f"注销日期早于开业日期（{v}）",
        )
        col.flag(
            frame,
            ~pl.col("jurisdiction").str.len_chars().is_in([9, 12]),
            "jurisdiction",
            "business.jurisdiction_level",
            lambda v: (
                f"jurisdiction must be a township (9-digit) or village (12-digit) code (got {v!r})"
            ),
            message_zh=lambda v: f"主体所在地应为乡镇（9 位）或村（12 位）代码（收到 {v!r}）",
        )
        for kinds, prefix, name in (
            ((BusinessKind.PRODUCTION.value,), "SC", "food production licences (SC...)"),
            (
                (BusinessKind.OPERATION.value, BusinessKind.CATERING.value),
                "JY",
                "food business licences (JY...)",
            ),
        ):
            wrong = (
                pl.col("kind").is_in(list(kinds))
                & pl.col("licences").list.eval(~pl.element().str.starts_with(prefix)).list.any()
            )
            col.flag(
                frame,
                wrong,
                "licences",
                "business.licence_kind",
                f"a business of this kind holds {name} only (got {{v!r}})",
                message_zh=f"该业态的许可证应以 {prefix} 开头（收到 {{v!r}}）",
            )
    elif table == "cadres":
        col.flag(
            frame,
            pl.col("active_to") <= pl.col("active_from"),
            "active_to",
            "date.reversed",
            lambda v: f"active_to (exclusive) must be after active_from (got {v})",
            message_zh=lambda v: f"任职截止日期应晚于起始日期（{v}）",
        )
        jurisdiction = pl.col("jurisdiction")
        # a county directly under the province (济源 419001, city part 90) answers to it as a
        # city does: a city-level cadre may hold it (as in foodsafety.models.Cadre)
        as_city = (
            (pl.col("level") == Level.CITY.value)
            & (_level_expr(jurisdiction) == Level.COUNTY.value)
            & (jurisdiction.str.slice(2, 2) == PROVINCE_ADMINISTERED_CITY_PART)
        )
        # a village cadre registered under the village's township (the village only named, as
        # real county ledgers do): as in foodsafety.models.Cadre
        at_township = (pl.col("level") == Level.VILLAGE.value) & (
            _level_expr(jurisdiction) == Level.TOWNSHIP.value
        )
        col.flag(
            frame,
            (_level_expr(jurisdiction) != pl.col("level")) & ~as_city & ~at_township,
            "jurisdiction",
            "cadre.level_mismatch",
            lambda v: f"jurisdiction must be a division of the cadre's level (got {v!r})",
            message_zh=lambda v: f"包保干部的辖区代码与其层级不符（收到 {v!r}）",
        )
    elif table == "assignments":
        col.flag(
            frame,
            pl.col("valid_to") <= pl.col("valid_from"),
            "valid_to",
            "date.reversed",
            lambda v: f"valid_to (exclusive) must be after valid_from (got {v})",
            message_zh=lambda v: f"包保截止日期应晚于起始日期（{v}）",
        )
    elif table == "visits":
        col.flag(
            frame,
            pl.col("follow_up_of") == pl.col("visit_id"),
            "follow_up_of",
            "visit.self_follow_up",
            lambda v: f"a visit cannot follow up itself (got {v!r})",
            message_zh=lambda v: f"回头看不能指向本次督导（{v!r}）",
        )
        col.flag(
            frame,
            pl.col("problems_resolved").is_not_null() & pl.col("follow_up_of").is_null(),
            "problems_resolved",
            "visit.resolved_without_follow_up",
            lambda v: (
                f"problems_resolved is only for a follow-up visit (follow_up_of is "
                f"empty, got {v!r})"
            ),
            message_zh=lambda v: "只有回头看记录才填写问题是否解决",
        )
    elif table == "routines":
        weekday = pl.col("period_start").dt.weekday()  # Monday = 1
        col.flag(
            frame,
            (pl.col("routine") == Routine.WEEKLY.value) & (weekday != 1),
            "period_start",
            "routine.period_start",
            lambda v: f"a weekly report's period_start must be a Monday (got {v})",
            message_zh=lambda v: f"周排查报告的起始日应为周一（{v}）",
        )
        col.flag(
            frame,
            (pl.col("routine") == Routine.MONTHLY.value) & (pl.col("period_start").dt.day() != 1),
            "period_start",
            "routine.period_start",
            lambda v: f"a monthly minute's period_start must be the 1st (got {v})",
            message_zh=lambda v: f"月调度纪要的起始日应为当月 1 日（{v}）",
        )
        expected = pl.col("routine").replace_strict(
            {r.value: r.signed_by.value for r in Routine}, default=None
        )
        col.flag(
            frame,
            pl.col("routine").is_not_null() & (pl.col("signer_post") != expected),
            "signer_post",
            "routine.signer_post",
            lambda v: (
                "the daily record is signed by the food safety officer, the weekly "
                f"report by the director, the monthly minute by the principal (got {v!r})"
            ),
            message_zh=lambda v: (
                f"日管控由食品安全员、周排查由食品安全总监、月调度由主要负责人签字（收到 {v!r}）"
            ),
        )


def _future(table: str, frame: pl.DataFrame, col: _Collector, as_of: date) -> None:
    import polars as pl

    for c in EVENT_DATES[table]:
        col.flag(
            frame,
            pl.col(c) > pl.lit(as_of),
            c,
            "date.future",
            f"{c} must not be after {as_of.isoformat()} (got {{v}})",
            message_zh=f"{c} 晚于核查日期 {as_of.isoformat()}（{{v}}）",
        )


def _all_different(hashed: pl.Series) -> bool:
    """True when no two of the 64-bit ``hashed`` are equal.

    A sixteenth of them at a time (by their top four bits, so equal hashes fall together):
    the hash set of each part is small, where one of millions of them is not.
    """
    for p in range(16):
        low = hashed >= p << 60
        part = hashed.filter(low if p == 15 else low & (hashed < (p + 1) << 60))
        if part.n_unique() != part.len():
            return False
    return True


def duplicate_key_problems(
    table: str, frame: pl.DataFrame, *, source: str | None = None, rows: pl.Series | None = None
) -> list[Problem]:
    """One problem per row whose key (``ledger.schema.KEYS``) an earlier row already holds."""
    import polars as pl

    keys = list(KEYS[table])
    # distinct hashes mean distinct keys: the common case (no duplicate) is settled on 64-bit
    # integers, without the memory of a multi-column string key; otherwise it is exact below
    hashed = frame.select(pl.struct(keys).hash(seed=20221216)).to_series()
    if _all_different(hashed):
        return []
    del hashed
    key = pl.col(keys[0]) if len(keys) == 1 else pl.struct(keys)
    if frame.select(key.is_first_distinct().all()).item():
        return []
    work = frame.select(keys)
    work = work.with_columns(
        (rows if rows is not None else pl.int_range(1, frame.height + 1, eager=True)).alias(ROW)
    )
    dup = work.filter(pl.struct(keys).is_first_distinct().not_())
    first = (
        work.filter(pl.struct(keys).is_first_distinct())
        .select([*keys, pl.col(ROW).alias("__first__")])
        .join(dup.select(keys), on=keys, how="semi", nulls_equal=True)
    )
    joined = dup.join(first, on=keys, how="left", nulls_equal=True)
    out = []
    for rec in joined.iter_rows(named=True):
        value = rec[keys[0]] if len(keys) == 1 else tuple(str(rec[k]) for k in keys)
        out.append(
            Problem(
                code="key.duplicate",
                message=f"{'+'.join(keys)} {value!r} is already used by row {rec['__first__']}",
                message_zh=f"编号重复：{value!r} 已在第 {rec['__first__']} 行出现",
                record=RECORD_NAMES[table],
                field=keys[0],
                value=value,
                source=source or f"ledger.{table}",
                row=rec[ROW],
                column=keys[0],
            )
        )
    return out


def _references(
    kept: dict[str, pl.DataFrame],
    provided: set[str],
    collectors: dict[str, _Collector],
    *,
    drop: bool,
    known: Mapping[str, bool] | None = None,
    constants: Mapping[str, dict[str, Any]] | None = None,
    cadres_known: Mapping[str, bool] | None = None,
) -> None:
    """Report rows naming a cadre, business or visit that is not in the ledger.

    With ``drop``, each check removes its rows from ``kept`` before the next one runs, so a
    follow-up of a dropped visit is reported too and nothing kept dangles. ``known[table]``
    is true when every USCC of the table was found among the kept businesses' as the table
    was checked (nothing to look up again), ``cadres_known[table]`` the same of its cadre
    ids among the kept cadres'; ``constants[table]`` are its constant columns
    (see :func:`_constant_columns`).

    A row naming a key whose own row was dropped for its problems (``collectors[target]
    .dropped``) is a cascade: its problem's ``caused_by`` is the id of the root problem of
    that row, and a visit dropped so passes the root on to its follow-ups. A key that never
    was in the ledger makes a root problem. Without ``drop`` the problems are warnings (the
    rows are kept).
    """
    import numpy as np

    known = known or {}
    cadres_known = cadres_known or {}
    constants = constants or {}
    # table -> the row numbers dropped here from a table whose rows were 1..n (its rows'
    # numbers follow from their positions and these; see _numbers_at)
    gaps: dict[str, Any] = {}

    checks = [
        ("assignments", "cadre_id", "cadres", "cadre_id", "ref.cadre_missing", "cadre"),
        ("assignments", "uscc", "businesses", "uscc", "ref.business_missing", "business"),
        ("pledges", "cadre_id", "cadres", "cadre_id", "ref.cadre_missing", "cadre"),
        ("visits", "cadre_id", "cadres", "cadre_id", "ref.cadre_missing", "cadre"),
        ("visits", "uscc", "businesses", "uscc", "ref.business_missing", "business"),
        ("routines", "uscc", "businesses", "uscc", "ref.business_missing", "business"),
    ]
    zh = {"cadre": "包保干部", "business": "主体", "visit": "督导记录"}

    def run(table: str, column: str, target: str, key: str, code: str, what: str) -> bool:
        if target not in provided or table not in kept or kept[table].height == 0:
            return False
        if target == "businesses" and known.get(table):
            return False  # every USCC of the table was found among them while it was checked
        if target == "cadres" and cadres_known.get(table):
            return False  # (so was every cadre id)
        frame = kept[table]
        values = frame.get_column(column)
        # The few distinct values are looked up among the targets (a hash set of them,
        # probed by each target) rather than millions of values in an index of millions of
        # targets (a visit naming an earlier visit): the same answer in far less memory.
        wanted = values.drop_nulls().unique()
        pool = kept[target].get_column(key)
        found = pool.filter(pool.is_in(wanted.implode()).fill_null(False))
        gone = wanted.filter(~wanted.is_in(found.implode()).fill_null(False))
        del wanted, pool, found
        if gone.len() == 0:
            return False
        hit = values.is_in(gone.implode()).fill_null(False)
        at = hit.arg_true()
        if ROW in frame.columns:
            rows = frame.get_column(ROW).gather(at).to_list()
        else:
            rows = _numbers_at(at.to_numpy(), gaps.get(table))
        lost = collectors[target].dropped
        mine = collectors[table]
        for row, value in zip(rows, values.gather(at).to_list(), strict=True):
            root = lost.get(value)
            if root is None:
                message = (
                    f"names the {what} {value!r}, which is not in the {target} table "
                    "(missing there, or rejected by its own problems)"
                )
                message_zh = f"引用的{zh[what]} {value!r} 不在台账中"
            else:
                message = (
                    f"names the {what} {value!r}, whose row in the {target} table was "
                    f"rejected ({root})"
                )
                message_zh = f"引用的{zh[what]} {value!r} 因自身问题未被接收（{root}）"
            mine.add(
                row,
                column,
                code,
                message,
                value,
                message_zh=message_zh,
                severity="error" if drop else "warning",
                caused_by=root,
            )
        if drop:
            if ROW not in frame.columns:  # the rows left out, for the numbers of those kept
                gaps[table] = np.union1d(gaps.get(table, np.empty(0, dtype=np.int64)), rows)
            parent = _PARENT_KEYS.get(table)
            if parent is not None:  # (visits) a follow-up naming one of these is a cascade
                lost_keys = frame.get_column(parent).gather(at).to_list()
                by_row = dict(zip(rows, lost_keys, strict=True))
                for row, value in by_row.items():
                    if value is not None and value not in mine.dropped and row in mine.roots:
                        mine.dropped[value] = mine.roots[row][1]
            del frame, values
            kept[table] = _pop_filtered(kept, table, ~hit, constants.get(table))
        return True

    for check in checks:
        run(*check)
    # Follow-ups of follow-ups: repeat until no visit names a visit that is gone.
    while run("visits", "follow_up_of", "visits", "visit_id", "ref.visit_missing", "visit"):
        if not drop:
            break


def _keep_mask(frame: pl.DataFrame, rows: set[int]) -> pl.Series | None:
    """False at the given data rows of ``frame``; None when it holds none of them."""
    import polars as pl

    if not rows or frame.height == 0:
        return None
    numbers = frame.get_column(ROW)
    low, high = numbers.min(), numbers.max()
    inside = sorted(r for r in rows if low <= r <= high)  # type: ignore[operator]
    if not inside:
        return None
    return ~numbers.is_in(pl.Series(inside, dtype=pl.Int64).implode())


def _without(frame: pl.DataFrame, rows: set[int]) -> pl.DataFrame:
    """``frame`` without the given data rows (no copy when there are none)."""
    keep = _keep_mask(frame, rows)
    return frame if keep is None else frame.filter(keep)


def _pop_filtered(
    tables: dict[str, pl.DataFrame],
    table: str,
    keep: pl.Series,
    constants: dict[str, Any] | None = None,
    extra: pl.Series | None = None,
) -> pl.DataFrame:
    """``tables[table]`` (taken out of ``tables``), and the ``extra`` column, with the rows
    where ``keep`` holds.

    Filtered a column at a time, each old column freed as its copy is made: a frame filter
    would hold a copy of a whole multi-million-row table next to the table itself. The
    ``constants`` (see :func:`_constant_columns`) are set again, not filtered. (Nothing here
    may put the columns of the frame in one frame with a column chunked otherwise: polars
    would first copy them all into one chunk each.)
    """
    import polars as pl

    constants = constants or {}
    frame = tables.pop(table)
    order = frame.columns
    columns: list[pl.Series | None] = [frame.get_column(c) for c in order if c not in constants]
    if extra is not None:
        columns.append(extra)
        order.append(extra.name)
    del frame, extra
    out: list[pl.Series] = []
    for i, column in enumerate(columns):
        assert column is not None
        columns[i] = None
        # chunk by chunk: the new chunks take the places of the old ones in memory
        out.append(column.filter(keep))
        del column
    filtered = _with_constants(table, pl.DataFrame(out), constants)
    return filtered.select(order)


def _check_rows(
    table: str,
    frame: pl.DataFrame,
    col: _Collector,
    ctx: _Context,
    paths: _ListPaths,
    *,
    first: bool,
) -> pl.DataFrame:
    """The per-row checks of one slice of a table; return its rows that passed them."""
    import polars as pl

    work = _prepare(table, frame, col, first=first, blanks=ctx.blanks)
    del frame
    _check_text(table, work, col)
    work = _parse_dates(table, work, col)
    _check_date_range(table, work, col, ctx)
    work = _parse_booleans(table, work, col)
    work = _parse_lists(table, work, col, paths)
    _check_required(table, work, col)
    for (t, c), term in _VOCAB.items():
        if t == table:
            work = _apply_vocab(work, c, term, col)
    for t, c in _USCC_COLUMNS:
        if t == table:
            work = _apply_uscc(work, c, ctx, col)
    for t, c in _DIVISION_COLUMNS:
        if t == table:
            work = _apply_distinct(
                work,
                c,
                ctx.division,
                col,
                extra_check=_registry_check if ctx.check_registry else None,
                cache=ctx.registry_bad,
                judged=ctx.divisions,
                fast=lambda v: _division_fast(v, ctx.townships if ctx.check_registry else None),
            )
    if table == "businesses":
        work = _apply_licences(work, ctx, col)
    cadres = ctx.known_cadres
    if cadres is not None and cadres.n and table != "cadres" and "cadre_id" in work.columns:
        found = not cadres.absent(work.get_column("cadre_id")).any()
        ctx.cadres_known[table] = ctx.cadres_known.get(table, True) and found
    clean = _without(work, col.bad_rows)
    _cross_field(table, clean, col)
    _future(table, clean, col, ctx.as_of)
    _bidi_warnings(table, _without(clean, col.bad_rows), col)
    col.remember_dropped(work)
    # Every column as a plain series (polars keeps a column of one repeated value, say all
    # null in this slice, as a constant, which concatenation merges across slices), in
    # chunks of the same lengths: the table's columns line up (see aligned).
    return aligned(pl.DataFrame(_without(clean, col.bad_rows).get_columns()))


def _check_table(
    table: str,
    batches: Iterator[pl.DataFrame],
    col: _Collector,
    ctx: _Context,
    paths: _ListPaths,
) -> pl.DataFrame:
    """Every check of one table, its slices one after the other; return the kept rows.

    Every check but the repeated keys looks at one row at a time, so it runs slice by slice
    and only the passing rows of each slice are kept; the keys are compared over the whole
    table (a key repeated in two slices is caught). Problems carry the rows' numbers in the
    file, as each slice numbers its rows.

    What the kept rows take in memory till the end is kept small as they come in: while
    every row so far is kept, the row numbers are the rows' positions and are not held (8
    bytes a row; the table gets a ``__row__`` column once a row is left out), and a column
    of one value in every slice so far (often: all empty) is not held either (see
    :func:`_constant_columns`).
    """
    import polars as pl

    pieces: list[pl.DataFrame] = []
    starts: list[int] = []  # the first row number of each piece, while they are left out
    numbered = False
    position = 1
    constants: dict[str, Any] | None = None  # None: no row seen yet
    for i, frame in enumerate(batches):
        piece = _check_rows(table, frame, col, ctx, paths, first=i == 0)
        del frame  # the next slice is read while this one would still be held
        if not numbered:
            rows = piece.get_column(ROW)
            expected = pl.int_range(position, position + piece.height, eager=True, dtype=pl.Int64)
            if rows.equals(expected.alias(ROW)):
                starts.append(position)
                piece = piece.drop(ROW)
            else:  # a row was left out: every piece keeps its numbers
                numbered = True
                pieces = [
                    _in_order(table, p.with_columns(_rows_in_chunks(p.to_series(0), start)))
                    for p, start in zip(pieces, starts, strict=True)
                ]
            del rows, expected
        position += piece.height
        if piece.height:
            found = _constant_columns(table, piece)
            if constants is None:
                constants = found
                pieces = [p.drop(list(constants)) for p in pieces]  # (pieces without rows)
            else:
                broken = {c: v for c, v in constants.items() if c not in found or found[c] != v}
                if broken:  # not one value after all: spelled out in the earlier pieces
                    pieces = [_spelled_out(table, p, broken) for p in pieces]
                    for c in broken:
                        del constants[c]
        if constants:
            piece = piece.drop(list(constants))
        pieces.append(piece)
        del piece
    constants = constants or {}
    whole = {
        table: _in_order(
            table,
            _with_constants(
                table,
                pieces[0] if len(pieces) == 1 else pl.concat(pieces, how="vertical", rechunk=False),
                constants,
            ),
        )
    }
    del pieces
    clean = whole[table]
    bad = len(col.bad_rows)
    numbers = clean.get_column(ROW) if numbered else None  # (None: the positions)
    for p in duplicate_key_problems(table, clean, source=col.source, rows=numbers):
        col.add(p.row, p.column, p.code, p.message, p.value, message_zh=p.message_zh)
    if len(col.bad_rows) == bad:
        kept = whole[table]  # no key repeated: every row of the pieces is kept
    else:  # the rows kept take their numbers along
        extra = None if numbered else _rows_in_chunks(clean.get_column(KEYS[table][0]), 1)
        keep = _keep_mask(pl.DataFrame([numbers if extra is None else extra]), col.bad_rows)
        assert keep is not None
        del clean, numbers
        kept = _pop_filtered(whole, table, keep, constants, extra)
        numbered = True
    if numbered and kept.get_column(ROW).equals(
        pl.int_range(1, kept.height + 1, eager=True, dtype=pl.Int64)
    ):
        # the rows are the file's rows 1..n after all (a JSON Lines file's blank lines
        # apart, or the last rows left out): their numbers are their positions
        kept = kept.drop(ROW)
    ctx.constants[table] = constants
    return kept


def _in_order(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame``'s columns in the order of the table's (row numbers first)."""
    return frame.select([c for c in (ROW, *TABLES[table]) if c in frame.columns])


def _constant_columns(table: str, frame: pl.DataFrame) -> dict[str, Any]:
    """The columns of ``frame`` holding one value (often: none), and the value.

    Such a column, if it holds one value in the whole table, is held once (a polars constant
    column) instead of once a row. Lists are left out (rarely one value, costly to compare),
    and so is the first key column, which is never one value and keeps the frame's height.
    """
    import polars as pl

    found: dict[str, Any] = {}
    for c, dtype in polars_schema(table).items():
        if c == KEYS[table][0] or isinstance(dtype, pl.List) or c not in frame.columns:
            continue
        column = frame.get_column(c)
        nulls = column.null_count()
        if nulls == frame.height:
            found[c] = None
        elif nulls == 0 and column.head(64).n_unique() == 1 and (column == column[0]).all():
            found[c] = column[0]
        del column
    return found


def _spelled_out(table: str, frame: pl.DataFrame, constants: dict[str, Any]) -> pl.DataFrame:
    """``frame`` (a piece without the ``constants``' columns) with them, a value a row."""
    import polars as pl

    schema = polars_schema(table)
    columns = [
        pl.repeat(v, frame.height, dtype=schema[c], eager=True).alias(c)
        for c, v in constants.items()
    ]
    return aligned(_in_order(table, frame.with_columns(columns)))


def _numbers_at(positions: Any, gaps: Any) -> list[int]:
    """The row numbers at the 0-based ``positions`` of a table whose rows were 1..n until
    the sorted row numbers ``gaps`` were left out.

    Row ``r`` kept is at position ``r - 1 - #{g in gaps: g < r}``; with ``gaps[i] - i``
    (non-decreasing), the gaps before the row at position ``p`` are those with
    ``gaps[i] - i <= p + 1``.
    """
    import numpy as np

    first = np.asarray(positions, dtype=np.int64) + 1
    if gaps is None or len(gaps) == 0:
        return [int(r) for r in first]
    shifted = np.asarray(gaps, dtype=np.int64) - np.arange(len(gaps), dtype=np.int64)
    return [int(r) for r in first + np.searchsorted(shifted, first, side="right")]


def _rows_in_chunks(like: pl.Series, start: int) -> pl.Series:
    """Row numbers ``start``, ``start + 1``... chunked as ``like`` is (so that they line up
    with the columns of its frame)."""
    import polars as pl

    lengths = [len(c) for c in like.get_chunks()]
    pieces = []
    for length in lengths:
        pieces.append(pl.int_range(start, start + length, eager=True, dtype=pl.Int64))
        start += length
    if not pieces:
        return pl.Series(ROW, [], dtype=pl.Int64)
    return pl.concat(pieces, rechunk=False).alias(ROW)


def _with_constants(table: str, frame: pl.DataFrame, constants: dict[str, Any]) -> pl.DataFrame:
    """``frame`` with the ``constants``' columns, each a polars constant column (held once)."""
    import polars as pl

    if not constants:
        return frame
    schema = polars_schema(table)
    return frame.with_columns([pl.lit(v, dtype=schema[c]).alias(c) for c, v in constants.items()])


def _final(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The kept rows in the table's exact schema."""
    import polars as pl

    return frame.select([pl.col(c).cast(d) for c, d in polars_schema(table).items()])


def validate_tables(
    raw: Mapping[str, RawTable] | MutableMapping[str, RawTable],
    *,
    sources: Mapping[str, str] | None = None,
    as_of: date | None = None,
    check_registry: bool = True,
    dangling: Literal["drop", "keep"] = "drop",
    progress: Progress | None = None,
    release: bool = False,
    date_range: tuple[date, date] = DATE_RANGE,
    blanks: Literal["null", "error"] = "null",
) -> tuple[dict[str, pl.DataFrame], ProblemReport]:
    """Check every row of the given tables; return the valid rows (exact schema) and problems.

    Args:
        raw: table name -> frame (strings, or already typed columns), a function
            returning it (called when the table's turn comes, so that one raw file at a
            time is in memory), or :class:`RowBatches` giving it a slice of rows at a time
            (so that one slice's raw text is); ``None`` or absent means the table was not
            provided (references to it are then not checked). A ``__row__`` column, when
            present, gives each row's number in its file.
        sources: table name -> the file (or sheet) it came from, for locating problems.
        as_of: the day the check is made ("in the future" means after it); default today.
        check_registry: check division codes against the bundled registry.
        dangling: ``"drop"`` (default) excludes rows naming a cadre, business or visit that is
            not in the ledger; ``"keep"`` keeps them. Either way each is in the report.
        progress: called as ``progress(stage, done, total)`` after each step.
        release: remove each frame from ``raw`` (a mutable mapping) once it is taken, so that
            the raw text columns of a big file can be freed as they are parsed.
        date_range: the first and last day a date may be (default :data:`DATE_RANGE`,
            1900-01-01 to 2100-12-31); a date outside is ``date.out_of_range``.
        blanks: ``"null"`` (files: an empty cell is no value) or ``"error"`` (frames given
            as they are, :meth:`Ledger.validate`: empty text is ``value.blank``, as a
            record rejects it).

    Returns:
        ``(tables, report)``: every table (empty when not provided) and every problem, table
        by table, each table's problems in row order.
    """
    import polars as pl

    low, high = date_range
    if not (isinstance(low, date) and isinstance(high, date) and low <= high):
        raise LoadError(
            f"date_range must be two dates, the first not after the second (got {date_range!r})",
            code="load.date_range",
            value=date_range,
        )
    ctx = _Context(as_of, check_registry, (low, high), blanks)
    sources = dict(sources or {})
    provided = {t for t in TABLES if raw.get(t) is not None}
    collectors = {t: _Collector(t, sources.get(t, f"ledger.{t}")) for t in TABLES}
    kept: dict[str, pl.DataFrame] = {}
    total = len(provided) + 1
    done = 0
    for table in TABLES:
        given = raw.get(table)
        if given is None:
            continue
        if release and isinstance(raw, MutableMapping):
            raw[table] = None
        if isinstance(given, RowBatches):
            batches = given.read
        else:
            # a whole frame is one slice; it is read (or taken) once, so no reference to it
            # outlives its check
            whole: list[Any] = [given]

            def batches(whole: list[Any] = whole) -> Iterator[pl.DataFrame]:
                item = whole.pop()
                yield item() if callable(item) else item

        del given
        paths = _ListPaths()
        while True:
            try:
                paths.fast.clear()  # (the slow ones stay slow)
                collectors[table] = _Collector(table, collectors[table].source)
                ctx.usccs_known.pop(table, None)
                ctx.cadres_known.pop(table, None)
                kept[table] = _check_table(table, batches(), collectors[table], ctx, paths)
                break
            except _Again:
                continue  # the list columns' paths are now fixed for the whole table
        if kept[table].height:
            ctx.remember(table, kept[table])
        done += 1
        if progress is not None:
            progress(f"validated {table}", done, total)
    _references(
        kept,
        provided,
        collectors,
        drop=dangling == "drop",
        known=ctx.usccs_known,
        cadres_known=ctx.cadres_known,
        constants=ctx.constants,
    )
    out: dict[str, pl.DataFrame] = {}
    for table in TABLES:
        if table not in kept:
            out[table] = pl.DataFrame(schema=polars_schema(table))
            continue
        out[table] = _final(table, kept.pop(table))
    if progress is not None:
        progress("checked references", total, total)
    report = ProblemReport()
    for table in TABLES:
        report.extend(collectors[table].sorted())
    return out, report
