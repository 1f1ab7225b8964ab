"""The pairing ledger (包保台账) as six columnar tables.

A city or province keeps, for every licensed food business, who pairs it (包保干部), the pledges
and lists each cadre signed (三清单一承诺), the supervision visits (督导) and the business's own
daily, weekly and monthly records (日管控、周排查、月调度); seed 004 (Anyang: 16316 businesses,
4806 cadres) is the reference. :class:`Ledger` holds them as polars DataFrames with the exact
schema of :mod:`foodsafety.ledger.schema`, converts to and from records without loss, and is what
the audit works on. Polars is imported on first use, never at ``import foodsafety.ledger``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Self

from foodsafety.errors import FoodSafetyError, ProblemReport, require
from foodsafety.ledger.schema import TABLES, polars_schema
from foodsafety.vocab import Level

if TYPE_CHECKING:
    import pandas
    import polars as pl

    from foodsafety._record import Record

__all__ = ["RECORD_TYPES", "Ledger", "record_type"]

#: table name -> the name of the record class that one row of it is (in ``foodsafety.models``).
RECORD_TYPES: dict[str, tuple[str, str]] = {
    "businesses": ("foodsafety.models.business", "Business"),
    "cadres": ("foodsafety.models.cadre", "Cadre"),
    "assignments": ("foodsafety.models.pairing", "PairingAssignment"),
    "pledges": ("foodsafety.models.pairing", "PairingDocument"),
    "visits": ("foodsafety.models.visit", "Visit"),
    "routines": ("foodsafety.models.routine", "RoutineRecord"),
}

_TABLE_LABELS_ZH: dict[str, str] = {
    "businesses": "食品生产经营主体",
    "cadres": "包保干部",
    "assignments": "包保关系",
    "pledges": "三清单一承诺",
    "visits": "督导记录",
    "routines": "日管控周排查月调度记录",
}


def _pl() -> None:
    """Raise MissingExtraError with the install command when polars is missing."""
    require("polars", extra="data", feature="the columnar ledger")


def record_type(table: str) -> type[Record]:
    """The record class of one row of ``table`` (``"businesses"`` -> ``Business``)."""
    import importlib

    try:
        module, name = RECORD_TYPES[table]
    except KeyError:
        raise _unknown_table(table) from None
    cls: type[Record] = getattr(importlib.import_module(module), name)
    return cls


def _table_of(record: object) -> str:
    name = type(record).__name__
    for table, (_, cls_name) in RECORD_TYPES.items():
        if cls_name == name:
            return table
    raise FoodSafetyError(
        f"Ledger.from_records accepts Business, Cadre, PairingAssignment, PairingDocument, "
        f"Visit and RoutineRecord records (got {name})",
        code="ledger.record_type",
        record="Ledger",
        value=name,
    )


def _unknown_table(table: object) -> FoodSafetyError:
    return FoodSafetyError(
        f"table must be one of {', '.join(TABLES)} (got {table!r})",
        code="ledger.unknown_table",
        record="Ledger",
        field="table",
        value=table,
    )


def _plain(value: Any) -> Any:
    """A record field's value as the ledger stores it: codes for terms, str for identifiers."""
    if value is None or isinstance(value, date | bool):
        return value
    if isinstance(value, str):
        # Term members and identifier types are str subclasses; the column holds the plain code.
        return str(value.value) if hasattr(value, "value") else str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _empty(table: str) -> pl.DataFrame:
    import polars as pl

    frame: pl.DataFrame = pl.DataFrame(schema=polars_schema(table))
    return frame


def _conform(table: str, frame: Any) -> pl.DataFrame:
    """Check that ``frame`` has exactly the columns and dtypes of ``table`` (reordering them).

    Columns that are entirely null (dtype ``Null``) and categorical text columns are cast,
    since that loses nothing; any other mismatch raises naming the table and the column.
    """
    import polars as pl

    if frame is None:
        return _empty(table)
    if not isinstance(frame, pl.DataFrame):
        if type(frame).__module__.startswith("pandas"):
            # an all-empty object column (dates, text) has no dtype of its own: take the schema's
            known = {c: d for c, d in polars_schema(table).items() if c in frame.columns}
            frame = pl.from_pandas(frame, schema_overrides=known)
        else:
            raise FoodSafetyError(
                f"Ledger table {table!r} must be a polars or pandas DataFrame "
                f"(got {type(frame).__name__})",
                code="ledger.frame_type",
                record="Ledger",
                field=table,
                value=type(frame).__name__,
            )
    schema = polars_schema(table)
    missing = [c for c in schema if c not in frame.columns]
    extra = [c for c in frame.columns if c not in schema]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        if extra:
            parts.append(f"unknown column(s) {', '.join(extra)}")
        raise FoodSafetyError(
            f"Ledger table {table!r} must have the columns {', '.join(schema)}: "
            + "; ".join(parts),
            code="ledger.columns",
            record="Ledger",
            field=table,
            column=(missing or extra)[0],
            value=(missing or extra)[0],
        )
    casts = []
    for col, dtype in schema.items():
        have = frame.schema[col]
        if have == dtype:
            continue
        lossless = have == pl.Null or (
            dtype == pl.Utf8 and isinstance(have, pl.Categorical | pl.Enum)
        )
        if not lossless:
            raise FoodSafetyError(
                f"Ledger table {table!r} column {col!r} must have dtype {dtype} (got {have})",
                code="ledger.dtype",
                record="Ledger",
                field=table,
                column=col,
                value=str(have),
            )
        casts.append(pl.col(col).cast(dtype))
    if casts:
        frame = frame.with_columns(casts)
    out: pl.DataFrame = frame.select(list(schema))
    return out


class Ledger:
    """A pairing ledger (包保台账): six polars tables with the schema of ``ledger.schema``.

    Build one with :meth:`from_frames`, :meth:`from_records` or the loaders of
    :mod:`foodsafety.ledger.io`; read it as DataFrames (:attr:`businesses`, :meth:`to_polars`,
    :meth:`to_pandas`) or as records (:meth:`to_records`, :meth:`business`, :meth:`cadre`).
    A ledger is immutable: every method returning a ledger returns a new one.

    Example:
        >>> ledger = Ledger.from_records([])  # doctest: +SKIP
        >>> ledger.counts()["businesses"]  # doctest: +SKIP
        0
    """

    __slots__ = ("_tables",)

    TABLES: ClassVar[tuple[str, ...]] = tuple(TABLES)

    def __init__(self, tables: Mapping[str, pl.DataFrame]) -> None:
        """Use :meth:`from_frames`; this constructor trusts that the frames are conformed."""
        self._tables: dict[str, pl.DataFrame] = dict(tables)

    # -- construction -------------------------------------------------------------------

    @classmethod
    def from_frames(
        cls,
        *,
        businesses: Any = None,
        cadres: Any = None,
        assignments: Any = None,
        pledges: Any = None,
        visits: Any = None,
        routines: Any = None,
    ) -> Self:
        """A ledger from DataFrames (polars or pandas), one per table; missing tables are empty.

        Only the shape is checked here (columns and dtypes, as in ``ledger.schema``); the
        values are checked by :meth:`validate` and by the file loaders.

        Raises:
            FoodSafetyError: a frame lacks a column, has an unknown one, or a wrong dtype
                (code ``ledger.columns`` / ``ledger.dtype``; ``field`` is the table,
                ``column`` the column).
        """
        _pl()
        given = {
            "businesses": businesses,
            "cadres": cadres,
            "assignments": assignments,
            "pledges": pledges,
            "visits": visits,
            "routines": routines,
        }
        return cls({t: _conform(t, f) for t, f in given.items()})

    @classmethod
    def from_records(
        cls,
        records: Iterable[Record] = (),
        /,
        **tables: Iterable[Record],
    ) -> Self:
        """A ledger from records: any iterable mixing the six record types, or keyword lists.

        ``Ledger.from_records([b1, c1, a1])`` and
        ``Ledger.from_records(businesses=[b1], cadres=[c1])`` give the same ledger. Rows keep
        the order in which the records are given.
        """
        import polars as pl

        rows: dict[str, list[Any]] = {t: [] for t in TABLES}
        for rec in records:
            rows[_table_of(rec)].append(rec)
        for table, recs in tables.items():
            if table not in TABLES:
                raise _unknown_table(table)
            for rec in recs:
                if _table_of(rec) != table:
                    raise FoodSafetyError(
                        f"Ledger.from_records({table}=...) must hold "
                        f"{RECORD_TYPES[table][1]} records (got {type(rec).__name__})",
                        code="ledger.record_type",
                        record="Ledger",
                        field=table,
                        value=type(rec).__name__,
                    )
                rows[table].append(rec)
        frames: dict[str, pl.DataFrame] = {}
        for table, recs in rows.items():
            schema = polars_schema(table)
            columns = {col: [_plain(getattr(r, col)) for r in recs] for col in schema}
            frames[table] = pl.DataFrame(columns, schema=schema)
        return cls(frames)

    @classmethod
    def empty(cls) -> Self:
        """A ledger with six empty tables."""
        _pl()
        return cls({t: _empty(t) for t in TABLES})

    # -- access -------------------------------------------------------------------------

    @property
    def businesses(self) -> pl.DataFrame:
        """The businesses table (获证食品生产经营主体), keyed by ``uscc``."""
        return self._tables["businesses"]

    @property
    def cadres(self) -> pl.DataFrame:
        """The cadres table (包保干部), keyed by ``cadre_id``."""
        return self._tables["cadres"]

    @property
    def assignments(self) -> pl.DataFrame:
        """The pairing assignments (包保关系, with history), keyed by ``assignment_id``."""
        return self._tables["assignments"]

    @property
    def pledges(self) -> pl.DataFrame:
        """The pledges and the three lists (三清单一承诺), keyed by ``cadre_id`` + ``document``."""
        return self._tables["pledges"]

    @property
    def visits(self) -> pl.DataFrame:
        """The supervision visits (督导, 回头看), keyed by ``visit_id``."""
        return self._tables["visits"]

    @property
    def routines(self) -> pl.DataFrame:
        """The routine records (日管控、周排查、月调度), keyed by ``uscc``+``routine``+``period_start``."""
        return self._tables["routines"]

    @property
    def tables(self) -> dict[str, pl.DataFrame]:
        """Every table by name, in the order of ``ledger.schema.TABLES`` (a new dict)."""
        return {t: self._tables[t] for t in TABLES}

    def _table(self, table: str) -> pl.DataFrame:
        try:
            return self._tables[table]
        except KeyError:
            raise _unknown_table(table) from None

    def to_polars(self, table: str) -> pl.DataFrame:
        """One table as a polars DataFrame."""
        return self._table(table)

    def to_pandas(self, table: str) -> pandas.DataFrame:
        """One table as a pandas DataFrame (needs pandas and pyarrow, the ``data`` extra).

        Dates stay ``datetime.date`` objects (``object`` dtype) and lists stay Python lists, so
        ``Ledger.from_frames(table=df)`` of the result gives the same table back.
        """
        require("pandas", extra="data", feature="Ledger.to_pandas")
        frame = self._table(table)
        out: pandas.DataFrame = frame.to_pandas()
        for col, dtype in TABLES[table].items():
            if dtype == "Date":
                out[col] = frame[col].to_list()
                out[col] = out[col].astype(object)
        return out

    def to_records(self, table: str) -> Iterator[Record]:
        """The rows of ``table`` as records (``Business``, ``Cadre``...), in row order.

        ``Ledger.from_records(ledger.to_records(t) for every t)`` equals the ledger.

        Raises:
            RecordValidationError: a row breaks a record rule (only possible for a ledger built
                with :meth:`from_frames` that was never validated).
        """
        cls = record_type(table)
        frame = self._table(table)
        for i, row in enumerate(frame.iter_rows(named=True), start=1):
            try:
                yield cls.model_validate(row)
            except FoodSafetyError as exc:
                raise exc.located(source=f"ledger.{table}", row=i) from None

    def records(self) -> Iterator[Record]:
        """Every row of every table as a record, table by table."""
        for table in TABLES:
            yield from self.to_records(table)

    def _one(self, table: str, key: str, value: str) -> Record:
        import polars as pl

        found = self._tables[table].filter(pl.col(key) == str(value))
        if found.height == 0:
            raise FoodSafetyError(
                f"the ledger has no {RECORD_TYPES[table][1]} with {key} {value!r}",
                code="ledger.not_found",
                record="Ledger",
                field=key,
                value=value,
            )
        row = found.row(0, named=True)
        return record_type(table).model_validate(row)

    def business(self, uscc: str) -> Record:
        """The :class:`~foodsafety.models.business.Business` with this USCC.

        Raises:
            FoodSafetyError: no such business (code ``ledger.not_found``).
        """
        return self._one("businesses", "uscc", uscc)

    def cadre(self, cadre_id: str) -> Record:
        """The :class:`~foodsafety.models.cadre.Cadre` with this id.

        Raises:
            FoodSafetyError: no such cadre (code ``ledger.not_found``).
        """
        return self._one("cadres", "cadre_id", cadre_id)

    # -- size -----------------------------------------------------------------------------

    def __len__(self) -> int:
        """The number of businesses (the ledger's subjects)."""
        return int(self._tables["businesses"].height)

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        return {t: int(self._tables[t].height) for t in TABLES}

    def summary(self) -> str:
        """A short readable count of every table, in English and Chinese."""
        width = max(len(t) for t in TABLES)
        lines = ["Ledger (包保台账)"]
        for t, n in self.counts().items():
            lines.append(f"  {t:<{width}}  {n:>10,}  {_TABLE_LABELS_ZH[t]}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        inner = ", ".join(f"{t}={n}" for t, n in self.counts().items())
        return f"Ledger({inner})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ledger):
            return NotImplemented
        return all(self._tables[t].equals(other._tables[t]) for t in TABLES)

    __hash__ = None  # type: ignore[assignment]

    # -- subsets and unions -------------------------------------------------------------------

    def filter_jurisdiction(self, code: str) -> Ledger:
        """The part of the ledger under one jurisdiction (a city, county, township or village).

        A business belongs when its jurisdiction code lies under ``code`` (by code prefix:
        ``410522`` keeps ``410522100`` and ``410522100201``; ``410500`` keeps all of Anyang).
        Kept too: the assignments, visits and routine records of those businesses; the cadres
        whose own jurisdiction lies under ``code`` **and** every cadre named by a kept
        assignment or visit (a city cadre pairing a county's business stays, so nothing
        dangles); the pledges of the kept cadres.
        """
        import polars as pl

        prefix = division_prefix(code)
        t = self._tables
        biz = t["businesses"].filter(pl.col("jurisdiction").str.starts_with(prefix))
        usccs = biz["uscc"]
        assignments = t["assignments"].filter(pl.col("uscc").is_in(usccs.implode()))
        visits = t["visits"].filter(pl.col("uscc").is_in(usccs.implode()))
        routines = t["routines"].filter(pl.col("uscc").is_in(usccs.implode()))
        named = pl.concat([assignments["cadre_id"], visits["cadre_id"]]).unique()
        cadres = t["cadres"].filter(
            pl.col("jurisdiction").str.starts_with(prefix)
            | pl.col("cadre_id").is_in(named.implode())
        )
        pledges = t["pledges"].filter(pl.col("cadre_id").is_in(cadres["cadre_id"].implode()))
        return Ledger(
            {
                "businesses": biz,
                "cadres": cadres,
                "assignments": assignments,
                "pledges": pledges,
                "visits": visits,
                "routines": routines,
            }
        )

    @staticmethod
    def concat(*ledgers: Ledger | Iterable[Ledger], check_keys: bool = True) -> Ledger:
        """One ledger from several (e.g. one per county), table by table, in the given order.

        ``Ledger.concat(a, b)`` and ``Ledger.concat([a, b])`` are the same; ``a + b`` too.

        Raises:
            BulkValidationError: ``check_keys`` and a key (``ledger.schema.KEYS``) appears in
                more than one input; the report lists every clash (code ``key.duplicate``).
        """
        import polars as pl

        parts: list[Ledger] = []
        for item in ledgers:
            if isinstance(item, Ledger):
                parts.append(item)
            else:
                parts.extend(item)
        if not parts:
            return Ledger.empty()
        tables = {t: pl.concat([p._tables[t] for p in parts], how="vertical") for t in TABLES}
        out = Ledger(tables)
        if check_keys:
            from foodsafety.ledger._validate import duplicate_key_problems

            report = ProblemReport()
            for t in TABLES:
                report.extend(duplicate_key_problems(t, tables[t]))
            report.raise_if_any("Ledger.concat")
        return out

    def __add__(self, other: Ledger) -> Ledger:
        return Ledger.concat([self, other])

    # -- validation ---------------------------------------------------------------------------

    def validate(
        self,
        *,
        as_of: date | None = None,
        registry: bool = True,
        date_range: tuple[date, date] | None = None,
    ) -> ProblemReport:
        """Check every value of every row as the loaders do; return the problems (rows 1-based).

        Useful for a ledger assembled with :meth:`from_frames` (e.g. by a generator or from a
        database). See :func:`foodsafety.ledger.io.load_ledger` for the list of checks. The
        frames are judged as they are, as :meth:`records` would build them: an empty text
        (``""``, which a file cannot tell from an empty cell) is ``value.blank`` here, so that
        every row this reports no error for is a valid record. ``date_range`` is the first and
        last day a date may be (default 1900-01-01 to 2100-12-31: ``date.out_of_range``).
        """
        from foodsafety.errors import polars_guard
        from foodsafety.ledger._validate import DATE_RANGE, validate_tables

        with polars_guard("validating the ledger"):
            _, report = validate_tables(
                dict(self._tables),
                sources={t: f"ledger.{t}" for t in TABLES},
                as_of=as_of,
                check_registry=registry,
                date_range=date_range or DATE_RANGE,
                blanks="error",
            )
        return report


def division_prefix(code: str) -> str:
    """The code prefix shared by everything under a division (``410500`` -> ``4105``).

    A province keeps 2 digits, a city 4, a county 6, a township 9 and a village all 12; any of
    the 6/9/12-digit forms is accepted (``410522102000`` is the township ``410522102``).

    Raises:
        IdentifierError: ``code`` is not a division code.
    """
    from foodsafety.ids import DivisionCode

    canon = DivisionCode(code)
    width = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6}.get(canon.level, len(canon))
    return str(canon)[:width]
