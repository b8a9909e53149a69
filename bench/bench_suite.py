"""Where the suite's time goes: examples per second per target and op in the ci profile, each example's
time split over draw / reference / target round trip / compare / message, and invalid draws per valid one.

Runs the property tests in one pytest process (serial, the ci profile unless told otherwise) with
`--conformance-timing`, then prints one row per target and op and the totals. The goal (issue 14): an
example costs at most 2x its data generation (`x gen` <= 2) for torch and impl, and under 0.1 invalid
draws per valid one.

    python bench/bench_suite.py                                  torch and the reference as --impl
    python bench/bench_suite.py --frameworks keras -k max_pool   any targets, a -k selection
    python bench/bench_suite.py --json timing.json               keep the raw numbers
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from conformance.timing import PHASES


def run_suite(frameworks: str, select: str | None, seed: int, extra: list[str], out: str) -> float:
    args = [sys.executable, "-m", "pytest", "--pyargs", "conformance", "--frameworks", frameworks,
            "-p", "no:cacheprovider", "-q", f"--hypothesis-seed={seed}", "--conformance-timing", out,
            "-k", f"({select}) and not error and not divergence" if select else
            "not error and not divergence"]
    if "impl" in frameworks.split(","):
        args += ["--impl", "reference"]
    start = time.perf_counter()
    done = subprocess.run([*args, *extra], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if not os.path.exists(out):
        raise SystemExit(f"the suite wrote no timing (exit {done.returncode}):\n{done.stdout[-3000:]}")
    print((done.stdout.strip().splitlines() or ["(pytest printed nothing)"])[-1])
    return wall


def table(rows: list[dict]) -> list[str]:
    phases = [p for p in PHASES if p != "draw"]
    head = (f"{'target':24} {'op':20} {'ex/s':>6} {'ms/ex':>6} {'gen':>5} {'x gen':>5} "
            + " ".join(f"{p[:7]:>7}" for p in phases) + f" {'hyp':>5} {'inval':>5}")
    lines = [head, "-" * len(head)]
    for r in rows:
        n = max(r["valid"], 1)
        own = sum(r["phases"].get(p, 0.0) for p in phases)
        engine = r["runtime"] - r["drawtime"] - own  # hypothesis' per-case work outside the draws and checks
        lines.append(
            f"{r['target'][:24]:24} {r['op'][:20]:20} {r['valid'] / max(r['wall'], 1e-9):6.0f} "
            f"{1e3 * r['runtime'] / n:6.2f} {1e3 * r['drawtime'] / n:5.2f} "
            f"{r['runtime'] / max(r['drawtime'], 1e-9):5.1f} "
            + " ".join(f"{1e3 * r['phases'].get(p, 0.0) / n:7.2f}" for p in phases)
            + f" {1e3 * max(engine, 0.0) / n:5.2f} {r['invalid'] / n:5.2f}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frameworks", default="torch,impl")
    parser.add_argument("-k", dest="select", default=None, help="pytest -k expression")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", default=None, help="also write the raw timing here")
    parser.add_argument("pytest_args", nargs="*", help="more pytest arguments (after --)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "timing.json")
        wall = run_suite(args.frameworks, args.select, args.seed, args.pytest_args, out)
        with open(out) as f:
            rows = json.load(f)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    print("ms per example: runtime (hypothesis' own, draws included); gen: its data generation; x gen: "
          "runtime / gen;\nthen the check's phases; hyp: the engine's remainder; inval: invalid draws per "
          "valid")
    for line in table(rows):
        print(line)
    valid = sum(r["valid"] for r in rows)
    runtime, drawtime = sum(r["runtime"] for r in rows), sum(r["drawtime"] for r in rows)
    invalid = sum(r["invalid"] for r in rows)
    tests = sum(r["wall"] for r in rows)
    print(f"all: {valid} examples in {tests:.1f} s of property tests ({wall:.1f} s with start-up), "
          f"{valid / max(tests, 1e-9):.0f} examples/s, runtime/gen "
          f"{runtime / max(drawtime, 1e-9):.2f}, invalid per valid {invalid / max(valid, 1):.3f}")


if __name__ == "__main__":
    main()
