"""The columnar schema of a pairing ledger (包保台账): one table per record type.

This is the contract between the records (``foodsafety.models``), the ledger and its loaders
(``foodsafety.ledger``, ``foodsafety.io``), the sample generator (``foodsafety.samples``) and
the audit (``foodsafety.engines.audit``). Columns hold plain values: enum members are stored as
their ASCII codes (``"catering"``, ``"A"``), identifiers as their canonical strings, dates as
``datetime.date``. Polars dtypes are named as strings here so that this module stays importable
without polars; :func:`polars_schema` turns them into real dtypes.

Tables and keys:

- ``businesses`` (key ``uscc``): the licensed food businesses (获证食品生产经营主体).
- ``cadres`` (key ``cadre_id``): pairing cadres (包保干部) of city, county, township, village.

Real ledgers code places as coarsely as they know them: a business or a village cadre is often
registered under its township's 9-digit code, the village only named (``village``, 所在村).
Both forms are valid; the audit compares two jurisdictions at the coarser of their levels.
- ``assignments`` (key ``assignment_id``): who pairs which business, from when to when (history kept).
- ``pledges`` (key ``cadre_id`` + ``document``): the pledge and the three lists (三清单一承诺).
- ``visits`` (key ``visit_id``): supervision visits (督导) and follow-ups (回头看).
- ``routines`` (key ``uscc`` + ``routine`` + ``period_start``): the business's daily / weekly /
  monthly records (日管控、周排查、月调度).
"""

from __future__ import annotations

from typing import Any, Final

__all__ = ["COLUMN_LABELS", "KEYS", "TABLES", "column_for_header", "polars_schema"]

#: table name -> ordered {column: dtype name}. ``List[Utf8]`` is a list of strings.
TABLES: Final[dict[str, dict[str, str]]] = {
    "businesses": {
        "uscc": "Utf8",  # USCC, canonical 18 characters
        "name": "Utf8",
        "kind": "Utf8",  # vocab.BusinessKind code
        "licences": "List[Utf8]",  # SC... / JY... numbers
        "jurisdiction": "Utf8",  # DivisionCode of the township (9) or village (12)
        "tier": "Utf8",  # vocab.PairingTier code, null when not yet tiered
        "risk_grade": "Utf8",  # vocab.RiskGrade code, nullable
        "principal": "Utf8",  # 主要负责人
        "director": "Utf8",  # 食品安全总监, nullable
        "officers": "List[Utf8]",  # 食品安全员
        "opened": "Date",  # licence date / first registered, nullable
        "closed": "Date",  # null while operating
        "status_changed": "Date",  # last change that requires re-pairing, nullable
        "address": "Utf8",  # 经营地址 as written, nullable
        "village": "Utf8",  # the village's name when jurisdiction is the township's, nullable
    },
    "cadres": {
        "cadre_id": "Utf8",
        "name": "Utf8",
        "level": "Utf8",  # vocab.Level code
        "jurisdiction": "Utf8",  # DivisionCode of the cadre's own jurisdiction
        "unit": "Utf8",  # work unit / post description
        "post": "Utf8",  # vocab.OfficialPost code, nullable
        "active_from": "Date",  # nullable
        "active_to": "Date",  # nullable: still active
        "village": "Utf8",  # the village a village cadre serves when coded at township, nullable
        "phone": "Utf8",  # 联系电话 as written, nullable
    },
    "assignments": {
        "assignment_id": "Utf8",
        "cadre_id": "Utf8",
        "uscc": "Utf8",
        "valid_from": "Date",
        "valid_to": "Date",  # nullable: open-ended; exclusive end date
    },
    "pledges": {
        "cadre_id": "Utf8",
        "document": "Utf8",  # vocab.PairingList code: pledge / responsibility / task / supervision
        "signed": "Date",  # nullable: not signed yet
        "counterpart": "Utf8",  # the party or government leader who co-signed (pledge), nullable
        "scan_ref": "Utf8",  # scan / photo reference, nullable
    },
    "visits": {
        "visit_id": "Utf8",
        "date": "Date",
        "cadre_id": "Utf8",
        "uscc": "Utf8",
        "mode": "Utf8",  # vocab.VisitMode code
        "task_list_status": "Utf8",  # 任务清单落实情况, nullable
        "results": "Utf8",  # 总体成效, nullable
        "problems": "List[Utf8]",  # 存在的问题 (empty list: none found)
        "evidence": "List[Utf8]",  # photo / video references
        "feedback_to": "Utf8",  # business or regulator the problems were fed back to, nullable
        "follow_up_of": "Utf8",  # visit_id whose problems this visit follows up (回头看), nullable
        "problems_resolved": "Boolean",  # for a follow-up: were the earlier problems solved, nullable
    },
    "routines": {
        "uscc": "Utf8",
        "routine": "Utf8",  # vocab.Routine code: daily / weekly / monthly
        "period_start": "Date",  # the day, the week's Monday, or the month's first day
        "signed_by": "Utf8",  # name of who signed it
        "signer_post": "Utf8",  # vocab.BusinessPost code
    },
}

#: table name -> the columns that identify a row (duplicates are errors).
KEYS: Final[dict[str, tuple[str, ...]]] = {
    "businesses": ("uscc",),
    "cadres": ("cadre_id",),
    "assignments": ("assignment_id",),
    "pledges": ("cadre_id", "document"),
    "visits": ("visit_id",),
    "routines": ("uscc", "routine", "period_start"),
}


#: table name -> {column: Chinese headers}: the first is the zh-Hans header written by
#: ``write_csv(..., headers="zh")`` and the like; all of them (and the zh-Hant forms) are read
#: as the column. Visits follow the seed's 《督查情况登记表》 (任务清单落实情况、总体成效、存在的
#: 问题、督导图片).
COLUMN_LABELS: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "businesses": {
        "uscc": ("统一社会信用代码", "統一社會信用代碼", "社会信用代码", "社會信用代碼"),
        "name": ("主体名称", "主體名稱", "企业名称", "企業名稱", "单位名称", "單位名稱"),
        "kind": ("业态", "業態", "主体业态", "主體業態"),
        "licences": ("许可证编号", "許可證編號", "许可证号", "許可證號"),
        "jurisdiction": ("所在辖区代码", "所在轄區代碼", "所在区划代码", "所在區劃代碼"),
        "tier": ("包保分级", "包保分級"),
        "risk_grade": ("风险等级", "風險等級"),
        "principal": ("主要负责人", "主要負責人"),
        "director": ("食品安全总监", "食品安全總監"),
        "officers": ("食品安全员", "食品安全員"),
        "opened": ("开业日期", "開業日期", "发证日期", "發證日期"),
        "closed": ("歇业日期", "歇業日期", "注销日期", "註銷日期"),
        "status_changed": ("状态变更日期", "狀態變更日期"),
        "address": ("经营地址", "經營地址", "经营场所", "經營場所", "住所"),
        "village": ("所在村", "村（社区）", "村（社區）", "所在村（社区）", "所在村（社區）"),
    },
    "cadres": {
        "cadre_id": ("干部编号", "幹部編號", "包保干部编号", "包保幹部編號"),
        "name": ("姓名", "干部姓名", "幹部姓名"),
        "level": ("层级", "層級", "干部层级", "幹部層級"),
        "jurisdiction": ("辖区代码", "轄區代碼", "区划代码", "區劃代碼"),
        "unit": ("工作单位及职务", "工作單位及職務", "单位职务", "單位職務"),
        "post": ("职务", "職務"),
        "active_from": ("任职起始日期", "任職起始日期"),
        "active_to": ("任职截止日期", "任職截止日期"),
        "village": ("所在村", "村（社区）", "村（社區）", "包保村", "包保村（社区）"),
        "phone": ("联系电话", "聯繫電話", "联系方式", "聯繫方式", "聯絡電話"),
    },
    "assignments": {
        "assignment_id": ("包保编号", "包保編號"),
        "cadre_id": ("干部编号", "幹部編號", "包保干部编号", "包保幹部編號"),
        "uscc": ("统一社会信用代码", "統一社會信用代碼", "社会信用代码", "社會信用代碼"),
        "valid_from": ("包保起始日期",),
        "valid_to": ("包保截止日期",),
    },
    "pledges": {
        "cadre_id": ("干部编号", "幹部編號", "包保干部编号", "包保幹部編號"),
        "document": ("文书类型", "文書類型"),
        "signed": ("签订日期", "簽訂日期"),
        "counterpart": ("对应领导", "對應領導"),
        "scan_ref": ("扫描件", "掃描件"),
    },
    "visits": {
        "visit_id": ("督导编号", "督導編號"),
        "date": ("督导日期", "督導日期"),
        "cadre_id": ("干部编号", "幹部編號", "包保干部编号", "包保幹部編號"),
        "uscc": ("统一社会信用代码", "統一社會信用代碼", "社会信用代码", "社會信用代碼"),
        "mode": ("督导方式", "督導方式"),
        "task_list_status": ("任务清单落实情况", "任務清單落實情況"),
        "results": ("总体成效", "總體成效"),
        "problems": ("存在的问题", "存在的問題"),
        "evidence": ("督导图片", "督導圖片"),
        "feedback_to": ("反馈对象", "反饋對象"),
        "follow_up_of": ("回头看对应督导编号", "回頭看對應督導編號"),
        "problems_resolved": ("问题是否整改", "問題是否整改"),
    },
    "routines": {
        "uscc": ("统一社会信用代码", "統一社會信用代碼", "社会信用代码", "社會信用代碼"),
        "routine": ("制度类型", "制度類型"),
        "period_start": ("周期起始日期", "週期起始日期"),
        "signed_by": ("签字人", "簽字人"),
        "signer_post": ("签字人岗位", "簽字人崗位"),
    },
}


def _normal_header(header: str) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", header).split())


_BY_HEADER: dict[str, dict[str, str]] = {
    table: {_normal_header(h): column for column, heads in labels.items() for h in heads}
    for table, labels in COLUMN_LABELS.items()
}


def column_for_header(table: str, header: str) -> str | None:
    """The column of ``table`` a Chinese file header stands for (:data:`COLUMN_LABELS`), if any.

    Matching ignores spaces and full-width/half-width differences (NFKC):

    >>> column_for_header("businesses", " 统一社会信用代码 ")
    'uscc'
    >>> column_for_header("visits", "存在的問題")
    'problems'
    >>> column_for_header("cadres", "uscc") is None
    True
    """
    return _BY_HEADER[table].get(_normal_header(header))


def polars_schema(table: str) -> dict[str, Any]:
    """The polars schema (``{column: dtype}``) of ``table``; needs the ``data`` extra."""
    from foodsafety.errors import require

    pl = require("polars", extra="data", feature="the columnar ledger")
    dtypes = {
        "Utf8": pl.Utf8,
        "Date": pl.Date,
        "Boolean": pl.Boolean,
        "Int64": pl.Int64,
        "List[Utf8]": pl.List(pl.Utf8),
    }
    return {col: dtypes[name] for col, name in TABLES[table].items()}
