"""The vocabulary: every label parses back to its member; unknown labels fail helpfully."""

from __future__ import annotations

import json

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from foodsafety import FoodSafetyError, VocabularyError
from foodsafety.vocab import (
    ALL_TERMS,
    BusinessKind,
    Level,
    PairingTier,
    RiskGrade,
    Routine,
    StarLevel,
    Term,
)

MEMBERS = [m for term in ALL_TERMS for m in term]


@given(st.sampled_from(MEMBERS))
def test_every_label_of_every_member_parses_back(member: Term) -> None:
    cls = type(member)
    for text in (member.value, member.name, member.zh, member.zh_hant, member.en, *member.aliases):
        assert cls.parse(text) is member
        assert cls.parse(f"  {text.upper()} ") is member


@given(st.sampled_from(MEMBERS))
def test_labels_are_unambiguous_within_a_vocabulary(member: Term) -> None:
    cls = type(member)
    others = [m for m in cls if m is not member]
    for text in (member.zh, member.zh_hant, member.en):
        assert all(cls.parse(text) is not o for o in others)


@given(st.sampled_from(MEMBERS))
def test_pydantic_field_round_trips_through_json(member: Term) -> None:
    adapter = pydantic.TypeAdapter(type(member))
    dumped = adapter.dump_json(member)
    assert json.loads(dumped) == member.value
    assert adapter.validate_json(dumped) is member
    assert adapter.validate_python(member.zh_hant) is member


def test_each_vocabulary_has_three_labels_for_every_member() -> None:
    for term in ALL_TERMS:
        assert term.__label_zh__ and term.__label_en__, term
        for m in term:
            assert m.zh and m.zh_hant and m.en, m
            assert m.value.isascii()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("县", Level.COUNTY),
        ("縣", Level.COUNTY),
        ("县级", Level.COUNTY),
        ("乡镇", Level.TOWNSHIP),
        ("街道", Level.TOWNSHIP),
        ("Ｃｉｔｙ", Level.CITY),  # full-width letters
        ("A级", PairingTier.A),
        ("a", PairingTier.A),
        ("D級", PairingTier.D),
        ("餐飲服務", BusinessKind.CATERING),
        ("每周排查治理报告", Routine.WEEKLY),
        ("★★★", StarLevel.THREE),
    ],
)
def test_common_variants(text: str, expected: Term) -> None:
    assert type(expected).parse(text) is expected
    assert type(expected)(text) is expected  # calling the enum parses too


def test_unknown_label_lists_close_matches() -> None:
    with pytest.raises(VocabularyError) as info:
        Level.parse("countyy")
    err = info.value
    assert isinstance(err, FoodSafetyError)
    assert err.code == "vocab.unknown"
    assert err.value == "countyy"
    assert any("county" in s for s in err.suggestions)
    assert "countyy" in str(err)


def test_non_string_is_rejected_with_typed_error() -> None:
    with pytest.raises(VocabularyError):
        Level.parse(3)


def test_tier_and_risk_grade_are_different_types() -> None:
    assert PairingTier.A != RiskGrade.A or type(PairingTier.A) is not type(RiskGrade.A)
    assert not isinstance(RiskGrade.A, PairingTier)
    with pytest.raises(VocabularyError):
        PairingTier.parse("A级风险")


def test_level_order() -> None:
    assert [lv.depth for lv in Level] == [0, 1, 2, 3, 4]
    assert Level.PROVINCE.below is Level.CITY
    assert Level.VILLAGE.below is None
    assert Level.CITY.is_above(Level.TOWNSHIP)
    assert not Level.VILLAGE.is_above(Level.VILLAGE)


def test_routine_records_are_signed_by_the_right_post() -> None:
    assert Routine.DAILY.signed_by.value == "food_safety_officer"
    assert Routine.WEEKLY.signed_by.value == "food_safety_director"
    assert Routine.MONTHLY.signed_by.value == "principal"


def test_label_language_selection() -> None:
    assert Level.COUNTY.label("zh-Hant") == "縣"
    assert Level.COUNTY.label("en") == "county"
    with pytest.raises(VocabularyError):
        Level.COUNTY.label("fr")
