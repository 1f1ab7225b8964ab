"""Import profiles (导入方案) as data: how an office's own export maps onto the ledger's tables.

County and city offices keep their pairing ledgers (包保台账) in workbooks and CSV files of
their own making: a title row above the header, merged header cells, a 序号 column, footer
rows (合计, 填报人, 审核人), Chinese sheet names (包保主体台账, 包保干部名单, 督导记录), one row per
business with the pairing cadre's columns embedded, or one column group per level (县级包保领导
/ 乡镇包保干部 / 村级包保干部). An :class:`ImportProfile` says, as data, how to read such an
export: which sheet or file holds which table, where the header is, what each header means,
how values are spelled, how embedded cadres become the long ``cadres``, ``assignments`` and
``pledges`` tables, and how ids are derived when the export has none.

A profile is a YAML (or JSON) mapping loaded with :func:`load_import_profile`
(``yaml.safe_load`` only); a malformed file raises :class:`~foodsafety.errors.RuleError`
starting with ``file:line``, naming the key and showing a valid example. The importer itself
is :func:`foodsafety.ledger.importing.import_ledger`; the shipped profiles are in
:func:`foodsafety.presets.import_profile`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import pydantic

from foodsafety._record import FrozenRecord
from foodsafety.ids import DivisionCode
from foodsafety.rules._document import load_record_document
from foodsafety.vocab import Level

__all__ = [
    "CADRE_FIELDS",
    "EXTRA_COLUMNS",
    "CadreGroup",
    "ImportProfile",
    "TableSource",
    "load_import_profile",
]

TableName = Literal["businesses", "cadres", "assignments", "pledges", "visits", "routines"]

#: The columns of an embedded cadre group (one business row names its pairing cadre):
#: the cadre's own columns, the pairing's dates and the pledge's signing date.
CADRE_FIELDS: tuple[str, ...] = (
    "cadre_id",
    "name",
    "level",
    "jurisdiction",
    "village",
    "unit",
    "post",
    "phone",
    "valid_from",
    "valid_to",
    "pledge_signed",
)

#: Columns an export may have that are not ledger columns but help fill them:
#: a township *name* (所在乡镇) resolved to its code, a cadre known by name and unit, a
#: business known by name.
EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {
    "businesses": ("township_name",),
    "cadres": ("township_name",),
    "assignments": ("cadre_name", "cadre_unit", "business_name"),
    "pledges": ("cadre_name", "cadre_unit"),
    "visits": ("cadre_name", "cadre_unit", "business_name"),
    "routines": ("business_name",),
}

HeaderRow = Literal["auto"] | int | tuple[int, int]

_EXAMPLE = """\
name: my_county_2023
description: 某县2023年包保台账（工作簿）
encoding: auto                 # CSV files: auto (UTF-8, else GB18030), utf-8, gbk, gb18030
county: "410522"               # township names (所在乡镇) are looked up in this county
tables:
  businesses:
    sources: [包保主体台账]     # sheet names or file names; * and ? are wildcards
    header_row: auto           # or a 1-based row number, or [3, 4] for a two-row header
    columns:
      tier: [包保主体分级, 分级]
    cadres:                    # embedded pairing cadres (wide table)
      - columns: {cadre_id: [包保干部编号], name: [包保干部], level: [包保干部层级]}
  cadres: {sources: [包保干部名单]}
  visits: {sources: [督导记录]}
values:
  tier: {B级: B}
defaults:
  assignments.valid_from: 2023-01-01
"""


def _listed(value: Any) -> Any:
    # one header or source may be written without brackets: sources: 包保主体台账
    return [value] if isinstance(value, str) else value


def _aliases(value: Any) -> Any:
    # a single header may be written without brackets: {name: 包保干部}
    if isinstance(value, Mapping):
        return {k: _listed(v) for k, v in value.items()}
    return value


#: one text or a list of them
Texts = Annotated[tuple[str, ...], pydantic.BeforeValidator(_listed)]
#: column -> the headers it may have (one header or a list)
HeaderMap = Annotated[dict[str, tuple[str, ...]], pydantic.BeforeValidator(_aliases)]


class CadreGroup(FrozenRecord):
    """A group of columns naming one pairing cadre inside a business row (宽表中的包保干部列组).

    Attributes:
        header: the group's header, the merged cell above its columns (县级包保领导); empty
            when the cadre's columns stand alone (包保干部编号, 包保干部, 包保干部层级...).
        level: the level of every cadre of the group, when the group is one level's;
            otherwise the ``level`` column says.
        columns: cadre field (:data:`CADRE_FIELDS`) -> the headers it may have, under the
            group's header (姓名, 职务, 联系电话) or alone (包保干部).
    """

    header: Texts = ()
    level: Level | None = None
    columns: HeaderMap = pydantic.Field(default_factory=dict)

    @pydantic.field_validator("columns")
    @classmethod
    def _known_fields(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        unknown = [k for k in value if k not in CADRE_FIELDS]
        if unknown:
            raise ValueError(
                f"a cadre group's columns must be among {', '.join(CADRE_FIELDS)} "
                f"(got {', '.join(map(repr, unknown))})"
            )
        return value


class TableSource(FrozenRecord):
    """Where one ledger table is in the export, and how its columns are headed.

    Attributes:
        sources: sheet names (in a workbook) or file names (in a directory) holding the table;
            ``*`` and ``?`` are wildcards. Several sources are concatenated in order (a table
            split across sheets or files). Empty: found by the sheet's name and headers.
        header_row: ``auto`` (found by its headers), a 1-based row number as the user sees it
            in the spreadsheet (the line number of a CSV file), or two rows for a header whose
            upper row holds merged group cells.
        columns: ledger column (or one of :data:`EXTRA_COLUMNS`) -> the headers it may have,
            on top of the headers the importer knows.
        cadres: embedded cadre groups (businesses only).
        ids: visits and assignments: the columns whose values, joined, make a row's id when
            the export has none (default ``[uscc, date, cadre_id]`` joined by ``/`` for a
            visit, ``[cadre_id, uscc]`` by ``>`` for an assignment); ``#2``, ``#3``... tell
            repeats apart.
    """

    sources: Texts = ()
    header_row: HeaderRow | None = None
    columns: HeaderMap = pydantic.Field(default_factory=dict)
    cadres: tuple[CadreGroup, ...] = ()
    ids: Texts = ()

    @pydantic.field_validator("header_row")
    @classmethod
    def _positive_rows(cls, value: HeaderRow | None) -> HeaderRow | None:
        rows = value if isinstance(value, tuple) else (value,) if isinstance(value, int) else ()
        if any(r < 1 for r in rows):
            raise ValueError(f"header rows are counted from 1 (got {value!r})")
        if isinstance(value, tuple) and value[1] != value[0] + 1:
            raise ValueError(
                f"a two-row header is two adjacent rows such as [3, 4] (got {value!r})"
            )
        return value


class ImportProfile(FrozenRecord):
    """How to read one office's export into a ledger (导入方案).

    Attributes:
        name: a dotted name (``county_workbook``).
        description: what export the profile reads.
        encoding: the text encoding of CSV files: ``auto`` (UTF-8 with or without a BOM, else
            GB18030, which includes GBK) or a codec name.
        county: the county (6-digit code) in which township names are looked up; may also
            be given to the importer.
        header_row: the default for every table (see :class:`TableSource`).
        tables: ledger table -> where it is and how it is headed. Tables not listed are found
            by their sheet or file names and headers.
        values: column (``tier`` or ``businesses.tier``) -> {label as written: label the
            ledger knows}; applied before the vocabularies parse the cell.
        dates: extra date formats (``strptime``) tried after the built-in ones
            (2023-02-24, 2023/2/24, 2023.2.24, 2023年2月24日, 20230224, Excel dates and serial
            numbers).
        defaults: ``table.column`` -> the value of the column's empty cells, such as the day
            every pairing of the export began.
        footer: a row whose first filled cell starts with one of these is not data.
    """

    label_zh = "导入方案"

    name: str = pydantic.Field(pattern=r"^[a-z][a-z0-9_.]*$")
    description: str = ""
    encoding: str = "auto"
    county: DivisionCode | None = None
    header_row: HeaderRow = "auto"
    tables: dict[TableName, TableSource] = pydantic.Field(default_factory=dict)
    values: dict[str, dict[str, str]] = pydantic.Field(default_factory=dict)
    dates: tuple[str, ...] = ()
    defaults: dict[str, str] = pydantic.Field(default_factory=dict)
    footer: tuple[str, ...] = (
        "合计",
        "总计",
        "小计",
        "填报人",
        "填表人",
        "制表人",
        "审核人",
        "负责人：",
        "负责人:",
        "填报日期",
        "填报单位",
        "备注：",
        "备注:",
        "说明：",
        "说明:",
        "注：",
        "注:",
    )

    @pydantic.field_validator("defaults", mode="before")
    @classmethod
    def _text_defaults(cls, value: Any) -> Any:
        # YAML reads 2023-01-01 as a date: the importer wants the text
        if isinstance(value, Mapping):
            return {
                k: v.isoformat() if isinstance(v, dt.date) else str(v) for k, v in value.items()
            }
        return value

    @pydantic.field_validator("defaults")
    @classmethod
    def _qualified(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if key.count(".") != 1:
                raise ValueError(
                    f"a default is keyed table.column, such as assignments.valid_from (got {key!r})"
                )
        return value

    @pydantic.field_validator("county")
    @classmethod
    def _a_county(cls, value: DivisionCode | None) -> DivisionCode | None:
        if value is not None and value.level is not Level.COUNTY:
            raise ValueError(f"county must be a 6-digit county code such as 410522 (got {value})")
        return value

    def source_for(self, table: str) -> TableSource:
        """The :class:`TableSource` of ``table`` (an empty one when the profile omits it)."""
        found = self.tables.get(table)  # type: ignore[call-overload]
        return found if found is not None else TableSource()

    def value_map(self, table: str, column: str) -> dict[str, str]:
        """The label map of ``table.column`` (``values[table.column]`` over ``values[column]``)."""
        return {**self.values.get(column, {}), **self.values.get(f"{table}.{column}", {})}

    def to_yaml(self) -> str:
        """The profile as YAML text, to save and edit (``load_import_profile`` reads it back)."""
        import yaml

        data = self.model_dump(mode="json", exclude_defaults=True)
        data.setdefault("name", self.name)
        text: str = yaml.safe_dump(
            data, allow_unicode=True, sort_keys=False, width=100, default_flow_style=None
        )
        return text

    @classmethod
    def from_file(cls, path: str | Path) -> ImportProfile:
        """Load a profile from a YAML or JSON file (see :func:`load_import_profile`)."""
        return load_import_profile(path)


def load_import_profile(path: str | Path, *, text: str | None = None) -> ImportProfile:
    """Load an :class:`ImportProfile` from a YAML (``.yaml``/``.yml``) or JSON file.

    Args:
        path: the file; also the name in error messages when ``text`` is given.
        text: the file's content, when already read.

    Raises:
        RuleError: the file cannot be read or parsed, or a value is invalid; the message
            starts with ``file:line``, names the key and shows a valid example.
    """
    return load_record_document(
        ImportProfile,
        path,
        text,
        what="import profile",
        keys="name, tables, values",
        example=_EXAMPLE,
    )
