"""Import profile presets (导入方案预设) shipped as package data YAML.

``presets/import/county_workbook.yaml`` reads a county's workbook (包保主体台账, 包保干部名单,
督导记录 and the like; wide tables; split sheets); ``township_csv.yaml`` a township's CSV files
in GBK or UTF-8. Both are starting points a user copies and edits.
"""

from __future__ import annotations

from importlib import resources

from foodsafety.errors import RuleError
from foodsafety.rules.import_profile import ImportProfile, load_import_profile

__all__ = ["import_profile", "import_profiles"]


def import_profiles() -> tuple[str, ...]:
    """The names of the shipped import profiles."""
    folder = resources.files("foodsafety.presets").joinpath("import")
    return tuple(
        sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))
    )


def import_profile(name: str = "county_workbook") -> ImportProfile:
    """Load a shipped import profile by name (``"county_workbook"``, ``"township_csv"``).

    Raises:
        RuleError: no shipped profile has that name (the message lists them).
    """
    names = import_profiles()
    if name not in names:
        raise RuleError(
            f"no import profile named {name!r}; shipped profiles: {', '.join(names)} "
            f"(or give the path of a .yaml file)",
            code="rule.unknown_preset",
            field="name",
            value=name,
        )
    resource = resources.files("foodsafety.presets").joinpath("import", f"{name}.yaml")
    return load_import_profile(
        f"foodsafety/presets/import/{name}.yaml", text=resource.read_text("utf-8")
    )
