"""Atomic file writes: every file foodsafety writes appears whole or not at all.

A writer writes into a temporary file in the target's own directory (``.NAME.XXXX.tmp``,
the target's suffix kept so that format-sniffing writers such as matplotlib still work),
flushes it to disk, and renames it over the target with :func:`os.replace`, which is atomic
on POSIX and Windows within one file system. A write that fails or is interrupted
(an exception, Ctrl-C, a killed process, a full disk) leaves the previous file as it was; the
temporary file is removed on an exception, and only a killed process can leave one behind
(a hidden ``.*.tmp`` file next to the target, never the target itself).

Every writer of the package goes through here: the ledger writers (CSV, JSON Lines, Parquet,
Excel), the exports of findings, issue ledgers and scores, the problem reports, the import
profiles, graph exports and pictures, and the CLI's outputs.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal

__all__ = ["atomic_open", "atomic_path", "write_bytes", "write_text"]

_UMASK: int | None = None


def _umask() -> int:
    """The process's umask (read once: ``os.umask`` can only be read by setting it)."""
    global _UMASK
    if _UMASK is None:
        current = os.umask(0o022)
        os.umask(current)
        _UMASK = current
    return _UMASK


def _mode_for(target: Path) -> int:
    """The permissions the finished file gets: those of the file it replaces, else the
    default for a new file (``0o666`` less the umask), as a plain ``open()`` would give."""
    try:
        return os.stat(target).st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path to write ``target`` through; renamed over ``target`` on success.

    For writers that take a path (polars' ``write_parquet``, xlsxwriter, matplotlib)::

        with atomic_path("ledger/businesses.parquet") as tmp:
            frame.write_parquet(tmp)

    The directory of ``target`` must exist. If the block raises, the temporary file is
    removed and ``target`` is untouched.
    """
    final = Path(target)
    fd, name = tempfile.mkstemp(
        dir=final.parent if str(final.parent) else ".",
        prefix=f".{final.name}.",
        suffix=f".tmp{final.suffix}",
    )
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:  # the bytes on disk before the name points at them
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(final))
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


@contextlib.contextmanager
def atomic_open(
    target: str | os.PathLike[str],
    mode: Literal["w", "wb"] = "w",
    *,
    encoding: str | None = "utf-8",
    newline: str | None = None,
) -> Iterator[IO[Any]]:
    """An open file that becomes ``target`` when the block ends without an error.

    ``mode`` is ``"w"`` (text, UTF-8 by default) or ``"wb"`` (bytes)::

        with atomic_open("report.json") as fh:
            json.dump(data, fh)
    """
    with atomic_path(target) as tmp:
        if mode == "wb":
            with open(tmp, "wb") as fh:
                yield fh
        else:
            with open(tmp, "w", encoding=encoding, newline=newline) as fh:
                yield fh


def write_text(target: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``target`` atomically (see :func:`atomic_path`); return the path."""
    with atomic_open(target, "w", encoding=encoding) as fh:
        fh.write(text)
    return Path(target)


def write_bytes(target: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically (see :func:`atomic_path`); return the path."""
    with atomic_open(target, "wb") as fh:
        fh.write(data)
    return Path(target)
