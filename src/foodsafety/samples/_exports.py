"""A ledger written out as offices export theirs (合成的本地台账导出): for demos, tests, benches.

Real county and city ledgers arrive as workbooks with a title row, merged group headers, a 序号
column, footer rows (合计, 填报人, 审核人, 填报日期), Chinese sheet names, dates written every way
(2023-02-24, 2023/2/24, 2023.2.24, 2023年2月24日, real Excel dates, serial numbers), labels such
as B级 and 乡镇级, and CSV files in GBK. :func:`write_export` renders a ledger in those shapes so
that the importer (:func:`foodsafety.ledger.importing.import_ledger`) can be shown, tested and
measured on them. Everything written from a synthetic sample stays synthetic.

Layouts:

- ``county_workbook``: one ``.xlsx`` with the sheets 包保主体台账 (one row per business and
  pairing, the pairing cadre's columns embedded), 包保干部名单, 三清单一承诺 and 督导记录;
- ``city_levels``: one ``.xlsx`` whose 包保台账 sheet has one column group per level (县级包保领导
  / 乡镇包保干部 / 村级包保干部) under merged headers, with the same other sheets;
- ``split_sheets``: the county workbook with businesses and visits each split over two sheets;
- ``township_csv``: a directory of CSV files (GBK by default) named in Chinese.

A business paired by several cadres (in the wide layouts, several of one level) takes one row
per pairing, the business's columns repeated, as such exports do. Assignments that have ended,
visit ids and follow-up links are not part of these layouts; routine records neither.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from foodsafety._atomic import atomic_path, write_bytes
from foodsafety.errors import require
from foodsafety.ledger._cells import EXCEL_OPTIONS
from foodsafety.vocab import BusinessKind, OfficialPost, PairingList, RiskGrade, VisitMode

if TYPE_CHECKING:
    from foodsafety.ledger import Ledger

__all__ = ["LAYOUTS", "ExportStyle", "write_export"]

Layout = Literal["county_workbook", "city_levels", "split_sheets", "township_csv"]
LAYOUTS: tuple[Layout, ...] = ("county_workbook", "city_levels", "split_sheets", "township_csv")

DateStyle = Literal["iso", "slash", "dot", "chinese", "excel", "serial", "mixed"]

_LEVEL_LABELS = {
    "short": {"city": "市", "county": "县", "township": "乡", "village": "村", "province": "省"},
    "long": {
        "city": "市级",
        "county": "县级",
        "township": "乡镇级",
        "village": "村级",
        "province": "省级",
    },
    "community": {
        "city": "市级",
        "county": "县级",
        "township": "乡级",
        "village": "村（社区）级",
        "province": "省级",
    },
}

#: column -> header variants (``ExportStyle.headers`` picks one).
_BUSINESS_HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("主体名称", "企业名称", "经营者名称"),
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码"),
    "kind": ("业态", "主体业态", "业态"),
    "licences": ("许可证编号", "许可证号", "许可证编号"),
    "jurisdiction": ("乡镇区划代码", "行政区划代码", "所在区划代码"),
    "tier": ("包保主体分级", "包保分级", "分级"),
    "risk_grade": ("风险等级", "风险等级", "风险分级"),
    "principal": ("主要负责人", "法定代表人", "负责人"),
    "director": ("食品安全总监", "食品安全总监", "食品安全总监"),
    "officers": ("食品安全员", "食品安全员", "食品安全员"),
    "opened": ("开业日期", "发证日期", "发证日期"),
    "closed": ("歇业日期", "注销日期", "歇业日期"),
    "status_changed": ("状态变更日期", "状态变更日期", "状态变更日期"),
}
_EMBEDDED_HEADERS: dict[str, str] = {
    "cadre_id": "包保干部编号",
    "name": "包保干部",
    "level": "包保干部层级",
    "unit": "包保干部单位",
    "valid_from": "包保起始日期",
    "pledge_signed": "承诺书签订日期",
}
_GROUP_HEADERS = {
    "city": "市级包保领导",
    "county": "县级包保领导",
    "township": "乡镇包保干部",
    "village": "村级包保干部",
}
_GROUP_FIELDS: dict[str, str] = {
    "cadre_id": "编号",
    "name": "姓名",
    "unit": "单位",
    "valid_from": "包保起始日期",
}
_CADRE_HEADERS: dict[str, str] = {
    "cadre_id": "干部编号",
    "name": "姓名",
    "level": "层级",
    "jurisdiction": "区划代码",
    "unit": "工作单位及职务",
    "post": "职务",
    "active_from": "任职起始日期",
    "active_to": "任职截止日期",
}
_PLEDGE_HEADERS: dict[str, str] = {
    "cadre_id": "干部编号",
    "document": "文书类型",
    "signed": "签订日期",
    "counterpart": "对应领导",
    "scan_ref": "扫描件",
}
_VISIT_HEADERS: dict[str, str] = {
    "date": "督导日期",
    "cadre_id": "干部编号",
    "cadre_name": "督导人",
    "cadre_unit": "督导人单位",
    "uscc": "统一社会信用代码",
    "mode": "督导方式",
    "task_list_status": "任务清单落实情况",
    "results": "总体成效",
    "problems": "存在的问题",
    "evidence": "督导图片",
    "feedback_to": "反馈对象",
}


@attrs.frozen(slots=True)
class ExportStyle:
    """How an export is spelled: title rows, labels, dates, headers, encoding.

    Attributes:
        title_rows: rows above the header (a merged title, then 填报单位 lines).
        serial_column: a 序号 column first.
        footer: footer rows below the data (合计, 填报人 / 审核人 / 填报日期).
        blank_row: a blank row among the data.
        tier_label: ``"B级"`` or ``"B"``.
        level_labels: ``"long"`` (县级 / 乡镇级 / 村级), ``"short"`` (县 / 乡 / 村) or
            ``"community"`` (县级 / 乡级 / 村（社区）级).
        dates: one style for every date, or ``"mixed"`` (each row another).
        headers: which variant of each header (0, 1, 2): 主体名称 / 企业名称 / 经营者名称...
        encoding: the CSV files' encoding (``gbk``, ``gb18030``, ``utf-8``, ``utf-8-sig``).
        cadre_ids: write the cadres' ids; without them cadres are known by name and unit.
        labels_zh: write kinds, modes, posts and documents as Chinese labels.
    """

    title_rows: int = 2
    serial_column: bool = True
    footer: bool = True
    blank_row: bool = True
    tier_label: Literal["B级", "B"] = "B级"
    level_labels: Literal["long", "short", "community"] = "long"
    dates: DateStyle = "mixed"
    headers: int = 0
    encoding: str = "gbk"
    cadre_ids: bool = True
    labels_zh: bool = True


_MIXED: tuple[DateStyle, ...] = ("iso", "slash", "chinese", "excel", "dot", "serial")


@attrs.frozen(slots=True)
class _Cell:
    """A cell to write: text, or a date to write as an Excel date or serial number."""

    text: str | None
    day: dt.date | None = None
    serial: bool = False


def _date_cell(day: dt.date | None, style: DateStyle, row: int) -> _Cell:
    if day is None:
        return _Cell(None)
    if style == "mixed":
        style = _MIXED[row % len(_MIXED)]
    if style == "slash":
        return _Cell(f"{day.year}/{day.month}/{day.day}")
    if style == "dot":
        return _Cell(f"{day.year}.{day.month}.{day.day}")
    if style == "chinese":
        return _Cell(f"{day.year}年{day.month}月{day.day}日")
    if style == "excel":
        return _Cell(None, day)
    if style == "serial":
        return _Cell(None, day, serial=True)
    return _Cell(day.isoformat())


def _label(term: Any, code: str | None, zh: bool) -> str | None:
    if code is None:
        return None
    try:
        member = term(code)
    except ValueError:
        return code  # a label the vocabulary does not know: as written
    return str(member.zh) if zh else str(member.value)


def _joined(items: Sequence[str] | None) -> str | None:
    return "；".join(items) if items else None


class _Sheet:
    """Rows of cells for one sheet or file, with the title rows, header rows and footer."""

    def __init__(self, name: str, title: str, style: ExportStyle) -> None:
        self.name = name
        self.title = title
        self.style = style
        self.groups: list[tuple[str, int]] = []  # (merged header, width) for two-row headers
        self.header: list[str] = []
        self.rows: list[list[_Cell]] = []

    def lead(self) -> list[list[_Cell]]:
        out = []
        if self.style.title_rows:
            out.append([_Cell(self.title)])
            out += [
                [_Cell("填报单位：合成样本食安办（盖章）")]
                for _ in range(self.style.title_rows - 1)
            ]
        return out

    def body(self) -> list[list[_Cell]]:
        rows: list[list[_Cell]] = []
        for n, row in enumerate(self.rows, start=1):
            if self.style.blank_row and n == len(self.rows) // 2 + 1 and len(self.rows) > 2:
                rows.append([])
            rows.append(([_Cell(str(n))] if self.style.serial_column else []) + row)
        if self.style.footer:
            rows.append([_Cell(f"合计：{len(self.rows)}条")])
            rows.append(
                [
                    _Cell("填报人：合成样本"),
                    _Cell("审核人：合成样本"),
                    _Cell("填报日期：2023年1月5日"),
                ]
            )
        return rows

    def headers(self) -> list[list[str | None]]:
        lead = ["序号"] if self.style.serial_column else []
        if not self.groups:
            return [[*lead, *self.header]]
        upper: list[str | None] = list(lead)
        lower: list[str | None] = [None] * len(lead)
        at = 0
        for group, width in self.groups:
            if group:
                upper += [group] + [None] * (width - 1)
                lower += self.header[at : at + width]
            else:
                upper += self.header[at : at + width]
                lower += [None] * width
            at += width
        return [upper, lower]


def _current(ledger: Ledger) -> dict[str, list[dict[str, Any]]]:
    """Open-ended assignments per USCC, in ledger order."""
    out: dict[str, list[dict[str, Any]]] = {}
    for a in ledger.assignments.iter_rows(named=True):
        if a["valid_to"] is None:
            out.setdefault(a["uscc"], []).append(a)
    return out


def _business_cells(b: dict[str, Any], style: ExportStyle, row: int) -> list[_Cell]:
    tier = b["tier"]
    if tier is not None and style.tier_label == "B级":
        tier = f"{tier}级"
    return [
        _Cell(b["name"]),
        _Cell(b["uscc"]),
        _Cell(_label(BusinessKind, b["kind"], style.labels_zh)),
        _Cell(_joined(b["licences"])),
        _Cell(b["jurisdiction"]),
        _Cell(tier),
        _Cell(_label(RiskGrade, b["risk_grade"], False)),
        _Cell(b["principal"]),
        _Cell(b["director"]),
        _Cell(_joined(b["officers"])),
        _date_cell(b["opened"], style.dates, row),
        _date_cell(b["closed"], style.dates, row + 1),
        _date_cell(b["status_changed"], style.dates, row + 2),
    ]


def _business_header(style: ExportStyle) -> list[str]:
    return [v[style.headers % len(v)] for v in _BUSINESS_HEADERS.values()]


def _sheets(ledger: Ledger, layout: Layout, style: ExportStyle, title: str) -> list[_Sheet]:
    cadres = {c["cadre_id"]: c for c in ledger.cadres.iter_rows(named=True)}
    pledged = {
        p["cadre_id"]: p["signed"]
        for p in ledger.pledges.iter_rows(named=True)
        if p["document"] == "pledge"
    }
    levels = _LEVEL_LABELS[style.level_labels]
    current = _current(ledger)
    sheets: list[_Sheet] = []
    main = _Sheet(
        "包保台账" if layout == "city_levels" else "包保主体台账", f"{title}包保主体台账", style
    )
    main.header = _business_header(style)
    n = 0
    if layout == "city_levels":
        fields = [f for f in _GROUP_FIELDS if style.cadre_ids or f != "cadre_id"]
        main.groups = [("", len(main.header))]
        for level in _GROUP_HEADERS:
            main.groups.append((_GROUP_HEADERS[level], len(fields)))
            main.header += [_GROUP_FIELDS[f] for f in fields]
        for b in ledger.businesses.iter_rows(named=True):
            per_level: dict[str, list[dict[str, Any]]] = {lv: [] for lv in _GROUP_HEADERS}
            for a in current.get(b["uscc"], []):
                per_level.setdefault(cadres[a["cadre_id"]]["level"], []).append(a)
            depth = max([len(v) for k, v in per_level.items() if k in _GROUP_HEADERS] + [1])
            for i in range(depth):
                n += 1
                row = _business_cells(b, style, n)
                for level in _GROUP_HEADERS:
                    pairs = per_level[level]
                    pair: dict[str, Any] | None = pairs[i] if i < len(pairs) else None
                    pc = cadres[pair["cadre_id"]] if pair else None
                    for f in fields:
                        if pc is None or pair is None:
                            row.append(_Cell(None))
                        elif f == "valid_from":
                            row.append(_date_cell(pair["valid_from"], style.dates, n))
                        else:
                            row.append(_Cell(pc[f]))
                main.rows.append(row)
    else:
        fields = [f for f in _EMBEDDED_HEADERS if style.cadre_ids or f != "cadre_id"]
        main.header += [_EMBEDDED_HEADERS[f] for f in fields]
        for b in ledger.businesses.iter_rows(named=True):
            pairings: list[dict[str, Any] | None] = list(current.get(b["uscc"], [])) or [None]
            for asg in pairings:
                n += 1
                row = _business_cells(b, style, n)
                cad: dict[str, Any] | None = cadres[asg["cadre_id"]] if asg else None
                for f in fields:
                    if cad is None or asg is None:
                        row.append(_Cell(None))
                    elif f == "level":
                        row.append(_Cell(levels.get(cad["level"], cad["level"])))
                    elif f == "valid_from":
                        row.append(_date_cell(asg["valid_from"], style.dates, n))
                    elif f == "pledge_signed":
                        row.append(_date_cell(pledged.get(cad["cadre_id"]), style.dates, n))
                    else:
                        row.append(_Cell(cad[f]))
                main.rows.append(row)
    sheets.append(main)
    people = _Sheet("包保干部名单", f"{title}包保干部名单", style)
    people.header = [h for f, h in _CADRE_HEADERS.items() if style.cadre_ids or f != "cadre_id"]
    for i, person in enumerate(cadres.values()):
        row = [] if not style.cadre_ids else [_Cell(person["cadre_id"])]
        row += [
            _Cell(person["name"]),
            _Cell(levels.get(person["level"], person["level"])),
            _Cell(person["jurisdiction"]),
            _Cell(person["unit"]),
            _Cell(_label(OfficialPost, person["post"], style.labels_zh)),
            _date_cell(person["active_from"], style.dates, i),
            _date_cell(person["active_to"], style.dates, i + 1),
        ]
        people.rows.append(row)
    sheets.append(people)
    if style.cadre_ids:
        lists = _Sheet("三清单一承诺", f"{title}三清单一承诺签订情况", style)
        lists.header = list(_PLEDGE_HEADERS.values())
        for i, p in enumerate(ledger.pledges.iter_rows(named=True)):
            lists.rows.append(
                [
                    _Cell(p["cadre_id"]),
                    _Cell(_label(PairingList, p["document"], style.labels_zh)),
                    _date_cell(p["signed"], style.dates, i),
                    _Cell(p["counterpart"]),
                    _Cell(p["scan_ref"]),
                ]
            )
        sheets.append(lists)
    visits = _Sheet("督导记录", f"{title}包保干部督导记录", style)
    vfields = [
        f
        for f in _VISIT_HEADERS
        if (f == "cadre_id") == style.cadre_ids or f not in ("cadre_id", "cadre_name", "cadre_unit")
    ]
    visits.header = [_VISIT_HEADERS[f] for f in vfields]
    for i, v in enumerate(ledger.visits.iter_rows(named=True)):
        c = cadres.get(v["cadre_id"], {})
        visits.rows.append([_visit_cell(f, v, c, style, i) for f in vfields])
    sheets.append(visits)
    if layout == "split_sheets":
        sheets = [
            *_halves(sheets[0], "（一）", "（二）"),
            *sheets[1:-1],
            *_halves(sheets[-1], "（上半年）", "（下半年）"),
        ]
    return sheets


def _visit_cell(
    field: str, v: dict[str, Any], cadre: dict[str, Any], style: ExportStyle, row: int
) -> _Cell:
    if field == "date":
        return _date_cell(v["date"], style.dates, row)
    if field in ("cadre_name", "cadre_unit"):
        return _Cell(cadre.get(field.removeprefix("cadre_")))
    if field == "mode":
        return _Cell(_visit_mode(v["mode"]) if style.labels_zh else v["mode"])
    if field in ("problems", "evidence"):
        return _Cell(_joined(v[field]))
    return _Cell(v[field])


def _visit_mode(code: str) -> str:
    try:
        member = VisitMode.parse(code)
    except ValueError:
        return code  # a mode the vocabulary does not know: as written
    return f"{member.zh}督导"


#: data rows a sheet holds here (Excel's limit is 1,048,576 rows, title and header included).
SHEET_ROWS = 1_000_000


def _fitted(sheet: _Sheet) -> list[_Sheet]:
    """The sheet, or its numbered parts when it has more rows than an Excel sheet holds
    (督导记录（1）, 督导记录（2）...), as offices split theirs."""
    if len(sheet.rows) <= SHEET_ROWS:
        return [sheet]
    parts = []
    for n, start in enumerate(range(0, len(sheet.rows), SHEET_ROWS), start=1):
        part = _Sheet(f"{sheet.name}（{n}）", f"{sheet.title}（{n}）", sheet.style)
        part.header, part.groups = sheet.header, sheet.groups
        part.rows = sheet.rows[start : start + SHEET_ROWS]
        parts.append(part)
    return parts


def _halves(sheet: _Sheet, first: str, second: str) -> list[_Sheet]:
    out = []
    half = (len(sheet.rows) + 1) // 2
    for suffix, rows in ((first, sheet.rows[:half]), (second, sheet.rows[half:])):
        part = _Sheet(sheet.name + suffix, sheet.title + suffix, sheet.style)
        part.header, part.groups, part.rows = sheet.header, sheet.groups, rows
        out.append(part)
    return out


def write_export(
    ledger: Ledger,
    path: str | Path,
    layout: Layout = "county_workbook",
    *,
    style: ExportStyle | None = None,
    title: str = "合成样本县2023年",
) -> Path:
    """Write ``ledger`` as an office would export it; return the workbook or directory.

    Args:
        ledger: the ledger to write (its open-ended assignments are the pairings shown).
        path: the ``.xlsx`` file (workbook layouts) or the directory (``township_csv``).
        layout: one of :data:`LAYOUTS`.
        style: how the export is spelled (default :class:`ExportStyle`).
        title: the text in front of each sheet's title row.
    """
    style = style or ExportStyle()
    sheets = _sheets(ledger, layout, style, title)
    target = Path(path)
    if layout == "township_csv":
        target.mkdir(parents=True, exist_ok=True)
        for sheet in sheets:
            _write_csv(sheet, target / f"{sheet.name}.csv", style.encoding)
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    _write_workbook([part for sheet in sheets for part in _fitted(sheet)], target)
    return target


def _text(cell: _Cell) -> str:
    if cell.day is not None:
        return cell.day.isoformat() if not cell.serial else str(_serial(cell.day))
    return cell.text or ""


def _serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


def _write_csv(sheet: _Sheet, path: Path, encoding: str) -> None:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    for lead in sheet.lead():
        out.writerow([_text(c) for c in lead])
    for header in sheet.headers():
        out.writerow([h or "" for h in header])
    for row in sheet.body():
        out.writerow([_text(c) for c in row])
    write_bytes(path, buffer.getvalue().encode(encoding))


def _write_workbook(sheets: Sequence[_Sheet], path: Path) -> None:
    require("xlsxwriter", extra="data", feature="writing Excel exports")
    import xlsxwriter

    # constant memory (rows written in order, then flushed) for large sheets; merged header
    # cells over two rows need the rows kept until the workbook is closed
    big = sum(len(s.rows) for s in sheets) > 50_000 and all(not s.groups for s in sheets)
    with (
        atomic_path(path) as tmp,
        xlsxwriter.Workbook(str(tmp), {**EXCEL_OPTIONS, "constant_memory": big}) as book,
    ):
        bold = book.add_format({"bold": True, "align": "center", "valign": "vcenter"})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        for sheet in sheets:
            ws = book.add_worksheet(sheet.name)
            width = max(len(sheet.headers()[0]), 2)
            r = 0
            for row in sheet.lead():
                if r == 0:
                    ws.merge_range(r, 0, r, width - 1, row[0].text or "", bold)
                else:
                    ws.write_string(r, 0, row[0].text or "")
                r += 1
            headers = sheet.headers()
            if len(headers) == 2:
                upper, lower = headers
                # merged cells: a group over its columns, a single column over both rows
                c = 0
                while c < len(upper):
                    end = c + 1
                    while end < len(upper) and upper[end] is None and lower[end] is not None:
                        end += 1
                    if lower[c] is None:
                        ws.merge_range(r, c, r + 1, c, upper[c] or "", bold)
                    elif end - c > 1:
                        ws.merge_range(r, c, r, end - 1, upper[c] or "", bold)
                    else:
                        ws.write_string(r, c, upper[c] or "", bold)
                    for k in range(c, end):
                        if lower[k] is not None:
                            ws.write_string(r + 1, k, lower[k] or "", bold)
                    c = end
                r += 2
            else:
                ws.write_row(r, 0, headers[0], bold)
                r += 1
            for row in sheet.body():
                for c, cell in enumerate(row):
                    if cell.day is not None and cell.serial:
                        ws.write_number(r, c, _serial(cell.day))
                    elif cell.day is not None:
                        ws.write_datetime(r, c, dt.datetime.combine(cell.day, dt.time()), day)
                    elif cell.text is not None:
                        ws.write_string(r, c, cell.text)
                r += 1
