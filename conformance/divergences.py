"""The divergence registry: where a real framework departs from the spec, recorded as data.

Each entry names the target and the versions it applies to, a predicate over the case, what the spec
says, what the framework does instead (as a function predicting its output), an upstream link and a
minimal example. A case matching an entry must behave exactly as the entry predicts; every other case
must conform. `docs/divergences.md` is generated from this registry (`python -m conformance docs`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypedDict, cast

import numpy as np
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from .cases import Case
from .platform import ANY_PLATFORM, Platform, PlatformClass

Predict = Callable[[Case, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Divergence:
    id: str
    target: str  # Target.name
    requires: dict[str, str]  # package -> PEP 440 specifier, e.g. {"torch": ">=2.0"}
    op: str | tuple[str, ...]
    applies: Callable[[Case], bool]
    when: str  # the predicate in words
    spec: str
    behaviour: str
    predict: Predict  # (case, spec output in float64) -> what the framework returns
    example: Callable[[], Case]
    link: str = ""
    # Where the framework reads garbage or depends on memory layout, no function predicts its values: this
    # bool mask (output-shaped) marks the elements left unchecked, and everywhere else `predict` holds.
    # The example must still differ from the spec inside the mask, so a fix is noticed.
    unpredictable: Callable[[Case], np.ndarray] | None = None
    # Where the framework computes in another floating format than the input's (Keras 3 on torch and jax
    # turns float64 into float32): that format, whose unit roundoff sets the error bound, and the dtype it
    # returns for a case. None means the input's.
    computes_in: str | None = None
    returns: Callable[[Case], str] | None = None
    # Where the framework's answer depends on what ran before it in the same process: the case that, run
    # first, makes the example behave as recorded. The suite keeps such cases apart (Target.worker_name), so
    # the entry never matches a property-test case; its example is checked after this case in a fresh worker.
    after: Callable[[], Case] | None = None
    # Where the behaviour depends on the kernels the CPU's ISA selects: the platform class it holds on
    # (elsewhere the entry does not apply and the case must conform, or match the entry for that class).
    platforms: PlatformClass = ANY_PLATFORM
    # The framework kills its process on such a case (a signal), or raises an exception whose
    # "Type: message" matches this regex: predicted exactly, nothing to compare.
    crashes: bool = False
    raises: str | None = None
    # The framework writes outside its output buffer: the process may die now or later, and the values it
    # returns may or may not show it. Nothing is compared, so drawn cases are not run; the example runs in a
    # worker of its own and must crash or depart from the spec.
    corrupts_memory: bool = False
    # Where the target's own shape claim (ONNX shape inference) keeps the spec's formula while its output
    # departs from it: the shape it claims, channels-first. None: it claims the shape it returns.
    claims: Callable[[Case], tuple[int, ...]] | None = None

    def fails_as_recorded(self, kind: str, what: str) -> bool:
        """Whether an outcome (its kind, and "Type: message" for a raise) is the failure recorded here."""
        if self.crashes:
            return kind == "crashed"
        return self.raises is not None and kind == "raised" and re.search(self.raises, what) is not None

    @property
    def ops(self) -> tuple[str, ...]:
        return self.op if isinstance(self.op, tuple) else (self.op,)

    def in_range(self, versions: dict[str, str]) -> bool:
        return versions_satisfy(versions, self.requires)

    def on(self, platform: Platform | None) -> bool:
        """Whether the entry holds on this platform (None: unknown, e.g. for the docs, which list every
        class)."""
        return platform is None or self.platforms.holds(platform)

    @property
    def platform_dependent(self) -> bool:
        return self.platforms is not ANY_PLATFORM


def versions_satisfy(versions: dict[str, str], requires: dict[str, str]) -> bool:
    """Every required package is present in a version its PEP 440 range admits (local tags like +cpu
    ignored)."""
    return all(
        package in versions and Version(versions[package].split("+")[0]) in SpecifierSet(spec)
        for package, spec in requires.items()
    )


class Rule(TypedDict, total=False):
    """The fields of a Divergence that several targets share (`known/shared.py`): each target registers the
    rule under its own id, versions and example."""

    op: str | tuple[str, ...]
    applies: Callable[[Case], bool]
    when: str
    spec: str
    behaviour: str
    predict: Predict
    example: Callable[[], Case]
    link: str
    unpredictable: Callable[[Case], np.ndarray]
    computes_in: str


def from_rule(rule: Rule, **fields: Any) -> Divergence:
    """A Divergence of a shared rule under one target's id, versions and example (and any field the rule
    leaves open); a field may not override the rule's."""
    overlap = sorted(rule.keys() & fields.keys())
    if overlap:
        raise ValueError(f"fields {overlap} are the shared rule's own")
    return Divergence(**cast(dict[str, Any], {**rule, **fields}))


REGISTRY: list[Divergence] = []  # filled by conformance/known/*_known.py; read it through registry()


def registry() -> list[Divergence]:
    """Every registered divergence, in registration order."""
    from .known import load

    load()
    return REGISTRY


def register(d: Divergence) -> Divergence:
    if any(other.id == d.id for other in REGISTRY):
        raise ValueError(f"divergence id {d.id!r} is registered twice")
    REGISTRY.append(d)
    return d


def matching(
    target_name: str, versions: dict[str, str], case: Case, platform: Platform | None = None
) -> list[Divergence]:
    """The registered divergences this case falls under on this target, version and platform, in registry
    order.

    Several can hold at once (independent bugs); their predictions compose in that order: each `predict`
    receives the previous one's output, starting from the spec's.
    """
    return [
        d
        for d in registry()
        if d.target == target_name
        and case.op in d.ops
        and d.after is None
        and d.in_range(versions)
        and d.on(platform)
        and d.applies(case)
    ]


@dataclass
class Prediction:
    """What a target should return for a case: the values (float64), the elements no rule predicts, the
    dtype it returns and the format its arithmetic runs in."""

    values: np.ndarray
    unchecked: np.ndarray | None
    dtype: str
    computes_in: str | None  # None: the spec's accumulator (compare.accumulation_format)
    claims: tuple[int, ...] | None = None  # the shape the target claims, where not the one it returns


def predicted_output(found: list[Divergence], case: Case, spec: np.ndarray) -> Prediction:
    """What the target should return under the divergences `found` (the spec's output where none)."""
    prediction = Prediction(spec, None, case.dtype, None)
    for d in found:
        prediction.values = d.predict(case, prediction.values)
        if d.unpredictable is not None:
            mask = d.unpredictable(case)
            prediction.unchecked = mask if prediction.unchecked is None else prediction.unchecked | mask
        if d.computes_in is not None:
            prediction.computes_in = d.computes_in
        if d.returns is not None:
            prediction.dtype = d.returns(case)
        if d.claims is not None:
            prediction.claims = d.claims(case)
    return prediction


def windows_any(case: Case, mask: np.ndarray) -> np.ndarray:
    """For each output element of a windowed op: does its window contain a cell where `mask` is true?

    Computed with the reference's own sum pool over the mask (an adaptive pool's own max pool), so it
    shares the spec's window geometry.
    """
    import reference

    if case.spec.family == "adaptive":
        return reference.adaptive_max_pool(mask.astype(np.float64), case.out_size) > 0
    counts = reference.sum_pool(
        mask.astype(np.float64), case.kernel, case.strides, case.pads, case.dilations, case.ceil_mode
    )
    return counts > 0
