"""Strategies for jurisdictions (辖区) and trees of them, from province down to village.

A drawn tree is a connected piece of the real division tree (docs/domain.md §1): a root from the
bundled registry and, below it, real cities, counties and townships, then villages whose
12-digit codes extend a real township, and optionally functional zones (开发区, ``410500/GXQ``).
Every child sits where :class:`~foodsafety.models.jurisdiction.JurisdictionTree` allows, so
every drawn tree validates.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from hypothesis import strategies as st

from foodsafety.models.jurisdiction import Jurisdiction, JurisdictionTree
from foodsafety.testing._common import check_level, check_size, check_type, codes_at, fail
from foodsafety.vocab import DivisionKind, Level

if TYPE_CHECKING:
    from foodsafety.models.bodies import Governance

__all__ = [
    "VILLAGE_NAMES",
    "ZONE_SLUGS",
    "governances",
    "jurisdiction_trees",
    "jurisdictions",
    "village_name",
]

_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)

#: Village name stems (村名): common, readable, and clearly made up when combined.
VILLAGE_NAMES: tuple[str, ...] = ("东关", "西街", "南庄", "北寨", "前营", "后屯", "新河", "柳林")

#: Slugs of functional zones (功能区): high-tech, economic development, bonded, industrial park.
ZONE_SLUGS: tuple[tuple[str, str], ...] = (
    ("GXQ", "高新技术产业开发区"),
    ("JKQ", "经济技术开发区"),
    ("BSQ", "综合保税区"),
    ("CYY", "产业集聚区"),
)


def village_name(stem: int, number: int, community: bool) -> str:
    """A readable village or community name: ``东关村``, ``西街社区``, ``南庄三村``."""
    base = VILLAGE_NAMES[stem % len(VILLAGE_NAMES)]
    nth = "" if number <= 1 else "一二三四五六七八九十"[(number - 1) % 10]
    return f"{base}{nth}{'社区' if community else '村'}"


def _division_record(code: str, *, root: bool) -> Jurisdiction:
    from foodsafety.registry import registry

    d = registry().get(code)
    return Jurisdiction(
        code=d.code, name=d.name, level=d.level, kind=d.kind, parent=None if root else d.parent
    )


@st.composite
def _village(draw: st.DrawFn, township: str, taken: set[str]) -> Jurisdiction | None:
    free = [n for n in range(1, 1000) if f"{township}{n:03d}" not in taken]
    if not free:  # pragma: no cover - a township with 999 drawn villages
        return None
    n = free[draw(st.integers(min_value=0, max_value=min(len(free), 30) - 1))]
    community = draw(st.booleans())
    return Jurisdiction(
        code=f"{township}{n:03d}",
        name=village_name(n, n // len(VILLAGE_NAMES), community),
        level=Level.VILLAGE,
        kind=DivisionKind.COMMUNITY if community else DivisionKind.VILLAGE,
        parent=township,
    )


def _zone(parent: Jurisdiction, slug: int) -> Jurisdiction:
    code, name = ZONE_SLUGS[slug]
    level = Level.COUNTY if parent.level.depth < Level.COUNTY.depth else Level.TOWNSHIP
    return Jurisdiction(
        code=f"{parent.code}/{code}",
        name=f"{parent.name}{name}",
        level=level,
        kind=DivisionKind.FUNCTIONAL_ZONE,
        parent=parent.code,
    )


@st.composite
def _trees(
    draw: st.DrawFn,
    min_size: int,
    max_size: int,
    root: str | None,
    depth: Level,
    zones: bool,
) -> JurisdictionTree:
    from foodsafety.registry import registry

    reg = registry()
    top = root or draw(st.sampled_from(codes_at(Level.PROVINCE, None)))
    records: dict[str, Jurisdiction] = {top: _division_record(top, root=True)}
    target = draw(st.integers(min_value=min_size, max_value=max_size))
    order = [top]  # the nodes in insertion order
    while len(records) < target:
        grown = False
        # Index 0 is the node added last, so a shrunk tree is one chain from the root down
        # (北京市, 东城区, 东华门街道, a village); larger indices widen it.
        newest = order[::-1]
        start = draw(st.integers(min_value=0, max_value=len(newest) - 1))
        # Try the drawn node first, then the others, so that a full node never stops the tree
        # from reaching min_size while another node can still grow.
        for code in newest[start:] + newest[:start]:
            node = records[code]
            if node.is_zone or node.level.depth >= depth.depth:
                continue
            if node.level is Level.TOWNSHIP:
                village = draw(_village(code, set(records)))
                if village is None:
                    continue
                records[village.code] = village
                order.append(village.code)
                grown = True
                break
            kids = [c.code for c in reg.children(code) if c.code not in records]
            kids = [k for k in kids if reg.get(k).level.depth <= depth.depth]
            if zones and node.level in (Level.CITY, Level.COUNTY) and draw(st.integers(0, 9)) == 0:
                slug = draw(st.integers(min_value=0, max_value=len(ZONE_SLUGS) - 1))
                z = _zone(node, slug)
                if z.code not in records:
                    records[z.code] = z
                    order.append(z.code)
                    grown = True
                    break
            if not kids:
                continue
            kid = kids[draw(st.integers(min_value=0, max_value=len(kids) - 1))]
            records[kid] = _division_record(kid, root=False)
            order.append(kid)
            grown = True
            break
        if not grown:
            break  # the piece of the registry below the root is smaller than the target
    return JurisdictionTree(records.values())


def jurisdiction_trees(
    *,
    min_size: int = 1,
    max_size: int = 12,
    root: str | None = None,
    depth: Level | str = Level.VILLAGE,
    zones: bool = False,
) -> st.SearchStrategy[JurisdictionTree]:
    """Valid jurisdiction trees (辖区树): a real root and a connected piece of what lies below.

    Args:
        min_size: the fewest jurisdictions (reached unless the registry below ``root`` and
            ``depth`` is smaller; villages make any township tree as large as asked).
        max_size: the most jurisdictions.
        root: the root division (``"410500"`` for Anyang); ``None`` draws a province.
        depth: the lowest level in the tree (``"county"`` stops above townships).
        zones: also draw functional zones (``<city or county>/<SLUG>``) acting as a county or
            township.

    Raises:
        InvalidArgument: bad sizes, unknown level, or ``root`` not in the registry.

    Shrinks toward a single chain from the root down (北京市, 东城区, 东华门街道...).
    """
    check_size("jurisdiction_trees", min_size, max_size, low=1)
    check_type("jurisdiction_trees", "zones", zones, bool)
    lowest = check_level("jurisdiction_trees", "depth", depth, _LEVELS)
    top = None
    if root is not None:
        from foodsafety.errors import FoodSafetyError
        from foodsafety.registry import registry

        try:
            top = registry().get(root).code
        except FoodSafetyError:
            raise fail(
                "jurisdiction_trees",
                "root",
                "must be a division code of the bundled registry",
                root,
            ) from None
        if registry().get(top).level.depth > lowest.depth:
            raise fail("jurisdiction_trees", "depth", f"must not be above the root {top}", depth)
    return _trees(min_size, max_size, top, lowest, zones)


def jurisdictions(
    *, level: Level | str | None = None, within: str | None = None
) -> st.SearchStrategy[Jurisdiction]:
    """Single :class:`~foodsafety.models.jurisdiction.Jurisdiction` records of real divisions.

    Args:
        level: the level (``province`` ... ``village``); ``None`` for any.
        within: a division of the registry they lie in.
    """
    from foodsafety.testing._ids import division_codes

    codes = division_codes(level=level, within=within)

    def build(code: str) -> Jurisdiction:
        if len(code) == 12:
            return Jurisdiction(
                code=code,
                name=village_name(int(code[-3:]), 1, False),
                level=Level.VILLAGE,
                kind=DivisionKind.VILLAGE,
                parent=code[:9],
            )
        return _division_record(code, root=False)

    return codes.map(build)


@st.composite
def _governances(
    draw: st.DrawFn, trees: st.SearchStrategy[JurisdictionTree], max_officials: int
) -> Governance:
    from foodsafety.models.bodies import Governance, Official, standard_bodies
    from foodsafety.testing._records import _period, person_names
    from foodsafety.vocab import OfficialPost

    tree = draw(trees)
    bodies = [b for j in tree.walk() for b in standard_bodies(j)]
    officials = []
    for i in range(draw(st.integers(min_value=0, max_value=max_officials))):
        body = bodies[draw(st.integers(min_value=0, max_value=len(bodies) - 1))]
        start, end = draw(
            _period(dt.date(2018, 1, 1), dt.date(2025, 12, 31), open_end=True, strict=True)
        )
        officials.append(
            Official(
                id=f"O{i + 1:04d}",
                name=draw(person_names()),
                post=draw(st.sampled_from(list(OfficialPost))),
                body=body.id,
                jurisdiction=body.jurisdiction,
                portfolio=tuple(
                    draw(
                        st.lists(
                            st.sampled_from(["食品安全", "市场监管", "农业农村"]),
                            max_size=2,
                            unique=True,
                        )
                    )
                ),
                valid_from=start if draw(st.booleans()) else None,
                valid_to=end,
            )
        )
    return Governance.standard(tree, officials)


def governances(
    *,
    min_size: int = 1,
    max_size: int = 6,
    root: str | None = None,
    max_officials: int = 6,
) -> st.SearchStrategy[Governance]:
    """Governance structures (党委、政府、食安委、食安办、市场监管): the standard bodies of every
    jurisdiction of a drawn tree and officials holding posts in them (docs/domain.md §2).

    Args:
        min_size, max_size, root: as for :func:`jurisdiction_trees` (no villages' zones).
        max_officials: the most officials.
    """
    check_type("governances", "max_officials", max_officials, int)
    if max_officials < 0:
        raise fail("governances", "max_officials", "must be at least 0", max_officials)
    trees = jurisdiction_trees(min_size=min_size, max_size=max_size, root=root)
    return _governances(trees, max_officials)
