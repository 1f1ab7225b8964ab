"""Pairing policy as data: presets, YAML loading with located errors, cadences, deadlines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foodsafety.errors import RuleError
from foodsafety.presets import pairing_policies, pairing_policy
from foodsafety.rules import Cadence, PairingPolicy, load_pairing_policy
from foodsafety.rules.rectification import add_working_days
from foodsafety.vocab import Level, PairingList, PairingTier


def test_presets_load_with_the_common_tier_mapping() -> None:
    assert set(pairing_policies()) >= {"national_2022", "anyang_2022"}
    for name in pairing_policies():
        policy = pairing_policy(name)
        assert policy.name == name
        assert policy.level_for(PairingTier.A) is Level.CITY
        assert policy.level_for(PairingTier.D) is Level.VILLAGE
        assert policy.cadence_for(Level.VILLAGE).freq == "quarterly"


def test_anyang_preset_dates_come_from_seed_004() -> None:
    policy = pairing_policy("anyang_2022")
    pledge = [d for d in policy.documents if d.document is PairingList.PLEDGE]
    assert pledge[0].due == dt.date(2022, 12, 16)
    assert set(pledge[0].levels) == {Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE}
    assert policy.effective == dt.date(2022, 11, 11)


def test_unknown_preset_lists_the_presets() -> None:
    with pytest.raises(RuleError, match="anyang_2022"):
        pairing_policy("atlantis")


def test_policy_round_trips_through_json() -> None:
    policy = pairing_policy("anyang_2022")
    again = PairingPolicy.model_validate_json(policy.model_dump_json())
    assert again == policy


GOOD = """\
name: local_test
description: a test policy
effective: 2023-01-01
tier_levels: {A: 市, B: 縣, C: township, D: village}
cadence:
  default: {freq: quarterly}
  village: {freq: monthly, min_visits: 2}
"""


def test_yaml_accepts_chinese_labels_and_per_level_cadence(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(GOOD, encoding="utf-8")
    policy = load_pairing_policy(path)
    assert policy.level_for(PairingTier.B) is Level.COUNTY
    assert policy.cadence_for(Level.VILLAGE).min_visits == 2
    assert policy.cadence_for(Level.CITY).freq == "quarterly"


@pytest.mark.parametrize(
    ("bad_line", "replacement", "key"),
    [
        (4, "tier_levels: {A: galaxy, B: county, C: township, D: village}", "tier_levels"),
        (7, "  village: {freq: fortnightly}", "cadence.village"),
        (3, "effective: not-a-date", "effective"),
    ],
)
def test_invalid_value_names_file_line_and_key(
    tmp_path: Path, bad_line: int, replacement: str, key: str
) -> None:
    lines = GOOD.splitlines()
    lines[bad_line - 1] = replacement
    path = tmp_path / "bad.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_pairing_policy(path)
    text = str(info.value)
    assert f"bad.yaml, row {bad_line}: PairingPolicy.{key}" in text
    assert key in text
    assert "A valid policy looks like" in text
    assert info.value.row == bad_line


def test_yaml_syntax_error_points_to_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\ndescription: y\ntier_levels: {A: city\neffective: 2023-01-01\n")
    with pytest.raises(RuleError, match=r"broken\.yaml, row \d") as info:
        load_pairing_policy(path)
    assert info.value.code == "rule.syntax"


def test_every_problem_is_listed_with_its_line(tmp_path: Path) -> None:
    lines = GOOD.splitlines()
    lines[2] = "effective: someday"
    lines[6] = "  village: {freq: fortnightly}"
    path = tmp_path / "two.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_pairing_policy(path)
    text = str(info.value)
    assert text.startswith(f"{path}, row 3: PairingPolicy.effective")
    assert f"{path}:7: cadence.village" in text


def test_non_mapping_and_json_are_handled(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n")
    with pytest.raises(RuleError, match="must be a mapping"):
        load_pairing_policy(path)
    js = tmp_path / "p.json"
    js.write_text(pairing_policy("national_2022").model_dump_json())
    assert load_pairing_policy(js).name == "national_2022"


def test_unsafe_yaml_tags_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("name: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(RuleError):
        load_pairing_policy(path)


def test_rrule_is_validated() -> None:
    assert Cadence(rrule="FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=1").rrule
    with pytest.raises(ValueError, match="RRULE"):
        Cadence(rrule="FREQ=SOMETIMES")


@settings(max_examples=60, deadline=None)
@given(
    freq=st.sampled_from(["weekly", "monthly", "quarterly", "yearly"]),
    interval=st.integers(1, 3),
    start=st.dates(dt.date(2015, 1, 1), dt.date(2030, 1, 1)),
    length=st.integers(1, 800),
)
def test_periods_are_contiguous_and_cover_the_range(
    freq: str, interval: int, start: dt.date, length: int
) -> None:
    end = start + dt.timedelta(days=length)
    starts = Cadence(freq=freq, interval=interval).period_starts(start, end)  # type: ignore[arg-type]
    assert starts[0] <= start
    assert starts[-1] >= end
    assert starts == sorted(set(starts))
    if freq in ("monthly", "quarterly", "yearly"):
        assert all(d.day == 1 for d in starts)
    if freq == "quarterly" and interval == 1:
        assert all(d.month in (1, 4, 7, 10) for d in starts)
    if freq == "weekly":
        assert all(d.weekday() == 0 for d in starts)


@settings(max_examples=80, deadline=None)
@given(
    start=st.dates(dt.date(2020, 1, 1), dt.date(2025, 1, 1)),
    days=st.integers(1, 40),
    holidays=st.lists(st.dates(dt.date(2020, 1, 1), dt.date(2025, 3, 1)), max_size=5),
)
def test_working_day_deadlines_agree_with_polars_business_days(
    start: dt.date, days: int, holidays: list[dt.date]
) -> None:
    import polars as pl

    # the re-pairing deadline of the audit (polars, vectorised) and of rectification
    # (dateutil) must be the same calendar
    ours = add_working_days(start, days, holidays=holidays)
    theirs = pl.select(
        pl.lit(start).dt.add_business_days(days, holidays=holidays, roll="backward")
    ).item()
    assert ours == theirs
    assert ours.weekday() < 5
    assert ours not in holidays


@settings(max_examples=150, deadline=None)
@given(
    freq=st.sampled_from(["weekly", "monthly", "quarterly", "yearly"]),
    interval=st.integers(1, 12),
    start=st.dates(dt.date(2001, 1, 1), dt.date(2040, 1, 1)),
    length=st.integers(1, 2000),
)
def test_declarative_periods_equal_the_rrule_they_stand_for(
    freq: str, interval: int, start: dt.date, length: int
) -> None:
    # period_starts computes declarative cadences by calendar arithmetic; the dateutil rrule of
    # the same cadence is the definition
    cadence = Cadence(freq=freq, interval=interval)  # type: ignore[arg-type]
    end = start + dt.timedelta(days=length)
    assert cadence.period_starts(start, end) == cadence._rrule_period_starts(start, end)
