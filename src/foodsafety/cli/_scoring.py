"""``foodsafety score``, ``foodsafety rank`` and ``foodsafety rubric check``: assessments (评议考核).

- ``score RUBRIC EVIDENCE``: score one subject and explain every line;
- ``rank RUBRIC EVIDENCES``: score and rank a cohort (e.g. 16 cities, 27 member units), apply
  rank quotas, downgrades and vetoes, and print ranks, grades and reasons;
- ``rubric check FILE``: validate a rubric (or star/demonstration scheme) and print its tree;
- ``rubric test FILE``: run a rubric's scenario tests (:mod:`foodsafety.engines.scenarios`).

``RUBRIC`` is a YAML/JSON file or the name of a shipped preset (``national_annual_2023``).
Evidence is a JSON or YAML mapping (one subject), a mapping of subject to evidence, or a
CSV/Excel table with a ``subject`` column (``rank`` only). Results export to JSON, CSV or Excel.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table
from rich.tree import Tree

from foodsafety._atomic import write_text
from foodsafety.cli._common import check_lang, console, guarded, output_file
from foodsafety.errors import LoadError, polars_guard
from foodsafety.ledger._cells import write_frame

__all__ = ["app", "rank_command", "rubric_app", "score_command"]

app = typer.Typer(
    help="Assessments: score, rank and check rubrics (评议考核).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rubric_app = typer.Typer(
    help="Rubrics (评分细则): validate and show their structure.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _load_rule(spec: str) -> Any:
    from foodsafety import presets
    from foodsafety.rules.loading import load_rule

    path = Path(spec)
    if path.exists():
        return load_rule(path)
    if spec in presets.assessment_presets():
        return presets.load(spec)
    raise LoadError(
        f"{spec}: no such file, and no preset of that name (presets: "
        f"{', '.join(presets.assessment_presets())})",
        code="load.missing",
        source=spec,
    )


def _load_rubric(spec: str) -> Any:
    from foodsafety.rules.rubric import Rubric, StarScheme

    rule = _load_rule(spec)
    if isinstance(rule, StarScheme):
        return rule.rubric
    if not isinstance(rule, Rubric):
        raise LoadError(
            f"{spec}: holds a {type(rule).__name__}, not a rubric", code="load.kind", source=spec
        )
    return rule


def _read_evidence(path: Path) -> Any:
    """A JSON/YAML document, or a list of row dicts from a CSV/Excel table."""
    import yaml

    if not path.exists():
        raise LoadError(f"{path}: no such file", code="load.missing", source=str(path))
    suffix = path.suffix.lower()
    if suffix in (".csv", ".xlsx", ".xls"):
        import polars as pl

        # (a panic is no Exception: the guard outside makes it a ComputationError)
        with polars_guard("reading the evidence table", source=str(path)):
            try:
                frame = pl.read_csv(path) if suffix == ".csv" else pl.read_excel(path)
            except Exception as exc:  # polars and fastexcel raise several types for bad files
                raise LoadError(
                    f"{path}: cannot read evidence ({(str(exc).splitlines() or [repr(exc)])[0]})",
                    code="load.format",
                    source=str(path),
                ) from None
        if "subject" not in frame.columns:
            raise LoadError(
                f"{path}: a table of evidence needs a 'subject' column (got {frame.columns})",
                code="load.columns",
                source=str(path),
            )
        return {str(r.pop("subject")): r for r in frame.iter_rows(named=True)}
    from foodsafety._yaml import load_json, safe_load

    try:
        text = path.read_text(encoding="utf-8")
        return load_json(text) if suffix == ".json" else safe_load(text)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
        raise LoadError(
            f"{path}: cannot read evidence ({str(exc).splitlines()[0]})",
            code="load.failed",
            source=str(path),
        ) from None


def _export(rows: list[dict[str, Any]], payload: Any, json_out: Path | None,
            csv_out: Path | None, excel_out: Path | None) -> None:  # fmt: skip
    if json_out is not None:
        write_text(json_out, json.dumps(payload, ensure_ascii=False, indent=2, default=str))
        console.print(f"wrote {json_out}")
    if csv_out is not None or excel_out is not None:
        import polars as pl

        frame = pl.DataFrame(rows, infer_schema_length=None)
        if csv_out is not None:
            write_frame(frame, csv_out, format="csv")
            console.print(f"wrote {csv_out}")
        if excel_out is not None:
            write_frame(frame, excel_out, format="xlsx")
            console.print(f"wrote {excel_out}")


def _fmt(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:.2f}".rstrip("0").rstrip(".")


@guarded
def score_command(
    rubric: str = typer.Argument(..., help="Rubric file (YAML/JSON) or preset name."),
    evidence: Path = typer.Argument(..., help="Evidence of one subject (JSON/YAML mapping)."),
    subject: str = typer.Option("subject", help="Who is assessed."),
    lang: str = typer.Option("zh", help="Language of the reasons: zh or en."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the assessment as JSON."),
    csv_out: Path | None = typer.Option(None, "--csv", help="Write the lines as CSV."),
    excel_out: Path | None = typer.Option(None, "--excel", help="Write the lines as Excel."),
) -> None:
    """Score one subject against a rubric and explain every line."""
    from foodsafety.engines.scoring import score

    check_lang(lang)
    for out, option in ((json_out, "--json"), (csv_out, "--csv"), (excel_out, "--excel")):
        output_file(out, option)
    r = _load_rubric(rubric)
    ev = _read_evidence(evidence)
    if not isinstance(ev, dict):
        raise LoadError(f"{evidence}: evidence must be a mapping of names to values",
                        code="load.shape", source=str(evidence))  # fmt: skip
    a = score(r, ev, subject=subject)
    zh = lang.startswith("zh")
    table = Table(title=f"{r.title_zh if zh else r.title_en} — {subject}")
    for col in ("id", "名称" if zh else "name", "得分" if zh else "earned",
                "满分" if zh else "possible"):  # fmt: skip
        table.add_column(col)
    table.add_column("理由" if zh else "reason", overflow="fold")
    for ln in a.lines:
        indent = "  " if ln.parent else ""
        table.add_row(
            indent + ln.id,
            ln.name_zh if zh else ln.name_en,
            _fmt(ln.earned),
            _fmt(ln.possible),
            ln.reason_zh if zh else ln.reason_en,
        )
    console.print(table)
    console.print(a.explain(lang).splitlines()[0])
    for f in a.fired:
        console.print(f"! {f.kind} {f.id}: {f.reason_zh if zh else f.reason_en}")
    if a.grade is not None or a.grade_reason_en:
        console.print(
            f"{'等次' if zh else 'grade'}: {a.grade or '-'} "
            f"({a.grade_reason_zh if zh else a.grade_reason_en})"
        )
    rows = [ln.model_dump(mode="json") for ln in a.lines]
    for row in rows:
        row["evidence"] = json.dumps(row["evidence"], ensure_ascii=False)
    _export(rows, a.model_dump(mode="json"), json_out, csv_out, excel_out)


@guarded
def rank_command(
    rubric: str = typer.Argument(..., help="Rubric file (YAML/JSON) or preset name."),
    evidences: Path = typer.Argument(
        ..., help="Evidence per subject: JSON/YAML mapping, or CSV/Excel with a subject column."
    ),
    lang: str = typer.Option("zh", help="Language of the reasons: zh or en."),
    explain: bool = typer.Option(False, help="Also explain each subject's lost points."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the cohort as JSON."),
    csv_out: Path | None = typer.Option(None, "--csv", help="Write the ranking as CSV."),
    excel_out: Path | None = typer.Option(None, "--excel", help="Write the ranking as Excel."),
) -> None:
    """Score and rank a cohort; apply rank quotas, downgrades and vetoes; print the reasons."""
    from foodsafety.engines.scoring import assess_cohort

    check_lang(lang)
    for out, option in ((json_out, "--json"), (csv_out, "--csv"), (excel_out, "--excel")):
        output_file(out, option)
    r = _load_rubric(rubric)
    data = _read_evidence(evidences)
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise LoadError(f"{evidences}: evidence must map each subject to its evidence",
                        code="load.shape", source=str(evidences))  # fmt: skip
    cohort = assess_cohort(r, {str(k): v for k, v in data.items()})
    zh = lang.startswith("zh")
    table = Table(title=f"{r.title_zh if zh else r.title_en} ({len(data)})")
    for col in ("排名" if zh else "rank", "对象" if zh else "subject", "总分" if zh else "total",
                "等次" if zh else "grade"):  # fmt: skip
        table.add_column(col)
    table.add_column("理由" if zh else "reason", overflow="fold")
    for a in cohort.assessments:
        table.add_row(
            str(a.rank),
            a.subject,
            _fmt(a.total),
            a.grade or "",
            (a.grade_reason_zh if zh else a.grade_reason_en) or "",
        )
    console.print(table)
    if r.grading is not None:
        counts = ", ".join(
            f"{g.zh if zh else g.en}: {cohort.count(g.code)}" for g in r.grading.grades
        )
        console.print(counts)
    if explain:
        for a in cohort.assessments:
            console.print(a.explain(lang))
    _export(cohort.to_rows(), cohort.model_dump(mode="json"), json_out, csv_out, excel_out)


@rubric_app.command("check")
@guarded
def check_command(
    file: str = typer.Argument(..., help="Rubric, star scheme or demonstration scheme file."),
    lang: str = typer.Option("zh", help="Language of the names: zh or en."),
    properties: bool = typer.Option(
        False,
        "--properties",
        help="Also check the invariants every rubric must satisfy with hypothesis "
        "(scores in bounds, vetoes lowest, bonuses capped, quotas...).",
    ),
    max_examples: int = typer.Option(200, help="Examples per invariant with --properties."),
) -> None:
    """Validate a rubric file and print its structure (errors give file:line and key).

    With ``--properties`` the invariants of :func:`foodsafety.testing.check_rubric` are checked
    and the first counterexample of each broken one is printed; the exit status is 1 then.
    """
    from foodsafety.rules.conditions import describe
    from foodsafety.rules.rubric import DemonstrationScheme, Indicator, Rubric, Section, StarScheme

    check_lang(lang)
    if max_examples < 1:
        raise typer.BadParameter(
            f"must be at least 1 (got {max_examples})", param_hint="--max-examples"
        )
    rule = _load_rule(file)
    zh = lang.startswith("zh")
    console.print(f"[green]ok[/green] {file}: {type(rule).__name__} {rule.id} v{rule.version}, "
                  f"effective {rule.effective}")  # fmt: skip
    console.print(f"{rule.title_zh if zh else rule.title_en}")
    console.print(f"reference: {rule.reference.title}")
    if isinstance(rule, DemonstrationScheme):
        for s in rule.standards:
            console.print(f"  {s.standard.zh if zh else s.standard.en}: {s.evidence} >= {s.min}")
        return
    rubric = rule.rubric if isinstance(rule, StarScheme) else rule
    assert isinstance(rubric, Rubric)
    tree = Tree(
        f"[bold]{rubric.id}[/bold] {_fmt(rubric.max_points)} (+{_fmt(rubric.bonus_cap)} bonus cap)"
    )

    def add(branch: Tree, nodes: list[Section | Indicator]) -> None:
        for n in nodes:
            name = n.name_zh if zh else n.name_en
            if isinstance(n, Section):
                w = f", weight {_fmt(n.weight)}" if n.weight is not None else ""
                add(branch.add(f"{n.id} {name} [{_fmt(n.possible)}{w}]"), n.children)
            else:
                flag = " *mandatory*" if n.mandatory else ""
                branch.add(f"{n.id} {name} [{_fmt(n.points)}] {n.method.method}{flag}")

    add(tree, rubric.sections)
    for a in rubric.bonuses:
        tree.add(f"+ {a.id} {a.name_zh if zh else a.name_en} ({_fmt(a.per_unit)}/unit)")
    for a in rubric.deductions:
        tree.add(f"- {a.id} {a.name_zh if zh else a.name_en} ({_fmt(a.per_unit)}/unit)")
    console.print(tree)
    g = rubric.grading
    if g is not None:
        console.print("grades: " + " > ".join(x.code for x in g.grades))
        for b in g.bands:
            console.print(f"  band {b.grade}: total >= {_fmt(b.min)}")
        for q in g.quotas:
            size = f"top {q.top_n}" if q.top_n is not None else f"top {_fmt(q.top_percent)}%"
            floor = f", total >= {_fmt(q.min_score)}" if q.min_score is not None else ""
            console.print(f"  quota {q.grade}: {size}{floor} ({q.mode})")
        for d in g.downgrades:
            console.print(f"  downgrade {d.id} (-{d.steps}): {describe(d.when, lang)}")
        for v in g.vetoes:
            console.print(f"  veto {v.id}: {describe(v.when, lang)}")
    if isinstance(rule, StarScheme):
        for t in rule.stars:
            console.print(f"  {t.star.zh if zh else t.star.en}: >= {_fmt(t.min_score)}, "
                          f"mandatory {t.mandatory}")  # fmt: skip
    console.print("evidence: " + ", ".join(rubric.evidence_names()))
    for note in rule.notes:
        console.print(f"note: {note}")
    if properties:
        from foodsafety.errors import require

        require("hypothesis", extra="testing", feature="rubric check --properties")
        from foodsafety.testing import run_properties

        report = run_properties(rule, max_examples=max_examples, source=file)
        console.print(report.format("zh" if zh else "en"))
        if not report.ok:
            raise typer.Exit(1)


@rubric_app.command("test")
@guarded
def scenarios_command(
    file: Path = typer.Argument(..., help="Scenario file (YAML/JSON) naming a rubric."),
) -> None:
    """Run a rubric's scenario tests (a sentence, evidence, expected result) and report."""
    from foodsafety.engines.scenarios import run_scenarios

    outcomes = run_scenarios(file)
    for o in outcomes:
        mark = "[green]pass[/green]" if o.passed else "[red]FAIL[/red]"
        console.print(f"{mark} {o.name}")
        for f in o.failures:
            console.print(f"     {f}")
    failed = sum(not o.passed for o in outcomes)
    console.print(f"{len(outcomes) - failed} passed, {failed} failed")
    if failed:
        raise typer.Exit(code=1)


app.command("score")(score_command)
app.command("rank")(rank_command)
app.add_typer(rubric_app, name="rubric")
