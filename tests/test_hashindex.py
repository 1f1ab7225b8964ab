"""The hashed key index behind the audit's lookups: every key found, nothing else claimed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foodsafety.ledger._hashindex import HashIndex

hashes64 = st.integers(0, 2**64 - 1)


def _check(keys: list[int], probes: list[int]) -> None:
    index = HashIndex(np.array(keys, dtype=np.uint64))
    assert index.unique
    rows = index.candidates(np.array(keys + probes, dtype=np.uint64))
    # every key's hash leads to its own row
    assert rows[: len(keys)].tolist() == list(range(len(keys)))
    # any other hash leads nowhere or to some row (which the caller then compares)
    assert all(-1 <= r < len(keys) for r in rows[len(keys) :].tolist())


@settings(max_examples=80, deadline=None)
@given(keys=st.lists(hashes64, unique=True, max_size=300), probes=st.lists(hashes64, max_size=50))
def test_every_key_is_found_at_its_row(keys: list[int], probes: list[int]) -> None:
    _check(keys, probes)


@settings(max_examples=40, deadline=None)
@given(
    keys=st.lists(st.integers(0, 2**16 - 1), unique=True, max_size=400),
    shift=st.sampled_from([0, 7, 24, 48]),
)
def test_hashes_alike_in_most_bits_go_levels_down(keys: list[int], shift: int) -> None:
    # hashes that differ in 16 bits only, wherever those sit: keys share slots level after
    # level until the levels reach the bits that tell them apart
    _check([k << shift for k in keys], [((k + 1) << shift) % 2**64 for k in keys])


@settings(max_examples=40, deadline=None)
@given(keys=st.lists(hashes64, min_size=1, max_size=50), data=st.data())
def test_a_repeated_hash_makes_the_index_not_unique(keys: list[int], data: st.DataObject) -> None:
    repeated = data.draw(st.sampled_from(keys))
    index = HashIndex(np.array([*keys, repeated], dtype=np.uint64))
    assert not index.unique
    with pytest.raises(ValueError, match="join on the keys"):
        index.candidates(np.array(keys, dtype=np.uint64))


def test_no_keys_find_nothing() -> None:
    index = HashIndex(np.zeros(0, dtype=np.uint64))
    assert index.unique and index.size == 0
    assert index.candidates(np.array([1, 2], dtype=np.uint64)).tolist() == [-1, -1]


def test_a_million_keys_stay_near_the_first_level() -> None:
    # the sizing promise: eight slots a key on the first level, few keys further down
    rng = np.random.default_rng(7)
    keys = rng.integers(0, 2**63, size=1_000_000, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    keys = np.unique(keys)
    index = HashIndex(keys)
    assert index.unique
    assert len(index.levels[0][2]) == 8 * 2**20
    assert len(index.levels) <= 8
    assert len(index.levels[1][2]) <= 2 * 2**20  # about 1 key in 9 goes to level two


@settings(max_examples=40, deadline=None)
@given(
    keys=st.lists(hashes64, unique=True, min_size=2, max_size=200),
    probes=st.lists(hashes64, max_size=20),
    levels=st.integers(1, 2),
)
def test_keys_left_after_the_last_level_are_searched_in_order(
    keys: list[int], probes: list[int], levels: int
) -> None:
    import foodsafety.ledger._hashindex as module

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "_MAX_LEVELS", levels)
        _check(keys, probes)


def test_large_key_sets_take_four_slots_a_key() -> None:
    import foodsafety.ledger._hashindex as module

    rng = np.random.default_rng(3)
    keys = np.unique(rng.integers(0, 2**63, size=5000, dtype=np.uint64))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "_LARGE", 1000)  # as if 5,000 keys were many millions
        index = HashIndex(keys)
    assert len(index.levels[0][2]) == 4 * 8192
    assert index.candidates(keys).tolist() == list(range(len(keys)))
