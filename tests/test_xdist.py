"""pytest-xdist as the parallel engine: `-n 2` gives the serial run's ledger, summary, JUnit platform
properties and report, because each worker hands its ledger to the controller (plugin.pytest_testnodedown).

Each property test seeds hypothesis from --hypothesis-seed, so a test draws the same cases in whichever
worker runs it, and the merged ledger must equal the serial one entry for entry."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("xdist")

# the dev profile (10 examples a test): enough to show the merge, at a quarter of the ci profile's time
SELECTION = ["--impl", "reference", "--frameworks", "impl", "--hypothesis-seed=5", "-k",
             "max_pool or output_size", "-p", "no:cacheprovider", "--hypothesis-profile=dev"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("CONFORMANCE_IMPL", None)
    return env


def _pytest(tmp: Path, name: str, *extra: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "pytest", "--pyargs", "conformance", *SELECTION,
           f"--conformance-json={tmp / name}.json", f"--junitxml={tmp / name}.xml", *extra]
    done = subprocess.run(cmd, cwd=tmp, env=_env(), capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def _summary(stdout: str) -> list[str]:
    """The conformance sections of the terminal summary, line by line."""
    start = stdout.index("conformance: examples per target and op")
    return [line for line in stdout[start:].splitlines() if not re.match(r"^=+ .*(passed|failed)", line)]


def _platform_properties(xml: Path) -> list[str]:
    return re.findall(r'<property name="platform [^"]*" value="[^"]*"', xml.read_text())


def test_two_workers_give_the_serial_ledger_summary_and_junit(tmp_path):
    serial = _pytest(tmp_path, "serial")
    parallel = _pytest(tmp_path, "parallel", "-n", "2")
    assert "2 workers" in parallel.stdout  # it did run in parallel
    ledger = json.loads((tmp_path / "serial.json").read_text())
    assert ledger["entries"], "the serial run recorded nothing"
    assert json.loads((tmp_path / "parallel.json").read_text()) == ledger
    assert _summary(parallel.stdout) == _summary(serial.stdout)
    properties = _platform_properties(tmp_path / "serial.xml")
    assert properties and _platform_properties(tmp_path / "parallel.xml") == properties


def _report(tmp: Path, name: str, *extra: str) -> dict:
    out = tmp / name
    done = subprocess.run([sys.executable, "-m", "conformance", "report", "--out", str(out), "--",
                           *SELECTION, *extra], cwd=tmp, env=_env(), capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads((out / "report.json").read_text())


def _without_timing(value):
    """The report minus what differs between any two runs: durations, and the env (the output dir's name)."""
    if isinstance(value, dict):
        return {k: _without_timing(v) for k, v in value.items() if k not in ("time", "env")}
    if isinstance(value, list):
        return [_without_timing(v) for v in value]
    return value


def test_the_report_command_under_xdist_matches_serial(tmp_path):
    serial = _report(tmp_path, "serial")
    parallel = _report(tmp_path, "parallel", "-n", "2")
    assert serial["targets"]
    assert _without_timing(parallel["targets"]) == _without_timing(serial["targets"])
    counts = ("total", "passed", "failed", "error", "skipped")
    assert {k: parallel["tests"][k] for k in counts} == {k: serial["tests"][k] for k in counts}
