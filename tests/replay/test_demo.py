"""The README's first quick-start command: the embedded demo (bringup/demo.py) finds its one fault and only it."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

from bringup import demo
from bringup.rundir import read_results
from bringup.scenarios import SCENARIOS, load_fault
from tests.scenario_tools import ROOT, latest_run


def quick_start_suite_command() -> list[str]:
    """The pytest half of the README's first quick-start command (after the install)."""
    readme = (ROOT / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1]
    first = re.search(r"```sh\n(.*?)\n```", quick, re.S).group(1)
    install, suites = first.split(" && ")
    assert install.startswith("python3 -m pip install -e"), install
    return shlex.split(suites)


def test_quick_start_replays_the_demo_and_fails_exactly_its_fault(tmp_path: Path) -> None:
    argv = quick_start_suite_command()
    assert argv[:4] == ["python3", "-m", "pytest", "suites/"] and "--replay" in argv, argv
    proc = subprocess.run([sys.executable, *argv[1:], "--reports-dir", str(tmp_path), "-q", "-p", "no:cacheprovider"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    run = latest_run(tmp_path, proc)
    records = list(read_results(run))
    failed = sorted(r["nodeid"].split("::")[-1] for r in records if r["outcome"] in ("failed", "error"))
    expected = load_fault(SCENARIOS / demo.SCENARIO / "faults" / f"{demo.FAULT}.yml")["failed"]
    assert failed == sorted(expected), proc.stdout[-3000:]
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert f"-{demo.CLUSTER_NAME}-" in run.name
    # every layer of the design ran on both nodes, and the benchmarks were judged against the H100 baselines
    assert {r["layer"] for r in records} >= {1, 2, 3, 7, 8, 11, 12, 13}
    verdicts = (run / "bench" / "verdicts.csv").read_text()
    assert "baselines/h100-cx7-400g/" in verdicts
    assert "run directory: " + str(run) in proc.stdout


def test_a_run_directory_really_named_demo_is_replayed_as_itself(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert demo.is_demo("demo")
    (tmp_path / "demo").mkdir()
    assert not demo.is_demo("demo")
    assert not demo.is_demo("reports/latest")
