"""The pytest plugin (rubric_checker), the hypothesis plugin (st.from_type) and the example."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foodsafety.ids import USCC, DivisionCode
from foodsafety.models.business import Business
from foodsafety.models.cadre import Cadre
from foodsafety.models.finding import Finding
from foodsafety.rules.rubric import Rubric
from foodsafety.testing import _hypothesis_plugin

pytest_plugins = ["pytester"]

# What the ``hypothesis`` entry point does when hypothesis is imported (until the entry point is
# in pyproject.toml, call it here; calling it twice is harmless).
_hypothesis_plugin._register()

ROOT = Path(__file__).parent.parent
BROKEN = ROOT / "examples" / "testing" / "broken_rubric.yaml"
NATIONAL = ROOT / "src" / "foodsafety" / "presets" / "assessment" / "national_annual_2023.yaml"


def test_rubric_checker_is_one_line_per_file(pytester: pytest.Pytester) -> None:
    rules = pytester.mkdir("rules")
    (rules / "national.yaml").write_text(NATIONAL.read_text("utf-8"), "utf-8")
    (rules / "broken.yaml").write_text(BROKEN.read_text("utf-8"), "utf-8")
    pytester.makepyfile(
        test_rules="""
        def test_national(rubric_checker):
            rubric_checker("rules/national.yaml")

        def test_broken(rubric_checker):
            rubric_checker("rules/broken.yaml")
        """
    )
    # Once the pytest11 entry point is installed the plugin loads by itself; before, name it.
    installed = any(
        ep.value.startswith("foodsafety.testing.pytest_plugin")
        for ep in importlib.metadata.entry_points(group="pytest11")
    )
    plugin = [] if installed else ["-p", "foodsafety.testing.pytest_plugin"]
    result = pytester.runpytest_subprocess(*plugin, "--rubric-max-examples", "8", "-q")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*FAIL reachable*", "*indicator coverage (Pairing coverage) can never earn*"]
    )


@settings(max_examples=10)
@given(
    st.from_type(Business),
    st.from_type(Cadre),
    st.from_type(USCC),
    st.from_type(DivisionCode),
)
def test_from_type_draws_valid_records(
    b: Business, c: Cadre, code: USCC, div: DivisionCode
) -> None:
    assert Business.model_validate_json(b.model_dump_json()) == b
    # a village cadre may be registered under the village's township (real county ledgers)
    assert c.jurisdiction.level is c.level or (c.level.code, c.jurisdiction.level.code) == (
        "village",
        "township",
    )
    assert Cadre.model_validate_json(c.model_dump_json()) == c
    assert USCC(str(code)) == code and DivisionCode(str(div)) == div


@settings(max_examples=5)
@given(st.from_type(Finding), st.from_type(Rubric))
def test_from_type_covers_findings_and_rubrics(f: Finding, r: Rubric) -> None:
    assert Finding.model_validate_json(f.model_dump_json()) == f
    assert r.indicators()


def test_every_registered_type_exists() -> None:
    import importlib

    import foodsafety.testing as testing

    for module, pairs in _hypothesis_plugin.REGISTERED.items():
        mod = importlib.import_module(module)
        for type_name, function in pairs:
            assert isinstance(getattr(mod, type_name), type)
            assert callable(getattr(testing, function))


def test_the_entry_point_imports_nothing_heavy() -> None:
    code = (
        "import sys, hypothesis\n"
        "from foodsafety.testing._hypothesis_plugin import _register\n"
        "_register()\n"
        "heavy = [m for m in sys.modules if m.startswith(('foodsafety.models', 'foodsafety.engines',"
        " 'foodsafety.testing._', 'polars'))]\n"
        "heavy.remove('foodsafety.testing._hypothesis_plugin')\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_import_foodsafety_does_not_import_hypothesis() -> None:
    code = "import sys, foodsafety\nprint(any(m.startswith('hypothesis') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_example_script_runs() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "testing" / "check_rubrics.py")],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert "rubric national_annual_2023" in out.stdout
    assert out.stdout.count("all invariants hold") == 1
    assert "FAIL reachable" in out.stdout
    assert "coverage 100%: pairing_coverage = 1, in band ≥0.8: 6 of 10" in out.stdout


def test_the_docs_show_what_check_rubric_prints() -> None:
    from foodsafety import presets
    from foodsafety.testing import check_rubric

    page = (ROOT / "docs" / "testing-your-rules.md").read_text("utf-8")
    section = page.split("## A worked example on a shipped preset", 1)[1]
    shown = section.split("```text\n", 1)[1].split("```", 1)[0].rstrip("\n")
    report = check_rubric(presets.load("national_annual_2023"), max_examples=25)  # type: ignore[arg-type]
    assert shown == report.format()
