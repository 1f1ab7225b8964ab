"""Partitioned ledgers on disk: layout, round trip, lazy scans, and what open_dataset refuses."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import polars as pl
import pytest

from foodsafety.errors import LoadError
from foodsafety.ledger import Ledger
from foodsafety.ledger.dataset import (
    MANIFEST,
    dataset_writer,
    open_dataset,
    partition_of,
    write_dataset,
)
from foodsafety.samples import province, sample_dataset


@functools.cache
def _ledger() -> Ledger:
    ledger: Ledger = province(seed=2, code="640000", n_businesses=600, n_cadres=180).ledger()
    return ledger


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns, nulls_last=True)


@pytest.mark.parametrize(
    ("code", "levels", "expected"),
    [
        ("640104001", ("city",), "city=640100"),
        ("640104001201", ("province", "city"), "province=640000/city=640100"),
        ("640000", ("city",), "city=640000"),  # a province cadre keeps its own area
        ("419001", ("city",), "city=419000"),  # a county directly under the province
        (None, ("city",), "_"),
    ],
)
def test_partition_of(code: str | None, levels: tuple[str, ...], expected: str) -> None:
    assert partition_of(code, levels) == expected


def test_round_trip_and_layout(tmp_path: Path) -> None:
    ledger = _ledger()
    ds = write_dataset(ledger, tmp_path / "d", partition_by="city")
    assert ds.counts() == ledger.counts()
    back = ds.ledger()
    for table in Ledger.TABLES:
        assert _sorted(back.tables[table]).equals(_sorted(ledger.tables[table])), table
    # every business's records sit in its partition
    for part in ds.partitions:
        held = set(ds.read("businesses", part, ["uscc"])["uscc"].to_list())
        for table in ("assignments", "visits", "routines"):
            assert set(ds.read(table, part, ["uscc"])["uscc"].to_list()) <= held, (part, table)
    # one partition as a ledger: its businesses are exactly those of that city
    part = ds.partitions[0]
    city = part.split("=")[1][:4]
    assert set(ds.ledger(part).businesses["uscc"]) == set(
        ledger.businesses.filter(pl.col("jurisdiction").str.starts_with(city))["uscc"]
    )


def test_scan_is_lazy_and_prunes_by_partition(tmp_path: Path) -> None:
    ledger = _ledger()
    ds = write_dataset(ledger, tmp_path / "d", partition_by=("province", "city"))
    lazy = ds.scan("businesses", ["uscc", "jurisdiction"])
    assert isinstance(lazy, pl.LazyFrame)
    assert lazy.collect_schema().names() == ["uscc", "jurisdiction", "province", "city"]
    one = lazy.filter(pl.col("city") == "640100").collect()
    assert (
        one.height
        == ledger.businesses.filter(pl.col("jurisdiction").str.starts_with("6401")).height
    )
    assert set(one["province"]) == {"640000"}
    assert ds.scan("routines").select(pl.len()).collect().item() == ledger.routines.height


def test_refuses_a_non_empty_folder_unless_overwriting_a_dataset(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "notes.txt").write_text("mine")
    with pytest.raises(LoadError) as err:
        write_dataset(_ledger(), tmp_path / "x")
    assert err.value.code == "write.exists"
    with pytest.raises(LoadError):
        write_dataset(_ledger(), tmp_path / "x", overwrite=True)  # not a dataset: kept
    assert (tmp_path / "x" / "notes.txt").read_text() == "mine"
    write_dataset(_ledger(), tmp_path / "d", partition_by="province")
    again = write_dataset(_ledger(), tmp_path / "d", partition_by="city", overwrite=True)
    assert again.partition_by == ("city",)
    assert not list((tmp_path / "d" / "businesses").glob("province=*"))


@pytest.mark.parametrize("levels", [("county",), ("city", "province"), ()])
def test_bad_partition_levels(tmp_path: Path, levels: tuple[str, ...]) -> None:
    with pytest.raises(LoadError) as err:
        write_dataset(_ledger(), tmp_path / "d", partition_by=levels)
    assert err.value.code == "dataset.partition_by"


def test_an_interrupted_write_leaves_no_dataset(tmp_path: Path) -> None:
    def killed() -> None:
        with dataset_writer(tmp_path / "d", "city") as w:
            w.write(_ledger())
            raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        killed()
    assert list((tmp_path / "d" / "businesses").glob("city=*/part-0.parquet"))
    with pytest.raises(LoadError) as err:
        open_dataset(tmp_path / "d")
    assert err.value.code == "dataset.manifest"


def test_open_reports_every_bad_file(tmp_path: Path) -> None:
    ds = write_dataset(_ledger(), tmp_path / "d", partition_by="city")
    p0, p1 = ds.partitions[:2]
    bad = ds.files("businesses", p0)[0]
    pl.read_parquet(bad).with_columns(pl.col("tier").cast(pl.Categorical)).write_parquet(bad)
    for f in ds.files("visits", p1):
        f.unlink()
    with pytest.raises(LoadError) as err:
        open_dataset(tmp_path / "d")
    text = str(err.value)
    assert err.value.code == "dataset.schema" and err.value.column == "tier"
    assert "2 problems" in text and f"visits/{p1}: no Parquet file" in text
    assert str(bad) in text


def test_a_manifest_of_another_format_is_refused(tmp_path: Path) -> None:
    write_dataset(_ledger(), tmp_path / "d")
    manifest = tmp_path / "d" / MANIFEST
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**data, "format": 99}))
    with pytest.raises(LoadError, match="format 99"):
        open_dataset(tmp_path / "d")
    manifest.write_text("{not json")
    with pytest.raises(LoadError) as err:
        open_dataset(tmp_path / "d")
    assert err.value.code == "dataset.manifest"


def test_sample_dataset_streams_partitions_with_unique_keys(tmp_path: Path) -> None:
    sd = sample_dataset(
        tmp_path / "n",
        codes=["640000", "460000"],
        n_businesses=4000,
        n_cadres=1200,
        partition_by="province",
    )
    ds = sd.dataset
    assert ds.partitions == ("province=460000", "province=640000")
    assert ds.counts()["businesses"] == 4000 and ds.counts()["cadres"] == 1200
    # shares by townships: Hainan has fewer townships than Ningxia
    sizes = {p: n for p, n, _ in sd.partitions}
    assert sizes["province=460000"] < sizes["province=640000"]
    for table, key in (("businesses", "uscc"), ("cadres", "cadre_id"), ("visits", "visit_id")):
        keys = ds.scan(table, [key]).collect()[key]
        assert keys.n_unique() == keys.len(), table
    faults = sd.faults()
    assert faults["unpaired"] and all(isinstance(k, str) for k in faults["unpaired"])
