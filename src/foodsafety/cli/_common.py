"""Shared pieces of the CLI: the console, error reporting, plain-text fallback."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from foodsafety.errors import BulkValidationError, FoodSafetyError

#: Standard output; rich falls back to plain text when it is not a terminal.
console = Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 120)
#: Errors go to standard error.
err_console = Console(stderr=True, highlight=False)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn a :class:`FoodSafetyError`, or a file that cannot be read or written, into a
    message on stderr and exit status 2 (never a traceback)."""
    try:
        yield
    except BulkValidationError as exc:
        err_console.print(f"[red]error:[/red] {escape(exc.message)}", markup=True)
        raise typer.Exit(code=2) from None
    except FoodSafetyError as exc:
        err_console.print(f"[red]error:[/red] {escape(str(exc))}", markup=True)
        if exc.message_zh:
            err_console.print(f"       {exc.message_zh}", markup=False)
        raise typer.Exit(code=2) from None
    except OSError as exc:  # a file to write in a folder that vanished, a full disk...
        where = f"{exc.filename}: " if exc.filename else ""
        err_console.print(
            f"[red]error:[/red] {escape(where + (exc.strerror or str(exc)))}", markup=True
        )
        raise typer.Exit(code=2) from None


def output_file(path: Path | None, option: str, suffixes: tuple[str, ...] = ()) -> None:
    """Check an output option before any work is done: its suffix is one of ``suffixes``
    (when given) and its folder exists.

    Raises:
        typer.BadParameter: the suffix or the folder is wrong (a clean usage error).
    """
    if path is None:
        return
    if suffixes and path.suffix.lower() not in suffixes:
        raise typer.BadParameter(
            f"must end in {', '.join(suffixes)} (got {path.name!r})", param_hint=option
        )
    folder = path.parent
    if not folder.is_dir():
        raise typer.BadParameter(
            f"the folder {str(folder)!r} does not exist (create it first)", param_hint=option
        )
    if path.is_dir():
        raise typer.BadParameter(f"{str(path)!r} is a folder, not a file", param_hint=option)


#: The largest ``--scale`` of a synthetic sample (scale 1 is Anyang, 16,316 businesses).
MAX_SCALE = 100.0


def check_scale(scale: float, option: str = "--scale") -> None:
    """Raise :class:`typer.BadParameter` unless ``0 < scale <= MAX_SCALE``."""
    if not (math.isfinite(scale) and 0 < scale <= MAX_SCALE):
        raise typer.BadParameter(
            f"must be a number above 0 and at most {MAX_SCALE:g} (got {scale!r})",
            param_hint=option,
        )


def check_lang(lang: str, option: str = "--lang") -> None:
    """Raise :class:`typer.BadParameter` unless ``lang`` is ``zh`` or ``en``."""
    if lang not in ("zh", "en"):
        raise typer.BadParameter(f"must be 'zh' or 'en' (got {lang!r})", param_hint=option)


def guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator form of :func:`reported_errors` for command functions."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with reported_errors():
            return func(*args, **kwargs)

    return wrapper
