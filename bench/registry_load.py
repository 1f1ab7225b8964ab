"""How long loading the bundled division registry takes (target: well under 0.3 s).

Measures, in fresh processes, ``registry()`` (read, decompress and index 41,934 divisions),
the first name search (which builds the name index) and identifier validation throughput,
against the baseline of reading and ``json.loads``-ing the same rows as a JSON list (the naive
format the build script could have written), measured in the same run.
"""

from __future__ import annotations

import statistics
import subprocess
import sys

RUNS = 5
TARGET_S = 0.3

LOAD = """
import time, foodsafety.registry as r
t = time.perf_counter(); reg = r.registry(); len(reg.get('410500').name)
print(time.perf_counter() - t)
"""
BASELINE = """
import gzip, json, time
from importlib import resources
import foodsafety.registry
data = resources.files('foodsafety.registry').joinpath('data')
blob = json.dumps([l.split('\\t') for l in gzip.decompress(
    data.joinpath('divisions_2025-12-31.tsv.gz').read_bytes()).decode().splitlines()],
    ensure_ascii=False).encode()
packed = gzip.compress(blob)
t = time.perf_counter(); rows = json.loads(gzip.decompress(packed)); d = {r[0]: r for r in rows}
print(time.perf_counter() - t)
"""
SEARCH = """
import time, foodsafety.registry as r
reg = r.registry()
t = time.perf_counter(); reg.search('安陽')
print(time.perf_counter() - t)
"""
VALIDATE = """
import time
from foodsafety.ids import uscc
from foodsafety.registry import registry
registry()
codes = ['91110000600037341L'] * 20000
t = time.perf_counter()
for c in codes: uscc.validate(c)
print((time.perf_counter() - t) / len(codes) * 1e6)
"""


def median(code: str) -> float:
    out = []
    for _ in range(RUNS):
        res = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        )
        out.append(float(res.stdout.strip()))
    return statistics.median(out)


def main() -> int:
    load = median(LOAD)
    base = median(BASELINE)
    search = median(SEARCH)
    per_code = median(VALIDATE)
    print(f"registry() load:            {load * 1000:7.1f} ms (target < {TARGET_S * 1000:.0f} ms)")
    print(
        f"baseline json rows load:    {base * 1000:7.1f} ms (ratio load/baseline {load / base:.2f})"
    )
    print(f"first search (name index):  {search * 1000:7.1f} ms")
    print(f"uscc.validate:              {per_code:7.1f} us per code")
    return 0 if load < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
