"""Synthetic governance (合成领导班子): plausible officials for every body of a jurisdiction tree.

The samples' ledgers (seed 004 sizes) name no real official, and the responsibility graph
needs someone in each post to answer: a party secretary and a head of government (党政同责),
a deputy in charge of food safety (分管负责人), a committee chair (食安委主任, normally the head
of government), an office director (食安办主任, normally the market regulation bureau's
director), the bureau director or station head and, for a village, the committee head.
:func:`synthetic_governance` makes them. **Synthetic**: every name is the post's title
followed by ``（合成）`` (``安阳市市长（合成）``), every id starts with ``SYN-``; no record
describes a real person (seed 004 does name Anyang's leaders; they are deliberately not used).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from foodsafety.models.bodies import Governance, Official, body_id
from foodsafety.models.jurisdiction import Jurisdiction, JurisdictionTree
from foodsafety.vocab import BodyKind, Level, OfficialPost

__all__ = ["SYNTHETIC_MARK", "sample_graph", "synthetic_governance"]

#: Appended to every synthetic name.
SYNTHETIC_MARK = "（合成）"

# Title of the first responsible persons and the deputy, per level ("{n}" is the name).
_TITLES: dict[Level, dict[OfficialPost, str]] = {
    Level.PROVINCE: {
        OfficialPost.PARTY_SECRETARY: "{n}委书记",
        OfficialPost.GOVERNMENT_HEAD: "{n}长",
        OfficialPost.DEPUTY_IN_CHARGE: "{n}分管副{t}长",
    },
    Level.CITY: {
        OfficialPost.PARTY_SECRETARY: "{n}委书记",
        OfficialPost.GOVERNMENT_HEAD: "{n}长",
        OfficialPost.DEPUTY_IN_CHARGE: "{n}分管副{t}长",
    },
    Level.COUNTY: {
        OfficialPost.PARTY_SECRETARY: "{n}委书记",
        OfficialPost.GOVERNMENT_HEAD: "{n}长",
        OfficialPost.DEPUTY_IN_CHARGE: "{n}分管副{t}长",
    },
    Level.TOWNSHIP: {
        OfficialPost.PARTY_SECRETARY: "{n}党委书记",
        OfficialPost.GOVERNMENT_HEAD: "{n}长",
        OfficialPost.DEPUTY_IN_CHARGE: "{n}分管副职",
    },
}


def _title(j: Jurisdiction, post: OfficialPost) -> str:
    n = j.name
    if j.level is Level.TOWNSHIP and n.endswith("街道"):
        head = {
            OfficialPost.PARTY_SECRETARY: f"{n}党工委书记",
            OfficialPost.GOVERNMENT_HEAD: f"{n}办事处主任",
            OfficialPost.DEPUTY_IN_CHARGE: f"{n}分管副主任",
        }
        return head[post] + SYNTHETIC_MARK
    return _TITLES[j.level][post].format(n=n, t=n[-1]) + SYNTHETIC_MARK


def _official(
    j: Jurisdiction, kind: BodyKind, post: OfficialPost, name: str, since: dt.date
) -> Official:
    return Official(
        id=f"SYN-{j.code}:{post.value}",
        name=name,
        post=post,
        body=body_id(j.code, kind),
        jurisdiction=j.code,
        portfolio=("食品安全",) if post is OfficialPost.DEPUTY_IN_CHARGE else (),
        valid_from=since,
    )


def synthetic_governance(
    tree: JurisdictionTree, *, since: dt.date = dt.date(2021, 1, 1)
) -> Governance:
    """The standard bodies of every jurisdiction of ``tree`` with synthetic officials.

    Each province, city, county and township gets a party secretary, a head of government,
    a deputy in charge of food safety, a committee chair (the head of government, as in
    Anyang where the mayor leads, seed 004), an office director and a bureau director or
    station head; each village a committee head. All took office on ``since`` and are still
    in office.

    Example:
        >>> tree = JurisdictionTree.from_registry("410500", depth="county")
        >>> gov = synthetic_governance(tree)
        >>> gov.holders("410500", "government_head")[0].name
        '安阳市长（合成）'
    """
    officials: list[Official] = []
    for j in tree:
        if j.level is Level.VILLAGE:
            officials.append(
                _official(
                    j,
                    BodyKind.VILLAGE_COMMITTEE,
                    OfficialPost.VILLAGE_HEAD,
                    f"{j.name}村（居）委会主任{SYNTHETIC_MARK}",
                    since,
                )
            )
            continue
        head = _title(j, OfficialPost.GOVERNMENT_HEAD)
        regulator, regulator_post, regulator_title = (
            (BodyKind.MARKET_REGULATION_STATION, OfficialPost.STATION_HEAD, "市场监管所所长")
            if j.level is Level.TOWNSHIP
            else (BodyKind.MARKET_REGULATION_BUREAU, OfficialPost.BUREAU_DIRECTOR, "市场监管局局长")
        )
        officials.extend(
            (
                _official(
                    j,
                    BodyKind.PARTY_COMMITTEE,
                    OfficialPost.PARTY_SECRETARY,
                    _title(j, OfficialPost.PARTY_SECRETARY),
                    since,
                ),
                _official(j, BodyKind.GOVERNMENT, OfficialPost.GOVERNMENT_HEAD, head, since),
                _official(
                    j,
                    BodyKind.GOVERNMENT,
                    OfficialPost.DEPUTY_IN_CHARGE,
                    _title(j, OfficialPost.DEPUTY_IN_CHARGE),
                    since,
                ),
                _official(
                    j, BodyKind.FOOD_SAFETY_COMMITTEE, OfficialPost.COMMITTEE_CHAIR, head, since
                ),
                _official(
                    j,
                    BodyKind.FOOD_SAFETY_OFFICE,
                    OfficialPost.OFFICE_DIRECTOR,
                    f"{j.name}食安办主任{SYNTHETIC_MARK}",
                    since,
                ),
                _official(
                    j,
                    regulator,
                    regulator_post,
                    f"{j.name}{regulator_title}{SYNTHETIC_MARK}",
                    since,
                ),
            )
        )
    return Governance.standard(tree, officials)


def sample_graph(sample: Any, *, root: str = "410500", since: dt.date = dt.date(2021, 1, 1)) -> Any:
    """The responsibility graph of a generated sample: its territory, synthetic officials, ledger.

    Args:
        sample: a :class:`~foodsafety.samples.Sample` (``anyang()``, ``province()``).
        root: the code of the sample's territory (``"410500"`` Anyang, ``"410000"`` Henan).
        since: when the synthetic officials took office.

    Returns:
        A :class:`~foodsafety.engines.graph.ResponsibilityGraph` (``.to_networkx()`` for
        networkx).
    """
    from foodsafety.engines.graph import ResponsibilityGraph

    tree = JurisdictionTree.from_registry(root, depth="township")
    return ResponsibilityGraph.build(
        synthetic_governance(tree, since=since), sample, name=f"{sample.name} (synthetic)"
    )
