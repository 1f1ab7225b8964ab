"""The loader's shortcuts at scale give the answers of the plain checks, cell by cell.

``validate_tables`` searches a text cell once for control and bidirectional characters (an
Aho-Corasick search over the characters of both classes) and searches again with each class
only a column that holds one; it parses dates in the ISO form first and tries the others only
on the cells that are not; it decodes the empty JSON arrays without the JSON decoder; and a
table whose every cadre id was found among the kept cadres while it was checked is not looked
up again. These tests hold each shortcut to the plain rule: Python's ``re`` on each cell, each
date format tried in turn, and the reference problems a load reports.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foodsafety.errors import LoadError
from foodsafety.ledger import Ledger, load_ledger, validate_tables, write_csv, write_parquet
from foodsafety.ledger._validate import _SUSPECT_CHARACTERS, BIDI_CONTROLS
from foodsafety.models._fields import CONTROL_CHARACTERS
from foodsafety.samples import anyang

AS_OF = dt.date(2026, 1, 1)
CONTROL = re.compile(CONTROL_CHARACTERS)
BIDI = re.compile(BIDI_CONTROLS)


def test_the_suspect_characters_are_exactly_the_two_classes() -> None:
    every = [chr(i) for i in range(0x110000) if not 0xD800 <= i <= 0xDFFF]
    expected = {c for c in every if CONTROL.fullmatch(c) or BIDI.fullmatch(c)}
    assert set(_SUSPECT_CHARACTERS) == expected
    assert len(_SUSPECT_CHARACTERS) == len(expected)  # (none twice)


# Text of plain letters with, now and then, a control or bidirectional character, a tab or
# line feed (allowed), or a character next to the classes' bounds.
_near = "\x08\x09\x0a\x0b\x0c\x0d\x0e\x1f\x20\x7e\x7f\x80\u061b\u061c\u061d\u200d\u200e"
_near += "\u200f\u2010\u2029\u202a\u202e\u202f\u2065\u2066\u2069\u206a"
cells = st.one_of(
    st.none(),
    st.text(alphabet="合成主体ab1 ", min_size=1, max_size=6),
    st.text(alphabet=st.sampled_from("合成ab" + _near), min_size=1, max_size=6),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(cells, cells), min_size=1, max_size=30))
def test_text_problems_are_the_cell_by_cell_verdicts(
    rows: list[tuple[str | None, str | None]],
) -> None:
    names = [f"{i}" if n is None or not n.strip() else n for i, (n, _) in enumerate(rows)]
    units = [u for _, u in rows]
    frame = pl.DataFrame(
        {
            "cadre_id": [f"C{i:04d}" for i in range(len(rows))],
            "name": names,
            "level": ["county"] * len(rows),
            "jurisdiction": ["410522"] * len(rows),
            "unit": units,
        },
        schema=dict.fromkeys(("cadre_id", "name", "level", "jurisdiction", "unit"), pl.Utf8),
    )
    tables, report = validate_tables({"cadres": frame}, as_of=AS_OF, check_registry=False)
    got = {(p.row, p.field, p.code) for p in report if p.code in ("text.control", "text.bidi")}
    # (stripped as the loader strips: polars' white space, not Python's)
    stripped = frame.select(pl.col("name", "unit").str.strip_chars()).rows(named=True)
    expected: set[tuple[int, str, str]] = set()
    for row, cells_of in enumerate(stripped, start=1):
        controls = [c for c, v in cells_of.items() if v and CONTROL.search(v)]
        expected |= {(row, c, "text.control") for c in controls}
        if not controls:  # (a row left out for a control character is not warned of too)
            expected |= {(row, c, "text.bidi") for c, v in cells_of.items() if v and BIDI.search(v)}
    assert got == expected
    bad = {row for row, _, code in got if code == "text.control"}
    assert tables["cadres"].height == len(rows) - len(bad)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.dates(dt.date(1990, 1, 1), dt.date(2025, 12, 31)),
            st.sampled_from(["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y-%m-%d 00:00:00", "bad"]),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_dates_in_any_accepted_form_are_read_in_every_column(
    cells: list[tuple[dt.date, str]],
) -> None:
    texts = [d.strftime(f) if f != "bad" else f"{d:%Y}年" for d, f in cells]
    n = len(texts)
    frame = pl.DataFrame(
        {
            "cadre_id": [f"C{i}" for i in range(n)],
            "document": ["pledge"] * n,
            "signed": texts,
        }
    )
    tables, report = validate_tables({"pledges": frame}, as_of=AS_OF)
    invalid = {p.row for p in report if p.code == "date.invalid"}
    assert invalid == {i for i, (_, f) in enumerate(cells, start=1) if f == "bad"}
    kept = [d for d, f in cells if f != "bad"]
    assert tables["pledges"]["signed"].to_list() == kept


def test_dangling_cadres_are_reported_wherever_the_lookup_is_made(tmp_path: Path) -> None:
    sample = anyang(seed=0, scale=0.02)
    tables = dict(sample.ledger().tables)
    gone = tables["cadres"]["cadre_id"].head(3).to_list()
    tables["cadres"] = tables["cadres"].filter(~pl.col("cadre_id").is_in(gone))
    ledger = Ledger.from_frames(**tables)
    write_parquet(ledger, tmp_path / "pq")
    write_csv(ledger, tmp_path / "csv")
    expected = {
        t: set(tables[t].with_row_index("r", 1).filter(pl.col("cadre_id").is_in(gone))["r"])
        for t in ("assignments", "pledges", "visits")
    }
    assert any(expected.values())
    for folder in (tmp_path / "pq", tmp_path / "csv"):
        kept, report = load_ledger(folder, as_of=sample.as_of)
        found = {
            t: {
                p.row
                for p in report
                if p.code == "ref.cadre_missing" and Path(p.source or "").stem == t
            }
            for t in expected
        }
        assert found == expected
        for t in expected:
            assert not kept.tables[t]["cadre_id"].is_in(gone).any()


@pytest.mark.parametrize("mapped", [True, False])
def test_a_nul_byte_deep_in_a_csv_file_is_found_and_located(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mapped: bool
) -> None:
    if not mapped:  # a file system that cannot map files: read a block at a time
        import mmap

        def refuse(*args: object, **kwargs: object) -> None:
            raise OSError("no mmap here")

        monkeypatch.setattr(mmap, "mmap", refuse)
    lines = ["uscc,routine,period_start,signed_by,signer_post"]
    lines += [
        f"914105227855868217,daily,2022-01-01,签字人{i},food_safety_officer" for i in range(60_000)
    ]
    lines[45_000] = lines[45_000].replace("签字人", "签\x00字人")
    path = tmp_path / "routines.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > 2 << 20  # past the first block read
    with pytest.raises(LoadError) as info:
        load_ledger(path, as_of=AS_OF)
    assert info.value.code == "load.binary"
    assert info.value.row == 45_001  # (the header is line 1)
