"""Progress of long work (bringup/report/progress.py): exact lines, when they show, and a real terminal's screen."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pyte

from bringup.report.progress import Progress, duration_text, progress_line

ROOT = Path(__file__).resolve().parents[2]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_durations_and_lines_read_as_an_engineer_expects() -> None:
    assert [duration_text(s) for s in (0, 4.4, 59.6, 130, 3725)] == ["0s", "4s", "1m00s", "2m10s", "1h02m"]
    assert progress_line("L13 benchmarks", 12, 40, "runs", 65, "round 3/7") == \
        "L13 benchmarks: 12/40 runs (30%), round 3/7, 1m05s, ETA 2m32s"
    assert progress_line("L03 probes", 512, 512, "nodes", 14.2) == "L03 probes: 512/512 nodes (100%), 14s"
    assert progress_line("L03 probes", 0, 512, "nodes", 0.3) == "L03 probes: 0/512 nodes (0%), 0s"


def test_a_tty_sees_nothing_for_the_first_second_then_a_line_at_most_every_half_second() -> None:
    clock, shown = Clock(), []
    progress = Progress("L03 probes", 4, "nodes", lambda line, final: shown.append((line, final)), clock=clock)
    clock.now += 0.5
    progress.advance()
    assert shown == []  # quick work stays silent
    clock.now += 0.6
    progress.advance()
    clock.now += 0.1
    progress.advance()  # too soon after the last line
    clock.now += 0.5
    progress.advance()
    progress.close()
    assert shown == [("L03 probes: 2/4 nodes (50%), 1s, ETA 1s", False),
                     ("L03 probes: 4/4 nodes (100%), 2s", False),
                     ("L03 probes: 4/4 nodes (100%), 2s", True)]


def test_a_log_gets_a_line_every_30_s_and_no_close_for_work_never_shown() -> None:
    clock, shown = Clock(), []
    quick = Progress("L09 benchmarks", 2, "runs", lambda line, final: shown.append(line), clock=clock, tty=False)
    clock.now += 20
    quick.advance()
    quick.advance()
    quick.close()
    assert shown == []
    slow = Progress("L13 benchmarks", 3, "runs", lambda line, final: shown.append(line), clock=clock, tty=False)
    for step in (31, 10, 25):
        clock.now += step
        slow.advance(detail="round 1/1")
    assert shown == ["L13 benchmarks: 1/3 runs (33%), round 1/1, 31s, ETA 1m02s",
                     "L13 benchmarks: 3/3 runs (100%), round 1/1, 1m06s"]


def _screen_of(output: bytes, columns: int = 100, lines: int = 40) -> list[str]:
    screen = pyte.Screen(columns, lines)
    pyte.ByteStream(screen).feed(output)  # the pty already turned \n into \r\n
    return [line.rstrip() for line in screen.display]


def test_on_a_terminal_the_status_line_is_drawn_then_erased_and_pytest_output_is_intact(tmp_path: Path) -> None:
    """A real pty and a terminal emulator (pyte): the progress line is on screen while the work runs, and the
    final screen is exactly pytest's own output: the item's dot still follows its file name."""
    (tmp_path / "test_slow.py").write_text(textwrap.dedent("""
        import time
        from bringup.report import progress

        def test_slow(pytestconfig):
            with progress.for_config(pytestconfig, "L13 benchmarks", 3, "runs") as shown:
                for number in range(3):
                    time.sleep(0.6)
                    shown.advance(detail=f"round {number + 1}/3")

        def test_after():
            pass
    """))
    leader, follower = os.openpty()
    env = {**os.environ, "COLUMNS": "100", "LINES": "40", "TERM": "xterm", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "pytest", "test_slow.py", "-p", "no:cacheprovider",
                             "-p", "no:randomly", "--color=no"], cwd=tmp_path, stdin=follower, stdout=follower,
                            stderr=follower, env=env)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the pty
            break
        if not chunk:
            break
        output += chunk
    proc.wait(timeout=60)
    os.close(leader)
    assert b"L13 benchmarks: 2/3 runs (66%), round 2/3" in output, output  # drawn while it ran
    screen = _screen_of(output)
    item_lines = [line for line in screen if line.startswith("test_slow.py")]
    assert [line.split() for line in item_lines] == [["test_slow.py", "..", "[100%]"]], screen
    assert not any("L13 benchmarks" in line for line in screen), screen  # erased at the end
    assert any(line.startswith("=") and "2 passed" in line for line in screen), screen
