"""Scenario tests as data: a rule author's expectations about a rubric, written in YAML.

After OpenFisca's YAML tests: each scenario is a sentence as its name, the evidence, and the
expected result (total, grade, points of some lines, rules that fire or not). A rule author who
changes a rubric (评分细则) runs its scenarios with ``foodsafety rubric test FILE`` or
:func:`run_scenarios` and sees at once which expectation broke::

    rubric: national_annual_2023          # a preset name, or a path relative to this file
    defaults:
      evidence: {letters_signed: true, ...}
    scenarios:
      - name: 抽检1755批次全部按时办结得满分 (seed 003)
        evidence: {sampling_batches: 1755, sampling_handled_on_time: 1755}
        expect:
          lines: {sampling_on_time: 10}
      - name: 瞒报重大事故一票否决
        evidence: {major_accident_covered_up: true}
        expect: {grade: D, fired: [veto:accident_covered_up]}
      - name: a cohort with a rank quota
        cohort: {a: {...}, b: {...}}
        expect: {grades: {a: A, b: B}}

Each scenario's evidence is laid over ``defaults.evidence``; ``cohort`` members likewise.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import attrs
from pydantic import Field

from foodsafety._record import Record
from foodsafety.engines.scoring import Assessment, assess_cohort, score
from foodsafety.errors import LoadError, RecordValidationError, RuleError
from foodsafety.rules.conditions import EvidenceError
from foodsafety.rules.loading import load_rule
from foodsafety.rules.rubric import Rubric, StarScheme

__all__ = ["Expectation", "Scenario", "ScenarioFile", "ScenarioOutcome", "run_scenarios"]


class Expectation(Record):
    """What a scenario expects; every field is optional and only given fields are checked."""

    total: float | None = None
    base_total: float | None = None
    bonus_total: float | None = None
    deduction_total: float | None = None
    band_grade: str | None = None
    grade: str | None = None
    lines: dict[str, float] = Field(default_factory=dict)
    fired: list[str] = Field(default_factory=list)
    not_fired: list[str] = Field(default_factory=list)
    mandatory_failed: list[str] | None = None
    grades: dict[str, str] = Field(default_factory=dict)
    ranks: dict[str, int] = Field(default_factory=dict)
    error: str | None = None


class Scenario(Record):
    """One scenario: a name (a sentence), evidence or a cohort, and the expectation."""

    name: str = Field(min_length=1)
    evidence: dict[str, Any] = Field(default_factory=dict)
    cohort: dict[str, dict[str, Any]] | None = None
    expect: Expectation
    tolerance: float = Field(default=0.005, ge=0)


class ScenarioDefaults(Record):
    """Evidence shared by every scenario of a file."""

    evidence: dict[str, Any] = Field(default_factory=dict)


class ScenarioFile(Record):
    """A file of scenarios for one rubric."""

    rubric: str = Field(min_length=1)
    description: str | None = None
    defaults: ScenarioDefaults = Field(default_factory=ScenarioDefaults)
    scenarios: list[Scenario] = Field(min_length=1)


@attrs.frozen(slots=True)
class ScenarioOutcome:
    """The result of one scenario: passed, or the expectations that failed."""

    name: str
    passed: bool
    failures: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {"name": self.name, "passed": self.passed, "failures": list(self.failures)}


def _resolve(spec: str, base: Path | None) -> Rubric:
    from foodsafety import presets

    candidate = (base / spec) if base is not None else Path(spec)
    if candidate.exists():
        rule = load_rule(candidate)
    elif spec in presets.assessment_presets():
        rule = presets.load(spec)
    else:
        raise LoadError(
            f"rubric {spec!r} is neither a file next to the scenarios nor a preset",
            code="load.missing",
            value=spec,
        )
    if isinstance(rule, StarScheme):
        return rule.rubric
    if not isinstance(rule, Rubric):
        raise RuleError(f"{spec!r} is a {type(rule).__name__}, not a rubric", value=spec)
    return rule


def _close(a: float, b: float, tol: float) -> bool:
    return math.isclose(a, b, abs_tol=tol)


def _check_one(a: Assessment, e: Expectation, tol: float) -> list[str]:
    out: list[str] = []
    for field in ("total", "base_total", "bonus_total", "deduction_total"):
        want = getattr(e, field)
        got = getattr(a, field)
        if want is not None and not _close(got, want, tol):
            out.append(f"{field}: expected {want}, got {got}")
    for field in ("band_grade", "grade"):
        want = getattr(e, field)
        if want is not None and getattr(a, field) != want:
            out.append(f"{field}: expected {want}, got {getattr(a, field)}")
    earned = a.earned()
    for line_id, want_pts in e.lines.items():
        if line_id not in earned:
            out.append(f"line {line_id}: no such line")
        elif not _close(earned[line_id], want_pts, tol):
            out.append(f"line {line_id}: expected {want_pts}, got {earned[line_id]}")
    fired = {f"{f.kind}:{f.id}" for f in a.fired} | {f.id for f in a.fired}
    for rule_id in e.fired:
        if rule_id not in fired:
            out.append(f"fired: expected {rule_id} to fire; fired {sorted(fired)}")
    for rule_id in e.not_fired:
        if rule_id in fired:
            out.append(f"not_fired: {rule_id} fired")
    if e.mandatory_failed is not None and sorted(a.mandatory_failed) != sorted(e.mandatory_failed):
        out.append(f"mandatory_failed: expected {e.mandatory_failed}, got {a.mandatory_failed}")
    return out


def run_scenarios(path: str | Path, *, text: str | None = None) -> list[ScenarioOutcome]:
    """Run every scenario of a YAML/JSON scenario file.

    Raises:
        RuleError: the file is malformed (message starts with the file).
        LoadError: the rubric it names cannot be found.
    """
    import json

    import yaml

    from foodsafety._yaml import load_json, safe_load
    from foodsafety.rules._document import document_error

    source = Path(path)
    try:
        raw = text if text is not None else source.read_text(encoding="utf-8")
        data = load_json(raw) if source.suffix == ".json" else safe_load(raw)
        spec = ScenarioFile.model_validate(data)
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(
            f"{source}: cannot read scenarios ({exc})", code="rule.unreadable", source=str(source)
        ) from None
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else getattr(exc, "lineno", None)
        where = f"{source}:{line}" if line else str(source)
        code, said = document_error(exc)
        raise RuleError(
            f"{where}: cannot read scenarios: {said}", code=code, source=str(source), row=line
        ) from None
    except RecordValidationError as exc:
        raise RuleError(
            f"{source}: {exc}", code="rule.scenarios", source=str(source), field=exc.field
        ) from None
    rubric = _resolve(spec.rubric, source.parent if text is None else None)
    outcomes: list[ScenarioOutcome] = []
    for sc in spec.scenarios:
        e = sc.expect
        failures: list[str] = []
        try:
            if sc.cohort is not None:
                members = {k: {**spec.defaults.evidence, **v} for k, v in sc.cohort.items()}
                cohort = assess_cohort(rubric, members)
                for subject, want in e.grades.items():
                    got = cohort.get(subject).grade
                    if got != want:
                        failures.append(f"grade of {subject}: expected {want}, got {got}")
                for subject, want_rank in e.ranks.items():
                    got_rank = cohort.get(subject).rank
                    if got_rank != want_rank:
                        failures.append(f"rank of {subject}: expected {want_rank}, got {got_rank}")
            else:
                a = score(rubric, {**spec.defaults.evidence, **sc.evidence}, subject=sc.name)
                failures += _check_one(a, e, sc.tolerance)
            if e.error is not None:
                failures.append(f"expected an evidence error about {e.error!r}, got none")
        except EvidenceError as exc:
            if e.error is None or e.error != exc.evidence:
                failures.append(f"unexpected evidence error: {exc}")
        except KeyError as exc:
            failures.append(f"unknown subject {exc}")
        outcomes.append(ScenarioOutcome(sc.name, not failures, tuple(failures)))
    return outcomes
