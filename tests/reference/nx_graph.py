"""The responsibility graph (责任网络): who answers for what, as a typed networkx multigraph.

the architecture ("Responsibility is a graph") and docs/domain.md §2–4: every responsibility in local
food-safety governance is an edge with a kind — the business's primary responsibility
(主体责任), pairing (包保), territorial management (属地管理), shared party-government
responsibility (党政同责), regulatory supervision (监管), coordination by the food safety
committee and its office (协调) and the portfolio duties of the other leaders (分管 / 一岗双责).
Seed 004 (Anyang) names the chain this graph holds: businesses with a principal and a food
safety director, 4806 cadres of city, county, township and village pairing 16316 businesses,
the party committees and governments of each level, the market regulation bureau and the
committee office.

:func:`build_graph` turns a :class:`~foodsafety.models.Governance` (jurisdiction tree, bodies,
officials) and a pairing ledger into a :class:`networkx.MultiDiGraph`. The graph is the public
representation: every attribute is a plain Python value, documented below, so any networkx
algorithm runs on it; :mod:`foodsafety.engines.tracing` answers "who answers for this?" on it.

**Direction.** An edge points *from the responsible party to what it answers for*
(``cadre:C1 -> business:914105...``). A trace therefore walks predecessors.

**Node ids** (``<type>:<id>``):

=============================== ============================================================
``jurisdiction:<code>``         a jurisdiction (``jurisdiction:410500``, ``jurisdiction:410500/GXQ``)
``body:<body id>``              a body (``body:410500:government``; see :func:`~foodsafety.models.body_id`)
``official:<id>``               an official in a post (任职), from :class:`~foodsafety.models.Official`
``cadre:<cadre_id>``            a pairing cadre (包保干部) from the ledger
``business:<uscc>``             a licensed food business (食品生产经营主体)
``person:<uscc>:<post>``        the business's principal (``principal``) or food safety director
                                (``food_safety_director``)
=============================== ============================================================

**Node attributes** (an attribute without a value is *absent*, never ``None``):

- every node: ``type`` (``jurisdiction``, ``body``, ``official``, ``cadre``, ``business``,
  ``person``), ``name``, ``level`` (a :class:`~foodsafety.vocab.Level` code), ``jurisdiction``
  (the code of the jurisdiction the node belongs to; for a business, the code in its record);
- jurisdiction: ``code``, ``division_kind``, ``parent``;
- body: ``body_kind`` (:class:`~foodsafety.vocab.BodyKind` code), ``hosted_by``, ``member_of``;
- official: ``post`` (:class:`~foodsafety.vocab.OfficialPost` code), ``body`` (body id),
  ``portfolio`` (tuple of str), ``valid_from``, ``valid_to``;
- cadre: ``unit``, ``post``, ``valid_from``, ``valid_to`` (the cadre's active period);
- business: ``uscc``, ``business_kind``, ``tier``, ``risk_grade``, ``anchor`` (the code of the
  jurisdiction of the tree it hangs from, when its own code — a village not in the tree — is
  not in the tree), ``valid_from`` (opened), ``valid_to`` (closed);
- person: ``post`` (:class:`~foodsafety.vocab.BusinessPost` code), ``uscc``.

**Edge attributes** (edge keys are stable strings: the kind code, or the assignment id for a
pairing edge):

- ``kind``: a :class:`~foodsafety.vocab.ResponsibilityKind` code;
- ``level``: the level of the responsible side (for primary responsibility, the business's
  jurisdiction level; for pairing, the cadre's level);
- ``role``: what the responsible side is: a :class:`~foodsafety.vocab.BodyKind`,
  :class:`~foodsafety.vocab.OfficialPost` or :class:`~foodsafety.vocab.BusinessPost` code,
  ``cadre``, or ``jurisdiction`` for the structural territorial edges (a jurisdiction answers
  for its sub-jurisdictions and for the businesses located in it);
- ``valid_from``, ``valid_to``: ``datetime.date``; the edge holds on day *d* when
  ``valid_from <= d < valid_to`` (either bound may be absent: open). A pairing edge's period
  is the assignment's, cut to the cadre's active period and the business's operating period;
  an official's edge is the term; a business's own edges run from opening to closing;
- ``assignment_id`` on pairing edges.

Which edges exist:

=========================================== ============== =====================================
edge                                        kind           role
=========================================== ============== =====================================
person (principal / director) -> business   primary        ``principal``, ``food_safety_director``
cadre -> business                           pairing        ``cadre``
jurisdiction -> business (located in)       territorial    ``jurisdiction``
jurisdiction -> sub-jurisdiction            territorial    ``jurisdiction``
party committee, government -> jurisdiction territorial    ``party_committee``, ``government``
village committee -> village                territorial    ``village_committee``
bureau / station -> jurisdiction            regulatory     ``market_regulation_bureau`` / ``..._station``
committee, office -> jurisdiction           coordination   ``food_safety_committee``, ``food_safety_office``
member unit -> committee                    coordination   ``member_unit``
party secretary, government head -> body    party_government
deputy in charge, other leaders -> body     portfolio
committee chair / deputy, office director,  coordination
unit head, liaison officer -> body
bureau director, station head -> body       regulatory
village head -> village committee           territorial
=========================================== ============== =====================================
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final, Protocol

import networkx as nx

from foodsafety.errors import BulkValidationError, Problem, ProblemReport
from foodsafety.models.bodies import Governance, Official
from foodsafety.models.jurisdiction import JurisdictionTree
from foodsafety.vocab import BodyKind, BusinessPost, Level, OfficialPost, ResponsibilityKind

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "BODY_EDGE_KINDS",
    "DIRECTION",
    "NODE_TYPES",
    "POST_EDGE_KINDS",
    "SCHEMA",
    "LedgerLike",
    "ResponsibilityGraph",
    "adjacency",
    "body_node",
    "build_graph",
    "business_node",
    "cadre_node",
    "edge_active",
    "jurisdiction_node",
    "official_node",
    "person_node",
]

#: The schema name stored in ``graph.graph["schema"]``.
SCHEMA: Final = "foodsafety.responsibility/1"
#: The edge direction, stored in ``graph.graph["direction"]``.
DIRECTION: Final = "responsible_to_subject"
#: Node types, the ``type`` attribute.
NODE_TYPES: Final = ("jurisdiction", "body", "official", "cadre", "business", "person")

#: The responsibility kind of the edge from a body to what it answers for.
BODY_EDGE_KINDS: Final[Mapping[BodyKind, ResponsibilityKind]] = {
    BodyKind.PARTY_COMMITTEE: ResponsibilityKind.TERRITORIAL,
    BodyKind.GOVERNMENT: ResponsibilityKind.TERRITORIAL,
    BodyKind.VILLAGE_COMMITTEE: ResponsibilityKind.TERRITORIAL,
    BodyKind.MARKET_REGULATION_BUREAU: ResponsibilityKind.REGULATORY,
    BodyKind.MARKET_REGULATION_STATION: ResponsibilityKind.REGULATORY,
    BodyKind.FOOD_SAFETY_COMMITTEE: ResponsibilityKind.COORDINATION,
    BodyKind.FOOD_SAFETY_OFFICE: ResponsibilityKind.COORDINATION,
    BodyKind.MEMBER_UNIT: ResponsibilityKind.COORDINATION,
}

#: The responsibility kind of the edge from an official to the body of its post.
POST_EDGE_KINDS: Final[Mapping[OfficialPost, ResponsibilityKind]] = {
    OfficialPost.PARTY_SECRETARY: ResponsibilityKind.PARTY_GOVERNMENT,
    OfficialPost.GOVERNMENT_HEAD: ResponsibilityKind.PARTY_GOVERNMENT,
    OfficialPost.DEPUTY_IN_CHARGE: ResponsibilityKind.PORTFOLIO,
    OfficialPost.OTHER_LEADER: ResponsibilityKind.PORTFOLIO,
    OfficialPost.COMMITTEE_CHAIR: ResponsibilityKind.COORDINATION,
    OfficialPost.COMMITTEE_DEPUTY_CHAIR: ResponsibilityKind.COORDINATION,
    OfficialPost.OFFICE_DIRECTOR: ResponsibilityKind.COORDINATION,
    OfficialPost.UNIT_HEAD: ResponsibilityKind.COORDINATION,
    OfficialPost.LIAISON_OFFICER: ResponsibilityKind.COORDINATION,
    OfficialPost.BUREAU_DIRECTOR: ResponsibilityKind.REGULATORY,
    OfficialPost.STATION_HEAD: ResponsibilityKind.REGULATORY,
    OfficialPost.VILLAGE_HEAD: ResponsibilityKind.TERRITORIAL,
}

_JUR_ROLE: Final = "jurisdiction"
_CADRE_ROLE: Final = "cadre"

#: The graph type: node ids are strings.
ResponsibilityGraph = nx.MultiDiGraph


class LedgerLike(Protocol):
    """What :func:`build_graph` reads from a ledger: three polars tables of ``ledger.schema``.

    :class:`foodsafety.ledger.Ledger` and a :class:`foodsafety.samples.Sample` both qualify.
    """

    @property
    def businesses(self) -> pl.DataFrame: ...

    @property
    def cadres(self) -> pl.DataFrame: ...

    @property
    def assignments(self) -> pl.DataFrame: ...


# -- node ids ----------------------------------------------------------------------------


def jurisdiction_node(code: str) -> str:
    """``jurisdiction:<code>``."""
    return f"jurisdiction:{code}"


def body_node(body_id: str) -> str:
    """``body:<body id>``."""
    return f"body:{body_id}"


def official_node(official_id: str) -> str:
    """``official:<id>``."""
    return f"official:{official_id}"


def cadre_node(cadre_id: str) -> str:
    """``cadre:<cadre_id>``."""
    return f"cadre:{cadre_id}"


def business_node(uscc: str) -> str:
    """``business:<uscc>``."""
    return f"business:{uscc}"


def person_node(uscc: str, post: BusinessPost | str) -> str:
    """``person:<uscc>:<post code>`` for a business's principal or food safety director."""
    return f"person:{uscc}:{BusinessPost.parse(post).value}"


#: networkx's node dict: node id -> attribute dict.
NodeMap = dict[str, dict[str, Any]]
#: networkx's adjacency of a multigraph: node -> neighbour -> key -> edge attribute dict.
Adjacency = dict[str, dict[str, dict[str, dict[str, Any]]]]


def adjacency(graph: nx.MultiDiGraph[str]) -> tuple[NodeMap, Adjacency, Adjacency]:
    """networkx's own dicts of a graph: nodes, successors, predecessors (read-only use).

    Hot loops read these instead of the views (``graph.pred[v]``), which cost an object each.
    """
    g: Any = graph
    return g._node, g._succ, g._pred


def edge_active(attrs: Mapping[str, Any], day: dt.date) -> bool:
    """True when an edge (or node) with these attributes holds on ``day``."""
    start = attrs.get("valid_from")
    if start is not None and day < start:
        return False
    end = attrs.get("valid_to")
    return end is None or day < end


# -- building ----------------------------------------------------------------------------


def _plain(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None and v != ()}


def _cut(
    start: dt.date | None, end: dt.date | None, start2: dt.date | None, end2: dt.date | None
) -> tuple[dt.date | None, dt.date | None]:
    """The intersection of two half-open periods (``None`` bounds are open)."""
    lo = start if start2 is None else start2 if start is None else max(start, start2)
    hi = end if end2 is None else end2 if end is None else min(end, end2)
    return lo, hi


def _add_governance(g: nx.MultiDiGraph[str], gov: Governance) -> None:
    tree = gov.tree
    for j in tree:
        g.add_node(
            jurisdiction_node(j.code),
            **_plain(
                type="jurisdiction",
                name=j.name,
                level=j.level.value,
                jurisdiction=j.code,
                code=j.code,
                division_kind=j.kind.value,
                parent=j.parent,
            ),
        )
    for j in tree:
        parent = tree.parent(j.code)
        if parent is not None:
            g.add_edge(
                jurisdiction_node(parent.code),
                jurisdiction_node(j.code),
                key=ResponsibilityKind.TERRITORIAL.value,
                kind=ResponsibilityKind.TERRITORIAL.value,
                level=parent.level.value,
                role=_JUR_ROLE,
            )
    for b in gov.bodies:
        level = tree[b.jurisdiction].level.value
        g.add_node(
            body_node(b.id),
            **_plain(
                type="body",
                name=b.name,
                level=level,
                jurisdiction=b.jurisdiction,
                body_kind=b.kind.value,
                hosted_by=b.hosted_by,
                member_of=b.member_of,
            ),
        )
        kind = BODY_EDGE_KINDS[b.kind]
        target = (
            body_node(b.member_of)
            if b.kind is BodyKind.MEMBER_UNIT and b.member_of is not None
            else jurisdiction_node(b.jurisdiction)
        )
        g.add_edge(
            body_node(b.id), target, key=kind.value, kind=kind.value, level=level, role=b.kind.value
        )
    for o in gov.officials:
        _add_official(g, o, tree)


def _add_official(g: nx.MultiDiGraph[str], o: Official, tree: JurisdictionTree) -> None:
    level = tree[o.jurisdiction].level.value
    node = official_node(o.id)
    g.add_node(
        node,
        **_plain(
            type="official",
            name=o.name,
            level=level,
            jurisdiction=o.jurisdiction,
            post=o.post.value,
            body=o.body,
            portfolio=tuple(o.portfolio),
            valid_from=o.valid_from,
            valid_to=o.valid_to,
        ),
    )
    kind = POST_EDGE_KINDS[o.post]
    g.add_edge(
        node,
        body_node(o.body),
        key=kind.value,
        **_plain(
            kind=kind.value,
            level=level,
            role=o.post.value,
            valid_from=o.valid_from,
            valid_to=o.valid_to,
        ),
    )


def _anchor(tree: JurisdictionTree, code: str) -> str | None:
    """The nearest jurisdiction of the tree at or above ``code`` (a village not in the tree)."""
    from foodsafety.registry import structural_parent

    current: str | None = code
    while current:
        if current in tree:
            return tree[current].code
        try:
            current = structural_parent(current)
        except Exception:  # a malformed code: reported by the caller
            return None
    return None


def _problem(table: str, row: int, column: str, value: object, code: str, message: str) -> Problem:
    return Problem(
        code=code, message=message, record=table, field=column, value=value, row=row, column=column
    )


def _rows(frame: pl.DataFrame, columns: Iterable[str]) -> Iterator[tuple[Any, ...]]:
    return frame.select(list(columns)).iter_rows()


def _add_ledger(g: nx.MultiDiGraph[str], tree: JurisdictionTree, ledger: LedgerLike) -> None:
    report = ProblemReport()
    anchors: dict[str, str | None] = {}
    levels: dict[str, str] = {}

    def anchor(code: str) -> str | None:
        found = anchors.get(code, "")
        if found == "":
            found = anchors[code] = _anchor(tree, code)
        return found

    def level_of(code: str) -> str:
        lv = levels.get(code)
        if lv is None:
            from foodsafety.registry import level_of as reg_level

            lv = levels[code] = tree[code].level.value if code in tree else reg_level(code).value
        return lv

    principal = BusinessPost.PRINCIPAL.value
    director = BusinessPost.FOOD_SAFETY_DIRECTOR.value
    primary = ResponsibilityKind.PRIMARY.value
    territorial = ResponsibilityKind.TERRITORIAL.value
    pairing = ResponsibilityKind.PAIRING.value
    nodes: list[tuple[str, dict[str, Any]]] = []
    edges: list[tuple[str, str, str, dict[str, Any]]] = []
    columns: tuple[str, ...] = (
        "uscc",
        "name",
        "kind",
        "jurisdiction",
        "tier",
        "risk_grade",
        "principal",
        "director",
        "opened",
        "closed",
    )
    seen: dict[str, tuple[dt.date | None, dt.date | None]] = {}
    for i, (uscc, name, kind, code, tier, risk, head, chief, opened, closed) in enumerate(
        _rows(ledger.businesses, columns), start=1
    ):
        home = anchor(code) if code else None
        if home is None:
            report.add(
                _problem(
                    "businesses",
                    i,
                    "jurisdiction",
                    code,
                    "graph.unknown_jurisdiction",
                    f"business {uscc}: jurisdiction {code!r} is not in the tree "
                    f"(nor is any jurisdiction above it)",
                )
            )
            continue
        if uscc in seen:
            report.add(
                _problem(
                    "businesses", i, "uscc", uscc, "graph.duplicate", f"uscc {uscc} appears twice"
                )
            )
            continue
        seen[uscc] = (opened, closed)
        level = level_of(code)
        bnode = f"business:{uscc}"
        # Plain dict literals, not _plain(): this loop runs a million times for a province.
        battrs: dict[str, Any] = {
            "type": "business",
            "name": name,
            "level": level,
            "jurisdiction": code,
            "uscc": uscc,
            "business_kind": kind,
        }
        if tier is not None:
            battrs["tier"] = tier
        if risk is not None:
            battrs["risk_grade"] = risk
        if home != code:
            battrs["anchor"] = home
        period: dict[str, dt.date] = {}
        if opened is not None:
            period["valid_from"] = opened
        if closed is not None:
            period["valid_to"] = closed
        battrs.update(period)
        nodes.append((bnode, battrs))
        edges.append(
            (
                "jurisdiction:" + home,
                bnode,
                territorial,
                {"kind": territorial, "level": level_of(home), "role": _JUR_ROLE, **period},
            )
        )
        for post, person in ((principal, head), (director, chief)):
            if person:
                pnode = f"person:{uscc}:{post}"
                nodes.append(
                    (
                        pnode,
                        {
                            "type": "person",
                            "name": person,
                            "level": level,
                            "jurisdiction": code,
                            "post": post,
                            "uscc": uscc,
                        },
                    )
                )
                edges.append(
                    (
                        pnode,
                        bnode,
                        primary,
                        {"kind": primary, "level": level, "role": post, **period},
                    )
                )
    cadre_info: dict[str, tuple[str, dt.date | None, dt.date | None]] = {}
    columns = (
        "cadre_id",
        "name",
        "level",
        "jurisdiction",
        "unit",
        "post",
        "active_from",
        "active_to",
    )
    for i, (cid, name, level, code, unit, post, start, end) in enumerate(
        _rows(ledger.cadres, columns), start=1
    ):
        if cid in cadre_info:
            report.add(
                _problem(
                    "cadres", i, "cadre_id", cid, "graph.duplicate", f"cadre_id {cid} appears twice"
                )
            )
            continue
        cadre_info[cid] = (level, start, end)
        nodes.append(
            (
                cadre_node(cid),
                _plain(
                    type="cadre",
                    name=name,
                    level=level,
                    jurisdiction=code,
                    unit=unit,
                    post=post,
                    valid_from=start,
                    valid_to=end,
                ),
            )
        )
    columns = ("assignment_id", "cadre_id", "uscc", "valid_from", "valid_to")
    for i, (aid, cid, uscc, start, end) in enumerate(_rows(ledger.assignments, columns), start=1):
        info = cadre_info.get(cid)
        if info is None:
            report.add(
                _problem(
                    "assignments",
                    i,
                    "cadre_id",
                    cid,
                    "graph.unknown_cadre",
                    f"assignment {aid}: cadre {cid!r} is not in the cadres table",
                )
            )
            continue
        if uscc not in seen:
            report.add(
                _problem(
                    "assignments",
                    i,
                    "uscc",
                    uscc,
                    "graph.unknown_business",
                    f"assignment {aid}: business {uscc!r} is not in the businesses table",
                )
            )
            continue
        level, active_from, active_to = info
        lo, hi = _cut(start, end, active_from, active_to)
        # A business is answered for only while it operates, like its own edges.
        lo, hi = _cut(lo, hi, *seen[uscc])
        edges.append(
            (
                cadre_node(cid),
                business_node(uscc),
                aid,
                _plain(
                    kind=pairing,
                    level=level,
                    role=_CADRE_ROLE,
                    valid_from=lo,
                    valid_to=hi,
                    assignment_id=aid,
                ),
            )
        )
    if report:
        raise BulkValidationError("the ledger for the responsibility graph", report)
    _bulk_add(g, nodes, edges)


def _bulk_add(
    g: nx.MultiDiGraph[str],
    nodes: Iterable[tuple[str, dict[str, Any]]],
    edges: Iterable[tuple[str, str, str, dict[str, Any]]],
) -> None:
    """Add many nodes and keyed edges straight into networkx's documented adjacency dicts.

    ``add_edges_from`` costs about 20 microseconds an edge through its views; a province's
    ledger has millions of edges, so this writes the dict-of-dict-of-dict-of-dict structure
    (``_succ[u][v][key]`` shared with ``_pred[v][u][key]``) the way ``MultiDiGraph.add_edge``
    does, and then clears networkx's cached views.
    """
    node_attrs, succ, pred = adjacency(g)
    factories: Any = g
    new_adj = factories.adjlist_inner_dict_factory
    for n, data in nodes:
        if n in succ:
            node_attrs[n].update(data)
        else:
            succ[n] = new_adj()
            pred[n] = new_adj()
            node_attrs[n] = data
    new_keys = factories.edge_key_dict_factory
    for u, v, key, data in edges:
        for n in (u, v):
            if n not in succ:
                succ[n] = new_adj()
                pred[n] = new_adj()
                node_attrs[n] = factories.node_attr_dict_factory()
        keydict = succ[u].get(v)
        if keydict is None:
            keydict = succ[u][v] = pred[v][u] = new_keys()
        keydict[key] = data
    cache = getattr(g, "__networkx_cache__", None)
    if cache is not None:
        cache.clear()


def build_graph(
    governance: Governance | JurisdictionTree,
    ledger: LedgerLike | None = None,
    *,
    name: str = "",
) -> nx.MultiDiGraph[str]:
    """Build the responsibility graph of a governance structure and its pairing ledger.

    Args:
        governance: the jurisdictions with their bodies and officials; a bare
            :class:`~foodsafety.models.JurisdictionTree` gets the standard bodies of each
            jurisdiction and no officials.
        ledger: the pairing ledger (businesses, cadres, assignments); ``None`` builds the
            governance part only.
        name: stored as ``graph.graph["name"]``.

    Returns:
        A :class:`networkx.MultiDiGraph` with the node and edge attributes of this module's
        documentation; ``graph.graph`` holds ``schema``, ``direction`` and ``name``.

    Raises:
        BulkValidationError: ledger rows that cannot be placed (a business in a jurisdiction
            outside the tree, an assignment naming an unknown cadre or business, duplicate
            keys); every such row is listed, with its table, row and column.

    Example:
        >>> from foodsafety.models import JurisdictionTree
        >>> g = build_graph(JurisdictionTree.from_registry("410522", depth="county"))
        >>> sorted(g.predecessors("jurisdiction:410522"))[:2]
        ['body:410522:food_safety_committee', 'body:410522:food_safety_office']
    """
    gov = governance if isinstance(governance, Governance) else Governance.standard(governance)
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph(schema=SCHEMA, direction=DIRECTION, name=name)
    # Millions of small dicts and no cycles: the cyclic collector would rescan them all,
    # again and again, while nothing it could free is being made.
    enabled = gc.isenabled()
    gc.disable()
    try:
        _add_governance(g, gov)
        if ledger is not None:
            _add_ledger(g, gov.tree, ledger)
    finally:
        if enabled:
            gc.enable()
    return g


def level_of_node(graph: nx.MultiDiGraph[str], node: str) -> Level | None:
    """The :class:`~foodsafety.vocab.Level` of a node, or ``None`` when it has none."""
    code = graph.nodes[node].get("level")
    return Level.parse(code) if code else None
