"""The county's yellow-card rule, tested with hypothesis: a card exactly when a cadre leaves more
than ``max_unvisited`` paired businesses unvisited in the last ``within_days`` days.

Run: ``pytest examples/county_rules/test_yellow_card.py``.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import yellow_card

from foodsafety.engines.audit import audit
from foodsafety.ids import uscc as uscc_id
from foodsafety.rules import load_pairing_policy

AS_OF = dt.date(2023, 1, 1)
POLICY = load_pairing_policy(Path(yellow_card.__file__).with_name("county_2023.yaml"))


def _uscc(i: int) -> str:
    body = f"91410522MA{i:07d}"[:17]
    return body + uscc_id.calc_check_digit(body)


def _ledger(visited: list[list[bool]]) -> dict[str, pl.DataFrame]:
    """Cadre k pairs len(visited[k]) businesses; visited[k][j]: business j got a visit."""
    rows = [(k, j, seen) for k, cadre in enumerate(visited) for j, seen in enumerate(cadre)]
    ids = [_uscc(n) for n in range(len(rows))]
    return {
        "businesses": pl.DataFrame(
            {
                "uscc": ids,
                "name": [f"店{n}" for n in range(len(rows))],
                "kind": ["catering"] * len(rows),
                "jurisdiction": ["410522100"] * len(rows),
                "tier": ["C"] * len(rows),
            },
            schema=dict.fromkeys(("uscc", "name", "kind", "jurisdiction", "tier"), pl.Utf8),
        ),
        "cadres": pl.DataFrame(
            {
                "cadre_id": [f"C{k}" for k in range(len(visited))],
                "name": ["某干部"] * len(visited),
                "level": ["township"] * len(visited),
                "jurisdiction": ["410522100"] * len(visited),
            }
        ),
        "assignments": pl.DataFrame(
            {
                "assignment_id": [f"A{n}" for n in range(len(rows))],
                "cadre_id": [f"C{k}" for k, _, _ in rows],
                "uscc": ids,
                "valid_from": [dt.date(2022, 1, 1)] * len(rows),
            },
            schema={
                "assignment_id": pl.Utf8,
                "cadre_id": pl.Utf8,
                "uscc": pl.Utf8,
                "valid_from": pl.Date,
            },
        ),
        "visits": pl.DataFrame(
            {
                "visit_id": [f"V{n}" for n, (_, _, seen) in enumerate(rows) if seen],
                "date": [dt.date(2022, 12, 1)] * sum(seen for _, _, seen in rows),
                "cadre_id": [f"C{k}" for k, _, seen in rows if seen],
                "uscc": [ids[n] for n, (_, _, seen) in enumerate(rows) if seen],
            },
            schema={"visit_id": pl.Utf8, "date": pl.Date, "cadre_id": pl.Utf8, "uscc": pl.Utf8},
        ),
    }


@settings(max_examples=40, deadline=None)
@given(visited=st.lists(st.lists(st.booleans(), max_size=6), min_size=1, max_size=5))
def test_a_yellow_card_exactly_when_too_many_businesses_go_unvisited(
    visited: list[list[bool]],
) -> None:
    result = audit(_ledger(visited), POLICY, AS_OF)
    limit = POLICY.checks.setting("county_yellow_card")["max_unvisited"]
    expected = {f"C{k}" for k, cadre in enumerate(visited) if cadre.count(False) > limit}
    assert result.keys("yellow_card") == expected
    assert not result.failures


def test_the_county_policy_turns_the_rule_on() -> None:
    assert "county_yellow_card" in POLICY.checks.names()
    result = audit(_ledger([[False] * 6, [True] * 6]), POLICY, AS_OF)
    assert result.keys("yellow_card") == {"C0"}
    assert result.frame.filter(kind="yellow_card")["message_zh"][0].startswith("干部C0有6户")
