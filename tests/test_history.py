"""A failure that depends on the cases run before it says so: the final failing example is rerun in a
fresh worker process, and the message tells whether it conforms there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run_suite(impl: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--pyargs", "conformance", "--impl", impl, "--frameworks", "impl",
         "-p", "no:cacheprovider", "--hypothesis-profile", "ci", "--hypothesis-seed", "1", "-q",
         "-k", "test_max_pool"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 1, out[-3000:]
    assert "FAILED conformance/test_pooling.py::test_max_pool[impl]" in out, out[-3000:]
    return out


def test_a_failure_caused_by_earlier_calls_is_named():
    out = _run_suite("tests.stateful_impl")
    assert "history  : in a fresh process this case conforms" in out, out[-3000:]


def test_a_failure_of_the_case_itself_has_no_history_note():
    out = _run_suite("tests.planted.max_pad_zero")
    assert "history  :" not in out, out[-3000:]
