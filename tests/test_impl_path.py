"""--impl as a user meets it: a narrow module declaring its capabilities gets most cases checked; a stub, a
misnamed module and a wrong signature each end red with one clear message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(impl: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2"}
    return subprocess.run([sys.executable, "-m", "pytest", "--pyargs", "conformance", "--impl", impl,
                           "-p", "no:cacheprovider", "-q", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)


def test_a_narrow_module_declaring_its_capabilities_gets_most_cases_checked(tmp_path):
    ledger = tmp_path / "ledger.json"
    done = run("tests.narrow_impl", "-k", "test_max_pool", "--hypothesis-profile", "ci",
               f"--conformance-json={ledger}")
    assert done.returncode == 0, done.stdout[-3000:]
    counts: dict[str, int] = {}
    for entry in json.loads(ledger.read_text())["entries"]:
        if entry["op"] == "max_pool":
            for status, n in entry["counts"].items():
                counts[status] = counts.get(status, 0) + n
    checked = counts.get("passed", 0) + counts.get("diverged", 0)
    drawn = checked + counts.get("not_expressible", 0)
    assert drawn >= 100 and checked >= 0.8 * drawn, counts


def test_a_stub_ends_red_saying_nothing_was_checked():
    done = run("tests.impl_examples.stub", "--hypothesis-profile", "dev", "-rs")
    assert done.returncode == 1, done.stdout[-3000:]
    assert "--impl tests.impl_examples.stub: no drawn case was checked" in done.stdout
    assert "checked 0 of" in done.stdout  # the property tests say so as skips, not passes


def test_a_misnamed_module_is_a_usage_error_naming_the_near_misses():
    done = run("tests.impl_examples.misnamed", "--hypothesis-profile", "dev")
    assert done.returncode == 4, done.stdout[-3000:] + done.stderr[-3000:]
    assert "maxpool() looks like max_pool()" in done.stderr and "conv2d() looks like conv()" in done.stderr


def test_a_wrong_signature_is_named_once_with_the_reference_signature():
    # its one function cannot be called as the reference's: nothing left to check, so a usage error
    done = run("tests.impl_examples.wrong_signature", "--hypothesis-profile", "dev")
    assert done.returncode == 4, done.stdout[-3000:] + done.stderr[-3000:]
    assert done.stderr.count("requires 'pool_h', 'pool_w'") == 1
    assert "max_pool(input, kernel_size, stride=None" in done.stderr


def test_a_rejection_counts_only_when_the_repaired_call_is_accepted():
    """The module 'rejects' invalid 1-D calls with numpy's ValueError, and rejects their valid neighbours
    the same way: the error contract names each such input as rejected for the wrong reason."""
    done = run("tests.impl_examples.rejects_by_accident",
               "-k", "test_error_behaviour and max_pool/stride-zero",
               "--hypothesis-profile", "dev")
    assert done.returncode == 1, done.stdout[-3000:]
    assert "rejects max_pool(x (1, 1, 4) float32, kernel_size=(2,), stride=(0,)) for the wrong reason" \
        in done.stdout
    assert "valid call   : max_pool(x (1, 1, 4) float32, kernel_size=(2,), stride=(1,)) raises ValueError" \
        in done.stdout
