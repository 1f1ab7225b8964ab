"""The pairing records: exact JSON round trips, JSON Schema, tolerant labels, record rules."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foodsafety.errors import FoodSafetyError, RecordValidationError
from foodsafety.models.business import Business
from foodsafety.models.cadre import Cadre
from foodsafety.models.pairing import PairingAssignment, PairingDocument
from foodsafety.models.routine import RoutineRecord, period_end
from foodsafety.models.visit import Visit
from foodsafety.vocab import BusinessKind, BusinessPost, Level, PairingList, PairingTier, Routine
from pairing_data import RECORD_STRATEGIES, jy_licence, sc_licence, uscc

RECORDS = [Business, Cadre, PairingAssignment, PairingDocument, Visit, RoutineRecord]


@pytest.mark.parametrize("table", list(RECORD_STRATEGIES))
@settings(max_examples=40)
@given(data=st.data())
def test_json_round_trip_is_exact(table: str, data: st.DataObject) -> None:
    record = data.draw(RECORD_STRATEGIES[table])
    cls = type(record)
    text = record.model_dump_json()
    back = cls.model_validate_json(text)
    assert back == record
    assert back.model_dump_json() == text
    # python-mode dumps round-trip too, and records are hashable (frozen)
    assert cls.model_validate(record.model_dump()) == record
    assert hash(back) == hash(record)


@pytest.mark.parametrize("cls", RECORDS)
def test_json_schema_exports(cls: type) -> None:
    schema = cls.model_json_schema()  # type: ignore[attr-defined]
    json.dumps(schema, ensure_ascii=False)
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == set(cls.model_fields)  # type: ignore[attr-defined]


def test_schema_carries_identifier_patterns() -> None:
    props = Business.model_json_schema()["properties"]
    assert "pattern" in props["uscc"]
    titles = {s["title"] for s in props["licences"]["items"]["anyOf"]}
    assert titles == {"FoodProductionLicence", "FoodBusinessLicence"}
    kind = json.dumps(Business.model_json_schema())
    assert "catering" in kind


def _business(**over: object) -> Business:
    base: dict[str, object] = {
        "uscc": uscc(7),
        "name": "安阳某食品有限公司",
        "kind": "production",
        "licences": [sc_licence(7)],
        "jurisdiction": "410522102",
        "principal": "张三",
    }
    base.update(over)
    return Business(**base)


def test_traditional_and_variant_labels_are_normalised_to_codes() -> None:
    b = _business(kind="食品生產", tier="A級", risk_grade="C級風險")
    assert b.kind is BusinessKind.PRODUCTION
    assert b.tier is PairingTier.A
    assert json.loads(b.model_dump_json())["tier"] == "A"
    c = Cadre(cadre_id="C1", name="某", level="縣", jurisdiction="410522")
    assert c.level is Level.COUNTY
    d = PairingDocument(cadre_id="C1", document="承諾書")
    assert d.is_pledge and d.document is PairingList.PLEDGE


def test_identifiers_are_canonicalised() -> None:
    b = _business(uscc=uscc(7).lower(), jurisdiction="410522102000")
    assert b.uscc == uscc(7)
    assert b.jurisdiction == "410522102"  # the 12-digit form of a township shortens


@pytest.mark.parametrize(
    ("over", "field", "code"),
    [
        ({"uscc": uscc(7)[:-1] + ("0" if uscc(7)[-1] != "0" else "1")}, "uscc", "uscc.checksum"),
        ({"jurisdiction": "410522"}, "jurisdiction", "business.jurisdiction_level"),
        ({"licences": [jy_licence(1)]}, "licences", "business.licence_kind"),
        ({"kind": "catering", "licences": [sc_licence(1)]}, "licences", "business.licence_kind"),
        (
            {"opened": dt.date(2020, 1, 1), "closed": dt.date(2019, 1, 1)},
            "closed",
            "date.reversed",
        ),
        ({"tier": "E级"}, "tier", "vocab.unknown"),
        ({"name": "  "}, "name", "record.string_too_short"),
    ],
)
def test_business_rules(over: dict[str, object], field: str, code: str) -> None:
    with pytest.raises(RecordValidationError) as info:
        _business(**over)
    err = info.value
    assert err.record == "Business"
    assert err.field == field
    assert err.code == code


def test_small_workshops_may_hold_either_licence_or_none() -> None:
    assert _business(kind="小作坊", licences=[]).licences == ()
    assert _business(kind="operation", licences=[jy_licence(1)]).kind is BusinessKind.OPERATION


def test_future_dates_are_not_a_record_rule() -> None:
    # a record has no "today"; loaders and the audit check dates against as_of
    assert _business(opened=dt.date(2999, 1, 1)).opened == dt.date(2999, 1, 1)


@pytest.mark.parametrize(
    ("level", "code", "ok"),
    [
        ("市", "410500", True),
        ("county", "410581", True),
        ("乡镇", "410522102", True),
        ("村", "410502001201", True),
        ("县", "410500", False),
        ("township", "410522", False),
        # real county ledgers register village cadres under the village's township
        ("village", "410522102", True),
        ("village", "410522", False),
        ("township", "410522102001", False),
        # 济源 419001 answers to Henan as a city does: its leaders pair at city level, and
        # it is a county-level code, so its county-level cadres too
        ("city", "419001", True),
        ("county", "419001", True),
        ("city", "410522", False),
        ("township", "419001", False),
    ],
)
def test_cadre_jurisdiction_matches_level(level: str, code: str, ok: bool) -> None:
    if ok:
        assert Cadre(cadre_id="C", name="某", level=level, jurisdiction=code).jurisdiction == code
    else:
        with pytest.raises(RecordValidationError) as info:
            Cadre(cadre_id="C", name="某", level=level, jurisdiction=code)
        assert info.value.code == "cadre.level_mismatch"


def test_assignment_end_is_exclusive_and_after_start() -> None:
    a = PairingAssignment(
        assignment_id="A",
        cadre_id="C",
        uscc=uscc(1),
        valid_from=dt.date(2022, 1, 1),
        valid_to=dt.date(2022, 4, 1),
    )
    assert a.covers(dt.date(2022, 3, 31)) and not a.covers(dt.date(2022, 4, 1))
    for end in (dt.date(2022, 1, 1), dt.date(2021, 12, 31)):
        with pytest.raises(RecordValidationError) as info:
            PairingAssignment(
                assignment_id="A",
                cadre_id="C",
                uscc=uscc(1),
                valid_from=dt.date(2022, 1, 1),
                valid_to=end,
            )
        assert (info.value.field, info.value.code) == ("valid_to", "date.reversed")


def test_records_are_frozen() -> None:
    b = _business()
    with pytest.raises(Exception):  # noqa: B017, PT011 - pydantic's frozen-instance error
        b.name = "x"  # type: ignore[misc]


def test_visit_rules() -> None:
    base = {"date": dt.date(2022, 12, 10), "cadre_id": "C", "uscc": uscc(1), "mode": "現場"}
    v = Visit(visit_id="V2", follow_up_of="V1", problems_resolved=False, **base)
    assert v.is_follow_up and not v.found_problems
    with pytest.raises(RecordValidationError) as info:
        Visit(visit_id="V1", follow_up_of="V1", **base)
    assert info.value.code == "visit.self_follow_up"
    with pytest.raises(RecordValidationError) as info:
        Visit(visit_id="V1", problems_resolved=True, **base)
    assert info.value.code == "visit.resolved_without_follow_up"


@pytest.mark.parametrize(
    ("routine", "start", "post", "code"),
    [
        ("周排查", dt.date(2022, 12, 6), "食品安全总监", "routine.period_start"),  # a Tuesday
        ("月调度", dt.date(2022, 12, 2), "主要负责人", "routine.period_start"),
        ("日管控", dt.date(2022, 12, 2), "主要负责人", "routine.signer_post"),
        ("週排查", dt.date(2022, 12, 5), "食品安全員", "routine.signer_post"),
    ],
)
def test_routine_rules(routine: str, start: dt.date, post: str, code: str) -> None:
    with pytest.raises(RecordValidationError) as info:
        RoutineRecord(
            uscc=uscc(1), routine=routine, period_start=start, signed_by="某", signer_post=post
        )
    assert info.value.code == code


@pytest.mark.parametrize("routine", list(Routine))
def test_each_routine_is_signed_by_its_post(routine: Routine) -> None:
    start = dt.date(2022, 12, 5) if routine is Routine.WEEKLY else dt.date(2022, 12, 1)
    r = RoutineRecord(
        uscc=uscc(1),
        routine=routine,
        period_start=start,
        signed_by="某",
        signer_post=routine.signed_by,
    )
    assert (
        r.signer_post
        is {
            Routine.DAILY: BusinessPost.FOOD_SAFETY_OFFICER,
            Routine.WEEKLY: BusinessPost.FOOD_SAFETY_DIRECTOR,
            Routine.MONTHLY: BusinessPost.PRINCIPAL,
        }[routine]
    )
    assert r.period_end > r.period_start


def test_period_end_rolls_over_the_year() -> None:
    assert period_end(Routine.MONTHLY, dt.date(2022, 12, 1)) == dt.date(2023, 1, 1)
    assert period_end(Routine.WEEKLY, dt.date(2022, 12, 26)) == dt.date(2023, 1, 2)
    assert period_end(Routine.DAILY, dt.date(2022, 12, 31)) == dt.date(2023, 1, 1)


def test_errors_are_foodsafety_errors_naming_the_record() -> None:
    with pytest.raises(FoodSafetyError) as info:
        Cadre(cadre_id="C", name="某", level="省长", jurisdiction="410500")
    assert info.value.record == "Cadre"
    assert "level" in str(info.value)


@settings(max_examples=60, deadline=None)
@given(
    level=st.sampled_from(["city", "county", "township", "village"]),
    code=st.sampled_from(
        [
            "410500",
            "419000",
            "419001",
            "469001",
            "410522",
            "110101",
            "410522102",
            "410502001201",
            "110105001",
            "110105001201",
            "419001001",
        ]
    ),
    village=st.none() | st.just("东关村"),
)
def test_the_loader_judges_a_cadre_level_as_the_record_does(
    level: str, code: str, village: str | None
) -> None:
    # the same rule in two places (a record, and a column of millions of rows): they agree,
    # for 济源 419001 (a county that answers to the province as a city does) and for village
    # cadres registered under their township (the village named or not)
    import polars as pl

    from foodsafety.ledger._validate import validate_tables

    codes = []
    try:
        Cadre(cadre_id="C", name="某", level=level, jurisdiction=code, village=village)
    except RecordValidationError as exc:
        codes.append(exc.code)
    frame = pl.DataFrame(
        {
            "cadre_id": ["C"],
            "name": ["某"],
            "level": [level],
            "jurisdiction": [code],
            "village": [village],
        }
    )
    _, report = validate_tables({"cadres": frame}, check_registry=False)
    assert codes in ([], ["cadre.level_mismatch"])
    assert [p.code for p in report] == codes
