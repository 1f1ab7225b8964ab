"""The columnar Ledger: building from records and frames, reading back, subsets and unions."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foodsafety.errors import BulkValidationError, FoodSafetyError, IdentifierError
from foodsafety.ledger import KEYS, TABLES, Ledger, division_prefix, polars_schema
from foodsafety.models.business import Business
from foodsafety.models.cadre import Cadre
from pairing_data import RECORD_STRATEGIES, small_ledger_records, uscc


@pytest.fixture
def ledger() -> Ledger:
    return Ledger.from_records(small_ledger_records())


def test_tables_have_the_exact_schema(ledger: Ledger) -> None:
    for table, frame in ledger.tables.items():
        assert frame.schema == pl.Schema(polars_schema(table))
    assert list(ledger.tables) == list(TABLES)
    assert ledger.businesses is ledger.to_polars("businesses")


def test_counts_len_and_summary(ledger: Ledger) -> None:
    assert ledger.counts() == {
        "businesses": 3,
        "cadres": 3,
        "assignments": 3,
        "pledges": 3,
        "visits": 2,
        "routines": 3,
    }
    assert len(ledger) == 3
    assert "包保干部" in ledger.summary()
    assert "businesses=3" in repr(ledger)


def test_records_round_trip_exactly(ledger: Ledger) -> None:
    records = small_ledger_records()
    assert list(ledger.records()) == records
    again = Ledger.from_records(ledger.records())
    assert again == ledger
    by_table = Ledger.from_records(**{t: list(ledger.to_records(t)) for t in TABLES})
    assert by_table == ledger


@settings(max_examples=25)
@given(st.lists(st.one_of(*RECORD_STRATEGIES.values()), max_size=12))
def test_any_mix_of_records_round_trips(records: list[Any]) -> None:
    led = Ledger.from_records(records)
    back = [r for t in TABLES for r in led.to_records(t)]
    assert sorted(map(repr, back)) == sorted(map(repr, records))
    assert Ledger.from_records(back) == led


def test_lookup_by_key(ledger: Ledger) -> None:
    b = ledger.business(uscc(1))
    assert isinstance(b, Business) and b.name == "安阳某食品有限公司"
    c = ledger.cadre("C001")
    assert isinstance(c, Cadre) and c.name == "高永"
    with pytest.raises(FoodSafetyError) as info:
        ledger.cadre("nobody")
    assert info.value.code == "ledger.not_found"


def test_from_frames_fills_missing_tables_and_accepts_pandas(ledger: Ledger) -> None:
    only = Ledger.from_frames(cadres=ledger.to_pandas("cadres"))
    assert only.cadres.equals(ledger.cadres)
    assert only.counts()["businesses"] == 0
    full = Ledger.from_frames(**{t: ledger.to_pandas(t) for t in TABLES})
    assert full == ledger


def test_from_frames_reorders_columns_and_casts_null_columns(ledger: Ledger) -> None:
    frame = ledger.cadres.select(reversed(ledger.cadres.columns)).with_columns(
        pl.lit(None).alias("unit")
    )
    out = Ledger.from_frames(cadres=frame).cadres
    assert out.columns == list(TABLES["cadres"])
    assert out.schema["unit"] == pl.Utf8


@pytest.mark.parametrize(
    ("change", "code", "column"),
    [
        (lambda f: f.drop("name"), "ledger.columns", "name"),
        (lambda f: f.with_columns(pl.lit(1).alias("extra")), "ledger.columns", "extra"),
        (lambda f: f.with_columns(pl.col("opened").cast(pl.Utf8)), "ledger.dtype", "opened"),
    ],
)
def test_from_frames_rejects_wrong_shapes(
    ledger: Ledger, change: Any, code: str, column: str
) -> None:
    with pytest.raises(FoodSafetyError) as info:
        Ledger.from_frames(businesses=change(ledger.businesses))
    assert info.value.code == code
    assert info.value.field == "businesses"
    assert info.value.column == column


def test_from_frames_rejects_other_objects() -> None:
    with pytest.raises(FoodSafetyError) as info:
        Ledger.from_frames(visits=[1, 2])
    assert info.value.code == "ledger.frame_type"


def test_from_records_rejects_foreign_objects(ledger: Ledger) -> None:
    with pytest.raises(FoodSafetyError) as info:
        Ledger.from_records(["not a record"])  # type: ignore[list-item]
    assert info.value.code == "ledger.record_type"
    with pytest.raises(FoodSafetyError):
        Ledger.from_records(cadres=list(ledger.to_records("businesses")))
    with pytest.raises(FoodSafetyError):
        Ledger.from_records(nonsense=[])
    with pytest.raises(FoodSafetyError):
        ledger.to_polars("nonsense")


def test_to_records_locates_rows_that_break_record_rules(ledger: Ledger) -> None:
    bad = ledger.assignments.with_columns(
        pl.when(pl.col("assignment_id") == "A3")
        .then(pl.lit(dt.date(2021, 1, 1)))
        .otherwise(pl.col("valid_to"))
        .alias("valid_to")
    )
    led = Ledger.from_frames(assignments=bad)
    with pytest.raises(FoodSafetyError) as info:
        list(led.to_records("assignments"))
    assert (info.value.row, info.value.code) == (3, "date.reversed")
    report = led.validate(as_of=dt.date(2026, 1, 1))
    assert [(p.row, p.code) for p in report if p.code == "date.reversed"] == [(3, "date.reversed")]


def test_validate_a_clean_ledger(ledger: Ledger) -> None:
    assert not ledger.validate(as_of=dt.date(2026, 1, 1))
    early = ledger.validate(as_of=dt.date(2022, 12, 15))
    assert [(p.source, p.row, p.column, p.code) for p in early] == [
        ("ledger.visits", 2, "date", "date.future")  # V2, the follow-up of 20 December
    ]


def test_to_pandas_keeps_dates_and_lists(ledger: Ledger) -> None:
    df = ledger.to_pandas("businesses")
    assert df.loc[0, "opened"] == dt.date(2018, 3, 1)
    assert list(df.loc[0, "officers"]) == ["李四", "钱七"]


@pytest.mark.parametrize(
    ("code", "prefix"),
    [
        ("410000", "41"),
        ("410500", "4105"),
        ("410522", "410522"),
        ("410522102", "410522102"),
        ("410522102000", "410522102"),
        ("410502001201", "410502001201"),
    ],
)
def test_division_prefix(code: str, prefix: str) -> None:
    assert division_prefix(code) == prefix


def test_division_prefix_rejects_junk() -> None:
    with pytest.raises(IdentifierError):
        division_prefix("41x")


def test_filter_jurisdiction_keeps_what_belongs_and_what_it_names(ledger: Ledger) -> None:
    county = ledger.filter_jurisdiction("410522")  # 安阳县: business 1, paired by a city cadre
    assert county.businesses["uscc"].to_list() == [uscc(1)]
    assert county.cadres["cadre_id"].to_list() == ["C001"]  # the city cadre who pairs it
    assert county.counts()["visits"] == 2 and county.counts()["routines"] == 3
    assert county.pledges["cadre_id"].to_list() == ["C001", "C001"]
    assert not county.validate(as_of=dt.date(2026, 1, 1))  # nothing dangles
    city = ledger.filter_jurisdiction("410500")
    assert city == ledger
    linzhou = ledger.filter_jurisdiction("410581")
    assert linzhou.counts() == {
        "businesses": 1,
        "cadres": 1,
        "assignments": 1,
        "pledges": 0,
        "visits": 0,
        "routines": 0,
    }
    assert ledger.filter_jurisdiction("110000").counts()["businesses"] == 0


def test_concat_and_add(ledger: Ledger) -> None:
    parts = [ledger.filter_jurisdiction(c) for c in ("410502", "410581")]
    both = Ledger.concat(parts)
    assert both.counts()["businesses"] == 2
    assert parts[0] + parts[1] == both
    assert Ledger.concat(parts[0], parts[1]) == both
    assert Ledger.concat([]) == Ledger.empty()
    with pytest.raises(BulkValidationError) as info:
        Ledger.concat([ledger, ledger])
    counts = info.value.report.counts()
    assert counts == {"key.duplicate": sum(ledger.counts().values())}
    unchecked = Ledger.concat([ledger, ledger], check_keys=False)
    assert unchecked.counts()["businesses"] == 6


def test_keys_cover_every_table() -> None:
    assert set(KEYS) == set(TABLES)


def test_equality_is_per_table(ledger: Ledger) -> None:
    other = Ledger.from_frames(**{**ledger.tables, "visits": ledger.visits.head(1)})
    assert other != ledger
    assert ledger != "ledger"


def test_importing_the_records_and_ledger_does_not_import_polars() -> None:
    code = (
        "import sys, foodsafety, foodsafety.models.business, foodsafety.models.visit, "
        "foodsafety.models.routine, foodsafety.models.pairing, foodsafety.models.cadre, "
        "foodsafety.ledger; "
        "print(sorted(m for m in ('polars', 'pandas', 'pyarrow') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
