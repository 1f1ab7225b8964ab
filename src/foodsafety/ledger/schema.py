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
- ``assignments`` (key ``assignment_id``): who pairs which business, from when to when (history kept).
- ``pledges`` (key ``cadre_id`` + ``document``): the pledge and the three lists (三清单一承诺).
- ``visits`` (key ``visit_id``): supervision visits (督导) and follow-ups (回头看).
- ``routines`` (key ``uscc`` + ``routine`` + ``period_start``): the business's daily / weekly /
  monthly records (日管控、周排查、月调度).
"""

from __future__ import annotations

from typing import Any, Final

__all__ = ["KEYS", "TABLES", "polars_schema"]

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
