"""Severities, root causes and cascades of problem reports (the issue "Real ledgers in")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.pairing_data import small_ledger_records, uscc

from foodsafety.errors import (
    BulkValidationError,
    Cause,
    IdentifierError,
    Problem,
    ProblemReport,
)
from foodsafety.ledger import Ledger, load_ledger, validate_tables, write_csv
from foodsafety.ledger.schema import KEYS, TABLES
from foodsafety.testing import ledgers

AS_OF = dt.date(2026, 1, 1)

# -- Problem and ProblemReport ------------------------------------------------------------------


def test_a_problem_is_an_error_by_default_and_checks_its_severity() -> None:
    p = Problem(code="a", message="m")
    assert p.severity == "error" and p.is_error and p.caused_by is None and not p.is_cascade
    assert Problem(code="a", message="m", severity="warning").is_error is False
    with pytest.raises(ValueError, match="severity"):
        Problem(code="a", message="m", severity="fatal")  # type: ignore[arg-type]
    assert IdentifierError("bad", code="b").to_problem().severity == "error"


def test_a_problem_id_names_record_row_field_and_code() -> None:
    p = Problem(code="vocab.unknown", message="m", record="Cadre", field="level", row=17)
    assert p.id == "Cadre:17:level:vocab.unknown"
    assert Problem(code="x", message="m").id == ":::x"


def _report() -> ProblemReport:
    return ProblemReport(
        [
            Problem(code="e", message="bad", record="R", field="f", row=1),
            Problem(code="w", message="odd", record="R", field="g", row=2, severity="warning"),
            Problem(code="e", message="bad", record="R", field="f", row=3),
        ]
    )


def test_errors_and_warnings_are_sub_reports() -> None:
    report = _report()
    assert [p.row for p in report.errors()] == [1, 3]
    assert [p.row for p in report.warnings()] == [2]
    assert isinstance(report.errors(), ProblemReport)
    assert not report.ok and report.warnings().ok and ProblemReport().ok
    assert bool(report.warnings())  # bool: any problem at all; ok: no error


def test_raise_if_any_ignores_warnings() -> None:
    _report().warnings().raise_if_any("x")  # warnings alone: rows kept, nothing raised
    with pytest.raises(BulkValidationError):
        _report().raise_if_any("x")


def test_to_polars_and_to_rows_carry_severity_and_root() -> None:
    report = ProblemReport(
        [
            Problem(code="a", message="m", row=1),
            Problem(code="b", message="m", row=2, severity="warning", caused_by=":1::a"),
        ]
    )
    frame = report.to_polars()
    assert frame["severity"].to_list() == ["error", "warning"]
    assert frame["caused_by"].to_list() == [None, ":1::a"]
    assert [r["severity"] for r in report.to_rows()] == ["error", "warning"]


def test_causes_group_errors_first_most_rows_first() -> None:
    report = ProblemReport(
        [
            Problem(code="w", message="odd", record="R", field="g", row=9, severity="warning"),
            Problem(code="w", message="odd", record="R", field="g", row=8, severity="warning"),
            Problem(code="w", message="odd", record="R", field="g", row=7, severity="warning"),
            Problem(code="e1", message="one", record="R", field="f", row=1),
            Problem(code="e2", message="two", record="R", field="h", row=2),
            Problem(code="e2", message="two", record="R", field="h", row=3),
        ]
    )
    causes = report.causes()
    assert [(c.severity, c.code, c.rows) for c in causes] == [
        ("error", "e2", 2),
        ("error", "e1", 1),
        ("warning", "w", 3),
    ]
    assert isinstance(causes[0], Cause)
    assert causes[0].to_dict()["examples"] == ["row 2", "row 3"]


def test_vocabulary_causes_are_one_per_label() -> None:
    report = ProblemReport(
        Problem(code="vocab.unknown", message=f"{v!r}", record="Cadre", field="level", value=v)
        for v in ("X", "Y", "X")
    )
    assert sorted((c.value, c.rows) for c in report.causes()) == [("X", 2), ("Y", 1)]
    # other codes are one cause for every value
    other = ProblemReport(
        Problem(code="uscc.checksum", message=f"{v}", record="Business", field="uscc", value=v)
        for v in ("a", "b")
    )
    (cause,) = other.causes()
    assert cause.rows == 2 and cause.value is None and "other values" in cause.message


def test_a_cascade_whose_root_is_absent_is_a_cause_of_its_own() -> None:
    report = ProblemReport(
        [Problem(code="ref.cadre_missing", message="m", record="Visit", row=1, caused_by="?")]
    )
    (cause,) = report.causes()
    assert cause.rows == 1 and cause.cascades == 0


# -- cascades in the loader -------------------------------------------------------------------


def _frames(n_visits: int = 50, n_assignments: int = 10) -> dict[str, pl.DataFrame]:
    u = uscc(1)
    cadres = pl.DataFrame(
        {
            "cadre_id": ["C001", "C002"],
            "name": ["甲", "乙"],
            "level": ["市", "不存在的层级"],
            "jurisdiction": ["410500", "410522"],
        }
    )
    assignments = pl.DataFrame(
        {
            "assignment_id": [f"A{i}" for i in range(n_assignments)] + ["A-ghost"],
            "cadre_id": ["C002"] * n_assignments + ["C999"],
            "uscc": [u] * (n_assignments + 1),
            "valid_from": ["2022-11-11"] * (n_assignments + 1),
        }
    )
    visits = pl.DataFrame(
        {
            "visit_id": [f"V{i}" for i in range(n_visits)],
            "date": ["2022-12-10"] * n_visits,
            "cadre_id": ["C002"] * n_visits,
            "uscc": [u] * n_visits,
            "mode": ["现场"] * n_visits,
        }
    )
    return {"cadres": cadres, "assignments": assignments, "visits": visits}


def test_one_bad_cadre_is_one_root_cause_with_its_rows_lost_as_cascades() -> None:
    tables, report = validate_tables(_frames(), as_of=AS_OF, check_registry=False)
    assert tables["cadres"]["cadre_id"].to_list() == ["C001"]
    assert tables["visits"].height == 0 and tables["assignments"].height == 0
    (root,) = [p for p in report if p.code == "vocab.unknown"]
    assert root.id == "Cadre:2:level:vocab.unknown"
    cascades = report.cascades()
    assert len(cascades) == 60
    assert {p.caused_by for p in cascades} == {root.id}
    # the reference to a cadre that never existed is a root of its own
    (ghost,) = [p for p in report if p.value == "C999"]
    assert ghost.caused_by is None and ghost.code == "ref.cadre_missing"
    causes = report.causes()
    assert [(c.code, c.rows, c.cascades) for c in causes] == [
        ("vocab.unknown", 1, 60),
        ("ref.cadre_missing", 1, 0),
    ]
    summary = report.summary()
    level_lines = [line for line in summary.splitlines() if "Cadre.level" in line]
    assert len(level_lines) == 1
    assert "(+60 rows lost with them)" in level_lines[0]
    assert level_lines[0].strip().startswith("error")
    # 62 problems in all, yet the grouped view has two causes
    assert len(report) == 62
    assert sum(1 for line in summary.splitlines() if line.strip().startswith("error")) == 2


def test_follow_ups_of_lost_visits_are_cascades_of_the_first_root() -> None:
    frames = _frames(n_visits=2, n_assignments=0)
    u = uscc(1)
    follow = pl.DataFrame(
        {
            "visit_id": ["F1", "F2", "F3"],
            "date": ["2022-12-20"] * 3,
            "cadre_id": ["C001"] * 3,
            "uscc": [u] * 3,
            "mode": ["视频"] * 3,
            "follow_up_of": ["V0", "F1", "V-never"],
        }
    )
    frames["visits"] = pl.concat([frames["visits"], follow], how="diagonal")
    tables, report = validate_tables(frames, as_of=AS_OF, check_registry=False)
    assert tables["visits"].height == 0
    by_value = {p.value: p for p in report if p.code == "ref.visit_missing"}
    # F1 follows V0 (lost with its cadre), F2 follows F1: both lead back to the cadre's level
    assert by_value["V0"].caused_by == by_value["F1"].caused_by == "Cadre:2:level:vocab.unknown"
    assert by_value["V-never"].caused_by is None


def test_kept_dangling_rows_are_warnings() -> None:
    _, report = validate_tables(_frames(3, 1), as_of=AS_OF, check_registry=False, dangling="keep")
    refs = [p for p in report if p.code.startswith("ref.")]
    assert refs and all(p.severity == "warning" for p in refs)


# -- strict loads and LoadResult.ok -----------------------------------------------------------


def test_strict_does_not_raise_on_warnings_only(tmp_path: Path) -> None:
    files = write_csv(Ledger.from_records(small_ledger_records()), tmp_path)
    text = files["visits"].read_text(encoding="utf-8")
    files["visits"].write_text(text.replace("on_site", "联合督导"), encoding="utf-8")
    result = load_ledger(tmp_path, as_of=AS_OF, strict=True)
    assert result.report and result.ok
    assert {p.code for p in result.report} == {"vocab.unlisted"}
    assert all(p.severity == "warning" for p in result.report)
    # an error still raises
    text = files["cadres"].read_text(encoding="utf-8")
    files["cadres"].write_text(text.replace("city", "nowhere"), encoding="utf-8")
    with pytest.raises(BulkValidationError):
        load_ledger(tmp_path, as_of=AS_OF, strict=True)
    assert not load_ledger(tmp_path, as_of=AS_OF).ok


def test_an_unknown_column_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "pledges.csv").write_text(
        "cadre_id,document,备注\nC1,pledge,无\n", encoding="utf-8"
    )
    result = load_ledger(tmp_path, as_of=AS_OF, strict=True)
    assert [p.severity for p in result.report] == ["warning"] and result.ok


# -- the property: cascades are exactly the references to lost rows ----------------------------

_TARGET = {
    "ref.cadre_missing": "cadres",
    "ref.business_missing": "businesses",
    "ref.visit_missing": "visits",
}


def _corrupt(frame: pl.DataFrame, table: str, rows: list[int], ghost: list[int]) -> pl.DataFrame:
    """``frame`` with the given rows broken (an error of their own) and the ``ghost`` rows
    naming a cadre or business that never existed."""
    n = frame.height
    bad = pl.Series([i in rows for i in range(n)], dtype=pl.Boolean)
    odd = pl.Series([i in ghost for i in range(n)], dtype=pl.Boolean)
    broken = {
        "cadres": ("level", pl.lit("不存在的层级")),
        "businesses": ("kind", pl.lit("不存在的业态")),
        "visits": ("date", pl.lit(dt.date(2101, 1, 1))),
        "assignments": ("valid_from", pl.lit(dt.date(2101, 1, 1))),
    }
    out = frame
    if table in broken:
        column, value = broken[table]
        out = out.with_columns(pl.when(bad).then(value).otherwise(pl.col(column)).alias(column))
    if table in ("visits", "assignments"):
        out = out.with_columns(
            pl.when(odd).then(pl.lit("C-NEVER")).otherwise(pl.col("cadre_id")).alias("cadre_id")
        )
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledger=ledgers(min_businesses=1, max_businesses=5, max_visits=8), data=st.data())
def test_every_reference_to_a_lost_row_is_a_cascade_and_no_other(ledger: Ledger, data: Any) -> None:
    frames = {}
    for table in TABLES:
        frame = getattr(ledger, table)
        n = frame.height
        picks = (
            st.lists(st.integers(0, max(n - 1, 0)), max_size=n, unique=True) if n else st.just([])
        )
        rows = data.draw(picks, label=f"{table} broken")
        ghost = data.draw(picks, label=f"{table} naming no cadre")
        frames[table] = _corrupt(frame, table, rows, ghost)
    keys_in = {t: set(frames[t].get_column(KEYS[t][0]).to_list()) for t in _TARGET.values()}
    tables, report = validate_tables(frames, as_of=dt.date(2100, 1, 1), check_registry=False)
    keys_out = {t: set(tables[t].get_column(KEYS[t][0]).to_list()) for t in _TARGET.values()}
    ids = {p.id: p for p in report}
    for p in report:
        if not p.code.startswith("ref."):
            assert p.caused_by is None
            continue
        target = _TARGET[p.code]
        lost = p.value in keys_in[target] and p.value not in keys_out[target]
        assert p.is_cascade == lost, p
        if p.is_cascade:
            root = ids[str(p.caused_by)]
            assert root.caused_by is None and root.severity == "error"
    # every cascade is counted once, under a cause of the report
    causes = report.causes()
    assert sum(c.cascades for c in causes) == len({(p.record, p.row) for p in report.cascades()})
    assert sum(c.rows for c in causes) == len(report.roots())
