"""CLI: ``divisions show/search`` and ``check VALUE`` through typer's CliRunner."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from foodsafety.cli._divisions import app as divisions_app
from foodsafety.cli._ids import app as check_app
from foodsafety.cli._ids import recognise
from foodsafety.ids import uscc

runner = CliRunner()


def test_show_anyang() -> None:
    result = runner.invoke(divisions_app, ["show", "410500"])
    assert result.exit_code == 0, result.output
    assert "安阳市" in result.output
    assert "河南省 410000" in result.output
    assert "地级市" in result.output
    assert "2025-12-31" in result.output


def test_show_unknown_code_fails_with_edition() -> None:
    result = runner.invoke(divisions_app, ["show", "371200"])
    assert result.exit_code == 2
    assert "2025-12-31" in result.output
    assert "莱芜市" in result.output


def test_search_traditional() -> None:
    result = runner.invoke(divisions_app, ["search", "安陽", "--level", "county"])
    assert result.exit_code == 0, result.output
    assert "410522" in result.output
    assert "410500 " not in result.output
    missing = runner.invoke(divisions_app, ["search", "不存在的地方"])
    assert missing.exit_code == 1


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("410500", "division"),
        ("410522102001", "division"),
        ("91110000600037341L", "uscc"),
        ("sc10641052200123", "production"),
        ("JY24105220001234", "business"),
        ("hello", "unknown"),
    ],
)
def test_recognise(value: str, kind: str) -> None:
    assert recognise(value) == kind


def test_check_valid_values() -> None:
    good = runner.invoke(check_app, ["91110000600037341L"])
    assert good.exit_code == 0, good.output
    assert "工商" in good.output
    assert "北京市" in good.output
    lic = runner.invoke(check_app, ["SC10641052200123"])
    assert lic.exit_code == 0
    assert "饮料" in lic.output
    assert "安阳县" in lic.output


def test_check_explains_failures_in_both_languages() -> None:
    head = "91410500MA3X00000"
    wrong = head + next(c for c in uscc.ALPHABET if c != uscc.calc_check_digit(head))
    result = runner.invoke(check_app, [wrong])
    assert result.exit_code == 1
    assert "checksum" in result.output
    assert "校验码" in result.output
    assert "mistyped" in result.output
    junk = runner.invoke(check_app, ["hello"])
    assert junk.exit_code == 2
    assert "无法识别" in junk.output
