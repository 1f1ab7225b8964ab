"""A policy checks only what it says: a rule it leaves out gives no finding."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from foodsafety.engines.audit import FINDING_KINDS, AuditResult, audit
from foodsafety.presets import pairing_policies, pairing_policy
from foodsafety.rules import PairingPolicy, load_pairing_policy
from foodsafety.samples import Sample, anyang

#: the findings that follow from tier_levels and the ledger alone
PAIRING_KINDS = frozenset(
    {
        "unpaired",
        "tier_level_mismatch",
        "cadre_outside_jurisdiction",
        "assignment_overlap",
        "assignment_gap",
    }
)

MINIMAL_YAML = """\
name: pairing_only
description: 只规定层级对应 / tiers to levels, nothing else
effective: 2022-11-11
tier_levels: {A: city, B: county, C: township, D: village}
"""

_CACHE: dict[str, object] = {}


def _sample() -> Sample:
    if "s" not in _CACHE:
        _CACHE["s"] = anyang(seed=4, scale=0.05, routine_share=0.3)
    sample = _CACHE["s"]
    assert isinstance(sample, Sample)
    return sample


def _preset_result() -> AuditResult:
    if "r" not in _CACHE:
        sample = _sample()
        _CACHE["r"] = audit(sample.tables, sample.policy, sample.as_of)
    result = _CACHE["r"]
    assert isinstance(result, AuditResult)
    return result


def _minimal(tmp_path: Path) -> PairingPolicy:
    path = tmp_path / "pairing_only.yaml"
    path.write_text(MINIMAL_YAML, encoding="utf-8")
    return load_pairing_policy(path)


def test_a_policy_of_tier_levels_only_states_no_other_rule(tmp_path: Path) -> None:
    policy = _minimal(tmp_path)
    assert policy.cadence is None and policy.repair is None and policy.staffing is None
    assert policy.routines is None and policy.follow_up_days is None
    assert policy.documents == () and policy.load_cap == {}
    assert policy.cadence_for(policy.tier_levels[next(iter(policy.tier_levels))]) is None


def test_a_policy_of_tier_levels_only_gives_pairing_findings_only(tmp_path: Path) -> None:
    # the same ledger, with staffing, routine, document, visit, follow-up and re-pairing gaps
    sample = _sample()
    preset = _preset_result()
    gaps = set().union(*RULE_KINDS.values()) - {"cadre_overloaded"}  # none at this size
    assert all(preset.counts()[k] for k in gaps), preset.counts()
    result = audit(sample.tables, _minimal(tmp_path), sample.as_of)
    found = {k for k, n in result.counts().items() if n}
    assert found <= PAIRING_KINDS
    for kind in PAIRING_KINDS - {"unpaired"}:
        assert result.keys(kind) == preset.keys(kind), kind
    # without a repair rule no re-pairing window excuses an unpaired business
    assert result.keys("unpaired") >= preset.keys("unpaired")
    assert {f.rule_id.split(":")[1].split("@")[0] for f in result.findings()} <= {
        "tier_levels",
        "tier_levels.A",
        "tier_levels.B",
        "tier_levels.C",
        "tier_levels.D",
        "assignments.history",
    }


#: rule -> the finding kinds that only it gives
RULE_KINDS = {
    "cadence": {"visit_overdue"},
    "repair": {"repair_overdue"},
    "staffing": {"director_missing", "officer_missing"},
    "routines": {"routine_gap"},
    "follow_up_days": {"problem_without_follow_up"},
    "documents": {"pledge_missing", "list_missing"},
    "load_cap": {"cadre_overloaded"},
}


@pytest.mark.parametrize("rule", sorted(RULE_KINDS))
def test_taking_a_rule_out_of_the_preset_removes_its_findings_only(rule: str) -> None:
    sample = _sample()
    preset = _preset_result()
    data = sample.policy.model_dump(mode="json", exclude={rule})
    policy = PairingPolicy.model_validate(data)
    result = audit(sample.tables, policy, sample.as_of)
    for kind in FINDING_KINDS:
        if kind in RULE_KINDS[rule]:
            assert not result.keys(kind), kind
        elif kind == "unpaired" and rule == "repair":
            assert result.keys(kind) >= preset.keys(kind)
        else:
            assert result.keys(kind) == preset.keys(kind), kind
    # the findings that remain cite the clauses they cite under the whole preset
    clauses = {(f.kind, f.clause) for f in result.findings()}
    assert clauses <= {(f.kind, f.clause) for f in preset.findings()}


@pytest.mark.parametrize(
    ("staffing", "kinds"),
    [
        ({"director": True}, {"director_missing"}),
        ({"min_officers": 1}, {"officer_missing"}),
        ({}, set()),
        ({"director": True, "min_officers": 1}, {"director_missing", "officer_missing"}),
    ],
)
def test_a_staffing_rule_checks_the_posts_it_names(
    staffing: dict[str, object], kinds: set[str]
) -> None:
    sample = _sample()
    data = sample.policy.model_dump(mode="json")
    data["staffing"] = staffing
    result = audit(sample.tables, PairingPolicy.model_validate(data), sample.as_of)
    for kind in ("director_missing", "officer_missing"):
        assert bool(result.keys(kind)) is (kind in kinds), kind


def test_a_level_without_a_cadence_and_no_default_is_not_checked() -> None:
    sample = _sample()
    data = sample.policy.model_dump(mode="json")
    data["cadence"] = {"city": {"freq": "quarterly", "interval": 1, "min_visits": 1}}
    result = audit(sample.tables, PairingPolicy.model_validate(data), sample.as_of)
    assert {f.clause for f in result.findings("visit_overdue")} <= {"cadence.city"}
    preset_city = {
        f.key for f in _preset_result().findings("visit_overdue") if f.clause == "cadence.city"
    }
    assert result.keys("visit_overdue") == preset_city


def test_a_sample_of_a_policy_that_states_few_rules_audits_exactly(tmp_path: Path) -> None:
    policy = _minimal(tmp_path)
    sample = anyang(seed=2, scale=0.05, policy=policy)
    result = audit(sample.tables, policy, sample.as_of)
    for kind in FINDING_KINDS:
        assert result.keys(kind) == sample.faults.get(kind, frozenset()), kind
    assert {k for k, v in sample.faults.items() if v} <= PAIRING_KINDS


@pytest.mark.parametrize("name", pairing_policies())
def test_the_presets_state_every_rule_they_check(name: str) -> None:
    policy = pairing_policy(name)
    assert policy.cadence and policy.cadence.get("default") is not None
    assert policy.repair is not None and policy.follow_up_days is not None
    assert policy.staffing is not None and policy.staffing.director
    assert policy.staffing.min_officers >= 1
    assert policy.routines is not None and policy.routines.required
    assert policy.documents
    text = (
        Path(__file__).parents[1] / "src" / "foodsafety" / "presets" / "pairing" / f"{name}.yaml"
    ).read_text(encoding="utf-8")
    for key in ("cadence:", "repair:", "documents:", "staffing:", "routines:", "follow_up_days:"):
        assert f"\n{key}" in text, key
    assert "working_days:" in text and "director:" in text and "min_officers:" in text
    assert "DOMAIN.md" not in text and "DESIGN.md" not in text


def test_effective_dates_still_mark_the_findings(tmp_path: Path) -> None:
    sample = _sample()
    result = audit(sample.tables, _minimal(tmp_path), sample.as_of)
    assert all(
        f.rule_id.endswith("@" + dt.date(2022, 11, 11).isoformat()) for f in result.findings()
    )
