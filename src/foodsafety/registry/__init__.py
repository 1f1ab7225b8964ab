"""The bundled, dated registry of China's administrative divisions (行政区划).

The Ministry of Civil Affairs' code table as of 2025-12-31 (provinces, cities, counties and
townships: names, codes, parents, kinds), built by ``scripts/build_registry.py``; see
:mod:`foodsafety.registry._registry` and ``docs/divisions.md``.

    >>> from foodsafety.registry import registry
    >>> registry().get("410500").name
    '安阳市'
"""

from foodsafety.registry._codes import canonical, level_of, structural_parent
from foodsafety.registry._registry import (
    Division,
    HistoricalName,
    HistoricalRecord,
    Registry,
    registry,
)

__all__ = [
    "Division",
    "HistoricalName",
    "HistoricalRecord",
    "Registry",
    "canonical",
    "level_of",
    "registry",
    "structural_parent",
]
