"""Shared pieces of the CLI: the console, error reporting, plain-text fallback."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console

from foodsafety.errors import BulkValidationError, FoodSafetyError

#: Standard output; rich falls back to plain text when it is not a terminal.
console = Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 120)
#: Errors go to standard error.
err_console = Console(stderr=True, highlight=False)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn a :class:`FoodSafetyError` into a message on stderr and exit status 2."""
    try:
        yield
    except BulkValidationError as exc:
        err_console.print(f"[red]error:[/red] {exc.message}", markup=True)
        raise typer.Exit(code=2) from None
    except FoodSafetyError as exc:
        err_console.print(f"[red]error:[/red] {exc}", markup=True)
        if exc.message_zh:
            err_console.print(f"       {exc.message_zh}")
        raise typer.Exit(code=2) from None


def guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator form of :func:`reported_errors` for command functions."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with reported_errors():
            return func(*args, **kwargs)

    return wrapper
