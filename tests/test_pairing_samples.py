"""The synthetic Anyang sample: published size and mix, real codes, valid USCCs, determinism."""

from __future__ import annotations

import polars as pl
import pytest
from stdnum.cn import uscc as stdnum_uscc

from foodsafety.ledger.schema import polars_schema
from foodsafety.registry import registry
from foodsafety.samples import FaultRates, anyang

ANYANG_COUNTIES = {
    "410502", "410503", "410505", "410506", "410522", "410523", "410526", "410527", "410581"
}  # fmt: skip


@pytest.fixture(scope="module")
def sample():  # type: ignore[no-untyped-def]
    return anyang(seed=0)


def test_published_size_and_mix_of_seed_004(sample) -> None:  # type: ignore[no-untyped-def]
    b = sample.businesses
    assert b.height == 16316
    kinds = dict(b.group_by("kind").len().iter_rows())
    assert kinds == {"catering": 6234, "operation": 9714, "production": 368}
    c = sample.cadres
    assert c.height == 4806
    assert set(c["level"]) == {"city", "county", "township", "village"}


def test_tables_follow_the_ledger_schema(sample) -> None:  # type: ignore[no-untyped-def]
    for name, frame in sample.tables.items():
        assert dict(frame.schema) == polars_schema(name), name


def test_every_uscc_is_valid_and_unique(sample) -> None:  # type: ignore[no-untyped-def]
    codes = sample.businesses["uscc"].to_list()
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert stdnum_uscc.calc_check_digit(code[:-1]) == code[-1]
    assert all(code[2:8] in ANYANG_COUNTIES for code in codes)


def test_codes_are_anyangs_real_divisions_and_villages_are_marked_synthetic(sample) -> None:  # type: ignore[no-untyped-def]
    reg = registry()
    real_townships = {d.code for c in ANYANG_COUNTIES for d in reg.children(c)}
    places = set(sample.businesses["jurisdiction"]) | set(sample.cadres["jurisdiction"])
    for code in places:
        if len(code) == 12:
            assert code[:9] in real_townships
            assert int(code[9:]) >= 501  # synthetic village suffixes
        elif len(code) == 9:
            assert code in real_townships
        else:
            assert code == "410500" or code in ANYANG_COUNTIES
    towns = {c[:9] for c in sample.businesses["jurisdiction"]}
    assert towns <= real_townships
    assert len(towns) == len(real_townships)  # every real township is used


def test_everything_is_labelled_synthetic(sample) -> None:  # type: ignore[no-untyped-def]
    assert sample.synthetic is True
    assert "synthetic" in sample.description
    assert sample.businesses["name"].str.starts_with("合成样本企业").all()
    assert sample.cadres["name"].str.starts_with("合成样本干部").all()
    assert sample.cadres["cadre_id"].str.starts_with("SYN-").all()
    assert sample.visits["visit_id"].str.starts_with("SYN-").all()


def test_same_seed_same_sample_other_seed_other_sample() -> None:
    a = anyang(seed=9, scale=0.05)
    b = anyang(seed=9, scale=0.05)
    c = anyang(seed=10, scale=0.05)
    for name in a.tables:
        assert a.tables[name].equals(b.tables[name]), name
    assert a.faults == b.faults
    assert not a.businesses.equals(c.businesses)


def test_clean_sample_has_no_faults_and_loads_within_caps() -> None:
    s = anyang(seed=2, scale=0.2, faults=FaultRates.none())
    assert not any(s.faults.values())
    caps = {lv.code: cap for lv, cap in s.policy.load_cap.items()}
    loads = (
        s.assignments.filter(pl.col("valid_to").is_null())
        .group_by("cadre_id")
        .len()
        .join(s.cadres.select("cadre_id", "level"), on="cadre_id")
    )
    for level, cap in caps.items():
        assert loads.filter(pl.col("level") == level)["len"].max() <= cap  # type: ignore[operator]


def test_sample_passes_the_ledger_loader_checks(sample, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from foodsafety.ledger import load_ledger, write_parquet

    write_parquet(sample.ledger(), tmp_path / "pq")
    ledger, report = load_ledger(tmp_path / "pq", as_of=sample.as_of)
    assert len(report) == 0, report.summary()
    assert ledger.businesses.height == 16316


def test_a_province_sample_passes_the_ledger_loader_checks() -> None:
    # Henan holds 济源 (419001), a county directly under the province that answers to it as
    # a city does: the generator gives it city-level cadres, and the loader must accept them
    # (the 1,000,000-business bench province was rejecting 30 cadres and 687 rows naming them)
    from foodsafety.ledger._validate import validate_tables
    from foodsafety.samples import province

    sample = province(seed=1, n_businesses=30_000, n_cadres=9_000)
    cadres = sample.tables["cadres"]
    in_jiyuan = cadres.filter(pl.col("jurisdiction") == "419001")
    assert "city" in in_jiyuan["level"].to_list()
    _, report = validate_tables(sample.tables, as_of=sample.as_of)
    assert len(report) == 0, report.summary()
