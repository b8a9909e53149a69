"""Targets: the implementations under test, one module per target.

An adapter translates a canonical case into the target's own call, written as a small Python program
(`program(case)`), which reads `x` (and `weight`, `bias`) channels-first and leaves `actual`, an
(N, C, *spatial) numpy array. The same text runs in the target's worker process and is printed as the
repro, so a repro is always exactly what ran.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from dataclasses import dataclass, field

from ..cases import Case
from ..executor import Outcome, Worker, worker_for


class NotExpressible(Exception):
    """The target's API has no way to write this case (e.g. Keras pooling with explicit padding)."""


INTEGER_DTYPES = ("int8", "uint8", "int32", "int64")


@dataclass(frozen=True)
class Capabilities:
    """What a target can express for one op; strategies draw mostly inside it (the adapter decides)."""

    ranks: tuple[int, ...] = (1, 2, 3)
    dtypes: tuple[str, ...] = ("float32", "float64")
    dtypes_3d: tuple[str, ...] | None = None  # where 3-D kernels exist for fewer dtypes
    layouts: tuple[str, ...] = ("channels_first",)
    padding: str = "any"  # "any" | "symmetric" (explicit, pb == pa) | "keras" (only 'valid'/'same' resolutions)
    pad_limit: bool = False  # torch: each pad <= half the effective kernel
    ceil_mode: bool = True
    dilation: bool = True
    count_include_pad: bool = True
    divisor_override_ranks: tuple[int, ...] = (1, 2, 3)
    kernel_within_input_3d: bool = False  # torch avg_pool3d rejects kernel > input even with padding

    int_ranks: tuple[int, ...] = ()  # ranks where integer inputs are accepted (max pooling)

    def dtypes_for(self, rank: int) -> tuple[str, ...]:
        floats = self.dtypes_3d if rank == 3 and self.dtypes_3d is not None else self.dtypes
        return floats + (INTEGER_DTYPES if rank in self.int_ranks else ())
    groups: bool = True  # conv: grouped and depthwise convolution
    causal: bool = True  # conv: padding='causal' (1-D), i.e. (d*(k-1), 0)
    dilation_with_stride: bool = True  # conv: stride > 1 together with dilation > 1 (Keras Conv rejects it)


@dataclass
class Target:
    name: str  # also the pytest marker
    package: str  # the distribution whose presence and version decide availability
    ops: dict[str, Capabilities] = field(default_factory=dict)
    worker_env: dict[str, str] = field(default_factory=dict)

    def missing_reason(self) -> str | None:
        """Why this target cannot run here, or None."""
        if importlib.util.find_spec(self.package.replace("-", "_")) is None:
            return f"{self.name}: package {self.package!r} is not installed"
        return None

    @property
    def version(self) -> str:
        try:
            return importlib.metadata.version(self.package)
        except importlib.metadata.PackageNotFoundError:
            return "unknown"

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"

    def versions(self) -> dict[str, str]:
        """Package versions that divergence ranges are checked against."""
        return {self.package: self.version}

    def __repr__(self) -> str:
        return f"<target {self.name}>"

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(repr(self))

    def capabilities(self, op: str) -> Capabilities | None:
        """What the target can express for `op`, or None if it does not have the op at all."""
        return self.ops.get(op)

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
        return None

    def program(self, case: Case) -> str:
        raise NotImplementedError

    def run(self, case: Case) -> Outcome:
        return self.run_program(self.program(case), case.arrays(), self.worker_name(case))

    def run_fresh(self, *cases: Case) -> Outcome:
        """Run `cases` in order in a new worker process (closed after) and return the last one's outcome:
        the target's answer with no state left by earlier calls, or with exactly the state `cases` leave."""
        worker = Worker(f"{self.name}-fresh", self.worker_env)
        try:
            for case in cases:
                outcome = worker.run(self.program(case), case.arrays())
            return outcome
        finally:
            worker.close()

    def worker_name(self, case: Case) -> str:
        """The worker process a case runs in: one per target, unless framework state leaks between cases."""
        return self.name

    def error_program(self, case: Case, rank: int) -> str:
        """The target's call for a case the spec may reject (the error contract, `conformance/errors.py`).

        Parameters go through as the case gives them, unvalidated (`program` resolves them with the
        reference, which raises for invalid ones); `rank` is the spatial rank of the API called
        (F.max_pool{rank}d, MaxPooling{rank}D), which a wrong-rank input does not reveal. Raises
        NotExpressible where the target's API cannot write the case. By default `program`, which for a
        reference-API module passes the arguments through as given.
        """
        if self.capabilities(case.op) is None:
            raise NotExpressible(f"{self.name} has no {case.op}")
        return self.program(case)

    def run_error(self, case: Case, rank: int) -> Outcome:
        """Run `error_program` in the target's worker, so a crash or hang is an outcome, not the end."""
        return self.run_program(self.error_program(case, rank), case.arrays(), self.worker_name(case))

    def run_program(self, program: str, arrays: dict | None = None, worker: str | None = None) -> Outcome:
        return worker_for(worker or self.name, self.worker_env).run(program, arrays or {})

    def program_for_call(self, call: str) -> str:
        """A program calling a reference-API function by name (only `impl` targets offer this)."""
        raise NotImplementedError(f"{self.name} has no reference-API functions to call")


def all_targets(impl: str | None = None) -> list[Target]:
    from .keras_target import KerasTarget
    from .torch_target import TorchTarget

    targets: list[Target] = [TorchTarget(), KerasTarget()]
    if impl:
        from .impl_target import ImplTarget

        targets.append(ImplTarget(impl))
    return targets
