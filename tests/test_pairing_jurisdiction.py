"""The audit's jurisdiction check compares codes at the coarser of their two levels.

Real county ledgers code places as coarsely as they know them: village cadres under their
township's 9-digit code (the village only named), businesses at township or village. A cadre
pairs a business outside its jurisdiction only when the two codes disagree at the level both
of them have.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foodsafety.engines.audit import audit
from foodsafety.ids import DivisionCode
from foodsafety.rules import PairingPolicy
from foodsafety.samples import Sample, anyang
from pairing_data import uscc

AS_OF = dt.date(2023, 1, 1)
POLICY = PairingPolicy(
    name="jurisdiction_only",
    description="tiers to levels, nothing else",
    effective=dt.date(2022, 1, 1),
    tier_levels={"A": "city", "B": "county", "C": "township", "D": "village"},
)


def _outside(cadre_level: str, cadre_code: str, business_code: str) -> bool:
    tables = {
        "businesses": pl.DataFrame(
            {
                "uscc": [uscc(1)],
                "name": ["某食品店"],
                "kind": ["operation"],
                "jurisdiction": [business_code],
                "principal": ["张三"],
            }
        ),
        "cadres": pl.DataFrame(
            {
                "cadre_id": ["C1"],
                "name": ["李四"],
                "level": [cadre_level],
                "jurisdiction": [cadre_code],
            }
        ),
        "assignments": pl.DataFrame(
            {
                "assignment_id": ["A1"],
                "cadre_id": ["C1"],
                "uscc": [uscc(1)],
                "valid_from": [dt.date(2022, 1, 1)],
            }
        ),
    }
    result = audit(tables, POLICY, AS_OF)
    return result.keys("cadre_outside_jurisdiction") == {"A1"}


@pytest.mark.parametrize(
    ("level", "cadre", "business", "outside"),
    [
        # a village cadre registered under the township pairs that township's villages
        ("village", "110105001", "110105001201", False),
        ("village", "110105001", "110105001", False),
        ("village", "110105002", "110105001201", True),
        ("village", "110105002", "110105001", True),
        # a village cadre with a village code and a business known by its township only
        ("village", "410522100201", "410522100", False),
        ("village", "410522100201", "410522101", True),
        ("village", "410522100201", "410522100201", False),
        ("village", "410522100201", "410522100202", True),
        # counties, townships and cities above their businesses
        ("county", "410522", "410522100", False),
        ("county", "410522", "410522100201", False),
        ("county", "410522", "410523100", True),
        ("township", "410522100", "410522100201", False),
        ("township", "410522100", "410522101201", True),
        ("city", "410500", "410522100201", False),
        ("city", "410500", "410622100", True),
        # 济源 419001, a county directly under Henan, paired at city level
        ("city", "419001", "419001001", False),
        ("city", "419001", "419001001201", False),
        ("city", "419001", "419002001", True),
        # a municipality's district (city part a placeholder)
        ("county", "110105", "110105001201", False),
        ("county", "110105", "110106001", True),
    ],
)
def test_codes_are_compared_at_the_coarser_level(
    level: str, cadre: str, business: str, outside: bool
) -> None:
    assert _outside(level, cadre, business) is outside


_CACHE: dict[str, Sample] = {}


def _sample() -> Sample:
    if "s" not in _CACHE:
        _CACHE["s"] = anyang(seed=5, scale=0.05, routine_share=0.0)
    return _CACHE["s"]


def _coarsened(frame: pl.DataFrame, seed: int, share: float) -> pl.DataFrame:
    """Some 12-digit codes replaced by their township's 9 digits (a village left unnamed)."""
    pick = pl.int_range(pl.len()).shuffle(seed=seed) < int(share * frame.height)
    return frame.with_columns(
        pl.when(pick & (pl.col("jurisdiction").str.len_chars() == 12))
        .then(pl.col("jurisdiction").str.slice(0, 9))
        .otherwise(pl.col("jurisdiction"))
        .alias("jurisdiction")
    )


def _outside_keys(sample: Sample, tables: dict[str, pl.DataFrame]) -> frozenset[str]:
    return audit(tables, sample.policy, sample.as_of).keys("cadre_outside_jurisdiction")


def test_the_sample_finds_its_injected_jurisdiction_faults() -> None:
    sample = _sample()
    assert sample.faults["cadre_outside_jurisdiction"]
    assert _outside_keys(sample, sample.tables) == sample.faults["cadre_outside_jurisdiction"]


@settings(max_examples=8, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    cadres=st.sampled_from([0.0, 0.5, 1.0]),
    businesses=st.sampled_from([0.0, 0.5, 1.0]),
)
def test_coarsening_a_code_never_creates_a_finding(
    seed: int, cadres: float, businesses: float
) -> None:
    # a code that agreed with the other at the level both had still agrees when one of them
    # is known less precisely; the faults injected (another county) are still found
    sample = _sample()
    tables = dict(sample.tables)
    tables["cadres"] = _coarsened(sample.cadres, seed, cadres)
    tables["businesses"] = _coarsened(sample.businesses, seed + 1, businesses)
    assert _outside_keys(sample, tables) == sample.faults["cadre_outside_jurisdiction"]


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), share=st.sampled_from([0.3, 1.0]))
def test_refining_a_code_below_the_other_codes_level_changes_no_verdict(
    seed: int, share: float
) -> None:
    # every cadre at township level or above: refining a business's township code to any of
    # its villages keeps the digits both codes have, so no finding appears or goes
    sample = _sample()
    tables = dict(sample.tables)
    tables["cadres"] = _coarsened(sample.cadres, seed, 1.0)
    before = _outside_keys(sample, tables)
    b = _coarsened(sample.businesses, seed, 1.0)
    pick = pl.int_range(pl.len()).shuffle(seed=seed + 2) < int(share * b.height)
    suffix = (pl.int_range(pl.len()) % 499 + 201).cast(pl.Utf8)
    tables["businesses"] = b.with_columns(
        pl.when(pick)
        .then(pl.col("jurisdiction") + suffix)
        .otherwise(pl.col("jurisdiction"))
        .alias("jurisdiction")
    )
    assert before == sample.faults["cadre_outside_jurisdiction"]
    assert _outside_keys(sample, tables) == before


@settings(max_examples=60, deadline=None)
@given(
    one=st.sampled_from(["410000", "410500", "410522", "410522100", "419001", "110105"]),
    other=st.sampled_from(
        ["410522100201", "410522101", "410523100", "419001001", "110105001201", "410500"]
    ),
    cut=st.sampled_from([6, 9, 12]),
)
def test_the_check_agrees_with_ancestor_or_self_in_either_direction(
    one: str, other: str, cut: int
) -> None:
    # the rule in words: neither code is an ancestor-or-self of the other
    a = DivisionCode(one)
    b = DivisionCode(other[:cut] if len(other) >= cut else other)
    related = a == b or a.is_ancestor_of(b) or b.is_ancestor_of(a)
    if b.level.code not in ("township", "village"):
        return  # a business lies in a township or a village
    assert _outside(a.level.code, str(a), str(b)) is not related
