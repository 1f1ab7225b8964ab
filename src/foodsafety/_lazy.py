"""polars and numpy, imported on first use (``import foodsafety`` stays light).

``from foodsafety._lazy import np, pl`` gives names a type checker sees as the modules
themselves, while at run time each is a stand-in that imports the module on the first
attribute read and, when the ``[data]`` extra is not installed, raises
:class:`~foodsafety.errors.MissingExtraError` with the install hint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from foodsafety.errors import require

__all__ = ["np", "pl"]

if TYPE_CHECKING:
    import numpy as np
    import polars as pl
else:

    class _Lazy:
        __slots__ = ("_name",)

        def __init__(self, name: str) -> None:
            self._name = name

        def __getattr__(self, attr: str) -> Any:
            module = require(self._name, extra="data", feature="columnar work")
            return getattr(module, attr)

        def __repr__(self) -> str:
            return f"<{self._name}, imported on first use>"

    pl = _Lazy("polars")
    np = _Lazy("numpy")
