"""What the run saw, per target, op and parameter class: the numbers behind the summary and report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .accuracy import Accuracy, Measurement

STATUSES = ("passed", "diverged", "not_expressible", "failed")


@dataclass
class Entry:
    counts: Counter = field(default_factory=Counter)
    divergences: set[str] = field(default_factory=set)
    reasons: Counter = field(default_factory=Counter)  # why cases were not expressible
    interactions: Counter = field(default_factory=Counter)  # checked cases per interaction they hit
    last_failure: str | None = None


class Ledger:
    def __init__(self) -> None:
        self.entries: dict[tuple[str, str, str], Entry] = {}
        self.skipped: dict[tuple[str, str], str] = {}  # (target, op) -> why the whole op did not run
        self.targets: dict[str, dict] = {}  # label -> {"name": ..., "versions": {...}}
        self.shard: str | None = None  # "K/N" when the run is one slice of a sharded run (--shard)
        self.accuracy: dict[tuple[str, str, str], Accuracy] = {}  # (target, op, dtype) -> measured error

    def measured(self, target: str, op: str, dtype: str, m: Measurement, computes_in: str) -> None:
        self.accuracy.setdefault((target, op, dtype), Accuracy()).add(m, computes_in)

    def skip(self, target: str, op: str, reason: str) -> None:
        self.skipped[(target, op)] = reason

    def record(self, target: str, op: str, param_class: str, status: str, *,
               divergences: tuple[str, ...] = (), reason: str | None = None,
               message: str | None = None, interactions: tuple[str, ...] = ()) -> None:
        entry = self.entries.setdefault((target, op, param_class), Entry())
        entry.counts[status] += 1
        entry.interactions.update(interactions)
        entry.divergences.update(divergences)
        if reason:
            entry.reasons[reason] += 1
        if message:
            entry.last_failure = message

    def merge(self, data: dict) -> None:
        """Add another process' record, in to_json's form: a pytest-xdist worker's, into the controller's."""
        self.targets.update(data["targets"])
        for row in data["entries"]:
            entry = self.entries.setdefault((row["target"], row["op"], row["param_class"]), Entry())
            entry.counts.update(row["counts"])
            entry.divergences.update(row["divergences"])
            entry.reasons.update(row["not_expressible_reasons"])
            entry.interactions.update(row["interactions"])
            entry.last_failure = row["failure"] or entry.last_failure
        for row in data["skipped"]:
            self.skipped[(row["target"], row["op"])] = row["reason"]
        for row in data.get("accuracy", []):
            key = (row["target"], row["op"], row["dtype"])
            self.accuracy.setdefault(key, Accuracy()).merge(row)

    def totals(self) -> dict[tuple[str, str], Counter]:
        out: dict[tuple[str, str], Counter] = {}
        for (target, op, _), entry in self.entries.items():
            out.setdefault((target, op), Counter()).update(entry.counts)
        return out

    def interaction_totals(self) -> dict[tuple[str, str], Counter]:
        out: dict[tuple[str, str], Counter] = {}
        for (target, op, _), entry in self.entries.items():
            out.setdefault((target, op), Counter()).update(entry.interactions)
        return out

    def interaction_lines(self) -> list[str]:
        return [f"{target:38} {op:18} " + ", ".join(f"{name} {n}" for name, n in sorted(counts.items()))
                for (target, op), counts in sorted(self.interaction_totals().items()) if counts]

    def summary_lines(self) -> list[str]:
        lines = []
        for (target, op), counts in sorted(self.totals().items()):
            parts = ", ".join(f"{counts[s]} {s.replace('_', ' ')}" for s in STATUSES if counts[s])
            lines.append(f"{target:38} {op:18} {parts}")
        return lines

    def to_json(self) -> dict:
        """The machine-readable record the report command reads."""
        return {
            "targets": self.targets,
            "entries": [
                {"target": target, "op": op, "param_class": param_class,
                 "counts": {s: entry.counts[s] for s in STATUSES if entry.counts[s]},
                 "divergences": sorted(entry.divergences),
                 "not_expressible_reasons": dict(entry.reasons.most_common()),
                 "interactions": dict(sorted(entry.interactions.items())),
                 "failure": entry.last_failure}
                for (target, op, param_class), entry in sorted(self.entries.items())
            ],
            "skipped": [{"target": t, "op": op, "reason": r} for (t, op), r in sorted(self.skipped.items())],
            "accuracy": [{"target": t, "op": op, "dtype": dtype, **record.to_json()}
                         for (t, op, dtype), record in sorted(self.accuracy.items())],
            **({"shard": self.shard} if self.shard else {}),
        }


LEDGER = Ledger()
