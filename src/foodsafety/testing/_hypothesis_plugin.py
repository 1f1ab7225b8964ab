"""Hypothesis plugin: ``st.from_type(Business)`` draws a valid business, and so on for every record.

Hypothesis calls :func:`_register` when it is imported, through the ``hypothesis`` entry point
(``_ = "foodsafety.testing._hypothesis_plugin:_register"``). That must be cheap for every
project that has foodsafety installed, so nothing is imported here: the record types whose
modules are already imported are registered at once, the others as soon as their module is
imported (a small import hook), and each strategy is built only when first drawn from
(hypothesis calls the registered resolver). Importing :mod:`foodsafety.testing` registers every type as well.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

__all__ = ["REGISTERED", "_register", "register_all"]

#: module -> [(type name, strategy function name in foodsafety.testing)].
REGISTERED: dict[str, tuple[tuple[str, str], ...]] = {
    "foodsafety.ids.division": (("DivisionCode", "division_codes"),),
    "foodsafety.ids.uscc": (("USCC", "usccs"),),
    "foodsafety.ids.production_licence": (("FoodProductionLicence", "production_licences"),),
    "foodsafety.ids.business_licence": (("FoodBusinessLicence", "business_licences"),),
    "foodsafety.models.jurisdiction": (
        ("Jurisdiction", "jurisdictions"),
        ("JurisdictionTree", "jurisdiction_trees"),
    ),
    "foodsafety.models.business": (("Business", "businesses"),),
    "foodsafety.models.cadre": (("Cadre", "cadres"),),
    "foodsafety.models.pairing": (
        ("PairingAssignment", "assignments"),
        ("PairingDocument", "pairing_documents"),
    ),
    "foodsafety.models.visit": (("Visit", "visits"),),
    "foodsafety.models.routine": (("RoutineRecord", "routine_records"),),
    "foodsafety.models.finding": (("Finding", "findings"),),
    "foodsafety.models.campaign": (("Campaign", "campaigns"),),
    "foodsafety.rules.rubric": (("Rubric", "rubrics"),),
    "foodsafety.rules.pairing_policy": (("PairingPolicy", "pairing_policies"),),
}

_done: set[str] = set()


def _resolver(function: str) -> Any:
    """A type resolver: hypothesis calls it when ``from_type`` first needs the strategy."""

    def build(_thing: type) -> Any:
        import foodsafety.testing as testing

        return getattr(testing, function)()

    return build


def _register_module(name: str, module: ModuleType) -> None:
    if name in _done:
        return
    _done.add(name)
    from hypothesis import strategies as st

    for type_name, function in REGISTERED[name]:
        cls = getattr(module, type_name, None)
        if cls is not None:
            st.register_type_strategy(cls, _resolver(function))


class _RegisterOnImport(importlib.abc.MetaPathFinder):
    """Registers a record type's strategy right after its module is imported."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in REGISTERED or fullname in _done:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return None
        loader = spec.loader
        original = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            original(module)
            # Registration must never break an import.
            with contextlib.suppress(Exception):
                _register_module(fullname, module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _register() -> None:
    """The hypothesis entry point: register what is imported, hook the rest. Imports nothing."""
    for name in REGISTERED:
        module = sys.modules.get(name)
        if module is not None:
            _register_module(name, module)
    if not any(isinstance(f, _RegisterOnImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _RegisterOnImport())


def register_all() -> None:
    """Import every record module and register its strategies (done by ``import foodsafety.testing``)."""
    import importlib

    for name in REGISTERED:
        _register_module(name, importlib.import_module(name))
