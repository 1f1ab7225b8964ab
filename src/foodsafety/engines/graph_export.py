"""Writing and reading the responsibility graph: GraphML, node-link JSON, DOT and pictures.

The graph of :mod:`foodsafety.engines.graph` keeps plain Python values: strings, dates and
tuples (an absent attribute means "no value"). GraphML stores only strings, numbers and
booleans, so the writers here encode, and the readers decode, two kinds of value:

- a ``datetime.date`` is written as its ISO string (``"2022-12-16"``);
- a tuple or list is written as a JSON array in a string (``'["食品安全"]'``).

The names of the attributes so encoded are stored in the graph attributes
``foodsafety_dates`` and ``foodsafety_lists`` (comma-separated), so that
:func:`read_graphml` and :func:`read_node_link` decode exactly those; any other reader
(Gephi, ``networkx.read_graphml``) sees plain strings. Edge keys are kept (GraphML edge ``id``,
node-link ``key``).

:func:`to_dot` writes Graphviz DOT text with the levels as ranks and the edge kinds styled,
without needing Graphviz; :func:`render_trace` draws a trace's subgraph with matplotlib
(imported only when called: ``pip install foodsafety[plot]``).
"""

from __future__ import annotations

import datetime as dt
import json
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

import networkx as nx

from foodsafety._atomic import atomic_path, write_text
from foodsafety.engines.graph import ResponsibilityGraph
from foodsafety.engines.tracing import Trace, role_label
from foodsafety.errors import LoadError, require
from foodsafety.vocab import Level, ResponsibilityKind

#: A graph the exports of traces take: the columnar graph or its networkx form.
AnyGraph = ResponsibilityGraph | nx.MultiDiGraph  # type: ignore[type-arg]

__all__ = [
    "KIND_STYLES",
    "decode_graph",
    "encode_graph",
    "read_graphml",
    "read_node_link",
    "render_trace",
    "to_dot",
    "trace_subgraph",
    "write_dot",
    "write_graphml",
    "write_node_link",
]

_DATES_KEY: Final = "foodsafety_dates"
_LISTS_KEY: Final = "foodsafety_lists"

#: How each kind of edge is drawn: (colour, line style) for matplotlib and DOT.
KIND_STYLES: Final[Mapping[str, tuple[str, str]]] = {
    ResponsibilityKind.PRIMARY.value: ("#222222", "solid"),
    ResponsibilityKind.PAIRING.value: ("#e67e22", "dashed"),
    ResponsibilityKind.TERRITORIAL.value: ("#27ae60", "solid"),
    ResponsibilityKind.PARTY_GOVERNMENT.value: ("#c0392b", "solid"),
    ResponsibilityKind.PORTFOLIO.value: ("#c0392b", "dotted"),
    ResponsibilityKind.REGULATORY.value: ("#2471a3", "solid"),
    ResponsibilityKind.COORDINATION.value: ("#8e44ad", "dashdot"),
}
_DOT_STYLE: Final = {"solid": "solid", "dashed": "dashed", "dotted": "dotted", "dashdot": "bold"}
_SHAPES: Final = {
    "jurisdiction": "box",
    "body": "box",
    "official": "ellipse",
    "cadre": "ellipse",
    "business": "doubleoctagon",
    "person": "ellipse",
}


# -- encoding ----------------------------------------------------------------------------


def _encode_value(name: str, value: Any, dates: set[str], lists: set[str]) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        dates.add(name)
        return value.isoformat()
    if isinstance(value, tuple | list):
        lists.add(name)
        return json.dumps(list(value), ensure_ascii=False)
    return value


def encode_graph(graph: nx.MultiDiGraph[str]) -> nx.MultiDiGraph[str]:
    """A copy of ``graph`` with dates as ISO strings and tuples as JSON strings (see module)."""
    dates: set[str] = set()
    lists: set[str] = set()
    out: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    out.add_nodes_from(
        (n, {k: _encode_value(k, v, dates, lists) for k, v in d.items()})
        for n, d in graph.nodes(data=True)
    )
    for u, v, key, d in graph.edges(keys=True, data=True):
        out.add_edge(
            u, v, key=key, **{k: _encode_value(k, val, dates, lists) for k, val in d.items()}
        )
    out.graph.update(
        {k: v for k, v in graph.graph.items() if isinstance(v, str | int | float | bool)}
    )
    out.graph[_DATES_KEY] = ",".join(sorted(dates))
    out.graph[_LISTS_KEY] = ",".join(sorted(lists))
    return out


def decode_graph(graph: nx.MultiDiGraph[Any]) -> nx.MultiDiGraph[str]:
    """Undo :func:`encode_graph` in place (using the names it recorded) and return the graph."""
    dates = {n for n in str(graph.graph.pop(_DATES_KEY, "")).split(",") if n}
    lists = {n for n in str(graph.graph.pop(_LISTS_KEY, "")).split(",") if n}
    if not dates and not lists:
        return graph

    def fix(d: dict[str, Any]) -> None:
        for name in dates.intersection(d):
            if isinstance(d[name], str):
                d[name] = dt.date.fromisoformat(d[name])
        for name in lists.intersection(d):
            if isinstance(d[name], str):
                d[name] = tuple(json.loads(d[name]))

    for _, d in graph.nodes(data=True):
        fix(d)
    for *_, d in graph.edges(data=True):
        fix(d)
    return graph


# -- GraphML and node-link JSON ----------------------------------------------------------


def write_graphml(graph: nx.MultiDiGraph[str], path: str | Path) -> Path:
    """Write GraphML readable by Gephi and ``networkx.read_graphml`` (values encoded)."""
    target = Path(path)
    with atomic_path(target) as tmp:
        nx.write_graphml(encode_graph(graph), tmp, encoding="utf-8", prettyprint=True)
    return target


def read_graphml(path: str | Path) -> nx.MultiDiGraph[str]:
    """Read a graph written by :func:`write_graphml`, decoding dates and tuples.

    Raises:
        LoadError: the file is missing or is not GraphML.
    """
    source = Path(path)
    try:
        g = nx.read_graphml(source, node_type=str, force_multigraph=True)
    except (OSError, nx.NetworkXError, ValueError, SyntaxError) as exc:
        raise LoadError(
            f"cannot read GraphML: {exc}", code="graph.read", source=str(source)
        ) from exc
    out: nx.MultiDiGraph[str] = g if isinstance(g, nx.MultiDiGraph) else nx.MultiDiGraph(g)
    # networkx adds its GraphML defaults as graph attributes; they are not ours.
    for extra in ("node_default", "edge_default"):
        if out.graph.get(extra) == {}:
            del out.graph[extra]
    return decode_graph(out)


def write_node_link(graph: nx.MultiDiGraph[str], path: str | Path) -> Path:
    """Write node-link JSON (``networkx.node_link_data`` with ``edges="edges"``), values encoded."""
    target = Path(path)
    data = nx.node_link_data(encode_graph(graph), edges="edges")
    write_text(target, json.dumps(data, ensure_ascii=False, indent=1))
    return target


def read_node_link(path: str | Path) -> nx.MultiDiGraph[str]:
    """Read a graph written by :func:`write_node_link`, decoding dates and tuples.

    Raises:
        LoadError: the file is missing or is not node-link JSON.
    """
    source = Path(path)
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
        g = nx.node_link_graph(data, edges="edges", multigraph=True, directed=True)
    except (
        OSError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,  # networkx's parser assumes dicts: '{"nodes": [0]}' fails this way
        IndexError,
        nx.NetworkXError,
    ) as exc:
        raise LoadError(
            f"cannot read node-link JSON: {exc}", code="graph.read", source=str(source)
        ) from exc
    return decode_graph(g)  # type: ignore[arg-type]


# -- DOT ---------------------------------------------------------------------------------


def _q(text: object) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _layer(d: Mapping[str, Any]) -> int:
    """Drawing layer: province 0 ... village 4, the business and its own people below."""
    if d.get("type") in ("business", "person"):
        return 6 if d.get("type") == "business" else 5
    level = d.get("level")
    return Level.parse(level).depth if level else 5


def _node_label(node: str, d: Mapping[str, Any], lang: str) -> str:
    if lang.startswith("en"):
        t = d.get("type", "")
        if t == "jurisdiction":
            return f"{d.get('code', node)}\n({d.get('level', '')})"
        if t == "business":
            return f"business\n{d.get('uscc', node)}"
        role = d.get("body_kind") or d.get("post") or t
        where = d.get("jurisdiction", "")
        return f"{role_label(str(role), 'en')}\n{where}"
    return str(d.get("name", node))


def to_dot(graph: nx.MultiDiGraph[str], *, lang: str = "zh", name: str = "responsibility") -> str:
    """Graphviz DOT text: edges styled by kind, nodes of one level on one rank.

    Render it with ``dot -Tsvg`` where Graphviz is installed; no Graphviz is needed to write it.
    """
    lines = [f"digraph {_q(name)} {{", "  rankdir=BT;", '  node [fontname="sans-serif"];']
    layers: dict[int, list[str]] = {}
    for n, d in graph.nodes(data=True):
        layers.setdefault(_layer(d), []).append(n)
        attrs = {
            "label": _node_label(n, d, lang),
            "shape": _SHAPES.get(str(d.get("type")), "ellipse"),
            "type": d.get("type", ""),
            "level": d.get("level", ""),
        }
        lines.append(f"  {_q(n)} [{', '.join(f'{k}={_q(v)}' for k, v in attrs.items())}];")
    for u, v, key, d in graph.edges(keys=True, data=True):
        kind = str(d.get("kind", ""))
        colour, style = KIND_STYLES.get(kind, ("#888888", "solid"))
        label = ResponsibilityKind.parse(kind).label(lang) if kind else ""
        attrs = {
            "key": key,
            "kind": kind,
            "label": label,
            "color": colour,
            "style": _DOT_STYLE[style],
        }
        lines.append(
            f"  {_q(u)} -> {_q(v)} [{', '.join(f'{k}={_q(val)}' for k, val in attrs.items())}];"
        )
    for _, members in sorted(layers.items()):
        lines.append("  { rank=same; " + " ".join(_q(m) for m in members) + " }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_dot(graph: nx.MultiDiGraph[str], path: str | Path, *, lang: str = "zh") -> Path:
    """Write :func:`to_dot` text to ``path``."""
    target = Path(path)
    write_text(target, to_dot(graph, lang=lang))
    return target


# -- pictures ----------------------------------------------------------------------------


def trace_subgraph(graph: AnyGraph, trace: Trace) -> nx.MultiDiGraph[str]:
    """The subgraph of ``graph`` made of the edges on the paths of ``trace`` (a copy).

    ``graph`` is the :class:`~foodsafety.engines.graph.ResponsibilityGraph` the trace was
    made on, or its networkx form.
    """
    edges = {(s.source, s.target, s.key) for link in trace.links for s in link.path}
    if isinstance(graph, ResponsibilityGraph):
        cut = graph.edge_subgraph(sorted(edges))
        for name in (trace.subject, *(link.party for link in trace.links)):
            if name not in cut:
                cut.add_node(name, **graph.attributes(graph.node_id(name)))
        return cut
    sub: nx.MultiDiGraph[str] = nx.MultiDiGraph(graph.edge_subgraph(edges))  # type: ignore[arg-type]
    sub.add_node(trace.subject, **graph.nodes[trace.subject])
    for link in trace.links:
        sub.add_node(link.party, **graph.nodes[link.party])
    return sub


_CJK_FONTS: Final = (
    "Noto Sans CJK",
    "Noto Serif CJK",
    "Source Han",
    "WenQuanYi",
    "SimHei",
    "SimSun",
    "Microsoft YaHei",
    "PingFang",
    "Heiti",
    "Droid Sans Fallback",
    "AR PL",
)


def _cjk_font(font_manager: Any) -> str | None:
    for f in font_manager.fontManager.ttflist:
        if any(name in f.name for name in _CJK_FONTS):
            return str(f.name)
    return None


def _positions(graph: nx.MultiDiGraph[str]) -> dict[str, tuple[float, float]]:
    """Jurisdictions as a spine on the left, one band of rows per level (province on top):
    the jurisdiction, its bodies to the right, each body's officials above it; the business
    at the bottom of the spine, its own people below it and its cadres to its upper right."""
    nodes = graph.nodes
    pos: dict[str, tuple[float, float]] = {}
    depth_of: dict[str, int] = {}
    bodies_by_depth: dict[int, list[str]] = {}
    others: list[str] = []
    for n, d in graph.nodes(data=True):
        t = d.get("type")
        level = d.get("level")
        depth = Level.parse(level).depth if level else 4
        depth_of[n] = depth
        if t == "jurisdiction":
            pos[n] = (0.0, -3.0 * depth)
        elif t == "body":
            bodies_by_depth.setdefault(depth, []).append(n)
        elif t not in ("official",):
            others.append(n)
    for depth, bodies in bodies_by_depth.items():
        bodies.sort(key=lambda b: (_role_rank(str(nodes[b].get("body_kind"))), b))
        for i, b in enumerate(bodies):
            pos[b] = (3.2 * (i + 1), -3.0 * depth + 1.0)
    for b in list(pos):
        if nodes[b].get("type") != "body":
            continue
        officials = sorted(
            (u for u in graph.predecessors(b) if nodes[u].get("type") == "official"),
            key=lambda o: (_role_rank(str(nodes[o].get("post"))), o),
        )
        bx, by = pos[b]
        for i, o in enumerate(officials):
            pos[o] = (bx + 1.6 * (i - (len(officials) - 1) / 2), by + 1.0 + 0.35 * (i % 2))
    bottom = min((y for _, y in pos.values()), default=0.0) - 3.0
    people = 0
    cadres = 0
    for n in sorted(others):
        t = nodes[n].get("type")
        if t == "business":
            pos[n] = (0.0, bottom)
        elif t == "person":
            people += 1
            side = -1.0 if people % 2 else 1.0
            pos[n] = (side * 1.6 * ((people + 1) // 2), bottom - 1.3)
        else:
            cadres += 1
            pos[n] = (2.6 * cadres, bottom + 1.5)
    return pos


def _role_rank(role: str) -> int:
    from foodsafety.engines.tracing import _ROLE_RANK

    return _ROLE_RANK.get(role, 99)


def render_trace(
    graph: AnyGraph,
    trace: Trace,
    path: str | Path,
    *,
    lang: str = "zh",
    title: str | None = None,
) -> Path:
    """Draw a trace's subgraph to a PNG, SVG or PDF file (by extension), levels as layers.

    Nodes sit on one row per level (province at the top, the business at the bottom); edges
    are coloured and dashed by kind (:data:`KIND_STYLES`) with a legend. Chinese names need a
    CJK font known to matplotlib; without one the labels fall back to English roles and codes
    (with a warning).

    Raises:
        MissingExtraError: matplotlib is not installed (``pip install foodsafety[plot]``).
    """
    matplotlib = require("matplotlib", extra="plot", feature="trace pictures")
    matplotlib.use("Agg")
    plt = require("matplotlib.pyplot", extra="plot", feature="trace pictures")
    font_manager = require("matplotlib.font_manager", extra="plot", feature="trace pictures")
    lines_mod = require("matplotlib.lines", extra="plot", feature="trace pictures")

    label_lang = lang
    font = None
    if not lang.startswith("en"):
        font = _cjk_font(font_manager)
        if font is None:
            warnings.warn(
                "no CJK font found for matplotlib: trace picture labels fall back to English",
                stacklevel=2,
            )
            label_lang = "en"
    sub = trace_subgraph(graph, trace)
    pos = _positions(sub)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    width = max(8.0, 1.1 * (max(xs) - min(xs) + 3))
    height = max(5.0, 0.75 * (max(ys) - min(ys) + 2))
    fig, ax = plt.subplots(figsize=(width, height))
    try:
        kinds_seen: list[str] = []
        for u, v, d in sub.edges(data=True):
            kind = str(d.get("kind"))
            colour, style = KIND_STYLES.get(kind, ("#888888", "solid"))
            if kind not in kinds_seen:
                kinds_seen.append(kind)
            (x0, y0), (x1, y1) = pos[u], pos[v]
            ax.annotate(
                "",
                xy=(x1, y1),
                xytext=(x0, y0),
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": colour,
                    "linestyle": style,
                    "lw": 1.2,
                    "shrinkA": 14,
                    "shrinkB": 14,
                },
            )
        text_kw: dict[str, Any] = {"fontsize": 7, "ha": "center", "va": "center"}
        if font is not None and label_lang == lang:
            text_kw["fontfamily"] = font
        for n, (x, y) in pos.items():
            d = sub.nodes[n]
            face = "#fdebd0" if d.get("type") in ("business", "person") else "#eaf2f8"
            ax.text(
                x,
                y,
                _node_label(n, d, label_lang),
                bbox={"boxstyle": "round,pad=0.3", "fc": face, "ec": "#555555", "lw": 0.6},
                **text_kw,
            )
        handles = [
            lines_mod.Line2D(
                [0],
                [0],
                color=KIND_STYLES[k][0],
                linestyle=KIND_STYLES[k][1],
                label=_kind_label(k, label_lang),
            )
            for k in kinds_seen
            if k in KIND_STYLES
        ]
        legend_kw: dict[str, Any] = {
            "loc": "upper left",
            "bbox_to_anchor": (1.0, 1.0),
            "fontsize": 7,
        }
        if font is not None and label_lang == lang:
            legend_kw["prop"] = {"family": font, "size": 7}
        ax.legend(handles=handles, **legend_kw)
        ax.set_xlim(min(xs) - 1.5, max(xs) + 1.5)
        ax.set_ylim(min(ys) - 0.8, max(ys) + 0.8)
        ax.set_axis_off()
        heading = title or (
            f"{trace.subject} @ {trace.as_of.isoformat()}"
            if label_lang.startswith("en")
            else f"{trace.name}：责任链（{trace.as_of.isoformat()}）"
        )
        ax.set_title(
            heading, fontsize=10, **({"fontfamily": font} if "fontfamily" in text_kw else {})
        )
        target = Path(path)
        with atomic_path(target) as tmp:  # (the suffix is kept: it names the format)
            fig.savefig(tmp, bbox_inches="tight", dpi=120, format=target.suffix.lstrip(".") or None)
    finally:
        plt.close(fig)
    return target


def _kind_label(kind: str, lang: str) -> str:
    return ResponsibilityKind.parse(kind).label(lang)


def write_trace_files(
    graph: AnyGraph,
    traces: Iterable[Trace],
    directory: str | Path,
) -> list[Path]:
    """Write the union of the traces' subgraphs as GraphML, node-link JSON and DOT into a folder."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    union: nx.MultiDiGraph[str] = nx.MultiDiGraph(**graph.graph)
    for t in traces:
        union.update(trace_subgraph(graph, t))
    return [
        write_graphml(union, folder / "trace.graphml"),
        write_node_link(union, folder / "trace.json"),
        write_dot(union, folder / "trace.dot"),
    ]
