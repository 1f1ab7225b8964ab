"""Synthetic partitioned ledgers (合成分区台账): a province or the nation, one partition at a time.

:func:`sample_dataset` generates what :func:`~foodsafety.samples.province` generates, but
partition by partition into a :mod:`foodsafety.ledger.dataset` folder, so that a national
ledger (20 million businesses, 2.5 million cadres, a year of visits) is made in the memory of
one partition. Each partition is one generator run on its own territory (a city's, or a
province's townships), with its own share of the businesses and cadres (by number of
townships), ids tagged by the partition (``SYN4105-C0000001``) so that keys stay unique, and
its injected faults written beside the tables (``_sample/faults.parquet``): the audit of the
whole dataset must report exactly those.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from foodsafety._atomic import atomic_path, write_text
from foodsafety._memory import release_freed_heap
from foodsafety.errors import require
from foodsafety.ledger.dataset import Dataset, dataset_writer, open_dataset, partitions_of
from foodsafety.samples._pairing import (
    ANYANG_KINDS,
    FaultRates,
    _generate,
    _policy,
    _split,
    _Territory,
    _territory,
)

if TYPE_CHECKING:
    from foodsafety.rules.pairing_policy import PairingPolicy

__all__ = ["SampleDataset", "provinces", "sample_dataset", "sample_faults"]

_SAMPLE_DIR = "_sample"


def provinces() -> tuple[str, ...]:
    """The province-level codes whose townships the bundled registry holds (31 of them)."""
    from foodsafety.registry import registry

    reg = registry()
    found = []
    for i in range(10, 100):
        code = f"{i:02d}0000"
        if reg.find(code) is not None and any(True for _ in reg.children(code)):
            try:
                _territory(code)
            except ValueError:  # no townships (Hong Kong, Macao)
                continue
            found.append(code)
    return tuple(found)


@attrs.frozen(slots=True)
class SampleDataset:
    """A generated, synthetic partitioned ledger and the faults injected into it.

    Attributes:
        dataset: the dataset, opened.
        as_of, since: the audit date and window the sample is built for.
        policy: the pairing policy it follows.
        partitions: the partitions generated, in order, with their businesses and cadres.
    """

    dataset: Dataset
    as_of: dt.date
    since: dt.date
    policy: PairingPolicy
    partitions: tuple[tuple[str, int, int], ...]
    synthetic: bool = True

    def faults(self) -> dict[str, frozenset[str]]:
        """Finding kind → the finding keys the audit must report, exactly (read from disk)."""
        return sample_faults(self.dataset.path)


def sample_faults(path: str | os.PathLike[str]) -> dict[str, frozenset[str]]:
    """The faults :func:`sample_dataset` injected into the dataset at ``path``, by kind."""
    pl = require("polars", extra="data", feature="sample datasets")
    frame = pl.read_parquet(Path(path) / _SAMPLE_DIR / "faults.parquet")
    out: dict[str, frozenset[str]] = {}
    for (kind,), keys in frame.partition_by("kind", as_dict=True).items():
        out[str(kind)] = frozenset(keys["key"].to_list())
    return out


def _units(codes: Sequence[str], levels: tuple[str, ...]) -> list[tuple[str, _Territory]]:
    """Each partition's territory: the townships of ``codes`` grouped by partition."""
    pl = require("polars", extra="data", feature="sample datasets")
    groups: dict[str, _Territory] = {}
    for code in codes:
        t = _territory(code)
        parts = partitions_of(pl.Series(t.township, dtype=pl.Utf8), levels).to_list()
        for city, county, town, part in zip(t.city, t.county, t.township, parts, strict=True):
            g = groups.setdefault(part, _Territory([], [], []))
            g.city.append(city)
            g.county.append(county)
            g.township.append(town)
    return sorted(groups.items())


def sample_dataset(
    path: str | os.PathLike[str],
    *,
    codes: Sequence[str] | None = None,
    n_businesses: int = 1_000_000,
    n_cadres: int = 300_000,
    partition_by: str | Sequence[str] = ("province",),
    seed: int = 0,
    faults: FaultRates | None = None,
    policy: PairingPolicy | str | None = None,
    as_of: dt.date = dt.date(2023, 1, 1),
    routine_share: float = 0.01,
    overwrite: bool = False,
) -> SampleDataset:
    """Generate a synthetic ledger into a partitioned dataset, one partition at a time.

    Args:
        path: a new or empty folder (or a dataset, with ``overwrite``).
        codes: the provinces or cities to cover (default: every province, :func:`provinces`).
        n_businesses, n_cadres: the totals, shared among the partitions by their numbers of
            townships (Anyang's mix of business kinds, as in :func:`province`).
        partition_by: as for :func:`~foodsafety.ledger.dataset.write_dataset`.
        seed, faults, policy, as_of, routine_share: as for :func:`province`; partition *i*
            uses the seed ``seed * 1000 + i``.

    Memory is that of one partition (a province of the nation's 20 million businesses is
    about 1 million); the time is about that of :func:`province` for the same total.
    **Synthetic**: no row describes a real business or person.
    """
    from foodsafety.rules.pairing_policy import default_since

    pl = require("polars", extra="data", feature="sample datasets")
    pol = _policy(policy, "anyang_2022")
    rates = FaultRates() if faults is None else faults
    scope = tuple(codes) if codes is not None else provinces()
    with dataset_writer(path, partition_by, overwrite=overwrite) as writer:
        units = _units(scope, writer.levels)
        towns = [len(t.township) for _, t in units]
        total = sum(towns)
        b_split = _split(n_businesses, [n / total for n in towns])
        c_split = _split(n_cadres, [n / total for n in towns])
        kind_total = sum(ANYANG_KINDS.values())
        done: list[tuple[str, int, int]] = []
        found: list[Any] = []
        for i, ((part, territory), n_b, n_c) in enumerate(
            zip(units, b_split, c_split, strict=True)
        ):
            counts = _split(n_b, [v / kind_total for v in ANYANG_KINDS.values()])
            sample = _generate(
                name=f"sample_dataset({part}, seed={seed})",
                territory=territory,
                kinds=dict(zip(ANYANG_KINDS, counts, strict=True)),
                n_cadres=n_c,
                seed=seed * 1000 + i,
                faults=rates,
                policy=pol,
                as_of=as_of,
                since=default_since(as_of),
                routine_share=routine_share,
                description=f"合成样本（{part}）: synthetic partition",
                tag=part.split("=")[-1][:4],
            )
            writer.write(sample.tables, partition=part)
            found.append(
                pl.DataFrame(
                    [(k, key) for k, keys in sample.faults.items() for key in keys],
                    schema={"kind": pl.Utf8, "key": pl.Utf8},
                    orient="row",
                )
            )
            done.append((part, n_b, n_c))
            del sample
            release_freed_heap()
        meta = Path(writer.path) / _SAMPLE_DIR
        meta.mkdir(exist_ok=True)
        with atomic_path(meta / "faults.parquet") as tmp:
            pl.concat(found).sort("kind", "key").write_parquet(tmp)
        write_text(
            meta / "sample.json",
            json.dumps(
                {"as_of": as_of.isoformat(), "policy": pol.name, "synthetic": True},
                ensure_ascii=False,
            ),
        )
    return SampleDataset(
        dataset=open_dataset(path),
        as_of=as_of,
        since=default_since(as_of),
        policy=pol,
        partitions=tuple(done),
    )
