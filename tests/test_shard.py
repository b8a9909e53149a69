"""Sharded runs: `--shard K/N` slices the selected tests deterministically, the N slices together run every
test once, and `python -m conformance report --merge` joins the shards' reports into the report of the
unsharded run (durations and the env's name aside)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.plugin import shard_of

SELECTION = ["--impl", "reference", "--frameworks", "impl", "--hypothesis-seed=7", "-p", "no:cacheprovider",
             "--hypothesis-profile=dev", "-k", "max_pool or zero_pad or output_size"]


def _run(tmp: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("CONFORMANCE_IMPL", "TOX_ENV_NAME")}
    done = subprocess.run([sys.executable, *args], cwd=tmp, env={**environ, **(env or {})},
                          capture_output=True, text=True, timeout=600, check=False)
    return done


def _report(tmp: Path, name: str, *extra: str, env: dict[str, str] | None = None) -> dict:
    done = _run(tmp, "-m", "conformance", "report", "--out", str(tmp / name), "--", *SELECTION, *extra,
                env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads((tmp / name / "report.json").read_text())


def _comparable(value):
    """A report minus what differs between any two runs of the same tests: when and how long (generated,
    time, wall_s) and what the run was called (env, command: the output paths)."""
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()
                if k not in ("generated", "time", "env", "command")}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


def _collected(tmp: Path, *extra: str) -> list[str]:
    done = _run(tmp, "-m", "pytest", "--pyargs", "conformance", *SELECTION, "--collect-only", "-q", *extra)
    assert done.returncode == 0, done.stdout[-3000:]
    return [line.rsplit("::", 1)[-1] for line in done.stdout.splitlines() if "::" in line]


def _tests(report: dict) -> list[str]:
    cells = [test["name"] for t in report["targets"] for c in t["ops"].values() for test in c["tests"]]
    return sorted(cells + [test["name"] for test in report["other_tests"]])


def test_joined_shards_give_the_unsharded_report(tmp_path):
    whole = _report(tmp_path, "whole")
    shards = [_report(tmp_path, f"shard-{k}", "--shard", f"{k}/2") for k in (1, 2)]
    # the shards split the tests: each runs in exactly one, and a shard's slice is the same every time
    assert len(_tests(whole)) > 6 and all(_tests(shard) for shard in shards)
    assert sorted(_tests(shards[0]) + _tests(shards[1])) == _tests(whole)
    assert sorted(_collected(tmp_path, "--shard", "1/2")) == _tests(shards[0])
    done = _run(tmp_path, "-m", "conformance", "report", "--merge", "shard-2", "shard-1", "--out", "joined")
    assert done.returncode == 0, done.stdout + done.stderr
    joined = json.loads((tmp_path / "joined" / "report.json").read_text())
    assert whole["kind"] == joined["kind"] == "run" and "shard" not in joined
    assert whole["tests"]["passed"] > 6
    assert _comparable(joined) == _comparable(whole)


def test_a_missing_shard_is_named(tmp_path):
    for k in (1, 3):
        run = tmp_path / f"shard-{k}"
        run.mkdir()
        report = {"kind": "run", "shard": f"{k}/3", "env": {"name": "py311", "named_by": "CONFORMANCE_ENV"},
                  "targets": []}
        (run / "report.json").write_text(json.dumps(report))
    done = _run(tmp_path, "-m", "conformance", "report", "--merge", "shard-1", "shard-3", "--out", "joined")
    assert done.returncode == 2
    assert "the shards of py311 are 1/3, 3/3; a whole run needs each of 1/3 .. 3/3 once" in done.stderr


@pytest.mark.parametrize("bad", ["0/2", "3/2", "2", "a/b", "1/0", "-1/2"])
def test_a_malformed_shard_states_the_rule(bad):
    with pytest.raises(pytest.UsageError, match=re.escape(f"expected K/N with 1 <= K <= N (e.g. 2/4); got "
                                                          f"{bad!r}")):
        shard_of(bad)


def test_a_malformed_shard_is_a_usage_error(tmp_path):
    done = _run(tmp_path, "-m", "pytest", "--pyargs", "conformance", *SELECTION, "--shard", "3/2",
                "--collect-only", "-q")
    assert done.returncode == 4
    assert "--shard: expected K/N with 1 <= K <= N (e.g. 2/4); got '3/2'" in done.stderr
