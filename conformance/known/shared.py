"""Divergence rules shared by several targets: one framework library behind two adapters (oneDNN's bfloat16
convolution under torch and TF), or one habit of every framework (sums in the working format, Keras 3's
float64 -> float32). Each rule is the `Divergence` fields that say what happens; the targets' modules
register it with their own id, versions and example."""

from __future__ import annotations


from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

import reference

from ..cases import Case, reference_output
from ..divergences import Rule


SUM_OVERFLOW_OPS = ("avg_pool", "global_avg_pool", "adaptive_avg_pool", "conv", "dense")


def abs_sums(case: Case) -> np.ndarray:
    """Per output element, the sum of |finite terms| before any division: where partial sums can overflow.
    (Non-finite inputs are left out: their outputs stay checked exactly.)"""
    x = np.abs(case.x.astype(np.float64))
    x[~np.isfinite(x)] = 0.0
    if case.op == "avg_pool":
        return reference.sum_pool(x, case.kernel, case.strides, case.pads, case.dilations, case.ceil_mode)
    if case.op == "global_avg_pool":
        return x.sum(axis=tuple(range(2, x.ndim)), keepdims=True)
    if case.op == "adaptive_avg_pool":
        return reference.adaptive_max_pool(x, case.output_size) * np.prod(case.shape[2:])
    w = np.abs(case.w.astype(np.float64))
    b = None if case.bias is None else np.abs(case.bias.astype(np.float64))
    if case.op == "conv":
        return reference.conv(x, w, b, case.strides, case.pads, case.dilations, case.groups)
    return reference.dense(x, w, b)


def format_max(case: Case) -> float:
    return 3.3895e38 if case.dtype == "bfloat16" else float(np.finfo(case.x.dtype).max)


def overflowing_sums(case: Case, largest: float | None = None) -> np.ndarray:
    """Outputs whose sum of |terms| exceeds `largest` (by default the input format's largest finite value)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return abs_sums(case) > (format_max(case) if largest is None else largest)


def sum_overflows(case: Case) -> bool:
    return case.x.dtype.kind not in "iu" and bool(overflowing_sums(case).any())


SUM_OVERFLOW = Rule(
    op=SUM_OVERFLOW_OPS,
    applies=sum_overflows,
    when="the sum of |terms| of an output exceeds the input format's largest finite value",
    spec="y is the exact sum (or mean) rounded once to the output format, finite whenever it fits",
    behaviour="sums run in the input's format (or float32 for half formats), so partial sums overflow to "
    "±inf, or to NaN when signs mix (mean of [max, max/2] is inf, spec 0.75*max); the order of "
    "summation decides which, so those outputs are left unchecked",
    predict=lambda case, spec: spec,
    unpredictable=overflowing_sums,
    example=lambda: Case("avg_pool", np.array([[[3e38, 3e38]]], dtype=np.float32), kernel_size=(2,)),
)


def conv_out_shape(case: Case) -> tuple[int, ...]:
    return tuple(
        reference.output_size(n, k, s, p, d)
        for n, k, s, p, d in zip(case.shape[2:], case.kernel, case.strides, case.pads, case.dilations)
    )


def nonfinite_reach(case: Case, extra_last: int = 0) -> np.ndarray:
    """Outputs (all channels) whose window, over any input channel and widened by `extra_last` cells along
    the last spatial dim, holds a non-finite input. A widened window that runs past the end of a row reads
    on into the next row, as memory is laid out (measured: Conv2D bfloat16 x (1, 1, 2, 2) channels_last,
    dilation (1, 2), kernel 1: a NaN at [1, 0] turned output [0, 0] NaN)."""
    bad = (~np.isfinite(case.x.astype(np.float64))).any(axis=1, keepdims=True)
    if extra_last and case.rank > 1:
        flat = bad.reshape(*bad.shape[:2], -1)
        wrapped = flat.copy()
        for shift in range(1, extra_last + 1):  # a cell up to extra_last before it in row-major order
            wrapped[..., :-shift] |= flat[..., shift:]
        bad = wrapped.reshape(bad.shape)
    kernel = list(case.kernel)
    dilation = list(case.dilations)
    if extra_last:
        kernel[-1] = dilation[-1] * (kernel[-1] - 1) + 1 + extra_last
        dilation[-1] = 1
    pads = list(case.pads)
    pads[-1] = (pads[-1][0], pads[-1][1] + extra_last)
    hits = reference.sum_pool(
        bad.astype(np.float64), tuple(kernel), case.strides, tuple(pads), tuple(dilation)
    )
    crop = (Ellipsis, *(slice(0, o) for o in conv_out_shape(case)))
    hits = hits[crop]
    return np.broadcast_to(hits > 0, (case.shape[0], case.w.shape[0], *conv_out_shape(case))).copy()


def infinite_entries(case: Case) -> np.ndarray:
    """The outputs whose spec is +-inf: where an emulated bfloat16 sum turns an infinity into NaN."""
    return np.isinf(reference_output(case))


def bf16_nonfinite(case: Case) -> bool:
    return case.dtype == "bfloat16" and not np.isfinite(case.x.astype(np.float64)).all()


def spec_output(case: Case, spec: np.ndarray) -> np.ndarray:
    return spec


def bf16_leak(reach: Callable[[Case], int], within: str) -> Rule:
    """oneDNN's bfloat16 leak, reaching `reach(case)` input cells past a window along the last dim."""
    return Rule(
        op="conv",
        applies=bf16_nonfinite,
        when="bfloat16 input holding inf or NaN",
        spec="an output is non-finite only if its own window holds a non-finite input (times a nonzero "
        "weight)",
        behaviour="oneDNN's bfloat16 convolution also lets a non-finite input reach outputs whose window "
        "only borders it (it reads one cell past the window with weight 0, and 0 * inf = NaN), so those "
        "outputs become NaN; the affected set depends on the kernel oneDNN picks, so only outputs "
        f"{within} are left unchecked",
        predict=spec_output,
        unpredictable=lambda case: nonfinite_reach(case, extra_last=reach(case)),
    )


BF16_LEAK = bf16_leak(lambda case: 1, "within one cell of a non-finite input")


def transpose_nonfinite_reach(case: Case) -> np.ndarray:
    """Outputs (all channels) a non-finite input lands on, widened by one stride each way along the last
    spatial dim, in row-major order: a landing at the start of a row reaches the end of the row before it,
    as memory is laid out (measured: Keras Conv2DTranspose bfloat16, x (1, 1, 3, 2) channels_last, stride
    1, kernel 1: a NaN at [1, 0] turned output [0, 1] NaN)."""
    bad = (~np.isfinite(case.x.astype(np.float64))).any(axis=1, keepdims=True).astype(np.float64)
    pads, extra = case.transpose_geometry
    lands = reference.conv_transpose(bad, np.ones((1, 1, *case.kernel)), None, case.strides, pads, extra,
                                     case.dilations) > 0
    step = case.strides[-1]
    flat = lands.reshape(*lands.shape[:2], -1)
    widened = flat.copy()
    for shift in range(1, step + 1):
        widened[..., shift:] |= flat[..., :-shift]
        widened[..., :-shift] |= flat[..., shift:]
    widened = widened.reshape(lands.shape)
    return np.broadcast_to(widened, (case.shape[0], case.w.shape[1] * case.groups, *lands.shape[2:])).copy()


# oneDNN's native bfloat16 deconvolution, shared by torch and TF
BF16_TRANSPOSE_LEAK = Rule(
    op="conv_transpose",
    applies=bf16_nonfinite,
    when="bfloat16 input holding inf or NaN",
    spec="an output is non-finite only where a non-finite input lands on it (times a nonzero weight)",
    behaviour="oneDNN's native bfloat16 deconvolution also turns outputs up to a stride away NaN "
    "(measured, torch: x (2, 1, 3) = [0.5, -0.5, nan], kernel (1,), stride 2, output_padding 1 gives NaN "
    "at output 2 as well as 4, batch 1 does not; TF: Conv3DTranspose kernel 1, x (1, 1, 1, 2, 3) with NaN "
    "at the last cell of each row turns the cell before it NaN); the affected set depends on the kernel "
    "oneDNN picks, so outputs within one stride of a landing are left unchecked",
    predict=spec_output,
    unpredictable=transpose_nonfinite_reach,
)
# TF (Keras' TF backend) runs a dilated conv through space-to-batch: one cell of a dilated phase is d cells
# of the input (measured: Conv2D bf16, kernel 1x1, dilation (1, 2), NaN at x[..., 2] turns output 0 NaN)
TF_BF16_LEAK = bf16_leak(
    lambda case: case.dilations[-1],
    "within d cells of a non-finite input along the last spatial dim, d its dilation (TF dilates through "
    "space-to-batch, so one cell of a dilated phase is d cells of the input)",
)


def bf16_leak_example(layout: str):
    return lambda: Case(
        "conv", bf16(np.array([[[1, 1, 1, np.inf, 1, 1]]])), weight=bf16(np.ones((1, 1, 3))), layout=layout
    )


def bf16(a: np.ndarray) -> np.ndarray:
    import ml_dtypes

    return np.asarray(a, dtype=np.float64).astype(ml_dtypes.bfloat16)


def rounded_to_float32(case: Case) -> Case:
    return case.replace(**{k: v.astype(np.float32).astype(np.float64) for k, v in case.arrays().items()})


def float32_arithmetic(case: Case, spec: np.ndarray) -> np.ndarray:
    """The op on its inputs rounded once to float32; the float32 arithmetic after that is in the error bound
    (computes_in="float32": gamma_{K+2}(2^-24) * sum |terms|, which also covers a bias added in float64)."""
    return reference_output(rounded_to_float32(case))


def float32_overflowing_sums(case: Case) -> np.ndarray:
    """Sums whose partial sums can overflow float32 although their float64 spec is finite: the summation
    order decides between inf and NaN."""
    if case.op not in SUM_OVERFLOW_OPS:
        return np.zeros(reference_output(case).shape, bool)
    return overflowing_sums(rounded_to_float32(case), float(np.finfo(np.float32).max))


FLOAT64_AS_FLOAT32 = Rule(
    applies=lambda case: case.dtype == "float64",
    when="float64 input",
    spec="y is computed from the float64 inputs, with float64's error bound, and returned as float64",
    predict=float32_arithmetic,
    unpredictable=float32_overflowing_sums,
    computes_in="float32",
    link="keras/src/backend/common/dtypes.py: BIT64_TO_BIT32_DTYPE (float64 -> float32 off TensorFlow)",
)


# --- conv_transpose gradients: kernels that sum over the uncropped output ---------------------------------


def grad_weight_over_uncropped(case: Case, spec: np.ndarray) -> np.ndarray:
    """grad_weight summed over the whole uncropped output, the cropped cells' cotangent taken as 0: a
    non-finite x meets that 0 and gives NaN."""
    assert case.grad_output is not None
    pads, _ = case.transpose_geometry
    g = np.pad(case.grad_output.astype(np.float64), [(0, 0), (0, 0), *pads])
    x = case.x.astype(np.float64)
    n, c_in = x.shape[:2]
    groups, c_out = case.groups, g.shape[1]
    xg = x.reshape(n, groups, c_in // groups, -1)
    grad = np.zeros((groups, c_in // groups, c_out // groups, *case.kernel))
    with np.errstate(invalid="ignore"):
        for offset in np.ndindex(*case.kernel):
            taps: tuple = (Ellipsis, *(slice(j * d, j * d + (m - 1) * s + 1, s) for j, d, m, s in
                                       zip(offset, case.dilations, x.shape[2:], case.strides)))
            gs = g[taps].reshape(n, groups, c_out // groups, -1)
            at: tuple = (slice(None), slice(None), slice(None), *offset)
            grad[at] = np.einsum("ngcl,ngol->gco", xg, gs)
    return grad.reshape(case.w.shape)


def where_the_crop_matters(case: Case) -> np.ndarray:
    """grad_weight entries where summing over the uncropped output gives another answer than the spec."""
    spec = reference_output(case)
    full = grad_weight_over_uncropped(case, spec)
    with np.errstate(invalid="ignore"):
        return ~((full == spec) | (np.isnan(full) & np.isnan(spec)))


def cropped_nonfinite(case: Case) -> bool:
    pads, _ = case.transpose_geometry
    return (case.wrt == "weight" and any(b or a for b, a in pads)
            and not np.isfinite(case.x.astype(np.float64)).all())


# --- torch's gradient kernels, under the torch target and under Keras on torch --------------------------


def torch_max_grad(case: Case, spec: np.ndarray) -> np.ndarray:
    """torch's max-pool gradient: ties to the first maximum as the spec, but a window holding NaN routes
    to its LAST NaN (the CPU kernels keep `(val > maxval) || isnan(val)`)."""
    from reference import backward as B

    assert case.grad_output is not None
    g, x = case.grad_output.astype(np.float64), case.x.astype(np.float64)
    if case.op == "max_pool_backward":
        return B._max_pool_grad(g, x, case.kernel, case.strides, case.pads, case.dilations, case.ceil_mode,
                                last_nan=True)
    if case.op == "adaptive_max_pool_backward":
        return B._adaptive_max_grad(g, x, case.out_size, last_nan=True)
    return B._global_max_grad(g, x, last_nan=True)


def last_nan_differs(case: Case) -> bool:
    """Some window holds two or more NaNs (the first and the last NaN differ), so the routing differs."""
    with np.errstate(invalid="ignore"):
        if not np.isnan(case.x.astype(np.float64)).any():
            return False
        return not np.array_equal(torch_max_grad(case, np.empty(0)), reference_output(case), equal_nan=True)


TORCH_MAX_LAST_NAN = Rule(
    applies=last_nan_differs,
    when="a window holds two or more NaNs",
    spec="a window holding NaN sends its gradient to its first NaN in row-major window order",
    behaviour="sends it to the window's last NaN (the forward kernel updates its arg-max on every NaN: "
    "`(val > maxval) || isnan(val)`); ties among numbers still go to the first maximum",
    predict=torch_max_grad,
    link="https://github.com/pytorch/pytorch/pull/7670",
)

TORCH_RELU_NAN = Rule(
    op="relu_backward",
    applies=lambda case: bool(np.isnan(case.x.astype(np.float64)).any()),
    when="the input holds NaN",
    spec="relu passes the gradient where x > 0 only, so a NaN input gets 0 (TF's ReluGrad does the same)",
    behaviour="passes the gradient at NaN: threshold_backward zeroes where x <= 0, which is false for NaN",
    predict=lambda case, spec: np.where(np.isnan(case.x.astype(np.float64)),
                                        np.asarray(case.grad_output, dtype=np.float64), spec),
    link="https://github.com/apache/mxnet/pull/14262",
)


# --- half-precision sums accumulated in the working format -----------------------------------------------


def working_format(dtype: str) -> Rule:
    """A target that sums float16 or bfloat16 inputs in that format: judged by the loose bound for it,
    gamma_{K+2}(u_dtype) * sum |terms|, instead of the spec's float32 accumulation rounded once."""
    return Rule(
        applies=lambda case: case.dtype == dtype,
        when=f"{dtype} input",
        spec=f"a sum of {dtype} inputs accumulates in float32 or wider and is rounded once to {dtype}: "
             f"within 0.5 ulp + gamma_(K+2)(2^-24) * sum |terms| of the exact answer",
        predict=spec_output,
        computes_in=dtype,
    )


def register_working_format(id: str, target: str, requires: dict[str, str],
                            ops: Mapping[str, tuple[str, ...]], behaviour: Callable[[str], str],
                            example: Callable[[str], Case]) -> None:
    """One `working_format` entry per dtype of `ops` (dtype -> the ops measured departing in it); `id` has a
    {dtype} field, `behaviour` and `example` take the dtype."""
    from ..divergences import from_rule, register

    for dtype, dtype_ops in ops.items():
        register(from_rule(working_format(dtype), id=id.format(dtype=dtype), target=target,
                           requires=requires, op=dtype_ops, behaviour=behaviour(dtype),
                           example=lambda dtype=dtype: example(dtype)))


def tie_after_rounding(dtype: str) -> Case:
    """dense with a bias whose product, rounded to `dtype` first, lands the sum exactly on a tie that rounds
    down to even, while the exact sum lies just above it: two roundings give 0.5 ulp plus a little, one
    rounding (the spec) at most 0.5. x = w = 1 + 2^-m (m fraction bits): x*w = 1 + 2^(1-m) + 2^-2m rounds to
    1 + 2^(1-m); bias 2^-(m+1) then lands midway between 1 + 2^(1-m) and 1 + 3*2^-m."""
    from ..strategies import _dtype

    m = {"float16": 10, "bfloat16": 7}[dtype]
    one_up = np.array([[1 + 2.0**-m]]).astype(_dtype(dtype))
    return Case("dense", one_up, weight=one_up.copy(), bias=np.array([2.0 ** -(m + 1)]).astype(_dtype(dtype)))


def _offset(shape: tuple[int, ...], dtype: str, scale: float = 1.0, seed: int = 0) -> np.ndarray:
    """10 +- 1 (times `scale`), in `dtype`: every partial sum grows, so a narrow accumulator shows."""
    from ..strategies import _dtype

    values = (10 + np.random.default_rng(seed).uniform(-1, 1, size=shape)) * scale
    return values.astype(_dtype(dtype))


def accumulation_example(op: str, dtype: str) -> Case:
    """A long reduction of `op` in `dtype` whose terms are all about 10 (products: 10 x 1), so an output
    sums hundreds of them to thousands, within float16's range; where the target accumulates in float16 or
    bfloat16 the result is ulps off, where it accumulates in float32 it is within half an ulp:
    - avg_pool_backward: x (1, 1, 511), kernel 256, stride 1: a middle cell sums 256 windows' g / 256;
    - max_pool_backward: the same windows over a one-hot x, all routing their g to the one cell;
    - conv_backward (grad_x): 64 output channels x 16 taps of g * w per input cell."""
    a, b = (lambda *s: _offset(s, dtype)), (lambda *s: _offset(s, dtype, 0.1, seed=1))
    window: dict[str, Any] = {"kernel_size": (256,), "stride": (1,)}
    cases = {
        "avg_pool_backward": lambda: Case("avg_pool_backward", a(1, 1, 511), grad_output=a(1, 1, 256),
                                          **window),
        "max_pool_backward": lambda: Case("max_pool_backward", np.eye(1, 511, 255).reshape(1, 1, 511)
                                          .astype(a(1).dtype), grad_output=a(1, 1, 256), **window),
        "conv_backward": lambda: Case("conv_backward", a(1, 1, 31), weight=b(64, 1, 16),
                                      grad_output=a(1, 64, 16), padding="valid"),
    }
    return cases[op]()
