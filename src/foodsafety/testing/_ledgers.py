"""Strategies for whole pairing ledgers (包保台账) and for the bad rows real ledgers contain.

:func:`ledgers` draws a ledger whose references all resolve: every assignment, visit, pledge
and routine names a cadre or business of the same ledger, every follow-up (回头看) an earlier
visit, every key is unique; cadres sit at county, township and village level of the area the
businesses are in (seed 004: 分层分级、层级对应). :func:`invalid_rows` draws one row with one
mistake of the kinds people make when they fill in a ledger by hand (a mistyped USCC, a code
that does not exist, dates the wrong way round, a reference to a cadre who is not in the ledger)
together with the reason code the loaders must report for it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import attrs
from hypothesis import strategies as st

from foodsafety.ids import uscc as uscc_module
from foodsafety.testing._common import check_size, check_type, codes_at, fail, resolve_within
from foodsafety.testing._ids import invalid_division_codes, invalid_usccs
from foodsafety.testing._records import (
    DEFAULT_MAX_DATE,
    DEFAULT_MIN_DATE,
    _businesses,
    _cadres,
    _documents,
    _routines,
    _visits,
    assignments,
)
from foodsafety.vocab import BusinessKind, Level, Routine

if TYPE_CHECKING:
    from foodsafety._record import Record
    from foodsafety.ledger import Ledger

__all__ = ["LEDGER_MISTAKES", "BadRow", "invalid_rows", "ledger_records", "ledgers", "record_row"]


def record_row(record: Record) -> dict[str, Any]:
    """A record as one JSON-ready ledger row: codes for enums, ISO text for dates, lists kept."""
    row: dict[str, Any] = json.loads(record.model_dump_json())
    return row


@attrs.frozen(slots=True)
class BadRow:
    """One ledger row with one mistake, and what a loader must report for it.

    Attributes:
        table: the ledger table (``businesses``, ``cadres``...).
        row: the row as JSON-ready values (lists as lists, dates as ISO text).
        mistake: the kind of mistake (one of :data:`LEDGER_MISTAKES` for the table).
        code: the reason code the loaders report (``uscc.checksum``, ``ref.cadre_missing``...).
        column: the column the problem is reported on.
    """

    table: str
    row: dict[str, Any]
    mistake: str
    code: str
    column: str

    def cells(self) -> dict[str, str]:
        """The row as CSV text cells: lists as JSON arrays, ``None`` as an empty cell."""
        out: dict[str, str] = {}
        for k, v in self.row.items():
            if v is None:
                out[k] = ""
            elif isinstance(v, list):
                out[k] = json.dumps(v, ensure_ascii=False)
            elif isinstance(v, bool):
                out[k] = "true" if v else "false"
            else:
                out[k] = str(v)
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the fields."""
        return attrs.asdict(self)


#: The mistakes :func:`invalid_rows` makes, per table, with the reason code each one gets.
LEDGER_MISTAKES: dict[str, dict[str, str]] = {
    "businesses": {
        "bad_uscc": "uscc.checksum",
        "unknown_division": "registry.unknown",
        "bad_division": "division.format",
        "reversed_dates": "date.reversed",
        "licence_kind": "business.licence_kind",
        "missing_value": "value.missing",
        "bad_date": "date.invalid",
        "unknown_label": "vocab.unknown",
    },
    "cadres": {
        "level_mismatch": "cadre.level_mismatch",
        "reversed_dates": "date.reversed",
        "unknown_division": "registry.unknown",
        "missing_value": "value.missing",
    },
    "assignments": {
        "reversed_dates": "date.reversed",
        "dangling_cadre": "ref.cadre_missing",
        "dangling_business": "ref.business_missing",
        "bad_uscc": "uscc.checksum",
    },
    "pledges": {
        "dangling_cadre": "ref.cadre_missing",
        "unknown_label": "vocab.unknown",
    },
    "visits": {
        "dangling_business": "ref.business_missing",
        "dangling_visit": "ref.visit_missing",
        "self_follow_up": "visit.self_follow_up",
        "bad_date": "date.invalid",
    },
    "routines": {
        "period_start": "routine.period_start",
        "signer_post": "routine.signer_post",
        "dangling_business": "ref.business_missing",
    },
}

#: Ids that the ledgers drawn by :func:`ledgers` never use (bad rows use them, so that a bad
#: row never repeats a key or resolves a reference by accident).
_STRANGER_CADRE = "X-CADRE-404"
_STRANGER_VISIT = "X-VISIT-404"


def _stranger_uscc(org: str) -> str:
    body = f"91110101Y{org}"
    return body + uscc_module.calc_check_digit(body)


def _corrupt_date(day: str) -> str:
    year, month, _ = day.split("-")
    return f"{year}-{month}-32"


@st.composite
def _bad_row(draw: st.DrawFn, table: str, mistake: str) -> BadRow:
    code = LEDGER_MISTAKES[table][mistake]
    org = draw(st.text(alphabet=uscc_module.ALPHABET, min_size=8, max_size=8))
    stranger = _stranger_uscc(org)
    column: str
    row: dict[str, Any]
    if table == "businesses":
        kind = BusinessKind.CATERING if mistake == "licence_kind" else None
        b = draw(
            _businesses(
                "410500",
                (kind,) if kind else tuple(BusinessKind),
                stranger,
                DEFAULT_MIN_DATE,
                DEFAULT_MAX_DATE,
                False,
            )
        )
        row = record_row(b)
        if mistake == "bad_uscc":
            row["uscc"], column = draw(invalid_usccs(check="checksum")), "uscc"
        elif mistake == "unknown_division":
            bad = draw(invalid_division_codes(check="unknown"))
            row["jurisdiction"], column = (bad if len(bad) == 9 else bad + "001"), "jurisdiction"
        elif mistake == "bad_division":
            row["jurisdiction"], column = row["jurisdiction"][:-1] + "O", "jurisdiction"
        elif mistake == "reversed_dates":
            opened = dt.date.fromisoformat(row["opened"])
            row["opened"] = (opened + dt.timedelta(days=10)).isoformat()
            row["closed"] = opened.isoformat()
            row["status_changed"] = None
            column = "closed"
        elif mistake == "licence_kind":
            row["licences"] = [f"SC10141050200{draw(st.integers(100, 999))}"]
            column = "licences"
        elif mistake == "missing_value":
            row["principal"], column = None, "principal"
        elif mistake == "bad_date":
            row["opened"], column = _corrupt_date(row["opened"]), "opened"
            row["closed"] = row["status_changed"] = None
        else:
            row["kind"], column = draw(st.sampled_from(["飞机", "spaceship", "餐饮服"])), "kind"
    elif table == "cadres":
        c = draw(
            _cadres((Level.COUNTY,), "410500", _STRANGER_CADRE, DEFAULT_MIN_DATE, DEFAULT_MAX_DATE)
        )
        row = record_row(c)
        if mistake == "level_mismatch":
            row["jurisdiction"], column = (
                draw(st.sampled_from(codes_at(Level.TOWNSHIP, "410500"))),
                "jurisdiction",
            )
        elif mistake == "reversed_dates":
            row["active_from"], row["active_to"], column = "2023-05-01", "2023-04-01", "active_to"
        elif mistake == "unknown_division":
            row["jurisdiction"], column = (
                draw(invalid_division_codes(check="unknown"))[:6],
                "jurisdiction",
            )
        else:
            row["name"], column = None, "name"
    elif table == "assignments":
        a = draw(assignments(usccs=[stranger], cadre_ids=[_STRANGER_CADRE]))
        row = record_row(a)
        row["assignment_id"] = "X-" + row["assignment_id"]
        if mistake == "reversed_dates":
            row["valid_from"], row["valid_to"], column = "2023-05-01", "2023-05-01", "valid_to"
            row["cadre_id"] = row["uscc"] = None  # filled from the ledger by the caller
        elif mistake == "dangling_cadre":
            row["uscc"], column = None, "cadre_id"
        elif mistake == "dangling_business":
            row["cadre_id"], column = None, "uscc"
        else:
            row["uscc"], column = draw(invalid_usccs(check="checksum")), "uscc"
            row["cadre_id"] = None
    elif table == "pledges":
        d = draw(_documents([_STRANGER_CADRE], DEFAULT_MIN_DATE, DEFAULT_MAX_DATE))
        row = record_row(d)
        if mistake == "dangling_cadre":
            column = "cadre_id"
        else:
            row["cadre_id"] = None
            row["document"], column = "保证书", "document"
    elif table == "visits":
        v = draw(_visits([_STRANGER_CADRE], [stranger], None, DEFAULT_MIN_DATE, DEFAULT_MAX_DATE))
        row = record_row(v)
        row["visit_id"] = "X-" + row["visit_id"]
        row["cadre_id"] = None
        if mistake == "dangling_business":
            column = "uscc"
        elif mistake == "dangling_visit":
            row["uscc"] = None
            row["follow_up_of"], column = _STRANGER_VISIT, "follow_up_of"
        elif mistake == "self_follow_up":
            row["uscc"] = None
            row["follow_up_of"], column = row["visit_id"], "follow_up_of"
        else:
            row["uscc"] = None
            row["date"], column = _corrupt_date(row["date"]), "date"
    else:
        routine = Routine.WEEKLY if mistake == "period_start" else None
        r = draw(
            _routines(
                [stranger],
                (routine,) if routine else tuple(Routine),
                DEFAULT_MIN_DATE,
                DEFAULT_MAX_DATE,
            )
        )
        row = record_row(r)
        if mistake == "period_start":
            start = dt.date.fromisoformat(row["period_start"])
            row["period_start"] = (start + dt.timedelta(days=draw(st.integers(1, 6)))).isoformat()
            row["uscc"], column = None, "period_start"
        elif mistake == "signer_post":
            wrong = [
                p
                for p in ("principal", "food_safety_director", "food_safety_officer")
                if p != row["signer_post"]
            ]
            row["signer_post"], column = draw(st.sampled_from(wrong)), "signer_post"
            row["uscc"] = None
        else:
            column = "uscc"
    return BadRow(table=table, row=row, mistake=mistake, code=code, column=column)


def invalid_rows(table: str, *, mistake: str | None = None) -> st.SearchStrategy[BadRow]:
    """One ledger row with one typical mistake, and the reason code a loader must give it.

    Cells left ``None`` in ``row`` for ``cadre_id`` or ``uscc`` are references for the caller
    to fill with a cadre or business of its ledger (so that only the drawn mistake is wrong);
    every other reference names a cadre, business or visit that no drawn ledger holds.

    Args:
        table: ``businesses``, ``cadres``, ``assignments``, ``pledges``, ``visits`` or
            ``routines``.
        mistake: one of ``LEDGER_MISTAKES[table]`` (``bad_uscc``, ``unknown_division``,
            ``reversed_dates``, ``dangling_cadre``...); ``None`` for any.
    """
    if table not in LEDGER_MISTAKES:
        raise fail("invalid_rows", "table", f"must be one of {', '.join(LEDGER_MISTAKES)}", table)
    names = tuple(LEDGER_MISTAKES[table])
    if mistake is not None and mistake not in names:
        raise fail("invalid_rows", "mistake", f"must be one of {', '.join(names)} or None", mistake)
    chosen = (mistake,) if mistake is not None else names
    return st.sampled_from(chosen).flatmap(lambda m: _bad_row(table, m))


# -- whole ledgers ------------------------------------------------------------------------------


@st.composite
def ledger_records(
    draw: st.DrawFn,
    *,
    min_businesses: int = 0,
    max_businesses: int = 5,
    max_cadres: int = 4,
    within: str = "410500",
    max_visits: int = 6,
    max_routines: int = 6,
) -> dict[str, list[Record]]:
    """The records of a consistent ledger, by table (see :func:`ledgers`)."""
    lo, hi = DEFAULT_MIN_DATE, DEFAULT_MAX_DATE
    business_list = draw(
        st.lists(
            _businesses(within, tuple(BusinessKind), None, lo, hi, True),
            min_size=min_businesses,
            max_size=max_businesses,
            unique_by=lambda b: str(b.uscc),
        )
    )
    levels = tuple(
        lv
        for lv in (Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)
        if codes_at(Level.TOWNSHIP if lv is Level.VILLAGE else lv, within)
    )
    n_cadres = draw(st.integers(min_value=1 if business_list else 0, max_value=max_cadres))
    cadre_list = [draw(_cadres(levels, within, f"C{i + 1:05d}", lo, hi)) for i in range(n_cadres)]
    cadre_ids = [c.cadre_id for c in cadre_list]
    usccs_ = [str(b.uscc) for b in business_list]
    assignment_list = []
    pledge_list = []
    visit_list = []
    routine_list = []
    if cadre_ids and usccs_:
        for i in range(draw(st.integers(min_value=0, max_value=2 * len(usccs_)))):
            a = draw(assignments(cadre_ids=cadre_ids, usccs=usccs_))
            assignment_list.append(a.model_copy(update={"assignment_id": f"A{i + 1:05d}"}))
        earlier: list[str] = []
        for i in range(draw(st.integers(min_value=0, max_value=max_visits))):
            v = draw(_visits(cadre_ids, usccs_, earlier, lo, hi))
            vid = f"V{i + 1:05d}"
            visit_list.append(v.model_copy(update={"visit_id": vid}))
            earlier.append(vid)
        routine_list = draw(
            st.lists(
                _routines(usccs_, tuple(Routine), lo, hi),
                max_size=max_routines,
                unique_by=lambda r: (str(r.uscc), r.routine, r.period_start),
            )
        )
    if cadre_ids:
        pledge_list = draw(
            st.lists(
                _documents(cadre_ids, lo, hi),
                max_size=2 * len(cadre_ids),
                unique_by=lambda d: (d.cadre_id, d.document),
            )
        )
    return {
        "businesses": list(business_list),
        "cadres": list(cadre_list),
        "assignments": list(assignment_list),
        "pledges": list(pledge_list),
        "visits": list(visit_list),
        "routines": list(routine_list),
    }


def ledgers(
    *,
    min_businesses: int = 0,
    max_businesses: int = 5,
    max_cadres: int = 4,
    within: str = "410500",
    max_visits: int = 6,
    max_routines: int = 6,
) -> st.SearchStrategy[Ledger]:
    """Whole pairing ledgers (包保台账) whose references all resolve and keys are unique.

    Businesses lie in townships and villages of ``within`` (Anyang by default, seed 004),
    cadres at city, county, township and village level of it; assignments, visits, pledges and
    routines name cadres and businesses of the same ledger, and follow-ups earlier visits. Ids
    are ``C00001``, ``A00001``, ``V00001``... in order. Needs polars (the ``data`` extra).

    Args:
        min_businesses, max_businesses: bounds of the number of businesses.
        max_cadres: the most cadres (at least one when there is a business).
        within: the area (a division of the registry with townships).
        max_visits, max_routines: the most visits and routine records.

    Raises:
        InvalidArgument: bad sizes or area.
    """
    check_size(
        "ledgers", min_businesses, max_businesses, names=("min_businesses", "max_businesses")
    )
    for name, value in (
        ("max_cadres", max_cadres),
        ("max_visits", max_visits),
        ("max_routines", max_routines),
    ):
        check_type("ledgers", name, value, int)
        if value < 0:
            raise fail("ledgers", name, "must be at least 0", value)
    if max_cadres < 1 and max_businesses > 0:
        raise fail(
            "ledgers", "max_cadres", "must be at least 1 when there are businesses", max_cadres
        )
    top = resolve_within("ledgers", within)
    if top is None or not codes_at(Level.TOWNSHIP, top):
        raise fail("ledgers", "within", "must be a division with townships below it", within)

    def build(tables: dict[str, list[Record]]) -> Ledger:
        from foodsafety.ledger import Ledger

        return Ledger.from_records(**tables)

    return ledger_records(
        min_businesses=min_businesses,
        max_businesses=max_businesses,
        max_cadres=max_cadres,
        within=top,
        max_visits=max_visits,
        max_routines=max_routines,
    ).map(build)
