"""Identifier types: division codes, unified social credit codes, food licence numbers.

Each identifier has a plain stdnum-style module (``compact``, ``validate``, ``is_valid``,
``format``) and a thin ``str`` subclass usable as a plain value and as a pydantic field type
(with JSON Schema ``pattern`` and ``examples``):

=========================  ====================================  =================================
type                        module                                what
=========================  ====================================  =================================
:class:`DivisionCode`       :mod:`foodsafety.ids.division`        行政区划代码 (6/9/12 digits)
:class:`USCC`               :mod:`foodsafety.ids.uscc`            统一社会信用代码 (GB 32100)
:class:`FoodProductionLicence` :mod:`foodsafety.ids.production_licence` 食品生产许可证编号 (SC)
:class:`FoodBusinessLicence` :mod:`foodsafety.ids.business_licence`  食品经营许可证编号 (JY)
=========================  ====================================  =================================

Bad input raises :class:`~foodsafety.errors.IdentifierError` whose ``check`` names the failed
check and whose ``message_zh`` is the Chinese message. See ``docs/identifiers.md``.
"""

from foodsafety.ids import business_licence, division, production_licence, uscc
from foodsafety.ids._common import IdentifierStr, Label
from foodsafety.ids.business_licence import FoodBusinessLicence
from foodsafety.ids.division import DivisionCode, KnownDivisionCode
from foodsafety.ids.production_licence import FoodProductionLicence
from foodsafety.ids.uscc import USCC

__all__ = [
    "USCC",
    "DivisionCode",
    "FoodBusinessLicence",
    "FoodProductionLicence",
    "IdentifierStr",
    "KnownDivisionCode",
    "Label",
    "business_licence",
    "division",
    "production_licence",
    "uscc",
]
