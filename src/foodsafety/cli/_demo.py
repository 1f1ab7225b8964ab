"""``foodsafety demo``: what a newcomer sees first.

Shows the jurisdiction tree from Henan (河南省) down to Anyang's (安阳市) county-level units
with their codes from the bundled registry, then audits the synthetic Anyang pairing ledger
(seed 004's published size: 16316 businesses, 4806 cadres) and prints the summary per county.
"""

from __future__ import annotations

import datetime as dt

import typer
from rich.tree import Tree

from foodsafety.cli._common import console, guarded


def show_tree(province: str = "410000", city: str = "410500") -> None:
    """Print the province, its city and the city's county-level units with codes and kinds."""
    from foodsafety.models import JurisdictionTree
    from foodsafety.registry import registry

    reg = registry()
    tree = JurisdictionTree.from_registry(city, depth="township")
    top = reg.get(province)
    root = Tree(f"[bold]{top.name}[/bold] {top.code} ({top.kind.zh})")
    city_j = tree[city]
    branch = root.add(f"[bold]{city_j.name}[/bold] {city_j.code} ({city_j.kind.zh})")
    for county in tree.children(city):
        n = len(tree.children(county.code))
        branch.add(f"{county.name} {county.code} ({county.kind.zh}, {n} 个乡镇街道 townships)")
    console.print(
        f"Division registry: {reg.provenance['authority']}, table {reg.provenance['source_table']}, "
        f"as of {reg.edition.isoformat()}"
    )
    console.print(root)


@guarded
def demo(
    as_of: str = typer.Option("2022-12-31", help="Audit date (ISO), default the end of 2022."),
    seed: int = typer.Option(0, help="Seed of the synthetic sample."),
) -> None:
    """Show Henan's tree down to Anyang's counties, then audit the synthetic Anyang ledger."""
    try:  # fail early on a bad date, before anything is shown or generated
        dt.date.fromisoformat(as_of)
    except ValueError:
        raise typer.BadParameter(
            f"must be a date such as 2022-12-31 (got {as_of!r})", param_hint="--as-of"
        ) from None
    console.rule("1. Jurisdictions (辖区): Henan -> Anyang -> counties")
    show_tree()
    console.rule("2. Pairing audit (包保台账核查) of the SYNTHETIC Anyang sample")
    from foodsafety.cli._audit import audit_command

    audit_command(sample="anyang", as_of=as_of, seed=seed)
