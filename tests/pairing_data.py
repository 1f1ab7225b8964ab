"""Helpers and hypothesis strategies for the pairing records and the ledger tests.

Identifiers are real-shaped: USCCs get their check character from python-stdnum, division
codes are Anyang's real townships (from the bundled registry) and villages below them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from foodsafety.models.business import Business
from foodsafety.models.cadre import Cadre
from foodsafety.models.pairing import PairingAssignment, PairingDocument
from foodsafety.models.routine import RoutineRecord
from foodsafety.models.visit import Visit
from foodsafety.registry import registry
from foodsafety.vocab import (
    BusinessKind,
    BusinessPost,
    Level,
    OfficialPost,
    PairingList,
    PairingTier,
    RiskGrade,
    Routine,
    VisitMode,
)

ANYANG = "410500"
COUNTIES = (
    "410502",
    "410503",
    "410505",
    "410506",
    "410522",
    "410523",
    "410526",
    "410527",
    "410581",
)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc(serial: int, division: str = ANYANG) -> str:
    """A valid USCC (authority 9, enterprise 1) with stdnum's check character."""
    body = ""
    n = serial
    for _ in range(9):
        body = USCC_ALPHABET[n % 31] + body
        n //= 31
    head = "91" + division + body
    return head + stdnum_uscc.calc_check_digit(head)


def sc_licence(serial: int, county: str = "410522") -> str:
    return f"SC106{county}{serial % 100000:05d}"


def jy_licence(serial: int, county: str = "410522") -> str:
    return f"JY2{county}{serial % 10000000:07d}"


def townships(county: str) -> list[str]:
    return [d.code for d in registry().children(county)]


TOWNSHIPS: list[str] = [code for c in COUNTIES for code in townships(c)]

# -- strategies -------------------------------------------------------------------------------

texts = st.text(alphabet=st.characters(categories=["Lo", "Lu", "Ll", "Nd"]), min_size=1, max_size=8)
ids = st.text(alphabet="ABCDEFGHJK0123456789-", min_size=1, max_size=10).filter(
    lambda s: s.strip("-") == s
)
days = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2025, 12, 31))
township_codes = st.sampled_from(TOWNSHIPS)
village_codes = st.builds(
    lambda t, n: f"{t}{n:03d}", st.sampled_from(TOWNSHIPS), st.integers(1, 999)
)
usccs = st.integers(0, 31**9 - 1).map(uscc)


def _optional(s: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | s


@st.composite
def businesses(draw: st.DrawFn) -> Business:
    kind = draw(st.sampled_from(list(BusinessKind)))
    serials = draw(st.lists(st.integers(0, 99999), max_size=2))
    if kind is BusinessKind.PRODUCTION:
        licences = [sc_licence(s) for s in serials]
    elif kind in (BusinessKind.OPERATION, BusinessKind.CATERING):
        licences = [jy_licence(s) for s in serials]
    else:
        licences = []
    opened = draw(_optional(days))
    closed = draw(_optional(days))
    if opened is not None and closed is not None and closed < opened:
        opened, closed = closed, opened
    return Business(
        uscc=draw(usccs),
        name=draw(texts),
        kind=kind,
        licences=licences,
        jurisdiction=draw(township_codes | village_codes),
        tier=draw(_optional(st.sampled_from(list(PairingTier)))),
        risk_grade=draw(_optional(st.sampled_from(list(RiskGrade)))),
        principal=draw(texts),
        director=draw(_optional(texts)),
        officers=draw(st.lists(texts, max_size=3)),
        opened=opened,
        closed=closed,
        status_changed=draw(_optional(days)),
        address=draw(_optional(texts)),
        village=draw(_optional(texts)),
    )


# contact numbers as ledgers write them: a landline's leading 0 must survive every format
phones = st.one_of(
    st.integers(13000000000, 19999999999).map(str),
    st.integers(1000000, 9999999).map(lambda n: f"0372-{n}"),
)

_LEVEL_CODES = {
    Level.CITY: st.just(ANYANG),
    Level.COUNTY: st.sampled_from(COUNTIES),
    Level.TOWNSHIP: township_codes,
    Level.VILLAGE: village_codes,
}


@st.composite
def cadres(draw: st.DrawFn) -> Cadre:
    level = draw(st.sampled_from(list(_LEVEL_CODES)))
    start = draw(_optional(days))
    end = draw(_optional(days))
    if start is not None and end is not None and end <= start:
        end = start + dt.timedelta(days=1 + (start - end).days)
    # a village cadre may be registered under the village's township (real county ledgers)
    coarse = level is Level.VILLAGE and draw(st.booleans())
    return Cadre(
        cadre_id=draw(ids),
        name=draw(texts),
        level=level,
        jurisdiction=draw(township_codes if coarse else _LEVEL_CODES[level]),
        unit=draw(_optional(texts)),
        post=draw(_optional(st.sampled_from(list(OfficialPost)))),
        active_from=start,
        active_to=end,
        village=draw(_optional(texts)) if coarse else None,
        phone=draw(_optional(phones)),
    )


@st.composite
def assignments(draw: st.DrawFn) -> PairingAssignment:
    start = draw(days)
    length = draw(_optional(st.integers(1, 2000)))
    return PairingAssignment(
        assignment_id=draw(ids),
        cadre_id=draw(ids),
        uscc=draw(usccs),
        valid_from=start,
        valid_to=None if length is None else start + dt.timedelta(days=length),
    )


pledges = st.builds(
    PairingDocument,
    cadre_id=ids,
    document=st.sampled_from(list(PairingList)),
    signed=_optional(days),
    counterpart=_optional(texts),
    scan_ref=_optional(ids),
)


@st.composite
def visits(draw: st.DrawFn) -> Visit:
    visit_id = draw(ids)
    follow = draw(_optional(ids.filter(lambda x: x != visit_id)))
    return Visit(
        visit_id=visit_id,
        date=draw(days),
        cadre_id=draw(ids),
        uscc=draw(usccs),
        mode=draw(st.sampled_from(list(VisitMode))),
        task_list_status=draw(_optional(texts)),
        results=draw(_optional(texts)),
        problems=draw(st.lists(texts, max_size=3)),
        evidence=draw(st.lists(ids, max_size=2)),
        feedback_to=draw(_optional(texts)),
        follow_up_of=follow,
        problems_resolved=None if follow is None else draw(_optional(st.booleans())),
    )


@st.composite
def routines(draw: st.DrawFn) -> RoutineRecord:
    routine = draw(st.sampled_from(list(Routine)))
    day = draw(days)
    if routine is Routine.WEEKLY:
        day -= dt.timedelta(days=day.weekday())
    elif routine is Routine.MONTHLY:
        day = day.replace(day=1)
    return RoutineRecord(
        uscc=draw(usccs),
        routine=routine,
        period_start=day,
        signed_by=draw(texts),
        signer_post=routine.signed_by,
    )


RECORD_STRATEGIES = {
    "businesses": businesses(),
    "cadres": cadres(),
    "assignments": assignments(),
    "pledges": pledges,
    "visits": visits(),
    "routines": routines(),
}

#: BusinessPost is re-exported for tests that build routine records by hand.
__all__ = ["RECORD_STRATEGIES", "BusinessPost", "uscc"]


def small_ledger_records() -> list[Any]:
    """A small consistent ledger: 3 businesses, 3 cadres, their assignments, pledges, visits."""
    b1 = Business(
        uscc=uscc(1),
        name="安阳某食品有限公司",
        kind="食品生产",
        licences=[sc_licence(1)],
        jurisdiction="410522102",
        tier="A",
        risk_grade="B",
        principal="张三",
        director="赵六",
        officers=["李四", "钱七"],
        opened=dt.date(2018, 3, 1),
    )
    b2 = Business(
        uscc=uscc(2),
        name="文峰区某餐馆",
        kind="餐饮服务",
        licences=[jy_licence(2, "410502")],
        jurisdiction="410502001201",
        tier="D",
        principal="孙八",
        opened=dt.date(2020, 6, 1),
    )
    b3 = Business(
        uscc=uscc(3),
        name="林州某超市",
        kind="食品经营",
        licences=[jy_licence(3, "410581")],
        jurisdiction="410581001",
        village="桑园村",
        address="林州市红旗渠大道1号",
        tier="C",
        principal="周九",
        director="吴十",
        opened=dt.date(2019, 1, 1),
        closed=dt.date(2022, 12, 1),
        status_changed=dt.date(2022, 12, 1),
    )
    c1 = Cadre(cadre_id="C001", name="高永", level="市", jurisdiction=ANYANG, unit="安阳市人民政府")
    c2 = Cadre(
        cadre_id="C002",
        name="某村干部",
        level="村",
        jurisdiction="410502001201",
        phone="0372-5123456",
    )
    c3 = Cadre(
        cadre_id="C003",
        name="某镇干部",
        level="乡",
        jurisdiction="410581001",
        active_from=dt.date(2021, 1, 1),
    )
    return [
        b1,
        b2,
        b3,
        c1,
        c2,
        c3,
        PairingAssignment(
            assignment_id="A1", cadre_id="C001", uscc=b1.uscc, valid_from=dt.date(2022, 11, 11)
        ),
        PairingAssignment(
            assignment_id="A2", cadre_id="C002", uscc=b2.uscc, valid_from=dt.date(2022, 11, 11)
        ),
        PairingAssignment(
            assignment_id="A3",
            cadre_id="C003",
            uscc=b3.uscc,
            valid_from=dt.date(2022, 1, 1),
            valid_to=dt.date(2022, 12, 1),
        ),
        PairingDocument.pledge(
            "C001", signed=dt.date(2022, 12, 1), counterpart="袁家健", scan_ref="scan/C001.pdf"
        ),
        PairingDocument(cadre_id="C001", document="任务清单", signed=dt.date(2022, 11, 20)),
        PairingDocument(cadre_id="C002", document="pledge"),
        Visit(
            visit_id="V1",
            date=dt.date(2022, 12, 10),
            cadre_id="C001",
            uscc=b1.uscc,
            mode="现场",
            task_list_status="基本落实",
            results="良好",
            problems=["进货查验记录不全", '标签含"引号",逗号'],
            evidence=["photo/V1-1.jpg"],
            feedback_to="安阳县市场监管局",
        ),
        Visit(
            visit_id="V2",
            date=dt.date(2022, 12, 20),
            cadre_id="C001",
            uscc=b1.uscc,
            mode="视频",
            follow_up_of="V1",
            problems_resolved=True,
        ),
        RoutineRecord(
            uscc=b1.uscc,
            routine="daily",
            period_start=dt.date(2022, 12, 1),
            signed_by="李四",
            signer_post="食品安全员",
        ),
        RoutineRecord(
            uscc=b1.uscc,
            routine="weekly",
            period_start=dt.date(2022, 12, 5),
            signed_by="赵六",
            signer_post="食品安全总监",
        ),
        RoutineRecord(
            uscc=b1.uscc,
            routine="monthly",
            period_start=dt.date(2022, 12, 1),
            signed_by="张三",
            signer_post="主要负责人",
        ),
    ]
