"""Tracing responsibility (追责溯源): who answers for a business, a jurisdiction or a finding.

Seed 004 states the purpose of the pairing system: when something goes wrong, *find the
person, establish the facts, assign the responsibility* (找得到人、查得清事、落得了责, docs/domain.md
§4). On the responsibility graph of :mod:`foodsafety.engines.graph` (edges point from the
responsible party to what it answers for) this module answers three questions:

- :func:`trace`: the ordered responsible parties of a subject on a date — for a business, its
  principal and food safety director (主体责任), its pairing cadre (包保), the township, county
  and city party secretaries and government heads (党政同责) with their bodies (属地管理) and
  deputies in charge (分管), the regulators (监管) and the food safety committees and offices
  (协调) — each with its kind, level, role and the path of edges that makes it responsible;
- :func:`accountability`: the chain an accountability review of an incident follows, each link
  with the rule that makes it responsible, escalated by the incident's severity;
- :func:`gaps`: subjects that lack a responsible party of a required kind (a business without a
  cadre, a township without a food safety office, a committee without a chair).

**Fast path.** Every business in a township shares everything above that township. A
:class:`Tracer` therefore memoises the chain above each jurisdiction per date (and per kind
filter), each chain built from its parent jurisdiction's chain plus its own bodies and
officials (checked to be exactly what a search would find; otherwise it searches). A business
trace reads the business's own few edges — from networkx's adjacency dict, or, after
:meth:`Tracer.build_index`, from one index entry holding them by period of validity — and
attaches the memoised chain; paths are made only when ``.links`` is read. :func:`naive_trace`
searches the graph afresh and is the baseline in ``bench/trace.py``. The memo and the index
assume the graph is not edited while in use; call :func:`clear_cache` after editing a graph.
"""

from __future__ import annotations

import datetime as dt
import weakref
from bisect import bisect_right
from collections import deque
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any, Final, NamedTuple

import attrs
import networkx as nx
from tests.reference.nx_graph import adjacency, edge_active

from foodsafety.errors import FoodSafetyError
from foodsafety.vocab import (
    BodyKind,
    BusinessPost,
    Level,
    OfficialPost,
    ResponsibilityKind,
    Severity,
)

__all__ = [
    "DEFAULT_REQUIREMENTS",
    "ESCALATION",
    "RULES",
    "STRICT_REQUIREMENTS",
    "AccountabilityChain",
    "AccountabilityLink",
    "Gap",
    "Incident",
    "Requirement",
    "ResponsibleParty",
    "Rule",
    "Step",
    "Trace",
    "TraceLink",
    "Tracer",
    "accountability",
    "clear_cache",
    "gaps",
    "naive_trace",
    "role_label",
    "rule_for",
    "trace",
]

_KINDS: Final[dict[str, ResponsibilityKind]] = {k.value: k for k in ResponsibilityKind}
_LEVELS: Final[dict[str, Level]] = {lv.value: lv for lv in Level}

# The order a trace lists parties in: the business's own people, its cadre, the leaders of
# each level nearest first, then the regulators, then the committees and offices.
_GROUP: Final[dict[str, int]] = {
    "primary": 0,
    "pairing": 1,
    "territorial": 2,
    "party_government": 2,
    "portfolio": 2,
    "regulatory": 3,
    "coordination": 4,
}
_ROLE_ORDER: Final[tuple[str, ...]] = (
    BusinessPost.PRINCIPAL.value,
    BusinessPost.FOOD_SAFETY_DIRECTOR.value,
    "cadre",
    BodyKind.PARTY_COMMITTEE.value,
    OfficialPost.PARTY_SECRETARY.value,
    BodyKind.GOVERNMENT.value,
    OfficialPost.GOVERNMENT_HEAD.value,
    OfficialPost.DEPUTY_IN_CHARGE.value,
    OfficialPost.OTHER_LEADER.value,
    BodyKind.VILLAGE_COMMITTEE.value,
    OfficialPost.VILLAGE_HEAD.value,
    BodyKind.MARKET_REGULATION_STATION.value,
    OfficialPost.STATION_HEAD.value,
    BodyKind.MARKET_REGULATION_BUREAU.value,
    OfficialPost.BUREAU_DIRECTOR.value,
    BodyKind.FOOD_SAFETY_COMMITTEE.value,
    OfficialPost.COMMITTEE_CHAIR.value,
    OfficialPost.COMMITTEE_DEPUTY_CHAIR.value,
    BodyKind.FOOD_SAFETY_OFFICE.value,
    OfficialPost.OFFICE_DIRECTOR.value,
    BodyKind.MEMBER_UNIT.value,
    OfficialPost.UNIT_HEAD.value,
    OfficialPost.LIAISON_OFFICER.value,
)
_ROLE_RANK: Final[dict[str, int]] = {r: i for i, r in enumerate(_ROLE_ORDER)}
_JUR_ROLE: Final = "jurisdiction"
_MEMBER_ROLE: Final = BodyKind.MEMBER_UNIT.value

_EXTRA_ROLES: Final[dict[str, tuple[str, str]]] = {
    "cadre": ("包保干部", "pairing cadre"),
    _JUR_ROLE: ("辖区", "jurisdiction"),
}


def role_label(role: str, lang: str = "zh") -> str:
    """The label of a role code (a body kind, an official or business post, ``cadre``)."""
    extra = _EXTRA_ROLES.get(role)
    if extra is not None:
        return extra[1] if lang.startswith("en") else extra[0]
    for term in (BodyKind, OfficialPost, BusinessPost):
        if role in term._value2member_map_:
            return term.parse(role).label(lang)
    return role


def _level_label(level: Level | None, lang: str) -> str:
    if level is None:
        return ""
    return f"{level.en} level" if lang.startswith("en") else f"{level.zh}级"


# -- rules -------------------------------------------------------------------------------

_FSL: Final = "《中华人民共和国食品安全法》"
_CADRE_RULES: Final = "《地方党政领导干部食品安全责任制规定》（中办、国办，2019）"
_ENTERPRISE_RULES: Final = "《企业落实食品安全主体责任监督管理规定》（市场监管总局令第60号，2022）"
_PAIRING_RULES: Final = (
    "《关于建立健全分层分级精准防控末端发力终端见效工作机制推动食品安全属地管理责任落地落实的意见》"
    "（2022）；安阳市实践见 seed 004"
)


@attrs.frozen(slots=True)
class Rule:
    """Why a party answers: a rule of the responsibility system, with its source.

    Attributes:
        code: a stable ASCII code (``"primary.principal"``).
        kind: the kind of responsibility the rule creates.
        zh, en: what the rule says, in Chinese and English.
        reference: the documents it comes from.
    """

    code: str
    kind: ResponsibilityKind
    zh: str
    en: str
    reference: str

    def text(self, lang: str = "zh") -> str:
        """The rule in ``lang`` (``"zh"`` or ``"en"``)."""
        return self.en if lang.startswith("en") else self.zh

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {
            "code": self.code,
            "kind": self.kind.value,
            "zh": self.zh,
            "en": self.en,
            "reference": self.reference,
        }


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {r.code: r for r in rules}


#: The rules, by code. A link's rule is chosen by :func:`rule_for` from its kind and role.
RULES: Final[Mapping[str, Rule]] = _rules(
    Rule(
        "primary.principal",
        ResponsibilityKind.PRIMARY,
        "食品生产经营者对其生产经营食品的安全负责；主要负责人对本企业食品安全工作全面负责",
        "a food business is responsible for the safety of its food; its principal is "
        "responsible for all of its food-safety work",
        f"{_FSL}第四条；{_ENTERPRISE_RULES}",
    ),
    Rule(
        "primary.director",
        ResponsibilityKind.PRIMARY,
        "食品安全总监协助主要负责人，组织落实日管控、周排查、月调度",
        "the food safety director assists the principal and runs the daily checks, weekly "
        "reviews and monthly dispatch meetings",
        f"{_ENTERPRISE_RULES}；seed 004",
    ),
    Rule(
        "pairing.cadre",
        ResponsibilityKind.PAIRING,
        "包保干部按分层分级、层级对应对包保主体督导，找得到人、查得清事、落得了责",
        "the pairing cadre of the matching level supervises the paired business "
        "(layered and graded, levels corresponding)",
        _PAIRING_RULES,
    ),
    Rule(
        "territorial.body",
        ResponsibilityKind.TERRITORIAL,
        "地方党委和政府对本行政区域食品安全工作负总责（属地管理）",
        "the local party committee and government are responsible overall for food safety "
        "in their territory (territorial management)",
        f"{_FSL}第六条；{_CADRE_RULES}",
    ),
    Rule(
        "territorial.jurisdiction",
        ResponsibilityKind.TERRITORIAL,
        "上级辖区对下级辖区及辖区内食品生产经营主体承担属地管理责任",
        "a jurisdiction answers for its sub-jurisdictions and for the businesses in it",
        f"{_FSL}第六条",
    ),
    Rule(
        "party_government.first",
        ResponsibilityKind.PARTY_GOVERNMENT,
        "党委和政府主要负责人是本地区食品安全工作第一责任人（党政同责）",
        "the party secretary and the head of government are the first responsible persons "
        "for food safety in their area (shared party-government responsibility)",
        _CADRE_RULES,
    ),
    Rule(
        "portfolio.deputy",
        ResponsibilityKind.PORTFOLIO,
        "分管食品安全工作的负责人对本地区食品安全工作负直接领导责任",
        "the deputy in charge of food safety bears direct leadership responsibility",
        _CADRE_RULES,
    ),
    Rule(
        "portfolio.other",
        ResponsibilityKind.PORTFOLIO,
        "其他班子成员对分管领域的食品安全工作负领导责任（一岗双责）",
        "every other leader answers for food safety within their own portfolio "
        "(one post, two duties)",
        _CADRE_RULES,
    ),
    Rule(
        "regulatory.supervision",
        ResponsibilityKind.REGULATORY,
        "市场监管部门依法对食品生产经营活动实施监督管理，失职渎职的依法追责",
        "the market regulator supervises food businesses under the law and is held to "
        "account for dereliction of duty",
        f"{_FSL}第六条、第一百四十四条",
    ),
    Rule(
        "coordination.committee",
        ResponsibilityKind.COORDINATION,
        "食品安全委员会及其办公室统筹协调、督促指导本行政区域食品安全工作",
        "the food safety committee and its office coordinate and supervise food-safety work "
        "in the territory",
        f"{_CADRE_RULES}；seed 001、004",
    ),
    Rule(
        "territorial.village",
        ResponsibilityKind.TERRITORIAL,
        "村（居）民委员会协助做好食品安全工作，村级包保干部承担第四级包保",
        "the village committee assists in food-safety work; village cadres are the fourth "
        "rung of pairing",
        f"{_PAIRING_RULES}",
    ),
)


def rule_for(kind: ResponsibilityKind | str, role: str) -> Rule:
    """The rule that makes a party of this kind and role responsible."""
    k = kind.value if isinstance(kind, ResponsibilityKind) else kind
    if k == "primary":
        return RULES["primary.principal" if role == "principal" else "primary.director"]
    if k == "pairing":
        return RULES["pairing.cadre"]
    if k == "party_government":
        return RULES["party_government.first"]
    if k == "portfolio":
        return RULES["portfolio.deputy" if role == "deputy_in_charge" else "portfolio.other"]
    if k == "regulatory":
        return RULES["regulatory.supervision"]
    if k == "coordination":
        return RULES["coordination.committee"]
    if role in ("village_committee", "village_head"):
        return RULES["territorial.village"]
    if role == _JUR_ROLE:
        return RULES["territorial.jurisdiction"]
    return RULES["territorial.body"]


# -- values ------------------------------------------------------------------------------


class Step(NamedTuple):
    """One edge of a path: ``source`` answers for ``target`` with this kind, level and role.

    A named tuple rather than an attrs class: a trace creates one per edge of a business, and
    a tuple is created ten times faster than a frozen attrs instance; it is just as immutable.
    """

    source: str
    target: str
    key: str
    kind: str
    level: str | None
    role: str
    source_name: str = ""
    target_name: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {
            "source": self.source,
            "target": self.target,
            "key": self.key,
            "kind": self.kind,
            "level": self.level,
            "role": self.role,
        }


def _step(
    nodes: Mapping[str, Mapping[str, Any]], u: str, v: str, key: str, d: Mapping[str, Any]
) -> Step:
    return Step(
        u,
        v,
        key,
        d["kind"],
        d.get("level"),
        d["role"],
        nodes[u].get("name", u),
        nodes[v].get("name", v),
    )


@attrs.frozen(slots=True)
class TraceLink:
    """One responsible party of a trace, with the path that makes it responsible.

    Attributes:
        party: the party's node id (``official:410500:party_secretary``, ``cadre:C1``...).
        name: its name.
        party_type: its node type (``person``, ``cadre``, ``body``, ``official``...).
        kind: the kind of responsibility of the party's own edge.
        level: the party's level.
        role: what the party is (a body kind, an official or business post, ``cadre``).
        path: the edges from the party to the subject, the party's own edge first.
    """

    party: str
    name: str
    party_type: str
    kind: ResponsibilityKind
    level: Level | None
    role: str
    path: tuple[Step, ...]

    @property
    def rule(self) -> Rule:
        """The rule that makes this party responsible."""
        return rule_for(self.kind, self.role)

    def via(self, *steps: Step) -> TraceLink:
        """The same link with ``steps`` appended to its path (towards a lower subject)."""
        return TraceLink(
            self.party,
            self.name,
            self.party_type,
            self.kind,
            self.level,
            self.role,
            self.path + steps,
        )

    def explain(self, lang: str = "zh") -> str:
        """One readable sentence: who, in what role and level, which responsibility, via what."""
        en = lang.startswith("en")
        role = role_label(self.role, lang)
        level = _level_label(self.level, lang)
        names = [s.source_name for s in self.path]
        if self.path:
            names.append(self.path[-1].target_name)
        route = " → ".join(names)
        if en:
            head = f"{self.name} ({role}{', ' + level if level else ''})"
            return f"{head}: {self.kind.en}" + (f", via {route}" if len(names) > 2 else "")
        head = f"{self.name}（{role}{'，' + level if level else ''}）"
        return f"{head}：{self.kind.zh}" + (f"，经 {route}" if len(names) > 2 else "")

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (codes for enums, the path as a list of edge dicts)."""
        return {
            "party": self.party,
            "name": self.name,
            "party_type": self.party_type,
            "kind": self.kind.value,
            "level": None if self.level is None else self.level.value,
            "role": self.role,
            "rule": self.rule.code,
            "path": [s.to_dict() for s in self.path],
        }


#: A responsible party is what a trace link names; the two names are one type.
ResponsibleParty = TraceLink


def _sort_key(link: TraceLink) -> tuple[int, int, int, int, str]:
    depth = -1 if link.level is None else link.level.depth
    return (
        _GROUP.get(link.kind.value, 9),
        -depth,
        _ROLE_RANK.get(link.role, 99),
        len(link.path),
        link.party,
    )


@attrs.define(slots=True)
class Trace:
    """The responsible parties of one subject on one date, in the order of responsibility.

    A trace is cheap to make and complete: ``own_edges`` are the subject's own edges valid on
    the day (party, key, edge attributes — read from the graph, not copied), ``own_links``
    links made directly, ``upper`` the memoised chain above the jurisdiction the subject lies
    in (its links are :attr:`above`), reached through ``via_edge`` (that jurisdiction, the
    edge key and the edge's attributes). :attr:`own`, :attr:`via` and :attr:`links` turn them into
    :class:`TraceLink` and :class:`Step` values with full paths when asked. Treat a trace as
    read-only: it is not frozen only because a frozen attrs instance costs four times as much
    to create, and a trace is made on every query.
    """

    subject: str
    name: str
    as_of: dt.date
    own_links: tuple[TraceLink, ...] = ()
    via_edge: tuple[str, str, Mapping[str, Any]] | None = None
    upper: _Chain | None = attrs.field(default=None, repr=False)
    own_edges: tuple[tuple[str, str, Mapping[str, Any]], ...] = ()
    _nodes: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict, repr=False, eq=False)

    @property
    def above(self) -> tuple[TraceLink, ...]:
        """The memoised links above the jurisdiction the subject lies in (paths end there)."""
        return () if self.upper is None else self.upper.links

    @property
    def via(self) -> Step | None:
        """The edge from the jurisdiction the subject lies in to the subject, if any."""
        if self.via_edge is None:
            return None
        u, key, d = self.via_edge
        return Step(
            u,
            self.subject,
            key,
            d["kind"],
            d.get("level"),
            d["role"],
            self._nodes.get(u, {}).get("name", u),
            self.name,
        )

    @property
    def own(self) -> tuple[TraceLink, ...]:
        """The links on the subject's own edges (principal, director, cadre...), ordered."""
        if not self.own_edges:
            return self.own_links
        principal: list[TraceLink] = []
        cadres: list[TraceLink] = []
        other: list[TraceLink] = list(self.own_links)
        subject, name, nodes = self.subject, self.name, self._nodes
        for u, key, d in self.own_edges:
            party = nodes[u]
            level = d.get("level")
            kind = d["kind"]
            role = d["role"]
            pname = party.get("name", u)
            link = TraceLink(
                u,
                pname,
                party.get("type", ""),
                _KINDS[kind],
                None if level is None else _LEVELS[level],
                role,
                (Step(u, subject, key, kind, level, role, pname, name),),
            )
            if role == "principal" or role == "food_safety_director":
                principal.append(link)
            elif role == "cadre":
                cadres.append(link)
            else:
                other.append(link)
        # The usual case needs no sort: principal before director, then the cadre(s).
        if len(principal) == 2 and principal[0].role != "principal":
            principal.reverse()
        if len(cadres) > 1:
            cadres.sort(key=_sort_key)
        if other:
            return tuple(sorted(principal + cadres + other, key=_sort_key))
        return (*principal, *cadres)

    @property
    def links(self) -> tuple[TraceLink, ...]:
        """Every link, ordered: primary, pairing, leaders nearest level first, regulators, committees."""
        own = self.own
        via = self.via
        if via is None:
            return own + self.above
        rest = tuple(link.via(via) for link in self.above)
        if all(_GROUP.get(link.kind.value, 9) <= 1 for link in own):
            return own + rest
        return tuple(sorted(own + rest, key=_sort_key))

    def __iter__(self) -> Iterator[TraceLink]:
        return iter(self.links)

    def __len__(self) -> int:
        upper = 0 if self.upper is None else self.upper.count
        return len(self.own_links) + len(self.own_edges) + upper

    def parties(self) -> list[str]:
        """The party node ids, in order."""
        return [link.party for link in self.links]

    def of_kind(self, *kinds: ResponsibilityKind | str) -> list[TraceLink]:
        """The links of the given kinds."""
        wanted = {ResponsibilityKind.parse(k) for k in kinds}
        return [link for link in self.links if link.kind in wanted]

    def explain(self, lang: str = "zh") -> str:
        """A numbered, readable list of who answers and why."""
        en = lang.startswith("en")
        head = (
            f"Who answers for {self.name} ({self.subject}) on {self.as_of.isoformat()}:"
            if en
            else f"{self.as_of.isoformat()} 对 {self.name}（{self.subject}）负有责任的："
        )
        lines = [head]
        lines.extend(f"{i}. {link.explain(lang)}" for i, link in enumerate(self.links, start=1))
        if len(lines) == 1:
            lines.append("(nobody)" if en else "（无）")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {
            "subject": self.subject,
            "name": self.name,
            "as_of": self.as_of.isoformat(),
            "links": [link.to_dict() for link in self.links],
        }


# -- the tracer --------------------------------------------------------------------------


def _kinds_key(kinds: Iterable[ResponsibilityKind | str] | None) -> frozenset[str] | None:
    if kinds is None:
        return None
    return frozenset(ResponsibilityKind.parse(k).value for k in kinds)


def _link(
    nodes: Mapping[str, Mapping[str, Any]], party: str, d: Mapping[str, Any], path: tuple[Step, ...]
) -> TraceLink:
    attrs_ = nodes[party]
    level = d.get("level")
    return TraceLink(
        party,
        attrs_.get("name", party),
        attrs_.get("type", ""),
        _KINDS[d["kind"]],
        None if level is None else _LEVELS[level],
        d["role"],
        path,
    )


_Found = dict[str, tuple[str, str, Mapping[str, Any]] | None]


def _search(
    pred: Mapping[str, Mapping[str, Mapping[str, Mapping[str, Any]]]],
    start: str,
    as_of: dt.date,
    members: bool,
    skip: str | None = None,
) -> _Found:
    """Breadth-first over predecessors from ``start``: each node reached, in the order reached,
    with the edge it was reached by (the node below, the key, the attributes; ``None`` for
    ``start``).

    ``skip`` names a predecessor of ``start`` whose edge into ``start`` is not followed (the
    parent jurisdiction, whose chain is memoised).
    """
    found: _Found = {start: None}
    queue = deque([start])
    while queue:
        v = queue.popleft()
        for u, keydict in pred[v].items():
            if u in found or (u == skip and v == start):
                continue
            for key, d in keydict.items():
                if not edge_active(d, as_of):
                    continue
                if d["role"] == _MEMBER_ROLE and not members:
                    continue
                found[u] = (v, key, d)
                queue.append(u)
                break
    return found


def _counted(found: _Found, kinds: frozenset[str] | None) -> int:
    """How many links :func:`_links_of` makes of ``found``."""
    return sum(
        1
        for e in found.values()
        if e is not None and e[2]["role"] != _JUR_ROLE and (kinds is None or e[2]["kind"] in kinds)
    )


def _links_of(
    nodes: Mapping[str, Mapping[str, Any]], found: _Found, kinds: frozenset[str] | None
) -> list[TraceLink]:
    """The sorted links of a search: every party reached, with its path down to the start."""
    paths: dict[str, tuple[Step, ...]] = {}
    out: list[TraceLink] = []
    for u, e in found.items():
        if e is None:
            paths[u] = ()
            continue
        v, key, d = e
        # A node is reached after the node below it, so that node's path is known.
        path = paths[u] = (_step(nodes, u, v, key, d), *paths[v])
        if d["role"] != _JUR_ROLE and (kinds is None or d["kind"] in kinds):
            out.append(_link(nodes, u, d, path))
    out.sort(key=_sort_key)
    return out


class _Chain:
    """The memoised links above one node on one day, for one kind filter.

    A township's chain is its own bodies and officials (``found``, a search that stops at the
    county) plus its county's chain seen through the edge county → township (``step``): the
    county's chain is shared, not searched again. Links and paths are made only when
    :attr:`links` is first read. ``reach`` is every node the chain passes through, used to
    check that a composed chain is exactly what a breadth-first search would find (no node
    reachable both ways).
    """

    __slots__ = ("_links", "count", "found", "kinds", "nodes", "parent", "reach", "step")

    def __init__(
        self,
        nodes: Mapping[str, Mapping[str, Any]],
        found: _Found,
        kinds: frozenset[str] | None,
        step: Step | None,
        parent: _Chain | None,
        reach: frozenset[str],
    ) -> None:
        self.nodes = nodes
        self.found = found
        self.kinds = kinds
        self.step = step
        self.parent = parent
        self.reach = reach
        self.count: int = _counted(found, kinds) + (0 if parent is None else parent.count)
        self._links: tuple[TraceLink, ...] | None = None

    @property
    def links(self) -> tuple[TraceLink, ...]:
        """The ordered links, paths ending at this chain's node."""
        done = self._links
        if done is None:
            local = _links_of(self.nodes, self.found, self.kinds)
            if self.parent is not None and self.step is not None:
                step = self.step
                local.extend(link.via(step) for link in self.parent.links)
                local.sort(key=_sort_key)
            done = self._links = tuple(local)
        return done


class Tracer:
    """Traces on one graph, memoising the chain above each jurisdiction per date.

    The chain above a jurisdiction is built from the chain above its parent jurisdiction
    (memoised too) plus its own bodies and officials, so filling the memo for every township
    of a province searches each body and official once. Use :func:`trace` for the shared
    tracer of a graph; make a ``Tracer`` yourself to control the cache's lifetime.
    """

    __slots__ = ("_cache", "_index", "_nodes", "_pred", "graph")

    def __init__(self, graph: nx.MultiDiGraph[str], *, index: bool = False) -> None:
        """Make a tracer for ``graph``.

        Args:
            graph: the responsibility graph.
            index: build the business index now (:meth:`build_index`): a few seconds and a
                few hundred bytes per business, then each business trace is a lookup.
        """
        self.graph = graph
        # networkx keeps these dicts for the graph's lifetime; edits show through them.
        self._nodes, _, self._pred = adjacency(graph)
        self._cache: dict[tuple[str, dt.date, frozenset[str] | None, bool], _Chain] = {}
        self._index: dict[str, _Own] = {}
        if index:
            self.build_index()

    def clear(self) -> None:
        """Forget the memoised chains and the business index (after editing the graph)."""
        self._cache.clear()
        self._index.clear()

    def build_index(self) -> int:
        """Index every business's own edges by the periods in which they do not change.

        Each business gets its name, the dates on which one of its own edges (jurisdiction,
        principal, director, cadres) starts or ends, and for each period between those dates
        the edge to its jurisdiction and its own edges valid in that period. A business trace
        then reads one entry instead of the graph's adjacency dicts (which, for a million
        businesses, are scattered in memory). Returns the number of businesses indexed.
        """
        nodes, pred = self._nodes, self._pred
        shared: dict[dt.date, dt.date] = {}
        index = self._index
        for node, attrs_ in nodes.items():
            if attrs_.get("type") == "business":
                index[node] = _own_periods(node, attrs_, pred[node], shared)
        return len(index)

    def resolve(self, subject: object) -> str:
        """The node id of a subject: a node id, a USCC, a division code, a cadre id, or a
        finding (an :class:`~foodsafety.engines.audit.AuditFinding`, whose ``subject_ids``
        name the business first, or any object with ``uscc``, ``cadre_id`` or ``jurisdiction``).
        """
        nodes = adjacency(self.graph)[0]
        if isinstance(subject, str):
            if subject in nodes:
                return subject
            for prefix in ("business:", "jurisdiction:", "cadre:", "body:", "official:"):
                if prefix + subject in nodes:
                    return prefix + subject
            raise FoodSafetyError(
                f"subject must be a node of the graph, a USCC, a division code or a cadre id "
                f"(got {subject!r})",
                code="trace.unknown_subject",
                message_zh=f"图中没有该对象：{subject!r}",
                record="trace",
                field="subject",
                value=subject,
            )
        # An audit finding names its subjects (business first, then cadre) in subject_ids.
        candidates: list[object] = [
            getattr(subject, "uscc", None),
            getattr(subject, "business", None),
        ]
        candidates.extend(getattr(subject, "subject_ids", None) or ())
        candidates.extend(
            getattr(subject, attr, None) for attr in ("cadre_id", "subject", "key", "jurisdiction")
        )
        for value in candidates:
            if isinstance(value, str) and value:
                try:
                    return self.resolve(value)
                except FoodSafetyError:
                    continue
        raise FoodSafetyError(
            f"subject must name a business, cadre or jurisdiction of the graph (got {subject!r})",
            code="trace.unknown_subject",
            record="trace",
            field="subject",
            value=repr(subject),
        )

    def _entry(
        self,
        node: str,
        day: dt.date,
        kinds: frozenset[str] | None,
        members: bool,
        busy: frozenset[str] = frozenset(),
    ) -> _Chain:
        """The memoised chain above ``node``, composed from its parent jurisdiction's chain."""
        key = (node, day, kinds, members)
        found = self._cache.get(key)
        if found is not None:
            return found
        nodes, pred = self._nodes, self._pred
        parent: str | None = None
        step: Step | None = None
        for u, keydict in pred[node].items():
            # The edge a breadth-first search would follow: the first valid one.
            for k, d in keydict.items():
                if not edge_active(d, day) or (d["role"] == _MEMBER_ROLE and not members):
                    continue
                if d["role"] == _JUR_ROLE and u != node and u not in busy:
                    parent, step = u, _step(nodes, u, node, k, d)
                break
            if parent is not None:
                break
        if parent is not None:
            up = self._entry(parent, day, kinds, members, busy | {node})
            local = _search(pred, node, day, members, skip=parent)
            # Composing is exact when nothing above the parent is also reached another way
            # (then the search would reach it by the same path, shifted by one edge).
            if up.reach.isdisjoint(local):
                found = _Chain(nodes, local, kinds, step, up, up.reach.union(local))
        if found is None:
            local = _search(pred, node, day, members)
            found = _Chain(nodes, local, kinds, None, None, frozenset(local))
        self._cache[key] = found
        return found

    def chain(
        self,
        node: str,
        as_of: dt.date,
        kinds: frozenset[str] | None = None,
        members: bool = False,
    ) -> tuple[TraceLink, ...]:
        """The memoised, ordered links above ``node`` (normally a jurisdiction) on ``as_of``."""
        return self._entry(node, as_of, kinds, members).links

    def trace(
        self,
        subject: object,
        *,
        as_of: dt.date | None = None,
        kinds: Iterable[ResponsibilityKind | str] | None = None,
        members: bool = False,
    ) -> Trace:
        """See :func:`trace`."""
        day = dt.date.today() if as_of is None else as_of
        if kinds is None and type(subject) is str:
            entry = self._index.get(subject)
            if entry is not None:
                # The indexed fast path: the period of the business's own edges, then the
                # memoised chain of its jurisdiction.
                name, cuts, periods = entry
                hit, mine = periods[bisect_right(cuts, day)] if cuts else periods[0]
                if hit is None:
                    return Trace(subject, name, day, (), None, None, mine, self._nodes)
                upper = self._cache.get((hit[0], day, None, members))
                if upper is None:
                    upper = self._entry(hit[0], day, None, members)
                return Trace(subject, name, day, (), hit, upper, mine, self._nodes)
        nodes = self._nodes
        attrs_ = nodes.get(subject) if type(subject) is str else None
        if attrs_ is None:
            node = self.resolve(subject)
            attrs_ = nodes[node]
        else:
            node = subject  # type: ignore[assignment]
        kk = None if kinds is None else _kinds_key(kinds)
        ntype = attrs_.get("type")
        if ntype == "business":
            # The fast path: the business's own edges, then the memoised chain of its
            # township. One link per party: its first edge valid on the day (as the search).
            own: list[tuple[str, str, Mapping[str, Any]]] = []
            via: tuple[str, str, Mapping[str, Any]] | None = None
            for u, keydict in self._pred[node].items():
                for key, d in keydict.items():
                    start = d.get("valid_from")
                    if start is not None and day < start:
                        continue
                    end = d.get("valid_to")
                    if end is not None and day >= end:
                        continue
                    if d["role"] == _JUR_ROLE:
                        if via is None:
                            via = (u, key, d)
                    elif kk is None or d["kind"] in kk:
                        own.append((u, key, d))
                    break
            name = attrs_.get("name", node)
            if via is None:
                return Trace(node, name, day, (), None, None, tuple(own), nodes)
            upper = self._cache.get((via[0], day, kk, members))
            if upper is None:
                upper = self._entry(via[0], day, kk, members)
            return Trace(node, name, day, (), via, upper, tuple(own), nodes)
        links = self.chain(node, day, kk, members)
        if ntype == "cadre" and (kk is None or "pairing" in kk):
            # A finding about a cadre: the cadre answers first, then the leaders of the
            # cadre's own jurisdiction, with whom the cadre signs the pledge (seed 004).
            own_link = TraceLink(
                node,
                attrs_.get("name", node),
                "cadre",
                ResponsibilityKind.PAIRING,
                _LEVELS.get(attrs_.get("level", "")),
                "cadre",
                (),
            )
            code = attrs_.get("jurisdiction")
            jnode = f"jurisdiction:{code}"
            above = self.chain(jnode, day, kk, members) if jnode in nodes else ()
            return Trace(node, own_link.name, day, (own_link, *above))
        return Trace(node, attrs_.get("name", node), day, links)


_Edge = tuple[str, str, Mapping[str, Any]]
# A business's index entry: name, the dates its own edges change, and for each period the
# edge from its jurisdiction (or None) and its own edges.
_Own = tuple[str, tuple[dt.date, ...], tuple[tuple[_Edge | None, tuple[_Edge, ...]], ...]]


def _own_periods(
    node: str,
    attrs_: Mapping[str, Any],
    keyed: Mapping[str, Mapping[str, Mapping[str, Any]]],
    shared: dict[dt.date, dt.date],
) -> _Own:
    """The index entry of one business (see :meth:`Tracer.build_index`)."""
    cuts: set[dt.date] = set()
    parties: list[tuple[str, list[tuple[str, Mapping[str, Any], Any, Any]]]] = []
    for u, keydict in keyed.items():
        options = []
        for key, d in keydict.items():
            # Equal dates share one object, so comparing them stays in the CPU cache.
            start = d.get("valid_from")
            if start is not None:
                start = shared.setdefault(start, start)
                cuts.add(start)
            end = d.get("valid_to")
            if end is not None:
                end = shared.setdefault(end, end)
                cuts.add(end)
            options.append((key, d, start, end))
        parties.append((u, options))
    ordered = tuple(sorted(cuts))
    periods: list[tuple[_Edge | None, tuple[_Edge, ...]]] = []
    # Every edge's validity is constant between two cuts: decide each period on its first day.
    for day in (dt.date.min, *ordered):
        own: list[_Edge] = []
        via: _Edge | None = None
        for u, options in parties:
            # One link per party: its first edge valid on the day (as the search).
            for key, d, start, end in options:
                if (start is None or start <= day) and (end is None or day < end):
                    if d["role"] != _JUR_ROLE:
                        own.append((u, key, d))
                    elif via is None:
                        via = (u, key, d)
                    break
        periods.append((via, tuple(own)))
    return attrs_.get("name", node), ordered, tuple(periods)


_TRACERS: weakref.WeakKeyDictionary[nx.MultiDiGraph[str], Tracer] = weakref.WeakKeyDictionary()


def _tracer(graph: nx.MultiDiGraph[str]) -> Tracer:
    found = _TRACERS.get(graph)
    if found is None:
        found = _TRACERS[graph] = Tracer(graph)
    return found


def clear_cache(graph: nx.MultiDiGraph[str]) -> None:
    """Forget the chains memoised for ``graph`` (call after editing it in place)."""
    found = _TRACERS.get(graph)
    if found is not None:
        found.clear()


def trace(
    graph: nx.MultiDiGraph[str],
    subject: object,
    *,
    as_of: dt.date | None = None,
    kinds: Iterable[ResponsibilityKind | str] | None = None,
    members: bool = False,
) -> Trace:
    """Who answers for ``subject`` on ``as_of``, in order, each with kind, level, role and path.

    Args:
        graph: a responsibility graph (:func:`~foodsafety.engines.graph.build_graph`).
        subject: a node id, a USCC, a division code, a cadre id or an audit finding (an
            object naming a ``uscc``, ``cadre_id`` or ``jurisdiction``).
        as_of: the date (default today): edges not valid on that day are not followed — a
            cadre who left last month no longer answers.
        kinds: only return parties whose own edge has one of these kinds (the walk still
            passes through every kind of edge).
        members: also list the committee's member units and their heads (成员单位).

    Returns:
        A :class:`Trace`; iterate it, or read ``.links``, for the :class:`TraceLink` values.

    Raises:
        FoodSafetyError: the subject is not in the graph (code ``trace.unknown_subject``).
    """
    return _tracer(graph).trace(subject, as_of=as_of, kinds=kinds, members=members)


def naive_trace(
    graph: nx.MultiDiGraph[str],
    subject: str,
    *,
    as_of: dt.date,
    kinds: Iterable[ResponsibilityKind | str] | None = None,
    members: bool = False,
) -> list[TraceLink]:
    """The baseline: a fresh ``networkx.generic_bfs_edges`` search from the subject, no memo.

    Walks the predecessors whose edge is valid on ``as_of``, as :func:`trace` does, but
    searches everything above the subject on every call. Gives the same links as ``trace(...).links`` for a business; used by the tests to check
    the fast path and by ``bench/trace.py`` as the naive baseline.
    """
    kk = _kinds_key(kinds)
    nodes, _, pred = adjacency(graph)

    def first_valid(v: str, u: str) -> tuple[str, dict[str, Any]] | None:
        for key, d in pred[v][u].items():
            if edge_active(d, as_of) and (members or d["role"] != _MEMBER_ROLE):
                return key, d
        return None

    def upward(v: str) -> Iterator[str]:
        return (u for u in pred[v] if first_valid(v, u) is not None)

    paths: dict[str, tuple[Step, ...]] = {subject: ()}
    out: list[TraceLink] = []
    # depth_limit given so that networkx does not count the graph's nodes on every search.
    for v, u in nx.generic_bfs_edges(graph, subject, neighbors=upward, depth_limit=64):
        found = first_valid(v, u)
        assert found is not None
        key, d = found
        path = (_step(nodes, u, v, key, d), *paths[v])
        paths[u] = path
        if d["role"] != _JUR_ROLE and (kk is None or d["kind"] in kk):
            out.append(_link(nodes, u, d, path))
    out.sort(key=_sort_key)
    return out


# -- accountability ----------------------------------------------------------------------

#: The highest level an accountability review reaches for each incident severity (data:
#: change it for local rules).
ESCALATION: Final[Mapping[Severity, Level]] = {
    Severity.INFO: Level.TOWNSHIP,
    Severity.MINOR: Level.TOWNSHIP,
    Severity.MAJOR: Level.COUNTY,
    Severity.CRITICAL: Level.CITY,
}

# The stages of a review: the business, its cadre, the regulators, the territory's leaders,
# the coordinating committee and office.
_STAGE: Final[dict[str, int]] = {
    "primary": 1,
    "pairing": 2,
    "regulatory": 3,
    "party_government": 4,
    "territorial": 4,
    "portfolio": 4,
    "coordination": 5,
}
_STAGE_NAMES: Final[dict[int, tuple[str, str]]] = {
    1: ("企业主体责任", "the business's primary responsibility"),
    2: ("包保责任", "pairing"),
    3: ("监管责任", "regulatory supervision"),
    4: ("属地管理与党政同责", "territorial and party-government responsibility"),
    5: ("综合协调", "coordination"),
}


@attrs.frozen(slots=True)
class Incident:
    """A food-safety incident at a business, as the starting point of a review.

    Attributes:
        business: the business (USCC or node id).
        date: when it happened; the review asks who was responsible on that day.
        severity: how serious it is; decides how high the review goes (:data:`ESCALATION`).
        summary: what happened.
    """

    business: str
    date: dt.date
    severity: Severity = Severity.MAJOR
    summary: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {
            "business": self.business,
            "date": self.date.isoformat(),
            "severity": self.severity.value,
            "summary": self.summary,
        }


@attrs.frozen(slots=True)
class AccountabilityLink:
    """One link of an accountability chain: the stage, the responsible party and the rule."""

    stage: int
    link: TraceLink
    rule: Rule

    def explain(self, lang: str = "zh") -> str:
        """The link with the rule that makes it responsible."""
        en = lang.startswith("en")
        stage = _STAGE_NAMES[self.stage][1 if en else 0]
        rule = self.rule.text(lang)
        if en:
            return f"[{stage}] {self.link.explain(lang)}. Rule: {rule} ({self.rule.reference})"
        return f"［{stage}］{self.link.explain(lang)}。依据：{rule}（{self.rule.reference}）"

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {"stage": self.stage, **self.link.to_dict(), "rule": self.rule.to_dict()}


@attrs.frozen(slots=True)
class AccountabilityChain:
    """The chain an accountability review of an incident follows, stage by stage."""

    incident: Incident
    subject: str
    name: str
    ceiling: Level
    links: tuple[AccountabilityLink, ...]

    def __iter__(self) -> Iterator[AccountabilityLink]:
        return iter(self.links)

    def __len__(self) -> int:
        return len(self.links)

    def explain(self, lang: str = "zh") -> str:
        """A numbered account of the chain."""
        en = lang.startswith("en")
        inc = self.incident
        if en:
            head = (
                f"Accountability review of a {inc.severity.en} incident at {self.name} on "
                f"{inc.date.isoformat()} (up to {self.ceiling.en} level):"
            )
        else:
            head = (
                f"{inc.date.isoformat()} {self.name} 发生{inc.severity.zh}食品安全事件，"
                f"责任追究链条（追至{self.ceiling.zh}级）："
            )
        lines = [head]
        lines.extend(f"{i}. {a.explain(lang)}" for i, a in enumerate(self.links, start=1))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {
            "incident": self.incident.to_dict(),
            "subject": self.subject,
            "ceiling": self.ceiling.value,
            "links": [a.to_dict() for a in self.links],
        }


def accountability(
    graph: nx.MultiDiGraph[str],
    incident: Incident,
    *,
    escalation: Mapping[Severity, Level] = ESCALATION,
) -> AccountabilityChain:
    """The chain a review of ``incident`` follows: business, cadre, regulators, leaders, committee.

    The parties are those of :func:`trace` on the incident's date; parties above the level
    that the incident's severity reaches (``escalation``) are left out, except the cadre,
    who answers at whatever level the business was paired. Within a stage the nearest level
    comes first.
    """
    t = trace(graph, incident.business, as_of=incident.date)
    ceiling = escalation[incident.severity]
    out: list[AccountabilityLink] = []
    for link in t.links:
        stage = _STAGE.get(link.kind.value)
        if stage is None:
            continue
        if stage > 2 and link.level is not None and link.level.depth < ceiling.depth:
            continue
        out.append(AccountabilityLink(stage, link, link.rule))
    out.sort(key=lambda a: (a.stage, _sort_key(a.link)[1:]))
    return AccountabilityChain(incident, t.subject, t.name, ceiling, tuple(out))


# -- gaps --------------------------------------------------------------------------------


@attrs.frozen(slots=True)
class Requirement:
    """A responsible party every subject of a type (and level, or body kind) must have.

    The requirement holds when at least one edge into the subject, valid on the date, has a
    ``role`` in ``roles``.

    Attributes:
        code: the gap code (``"unpaired"`` as in the pairing audit).
        subject_type: the node type it applies to.
        roles: the roles that satisfy it.
        kind: the kind of responsibility missing.
        levels: the subject levels it applies to (``None``: all).
        body_kinds: for bodies, the body kinds it applies to (``None``: all).
        zh, en: what is missing.
    """

    code: str
    subject_type: str
    roles: frozenset[str]
    kind: ResponsibilityKind
    zh: str
    en: str
    levels: frozenset[str] | None = None
    body_kinds: frozenset[str] | None = None

    def applies(self, attrs_: Mapping[str, Any]) -> bool:
        """True when a node with these attributes is a subject of this requirement."""
        if attrs_.get("type") != self.subject_type:
            return False
        if self.levels is not None and attrs_.get("level") not in self.levels:
            return False
        return self.body_kinds is None or attrs_.get("body_kind") in self.body_kinds


_GOVERNED: Final = frozenset({"province", "city", "county", "township"})


def _req(
    code: str,
    subject_type: str,
    roles: Iterable[str],
    kind: ResponsibilityKind,
    zh: str,
    en: str,
    *,
    levels: Iterable[str] | None = None,
    body_kinds: Iterable[str] | None = None,
) -> Requirement:
    return Requirement(
        code,
        subject_type,
        frozenset(roles),
        kind,
        zh,
        en,
        None if levels is None else frozenset(levels),
        None if body_kinds is None else frozenset(body_kinds),
    )


#: What every business, governed jurisdiction and committee must have.
DEFAULT_REQUIREMENTS: Final[tuple[Requirement, ...]] = (
    _req(
        "unpaired",
        "business",
        ["cadre"],
        ResponsibilityKind.PAIRING,
        "无包保干部",
        "no pairing cadre",
    ),
    _req(
        "no_principal",
        "business",
        ["principal"],
        ResponsibilityKind.PRIMARY,
        "无主要负责人",
        "no principal",
    ),
    _req(
        "director_missing",
        "business",
        ["food_safety_director"],
        ResponsibilityKind.PRIMARY,
        "未配备食品安全总监",
        "no food safety director",
    ),
    _req(
        "no_party_committee",
        "jurisdiction",
        ["party_committee"],
        ResponsibilityKind.TERRITORIAL,
        "无党委",
        "no party committee",
        levels=_GOVERNED,
    ),
    _req(
        "no_government",
        "jurisdiction",
        ["government"],
        ResponsibilityKind.TERRITORIAL,
        "无政府",
        "no government",
        levels=_GOVERNED,
    ),
    _req(
        "no_regulator",
        "jurisdiction",
        ["market_regulation_bureau", "market_regulation_station"],
        ResponsibilityKind.REGULATORY,
        "无市场监管局（所）",
        "no market regulation bureau or station",
        levels=_GOVERNED,
    ),
    _req(
        "no_committee",
        "jurisdiction",
        ["food_safety_committee"],
        ResponsibilityKind.COORDINATION,
        "无食品安全委员会",
        "no food safety committee",
        levels=_GOVERNED,
    ),
    _req(
        "no_office",
        "jurisdiction",
        ["food_safety_office"],
        ResponsibilityKind.COORDINATION,
        "无食安办",
        "no food safety office",
        levels=_GOVERNED,
    ),
    _req(
        "no_chair",
        "body",
        ["committee_chair"],
        ResponsibilityKind.COORDINATION,
        "食安委无主任",
        "the food safety committee has no chair",
        body_kinds=["food_safety_committee"],
    ),
)

#: The default requirements plus the first responsible persons and the deputy in charge.
STRICT_REQUIREMENTS: Final[tuple[Requirement, ...]] = (
    *DEFAULT_REQUIREMENTS,
    _req(
        "no_party_secretary",
        "body",
        ["party_secretary"],
        ResponsibilityKind.PARTY_GOVERNMENT,
        "党委无书记",
        "the party committee has no secretary",
        body_kinds=["party_committee"],
    ),
    _req(
        "no_government_head",
        "body",
        ["government_head"],
        ResponsibilityKind.PARTY_GOVERNMENT,
        "政府无主要负责人",
        "the government has no head",
        body_kinds=["government"],
    ),
    _req(
        "no_deputy_in_charge",
        "body",
        ["deputy_in_charge"],
        ResponsibilityKind.PORTFOLIO,
        "无分管负责人",
        "no deputy in charge of food safety",
        body_kinds=["government"],
    ),
)


@attrs.frozen(slots=True)
class Gap:
    """A subject without a responsible party of a required kind.

    Attributes:
        code: the requirement's code (``"unpaired"``, ``"no_office"``...).
        subject: the node id; ``key`` the id without its type prefix (USCC, division code...).
        name, subject_type, level: the subject's name, node type and level.
        kind: the kind of responsibility missing.
        requirement: the requirement that is not met.
    """

    code: str
    subject: str
    key: str
    name: str
    subject_type: str
    level: Level | None
    kind: ResponsibilityKind
    requirement: Requirement

    def explain(self, lang: str = "zh") -> str:
        """One readable sentence."""
        if lang.startswith("en"):
            return f"{self.name} ({self.key}): {self.requirement.en} [{self.code}]"
        return f"{self.name}（{self.key}）：{self.requirement.zh}［{self.code}］"

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {
            "code": self.code,
            "subject": self.subject,
            "key": self.key,
            "name": self.name,
            "subject_type": self.subject_type,
            "level": None if self.level is None else self.level.value,
            "kind": self.kind.value,
        }


def gaps(
    graph: nx.MultiDiGraph[str],
    *,
    as_of: dt.date | None = None,
    requirements: Collection[Requirement] = DEFAULT_REQUIREMENTS,
) -> list[Gap]:
    """Subjects with no responsible party of a required kind on ``as_of`` (default today).

    A business is a subject only while it operates (opened on or before ``as_of``, not yet
    closed). ``unpaired`` agrees with the pairing audit's finding of the same code.
    """
    day = dt.date.today() if as_of is None else as_of
    by_type: dict[str, list[Requirement]] = {}
    for r in requirements:
        by_type.setdefault(r.subject_type, []).append(r)
    nodes, _, pred = adjacency(graph)
    out: list[Gap] = []
    for node, attrs_ in nodes.items():
        reqs = by_type.get(attrs_.get("type", ""))
        if not reqs:
            continue
        if attrs_.get("type") == "business" and not edge_active(attrs_, day):
            continue
        roles: set[str] | None = None
        for r in reqs:
            if not r.applies(attrs_):
                continue
            if roles is None:
                roles = {
                    d["role"]
                    for keydict in pred[node].values()
                    for d in keydict.values()
                    if edge_active(d, day)
                }
            if roles.isdisjoint(r.roles):
                level = attrs_.get("level")
                out.append(
                    Gap(
                        r.code,
                        node,
                        node.split(":", 1)[1],
                        attrs_.get("name", node),
                        attrs_.get("type", ""),
                        None if level is None else _LEVELS.get(level),
                        r.kind,
                        r,
                    )
                )
    return out
