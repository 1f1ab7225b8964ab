"""Bringing an office's own ledger in (导入本地台账): exports as they are, nothing lost.

:func:`import_ledger` reads a county's or city's export (a workbook with Chinese sheet names,
title rows, merged headers, footer rows; CSV files in GBK or UTF-8; wide tables with the
pairing cadre's columns embedded, or one column group per level) through an
:class:`~foodsafety.rules.import_profile.ImportProfile`, derives the long ``cadres``,
``assignments`` and ``pledges`` tables and the ids the export does not have, and checks every
row as :func:`~foodsafety.ledger.io.load_ledger` does. Problems name the sheet, the row and the
column header as the user sees them in the spreadsheet.

:func:`infer_profile` proposes a profile from the headers, says what it could not map, and
writes it out to edit.

Ids the export lacks are derived, deterministically, from what identifies the row:

- a cadre: ``C-`` and 10 hex digits of a BLAKE2b hash of name and unit (or, without a unit,
  name, level and jurisdiction);
- an assignment: ``<cadre_id>><uscc>`` (and ``@<valid_from>`` when one cadre pairs one
  business more than once);
- a visit: ``<uscc>/<date>/<cadre_id>`` (and ``#2``, ``#3`` for further visits of that day);

so that the same export gives the same ids on every run and machine.
"""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import hashlib
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from foodsafety._atomic import write_text
from foodsafety.errors import (
    BulkValidationError,
    LoadError,
    Problem,
    ProblemReport,
    polars_guard,
    require,
)
from foodsafety.ledger._headers import IGNORED, TABLE_WORDS, ColumnMatcher
from foodsafety.ledger._ledger import Ledger
from foodsafety.ledger._sheets import (
    Grid,
    Header,
    find_header,
    normal_header,
    read_csv_grid,
    read_workbook,
)
from foodsafety.ledger._validate import (
    RECORD_NAMES,
    REQUIRED,
    ROW,
    Progress,
    RawTable,
    RowBatches,
    validate_tables,
)
from foodsafety.ledger.io import LoadResult, _share_repeats
from foodsafety.ledger.schema import TABLES
from foodsafety.rules.import_profile import (
    CADRE_FIELDS,
    CadreGroup,
    ImportProfile,
    TableSource,
    load_import_profile,
)
from foodsafety.rules.pairing_policy import default_since
from foodsafety.vocab import Level

if TYPE_CHECKING:
    import polars as pl

__all__ = ["Inference", "import_ledger", "infer_profile", "resolve_profile"]

#: A row's code in the checked frames: the source's number times this, plus the user's row.
_SPAN = 10_000_000

_SUFFIXES = {".xlsx", ".xlsm", ".csv", ".txt"}

_DATE_COLUMNS = {
    table: {c for c, kind in cols.items() if kind == "Date"} for table, cols in TABLES.items()
}
_DATE_FIELDS = {"valid_from", "valid_to", "pledge_signed"}


def resolve_profile(profile: ImportProfile | str | os.PathLike[str] | None) -> ImportProfile:
    """An :class:`ImportProfile` from a profile, a shipped profile's name or a YAML/JSON file."""
    if profile is None:
        return ImportProfile(name="auto", description="headers recognised, no profile")
    if isinstance(profile, ImportProfile):
        return profile
    text = os.fspath(profile)
    if Path(text).suffix.lower() in (".yaml", ".yml", ".json") or Path(text).exists():
        return load_import_profile(text)
    from foodsafety.presets import import_profile

    return import_profile(text)


# -- finding the tables ------------------------------------------------------------------


def _grids(path: Path | Sequence[Path], encoding: str) -> list[Grid]:
    paths: list[Path]
    if isinstance(path, Path):
        if path.is_dir():
            paths = sorted(p for p in path.iterdir() if p.suffix.lower() in _SUFFIXES)
            if not paths:
                raise LoadError(
                    "the directory holds no workbook or CSV file",
                    code="load.empty",
                    source=str(path),
                )
        else:
            paths = [path]
    else:
        paths = list(path)
    out: list[Grid] = []
    for p in paths:
        if not p.exists():
            raise LoadError("the file does not exist", code="load.missing", source=str(p))
        if p.suffix.lower() in (".xlsx", ".xlsm"):
            out.extend(read_workbook(p, str(p)))
        elif p.suffix.lower() in (".csv", ".txt"):
            out.append(read_csv_grid(p, str(p), encoding))
        else:
            raise LoadError(
                f"cannot import {p.name!r}: use .xlsx or .csv files",
                code="load.format",
                source=str(p),
                value=p.suffix,
            )
    return out


def _names_match(grid: Grid, patterns: Sequence[str]) -> bool:
    names = {grid.name, Path(grid.name).stem}
    return any(fnmatch.fnmatchcase(n, pat) for n in names for pat in patterns)


def _word_table(grid: Grid) -> str | None:
    name = Path(grid.name).stem
    for table, words in TABLE_WORDS:
        if any(w in name for w in words):
            return table
    return None


@attrs.frozen(slots=True)
class _Source:
    """One grid read as (part of) one table."""

    number: int
    table: str
    grid: Grid
    header: Header
    columns: dict[str, int]  # column or extra column -> grid column
    headers: dict[str, str]  # column -> the header as written
    groups: dict[int, dict[str, int]]  # group number -> cadre field -> grid column
    group_headers: dict[int, dict[str, str]]
    unknown: tuple[str, ...]


def _assign(
    grids: Sequence[Grid], profile: ImportProfile, matchers: Mapping[str, ColumnMatcher]
) -> tuple[list[tuple[str, Grid]], list[Grid]]:
    """Which grid holds which table: by the profile's sources, else by name, else by headers."""
    taken: list[tuple[str, Grid]] = []
    free: list[Grid] = []
    named = {t: s.sources for t, s in profile.tables.items() if s.sources}
    for grid in grids:
        table: str | None = next((t for t, pats in named.items() if _names_match(grid, pats)), None)
        if table is None and not named:
            table = _word_table(grid)
            if table is None:
                table = _best_by_headers(grid, matchers)
        if table is None:
            free.append(grid)
        else:
            taken.append((table, grid))
    return taken, free


def _best_by_headers(grid: Grid, matchers: Mapping[str, ColumnMatcher]) -> str | None:
    head = grid.head()
    best, best_score = None, 1
    for table, m in matchers.items():
        score = max((sum(1 for v in row if v and m.knows(v)) for row in head), default=0)
        if score > best_score:
            best, best_score = table, score
    return best


def _read_source(
    number: int, table: str, grid: Grid, profile: ImportProfile, matcher: ColumnMatcher
) -> _Source:
    spec = profile.source_for(table)
    given = spec.header_row if spec.header_row is not None else profile.header_row
    header = find_header(
        grid,
        matcher.knows,
        given=None if given == "auto" else given,
        sub_known=matcher.is_sub_header,
    )
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    groups: dict[int, dict[str, int]] = {}
    group_headers: dict[int, dict[str, str]] = {}
    unknown: list[str] = []
    for i, name in enumerate(header.names):
        if not name or normal_header(name) in IGNORED:
            continue
        column = matcher.column(name)
        if column is not None and column not in columns:
            columns[column] = i
            headers[column] = name
            continue
        found = matcher.group_field(name)
        if found is not None and found[1] not in groups.get(found[0], {}):
            groups.setdefault(found[0], {})[found[1]] = i
            group_headers.setdefault(found[0], {})[found[1]] = name
            continue
        if column is not None:
            raise LoadError(
                f"two headers name the column {column!r}: {headers[column]!r} and {name!r}; "
                f"keep one, or map one of them elsewhere in the profile",
                code="load.duplicate_column",
                message_zh=f"{headers[column]!r} 与 {name!r} 是同一列，请保留其一",
                record=RECORD_NAMES[table],
                field=column,
                source=grid.label,
                row=header.last,
                column=name,
                value=name,
            )
        unknown.append(name)
    return _Source(
        number, table, grid, header, columns, headers, groups, group_headers, tuple(unknown)
    )


# -- the rows ----------------------------------------------------------------------------


def _data_rows(source: _Source, profile: ImportProfile) -> pl.DataFrame:
    """The source's data rows (below the header; blank, footer and repeated header rows left
    out) with the mapped columns, every group's fields as ``g<n>.<field>``, and ``__row__``."""
    import polars as pl

    grid = source.grid
    start = source.header.last - grid.first_row + 1
    wanted = {0, *source.columns.values(), *(i for g in source.groups.values() for i in g.values())}
    # (only the columns read into the ledger, and the first, where footers begin)
    frame = grid.load(sorted(wanted)).slice(start)
    cells = list(frame.columns)
    row = pl.int_range(pl.len(), dtype=pl.Int64) + (source.header.last + 1)
    frame = frame.with_columns((row + source.number * _SPAN).alias(ROW))
    mapped = [f"c{i}" for i in source.columns.values()] + [
        f"c{i}" for g in source.groups.values() for i in g.values()
    ]
    # a row holding nothing in the mapped columns (blank, or only its 序号) is not data
    filled = [pl.col(c).str.strip_chars().ne("").fill_null(False) for c in mapped]
    keep = pl.any_horizontal(filled) if filled else pl.lit(True)
    at = source.header.rows[0] - grid.first_row
    if at < len(grid.rows):  # a header repeated on every printed page
        upper = grid.rows[at]
        padded = list(upper) + [None] * (1 + max(int(c[1:]) for c in cells))
        same = [
            (pl.col(c).is_null() if v is None else pl.col(c) == v).fill_null(False)
            for c, v in ((c, padded[int(c[1:])]) for c in cells)
        ]
        keep = keep & ~pl.all_horizontal(same)
    drop = _footer_rows(frame, cells, source, profile)
    if drop:
        keep = keep & ~pl.col(ROW).is_in(drop)
    exprs = [pl.col(ROW)]
    exprs += [pl.col(f"c{i}").alias(column) for column, i in source.columns.items()]
    for n, fields in source.groups.items():
        exprs += [pl.col(f"c{i}").alias(f"g{n}.{f}") for f, i in fields.items()]
    # one filter, of the columns kept only
    kept = frame.select(*exprs, keep.alias("__keep__"))
    del frame
    out: pl.DataFrame = _share_repeats(kept.filter("__keep__").drop("__keep__"))
    return out


def _footer_rows(
    frame: pl.DataFrame, cells: Sequence[str], source: _Source, profile: ImportProfile
) -> list[int]:
    """The ``__row__`` of footer rows (合计, 填报人 / 审核人 / 填报日期): the first filled cell
    starts with a footer word and the row fills at most half the columns a record needs, or
    two cells start with footer words. A business whose name starts with 合计 fills its
    columns and stays."""
    import polars as pl

    if not profile.footer:
        return []
    words = "^(?:" + "|".join(re.escape(w) for w in profile.footer) + ")"
    first = pl.coalesce([pl.when(pl.col(c).str.strip_chars() != "").then(pl.col(c)) for c in cells])
    # (one regex over the first filled cell; the few candidates are then looked at closely)
    candidates = frame.filter(first.str.strip_chars().str.contains(words).fill_null(False))
    if not candidates.height:
        return []
    needed = [
        f"c{i}"
        for c, i in source.columns.items()
        if c in REQUIRED[source.table] or c in ("township_name", "cadre_name", "business_name")
    ]
    if len(needed) < 2:
        return candidates.get_column(ROW).to_list()
    filled = pl.sum_horizontal(
        [pl.col(c).str.strip_chars().ne("").fill_null(False).cast(pl.Int32) for c in needed]
    )
    labelled = pl.sum_horizontal(
        [
            pl.col(c).str.strip_chars().str.contains(words).fill_null(False).cast(pl.Int32)
            for c in cells
        ]
    )
    footer = (filled <= len(needed) // 2) | (labelled >= 2)
    return candidates.filter(footer).get_column(ROW).to_list()


def _iso_dates(expr: pl.Expr, extra: Sequence[str]) -> pl.Expr:
    """Dates as the export writes them (2023-02-24, 2023/2/24, 2023.2.24, 2023年2月24日,
    20230224, an Excel date with its time, an Excel serial number) as ISO text; anything else
    as written, for the checks to report."""
    import polars as pl

    text = expr.str.strip_chars()
    plain = (
        text.str.replace(r"[ T]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?$", "")
        .str.replace_all(r"[年月]", "-")
        .str.replace(r"日$", "")
    )
    formats = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", *extra)
    parsed = pl.coalesce([plain.str.to_date(f, strict=False) for f in formats])
    serial = text.str.contains(r"^\d{5}(\.0+)?$").fill_null(False)
    days = text.str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)
    excel = pl.lit(date(1899, 12, 30)) + pl.duration(days=days)
    return (
        pl.when(serial)
        .then(excel.dt.strftime("%Y-%m-%d"))
        .when(parsed.is_not_null())
        .then(parsed.dt.strftime("%Y-%m-%d"))
        .otherwise(text)
    )


def _values(frame: pl.DataFrame, table: str, profile: ImportProfile) -> pl.DataFrame:
    """The profile's label maps, dates as ISO text, the profile's defaults.

    Labels and dates are worked out once per distinct value (a column of four million visit
    dates holds a few hundred days), then put back by a lookup."""
    import polars as pl

    exprs = []
    for c in frame.columns:
        if c == ROW:
            continue
        field = c.split(".", 1)[1] if c.startswith("g") and "." in c else c
        mapping = profile.value_map(table, field)
        dated = field in _DATE_COLUMNS[table] or (c != field and field in _DATE_FIELDS)
        if not mapping and not dated:
            continue
        e = pl.col("v")
        if mapping:
            e = e.replace(mapping)
        if dated:
            e = _iso_dates(e, profile.dates)
        values = frame.get_column(c).drop_nulls().unique().to_frame("v")
        done = values.with_columns(e.alias("w")).filter(pl.col("v") != pl.col("w"))
        if done.height:
            changed = dict(zip(done.get_column("v"), done.get_column("w"), strict=True))
            exprs.append(pl.col(c).replace(changed).alias(c))
    for key, value in profile.defaults.items():
        t, _, column = key.partition(".")
        if t != table:
            continue
        if column in frame.columns:
            exprs = [x for x in exprs if x.meta.output_name() != column]
            exprs.append(pl.col(column).fill_null(value).alias(column))
    return frame.with_columns(exprs) if exprs else frame


def _cadre_key(name: str, unit: str | None, level: str | None, jurisdiction: str | None) -> str:
    parts = [name.strip(), (unit or "").strip()]
    if not parts[1]:
        parts += [(level or "").strip(), (jurisdiction or "").strip()]
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=5).hexdigest()
    return f"C-{digest}"


# -- townships given by name -------------------------------------------------------------


@attrs.define(slots=True)
class _Places:
    """Township names resolved within the county (registry search, once per name)."""

    county: str | None
    how: str = "given"
    problems: list[Problem] = attrs.field(factory=list)
    #: table -> the key (USCC, cadre id) of each row left out here -> its problem's id
    dropped: dict[str, dict[str, str]] = attrs.field(factory=dict)
    _cache: dict[str, str | list[str] | None] = attrs.field(factory=dict)

    def resolve(self, name: str) -> str | list[str] | None:
        if name not in self._cache:
            from foodsafety.registry import registry

            if self.county is None:
                self._cache[name] = None
            else:
                found = registry().search(name, level=Level.TOWNSHIP, within=self.county)
                codes = [d.code for d in found]
                self._cache[name] = codes[0] if len(codes) == 1 else codes or None
        return self._cache[name]


def _county_of(
    frames: Mapping[str, pl.DataFrame], given: str | None, grids: Sequence[Grid]
) -> tuple[str | None, str]:
    """The county township names are looked up in, and how it was found: given (argument or
    profile), the county most of the export's division codes are in, the county a title row
    names (安阳县2023年度…台账), or the county most businesses' USCCs were registered in."""
    if given is not None:
        return given, "given"
    counts: Counter[str] = Counter()
    for frame in frames.values():
        if "jurisdiction" in frame.columns:
            codes = frame.get_column("jurisdiction").drop_nulls().str.strip_chars()
            counts.update(c[:6] for c in codes.filter(codes.str.contains(r"^\d{9}")).to_list())
    if counts:
        return counts.most_common(1)[0][0], "the export's division codes"
    titled = _county_in_titles(grids)
    if titled is not None:
        return titled, "a title row"
    b = frames.get("businesses")
    if b is not None and "uscc" in b.columns:
        from foodsafety.registry import registry

        parts = b.get_column("uscc").drop_nulls().str.strip_chars().str.slice(2, 6)
        for code, _ in Counter(parts.to_list()).most_common(1):
            found = registry().find(code)
            if found is not None and found.level is Level.COUNTY:
                return code, "the businesses' USCCs"
    return None, "none"


def _county_in_titles(grids: Sequence[Grid]) -> str | None:
    """The one county a sheet's title rows name (安阳县, 林州市), if they name exactly one."""
    titles = []
    for grid in grids:
        for row in grid.head(3):
            cells = [v for v in row if v is not None and v.strip()]
            if len(cells) == 1:  # a title row: one (merged) cell
                titles.append(cells[0])
    if not titles:
        return None
    found: set[str] = set()
    for text in titles:
        for d in _counties_named(text):
            found.add(d)
    return next(iter(found)) if len(found) == 1 else None


def _counties_named(text: str) -> list[str]:
    """County codes whose full name (安阳县) appears in ``text``."""
    names = _county_names()
    out = []
    for size in sorted({len(n) for n in names}, reverse=True):
        for start in range(len(text) - size + 1):
            codes = names.get(text[start : start + size])
            if codes and len(codes) == 1:
                out.append(codes[0])
    return out


@functools.cache
def _county_names() -> dict[str, list[str]]:
    from foodsafety.registry import registry

    out: dict[str, list[str]] = {}
    for d in registry():
        if d.level is Level.COUNTY and len(d.name) >= 2:
            out.setdefault(d.name, []).append(d.code)
    return out


def _with_townships(
    frame: pl.DataFrame, table: str, places: _Places, where: _Where
) -> pl.DataFrame:
    """``jurisdiction`` filled from ``township_name`` where the code is missing; a name that is
    not a township of the county, or names two, is an error on its row."""
    import polars as pl

    if "township_name" not in frame.columns:
        return frame
    if "jurisdiction" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias("jurisdiction"))
    need = frame.filter(pl.col("jurisdiction").is_null() & pl.col("township_name").is_not_null())
    names = need.get_column("township_name").str.strip_chars().unique().to_list()
    codes: dict[str, str] = {}
    bad: dict[str, str] = {}
    for name in names:
        found = places.resolve(name)
        if isinstance(found, str):
            codes[name] = found
        elif isinstance(found, list):
            bad[name] = (
                f"township {name!r} is ambiguous in county {places.county}: it names "
                + ", ".join(found)
                + "; give the 9-digit code"
            )
        elif places.county is None:
            bad[name] = (
                f"township {name!r} cannot be looked up: no county is known (give county: in "
                f"the profile, or a jurisdiction code column)"
            )
        else:
            bad[name] = f"{name!r} is not a township of county {places.county}"
    if bad:
        rows = need.filter(pl.col("township_name").str.strip_chars().is_in(list(bad)))
        key = "uscc" if table == "businesses" else "cadre_id"
        keys = rows.get_column(key) if key in rows.columns else pl.Series([None] * rows.height)
        for (r, name), k in zip(rows.select(ROW, "township_name").iter_rows(), keys, strict=True):
            code = "township.ambiguous" if "ambiguous" in bad[name.strip()] else "township.unknown"
            problem = where.problem(table, r, "township_name", code, bad[name.strip()], name)
            places.problems.append(problem)
            if k is not None:
                places.dropped.setdefault(table, {})[k.strip()] = problem.id
    if codes and places.how != "given":
        first = int(need.get_column(ROW).min())  # type: ignore[arg-type]
        places.problems.append(
            where.problem(
                table,
                first,
                "township_name",
                "import.county_inferred",
                f"township names were looked up in county {places.county} (found from "
                f"{places.how}); give county: in the profile if that is not the county",
                places.county,
                severity="warning",
            )
        )
        places.how = "given"  # (said once)
    resolved = (
        pl.col("township_name")
        .str.strip_chars()
        .replace_strict(codes, default=None, return_dtype=pl.Utf8)
    )
    frame = frame.with_columns(pl.coalesce("jurisdiction", resolved).alias("jurisdiction"))
    if bad:
        # rows whose township cannot be found cannot be used (the problem above says why)
        frame = frame.filter(
            ~(
                pl.col("jurisdiction").is_null()
                & pl.col("township_name").str.strip_chars().is_in(list(bad))
            )
        )
    return frame.drop("township_name")


# -- locations ---------------------------------------------------------------------------


@attrs.define(slots=True)
class _Where:
    """Where each checked row came from: the source (sheet or file) and the header of each
    column, so that problems name them as the user sees them."""

    labels: dict[int, str] = attrs.field(factory=dict)
    headers: dict[int, dict[str, str]] = attrs.field(factory=dict)

    def add(self, number: int, label: str, headers: Mapping[str, str]) -> None:
        heads = dict(headers)
        # a column filled from another (a cadre's id from its name, a code from a township
        # name) is named by the header it came from
        for column, origin in (
            ("cadre_id", "cadre_name"),
            ("uscc", "business_name"),
            ("jurisdiction", "township_name"),
        ):
            if column not in heads and origin in heads:
                heads[column] = heads[origin]
        self.labels[number] = label
        self.headers[number] = heads

    def problem(
        self,
        table: str,
        row: int,
        column: str,
        code: str,
        message: str,
        value: object,
        *,
        severity: Literal["error", "warning"] = "error",
    ) -> Problem:
        number, user_row = divmod(row, _SPAN)
        return Problem(
            severity=severity,
            code=code,
            message=message,
            record=RECORD_NAMES[table],
            field=column,
            value=value,
            source=self.labels.get(number),
            row=user_row,
            column=self.headers.get(number, {}).get(column, column),
        )

    def relocate(self, problem: Problem) -> Problem:
        if problem.row is None:
            return problem
        number, user_row = divmod(problem.row, _SPAN)
        if number not in self.labels:
            return problem
        column = problem.column
        headers = self.headers[number]
        if problem.field is not None and problem.field in headers:
            column = headers[problem.field]
        elif column is not None and column in headers:
            column = headers[column]
        return attrs.evolve(
            problem,
            source=self.labels[number],
            row=user_row,
            column=column,
            caused_by=self._root(problem.caused_by),
        )

    def _root(self, caused_by: str | None) -> str | None:
        # a cascade names its root by record:row:field:code, the row as checked
        if caused_by is None:
            return None
        record, row, rest = caused_by.split(":", 2)
        if not row.isdigit():
            return caused_by
        return f"{record}:{int(row) % _SPAN}:{rest}"


# -- derived tables ----------------------------------------------------------------------


def _embedded(
    businesses: pl.DataFrame,
    groups: Sequence[CadreGroup],
    where: _Where,
    county: str | None,
    next_number: Iterator[int],
    sources: Sequence[_Source],
) -> list[pl.DataFrame]:
    """One frame per cadre group of the business rows: the cadre each row names, with the
    business's USCC, the pairing's dates and the pledge's signing date."""
    import polars as pl

    cadres = []
    present = {int(c[1:].split(".", 1)[0]) for c in businesses.columns if c.startswith("g")}
    for n in sorted(present):
        group = groups[n]
        cols = {f: f"g{n}.{f}" for f in CADRE_FIELDS if f"g{n}.{f}" in businesses.columns}
        if "name" not in cols and "cadre_id" not in cols:
            continue
        has = pl.lit(False)
        for c in (cols.get("name"), cols.get("cadre_id")):
            if c is not None:
                has = has | pl.col(c).is_not_null()
        rows = businesses.filter(has)
        # derived rows keep the business's row, under a source number of their own (one per
        # sheet or file) whose headers are the group's
        renumber: dict[int, int] = {}
        for s in sources:
            if n in s.group_headers:
                renumber[s.number] = next(next_number)
                where.add(renumber[s.number], s.grid.label, {**s.headers, **s.group_headers[n]})
        number = (pl.col(ROW) // _SPAN).replace_strict(renumber, default=0, return_dtype=pl.Int64)
        rows = rows.with_columns((pl.col(ROW) % _SPAN + number * _SPAN).alias(ROW))
        fixed = group.level.code if group.level is not None else None
        level = pl.col(cols["level"]) if "level" in cols else pl.lit(fixed, dtype=pl.Utf8)
        if fixed is not None and "level" in cols:
            level = pl.coalesce(pl.col(cols["level"]), pl.lit(fixed))
        code = pl.col("jurisdiction")
        parsed = _level_codes(rows, level)
        own = pl.col(cols["jurisdiction"]) if "jurisdiction" in cols else pl.lit(None, pl.Utf8)
        county_code = pl.lit(county, dtype=pl.Utf8) if county else code.str.slice(0, 6)
        jurisdiction = pl.coalesce(
            own,
            pl.when(parsed == "city")
            .then(code.str.slice(0, 4) + "00")
            .when(parsed == "county")
            .then(county_code)
            .when(parsed == "township")
            .then(code.str.slice(0, 9))
            .otherwise(code),
        )
        village = (
            pl.col(cols["village"])
            if "village" in cols
            else (
                pl.when(parsed == "village").then(pl.col("village"))
                if "village" in rows.columns
                else pl.lit(None, pl.Utf8)
            )
        )
        frame = rows.select(
            pl.col(ROW),
            pl.col("uscc"),
            (pl.col(cols["cadre_id"]) if "cadre_id" in cols else pl.lit(None, pl.Utf8)).alias(
                "cadre_id"
            ),
            (pl.col(cols["name"]) if "name" in cols else pl.lit(None, pl.Utf8)).alias("name"),
            level.alias("level"),
            jurisdiction.alias("jurisdiction"),
            village.alias("village"),
            *[
                (pl.col(cols[f]) if f in cols else pl.lit(None, pl.Utf8)).alias(f)
                for f in ("unit", "post", "phone", "valid_from", "valid_to", "pledge_signed")
            ],
        )
        cadres.append(frame)
    return cadres


def _level_codes(frame: pl.DataFrame, level: pl.Expr) -> pl.Expr:
    """Each row's level as its code where it parses (县级 -> county), else null."""
    import polars as pl

    from foodsafety.errors import VocabularyError

    labels = frame.select(level.alias("l")).get_column("l").drop_nulls().unique().to_list()
    codes: dict[str, str] = {}
    for label in labels:
        with contextlib.suppress(VocabularyError):
            codes[label] = Level.parse(label).code
    return level.replace_strict(codes, default=None, return_dtype=pl.Utf8)


@attrs.define(slots=True)
class _CadreIndex:
    """Cadres by id, by (name, unit) and by name, to give each row naming a cadre its id."""

    by_pair: dict[tuple[str, str], str] = attrs.field(factory=dict)
    by_name: dict[str, set[str]] = attrs.field(factory=dict)

    def add(self, cadre_id: str, name: str | None, unit: str | None) -> None:
        if name is None:
            return
        self.by_pair.setdefault((name.strip(), (unit or "").strip()), cadre_id)
        self.by_name.setdefault(name.strip(), set()).add(cadre_id)

    def find(self, name: str | None, unit: str | None) -> str | None:
        if name is None:
            return None
        found = self.by_pair.get((name.strip(), (unit or "").strip()))
        if found is not None:
            return found
        ids = self.by_name.get(name.strip(), set())
        return next(iter(ids)) if len(ids) == 1 else None


def _ids_for_cadres(frame: pl.DataFrame, index: _CadreIndex) -> pl.DataFrame:
    """``cadre_id`` filled where empty: a known cadre of that name (and unit), else derived."""
    import polars as pl

    if "cadre_id" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias("cadre_id"))
    for c in ("unit", "level", "jurisdiction"):
        if c not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c))
    need = frame.filter(pl.col("cadre_id").is_null() & pl.col("name").is_not_null())
    if not need.height:
        return frame
    keys = need.select("name", "unit", "level", "jurisdiction").unique(maintain_order=True)
    derived = {
        (n, u, lv, j): index.find(n, u) or _cadre_key(n, u, lv, j)
        for n, u, lv, j in keys.iter_rows()
    }
    table = pl.DataFrame(
        {
            "name": [k[0] for k in derived],
            "unit": [k[1] for k in derived],
            "level": [k[2] for k in derived],
            "jurisdiction": [k[3] for k in derived],
            "__id__": list(derived.values()),
        },
        schema=dict.fromkeys(("name", "unit", "level", "jurisdiction", "__id__"), pl.Utf8),
    )
    out = frame.join(
        table,
        on=["name", "unit", "level", "jurisdiction"],
        how="left",
        nulls_equal=True,
        maintain_order="left",
    )
    return out.with_columns(pl.coalesce("cadre_id", "__id__").alias("cadre_id")).drop("__id__")


def _resolve_cadre_refs(frame: pl.DataFrame, index: _CadreIndex) -> pl.DataFrame:
    """``cadre_id`` of visits, assignments and pledges that name their cadre only by name."""
    import polars as pl

    if "cadre_name" not in frame.columns:
        return frame
    unit = "cadre_unit" if "cadre_unit" in frame.columns else None
    if "cadre_id" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias("cadre_id"))
    pairs = (
        frame.filter(pl.col("cadre_id").is_null())
        .select("cadre_name", pl.col(unit) if unit else pl.lit(None, pl.Utf8).alias("cadre_unit"))
        .unique()
    )
    found = {
        (n, u): index.find(n, u) or (_cadre_key(n, u, None, None) if n else None)
        for n, u in pairs.iter_rows()
    }
    table = pl.DataFrame(
        {
            "cadre_name": [k[0] for k in found],
            "cadre_unit": [k[1] for k in found],
            "__id__": list(found.values()),
        },
        schema={"cadre_name": pl.Utf8, "cadre_unit": pl.Utf8, "__id__": pl.Utf8},
    )
    if unit is None:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias("cadre_unit"))
    out = frame.join(
        table, on=["cadre_name", "cadre_unit"], how="left", nulls_equal=True, maintain_order="left"
    )
    return out.with_columns(pl.coalesce("cadre_id", "__id__").alias("cadre_id")).drop(
        "__id__", "cadre_name", "cadre_unit"
    )


def _resolve_business_refs(frame: pl.DataFrame, businesses: pl.DataFrame | None) -> pl.DataFrame:
    """``uscc`` of rows that name their business only by name (when the name is unique)."""
    import polars as pl

    if "business_name" not in frame.columns:
        return frame
    if "uscc" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias("uscc"))
    if businesses is None or "name" not in businesses.columns:
        return frame.drop("business_name")
    names = (
        businesses.select(pl.col("name").str.strip_chars().alias("business_name"), "uscc")
        .drop_nulls()
        .unique()
        .filter(pl.col("business_name").is_unique())
        .rename({"uscc": "__uscc__"})
    )
    out = frame.with_columns(pl.col("business_name").str.strip_chars()).join(
        names, on="business_name", how="left", maintain_order="left"
    )
    return out.with_columns(pl.coalesce("uscc", "__uscc__").alias("uscc")).drop(
        "__uscc__", "business_name"
    )


def _numbered_ids(frame: pl.DataFrame, column: str, parts: Sequence[str], sep: str) -> pl.DataFrame:
    """``column`` filled where empty with the ``parts`` joined by ``sep``, and ``#2``,
    ``#3``... for repeats of them (counted over the parts, not over the joined text)."""
    import polars as pl

    if column not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(column))
    for p in parts:
        if p not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(p))
    # repeats counted over a 64-bit hash of the parts, among the few rows whose hash repeats
    # (two keys sharing a hash only number each other on: the ids stay distinct, and the
    # same on every run)
    hashed = frame.select(pl.struct(list(parts)).hash(seed=0).alias("h")).get_column("h")
    repeated = hashed.is_duplicated()
    key = pl.concat_str([pl.col(p).fill_null("") for p in parts], separator=sep)
    if not repeated.any():
        return frame.with_columns(pl.coalesce(column, key).alias(column))
    counted = (
        pl.DataFrame({"h": hashed, "i": pl.int_range(0, hashed.len(), eager=True)})
        .filter(repeated)
        .with_columns(pl.col("h").cum_count().over("h").alias("n"))
    )
    nth = (
        pl.Series("n", [1], dtype=pl.UInt32)
        .extend_constant(1, hashed.len() - 1)
        .scatter(counted.get_column("i"), counted.get_column("n").cast(pl.UInt32))
    )
    n = pl.lit(nth)
    derived = pl.when(n > 1).then(pl.format("{}#{}", key, n)).otherwise(key)
    return frame.with_columns(pl.coalesce(column, derived).alias(column))


# -- the importer ------------------------------------------------------------------------


@attrs.define(slots=True, eq=False)
class _Run:
    """One import's state, step by step: the sources read, the frames of each table, where
    each row came from, the townships and cadres found, the problems so far."""

    profile: ImportProfile
    matchers: dict[str, ColumnMatcher]
    since: date
    report: ProblemReport = attrs.field(factory=ProblemReport)
    where: _Where = attrs.field(factory=_Where)
    numbers: Iterator[int] = attrs.field(factory=lambda: iter(range(1, 1 << 20)))
    sources: list[_Source] = attrs.field(factory=list)
    frames: dict[str, pl.DataFrame] = attrs.field(factory=dict)
    places: _Places = attrs.field(factory=lambda: _Places(None))
    index: _CadreIndex = attrs.field(factory=_CadreIndex)

    def labels(self, table: str) -> str:
        """The sheets and files ``table`` was read from."""
        return ", ".join(dict.fromkeys(s.grid.label for s in self.sources if s.table == table))


@polars_guard("importing the export")
def import_ledger(
    path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    profile: ImportProfile | str | os.PathLike[str] | None = None,
    *,
    county: str | None = None,
    as_of: date | None = None,
    check_registry: bool = True,
    dangling: Literal["drop", "keep"] = "drop",
    progress: Progress | None = None,
    strict: bool = False,
) -> LoadResult:
    """Import an office's export (workbook, CSV files, a directory of them) into a ledger.

    Args:
        path: a workbook (``.xlsx``), a CSV file, a directory of them, or a list of files.
        profile: an :class:`~foodsafety.rules.import_profile.ImportProfile`, the name of a
            shipped one (``"county_workbook"``; see :func:`foodsafety.presets.import_profiles`)
            or a YAML/JSON file; ``None`` recognises the headers the importer knows.
        county: the county (6-digit code) in which township names are looked up; default the
            profile's, else the county most of the export's division codes are in.
        as_of, check_registry, dangling, progress, strict: as for
            :func:`~foodsafety.ledger.io.load_ledger`.

    Returns:
        A :class:`~foodsafety.ledger.io.LoadResult`: ``ledger, report = import_ledger(...)``.
        Problems are located by the sheet or file, the row the user sees and the column's
        header as written.

    Raises:
        LoadError: a file cannot be read, a table's header cannot be found (or two rows could
            be it), a required column is absent and cannot be derived.
        RuleError: the profile is malformed.
        BulkValidationError: ``strict`` and at least one error was found.
    """
    require("polars", extra="data", feature="importing ledgers")
    prof = resolve_profile(profile)
    grids = _grids(_paths(path), prof.encoding)
    run = _Run(
        prof, {t: ColumnMatcher(t, prof) for t in TABLES}, default_since(as_of or date.today())
    )
    assigned, free = _assign(grids, prof, run.matchers)
    # one step per sheet or file read, one per table checked, one for the references
    total = len(assigned) + len({t for t, _ in assigned} | {"cadres", "assignments"}) + 1
    step = [0]

    def advance(stage: str, *_: int) -> None:
        step[0] += 1
        if progress is not None:
            progress(stage, min(step[0], total), total)

    _read_sources(run, assigned, free, advance)
    _table_rows(run)
    _place(run, county or (prof.county and str(prof.county)), grids)
    _listed_cadres(run)
    _derive_pairings(run)
    _link(run)
    sources = {t: run.labels(t) for t in run.frames}
    tables, checked = validate_tables(
        _in_slices(run.frames),
        sources=sources,
        as_of=as_of,
        check_registry=check_registry,
        dangling=dangling,
        progress=advance if progress is not None else None,
        release=True,
    )
    report = run.report
    report.extend(_cascades(run.where.relocate(p), run.places.dropped) for p in checked)
    if strict and not report.ok:
        raise BulkValidationError("the export " + ", ".join(g.label for g in grids), report)
    labels = {t: run.labels(t) for t in TABLES}
    return LoadResult(
        ledger=Ledger(tables), report=report, sources={t: v for t, v in labels.items() if v}
    )


#: rows of a table checked at a time (as the canonical loader checks a large file)
_SLICE_ROWS = 500_000


def _in_slices(frames: dict[str, pl.DataFrame]) -> dict[str, RawTable]:
    """The tables to check, long text values held once each, large tables a slice of rows at
    a time, so that the checks' working copies are of one slice, not of four million visits."""
    out: dict[str, RawTable] = {}
    for table in list(frames):
        frame = _share_repeats(frames.pop(table))
        if frame.height <= _SLICE_ROWS:
            out[table] = frame
            continue

        def read(frame: pl.DataFrame = frame) -> Iterator[pl.DataFrame]:
            for start in range(0, frame.height, _SLICE_ROWS):
                yield frame.slice(start, _SLICE_ROWS)

        out[table] = RowBatches(read)
    return out


def _paths(path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> Path | list[Path]:
    if isinstance(path, (str, os.PathLike)):
        return Path(os.fspath(path))
    return [Path(os.fspath(p)) for p in path]


def _read_sources(
    run: _Run,
    assigned: Sequence[tuple[str, Grid]],
    free: Sequence[Grid],
    advance: Callable[[str], None],
) -> None:
    """Each sheet or file's header and columns; unknown columns and sheets as warnings."""
    for table, grid in assigned:
        s = _read_source(next(run.numbers), table, grid, run.profile, run.matchers[table])
        advance(f"read {grid.name}")
        run.sources.append(s)
        run.where.add(s.number, grid.label, s.headers)
        for name in s.unknown:
            run.report.add(
                Problem(
                    severity="warning",
                    code="column.unknown",
                    message=f"column {name!r} is not part of the {table} table and was ignored "
                    f"(map it in the profile's columns: if it is one)",
                    message_zh=f"未知列 {name!r} 已忽略",
                    record=RECORD_NAMES[table],
                    value=name,
                    source=grid.label,
                    row=s.header.last,
                    column=name,
                )
            )
    for grid in free:
        run.report.add(
            Problem(
                severity="warning",
                code="import.sheet_ignored",
                message="no table was recognised in this sheet or file (name it in the "
                "profile's tables: sources: if it holds one); it was not read",
                message_zh="未识别出台账表，未读取",
                source=grid.label,
            )
        )


def _table_rows(run: _Run) -> None:
    """Each table's data rows from all its sources, labels mapped and dates made ISO."""
    import polars as pl

    for table in TABLES:
        parts = [
            _values(_data_rows(s, run.profile), table, run.profile)
            for s in run.sources
            if s.table == table
        ]
        if parts:
            run.frames[table] = pl.concat(parts, how="diagonal_relaxed")


def _place(run: _Run, county: str | None, grids: Sequence[Grid]) -> None:
    """Townships given by name resolved in the county; a county's cadres listed without a
    code given the county's."""
    import polars as pl

    known, how = _county_of(run.frames, county, grids)
    run.places = _Places(known, how)
    for table in ("businesses", "cadres"):
        if table in run.frames:
            run.frames[table] = _with_townships(run.frames[table], table, run.places, run.where)
    run.report.extend(run.places.problems)
    c = run.frames.get("cadres")
    if run.places.county is None or c is None or "level" not in c.columns:
        return
    if "jurisdiction" not in c.columns:
        c = c.with_columns(pl.lit(None, dtype=pl.Utf8).alias("jurisdiction"))
    county_rows = _level_codes(c, pl.col("level")) == "county"
    run.frames["cadres"] = c.with_columns(
        pl.when(pl.col("jurisdiction").is_null() & county_rows)
        .then(pl.lit(run.places.county))
        .otherwise(pl.col("jurisdiction"))
        .alias("jurisdiction")
    )


def _listed_cadres(run: _Run) -> None:
    """The cadre list's ids (derived where it has none), indexed by name and unit."""
    if "cadres" not in run.frames:
        return
    listed = _ids_for_cadres(run.frames["cadres"], _CadreIndex())
    run.frames["cadres"] = listed
    for cid, name, unit in listed.select("cadre_id", "name", "unit").iter_rows():
        if cid is not None:
            run.index.add(cid, name, unit)


def _link(run: _Run) -> None:
    """Rows naming a cadre or business by name given its id; ids derived where absent; each
    table cut to its ledger columns."""

    frames = run.frames
    for table in ("assignments", "pledges", "visits"):
        if table in frames:
            frames[table] = _resolve_cadre_refs(frames[table], run.index)
    for table in ("assignments", "visits", "routines"):
        if table in frames:
            frames[table] = _resolve_business_refs(frames[table], frames.get("businesses"))
    for table, (column, parts, sep) in _DERIVED_IDS.items():
        if table in frames:
            mine = run.profile.source_for(table).ids or parts
            frames[table] = _numbered_ids(frames[table], column, mine, sep)
    for table, frame in frames.items():
        keep = [c for c in frame.columns if c in TABLES[table] or c == ROW]
        frames[table] = frame.select(keep)
        _check_columns(table, frames[table], run.sources)


#: table -> (id column, the columns that make it by default, their separator)
_DERIVED_IDS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "visits": ("visit_id", ("uscc", "date", "cadre_id"), "/"),
    "assignments": ("assignment_id", ("cadre_id", "uscc"), ">"),
}

_REFERENCED = {"ref.business_missing": "businesses", "ref.cadre_missing": "cadres"}


def _cascades(problem: Problem, dropped: Mapping[str, Mapping[str, str]]) -> Problem:
    """A reference to a row the importer left out (its township not found) as a cascade."""
    table = _REFERENCED.get(problem.code)
    if table is None or problem.caused_by is not None or not isinstance(problem.value, str):
        return problem
    root = dropped.get(table, {}).get(problem.value.strip())
    return problem if root is None else attrs.evolve(problem, caused_by=root)


def _one_business_per_pairing(b: pl.DataFrame, own: Sequence[str]) -> pl.DataFrame:
    """A business paired by several cadres takes one row per pairing, its own columns
    repeated: one business. Rows repeated whole (their cadre columns too) stay, for the
    duplicate-key check to report."""
    import polars as pl

    whole = [c for c in b.columns if c != ROW]
    distinct = b.unique(whole, keep="first", maintain_order=True)
    business_cols = [c for c in own if c != ROW]
    repeats = distinct.select(ROW, *business_cols).unique(
        business_cols, keep="first", maintain_order=True
    )
    exact = b.filter(~pl.col(ROW).is_in(distinct.get_column(ROW).implode()))
    return pl.concat([repeats, exact.select(own)]).sort(ROW)


def _derive_pairings(run: _Run) -> None:
    """Wide to long: the cadres, assignments and pledges of the businesses' cadre groups."""
    import polars as pl

    frames = run.frames
    b = frames.get("businesses")
    if b is None or not any(c.startswith("g") and "." in c for c in b.columns):
        return
    if "village" not in b.columns:
        b = b.with_columns(pl.lit(None, dtype=pl.Utf8).alias("village"))
    groups = run.matchers["businesses"].groups
    parts = _embedded(b, groups, run.where, run.places.county, run.numbers, run.sources)
    own = [c for c in b.columns if not (c.startswith("g") and "." in c)]
    frames["businesses"] = _one_business_per_pairing(b, own)
    if not parts:
        return
    embedded = _ids_for_cadres(pl.concat(parts, how="diagonal_relaxed"), run.index)
    listed = frames.get("cadres")
    known = set() if listed is None else set(listed.get_column("cadre_id").drop_nulls().to_list())
    new = embedded.filter(~pl.col("cadre_id").is_in(list(known))).unique(
        "cadre_id", keep="first", maintain_order=True
    )
    add = new.select(ROW, *[c for c in TABLES["cadres"] if c in new.columns])
    frames["cadres"] = add if listed is None else pl.concat([listed, add], how="diagonal_relaxed")
    pairs = _dated(run, embedded.select(ROW, "cadre_id", "uscc", "valid_from", "valid_to"))
    _append(frames, "assignments", pairs)
    _append(frames, "pledges", _signed(embedded, frames.get("pledges")))
    for c in ("assignments", "pledges", "cadres"):
        if c in frames:
            frames[c] = frames[c].with_columns(pl.col(ROW).cast(pl.Int64))


def _append(frames: dict[str, pl.DataFrame], table: str, rows: pl.DataFrame) -> None:
    import polars as pl

    if not rows.height:
        return
    given = frames.get(table)
    frames[table] = rows if given is None else pl.concat([given, rows], how="diagonal_relaxed")


def _dated(run: _Run, pairs: pl.DataFrame) -> pl.DataFrame:
    """Pairings without a start date (no 包保起始日期): the profile's default, else in force
    since a year before the day of the check (the audit's default window), with a warning."""
    import polars as pl

    default_from = run.profile.defaults.get("assignments.valid_from")
    if default_from is not None:
        pairs = pairs.with_columns(pl.col("valid_from").fill_null(default_from))
    undated = pairs.filter(pl.col("valid_from").is_null())
    if not undated.height:
        return pairs
    since = run.since
    problem = run.where.problem(
        "assignments",
        int(undated.get_column(ROW).min()),  # type: ignore[arg-type]
        "valid_from",
        "import.valid_from_assumed",
        f"{undated.height:,} pairing(s) have no start date (包保起始日期) in the export: "
        f"taken as in force since {since} (the audit's default window); give the start "
        f"in the profile (defaults: assignments.valid_from: YYYY-MM-DD) if it is known",
        None,
        severity="warning",
    )
    zh = f"{undated.height} 条包保关系无包保起始日期，按 {since} 起计"
    run.report.add(attrs.evolve(problem, message_zh=zh))
    return pairs.with_columns(pl.col("valid_from").fill_null(since.isoformat()))


_PLEDGE_LABELS = ("pledge", "承诺书", "承諾書", "食品安全责任与任务承诺书")


def _signed(embedded: pl.DataFrame, listed: pl.DataFrame | None) -> pl.DataFrame:
    """The pledges the businesses' 承诺书签订日期 columns give, but for those the pledges
    sheet lists (its row is the pledge)."""
    import polars as pl

    signed = (
        embedded.filter(pl.col("pledge_signed").is_not_null())
        .select(
            ROW,
            "cadre_id",
            pl.lit("pledge").alias("document"),
            pl.col("pledge_signed").alias("signed"),
        )
        .unique("cadre_id", keep="first", maintain_order=True)
    )
    if listed is not None and "document" in listed.columns:
        done = listed.filter(pl.col("document").is_in(_PLEDGE_LABELS)).get_column("cadre_id")
        signed = signed.filter(~pl.col("cadre_id").is_in(done.implode()))
    return signed


def _check_columns(table: str, frame: pl.DataFrame, sources: Sequence[_Source]) -> None:
    missing = [c for c in REQUIRED[table] if c not in frame.columns]
    if not missing:
        return
    mine = [s for s in sources if s.table == table]
    label = mine[0].grid.label if mine else None
    found = ", ".join(h for s in mine for h in s.header.names if h) or "none"
    raise LoadError(
        f"the {table} table needs the column(s) {', '.join(missing)} and none of its headers "
        f"names them (headers found: {found}); map them in the profile's tables.{table}.columns",
        code="load.missing_column",
        message_zh=f"{table} 表缺少必需列：{'、'.join(missing)}",
        record=RECORD_NAMES[table],
        field=missing[0],
        source=label,
        row=mine[0].header.last if mine else None,
        value=missing[0],
    )


# -- proposing a profile -----------------------------------------------------------------


@attrs.frozen(slots=True)
class Inference:
    """What :func:`infer_profile` found: a profile, and what it could not map.

    Attributes:
        profile: the proposed profile (edit it, then pass it to :func:`import_ledger`).
        unmapped: source (sheet or file) -> the headers no column was found for.
        ignored: the sheets or files no table was recognised in.
    """

    profile: ImportProfile
    unmapped: dict[str, tuple[str, ...]]
    ignored: tuple[str, ...]

    def to_yaml(self) -> str:
        """The profile as YAML, with what could not be mapped as comments at the end."""
        text = self.profile.to_yaml()
        notes = [f"#   {src}: {', '.join(heads)}" for src, heads in self.unmapped.items() if heads]
        if notes:
            text += "# headers not mapped (add them under tables.<table>.columns):\n"
            text += "\n".join(notes) + "\n"
        if self.ignored:
            text += "# sheets or files with no table recognised: " + ", ".join(self.ignored) + "\n"
        return text

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_yaml` to ``path``; return it."""
        return write_text(Path(path), self.to_yaml())


def infer_profile(
    path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    name: str = "my_ledger",
    encoding: str = "auto",
) -> Inference:
    """Propose an :class:`~foodsafety.rules.import_profile.ImportProfile` for an export.

    Each sheet or file is matched to a table by its name and headers; its header row is found;
    every header the importer recognises is written into the profile (so that the profile says
    what it reads, and can be edited); what it could not map is listed.

    Raises:
        LoadError: a file cannot be read, or a sheet's header cannot be found.
    """
    require("polars", extra="data", feature="importing ledgers")
    base = ImportProfile(name="auto", encoding=encoding)
    grids = _grids(_paths(path), encoding)
    matchers = {t: ColumnMatcher(t, base) for t in TABLES}
    assigned, free = _assign(grids, base, matchers)
    specs: dict[str, dict[str, Any]] = {}
    unmapped: dict[str, tuple[str, ...]] = {}
    for number, (table, grid) in enumerate(assigned, start=1):
        s = _read_source(number, table, grid, base, matchers[table])
        spec = specs.setdefault(
            table, {"sources": [], "columns": {}, "cadres": {}, "header_row": None}
        )
        spec["sources"].append(Path(grid.name).name if grid.encoding else grid.name)
        rows = s.header.rows
        spec["header_row"] = rows[0] if len(rows) == 1 else (rows[0], rows[1])
        for column, header in s.headers.items():
            spec["columns"].setdefault(column, [])
            if header not in spec["columns"][column]:
                spec["columns"][column].append(header)
        for n, fields in s.group_headers.items():
            group = matchers[table].groups[n]
            entry = spec["cadres"].setdefault(
                n, {"header": [], "level": group.level, "columns": {}}
            )
            for field, header in fields.items():
                top, _, sub = header.rpartition("/")
                if top and top not in entry["header"]:
                    entry["header"].append(top)
                entry["columns"].setdefault(field, [])
                if sub not in entry["columns"][field]:
                    entry["columns"][field].append(sub)
        unmapped[grid.label] = s.unknown
    tables = {}
    for table, spec in specs.items():
        tables[table] = TableSource(
            sources=tuple(spec["sources"]),
            header_row=spec["header_row"],
            columns={k: tuple(v) for k, v in spec["columns"].items()},
            cadres=tuple(
                CadreGroup(
                    header=tuple(g["header"]),
                    level=g["level"],
                    columns={k: tuple(v) for k, v in g["columns"].items()},
                )
                for _, g in sorted(spec["cadres"].items())
            ),
        )
    profile = ImportProfile(
        name=name,
        description="proposed by foodsafety.ledger.importing.infer_profile; check and edit",
        encoding=encoding,
        tables=tables,
    )
    return Inference(profile, unmapped, tuple(g.label for g in free))
