"""A pytest plugin for rule authors: one line per rubric file checks every invariant.

Registered under the ``pytest11`` entry point, so with ``foodsafety[testing]`` installed a rule
author's test file is just::

    def test_my_rubric(rubric_checker):
        rubric_checker("rules/my_rubric.yaml")

A broken rubric fails the test with the report of :func:`foodsafety.testing.check_rubric`
(each broken invariant and its minimal counterexample). Relative paths are resolved against the
test file's directory, then the rootdir. ``--rubric-max-examples N`` (or the ini option
``rubric_max_examples``) sets the examples per invariant (default 50). Importing this module
imports neither hypothesis nor the library: the fixture does, when it is used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from foodsafety.testing._checks import RubricCheckReport

__all__ = ["RubricChecker", "pytest_addoption", "rubric_checker"]

#: ``rubric_checker(path_or_rubric, *, max_examples=None, non_monotone=())``.
RubricChecker = Callable[..., "RubricCheckReport"]


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--rubric-max-examples`` and the ini option ``rubric_max_examples``."""
    group = parser.getgroup("foodsafety", "foodsafety rubric checks")
    group.addoption(
        "--rubric-max-examples",
        type=int,
        default=None,
        help="examples per invariant for the rubric_checker fixture (default 50)",
    )
    parser.addini("rubric_max_examples", "examples per invariant for rubric_checker", default="50")


def _resolve(request: pytest.FixtureRequest, path: str | Path) -> Path:
    p = Path(path)
    if p.is_absolute():
        return p
    here = Path(str(request.node.path)).parent
    for base in (here, Path(str(request.config.rootpath))):
        if (base / p).exists():
            return base / p
    return here / p


@pytest.fixture
def rubric_checker(request: pytest.FixtureRequest) -> RubricChecker:
    """Check a rubric file (or a Rubric/StarScheme object); fail the test with the report."""
    option = request.config.getoption("--rubric-max-examples", default=None)
    default_examples = int(option or request.config.getini("rubric_max_examples") or 50)

    def check(
        rubric: Any,
        *,
        max_examples: int | None = None,
        non_monotone: Iterable[str] = (),
    ) -> RubricCheckReport:
        from foodsafety.testing import check_rubric, check_rubric_file

        n = max_examples if max_examples is not None else default_examples
        if isinstance(rubric, str | Path):
            report = check_rubric_file(
                str(_resolve(request, rubric)), max_examples=n, non_monotone=non_monotone
            )
        else:
            report = check_rubric(rubric, max_examples=n, non_monotone=non_monotone)
        if not report.ok:
            pytest.fail(report.format(), pytrace=False)
        return report

    return check
