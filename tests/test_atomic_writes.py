"""Atomic writes: an interrupted write leaves the previous file whole (issue 20).

The unit tests drive :mod:`foodsafety._atomic` directly; the last test starts a process that
writes a large ledger over an existing one and kills it with SIGKILL in the middle of the
write: the previous file must be there, byte for byte, and nothing half-written in its place.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from foodsafety._atomic import atomic_open, atomic_path, write_text


def test_a_write_that_fails_leaves_the_previous_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")

    def interrupted() -> None:
        with atomic_open(target) as fh:
            fh.write("new, half")
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        interrupted()
    assert target.read_text("utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_a_write_that_succeeds_replaces_the_file_and_keeps_its_permissions(
    tmp_path: Path,
) -> None:
    target = tmp_path / "ledger.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_text(target, "new")
    assert target.read_text("utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.csv"]


def test_a_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    target = write_text(tmp_path / "new.txt", "x")
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_the_temporary_file_is_next_to_the_target_and_keeps_its_suffix(tmp_path: Path) -> None:
    with atomic_path(tmp_path / "picture.png") as tmp:
        assert tmp.parent == tmp_path
        assert tmp.suffix == ".png"
        assert tmp.name.startswith(".picture.png.")
        tmp.write_bytes(b"png")
    assert (tmp_path / "picture.png").read_bytes() == b"png"


WRITER = textwrap.dedent(
    """
    import sys
    import polars as pl
    from foodsafety.ledger import Ledger, write_csv
    from foodsafety.models.cadre import Cadre

    one = Ledger.from_records([Cadre(cadre_id="C1", name="高永", level="乡",
                                     jurisdiction="410522102", unit="某镇人民政府")])
    big = one.cadres.select(pl.all().repeat_by(int(sys.argv[2])).explode())
    big = big.with_columns(pl.int_range(pl.len()).cast(pl.Utf8).alias("cadre_id"))
    ledger = Ledger.from_frames(cadres=big)
    print("writing", flush=True)
    write_csv(ledger, sys.argv[1])
    print("done", flush=True)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_killing_a_writer_mid_write_leaves_the_previous_ledger_whole(tmp_path: Path) -> None:
    folder = tmp_path / "ledger"
    folder.mkdir()
    previous = "cadre_id,name,level,jurisdiction\nC001,高永,乡,410522102\n".encode()
    (folder / "cadres.csv").write_bytes(previous)
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(script), str(folder), "3000000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"writing"
        deadline = time.monotonic() + 60
        partial: list[Path] = []
        while time.monotonic() < deadline and proc.poll() is None:
            partial = [p for p in folder.iterdir() if p.name.startswith(".cadres.csv.")]
            if partial and partial[0].stat().st_size > 1 << 20:  # well into the write
                break
            time.sleep(0.005)
        assert proc.poll() is None, "the write ended before it could be interrupted"
        assert partial, "no temporary file was seen"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert (folder / "cadres.csv").read_bytes() == previous
    # what the killed process left of the cadres is a hidden temporary file, never the
    # table itself (the tables before it in the ledger's order were written whole)
    hidden = sorted(p.name for p in folder.iterdir() if p.name.startswith("."))
    assert hidden
    assert all(n.startswith(".cadres.csv.") and n.endswith(".tmp.csv") for n in hidden)
    assert (folder / "businesses.csv").read_text("utf-8").startswith("uscc,")
