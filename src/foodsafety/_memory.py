"""Memory housekeeping for bulk work: giving freed C heap pages back to the system."""

from __future__ import annotations

__all__ = ["release_freed_heap"]


def release_freed_heap() -> None:
    """Hand the C heap's freed pages back to the operating system (glibc; elsewhere a no-op).

    A province-size sample allocates and frees numpy working arrays of tens of megabytes.
    glibc keeps freed pages in its heap, where polars, which has an allocator of its own,
    cannot reuse them: without this they stay in the resident set for the rest of the
    process (about 100 MB at 10^6 businesses), under the tables and whatever comes next.
    """
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return
    trim(0)
