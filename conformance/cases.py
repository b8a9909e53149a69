"""The canonical case: one op call, described once, that the reference and every target run.

A case holds the op, its parameters in the user-facing form (channels-first, as the reference API takes
them), the input values and the layout a target should use. Everything a target adapter, the comparison
and the failure message need is derived from it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

import reference

if TYPE_CHECKING:
    from .ops import OpSpec


@dataclass(frozen=True, eq=False)
class Case:
    op: str
    x: np.ndarray  # channels-first (N, C, *spatial), already in the dtype under test
    kernel_size: tuple[int, ...] | None = None
    stride: tuple[int, ...] | None = None
    padding: Any = 0
    dilation: int | tuple[int, ...] = 1
    ceil_mode: bool = False
    count_include_pad: bool = True
    divisor_override: int | None = None
    norm_type: float | None = None
    output_size: tuple[int, ...] | None = None
    groups: int = 1
    output_padding: int | tuple[int, ...] | None = None  # conv_transpose
    negative_slope: float | None = None
    weight: np.ndarray | None = None
    bias: np.ndarray | None = None
    layout: str = "channels_first"
    # a backward case (op "<forward>_backward"): the cotangent, shaped like the forward output, and the
    # gradient the case checks ("x", "weight" or "bias")
    grad_output: np.ndarray | None = None
    wrt: str = "x"

    @property
    def spec(self) -> OpSpec:
        """The op's entry in the op table."""
        from .ops import OPS  # the table's strategies build cases: import it when first asked

        return OPS[self.op]

    @property
    def rank(self) -> int:
        return self.x.ndim - 2

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.x.shape)

    @property
    def dtype(self) -> str:
        return self.x.dtype.name

    @property
    def kernel(self) -> tuple[int, ...]:
        """The window's size per spatial dim: the weight's spatial shape for conv, else kernel_size."""
        if self.weight is not None and self.spec.family in ("conv", "transpose"):
            return tuple(int(k) for k in self.weight.shape[2:])
        if self.kernel_size is None:
            raise TypeError(f"{self.op} has no kernel")
        return self.kernel_size

    @property
    def w(self) -> np.ndarray:
        """The weight of an op that has one (conv, dense)."""
        if self.weight is None:
            raise TypeError(f"this {self.op} case has no weight")
        return self.weight

    @property
    def p(self) -> float:
        """lp_pool's norm_type."""
        if self.norm_type is None:
            raise TypeError(f"{self.op} has no norm_type")
        return float(self.norm_type)

    @property
    def out_size(self) -> tuple[int, ...]:
        """The output size of an adaptive pool."""
        if self.output_size is None:
            raise TypeError(f"{self.op} has no output_size")
        return self.output_size

    @property
    def strides(self) -> tuple[int, ...]:
        """Stride per dim, with the pooling default stride=None meaning stride = kernel (conv/im2col: 1)."""
        if self.stride is None:
            return self.kernel if self.spec.stride_default_is_kernel else (1,) * self.rank
        return _per_dim(self.stride, self.rank)

    @property
    def dilations(self) -> tuple[int, ...]:
        return _per_dim(self.dilation, self.rank)

    @property
    def pads(self) -> tuple[tuple[int, int], ...]:
        """The padding resolved to one (before, after) pair per spatial dim."""
        if self.spec.family == "pad":
            return reference.resolve_padding(self.padding, self.shape[2:], 1)
        return reference.resolve_padding(
            self.padding, self.shape[2:], self.kernel, self.strides, self.dilations
        )

    @property
    def transpose_geometry(self) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
        """A transposed convolution's crop (before, after) and output_padding per dim, resolved."""
        return reference.shapes.transpose_padding(
            self.padding, self.shape[2:], self.kernel, self.strides, self.dilations, self.output_padding
        )

    @property
    def is_windowed(self) -> bool:
        return self.spec.windowed

    def kwargs(self) -> dict[str, Any]:
        """The reference call's keyword arguments (defaults left out, so repros stay short)."""
        defaults = {f.name: f.default for f in dataclasses.fields(Case)}
        spec = self.spec
        return {
            name: getattr(self, name)
            for name in spec.params
            if name in spec.required or getattr(self, name) != defaults[name]
        }

    def arrays(self) -> dict[str, np.ndarray]:
        """The array arguments by name, as programs see them."""
        named = {"x": self.x, "weight": self.weight, "bias": self.bias, "grad_output": self.grad_output}
        return {k: v for k, v in named.items() if v is not None}

    def forward_case(self) -> Case:
        """The forward call a backward case differentiates (itself for a forward case)."""
        forward = self.spec.forward
        return self if forward is None else self.replace(op=forward, grad_output=None, wrt="x")

    def array_names(self) -> tuple[str, ...]:
        return tuple(self.arrays())

    def replace(self, **changes: Any) -> Case:
        return dataclasses.replace(self, **changes)

    def __repr__(self) -> str:
        return f"<case {self.describe()}>"

    def _repr_pretty_(self, printer, cycle) -> None:  # hypothesis' printer; the repro shows the values
        printer.text(repr(self))

    def describe(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.kwargs().items())
        extra = f", weight {self.weight.shape}" if self.weight is not None else ""
        extra += f", bias {self.bias.shape}" if self.bias is not None else ""
        if self.grad_output is None:
            return f"{self.op}(x {self.shape} {self.dtype}{extra}, {params}) [{self.layout}]"
        gradients = self.spec.gradients
        picked = f"[{gradients.index(self.wrt)}] = grad_{self.wrt}" if len(gradients) > 1 else ""
        return (f"{self.op}(grad_output {self.grad_output.shape}, x {self.shape} {self.dtype}{extra}, "
                f"{params}){picked} [{self.layout}]")


def _per_dim(value: Any, rank: int) -> tuple[int, ...]:
    return (value,) * rank if isinstance(value, int) else tuple(value)


def reference_output(case: Case) -> np.ndarray:
    """The spec's answer, evaluated in float64 for float inputs (exact oracle for max, near-exact for sums).

    The result stays float64; the comparison decides how close the target's dtype must come.
    """
    arrays = {
        k: (v.astype(np.float64) if v.dtype.kind == "f" or v.dtype.name == "bfloat16" else v)
        for k, v in case.arrays().items()
    }
    fn = case.spec.reference
    x = arrays.pop("x")
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf -> NaN is the spec, not an accident
        if case.grad_output is None:
            return np.asarray(fn(x, **arrays, **case.kwargs()))
        result: Any = fn(arrays.pop("grad_output"), x, **arrays, **case.kwargs())
        if len(case.spec.gradients) > 1:
            result = result[case.spec.gradients.index(case.wrt)]
        return np.asarray(result)


def reference_source(case: Case) -> str:
    """The line of Python that computes the reference output in a repro."""
    args = ["x64"] + [f"{k}={k}64" for k in ("weight", "bias") if getattr(case, k) is not None]
    args += [f"{k}={v!r}" for k, v in case.kwargs().items()]
    if case.grad_output is None:
        return f"expected = reference.{case.op}({', '.join(args)})"
    picked = f"[{case.spec.gradients.index(case.wrt)}]" if len(case.spec.gradients) > 1 else ""
    return f"expected = reference.{case.op}(grad_output64, {', '.join(args)}){picked}"
