"""Fuzzing every loader: junk in gives a located FoodSafetyError out, never a crash, and valid
rows are never lost (CSV, JSON Lines, Parquet, Excel ledgers; YAML/JSON rubrics and policies)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from foodsafety.errors import FoodSafetyError, RuleError
from foodsafety.ledger import (
    Ledger,
    load_ledger,
    write_csv,
    write_excel,
    write_json_lines,
    write_parquet,
)
from foodsafety.ledger.schema import KEYS, TABLES
from foodsafety.presets import rubric as preset_rubric
from foodsafety.rules.loading import load_rubric, load_rule
from foodsafety.rules.pairing_policy import load_pairing_policy
from foodsafety.testing import LEDGER_MISTAKES, BadRow, invalid_rows, ledgers

AS_OF = dt.date(2026, 1, 1)
#: FOODSAFETY_FUZZ=long runs 10^5 examples of every junk test (see test_fuzz_parsers.py).
LONG = os.environ.get("FOODSAFETY_FUZZ") == "long"
JUNK = settings(
    max_examples=100_000 if LONG else 40, deadline=None, suppress_health_check=list(HealthCheck)
)
HEAVY = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))

PRESETS = Path(__file__).parent.parent / "src" / "foodsafety" / "presets"
RUBRIC_TEXT = (PRESETS / "assessment" / "national_annual_2023.yaml").read_text("utf-8")
POLICY_TEXT = (PRESETS / "pairing" / "anyang_2022.yaml").read_text("utf-8")

#: Bytes that look like the files people really send: text, CSV-ish, JSON-ish, GBK, BOMs.
junk_bytes = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=200).map(lambda t: t.encode("utf-8")),
    st.lists(st.lists(st.text(max_size=8), max_size=4), max_size=5).map(
        lambda rows: "\n".join(",".join(r) for r in rows).encode("utf-8")
    ),
    st.text(max_size=60).map(lambda t: ("\ufeffuscc,name\n" + t).encode("utf-8")),
    st.just("主体名称,统一社会信用代码\n安阳某店,914105\n".encode("gbk")),
    st.lists(
        st.dictionaries(
            st.text(max_size=6), st.text(max_size=6) | st.none() | st.integers(), max_size=3
        ),
        max_size=3,
    ).map(lambda objs: "\n".join(json.dumps(o, ensure_ascii=False) for o in objs).encode("utf-8")),
)


def _located(exc: FoodSafetyError, where: str) -> None:
    """The error names where the problem is: the file (and row/line when known)."""
    assert where in str(exc) or (exc.source is not None and where in str(exc.source)), str(exc)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet", ".xlsx"])
@JUNK
@given(data=junk_bytes)
def test_junk_ledger_files_fail_typed_and_located(suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        target = Path(d) / f"businesses{suffix}"
        target.write_bytes(data)
        try:
            result = load_ledger(target, as_of=AS_OF)
        except FoodSafetyError as exc:
            _located(exc, "businesses")
            return
        # Loaded: every problem is located by file and row.
        for p in result.report:
            assert p.source is not None and "businesses" in p.source
        assert result.ledger.counts()["businesses"] + len(result.report.rows()) >= 0


@JUNK
@given(
    text=st.one_of(
        st.text(max_size=300), st.binary(max_size=200).map(lambda b: b.decode("latin-1"))
    )
)
def test_junk_rubric_files_fail_with_a_rule_error(text: str) -> None:
    try:
        load_rule("junk.yaml", text=text)
    except RuleError as exc:
        error = exc
    else:
        return
    assert str(error).startswith("junk.yaml"), str(error)


@JUNK
@given(text=st.text(max_size=300))
def test_junk_policy_files_fail_with_a_rule_error(text: str) -> None:
    try:
        load_pairing_policy("junk.yaml", text=text)
    except RuleError as exc:
        _located(exc, "junk.yaml")


def _paths(data: Any) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    if isinstance(data, dict):
        for k, v in data.items():
            out.append((k,))
            out += [(k, *p) for p in _paths(v)]
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.append((i,))
            out += [(i, *p) for p in _paths(v)]
    return out


def _mutate(doc: Any, path: tuple[Any, ...], how: str, value: Any) -> Any:
    node = doc
    for p in path[:-1]:
        node = node[p]
    last = path[-1]
    if how == "delete":
        del node[last]
    else:
        node[last] = value
    return doc


@pytest.mark.parametrize(
    ("name", "text"), [("rubric.yaml", RUBRIC_TEXT), ("policy.yaml", POLICY_TEXT)]
)
@JUNK
@given(data=st.data())
def test_mutated_rule_files_load_or_fail_at_a_line(
    name: str, text: str, data: st.DataObject
) -> None:
    doc = yaml.safe_load(text)
    paths = _paths(doc)
    path = data.draw(st.sampled_from(paths))
    how = data.draw(st.sampled_from(["delete", "set"]))
    value = data.draw(
        st.one_of(
            st.none(), st.integers(-5, 200), st.text(max_size=5), st.just([]), st.just({"x": 1})
        )
    )
    mutated = yaml.safe_dump(_mutate(doc, path, how, value), allow_unicode=True)
    loader = load_rule if name == "rubric.yaml" else load_pairing_policy
    try:
        loader(name, text=mutated)
    except RuleError as exc:
        error = exc
    else:
        return
    # Where: the file, and the line or at least the key path of the bad value.
    assert str(error).startswith(name) or error.source == name, str(error)
    assert error.row is not None or error.field is not None or error.code != "rule.invalid"


def test_preset_rubric_loads() -> None:
    assert load_rubric("national.yaml", text=RUBRIC_TEXT) == preset_rubric("national_annual_2023")


# -- valid rows are never lost, bad rows are reported where they are -----------------------------


def _fill_refs(bad: BadRow, ledger: Ledger) -> dict[str, Any]:
    row = dict(bad.row)
    cadres = ledger.cadres["cadre_id"].to_list()
    usccs = ledger.businesses["uscc"].to_list()
    if "cadre_id" in row and row["cadre_id"] is None and bad.table != "cadres":
        row["cadre_id"] = cadres[0]
    if "uscc" in row and row["uscc"] is None and bad.table != "businesses":
        row["uscc"] = usccs[0]
    return row


def _write(ledger: Ledger, directory: Path, fmt: str) -> None:
    writers = {"csv": write_csv, "jsonl": write_json_lines, "parquet": write_parquet}
    if fmt == "excel":
        write_excel(ledger, directory / "ledger.xlsx")
    else:
        writers[fmt](ledger, directory)


def _append(directory: Path, table: str, fmt: str, row: dict[str, Any]) -> int:
    """Append a row to a written table file; return its data row number (1-based)."""
    if fmt == "csv":
        target = directory / f"{table}.csv"
        text = target.read_text("utf-8")
        header = next(csv.reader(io.StringIO(text)))
        cells = BadRow(table=table, row=row, mistake="", code="", column="").cells()
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow([cells.get(c, "") for c in header])
        target.write_text(text + buf.getvalue(), "utf-8")
        return len(list(csv.reader(io.StringIO(text))))
    target = directory / f"{table}.jsonl"
    text = target.read_text("utf-8") if target.exists() else ""  # empty tables are not written
    lines = [ln for ln in text.splitlines() if ln.strip()]
    lines.append(json.dumps(row, ensure_ascii=False))
    target.write_text("\n".join(lines) + "\n", "utf-8")
    return len(lines)


def _check_bad_row(fmt: str, ledger: Ledger, bad: BadRow) -> None:
    row = _fill_refs(bad, ledger)
    table = bad.table
    key = KEYS[table]
    keys = ledger.to_polars(table).select(key).rows()
    assume(tuple(row.get(k) for k in key) not in keys)  # a repeated key is another mistake
    with tempfile.TemporaryDirectory() as d:
        directory = Path(d)
        _write(ledger, directory, fmt)
        number = _append(directory, table, fmt, row)
        loaded, report = load_ledger(directory, as_of=AS_OF)
    assert loaded == ledger, report.summary()  # nothing valid lost, the bad row not kept
    codes = {(p.code, p.row, p.column) for p in report}
    assert (bad.code, number, bad.column) in codes, report.summary()
    assert all(p.row == number and table in (p.source or "") for p in report), report.summary()


SMALL_LEDGERS = ledgers(
    min_businesses=1, max_businesses=3, max_cadres=2, max_visits=3, max_routines=3
)
MISTAKES = sorted((t, m) for t, ms in LEDGER_MISTAKES.items() for m in ms)


@pytest.mark.parametrize(("table", "mistake"), MISTAKES)
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_each_mistake_is_reported_where_it_is_in_csv(
    table: str, mistake: str, data: st.DataObject
) -> None:
    _check_bad_row("csv", data.draw(SMALL_LEDGERS), data.draw(invalid_rows(table, mistake=mistake)))


@HEAVY
@given(
    ledger=SMALL_LEDGERS,
    bad=st.sampled_from(MISTAKES).flatmap(lambda tm: invalid_rows(tm[0], mistake=tm[1])),
)
def test_a_bad_row_is_reported_and_every_valid_row_kept_in_json_lines(
    ledger: Ledger, bad: BadRow
) -> None:
    _check_bad_row("jsonl", ledger, bad)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet", "excel"])
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(ledger=ledgers(max_businesses=4))
def test_valid_ledgers_load_back_equal_in_every_format(fmt: str, ledger: Ledger) -> None:
    with tempfile.TemporaryDirectory() as d:
        directory = Path(d)
        _write(ledger, directory, fmt)
        source = directory / "ledger.xlsx" if fmt == "excel" else directory
        loaded, report = load_ledger(source, as_of=AS_OF)
    assert not report, report.summary()
    assert loaded == ledger
    assert set(loaded.counts()) == set(TABLES)


def test_an_empty_ledger_round_trips_as_json_lines(tmp_path: Path) -> None:
    write_json_lines(Ledger.empty(), tmp_path)
    loaded, report = load_ledger(tmp_path, as_of=AS_OF)
    assert loaded == Ledger.empty() and not report


# -- the other file readers: campaigns, the issue ledger, graphs, JSON rule files ------------------

junk_text = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.dictionaries(
            st.text(max_size=6), st.text(max_size=6) | st.none() | st.integers(), max_size=3
        ),
        max_size=3,
    ).map(lambda objs: "\n".join(json.dumps(o, ensure_ascii=False) for o in objs)),
    st.dictionaries(
        st.sampled_from(["campaign", "reports", "inspections", "directed", "nodes", "edges"]),
        st.none() | st.integers() | st.lists(st.integers(), max_size=2),
        max_size=3,
    ).map(json.dumps),
)


def _read_campaign(path: Path) -> Any:
    from foodsafety.engines.campaign import load_campaign

    return load_campaign(path)


def _read_issues(path: Path) -> Any:
    from foodsafety.ledger.issues import IssueLedger

    return IssueLedger.read(path)


def _read_graphml(path: Path) -> Any:
    from foodsafety.engines.graph_export import read_graphml

    return read_graphml(path)


def _read_node_link(path: Path) -> Any:
    from foodsafety.engines.graph_export import read_node_link

    return read_node_link(path)


def _read_rule_json(path: Path) -> Any:
    return load_rule(path)


def _read_policy_json(path: Path) -> Any:
    return load_pairing_policy(path)


READERS = {
    "campaign.yaml": _read_campaign,
    "issues.jsonl": _read_issues,
    "graph.graphml": _read_graphml,
    "graph.json": _read_node_link,
    "rubric.json": _read_rule_json,
    "policy.json": _read_policy_json,
}


@pytest.mark.parametrize("name", sorted(READERS))
@JUNK
@given(text=junk_text)
def test_other_readers_fail_typed_and_located(name: str, text: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        target = Path(d) / name
        target.write_text(text, "utf-8")
        try:
            READERS[name](target)
        except FoodSafetyError as exc:
            error = exc
        else:
            return
    assert name in str(error) or (error.source is not None and name in str(error.source)), str(
        error
    )
