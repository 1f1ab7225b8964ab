"""The ``foodsafety`` command line: one module per command group, assembled in :mod:`.app`."""

from __future__ import annotations


def main() -> None:
    """Entry point of the ``foodsafety`` console script."""
    from foodsafety.cli.app import run

    run()


__all__ = ["main"]
