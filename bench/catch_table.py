"""How reliably the property tests catch known-buggy implementations: each module in tests/planted/ and
tests/seed_impls/ runs through the property tests alone (test_pooling, test_conv, test_dense: no fixed
hostile case, no error input) at the ci profile, once per Hypothesis seed, as a user would run
`--impl`. A run is a catch when it ends red with the suite's own failure message.

Each run starts in an empty directory, so no Hypothesis database carries a failure from one seed to the
next. The modules declare only what their code takes (CONFORMANCE_CAPABILITIES).

    python bench/catch_table.py [--seeds 20] [--first-seed 0] [--module tests.planted.max_pad_zero ...]
                                [--select backward]

prints a markdown table: per module, the seeds that caught it, and for a miss the seed to replay.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROPERTY_TESTS = ("conformance.test_pooling", "conformance.test_conv", "conformance.test_dense")
# what the suite prints for a finding (any other red run is a problem of the suite, not a catch)
FINDING = re.compile(r"does not conform to the spec|on a valid case|returned the wrong dtype|"
                     r"an op returns one array")


def modules() -> list[str]:
    found = []
    for folder in ("planted", "planted_backward", "seed_impls"):
        found += [f"tests.{folder}.{p.stem}" for p in sorted((ROOT / "tests" / folder).glob("[a-z]*.py"))]
    return found


def run(module: str, seed: int, select: str | None = None) -> tuple[str, str, float]:
    """('caught' | 'missed' | 'broken', the first failing test or the reason, seconds)."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.pop("CONFORMANCE_IMPL", None)
    cmd = [sys.executable, "-m", "pytest", "--pyargs", *PROPERTY_TESTS, "--impl", module,
           "-p", "no:cacheprovider", "--hypothesis-profile", "ci", f"--hypothesis-seed={seed}", "-x", "-q",
           "-rfE", *(["-k", select] if select else [])]
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as empty:
        done = subprocess.run(cmd, cwd=empty, env=env, capture_output=True, text=True, timeout=900,
                              check=False)
    seconds = time.perf_counter() - start
    failed = re.search(r"^FAILED (\S+)", done.stdout, re.M)
    if done.returncode == 0:
        return "missed", "", seconds
    if done.returncode == 1 and failed and FINDING.search(done.stdout):
        return "caught", failed.group(1).rsplit("::", 1)[-1], seconds
    return "broken", (done.stdout + done.stderr).strip().splitlines()[-1][:120], seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--module", action="append", help="a module to run (default: all)")
    parser.add_argument("--select", help="pytest -k expression, e.g. 'backward' for the gradient tests only")
    args = parser.parse_args()
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    print("| module | caught | first failing test (commonest) | misses (seed) | s/run |")
    print("|---|---|---|---|---|")
    for module in args.module or modules():
        results = {s: run(module, s, args.select) for s in seeds}
        caught = [s for s, r in results.items() if r[0] == "caught"]
        tests = [r[1] for r in results.values() if r[0] == "caught"]
        commonest = max(set(tests), key=tests.count) if tests else "-"
        misses = ", ".join(f"{s} ({r[0]}{': ' + r[1] if r[1] else ''})" for s, r in results.items()
                           if r[0] != "caught") or "-"
        mean = sum(r[2] for r in results.values()) / len(results)
        print(f"| {module} | {len(caught)}/{len(results)} | {commonest} | {misses} | {mean:.1f} |",
              flush=True)


if __name__ == "__main__":
    main()
