"""audit_dataset: the same result as auditing the whole ledger, partition by partition.

The property test takes small synthetic provinces (Ningxia, five cities, and Hainan, whose
counties act as cities) and bends them so that responsibility crosses partitions: cadres of
one city paired with businesses of others (their load counted across cities, some above the
cap only in total), province-level cadres paired across the province, with and without
pledges. Written as a dataset by city (or by province and city), the dataset audit must give
exactly the findings, coverage and checks of the in-memory audit.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foodsafety.engines.audit import AuditResult, audit, audit_dataset
from foodsafety.errors import BulkValidationError, LoadError
from foodsafety.ledger import Ledger
from foodsafety.ledger.dataset import MANIFEST, dataset_writer, write_dataset
from foodsafety.presets import pairing_policy
from foodsafety.rules.pairing_policy import PairingPolicy
from foodsafety.samples import province, sample_dataset


@functools.cache
def _base(code: str, seed: int) -> Ledger:
    sample = province(seed=seed, code=code, n_businesses=700, n_cadres=200)
    ledger: Ledger = sample.ledger()
    return ledger


AS_OF = dt.date(2023, 1, 1)


def _policy() -> PairingPolicy:
    return pairing_policy("anyang_2022")


def _same(whole: AuditResult, part: AuditResult) -> None:
    cols = whole.frame.columns
    assert part.frame.columns == cols
    a, b = whole.frame.sort(cols, nulls_last=True), part.frame.sort(cols, nulls_last=True)
    assert a.equals(b), (whole.counts(), part.counts())
    # the findings come sorted by kind and key, as audit() sorts them
    assert part.frame.select("kind", "key").equals(
        part.frame.select("kind", "key").sort("kind", "key")
    )
    assert whole.coverage.sort("uscc").equals(part.coverage.sort("uscc"))
    assert part.checks == whole.checks
    assert part.failures == whole.failures


def _with_rows(frame: pl.DataFrame, rows: list[dict[str, object]]) -> pl.DataFrame:
    """``frame`` with ``rows`` added (columns they leave out are null)."""
    if not rows:
        return frame
    added = pl.DataFrame(rows).select(pl.col(k).cast(frame.schema[k]) for k in rows[0])
    return pl.concat([frame, added], how="diagonal")


@st.composite
def crossed_ledgers(draw: st.DrawFn) -> Ledger:
    """A small province whose pairing crosses city lines in the ways national data does."""
    code = draw(st.sampled_from(["640000", "460000"]))
    base = _base(code, draw(st.integers(0, 1)))
    b, c, a = base.businesses, base.cadres, base.assignments
    p = base.pledges
    n_a = a.height
    ids = a["cadre_id"].to_list()
    city_cadres = c.filter(pl.col("level") == "city")["cadre_id"].to_list()
    # cadres of one city paired with businesses anywhere (loads summed across partitions)
    for _ in range(draw(st.integers(0, 3))):
        cadre = draw(st.sampled_from(city_cadres))
        rows = draw(st.lists(st.integers(0, n_a - 1), max_size=14, unique=True))
        for r in rows:
            ids[r] = cadre
    # province cadres, paired across the province; some signed their pledge
    extra_cadres, extra_pledges = [], []
    for k in range(draw(st.integers(0, 2))):
        cid = f"SYN-P{k}"
        extra_cadres.append(
            {
                "cadre_id": cid,
                "level": "province",
                "jurisdiction": code,
                "active_from": dt.date(2021, 1, 1),
            }
        )
        for r in draw(st.lists(st.integers(0, n_a - 1), max_size=12, unique=True)):
            ids[r] = cid
        if draw(st.booleans()):
            extra_pledges.append(
                {"cadre_id": cid, "document": "pledge", "signed": dt.date(2022, 12, 1)}
            )
    a = a.with_columns(pl.Series("cadre_id", ids, dtype=pl.Utf8))
    c, p = _with_rows(c, extra_cadres), _with_rows(p, extra_pledges)
    return Ledger.from_frames(
        businesses=b, cadres=c, assignments=a, pledges=p, visits=base.visits, routines=base.routines
    )


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(ledger=crossed_ledgers(), nested=st.booleans())
def test_dataset_audit_equals_the_whole_ledger_audit(
    tmp_path_factory: pytest.TempPathFactory, ledger: Ledger, nested: bool
) -> None:
    policy = _policy()
    folder = tmp_path_factory.mktemp("ds")
    levels = ("province", "city") if nested else ("city",)
    dataset = write_dataset(ledger, folder / "d", partition_by=levels)
    assert len(dataset.partitions) > 1
    whole = audit(ledger, policy, AS_OF)
    _same(whole, audit_dataset(dataset, policy, AS_OF))


def test_cross_city_load_is_counted_over_every_partition(tmp_path: Path) -> None:
    """A city cadre with 6 businesses in its city and 6 in another: 12 > cap 10 in total only."""
    base = _base("640000", 0)
    b, a, c = base.businesses, base.assignments, base.cadres
    city_of = b.select("uscc", pl.col("jurisdiction").str.slice(0, 4).alias("city"))
    a = a.join(city_of, on="uscc", how="left", maintain_order="left")
    cadre = c.filter(pl.col("level") == "city").row(0, named=True)
    home, away = cadre["jurisdiction"][:4], None
    cities = a["city"].unique().sort().to_list()
    away = next(x for x in cities if x != home)
    pick = pl.concat(
        [
            a.with_row_index("r")
            .filter((pl.col("city") == home) & pl.col("valid_to").is_null())
            .head(6)["r"],
            a.with_row_index("r")
            .filter((pl.col("city") == away) & pl.col("valid_to").is_null())
            .head(6)["r"],
        ]
    )
    ids = a["cadre_id"].to_list()
    for r in pick.to_list():
        ids[r] = cadre["cadre_id"]
    ids_series = pl.Series("cadre_id", ids)
    a = a.drop("city").with_columns(ids_series)
    ledger = Ledger.from_frames(**{**base.tables, "assignments": a})
    policy = _policy()
    whole = audit(ledger, policy, AS_OF)
    part = audit_dataset(write_dataset(ledger, tmp_path / "d", ("city",)), policy, AS_OF)
    assert cadre["cadre_id"] in part.keys("cadre_overloaded")
    _same(whole, part)


def test_process_pool_and_threads_give_the_same_result(tmp_path: Path) -> None:
    sample = sample_dataset(
        tmp_path / "n",
        codes=["640000", "630000"],
        n_businesses=3000,
        n_cadres=900,
        partition_by="city",
    )
    ref = audit_dataset(sample.dataset, sample.policy, sample.as_of)
    assert {k: ref.keys(k) for k in sample.faults()} == sample.faults()
    # spawn, not fork: a forked child of a process whose polars pool is running can hang
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        _same(ref, audit_dataset(sample.dataset, sample.policy, sample.as_of, executor=pool))
    with ThreadPoolExecutor(2) as pool:
        _same(
            ref,
            audit_dataset(
                sample.dataset.path, sample.policy, sample.as_of, executor=pool, parallel=True
            ),
        )


def test_dask_cluster_runs_the_partitions(tmp_path: Path) -> None:
    import distributed

    sample = sample_dataset(
        tmp_path / "n", codes=["640000"], n_businesses=1500, n_cadres=400, partition_by="city"
    )
    ref = audit_dataset(sample.dataset, sample.policy, sample.as_of)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        _same(
            ref,
            audit_dataset(
                sample.dataset, sample.policy, sample.as_of, executor=client.get_executor()
            ),
        )


def _moved(frame: pl.DataFrame, rows: int, to: str) -> pl.DataFrame:
    """The first ``rows`` rows again, recorded in the area ``to`` (a data error: moved)."""
    return pl.concat([frame, frame.head(rows).with_columns(pl.lit(to).alias("jurisdiction"))])


def test_a_key_in_two_partitions_is_reported_with_both(tmp_path: Path) -> None:
    base = _base("640000", 1)
    b = base.businesses.filter(pl.col("jurisdiction").str.starts_with("6401"))
    c = base.cadres.filter(pl.col("jurisdiction").str.starts_with("6401"))
    twice = Ledger.from_frames(businesses=_moved(b, 1, "640302001"), cadres=_moved(c, 2, "640302"))
    write_dataset(twice, tmp_path / "d", "city")
    with pytest.raises(BulkValidationError) as err:
        audit_dataset(tmp_path / "d", _policy(), AS_OF)
    problems = list(err.value.report)
    assert sorted(p.value for p in problems) == sorted([b["uscc"][0], *c["cadre_id"].head(2)])
    assert all(
        p.code == "key.duplicate" and "city=640100, city=640300" in p.message for p in problems
    )


def test_a_business_in_two_partitions_is_found_after_the_jobs(tmp_path: Path) -> None:
    base = _base("640000", 1)
    b = base.businesses.filter(pl.col("jurisdiction").str.starts_with("6401"))
    write_dataset(Ledger.from_frames(businesses=_moved(b, 3, "640302001")), tmp_path / "d", "city")
    with pytest.raises(BulkValidationError) as err:
        audit_dataset(tmp_path / "d", _policy(), AS_OF)
    assert sorted(p.value for p in err.value.report) == sorted(b.head(3)["uscc"].to_list())


def test_the_writer_refuses_rows_of_another_partition(tmp_path: Path) -> None:
    base = _base("640000", 1)
    in_1 = base.businesses.filter(pl.col("jurisdiction").str.starts_with("6401"))
    with pytest.raises(LoadError) as err, dataset_writer(tmp_path / "d", "city") as w:
        w.write(
            {"businesses": in_1, "assignments": base.assignments.head(5)}, partition="city=640300"
        )
    assert err.value.code == "dataset.layout"
    assert f"{in_1.height} businesses" in str(err.value) and "assignments" in str(err.value)


def test_assignments_moved_by_hand_are_refused_by_the_audit(tmp_path: Path) -> None:
    """A dataset edited by hand (files moved): the audit still sees stray assignments."""
    ledger = _base("640000", 1)
    ds = write_dataset(ledger, tmp_path / "d", "city")
    src, dst = ds.partitions[0], ds.partitions[1]
    moved = ds.files("assignments", src)[0]
    target = tmp_path / "d" / "assignments" / dst / "part-9.parquet"
    moved.rename(target)
    manifest = json.loads((tmp_path / "d" / MANIFEST).read_text())
    n = manifest["tables"]["assignments"].pop(src)
    manifest["tables"]["assignments"][dst] += n
    (tmp_path / "d" / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(LoadError) as err:
        audit_dataset(tmp_path / "d", _policy(), AS_OF)
    assert err.value.code == "dataset.layout" and f"{n} assignments" in str(err.value)


def test_a_user_check_of_cadre_scope_runs_once_on_summed_loads(tmp_path: Path) -> None:
    """A check registered with scope="cadres" sees every cadre and its load over the dataset."""
    from foodsafety.engines.audit import AuditContext, FindingKind, audit_check, unregister_check
    from foodsafety.vocab import Severity

    @audit_check(
        "busy_cadres",
        kinds={"busy_cadre": FindingKind(Severity.INFO, "包保较多", "busy cadre")},
        scope="cadres",
    )
    def busy(ctx: AuditContext, params: None) -> pl.DataFrame:
        load = pl.Series("load", ctx.cadre_loads())
        busy = ctx.cadres.select("cadre_id", "jurisdiction").filter(load >= 5)
        return busy.select(pl.col("cadre_id").alias("key"), "cadre_id", "jurisdiction")

    try:
        base = pairing_policy("anyang_2022").model_dump(mode="json")
        policy = PairingPolicy.model_validate({**base, "checks": {"busy_cadres": True}})
        ledger = _base("640000", 0)
        # a province cadre with 3 businesses in each of two cities: busy only in total
        a = ledger.assignments
        cities = ledger.businesses.select("uscc", pl.col("jurisdiction").str.slice(0, 4).alias("c"))
        current = a.join(cities, on="uscc").filter(pl.col("valid_to").is_null())
        picked = pl.concat([g.head(3) for _, g in current.group_by("c", maintain_order=True)][:2])
        ids = a.with_columns(
            pl.when(pl.col("assignment_id").is_in(picked["assignment_id"].implode()))
            .then(pl.lit("SYN-P9"))
            .otherwise(pl.col("cadre_id"))
            .alias("cadre_id")
        )
        p9 = ledger.cadres.head(1).with_columns(
            pl.lit("SYN-P9").alias("cadre_id"),
            pl.lit("province").alias("level"),
            pl.lit("640000").alias("jurisdiction"),
        )
        crossed = Ledger.from_frames(
            **{**ledger.tables, "assignments": ids, "cadres": pl.concat([ledger.cadres, p9])}
        )
        whole = audit(crossed, policy, AS_OF)
        part = audit_dataset(write_dataset(crossed, tmp_path / "d", "city"), policy, AS_OF)
        assert "SYN-P9" in part.keys("busy_cadre")
        _same(whole, part)
    finally:
        unregister_check("busy_cadres")


def test_an_empty_dataset_audits_as_an_empty_ledger(tmp_path: Path) -> None:
    ds = write_dataset(Ledger.empty(), tmp_path / "d", "city")
    assert ds.partitions == ()
    result = audit_dataset(ds, _policy(), AS_OF)
    _same(audit(Ledger.empty(), _policy(), AS_OF), result)
    assert len(result) == 0 and result.checks
