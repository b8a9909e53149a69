"""Targets: the implementations under test.

A target is one module. For each op it has an adapter: a module-level function (`max_pool(x, *, ...)`)
that calls the framework and returns a channels-first numpy array, plus what the target can express
(`Capabilities`) and a `supports(case)` check that needs no framework import. The function runs in the
target's worker process (`executor.py`) with the case's arrays and parameters translated by `call(case)`
(for error inputs, `error_call(case, rank)` passes the parameters through as given); a repro prints the
function's own source and the exact call, so it is always what ran.

Built-in targets are torch, keras, tf, jax, onnxruntime and onnx-reference (and `impl`, a user's module);
others register through the entry point group `conformance.targets` (see README, "Adding a target").
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import importlib.metadata
import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..cases import Case
from ..executor import Outcome, Request, Worker, worker_for
from ..platform import ONEDNN_LEVELS, Platform, allowed_by_cap, fingerprint
from .capabilities import Capabilities
from .source import call_source, standalone_source

__all__ = ["Adapter", "Call", "Capabilities", "NotExpressible", "Target", "all_targets", "backward_adapter"]


class NotExpressible(Exception):
    """The target's API has no way to write this case (e.g. Keras pooling with explicit padding)."""


@dataclass(frozen=True)
class Call:
    """An adapter function and the parameters one case passes it (the arrays come from the case)."""

    fn: Callable[..., Any]
    params: dict[str, Any]
    arrays: tuple[str, ...] = ("x",)
    outputs: tuple[str, ...] = ("actual",)

    def request(self) -> Request:
        return Request(self.fn.__module__, self.fn.__name__, self.params, self.outputs)

    def source(self) -> str:
        """A program that runs the call on the arrays the repro defines and leaves `actual` (a backward
        adapter finds its forward function by name, so that function's source comes along)."""
        call = call_source(self.fn, self.arrays, self.params)
        if len(self.outputs) > 1:
            call = call.replace("actual = ", f"{', '.join(self.outputs)} = ", 1)
        program = standalone_source(self.fn)
        forward = getattr(sys.modules[self.fn.__module__], str(self.params.get("forward")), None)
        if callable(forward):
            program += "\n" + standalone_source(forward)
        return program + "\n" + call + "\n"


def _always(case: Case) -> str | None:
    return None


@dataclass(frozen=True)
class Adapter:
    """One op on one target: what it can express, why a case is not expressible (None: it is), and the
    call for a case; `error_call` takes an error input's parameters as given, unvalidated."""

    capabilities: Capabilities
    call: Callable[[Case], Call]
    supports: Callable[[Case], str | None] = _always
    error_call: Callable[[Case, int], Call] | None = None


def backward_adapter(
    forward: Adapter, backward: Callable[..., Any], outputs: tuple[str, ...] = ("actual",)
) -> Adapter:
    """The backward pass of a forward adapter: the forward's capabilities (floating inputs only: there are
    no gradients of integers) and limits, and a call of `backward(x, grad_output, weight, bias, *,
    forward, wrt, **the forward call's params)`, an adapter function that differentiates the forward
    adapter function named `forward`."""

    def call(case: Case) -> Call:
        fwd = forward.call(case.forward_case())
        return Call(backward, {"forward": fwd.fn.__name__, "wrt": case.wrt, **fwd.params},
                    (*fwd.arrays, "grad_output"), outputs)

    floats = dataclasses.replace(forward.capabilities, int_ranks=())
    return Adapter(floats, call, lambda case: forward.supports(case.forward_case()))


@dataclass
class Target:
    name: str  # also the pytest marker
    package: str  # the distribution whose presence and version decide availability
    adapters: dict[str, Adapter] = field(default_factory=dict)
    worker_env: dict[str, str] = field(default_factory=dict)
    # what `name@variant` names: an ISA cap the worker runs under (`torch@avx2`), a switch
    # (`keras@onednn-off`) or an ONNX opset (`onnxruntime@opset18`); None: the target as installed
    variant: str | None = None
    # variants a run without --frameworks selects too (the ONNX targets' older opset)
    default_variants: ClassVar[tuple[str, ...]] = ()
    _platform: Platform | None = field(default=None, init=False, repr=False)

    @property
    def id(self) -> str:
        """The target as --frameworks and test ids name it: `torch`, or `torch@avx2` under a cap."""
        return self.name if self.variant is None else f"{self.name}@{self.variant}"

    def cap_env(self, isa: str) -> dict[str, str]:
        """The worker environment that caps this target's kernels at `isa` (see README, "The ISA axis")."""
        level = isa.upper()
        if allowed_by_cap(level) is None:
            known = ", ".join(name.lower() for name, _ in ONEDNN_LEVELS)
            raise ValueError(f"{self.name}@{isa}: unknown ISA cap {isa!r}; choose from {known}")
        return {"DNNL_MAX_CPU_ISA": level, "ONEDNN_MAX_CPU_ISA": level}

    def with_variant(self, variant: str) -> Target:
        """This target in a worker of its own under an ISA cap (or a target's own variant)."""
        copied = copy.copy(self)
        copied.worker_env = {**self.worker_env, **self.cap_env(variant)}
        copied.variant = variant
        copied._platform = None
        return copied

    def platform(self) -> Platform:
        """The platform the target's worker runs on, asked once (the worker's env, caps included)."""
        if self._platform is None:
            outcome = self.run_call(Call(fingerprint, {"with_torch": self.package == "torch"}, ()), {})
            if outcome.kind != "ok":
                raise RuntimeError(f"{self.id}: fingerprinting the worker {outcome.describe()}")
            self._platform = outcome.values["actual"]
        assert self._platform is not None
        return self._platform

    def missing_reason(self) -> str | None:
        """Why this target cannot run here, or None."""
        if importlib.util.find_spec(self.package.replace("-", "_")) is None:
            return f"{self.name}: package {self.package!r} is not installed"
        return None

    @property
    def version(self) -> str:
        return _distribution_version(self.package)

    @property
    def label(self) -> str:
        return f"{self.id} {self.version}"

    def versions(self) -> dict[str, str]:
        """Package versions that divergence ranges are checked against."""
        return {self.package: self.version}

    def __repr__(self) -> str:
        return f"<target {self.id}>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def capabilities(self, op: str) -> Capabilities | None:
        """What the target can express for `op`, or None if it does not have the op at all."""
        adapter = self.adapters.get(op)
        return None if adapter is None else adapter.capabilities

    def unsupported(self, case: Case) -> str | None:
        """Why this case is not expressible on the target, or None."""
        caps = self.capabilities(case.op)
        if caps is None:
            return f"{self.name} has no {case.op}"
        dtypes = caps.dtypes_for(case.rank)
        if case.dtype not in dtypes:
            return f"{self.name} {case.op} {case.rank}-D has no {case.dtype} kernel (has {', '.join(dtypes)})"
        if case.layout not in caps.layouts:
            return f"{self.name} {case.op} has no {case.layout} layout"
        return self.adapters[case.op].supports(case)

    def lacks(self, op: str) -> str:
        """Why an error input of an op the target does not have is not expressible."""
        return f"{self.name} has no {op}"

    def call(self, case: Case) -> Call:
        """The adapter call for a case `unsupported` accepts."""
        return self.adapters[case.op].call(case)

    def error_call(self, case: Case, rank: int) -> Call:
        """The adapter call for an error input (`conformance/error_inputs.py`): parameters go through as the
        case gives them, unvalidated; `rank` is the spatial rank of the API called (F.max_pool{rank}d,
        MaxPooling{rank}D), which a wrong-rank input does not reveal. Raises NotExpressible where the
        target's API cannot write the case."""
        adapter = self.adapters.get(case.op)
        if adapter is None:
            raise NotExpressible(self.lacks(case.op))
        if adapter.error_call is None:
            return adapter.call(case)
        return adapter.error_call(case, rank)

    def run(self, case: Case) -> Outcome:
        return self.run_call(self.call(case), case.arrays(), self.worker_name(case))

    def run_fresh(self, *cases: Case) -> Outcome:
        """Run `cases` in order in a new worker process (closed after) and return the last one's outcome:
        the target's answer with no state left by earlier calls, or with exactly the state `cases` leave."""
        worker = Worker(f"{self.id}-fresh", self.worker_env)
        try:
            outcome = Outcome("ok")
            for case in cases:
                outcome = worker.run(self.call(case).request(), case.arrays())
            return outcome
        finally:
            worker.close()

    def worker_name(self, case: Case) -> str:
        """The worker process a case runs in: one per target, unless framework state leaks between cases."""
        return self.id

    def run_call(self, call: Call, arrays: dict[str, Any], worker: str | None = None) -> Outcome:
        return worker_for(worker or self.id, self.worker_env).run(call.request(), arrays)


@functools.cache  # package metadata is read once per run, not once per case
def _distribution_version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


ENTRY_POINT_GROUP = "conformance.targets"


def all_targets(impl: str | None = None, variants: tuple[str, ...] = ()) -> list[Target]:
    """The built-in targets, those other packages register under the entry point group
    `conformance.targets` (each entry point: a callable returning a Target), `impl` for a module, and
    the variants named in `variants` (`torch@avx2`, `onnxruntime@opset18`)."""
    from .jax_target import JaxTarget
    from .keras_target import KerasTarget
    from .onnx_target import onnx_reference_target, onnxruntime_target
    from .tf_target import TfTarget
    from .torch_target import TorchTarget

    targets: list[Target] = [TorchTarget(), KerasTarget(), TfTarget(), JaxTarget(), onnxruntime_target(),
                             onnx_reference_target()]
    for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if entry.name not in {t.name for t in targets}:
            targets.append(entry.load()())
    if impl:
        from .impl_target import ImplTarget

        targets.append(ImplTarget(impl))
    by_name = {t.name: t for t in targets}
    defaults = [f"{t.name}@{v}" for t in targets for v in t.default_variants]
    for wanted in dict.fromkeys([*defaults, *variants]):
        name, _, variant = wanted.partition("@")
        if name not in by_name:
            raise ValueError(f"{wanted}: no target named {name!r} (have {sorted(by_name)})")
        targets.append(by_name[name].with_variant(variant))
    return targets
