"""Strategies for the records of the pairing ledger, findings and campaigns.

Each strategy builds a record through its own constructor, so what it yields passed every
record check: a business holds the licences of its kind and lies in a real township or one of
its villages (seed 004), a cadre's jurisdiction has the cadre's level, end dates come after
start dates, a weekly report starts on a Monday and is signed by the food safety director, a
finding's history follows the declared transition table (seed 002), a campaign's phases are in
order and its groups split the province's cities (seed 002, 2018 Jiangsu campaign).

Names are drawn from short lists of common surnames and words so that a shrunk example reads
like a real ledger row (``张伟``, ``东关村``, ``安阳某食品有限公司``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

from foodsafety.ids import USCC, DivisionCode
from foodsafety.models.business import LICENCE_PREFIX, Business
from foodsafety.models.cadre import Cadre
from foodsafety.models.campaign import Campaign, CampaignRubric, InspectionGroup, Phase
from foodsafety.models.finding import TRANSITIONS, Finding, FindingEvent
from foodsafety.models.pairing import PairingAssignment, PairingDocument
from foodsafety.models.routine import RoutineRecord
from foodsafety.models.visit import Visit
from foodsafety.testing._common import (
    check_level,
    check_size,
    check_type,
    codes_at,
    fail,
    resolve_within,
)
from foodsafety.testing._ids import business_licences, division_codes, production_licences, usccs
from foodsafety.vocab import (
    BusinessKind,
    CampaignPhase,
    FindingSource,
    FindingState,
    Level,
    OfficialPost,
    PairingList,
    PairingTier,
    RectificationAction,
    RiskGrade,
    Routine,
    Severity,
    VisitMode,
)

__all__ = [
    "DEFAULT_MAX_DATE",
    "DEFAULT_MIN_DATE",
    "assignments",
    "businesses",
    "cadres",
    "campaigns",
    "dates",
    "finding_histories",
    "findings",
    "pairing_documents",
    "person_names",
    "routine_records",
    "visits",
]

#: Dates are drawn from these bounds by default: recent years, and never after the registry
#: edition, so that a loader checking "not in the future" accepts them.
DEFAULT_MIN_DATE = dt.date(2021, 1, 1)
DEFAULT_MAX_DATE = dt.date(2025, 12, 31)

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
_GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛")
_TRADES = ("食品", "餐饮", "粮油", "乳业", "肉类", "面粉", "饮品", "调味品")
_FORMS = ("有限公司", "店", "超市", "饭店", "加工厂", "经营部")
_VILLAGES = ("东关村", "西街社区", "南庄村", "北岗村", "柳园社区", "李家庄村")
_STREETS = ("人民路", "解放大道", "文明街", "中华路", "红旗路")


def _village_names() -> st.SearchStrategy[str]:
    """Village and community names (村、社区) such as ``东关村``."""
    return st.sampled_from(_VILLAGES)


def _addresses() -> st.SearchStrategy[str]:
    """Street addresses (经营地址) such as ``人民路12号``, some with a shop number."""
    return st.builds(
        lambda street, n, shop: f"{street}{n}号" + (f"{shop}号门面" if shop else ""),
        st.sampled_from(_STREETS),
        st.integers(min_value=1, max_value=999),
        st.none() | st.integers(min_value=1, max_value=30),
    )


def _phones() -> st.SearchStrategy[str]:
    """Contact numbers (联系电话) as ledgers write them: mobiles and landlines with area code."""
    return st.one_of(
        st.integers(min_value=13000000000, max_value=19999999999).map(str),
        st.integers(min_value=1000000, max_value=9999999).map(lambda n: f"0372-{n}"),
    )


_PROBLEMS = (
    "每日检查记录不全",
    "从业人员健康证过期",
    "进货查验记录缺失",
    "后厨卫生不达标",
    "食品留样不规范",
    "过期食品未下架",
)


def person_names() -> st.SearchStrategy[str]:
    """Chinese personal names (姓名) such as ``王伟`` or ``李芳娜``."""
    return st.builds(
        lambda s, g: s + "".join(g),
        st.sampled_from(_SURNAMES),
        st.lists(st.sampled_from(_GIVEN), min_size=1, max_size=2),
    )


def _check_dates(function: str, min_date: Any, max_date: Any) -> None:
    check_type(function, "min_date", min_date, dt.date)
    check_type(function, "max_date", max_date, dt.date)
    if max_date < min_date:
        raise fail(function, "max_date", f"must not be before min_date={min_date}", max_date)


def dates(
    *, min_date: dt.date = DEFAULT_MIN_DATE, max_date: dt.date = DEFAULT_MAX_DATE
) -> st.SearchStrategy[dt.date]:
    """Days between ``min_date`` and ``max_date``; shrinks toward ``min_date``."""
    _check_dates("dates", min_date, max_date)
    return st.dates(min_value=min_date, max_value=max_date)


@st.composite
def _period(
    draw: st.DrawFn,
    min_date: dt.date,
    max_date: dt.date,
    *,
    open_end: bool,
    strict: bool,
    capped: bool = False,
) -> tuple[dt.date, dt.date | None]:
    """A start and an optional end after it (exclusive end when ``strict``)."""
    span = (max_date - min_date).days
    start = min_date + dt.timedelta(days=draw(st.integers(min_value=0, max_value=span)))
    if open_end and not draw(st.booleans()):
        return start, None  # shrinks to open-ended: still running
    length = draw(st.integers(min_value=1 if strict else 0, max_value=max(1, span)))
    end = start + dt.timedelta(days=length)
    if capped:  # an event that has happened (a closing) stays within the bounds
        end = min(end, max_date)
    return start, end


@st.composite
def _businesses(
    draw: st.DrawFn,
    within: str | None,
    kinds: tuple[BusinessKind, ...],
    uscc: str | None,
    min_date: dt.date,
    max_date: dt.date,
    villages: bool,
) -> Business:
    from foodsafety.testing._ids import village_codes

    township_codes = codes_at(Level.TOWNSHIP, within)
    if not township_codes:  # pragma: no cover - checked when the strategy is built
        raise fail("businesses", "within", "has no township", within)
    if villages and draw(st.booleans()):
        place = str(draw(village_codes(within=within)))
    else:
        place = draw(st.sampled_from(township_codes))
    county = DivisionCode(place).county or DivisionCode(place[:6])
    code = USCC(uscc) if uscc is not None else draw(usccs(within=str(county), authority="9"))
    kind = draw(st.sampled_from(kinds))
    prefix = LICENCE_PREFIX.get(kind)
    licences: list[str] = []
    if prefix == "SC":
        licences = [
            str(x)
            for x in draw(
                st.lists(
                    production_licences(within=str(county)), min_size=1, max_size=2, unique=True
                )
            )
        ]
    elif prefix == "JY":
        licences = [
            str(x)
            for x in draw(
                st.lists(business_licences(within=str(county)), min_size=1, max_size=2, unique=True)
            )
        ]
    opened, closed = draw(_period(min_date, max_date, open_end=True, strict=False, capped=True))
    if closed is not None and draw(st.integers(0, 3)) != 3:
        closed = None  # most businesses are still open (and a shrunk one is)
    trade = draw(st.sampled_from(_TRADES))
    form = draw(st.sampled_from(_FORMS))
    return Business(
        uscc=code,
        name=f"{draw(st.sampled_from(_SURNAMES))}记{trade}{form}",
        kind=kind,
        licences=licences,
        jurisdiction=place,
        tier=draw(st.none() | st.sampled_from(list(PairingTier))),
        risk_grade=draw(st.none() | st.sampled_from(list(RiskGrade))),
        principal=draw(person_names()),
        director=draw(st.none() | person_names()),
        officers=draw(st.lists(person_names(), max_size=2)),
        opened=opened,
        closed=closed,
        status_changed=draw(st.none() | st.dates(opened, closed or max_date)),
        address=draw(st.none() | _addresses()),
        # a business coded at its township often names its village only (real ledgers)
        village=draw(st.none() | _village_names()) if len(place) == 9 else None,
    )


def businesses(
    *,
    within: str | None = None,
    kind: BusinessKind | str | None = None,
    uscc: str | None = None,
    villages: bool = True,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[Business]:
    """Food businesses (食品生产经营主体) as the pairing ledger records them.

    Args:
        within: a division of the registry the business lies in (a township below it, or one
            of that township's villages); its USCC and licences carry the business's county.
        kind: one business kind (业态, a code or a Chinese label); ``None`` for any.
        uscc: a fixed USCC (to build a business a reference points to).
        villages: also place businesses in (drawn) villages, not only townships.
        min_date, max_date: bounds of the opening and closing dates.

    Raises:
        InvalidArgument: bad dates, unknown kind, ``within`` unknown or without townships.
    """
    top = resolve_within("businesses", within)
    _check_dates("businesses", min_date, max_date)
    check_type("businesses", "villages", villages, bool)
    kinds: tuple[BusinessKind, ...] = tuple(BusinessKind)
    if kind is not None:
        try:
            kinds = (BusinessKind.parse(kind),)
        except ValueError:
            raise fail("businesses", "kind", "must be a business kind (业态)", kind) from None
    if uscc is not None:
        try:
            USCC(uscc)
        except ValueError:
            raise fail("businesses", "uscc", "must be a valid USCC", uscc) from None
    if not codes_at(Level.TOWNSHIP, top):
        raise fail("businesses", "within", "must have townships below it", within)
    return _businesses(top, kinds, uscc, min_date, max_date, villages)


_CADRE_POSTS: dict[Level, tuple[OfficialPost, ...]] = {
    Level.VILLAGE: (OfficialPost.VILLAGE_HEAD, OfficialPost.OTHER_LEADER),
}


@st.composite
def _cadres(
    draw: st.DrawFn,
    levels: tuple[Level, ...],
    within: str | None,
    cadre_id: str | None,
    min_date: dt.date,
    max_date: dt.date,
) -> Cadre:
    level = draw(st.sampled_from(levels))
    jurisdiction = draw(division_codes(level=level, within=within))
    village = None
    if level is Level.VILLAGE and draw(st.booleans()):
        # as real county ledgers register village cadres: the township's code, the village
        # named or not
        jurisdiction = DivisionCode(jurisdiction).township or jurisdiction
        village = draw(st.none() | _village_names())
    start, end = draw(_period(min_date, max_date, open_end=True, strict=True))
    posts = _CADRE_POSTS.get(level, tuple(OfficialPost))
    return Cadre(
        cadre_id=cadre_id or f"C{draw(st.integers(min_value=1, max_value=99999)):05d}",
        name=draw(person_names()),
        level=level,
        jurisdiction=jurisdiction,
        unit=draw(st.none() | st.just(f"{level.zh}级包保责任单位")),
        post=draw(st.none() | st.sampled_from(posts)),
        active_from=draw(st.none() | st.just(start)),
        active_to=end if end is not None and draw(st.booleans()) else None,
        village=village,
        phone=draw(st.none() | _phones()),
    )


def cadres(
    *,
    level: Level | str | None = None,
    within: str | None = None,
    cadre_id: str | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[Cadre]:
    """Pairing cadres (包保干部) whose jurisdiction has their level (市、县、乡、村).

    About half the village cadres are registered as real county ledgers do: under the
    village's township (9 digits), the village named in ``village`` or not given.

    Args:
        level: ``city``, ``county``, ``township`` or ``village``; ``None`` for any of them.
        within: a division of the registry the cadre's jurisdiction lies in.
        cadre_id: a fixed id; by default ``C`` and five digits.
        min_date, max_date: bounds of the service dates.
    """
    allowed = (Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)
    top = resolve_within("cadres", within)
    _check_dates("cadres", min_date, max_date)
    if cadre_id is not None:
        check_type("cadres", "cadre_id", cadre_id, str)
        if not cadre_id.strip():
            raise fail("cadres", "cadre_id", "must not be empty", cadre_id)
    if level is None:
        levels = tuple(
            lv for lv in allowed if codes_at(Level.TOWNSHIP if lv is Level.VILLAGE else lv, top)
        )
    else:
        levels = (check_level("cadres", "level", level, allowed),)
        if not codes_at(Level.TOWNSHIP if levels[0] is Level.VILLAGE else levels[0], top):
            raise fail("cadres", "level", f"there is no {levels[0].value} within {top}", level)
    return _cadres(levels, top, cadre_id, min_date, max_date)


def _id_strategy(given: Sequence[str] | None, prefix: str) -> st.SearchStrategy[str]:
    if given is not None:
        return st.sampled_from(list(given))
    return st.integers(min_value=1, max_value=99999).map(lambda n: f"{prefix}{n:05d}")


def _uscc_strategy(given: Sequence[str] | None) -> st.SearchStrategy[USCC]:
    if given is not None:
        return st.sampled_from([USCC(x) for x in given])
    return usccs()


def _nonempty(function: str, name: str, given: Sequence[str] | None) -> None:
    if given is not None:
        check_type(function, name, given, (list, tuple))
        if not given:
            raise fail(function, name, "must not be empty (or be None)", given)


@st.composite
def _assignments(
    draw: st.DrawFn,
    cadre_ids: Sequence[str] | None,
    uscc_list: Sequence[str] | None,
    min_date: dt.date,
    max_date: dt.date,
) -> PairingAssignment:
    start, end = draw(_period(min_date, max_date, open_end=True, strict=True))
    return PairingAssignment(
        assignment_id=draw(_id_strategy(None, "A")),
        cadre_id=draw(_id_strategy(cadre_ids, "C")),
        uscc=draw(_uscc_strategy(uscc_list)),
        valid_from=start,
        valid_to=end,
    )


def assignments(
    *,
    cadre_ids: Sequence[str] | None = None,
    usccs: Sequence[str] | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[PairingAssignment]:
    """Pairing assignments (包保关系): a cadre pairs a business from one day to a later one.

    Args:
        cadre_ids: draw the cadre from these ids (default: any ``C00001``-style id).
        usccs: draw the business from these USCCs (default: any valid USCC).
        min_date, max_date: bounds of the period (``valid_to`` is exclusive and may be open).
    """
    _nonempty("assignments", "cadre_ids", cadre_ids)
    _nonempty("assignments", "usccs", usccs)
    _check_dates("assignments", min_date, max_date)
    return _assignments(cadre_ids, usccs, min_date, max_date)


@st.composite
def _documents(
    draw: st.DrawFn, cadre_ids: Sequence[str] | None, min_date: dt.date, max_date: dt.date
) -> PairingDocument:
    document = draw(st.sampled_from(list(PairingList)))
    signed = draw(st.none() | st.dates(min_date, max_date))
    return PairingDocument(
        cadre_id=draw(_id_strategy(cadre_ids, "C")),
        document=document,
        signed=signed,
        counterpart=draw(person_names()) if signed and document is PairingList.PLEDGE else None,
        scan_ref=f"scan/{signed.isoformat()}.pdf" if signed and draw(st.booleans()) else None,
    )


def pairing_documents(
    *,
    cadre_ids: Sequence[str] | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[PairingDocument]:
    """The three lists and the pledge (三清单一承诺) of cadres, signed or still missing."""
    _nonempty("pairing_documents", "cadre_ids", cadre_ids)
    _check_dates("pairing_documents", min_date, max_date)
    return _documents(cadre_ids, min_date, max_date)


@st.composite
def _visits(
    draw: st.DrawFn,
    cadre_ids: Sequence[str] | None,
    uscc_list: Sequence[str] | None,
    earlier: Sequence[str] | None,
    min_date: dt.date,
    max_date: dt.date,
) -> Visit:
    visit_id = draw(_id_strategy(None, "V"))
    follow = None
    if earlier and draw(st.booleans()):
        others = [v for v in earlier if v != visit_id]
        follow = draw(st.sampled_from(others)) if others else None
    problems = draw(st.lists(st.sampled_from(_PROBLEMS), max_size=3, unique=True))
    return Visit(
        visit_id=visit_id,
        date=draw(st.dates(min_date, max_date)),
        cadre_id=draw(_id_strategy(cadre_ids, "C")),
        uscc=draw(_uscc_strategy(uscc_list)),
        mode=draw(st.sampled_from(list(VisitMode))),
        task_list_status=draw(st.none() | st.just("已落实")),
        results=draw(st.none() | st.just("总体良好")),
        problems=problems,
        evidence=[f"photo/{visit_id}-{i}.jpg" for i in range(draw(st.integers(0, 2)))],
        feedback_to=draw(st.none() | st.just("属地市场监管所")) if problems else None,
        follow_up_of=follow,
        problems_resolved=draw(st.none() | st.booleans()) if follow else None,
    )


def visits(
    *,
    cadre_ids: Sequence[str] | None = None,
    usccs: Sequence[str] | None = None,
    follow_up_of: Sequence[str] | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[Visit]:
    """Supervision visits (督导) and, when ``follow_up_of`` lists earlier visit ids, follow-ups.

    Args:
        cadre_ids: the visiting cadre is drawn from these.
        usccs: the visited business is drawn from these.
        follow_up_of: ids of earlier visits a follow-up (回头看) may check.
        min_date, max_date: bounds of the visit date.
    """
    _nonempty("visits", "cadre_ids", cadre_ids)
    _nonempty("visits", "usccs", usccs)
    _check_dates("visits", min_date, max_date)
    return _visits(cadre_ids, usccs, follow_up_of, min_date, max_date)


@st.composite
def _routines(
    draw: st.DrawFn,
    uscc_list: Sequence[str] | None,
    routines: tuple[Routine, ...],
    min_date: dt.date,
    max_date: dt.date,
) -> RoutineRecord:
    routine = draw(st.sampled_from(routines))
    day = draw(st.dates(min_date, max_date))
    if routine is Routine.WEEKLY:
        day -= dt.timedelta(days=day.weekday())
        if day < min_date:
            day += dt.timedelta(days=7)
    elif routine is Routine.MONTHLY:
        day = day.replace(day=1)
        if day < min_date:
            day = (day + dt.timedelta(days=32)).replace(day=1)
    return RoutineRecord(
        uscc=draw(_uscc_strategy(uscc_list)),
        routine=routine,
        period_start=day,
        signed_by=draw(person_names()),
        signer_post=routine.signed_by,
    )


def routine_records(
    *,
    usccs: Sequence[str] | None = None,
    routine: Routine | str | None = None,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[RoutineRecord]:
    """Entries of the daily, weekly and monthly books (日管控、周排查、月调度).

    A weekly entry starts on a Monday and is signed by the food safety director, a monthly one
    on the 1st by the principal, a daily one by a food safety officer.

    Args:
        usccs: the business is drawn from these.
        routine: one routine (code or Chinese label); ``None`` for any.
        min_date, max_date: bounds of ``period_start`` (at least 40 days apart).
    """
    _nonempty("routine_records", "usccs", usccs)
    _check_dates("routine_records", min_date, max_date)
    if (max_date - min_date).days < 40:
        raise fail(
            "routine_records", "max_date", "must be at least 40 days after min_date", max_date
        )
    kinds: tuple[Routine, ...] = tuple(Routine)
    if routine is not None:
        try:
            kinds = (Routine.parse(routine),)
        except ValueError:
            raise fail(
                "routine_records", "routine", "must be daily, weekly or monthly", routine
            ) from None
    return _routines(usccs, kinds, min_date, max_date)


# -- findings -----------------------------------------------------------------------------------


_ACTION_ORDER = list(RectificationAction)


@st.composite
def finding_histories(
    draw: st.DrawFn, found_on: dt.date, *, max_events: int = 8
) -> tuple[FindingEvent, ...]:
    """A legal history of a finding (整改过程记录) found on ``found_on``: each event a transition
    of the declared table, dates never going back."""
    state = FindingState.FOUND
    day = found_on
    events: list[FindingEvent] = []
    for _ in range(draw(st.integers(min_value=0, max_value=max_events))):
        legal = sorted(
            ((a, o) for (s, a, o) in TRANSITIONS if s is state),
            key=lambda ao: (_ACTION_ORDER.index(ao[0]), ao[1] or ""),
        )
        if not legal:  # pragma: no cover - every state has a way out
            break
        action, outcome = draw(st.sampled_from(legal))
        day += dt.timedelta(days=draw(st.integers(min_value=0, max_value=30)))
        target = TRANSITIONS[(state, action, outcome)]
        deadline = None
        if action.value == "rectification_deadline":
            deadline = day + dt.timedelta(days=draw(st.integers(min_value=0, max_value=60)))
        events.append(
            FindingEvent(
                action=action,
                date=day,
                actor=draw(st.sampled_from(["县食安办", "督查组", "包保干部", "system"])),
                source=state,
                target=target,
                outcome=outcome,
                deadline=deadline,
            )
        )
        state = target
    return tuple(events)


@st.composite
def _findings(draw: st.DrawFn, min_date: dt.date, max_date: dt.date, max_events: int) -> Finding:
    found_on = draw(st.dates(min_date, max_date))
    events = draw(finding_histories(found_on, max_events=max_events))
    subject = draw(st.one_of(usccs().map(str), division_codes(level="county").map(str)))
    return Finding(
        finding_id=f"F{draw(st.integers(min_value=1, max_value=99999)):05d}",
        source=draw(st.sampled_from(list(FindingSource))),
        severity=draw(st.sampled_from(list(Severity))),
        jurisdiction=draw(st.none() | division_codes(level="county").map(str)),
        subject=subject,
        title=draw(st.sampled_from(_PROBLEMS)),
        found_on=found_on,
        found_by=draw(st.none() | st.just("督查组")),
        events=events,
        state=events[-1].target if events else FindingState.FOUND,
    )


def findings(
    *,
    max_events: int = 8,
    min_date: dt.date = DEFAULT_MIN_DATE,
    max_date: dt.date = DEFAULT_MAX_DATE,
) -> st.SearchStrategy[Finding]:
    """Findings (问题) with a legal rectification history, its state the one it leads to.

    Args:
        max_events: the longest history.
        min_date, max_date: bounds of the day found (events may follow it by some weeks).
    """
    check_size("findings", 0, max_events, names=("min_events", "max_events"))
    _check_dates("findings", min_date, max_date)
    return _findings(min_date, max_date, max_events)


# -- campaigns ----------------------------------------------------------------------------------


@st.composite
def _campaigns(draw: st.DrawFn, province: str | None, max_groups: int) -> Campaign:
    prov = province or draw(
        st.sampled_from([p for p in codes_at(Level.PROVINCE, None) if codes_at(Level.CITY, p)])
    )
    cities = list(codes_at(Level.CITY, prov)) or list(codes_at(Level.COUNTY, prov))
    subjects = draw(
        st.lists(st.sampled_from(cities), min_size=1, max_size=min(len(cities), 8), unique=True)
    )
    n_groups = draw(st.integers(min_value=1, max_value=min(max_groups, len(subjects))))
    groups = []
    for g in range(n_groups):
        part = subjects[g::n_groups]
        groups.append(
            InspectionGroup(
                group_id=f"G{g + 1}",
                name=f"第{'一二三四五六七八九十'[g % 10]}督查组",
                leader=draw(person_names()),
                members=draw(st.lists(person_names(), max_size=2)),
                subjects=part,
            )
        )
    year = draw(st.integers(min_value=2018, max_value=2025))
    start = dt.date(year, draw(st.integers(min_value=1, max_value=6)), 1)
    phases = []
    day = start
    for phase in CampaignPhase:
        length = draw(st.integers(min_value=0, max_value=40))
        phases.append(Phase(phase=phase, start=day, end=day + dt.timedelta(days=length)))
        day = day + dt.timedelta(days=length + draw(st.integers(min_value=0, max_value=10)))
    from foodsafety.presets import assessment_presets

    rubric_names = draw(
        st.lists(
            st.sampled_from(
                ["key_risk_points_2018", "key_supervision_matters_2018", *assessment_presets()]
            ),
            min_size=1,
            max_size=2,
            unique=True,
        )
    )
    return Campaign(
        campaign_id=f"campaign-{year}",
        title_zh=f"{year}年食品安全专项督查",
        title_en=f"{year} food safety inspection campaign",
        province=prov,
        year=year,
        phases=phases,
        groups=groups,
        rubrics=[
            CampaignRubric(rubric=r, weight=draw(st.sampled_from([1.0, 0.5, 2.0])))
            for r in rubric_names
        ],
    )


def campaigns(*, province: str | None = None, max_groups: int = 4) -> st.SearchStrategy[Campaign]:
    """Inspection campaigns (集中行动): ordered phases, groups splitting a province's cities.

    Args:
        province: the province code (``"320000"`` Jiangsu); ``None`` draws one.
        max_groups: the most inspection groups.
    """
    check_size("campaigns", 1, max_groups, names=("min_groups", "max_groups"))
    prov = None
    if province is not None:
        prov = resolve_within("campaigns", province)
        if prov is None or DivisionCode(prov).level is not Level.PROVINCE:
            raise fail("campaigns", "province", "must be a province code", province)
    return _campaigns(prov, max_groups)
