"""How long ``import foodsafety`` takes in a fresh interpreter (target: under 0.3 s).

Each measurement is a new process; the figure is the median of several runs, reported against
the bare interpreter start-up measured in the same run (``python -c pass``), since shared
machines are noisy. Also reports the heavier entry points for information.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

RUNS = 7
TARGETS = {
    "python -c pass (baseline)": "pass",
    "import foodsafety": "import foodsafety",
    "import foodsafety.vocab": "import foodsafety.vocab",
    "import foodsafety.ids": "import foodsafety.ids",
    "import foodsafety.models": "import foodsafety.models",
}


def measure(code: str) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    results = {name: measure(code) for name, code in TARGETS.items()}
    base = results["python -c pass (baseline)"]
    print(f"{'what':32} {'median s':>9} {'minus start-up s':>17} {'x baseline':>11}")
    for name, t in results.items():
        print(f"{name:32} {t:9.3f} {t - base:17.3f} {t / base:11.2f}")
    own = results["import foodsafety"] - base
    verdict = "OK" if own < 0.3 else "TOO SLOW"
    print(
        f"\nimport foodsafety costs {own:.3f} s over interpreter start-up: {verdict} (target < 0.3 s)"
    )
    return 0 if own < 0.3 else 1


if __name__ == "__main__":
    sys.exit(main())
