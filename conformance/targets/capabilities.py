"""What a target can express for one op; strategies draw mostly inside it, the adapter decides."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from ..cases import Case

INTEGER_DTYPES = ("int8", "uint8", "int32", "int64")
# "any": every form; "symmetric": explicit, pb == pa; "keras": only 'valid'/'same' resolutions;
# "none": no padding argument at all
PaddingForms = Literal["any", "symmetric", "keras", "none"]


@dataclass(frozen=True)
class Capabilities:
    ranks: tuple[int, ...] = (1, 2, 3)
    dtypes: tuple[str, ...] = ("float32", "float64")
    dtypes_3d: tuple[str, ...] | None = None  # where 3-D kernels exist for fewer dtypes
    layouts: tuple[str, ...] = ("channels_first",)
    padding: PaddingForms = "any"
    pad_limit: bool = False  # torch: each pad <= half the effective kernel
    ceil_mode: bool = True
    dilation: bool = True
    count_include_pad: bool = True
    divisor_override_ranks: tuple[int, ...] = (1, 2, 3)
    kernel_within_input_3d: bool = False  # torch avg_pool3d rejects kernel > input even with padding
    int_ranks: tuple[int, ...] = ()  # ranks where integer inputs are accepted (max pooling)
    groups: bool = True  # conv: grouped and depthwise convolution
    causal: bool = True  # conv: padding='causal' (1-D), i.e. (d*(k-1), 0)
    # stride > 1 together with dilation > 1 (Keras Conv rejects it; tf.nn.pool takes dilations at stride 1)
    dilation_with_stride: bool = True
    dilation_with_padding: bool = True  # dilation > 1 with padding (tf.nn.pool: dilations with 'VALID' only)
    uniform_stride: bool = False  # one stride for every spatial dim (code that takes `stride` as one int)
    uniform_kernel: bool = False  # a square/cubic window (code that takes one pool size)
    uniform_padding: bool = False  # one pad for every side of every dim (code that takes `pad` as one int)
    uniform_spatial: bool = False  # square/cubic input (code that takes one size for every spatial dim)
    stride_is_kernel: bool = False  # pooling that always strides by its window (non-overlapping windows)
    bias: bool = True  # conv/dense: a bias argument
    negative_slopes: tuple[float, ...] | None = None  # leaky_relu: the only slopes the code takes
    # 'same' with an odd total pad (the odd cell after); None: wherever the padding form allows 'same'
    same_odd_total: bool | None = None
    same_lower: bool = False  # 'same_lower' (ONNX auto_pad=SAME_LOWER: the odd cell first) as a padding form

    @property
    def odd_same(self) -> bool:
        if self.same_odd_total is not None:
            return self.same_odd_total
        return self.padding in ("any", "keras") and not self.uniform_padding

    def dtypes_for(self, rank: int) -> tuple[str, ...]:
        floats = self.dtypes_3d if rank == 3 and self.dtypes_3d is not None else self.dtypes
        return floats + (INTEGER_DTYPES if rank in self.int_ranks else ())

    def excludes(self, case: Case) -> str | None:
        """Why the case lies outside these capabilities (the unrestricted share draws such cases), or None."""
        spatial = case.x.ndim > 2 and case.spec.family != "activation"
        rank = case.rank if spatial else 1
        if spatial and case.rank not in self.ranks:
            return f"rank {case.rank} is not among the declared ranks {self.ranks}"
        if case.dtype not in self.dtypes_for(rank):
            return f"dtype {case.dtype} is not among the declared dtypes {self.dtypes_for(rank)}"
        if case.layout not in self.layouts:
            return f"layout {case.layout} is not among {self.layouts}"
        if case.ceil_mode and not self.ceil_mode:
            return "ceil_mode=True, and ceil_mode is not declared"
        windowed = case.spec.windowed
        forward_op = case.spec.forward or case.op  # a backward case is declared as its forward call
        if windowed and any(d != 1 for d in case.dilations) and not self.dilation:
            return f"dilation {case.dilations}, and dilation is not declared"
        if case.divisor_override is not None and rank not in self.divisor_override_ranks:
            return "divisor_override, not declared for this rank"
        if forward_op == "avg_pool" and case.count_include_pad and not self.count_include_pad:
            return "count_include_pad=True, not declared"
        if case.groups > 1 and not self.groups:
            return f"groups={case.groups}, and groups are not declared"
        if case.padding == "causal" and not self.causal:
            return "padding='causal', not declared"
        if windowed and self.uniform_stride and len(set(case.strides)) > 1:
            return f"strides {case.strides} differ per dim; one stride is declared"
        if windowed and self.uniform_kernel and len(set(case.kernel)) > 1:
            return f"kernel {case.kernel} differs per dim; one window size is declared"
        if windowed and self.stride_is_kernel and case.strides != case.kernel:
            return f"stride {case.strides} differs from the window {case.kernel}; stride = window is declared"
        if spatial and self.uniform_spatial and len(set(case.shape[2:])) > 1:
            return f"spatial shape {case.shape[2:]} is not square; one spatial size is declared"
        if case.bias is not None and not self.bias:
            return "a bias, not declared"
        if case.negative_slope is not None and self.negative_slopes is not None \
                and case.negative_slope not in self.negative_slopes:
            return f"negative_slope {case.negative_slope} is not among {self.negative_slopes}"
        if windowed and not self.dilation_with_stride and max(case.strides) > 1 and max(case.dilations) > 1:
            return "stride > 1 with dilation > 1, not declared"
        if windowed and not self.dilation_with_padding and max(case.dilations) > 1 \
                and any(b or a for b, a in case.pads):
            return f"dilation {case.dilations} with pads {case.pads}, not declared"
        if windowed or case.spec.family == "pad":
            return self._padding_excludes(case)
        return None

    def _padding_excludes(self, case: Case) -> str | None:
        form = case.padding
        named = ("valid", "same", "causal") if (case.spec.forward or case.op) == "conv" else ("valid", "same")
        pairs = isinstance(form, tuple) and any(isinstance(p, tuple) for p in form)
        if form == "same_lower" and not self.same_lower:
            return "padding 'same_lower', not declared"
        if self.padding == "keras" and form not in named:
            return f"padding {form!r}; only 'valid'/'same' resolutions are declared"
        if self.padding == "none" and form not in ("valid", 0):
            return f"padding {form!r}; no padding is declared"
        if self.padding == "symmetric" and (pairs or (form == "same" and case.spec.family == "pool")):
            return f"padding {form!r}; symmetric explicit padding is declared"
        if self.uniform_padding and not (form == "valid" or isinstance(form, int)):
            return f"padding {form!r}; one pad for every side is declared"
        if self.pad_limit and not isinstance(form, str) and any(
                b > k // 2 for (b, _), k in zip(case.pads, case.kernel)):
            return f"pads {case.pads} beyond half the kernel {case.kernel}"
        return None


def declared(spec: dict[str, Any], op: str) -> Capabilities:
    """Capabilities from a module's CONFORMANCE_CAPABILITIES entry ({"ranks": [2], "padding": "symmetric",
    ...}; lists become tuples), with a clear error naming the fields that exist."""
    names = {f.name for f in fields(Capabilities)}
    unknown = sorted(set(spec) - names)
    if unknown:
        raise ValueError(f"CONFORMANCE_CAPABILITIES[{op!r}]: unknown field(s) {unknown}; the fields are "
                         f"{sorted(names)}")
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in spec.items()}
    return Capabilities(**values)
