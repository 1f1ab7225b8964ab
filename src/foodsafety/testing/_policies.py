"""Strategies for pairing policies (包保工作规则), valid by construction.

A drawn policy pairs tiers with levels (分层分级、层级对应, seed 004: A→市, B→县, C→乡, D→村, or
a locality's variation), sets a visit cadence per level, a re-pairing deadline in working days,
load caps, the pledge and the three lists with their due dates, staffing and routine rules;
some rules are left out (a policy checks only what it says). It round-trips through YAML with
:func:`foodsafety.rules.load_pairing_policy`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from foodsafety.rules.pairing_policy import PairingPolicy
from foodsafety.testing._common import check_type
from foodsafety.vocab import Level, PairingList, PairingTier, Routine

__all__ = ["pairing_policies"]

_CADRE_LEVELS = (Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)
_STANDARD = dict(zip(PairingTier, _CADRE_LEVELS, strict=True))


@st.composite
def _cadences(draw: st.DrawFn) -> dict[str, Any]:
    freq = draw(st.sampled_from(["quarterly", "monthly", "weekly", "yearly"]))
    return {
        "freq": freq,
        "interval": draw(st.integers(min_value=1, max_value=3)),
        "min_visits": draw(st.integers(min_value=1, max_value=3)),
    }


@st.composite
def _policies(draw: st.DrawFn, standard_tiers: bool) -> PairingPolicy:
    effective = draw(st.dates(dt.date(2020, 1, 1), dt.date(2025, 12, 31)))
    if standard_tiers or not draw(st.booleans()):
        tiers = {t.value: lv.value for t, lv in _STANDARD.items()}
    else:
        tiers = {
            t.value: draw(st.sampled_from(_CADRE_LEVELS)).value
            for t in draw(
                st.lists(st.sampled_from(list(PairingTier)), min_size=1, max_size=4, unique=True)
            )
        }
    cadence: dict[str, Any] = {"default": draw(_cadences())}
    for lv in draw(st.lists(st.sampled_from(_CADRE_LEVELS), max_size=2, unique=True)):
        cadence[lv.value] = draw(_cadences())
    documents = [
        {
            "document": doc.value,
            "levels": [
                lv.value
                for lv in draw(
                    st.lists(st.sampled_from(_CADRE_LEVELS), min_size=1, max_size=4, unique=True)
                )
            ],
            "due": (effective + dt.timedelta(days=draw(st.integers(0, 60)))).isoformat(),
        }
        for doc in draw(st.lists(st.sampled_from(list(PairingList)), max_size=4, unique=True))
    ]
    data = {
        "name": f"policy_{draw(st.integers(min_value=1, max_value=99)):02d}",
        "description": "drawn by foodsafety.testing.pairing_policies()",
        "reference": {"title": "foodsafety.testing"},
        "effective": effective.isoformat(),
        "tier_levels": tiers,
        "cadence": cadence,
        "repair": {"working_days": draw(st.integers(min_value=0, max_value=30))},
        "load_cap": {
            lv.value: draw(st.integers(min_value=1, max_value=50))
            for lv in draw(st.lists(st.sampled_from(_CADRE_LEVELS), max_size=4, unique=True))
        },
        "documents": documents,
        "staffing": {
            "director": draw(st.booleans()),
            "min_officers": draw(st.integers(min_value=0, max_value=3)),
        },
        "routines": {
            "required": [
                r.value
                for r in draw(st.lists(st.sampled_from(list(Routine)), max_size=3, unique=True))
            ]
        },
        "follow_up_days": draw(st.integers(min_value=0, max_value=90)),
    }
    # a policy checks only what it says: some rules are left out (shrinks to all stated)
    for rule in ("cadence", "repair", "staffing", "routines", "follow_up_days"):
        if draw(st.booleans()):
            del data[rule]
    return PairingPolicy.model_validate(data)


def pairing_policies(*, standard_tiers: bool = False) -> st.SearchStrategy[PairingPolicy]:
    """Pairing policies (包保工作规则): tiers to levels, cadences, deadlines, documents, staffing.

    Args:
        standard_tiers: always pair A→city, B→county, C→township, D→village (seed 004);
            otherwise about half the policies vary it (some tiers left open, two tiers on one
            level).

    Each of ``cadence``, ``repair``, ``staffing``, ``routines`` and ``follow_up_days`` is left
    out of about half the policies (not checked). Shrinks toward the standard tiers, every rule
    stated, a quarterly cadence and no documents.
    """
    check_type("pairing_policies", "standard_tiers", standard_tiers, bool)
    return _policies(standard_tiers)
