"""``foodsafety divisions``: look up the bundled division registry (行政区划) by code or name.

``show CODE`` prints a division's name, level, kind, chain of parents and number of children;
``search NAME`` finds divisions by name (simplified or traditional, with or without suffix).
The registry is the Ministry of Civil Affairs' table as of 2025-12-31 (see docs/divisions.md).
"""

from __future__ import annotations

import typer
from rich.table import Table

from foodsafety.cli._common import console, guarded

app = typer.Typer(
    name="divisions",
    help="Look up administrative divisions (行政区划) by code or name.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command("show")
@guarded
def show(
    code: str = typer.Argument(..., help="Division code: 6, 9 or 12 digits (410500, 410522102)."),
) -> None:
    """Show one division: name, level, kind, parents and number of children."""
    from foodsafety.registry import registry

    reg = registry()
    d = reg.get(code)
    table = Table(title=f"{d.name} {d.code}", show_header=False)
    table.add_column("field")
    table.add_column("value")
    table.add_row("code 代码", d.code)
    table.add_row("name 名称", d.name)
    table.add_row("level 层级", f"{d.level.zh} {d.level.value}")
    table.add_row("kind 类型", f"{d.kind.zh} {d.kind.value}")
    chain = " > ".join(f"{a.name} {a.code}" for a in reversed(reg.ancestors(d.code)))
    table.add_row("parents 上级", chain or "-")
    table.add_row("children 下级", str(len(reg.children(d.code))))
    table.add_row("edition 版本", f"{reg.source_table} ({reg.edition.isoformat()})")
    console.print(table)


@app.command("search")
@guarded
def search(
    name: str = typer.Argument(..., help="Name, e.g. 安阳, 安陽市, 林州."),
    level: str | None = typer.Option(None, "--level", "-l", help="province/city/county/township"),
    within: str | None = typer.Option(None, "--within", "-w", help="Only below this code."),
    limit: int = typer.Option(50, "--limit", "-n", min=0, help="Show at most this many."),
) -> None:
    """Find divisions by name (simplified or traditional, with or without 市/县/区/镇...)."""
    from foodsafety.registry import registry

    reg = registry()
    found = reg.search(name, level=level, within=within)
    if not found:
        console.print(f"no division named {name!r} (未找到名为 {name} 的行政区划)")
        raise typer.Exit(code=1)
    table = Table(title=f"{len(found)} match(es) for {name}")
    for column in ("code 代码", "name 名称", "level 层级", "kind 类型", "parents 上级"):
        table.add_column(column)
    for d in found[:limit]:
        parents = " > ".join(a.name for a in reversed(reg.ancestors(d.code)))
        table.add_row(d.code, d.name, d.level.zh, d.kind.zh, parents or "-")
    console.print(table)
    if len(found) > limit:
        console.print(f"... and {len(found) - limit} more (use --limit)")
