"""``foodsafety trace``: who answers for a business, and by which path (scenario 6, docs/domain.md §10).

``trace BUSINESS_ID --sample anyang`` builds the responsibility graph of the synthetic
Anyang-sized sample (seed 004, with synthetic officials) and prints the ordered chain: the
business's principal and director (主体责任), its cadre (包保), the township, county and city
leaders (属地管理, 党政同责, 分管), the regulators (监管) and the committees (协调), each with
its level and path. ``--severity`` prints the accountability chain of an incident instead;
``--picture out.png`` draws the trace; ``--lang en`` explains in English.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from foodsafety.cli._common import check_scale, console, guarded, output_file
from foodsafety.errors import FoodSafetyError

__all__ = ["app", "trace_command"]

app = typer.Typer(
    help="Who answers for a business, and by which path (责任追溯).",
    add_completion=False,
    pretty_exceptions_enable=False,
)

SAMPLES = ("anyang",)


def _sample_graph(sample: str, seed: int, scale: float) -> tuple[Any, Any]:
    from foodsafety.samples import anyang
    from foodsafety.samples._governance import sample_graph

    if sample not in SAMPLES:
        raise FoodSafetyError(
            f"--sample must be one of {', '.join(SAMPLES)} (got {sample!r})",
            code="cli.sample",
            field="sample",
            value=sample,
        )
    data = anyang(seed, scale=scale)
    return data, sample_graph(data, root="410500")


def _table(trace: Any, lang: str) -> None:
    from rich.table import Table

    from foodsafety.engines.tracing import role_label

    en = lang.startswith("en")
    table = Table(
        title=(
            f"{trace.name} ({trace.subject}) {trace.as_of}"
            if en
            else f"{trace.name}（{trace.subject}）{trace.as_of}"
        ),
        show_lines=False,
    )
    for head in (
        ("#", "party", "role", "kind", "level", "via")
        if en
        else (
            "#",
            "责任主体",
            "身份",
            "责任类型",
            "层级",
            "路径",
        )
    ):
        table.add_column(head)
    for i, link in enumerate(trace.links, start=1):
        names = [s.source_name for s in link.path[1:]]
        table.add_row(
            str(i),
            link.name,
            role_label(link.role, lang),
            link.kind.label(lang),
            "" if link.level is None else link.level.label(lang),
            " → ".join(names) if len(names) > 1 else "",
        )
    console.print(table)


@app.command("trace")
@guarded
def trace_command(
    business_id: Annotated[str, typer.Argument(help="USCC (or node id) of the business.")],
    sample: Annotated[
        str, typer.Option("--sample", help="Synthetic sample to trace in: anyang.")
    ] = "anyang",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the sample.")] = 0,
    scale: Annotated[float, typer.Option("--scale", help="Scale of the sample (1 = 16316).")] = 1.0,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date (YYYY-MM-DD); default the sample's date.")
    ] = None,
    kinds: Annotated[
        list[str] | None,
        typer.Option("--kind", help="Only these kinds (repeatable): primary, pairing, 监管..."),
    ] = None,
    severity: Annotated[
        str | None,
        typer.Option(
            "--severity", help="Print the accountability chain of an incident of this severity."
        ),
    ] = None,
    picture: Annotated[
        Path | None, typer.Option("--picture", help="Write a picture (.png, .svg, .pdf).")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="zh or en.")] = "zh",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Print who answers for BUSINESS_ID (主体责任、包保、属地管理、党政同责、监管、协调)."""
    from foodsafety.engines.graph_export import render_trace
    from foodsafety.engines.tracing import Incident, accountability, trace
    from foodsafety.vocab import Severity

    if lang not in ("zh", "en"):
        raise FoodSafetyError(
            f"--lang must be 'zh' or 'en' (got {lang!r})", code="cli.lang", value=lang
        )
    check_scale(scale)
    output_file(picture, "--picture", (".png", ".svg", ".pdf"))
    data, graph = _sample_graph(sample, seed, scale)
    try:
        day = data.as_of if as_of is None else dt.date.fromisoformat(as_of)
    except ValueError:
        raise FoodSafetyError(
            f"--as-of must be a date such as 2022-12-16 (got {as_of!r})",
            code="cli.date",
            field="as_of",
            value=as_of,
        ) from None
    node = business_id if business_id.startswith("business:") else f"business:{business_id}"
    if node not in graph:
        examples = ", ".join(data.businesses["uscc"].head(3).to_list())
        raise FoodSafetyError(
            f"business {business_id!r} is not in the {sample} sample (seed {seed}); "
            f"try one of {examples}",
            code="trace.unknown_subject",
            message_zh=f"样本中没有该主体：{business_id}",
            value=business_id,
        )
    if severity is not None:
        chain = accountability(graph, Incident(node, day, Severity.parse(severity)))
        if as_json:
            console.print_json(json.dumps(chain.to_dict(), ensure_ascii=False))
        else:
            console.print(chain.explain(lang), markup=False)
        return
    result = trace(graph, node, as_of=day, kinds=kinds or None)
    if as_json:
        console.print_json(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        _table(result, lang)
    if picture is not None:
        import warnings

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            render_trace(graph, result, picture, lang=lang)
        for w in caught:
            console.print(f"note: {w.message}")
        console.print(f"picture: {picture}")
