"""The polars 2.1 panic of issue 20, and what a panic inside a check becomes.

``tests/data/polars_panic_businesses.parquet`` holds 2,000 synthetic businesses (USCC, name,
officers) from the benchmark's township subsample. Split into four chunks as a Parquet scan
gives them, the old engine's ``officer_missing`` step (``with_row_index``, a boolean filter,
then ``pl.format`` over the name and USCC) panicked in polars 2.1.0 with ``assertion failed:
i < self.len()`` (polars-arrow ``array/binview/mod.rs``): a gather from string views split
over chunks. The checks rechunk the few rows they format; this test holds the fix at the
smallest size found to reproduce the panic (500-row chunks; 250-row chunks or fewer rows did
not).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs
import polars as pl
import pytest

from foodsafety.engines.audit import (
    AuditContext,
    FindingKind,
    _check,
    audit,
    audit_check,
    unregister_check,
)
from foodsafety.errors import AuditError, FoodSafetyError
from foodsafety.rules import PairingPolicy
from foodsafety.vocab import Severity

FIXTURE = Path(__file__).parent / "data" / "polars_panic_businesses.parquet"
POLICY = PairingPolicy.model_validate(
    {
        "name": "staffing_only",
        "description": "officers required",
        "effective": "2022-01-01",
        "tier_levels": {"C": "township"},
        "staffing": {"min_officers": 1},
    }
)


def _chunked() -> pl.DataFrame:
    src = pl.read_parquet(FIXTURE)
    return pl.concat([src.slice(i * 500, 500) for i in range(4)], rechunk=False).with_columns(
        kind=pl.lit("operation"), jurisdiction=pl.lit("410522100"), tier=pl.lit("C")
    )


@pytest.mark.parametrize("parallel", [True, False])
def test_officer_check_on_the_frames_that_made_polars_panic(parallel: bool) -> None:
    businesses = _chunked()
    assert businesses.n_chunks() == 4
    expected = {
        row["uscc"]
        for row in businesses.iter_rows(named=True)
        if not [o for o in (row["officers"] or []) if o.strip()]
    }
    assert expected  # the fixture has businesses without officers
    for _ in range(5):  # the panic was intermittent elsewhere; here it came every time
        result = audit({"businesses": businesses}, POLICY, dt.date(2023, 1, 1), parallel=parallel)
        assert result.keys("officer_missing") == expected


def test_a_panic_in_a_shipped_check_is_an_audit_error_naming_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def panics(ctx: AuditContext, params: Any) -> pl.DataFrame:
        raise pl.exceptions.PanicException("assertion failed: i < self.len()")

    check = _check._REGISTRY["officer_missing"]
    monkeypatch.setitem(_check._REGISTRY, "officer_missing", attrs.evolve(check, function=panics))
    with pytest.raises(AuditError, match="'officer_missing' failed inside polars") as err:
        audit({"businesses": _chunked()}, POLICY, dt.date(2023, 1, 1))
    assert isinstance(err.value, FoodSafetyError)
    assert err.value.field == "officer_missing"


def test_a_panic_in_a_user_check_is_a_reported_failure() -> None:
    @audit_check("panicky", kinds={"panicky": FindingKind(Severity.MINOR, "崩溃", "panicky")})
    def panicky(ctx: AuditContext, params: Any) -> pl.DataFrame:
        raise pl.exceptions.PanicException("boom")

    try:
        policy = POLICY.model_copy(update={"checks": type(POLICY.checks)(panicky=True)})
        with pytest.warns(UserWarning, match="panicky"):
            result = audit({"businesses": _chunked()}, policy, dt.date(2023, 1, 1))
        assert [(f.check, f.error) for f in result.failures] == [("panicky", "PanicException")]
        assert result.counts()["officer_missing"] > 0
    finally:
        unregister_check("panicky")
