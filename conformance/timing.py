"""Where a property test's time goes, per target and op: the split of each example's time over the one
path (draw -> reference -> target round trip -> compare -> message), and hypothesis' own statistics
(valid and invalid draws, time per example and the part of it spent generating data).

`bench/bench_suite.py` reads it through `--conformance-timing PATH`; the laps cost a clock read each.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

PHASES = ("draw", "reference", "target", "compare", "message", "bookkeeping")


@dataclass
class OpTiming:
    phases: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))  # seconds
    valid: int = 0  # hypothesis test cases that ran to the end (the checked examples, and not expressible)
    invalid: int = 0  # draws thrown away (assume, filter, overrun)
    runtime: float = 0.0  # hypothesis' time per test case, summed: draws and the test body
    drawtime: float = 0.0  # the part of runtime spent generating data
    wall: float = 0.0  # the property test, start to end (hypothesis' own engine included)


class Timing:
    def __init__(self) -> None:
        self.ops: dict[tuple[str, str], OpTiming] = {}

    def laps(self, target: str, op: str) -> Callable[[str], None]:
        """A stopwatch for one example: each call charges the time since the previous one to a phase."""
        phases = self.ops.setdefault((target, op), OpTiming()).phases
        last = time.perf_counter()

        def lap(phase: str) -> None:
            nonlocal last
            now = time.perf_counter()
            phases[phase] += now - last
            last = now

        return lap

    def note_run(self, target: str, op: str, statistics: Iterable[dict], wall: float) -> None:
        """Add one property test's hypothesis statistics (the dicts `hypothesis.statistics.collector`
        receives: one per @given run, the interaction top-ups included) and its wall time."""
        entry = self.ops.setdefault((target, op), OpTiming())
        entry.wall += wall
        for stats in statistics:
            for key, phase in stats.items():
                if not key.endswith("-phase") or not isinstance(phase, dict):
                    continue
                for case in phase.get("test-cases", ()):
                    if case["status"] in ("valid", "interesting"):
                        entry.valid += 1
                    else:
                        entry.invalid += 1
                    entry.runtime += case["runtime"]
                    entry.drawtime += case["drawtime"]

    def to_json(self) -> list[dict]:
        return [
            {"target": target, "op": op, "phases": {p: t.phases[p] for p in PHASES if t.phases[p]},
             "valid": t.valid, "invalid": t.invalid, "runtime": t.runtime, "drawtime": t.drawtime,
             "wall": t.wall}
            for (target, op), t in sorted(self.ops.items())
        ]

    def merge(self, rows: list[dict]) -> None:
        """Add another process' record (a pytest-xdist worker's), in to_json's form."""
        for row in rows:
            entry = self.ops.setdefault((row["target"], row["op"]), OpTiming())
            for phase, seconds in row["phases"].items():
                entry.phases[phase] += seconds
            entry.valid += row["valid"]
            entry.invalid += row["invalid"]
            entry.runtime += row["runtime"]
            entry.drawtime += row["drawtime"]
            entry.wall += row["wall"]


TIMING = Timing()
