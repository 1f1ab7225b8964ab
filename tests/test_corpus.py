"""The malformed-input corpus (``tests/corpus/cases``): every case, one parametrised test.

Each case file says which files to make, what to call and what must come out (see
``tests/corpus/make_corpus.py``, which writes them). Small files are written inline; large
ones (10^6-character cells, 10^5 columns, 200,000-item lists, zip and alias bombs, deep
nesting) are expanded here from a tiny recipe, so that nothing big is committed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import time
import zipfile
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

import foodsafety.errors as errors
from foodsafety.engines.campaign import load_campaign
from foodsafety.engines.scenarios import run_scenarios
from foodsafety.ledger import Ledger, load_ledger, write_csv, write_excel
from foodsafety.ledger.schema import TABLES
from foodsafety.models.cadre import Cadre
from foodsafety.rules.import_profile import load_import_profile
from foodsafety.rules.loading import load_demonstration_scheme, load_rubric, load_star_scheme
from foodsafety.rules.pairing_policy import load_pairing_policy

CORPUS = Path(__file__).parent / "corpus"
ROOT = Path(__file__).parent.parent
BASE: dict[str, dict[str, str]] = yaml.safe_load((CORPUS / "base.yaml").read_text("utf-8"))
CASES = sorted((CORPUS / "cases").rglob("*.yaml"))
AS_OF = dt.date(2023, 1, 1)

RULE_LOADERS = {
    "rubric": load_rubric,
    "star_scheme": load_star_scheme,
    "demonstration_scheme": load_demonstration_scheme,
    "policy": load_pairing_policy,
    "profile": load_import_profile,
    "campaign": load_campaign,
    "scenarios": run_scenarios,
}


def test_the_corpus_is_large_and_covers_every_table_and_format() -> None:
    assert len(CASES) >= 200
    names = {c.relative_to(CORPUS / "cases").as_posix() for c in CASES}
    for table in TABLES:
        for fmt in ("csv", "jsonl", "parquet", "excel"):
            assert any(n.startswith(f"{table}/{fmt}/") for n in names), (table, fmt)
    for loader in RULE_LOADERS:
        assert any(n.startswith(f"rules/{loader}/") for n in names), loader


# -- making the files ---------------------------------------------------------------------


def _value(v: Any, fmt: str) -> Any:
    """A cell value of a case: text, None, or a recipe."""
    if isinstance(v, dict) and "repeat" in v:
        return v["repeat"] * v["times"]
    if isinstance(v, dict) and "items" in v:
        items = [v["items"]] * v["times"]
        return items if fmt == "jsonl" else json.dumps(items, ensure_ascii=False)
    if isinstance(v, dict) and "json" in v:
        return v["json"]
    return v


def _rows(spec: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    table, fmt = spec["table"], spec["format"]
    rows = [{**BASE[table], **{k: _value(v, fmt) for k, v in r.items()}} for r in spec["rows"]]
    columns = list(dict.fromkeys(c for r in rows for c in r))
    columns = [c for c in columns if c not in spec.get("drop_columns", ())]
    columns += [f"extra_{i}" for i in range(spec.get("extra_columns", 0))]
    return columns, [{c: r.get(c) for c in columns} for r in rows]


def _csv_cell(v: Any) -> str:
    if v is None:
        return ""
    text = str(v)
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _table_bytes(spec: dict[str, Any]) -> bytes:
    columns, rows = _rows(spec)
    fmt = spec["format"]
    if fmt == "csv":
        lines = [",".join(columns)] + [",".join(_csv_cell(r[c]) for c in columns) for r in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    if fmt == "jsonl":
        return "".join(
            json.dumps({c: r[c] for c in columns if c in r}, ensure_ascii=False) + "\n"
            for r in rows
        ).encode("utf-8")
    frame = pl.DataFrame(
        {c: [r[c] for r in rows] for c in columns}, schema=dict.fromkeys(columns, pl.Utf8)
    )
    buffer = io.BytesIO()
    if fmt == "parquet":
        frame.write_parquet(buffer)
        return buffer.getvalue()
    return _workbook({spec["table"]: (columns, rows)}, spec.get("formulas", ()))


def _workbook(
    sheets: dict[str, tuple[list[str], list[dict[str, Any]]]], formulas: Any = ()
) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False}) as wb:
        for name, (columns, rows) in sheets.items():
            ws = wb.add_worksheet(name)
            ws.write_row(0, 0, columns)
            for i, row in enumerate(rows, start=1):
                for j, c in enumerate(columns):
                    if row[c] is not None:
                        ws.write_string(i, j, str(row[c]))
            for r, column in formulas:
                ws.write_formula(r, columns.index(column), rows[r - 1][column] if r else "=1")
    return buffer.getvalue()


def _generated(spec: dict[str, Any]) -> str:
    kind = spec["generate"]
    if kind == "deep_flow":
        return "[" * spec["depth"] + "]" * spec["depth"]
    if kind == "deep_block":
        return "".join("  " * i + f"k{i}:\n" for i in range(spec["depth"]))
    if kind == "laughs":
        lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
        for i in range(1, spec["levels"]):
            lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]")
        return "\n".join(lines) + "\n"
    if kind == "merge_laughs":
        lines = ["m0: &m0 {a0: x, b0: x, c0: x, d0: x}"]
        for i in range(1, spec["levels"]):
            keys = ", ".join(f"k{j}: *m{i - 1}" for j in range(10))
            lines.append(f"m{i}: &m{i} {{<<: *m{i - 1}, {keys}}}")
        return "\n".join(lines) + "\n"
    if kind == "long_scalar":
        return "x" * spec["length"] + "\n"
    raise AssertionError(kind)


def _zip_bomb(spec: dict[str, Any]) -> bytes:
    table = spec["table"]
    real = _table_bytes({"table": table, "format": "excel", "rows": [{}]})
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(real)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                pad = b" " * (spec["megabytes"] << 20)
                data = data.replace(b"</worksheet>", pad + b"</worksheet>")
            dst.writestr(info.filename, data)
    return out.getvalue()


def _make(directory: Path, name: str, spec: Any) -> None:
    path = directory / name
    if isinstance(spec, str):
        path.write_text(spec, encoding="utf-8")
    elif "directory" in spec:
        path.mkdir()
    elif "symlink" in spec:
        os.symlink(spec["symlink"], path)
    elif "bytes" in spec:
        # raw bytes as latin-1 escapes ("\x89PNG"), or text with Chinese in it as UTF-8
        text = spec["bytes"]
        path.write_bytes(text.encode("latin-1" if all(ord(c) < 256 for c in text) else "utf-8"))
    elif "text" in spec:
        path.write_bytes(spec["text"].encode(spec.get("encoding", "utf-8")))
    elif "generate" in spec:
        path.write_text(_generated(spec), encoding="utf-8")
    elif "from" in spec:
        text = (ROOT / spec["from"]).read_text("utf-8")
        for old, new in spec.get("replace", ()):
            assert old in text, old
            text = text.replace(old, new, 1)
        path.write_text(text + spec.get("append", ""), encoding="utf-8")
    elif "zip" in spec:
        with zipfile.ZipFile(path, "w") as zf:
            for member, content in spec["zip"].items():
                zf.writestr(member, content)
    elif "zip_bomb" in spec:
        path.write_bytes(_zip_bomb(spec["zip_bomb"]))
    elif "workbook" in spec:
        sheets = {}
        for table in spec["workbook"]:
            columns, rows = _rows({"table": table, "format": "excel", "rows": [{}]})
            sheets[table] = (columns, rows)
        path.write_bytes(_workbook(sheets))
    else:
        data = _table_bytes(spec)
        if "truncate" in spec:
            data = data[: int(len(data) * spec["truncate"])]
        path.write_bytes(data)


# -- running a case -----------------------------------------------------------------------


def _call(directory: Path, call: dict[str, Any]) -> Any:
    if "load_ledger" in call:
        return load_ledger(directory / call["load_ledger"], as_of=AS_OF)
    if "round_trip" in call:
        names = call["names"]
        ledger = Ledger.from_records(
            Cadre.model_validate({**BASE["cadres"], "cadre_id": f"C{i}", "name": n})
            for i, n in enumerate(names)
        )
        if call["round_trip"] == "csv":
            write_csv(ledger, directory / "out")
            result = load_ledger(directory / "out", as_of=AS_OF)
        else:
            write_excel(ledger, directory / "out.xlsx")
            result = load_ledger(directory / "out.xlsx", as_of=AS_OF)
        assert not result.report, str(result.report)
        return result.ledger.cadres.get_column("name").to_list() == names
    ((loader, file),) = call.items()
    return RULE_LOADERS[loader](directory / file)


def _problem(p: errors.Problem, keys: tuple[str, ...]) -> dict[str, Any]:
    """The problem's fields the cases name; its source as the file name (``x.xlsx[sheet]``)."""
    got = {k: getattr(p, k) for k in keys if k != "source"}
    got["source"] = Path(p.source or "").name
    return got


@pytest.mark.parametrize(
    "case_file",
    CASES,
    ids=[c.relative_to(CORPUS / "cases").with_suffix("").as_posix() for c in CASES],
)
def test_corpus_case(case_file: Path, tmp_path: Path) -> None:
    case = yaml.safe_load(case_file.read_text("utf-8"))
    for name, spec in case["files"].items():
        _make(tmp_path, name, spec)
    expect = case["expect"]
    started = time.perf_counter()
    if "error" in expect:
        want = expect["error"]
        with pytest.raises(errors.FoodSafetyError) as info:
            _call(tmp_path, case["call"])
        exc = info.value
        assert type(exc).__name__ == want["class"] or any(
            k.__name__ == want["class"] for k in type(exc).__mro__
        ), f"{type(exc).__name__}: {exc}"
        if "code" in want:
            assert exc.code == want["code"], str(exc)
        if "source" in want:
            assert exc.source is not None and Path(exc.source).name == want["source"], exc.source
        for key in ("row", "column"):
            if key in want:
                assert getattr(exc, key) == want[key], f"{key}: {getattr(exc, key)} ({exc})"
    else:
        result = _call(tmp_path, case["call"])
        if "same" in expect:
            assert result is True
        elif "ok" in expect:
            assert result is not None
        else:
            assert isinstance(result, tuple) or hasattr(result, "ledger")
            counts = result.ledger.counts()
            for table, n in expect["rows"].items():
                assert counts[table] == n, (table, counts, str(result.report))
            if "counts" in expect:
                assert result.report.counts() == expect["counts"]
            else:
                keys = ("code", "record", "field", "row", "severity", "source")
                got = sorted((_problem(p, keys) for p in result.report), key=repr)
                assert got == sorted(expect["problems"], key=repr), str(result.report)
    limit = case.get("max_seconds")
    if limit is not None:
        assert time.perf_counter() - started < limit
