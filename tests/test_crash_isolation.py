"""A target that kills its process is reported as a failure naming the signal, and the run goes on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from conformance.executor import Request, Worker

ROOT = Path(__file__).resolve().parents[1]


def call(function: str, **params) -> Request:
    return Request("tests.worker_calls", function, params)


def test_worker_reports_the_signal_and_recovers():
    worker = Worker("crash-test")
    try:
        died = worker.run(call("segfault"), {})
        assert died.kind == "crashed"
        assert "killed by signal SIGSEGV" in died.message
        after = worker.run(call("double"), {"x": np.arange(3.0)})
        assert after.kind == "ok"
        np.testing.assert_array_equal(after.values["actual"], [0.0, 2.0, 4.0])
    finally:
        worker.close()


def test_worker_reports_abort_and_exit_status():
    worker = Worker("crash-test")
    try:
        aborted = worker.run(call("abort"), {})
        assert aborted.kind == "crashed" and "SIGABRT" in aborted.message
        exited = worker.run(call("exit_with", status=3), {})
        assert exited.kind == "crashed" and "exited with status 3" in exited.message
    finally:
        worker.close()


def test_worker_times_out_a_hang():
    worker = Worker("hang-test")
    try:
        hung = worker.run(call("sleep", seconds=30), {}, timeout=1.0)
        assert hung.kind == "timeout" and "no answer within 1 s" in hung.message
        assert worker.run(call("sleep", seconds=0), {}).values["actual"] == 0
    finally:
        worker.close()


def test_exceptions_are_data_not_crashes():
    worker = Worker("raise-test")
    try:
        raised = worker.run(call("reject_stride"), {})
        assert (raised.kind, raised.exc_type) == ("raised", "builtins.ValueError")
        assert "stride must be positive" in raised.message
    finally:
        worker.close()


def test_plain_pytest_run_survives_a_crashing_impl():
    """The whole suite against an impl that segfaults on kernel 3: reported, and the other tests still run."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--pyargs",
            "conformance",
            "--impl",
            "tests.crashing_impl",
            "--frameworks",
            "impl",
            "-p",
            "no:cacheprovider",
            "--hypothesis-profile",
            "ci",
            "-q",
            "-k",
            "test_max_pool or test_avg_pool or test_output_size",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 1, out[-3000:]
    assert "crashed the impl worker process: killed by signal SIGSEGV" in out, out[-3000:]
    assert "call     : max_pool(" in out and "repro (the reference and the exact program" in out
    assert "FAILED conformance/test_pooling.py::test_max_pool[impl]" in out
    assert "1 failed, 2 passed" in out, out[-1500:]
