"""Measured accuracy: how far each checked element of a bounded op (a sum, an lp norm, an elementwise
function) landed from its exact answer, in ulps of the output format at that answer and as the fraction of
the allowed bound it used; and the grade of a target x op x dtype those measurements earn.

Errors are binned in quarter octaves of ulps (bin i holds errors in (2^((i-1)/4), 2^(i/4)]; "exact" holds
the exact ones, "inf" a non-finite answer where a finite one was due), so workers and shards merge by adding
counts, and a median is known to within a quarter octave (19%). The maximum is kept exactly.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from .compare import accumulation_format, ulp

GRADE_RULES = {
    "correctly rounded": "every element within 0.5 ulp of the exact answer",
    "faithful": "every element within 1 ulp",
    "float32 accumulation": "within the spec's default bound: accumulated in float32 or wider and rounded "
                            "once (float64 inputs: in float64)",
    "within the bound": "an elementwise function (sigmoid, tanh, their gradients) within its ulps or "
                        "derivative bound",
    "working-format accumulation": "within a recorded divergence's looser bound only (it accumulates in its "
                                   "working format, e.g. float16)",
    "beyond": "outside the bound it was judged by: a failure",
}
BINS_PER_OCTAVE = 4


def histogram_of(ulps: np.ndarray) -> Counter:
    """The errors (in ulps) counted per bin."""
    ulps = ulps.reshape(-1)
    finite = np.isfinite(ulps) & (ulps > 0)
    with np.errstate(divide="ignore"):
        index = np.ceil(BINS_PER_OCTAVE * np.log2(ulps[finite])).astype(np.int64)
    names, counts = np.unique(index, return_counts=True)
    out = Counter({str(int(n)): int(c) for n, c in zip(names, counts)})
    for name, n in (("exact", int((ulps == 0).sum())), ("inf", int((~np.isfinite(ulps)).sum()))):
        if n:
            out[name] = n
    return out


def bin_upper(name: str) -> float:
    """The largest error (in ulps) a bin holds."""
    if name == "exact":
        return 0.0
    if name == "inf":
        return float(name)
    return 2.0 ** (int(name) / BINS_PER_OCTAVE)


@dataclass
class Measurement:
    """One case's checked elements: their errors in ulps, binned, and the extremes."""

    elements: int
    histogram: Counter
    max_ulps: float
    max_fraction: float  # of the bound the case was judged by
    beyond_default: int  # elements outside the spec's default bound
    beyond_judged: int  # elements outside the bound the case was judged by (a failure)


def measure(expected: np.ndarray, actual: np.ndarray, output_dtype: str, judged: np.ndarray,
            default: np.ndarray, checked: np.ndarray | None = None) -> Measurement | None:
    """The errors of `actual` against the exact `expected` (float64) where the answer is finite and the
    element is `checked`; `judged` is the bound the case was judged by, `default` the spec's own."""
    expected = np.asarray(expected, dtype=np.float64)
    keep = np.isfinite(expected)
    if checked is not None:
        keep &= checked
    if not keep.any():
        return None
    got = np.asarray(actual).astype(np.float64)[keep]
    want = expected[keep]
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        err = np.where(np.isfinite(got), np.abs(got - want), np.inf)
        ulps = err / ulp(want, output_dtype)
        judged_k = np.broadcast_to(judged, keep.shape)[keep]
        default_k = np.broadcast_to(default, keep.shape)[keep]
        fraction = np.where(err == 0, 0.0, err / judged_k)
    return Measurement(
        elements=int(keep.sum()),
        histogram=histogram_of(ulps),
        max_ulps=float(ulps.max()),
        max_fraction=float(np.nanmax(fraction)),
        beyond_default=int((~(err <= default_k)).sum()),
        beyond_judged=int((~(err <= judged_k)).sum()),
    )


@dataclass
class Accuracy:
    """The merged measurements of one target x op x dtype."""

    elements: int = 0
    cases: int = 0
    histogram: Counter = field(default_factory=Counter)
    max_ulps: float = 0.0
    max_fraction: float = 0.0
    beyond_default: int = 0
    beyond_judged: int = 0
    computes_in: set[str] = field(default_factory=set)  # the accumulators the judged bounds assumed

    def add(self, m: Measurement, computes_in: str) -> None:
        # not dataclasses.asdict: it rebuilds a Counter from (key, count) pairs, counting the pairs
        self.merge({**vars(m), "cases": 1, "computes_in": [computes_in]})

    def to_json(self) -> dict:
        return {"elements": self.elements, "cases": self.cases, "histogram": dict(self.histogram),
                "max_ulps": self.max_ulps, "max_fraction": self.max_fraction,
                "beyond_default": self.beyond_default, "beyond_judged": self.beyond_judged,
                "computes_in": sorted(self.computes_in)}

    def merge(self, data: dict) -> None:
        self.elements += data["elements"]
        self.cases += data["cases"]
        self.histogram.update(data["histogram"])
        self.max_ulps = max(self.max_ulps, data["max_ulps"])
        self.max_fraction = max(self.max_fraction, data["max_fraction"])
        self.beyond_default += data["beyond_default"]
        self.beyond_judged += data["beyond_judged"]
        self.computes_in.update(data["computes_in"])


def grade(data: dict, dtype: str, op: str | None = None) -> str:
    """The grade a merged record (Accuracy.to_json) earns; the third grade names the spec's accumulator
    for `dtype` where `op` sums, and is "within the bound" for an elementwise function (no accumulator)."""
    if data["beyond_judged"]:
        return "beyond"
    if data["max_ulps"] <= 0.5:
        return "correctly rounded"
    if data["max_ulps"] <= 1:
        return "faithful"
    if not data["beyond_default"]:
        from .ops import OPS

        if op is not None and OPS[op].accuracy not in ("sum", "lp"):
            return "within the bound"
        return f"{accumulation_format(dtype)} accumulation"
    return "working-format accumulation"


def median_ulps(histogram: dict[str, int]) -> float:
    """The upper edge of the bin holding the median error."""
    total = sum(histogram.values())
    if not total:
        return math.nan
    seen = 0
    for name in sorted(histogram, key=bin_upper):
        seen += histogram[name]
        if 2 * seen >= total:
            return bin_upper(name)
    return math.inf
