"""Fuzzing every public loader and parser: whatever goes in, only a FoodSafetyError comes out.

The readers of table files (CSV, JSON Lines, Parquet, Excel) get valid files with bytes cut,
flipped and inserted; the readers of YAML files (pairing policies, rubrics, star and
demonstration schemes, import profiles, campaigns, scenarios) get documents built from
arbitrary data (dates, anchors and aliases, deep nesting, odd keys) and the shipped files with
random edits. Any other exception (``TypeError``, ``RecursionError``, ``PanicException``...)
fails the test.

CI runs a short fuzz (:data:`EXAMPLES` examples each); ``FOODSAFETY_FUZZ=long`` runs 10^5
each (hours: run it before a release, not in CI)::

    FOODSAFETY_FUZZ=long .venv/bin/pytest -q tests/test_fuzz_parsers.py
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foodsafety.engines.campaign import load_campaign
from foodsafety.engines.scenarios import run_scenarios
from foodsafety.errors import FoodSafetyError
from foodsafety.ledger import load_ledger, read_table
from foodsafety.rules.import_profile import load_import_profile
from foodsafety.rules.loading import load_demonstration_scheme, load_rubric, load_star_scheme
from foodsafety.rules.pairing_policy import load_pairing_policy

LONG = os.environ.get("FOODSAFETY_FUZZ") == "long"
#: Examples per fuzz test: a few dozen in CI, 10^5 with FOODSAFETY_FUZZ=long.
EXAMPLES = 100_000 if LONG else 20
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not LONG,
    suppress_health_check=list(HealthCheck),
)

ROOT = Path(__file__).parent.parent
PRESETS = ROOT / "src" / "foodsafety" / "presets"
AS_OF = dt.date(2023, 1, 1)

_CADRES = pl.DataFrame(
    {
        "cadre_id": ["C001", "C002"],
        "name": ["高永", "李明"],
        "level": ["乡", "乡"],
        "jurisdiction": ["410522102", "410522102"],
        "active_from": ["2020-01-01", "2021-03-01"],
    }
)


def _valid_file(fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "csv":
        _CADRES.write_csv(buffer)
    elif fmt == "jsonl":
        _CADRES.write_ndjson(buffer)
    elif fmt == "parquet":
        _CADRES.write_parquet(buffer)
    else:
        _CADRES.write_excel(buffer, worksheet="cadres")
    return buffer.getvalue()


VALID = {fmt: _valid_file(fmt) for fmt in ("csv", "jsonl", "parquet", "excel")}
SUFFIX = {"csv": ".csv", "jsonl": ".jsonl", "parquet": ".parquet", "excel": ".xlsx"}


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with a few bytes cut, overwritten or inserted, or cut short."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        how = draw(st.sampled_from(["cut", "flip", "insert", "truncate"]))
        at = draw(st.integers(0, max(len(out) - 1, 0)))
        if how == "cut":
            del out[at : at + draw(st.integers(1, 64))]
        elif how == "flip" and out:
            out[at] = draw(st.integers(0, 255))
        elif how == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=16))
        else:
            del out[at:]
    return bytes(out)


def _only_typed(call: Callable[[], Any]) -> None:
    with contextlib.suppress(FoodSafetyError):
        call()


@pytest.mark.parametrize("fmt", sorted(VALID))
@FUZZ
@given(data=st.data())
def test_table_readers_raise_only_typed_errors(fmt: str, data: st.DataObject) -> None:
    content = data.draw(mutated(VALID[fmt]))
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"cadres{SUFFIX[fmt]}"
        path.write_bytes(content)
        _only_typed(lambda: read_table(path))
        _only_typed(lambda: load_ledger(path, as_of=AS_OF))


# -- YAML documents --------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.dates(),
    st.sampled_from(["rubric", "star_scheme", "$total", "$score.x", "2023-02-30", "~", "<<"]),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "kind",
                    "effective",
                    "name",
                    "sections",
                    "versions",
                    "holidays",
                    "campaign",
                    "scenarios",
                    "rubric",
                    "tables",
                    "points",
                    "when",
                    "x",
                ]
            )
            | st.text(max_size=8),
            inner,
            max_size=5,
        ),
    ),
    max_leaves=30,
)


@st.composite
def yaml_texts(draw: st.DrawFn) -> str:
    """A YAML document of arbitrary data, sometimes with anchors and aliases, deep nesting or
    a line changed by hand."""
    text = yaml.safe_dump(draw(documents), allow_unicode=True)
    how = draw(st.sampled_from(["plain", "alias", "deep", "edit"]))
    if how == "alias":
        text = (
            f"base: &b {{k: [1, 2, 3]}}\nmore: [*b, *b, *b]\n{text}" if text[:1].isalpha() else text
        )
    elif how == "deep":
        depth = draw(st.integers(1, 200))
        text = "a: " + "[" * depth + "1" + "]" * depth + "\n"
    elif how == "edit":
        lines = text.splitlines() or [""]
        at = draw(st.integers(0, len(lines) - 1))
        lines[at] = draw(st.text(max_size=30))
        text = "\n".join(lines)
    return text


LOADERS: dict[str, Callable[[Path], Any]] = {
    "policy": load_pairing_policy,
    "rubric": load_rubric,
    "star_scheme": load_star_scheme,
    "demonstration_scheme": load_demonstration_scheme,
    "profile": load_import_profile,
    "campaign": load_campaign,
    "scenarios": run_scenarios,
}
SHIPPED = {
    "policy": PRESETS / "pairing" / "anyang_2022.yaml",
    "rubric": PRESETS / "assessment" / "national_annual_2023.yaml",
    "star_scheme": PRESETS / "assessment" / "star_office.yaml",
    "demonstration_scheme": PRESETS / "assessment" / "demonstration_city.yaml",
    "profile": PRESETS / "import" / "county_workbook.yaml",
    "campaign": ROOT / "examples" / "campaign_2018.yaml",
    "scenarios": next((PRESETS / "assessment" / "scenarios").glob("*.yaml")),
}


@pytest.mark.parametrize("loader", sorted(LOADERS))
@FUZZ
@given(text=yaml_texts())
def test_yaml_loaders_raise_only_typed_errors(loader: str, text: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "rule.yaml"
        path.write_text(text, encoding="utf-8")
        _only_typed(lambda: LOADERS[loader](path))


@pytest.mark.parametrize("loader", sorted(LOADERS))
@FUZZ
@given(data=st.data())
def test_shipped_yaml_files_edited_at_random_raise_only_typed_errors(
    loader: str, data: st.DataObject
) -> None:
    original = SHIPPED[loader].read_bytes()
    content = data.draw(mutated(original))
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / SHIPPED[loader].name
        path.write_bytes(content)
        _only_typed(lambda: LOADERS[loader](path))


def test_the_fuzz_is_short_in_ci_and_long_on_request() -> None:
    assert (100_000 if os.environ.get("FOODSAFETY_FUZZ") == "long" else 20) == EXAMPLES
