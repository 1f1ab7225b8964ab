"""What the benchmarks share: each phase in a fresh interpreter, its figures on one line.

A benchmark script runs itself with ``--phase NAME ARGS...`` in a subprocess, so that peak
RSS (``ru_maxrss``) is the phase's own; the phase prints ``RESULT {json}`` (:func:`emit`) and
the driver reads it back (:func:`run_phase`). Not a benchmark: ``run_all.py`` skips files
whose name starts with ``_``.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["emit", "rss_mb", "run_phase"]


def rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak RSS in MiB of this process (or, with ``RUSAGE_CHILDREN``, of its largest child)."""
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes / KiB


def emit(**figures: Any) -> None:
    """Print a phase's figures as one ``RESULT`` line, with the peak RSS unless given."""
    figures.setdefault("rss_mb", round(rss_mb(), 1))
    print("RESULT " + json.dumps(figures, default=str), flush=True)


def run_phase(
    script: str | Path,
    *args: str,
    src: str | Path | None = None,
    echo: bool = False,
) -> dict[str, Any]:
    """Run ``python SCRIPT ARGS...`` and return the figures of its last ``RESULT`` line.

    ``src``: a checkout's ``src`` folder put first on ``PYTHONPATH`` (a baseline measured in
    the same run). ``process_s`` is added: the whole subprocess's wall time. A failing phase
    prints its stderr and exits.
    """
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")])
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, check=False, env=env
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"{Path(script).name} {' '.join(args)} failed")
    line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")][-1]
    out: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    out.setdefault("process_s", round(time.perf_counter() - t0, 1))
    if echo:
        print("  ", json.dumps(out), flush=True)
    return out
