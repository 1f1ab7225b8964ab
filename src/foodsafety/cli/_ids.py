"""``foodsafety check VALUE``: what an identifier is, whether it is valid, and why not.

Recognises a division code (行政区划代码), a unified social credit code (统一社会信用代码), a
food production licence number (SC) and a food business licence number (JY) from its shape,
validates it and prints the decoded parts, or the failed check in Chinese and English.
"""

from __future__ import annotations

import typer
from rich.table import Table

from foodsafety.cli._common import console, err_console
from foodsafety.errors import FoodSafetyError

__all__ = ["check", "recognise"]


def recognise(value: str) -> str:
    """The kind of identifier ``value`` looks like: division, uscc, production, business or unknown."""
    from foodsafety.ids._common import clean

    try:
        text = clean(value, "identifier", "标识符")
    except FoodSafetyError:
        return "unknown"
    if text.startswith("SC"):
        return "production"
    if text.startswith("JY"):
        return "business"
    if len(text) == 18:
        return "uscc"
    if text.isdigit() and len(text) in (6, 9, 12):
        return "division"
    if len(text) >= 15 and not text.isdigit():
        return "uscc"
    return "unknown"


_NAMES = {
    "division": ("division code", "行政区划代码"),
    "uscc": ("unified social credit code (USCC)", "统一社会信用代码"),
    "production": ("food production licence (SC)", "食品生产许可证编号"),
    "business": ("food business licence (JY)", "食品经营许可证编号"),
}


def _rows(kind: str, value: str) -> list[tuple[str, str]]:
    from foodsafety.ids import USCC, DivisionCode, FoodBusinessLicence, FoodProductionLicence
    from foodsafety.registry import registry

    reg = registry()

    def where(code: DivisionCode | None) -> str:
        if code is None:
            return "national 国家级"
        found = reg.find(code)
        if found is not None:
            chain = [a.name for a in reversed(reg.ancestors(code))] + [found.name]
            return f"{code} {''.join(chain)}"
        history = reg.historical(code) if len(code) == 6 else None
        if history is not None:
            return f"{code} (historical 历史代码: {history.describe()})"
        return f"{code} (not in the {reg.edition.isoformat()} registry)"

    if kind == "division":
        code = DivisionCode(value)
        rows = [("code 代码", str(code)), ("level 层级", f"{code.level.zh} {code.level.value}")]
        rows.append(("place 地名", where(code)))
        if not reg.is_current(code) and code not in reg:
            rows.append(
                (
                    "registry 区划表",
                    f"not in the {reg.edition.isoformat()} edition 不在现行区划表中",
                )
            )
        return rows
    if kind == "uscc":
        u = USCC(value)
        return [
            ("code 代码", str(u)),
            (
                "authority 登记管理部门",
                f"{u.registration_authority.code} {u.registration_authority.zh}",
            ),
            ("entity type 机构类别", f"{u.entity_type.code} {u.entity_type.zh}"),
            ("division 行政区划", where(u.division)),
            ("organisation code 主体标识码", u.organisation_code),
            ("check 校验码", u.check_character),
        ]
    if kind == "production":
        p = FoodProductionLicence(value)
        return [
            ("number 编号", str(p)),
            ("category 食品类别", f"{p.category.code} {p.category.zh}"),
            ("division 行政区划", where(p.division)),
            ("serial 顺序码", p.serial),
            ("check digit 校验码", f"{p.check_digit} (not verified 未校验: algorithm unpublished)"),
        ]
    b = FoodBusinessLicence(value)
    return [
        ("number 编号", str(b)),
        ("business kind 主体业态", f"{b.business_kind.code} {b.business_kind.zh}"),
        ("division 行政区划", where(b.division)),
        ("serial 顺序码", b.serial),
        ("check digit 校验码", f"{b.check_digit} (not verified 未校验: algorithm unpublished)"),
    ]


def check(
    value: str = typer.Argument(..., help="A division code, USCC, SC or JY licence number."),
) -> None:
    """Say what an identifier is, whether it is valid and, if not, why (中文 and English)."""
    kind = recognise(value)
    if kind == "unknown":
        err_console.print(
            f"[red]unrecognised:[/red] {value!r} is not a division code (6/9/12 digits), a USCC "
            "(18 characters), an SC or a JY licence number",
            markup=True,
        )
        err_console.print(
            f"       无法识别：{value!r} 不是行政区划代码、统一社会信用代码或 SC/JY 许可证编号"
        )
        raise typer.Exit(code=2)
    en, zh = _NAMES[kind]
    try:
        rows = _rows(kind, value)
    except FoodSafetyError as exc:
        check_name = getattr(exc, "check", exc.code)
        err_console.print(f"[red]invalid {en} ({zh}):[/red] {exc.message}", markup=True)
        if exc.message_zh:
            err_console.print(f"       {exc.message_zh}")
        err_console.print(f"       failed check 未通过的检查: {check_name}")
        raise typer.Exit(code=1) from None
    title = f"valid {en} 有效的{zh}"
    if kind == "division":
        from foodsafety.registry import registry

        if value not in registry():
            title = (
                f"well-formed {en}, not in the current registry 格式正确的{zh}（不在现行区划表中）"
            )
    table = Table(title=title, show_header=False)
    table.add_column("field")
    table.add_column("value")
    for k, v in rows:
        table.add_row(k, v)
    console.print(table)


#: A one-command typer app for tests and for registering under another name.
app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
app.command("check")(check)
