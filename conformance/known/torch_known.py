"""Divergences of torch.nn.functional from the spec."""

from __future__ import annotations

from math import prod

import numpy as np

import reference

from ..cases import Case
from ..compare import format_info, gamma
from ..divergences import Divergence, from_rule, register, windows_any
from ..platform import ONEDNN_AVX512, ONEDNN_BF16, ONEDNN_FP16, ONEDNN_NO_BF16
from .shared import (
    accumulation_example,
    register_working_format,
    working_format,
    TORCH_MAX_LAST_NAN,
    TORCH_RELU_NAN,
    BF16_LEAK,
    BF16_TRANSPOSE_LEAK,
    SUM_OVERFLOW,
    bf16,
    bf16_leak_example,
    conv_out_shape,
    cropped_nonfinite,
    infinite_entries,
    where_the_crop_matters,
)

LP_POOL_SOURCE = "https://github.com/pytorch/pytorch/blob/v2.13.0/torch/nn/functional.py (lp_pool1d/2d/3d)"


def _lp_windows(case: Case, values: np.ndarray) -> np.ndarray:
    return reference.sum_pool(values, case.kernel, case.strides, 0, 1, case.ceil_mode)


def torch_lp_pool(case: Case, spec: np.ndarray) -> np.ndarray:
    """torch's formula: (K * avg_pool(x ** p)) ** (1/p), with avg_pool dividing by the in-bound cells."""
    x, p = case.x.astype(np.float64), case.p
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        total = _lp_windows(case, np.power(x, p))
        in_bounds = _lp_windows(case, np.ones_like(x))
        return np.power(total / in_bounds * prod(case.kernel), 1 / p)


def _has_overhang(case: Case) -> bool:
    return bool((_lp_windows(case, np.ones(case.shape)) < prod(case.kernel)).any())


def _negative_base_matters(case: Case) -> bool:
    even = float(case.p).is_integer() and int(case.p) % 2 == 0
    with np.errstate(invalid="ignore"):
        return not even and bool(windows_any(case, case.x < 0).any())


register(
    Divergence(
        id="torch-lp-pool-no-abs",
        target="torch",
        requires={"torch": ">=1.0"},
        op="lp_pool",
        applies=lambda case: not _has_overhang(case) and _negative_base_matters(case),
        when="a window holds a negative value and p is not an even integer (no ceil-mode overhang)",
        spec="(sum |x|^p)^(1/p): the p-norm of the window",
        behaviour="raises x to the p-th power without |.|: (sum x^p)^(1/p), so odd p gives a signed or NaN "
        "result and non-integer p gives NaN",
        predict=torch_lp_pool,
        example=lambda: Case(
            "lp_pool", np.array([[[3.0, -3.0, -2.0]]]), kernel_size=(3,), stride=(1,), norm_type=1.0
        ),
        link=LP_POOL_SOURCE,
    )
)

register(
    Divergence(
        id="torch-lp-pool-ceil-overhang",
        target="torch",
        requires={"torch": ">=1.0"},
        op="lp_pool",
        applies=_has_overhang,
        when="ceil_mode=True and the last window overhangs the input",
        spec="the overhanging part of a ceil-mode window is never counted: y = (sum over the cells "
             "present)^(1/p)",
        behaviour="computes K * mean over the cells present (K = full kernel size), i.e. scales the partial "
                  "sum "
        "by K / cells present before the root (and, as everywhere, omits |.|)",
        predict=torch_lp_pool,
        example=lambda: Case(
            "lp_pool",
            np.array([[[1.0, 2.0, 3.0]]]),
            kernel_size=(2,),
            stride=(2,),
            norm_type=2.0,
            ceil_mode=True,
        ),
        link=LP_POOL_SOURCE,
    )
)


def torch_lp_pool_grad(case: Case, spec: np.ndarray) -> np.ndarray:
    """autograd through torch's formula z = K * avg_pool(x ** p), y = (sign(z) * relu(|z|)) ** (1/p):
    grad_x = p * x^(p-1) * avg_pool_backward(g * z^(1/p - 1) * [z != 0]), the avg_pool dividing by the cells
    present. relu's backward zeroes a window whose z is 0 (so a zero norm sends nothing, as the spec's);
    x^(p-1) has no |.| or sign, and at x = 0 with p = 1 it is 0^0 = 1."""
    assert case.grad_output is not None
    x, p, k = case.x.astype(np.float64), case.p, prod(case.kernel)
    g = case.grad_output.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        z = reference.avg_pool(np.power(x, p), case.kernel, case.strides, 0, case.ceil_mode) * k
        spread = np.where(z != 0, g * k * np.power(z, 1 / p - 1) / p, 0.0)
        cells = reference.avg_pool_backward(spread, x, case.kernel, case.strides, 0, case.ceil_mode)
        return p * np.power(x, p - 1) * cells


def _cells_read_by(case: Case, windows: np.ndarray) -> np.ndarray:
    """Input cells that some output window flagged in `windows` reads."""
    flags = windows.astype(np.float64)
    return reference.sum_pool_backward(flags, case.x, case.kernel, case.strides, 0, 1, case.ceil_mode) > 0


def _torch_lp_grad_unbounded(case: Case) -> np.ndarray:
    """Cells where the lp gradient bound, derived for sums of |x|^p, does not cover torch's formula: a
    window whose signed sum of x^p (odd p >= 3, a negative cell) may cancel, so its root's rounding is not
    relative to the terms; with p = 1, a window whose signed sum lies within its rounding error of 0 (torch's
    relu mask drops the window when the sum rounds to 0: x = [1, 1e-10, -1] in float32 gives [0, 0, 0]);
    a ceil-mode window rescaled by K / (cells present); a 0 with p = 1, where torch's 0^0 adds terms the
    spec has none of."""
    x = case.x.astype(np.float64)
    odd = float(case.p).is_integer() and int(case.p) % 2 == 1 and case.p >= 3
    cells = reference.sum_pool(np.ones(case.shape), case.kernel, case.strides, 0, 1, case.ceil_mode)
    rescaled = cells < prod(case.kernel)
    cancels = windows_any(case, x < 0) if odd else np.zeros_like(rescaled)
    if case.p == 1:
        u, eta = format_info(case.dtype)
        k = prod(case.kernel) + 4
        with np.errstate(invalid="ignore"):
            signed = reference.sum_pool(x, case.kernel, case.strides, 0, 1, case.ceil_mode)
            size = reference.sum_pool(np.abs(x), case.kernel, case.strides, 0, 1, case.ceil_mode)
            cancels = np.abs(signed) <= gamma(k, u) * size + k * eta
        cancels &= size > 0
    zeros = (x == 0) if case.p == 1 else np.zeros(case.shape, bool)
    return _cells_read_by(case, cancels | rescaled) | zeros


def _torch_lp_grad_differs(case: Case) -> bool:
    assert case.grad_output is not None
    zero_at_p1 = case.p == 1 and bool((case.x == 0).any())
    with np.errstate(invalid="ignore", over="ignore"):
        local = np.power(case.x.astype(np.float64), case.p - 1)
    # torch multiplies a cell no window reads by 0 too: NaN where its x^(p-1) is not finite
    unread = ~_cells_read_by(case, np.ones(case.grad_output.shape, bool))
    return (_has_overhang(case) or _negative_base_matters(case) or zero_at_p1
            or bool((unread & ~np.isfinite(local)).any()))


register(
    Divergence(
        id="torch-lp-pool-backward-follows-its-forward",
        target="torch",
        requires={"torch": ">=2.13"},
        op="lp_pool_backward",
        applies=_torch_lp_grad_differs,
        when="a window holds a negative value and p is not an even integer, a ceil-mode window overhangs, "
        "p = 1 and x holds 0, or a cell no window reads has a non-finite x^(p-1) (inf, NaN, or negative with "
        "fractional p)",
        spec="grad_x[p] = sum_i g_i * sign(x_p) * |x_p|^(p-1) * y_i^(1-p), 0 where x_p = 0 or y_i = 0",
        behaviour="the gradient of torch's own forward formula (torch-lp-pool-no-abs, torch-lp-pool-ceil-"
        "overhang): x^(p-1) with no |.| or sign ([-1, 2], p = 1: grad [g, g], spec [-g, g]), z^(1/p-1) of "
        "the signed or rescaled sum, and at x = 0 with p = 1 the gradient 0^0 * g = g (spec 0). Where the "
        "error bound does not cover that formula (a cancelling signed sum, a rescaled ceil window, 0^0) the "
        "cells are left unchecked",
        predict=torch_lp_pool_grad,
        unpredictable=_torch_lp_grad_unbounded,
        example=lambda: Case("lp_pool_backward", np.array([[[-1.0, 2.0]]]), kernel_size=(2,), stride=(1,),
                             norm_type=1.0, grad_output=np.array([[[3.0]]])),
        link=LP_POOL_SOURCE,
    )
)


# oneDNN's bfloat16 convolution is shared with TF (see keras_known): same behaviour, same rule
register(
    from_rule(
        BF16_LEAK,
        id="torch-onednn-bf16-conv-nonfinite-leak",
        target="torch",
        requires={"torch": ">=2.0"},
        example=bf16_leak_example("channels_first"),
        # measured: leaks uncapped and at AVX512_CORE(_VNNI, _BF16); computes the spec at AVX2 (and, on a
        # Xeon with AMX, uncapped too: issue 10)
        platforms=ONEDNN_AVX512,
    )
)


def _dim_of_padding_only(case: Case) -> bool:
    """Some spatial dim where every output window reads only padding (no tap lands on an input cell)."""
    for n, k, s, d, (pb, _), out in zip(case.shape[2:], case.kernel, case.strides, case.dilations, case.pads,
                                        conv_out_shape(case)):
        taps = {o * s + j * d - pb for o in range(out) for j in range(k)}
        if all(not 0 <= t < n for t in taps):
            return True
    return False


register(
    Divergence(
        id="torch-onednn-fp16-conv-padding-only-crash",
        target="torch",
        requires={"torch": ">=2.13"},
        op="conv",
        applies=lambda case: case.dtype == "float16" and _dim_of_padding_only(case),
        when="float16 conv with a spatial dim where every output window reads only padding (all three "
        "reproductions: size 1, stride > 1, dilation > 1 on the last dim)",
        spec="outputs whose windows read only padding are the bias (or 0)",
        behaviour="kills the process with SIGSEGV: F.conv1d(zeros (2, 1, 1), ones (1, 1, 1), stride=2, "
        "padding=1, dilation=2) in float16; also the 2-D form (x (1, 1, 1, 1), stride (1, 2), padding 1, "
        "dilation (1, 2)) and F.conv3d (x (1, 1, 1, 1, 1), stride (1, 1, 3), padding 2, dilation (1, 1, 2)). "
        "Observed on an Intel Xeon with AVX512_FP16 and AMX (issue 10); DNNL_MAX_CPU_ISA=AVX512_CORE avoids "
        "it; "
        "an AVX512_BF16 CPU without AVX512_FP16 computes zeros",
        predict=lambda case, spec: spec,
        crashes=True,
        example=lambda: Case("conv", np.zeros((2, 1, 1), np.float16), weight=np.ones((1, 1, 1), np.float16),
                             stride=(2,), padding=1, dilation=(2,)),
        platforms=ONEDNN_FP16,
    )
)

register(from_rule(SUM_OVERFLOW, id="torch-sum-overflow", target="torch", requires={"torch": ">=2.0"}))


# --- gradients ------------------------------------------------------------------------------------------

register(
    from_rule(
        TORCH_MAX_LAST_NAN,
        id="torch-max-pool-backward-last-nan",
        target="torch",
        requires={"torch": ">=1.0"},
        op=("max_pool_backward", "adaptive_max_pool_backward", "global_max_pool_backward"),
        example=lambda: Case("max_pool_backward", np.array([[[np.nan, np.nan, 1.0]]]), kernel_size=(3,),
                             grad_output=np.array([[[1.0]]])),
    )
)

register(
    from_rule(
        TORCH_RELU_NAN,
        id="torch-relu-backward-nan-passes-gradient",
        target="torch",
        requires={"torch": ">=1.0"},
        example=lambda: Case("relu_backward", np.array([[np.nan, -1.0, 2.0]]),
                             grad_output=np.array([[3.0, 3.0, 3.0]])),
    )
)


def _landings(case: Case) -> tuple[np.ndarray, np.ndarray]:
    from ..targets.torch_target import padding_window_landings

    return padding_window_landings(case)


def _padding_only_window(case: Case) -> bool:
    """Some window reads no input cell (torch's padding limit then always puts one in the last plane's
    last row too, whose landing is past the tensor)."""
    empty, _ = _landings(case)
    return bool(empty.any())


PADDING_WINDOW = ("a window reads only padding (pads up to half the kernel with dilation > 1, or a size-1 "
                  "dim: every tap of some dim lands in the padding)")
KERNEL_SOURCE = "https://github.com/pytorch/pytorch/blob/v2.13.0/aten/src/ATen/native/cpu/MaxPoolKernel.cpp"

register(
    Divergence(
        id="torch-max-pool-backward-padding-window-out-of-bounds",
        target="torch",
        requires={"torch": ">=1.0"},
        op="max_pool_backward",
        applies=_padding_only_window,
        when=PADDING_WINDOW,
        spec="a window that reads only padding sends its gradient nowhere",
        behaviour="adds it where the window's arg-max starts: the first tap at or after 0 per dim, which "
        "lies past the row or plane, so the gradient lands on another row's or channel's cell, and for the "
        "last plane past the end of grad_input (heap corruption: the process may abort with 'double free "
        "or corruption' then or later). x (1, 2, 1), kernel 2, pad 1, dilation 2: channel 0's gradient "
        "lands on channel 1's cell, channel 1's past the tensor",
        predict=lambda case, spec: spec,
        corrupts_memory=True,
        example=lambda: Case("max_pool_backward", np.zeros((1, 2, 1), np.float32), kernel_size=(2,),
                             stride=(1,), padding=1, dilation=(2,),
                             grad_output=np.array([[[4.0], [-3.0]]], np.float32)),
        link=KERNEL_SOURCE,
    )
)


# --- conv_transpose -------------------------------------------------------------------------------------


register(
    from_rule(
        BF16_TRANSPOSE_LEAK,
        id="torch-onednn-bf16-conv-transpose-nonfinite-leak",
        target="torch",
        requires={"torch": ">=2.13"},
        example=lambda: Case("conv_transpose", bf16(np.array([0.5, -0.5, np.nan] * 2).reshape(2, 1, 3)),
                             weight=bf16(np.array([[[0.5]]])), stride=(2,), output_padding=(1,)),
        # measured: at DNNL_MAX_CPU_ISA=AVX512_CORE or AVX2 it computes the spec; AMX is unmeasured
        platforms=ONEDNN_BF16,
    )
)


register(
    Divergence(
        id="torch-conv-transpose-grad-weight-cropped-nonfinite",
        target="torch",
        requires={"torch": ">=1.0"},
        op="conv_transpose_backward",
        applies=cropped_nonfinite,
        when="grad_weight, with a crop (padding) and inf or NaN in x",
        spec="only kept output cells take part: a cropped cell has no gradient to give, so grad_weight sums "
        "x * g over the taps that land inside the output",
        behaviour="some of its kernels sum over the uncropped output with zeros for the cropped cells, so "
        "inf or NaN in x times those zeros makes grad_weight NaN at kernel offsets whose taps reach the "
        "crop. Which kernel runs depends on dtype and batch (measured, x (N, 1, 2) with NaN at 0, kernel 3, "
        "padding 1: float32 N=1 NaN, N=2 the spec; float64 and float16 NaN; bfloat16 N=1 the spec, N=2 "
        "NaN), so those entries are left unchecked; elsewhere grad_weight is the spec's",
        predict=lambda case, spec: spec,
        unpredictable=where_the_crop_matters,
        example=lambda: Case("conv_transpose_backward", np.array([[[np.nan]]], np.float32),
                             weight=np.ones((1, 1, 3), np.float32), padding="same",
                             grad_output=np.ones((1, 1, 1), np.float32), wrt="weight"),
    )
)


register(
    Divergence(
        id="torch-onednn-bf16-conv-transpose-grad-weight-inf-to-nan",
        target="torch",
        requires={"torch": ">=2.13"},
        op="conv_transpose_backward",
        applies=lambda case: (case.wrt == "weight" and case.dtype == "bfloat16"
                              and bool(np.isinf(case.x.astype(np.float64)).any())),
        when="bfloat16 grad_weight with inf in x",
        spec="a grad_weight entry whose sum holds one infinite term (and no NaN) is that infinity",
        behaviour="some such entries come back NaN (measured: x (2, 9, 1, 1) with -inf at [0, 3], groups 3, "
        "kernel (1, 2), cotangent ones: entry 3 is NaN, float32 gives -inf; with 3 channels it is -inf); "
        "the entries depend on the kernel oneDNN picks, so infinite entries are left unchecked",
        predict=lambda case, spec: spec,
        unpredictable=infinite_entries,
        example=lambda: Case(
            "conv_transpose_backward",
            bf16(np.array([0.5, -0.5, np.nan, -np.inf, -2.1, 1.4, 5.2, np.nan, -2.8,
                           -5.0, -2.5, 0.16, -9.3, -0.9, -np.inf, -2.9, -2.2, -1.3]).reshape(2, 9, 1, 1)),
            weight=bf16(np.array([0.5, -0.5, 2.6, 0.4, -2.1, 1.4, 5.2, 3.8, -2.8,
                                  -5.1, -2.5, 0.17, -9.3, -0.9, -5.0, -2.9, -2.2, -1.3]).reshape(9, 1, 1, 2)),
            groups=3, grad_output=bf16(np.ones((2, 3, 1, 2))), wrt="weight"),
        # measured: NaN uncapped and at AVX512_CORE, the spec at AVX2
        platforms=ONEDNN_AVX512,
    )
)


# --- half-precision sums accumulated in float16/bfloat16 -------------------------------------------------
# Measured on torch 2.13 (CPU, AVX512 and AVX2 kernels alike): the forward avg/global pools, conv and
# linear accumulate half inputs in float32 and round once (within 0.5 ulp); these kernels round partial
# sums to the input's format (col2im, the pooling gradients' scatter-adds, the 3-D adaptive pool). The
# fraction of drawn cases beyond the tight bound (`conformance accuracy` view) is in each behaviour.

TORCH_HALF_SUMS = {
    "float16": ("avg_pool_backward", "adaptive_avg_pool", "adaptive_avg_pool_backward", "conv_backward",
                "conv_transpose", "conv_transpose_backward", "im2col_backward", "max_pool_backward"),
    "bfloat16": ("avg_pool_backward", "adaptive_avg_pool", "adaptive_avg_pool_backward", "conv_transpose",
                 "conv_transpose_backward", "im2col_backward", "max_pool_backward"),
}
register_working_format(
    "torch-{dtype}-sums-accumulate-in-{dtype}", "torch", {"torch": ">=2.13"}, TORCH_HALF_SUMS,
    lambda dtype: f"these kernels round partial sums to {dtype}: avg_pool_backward over 256 overlapping "
    f"windows (x (1, 1, 511), kernel 256, stride 1, cotangent 10 +- 1) is "
    f"{'7.45' if dtype == 'float16' else '26.7'} ulps off; of cases drawn in {dtype} (1-3-D, "
    "small windows) 20% of adaptive_avg_pool (3-D) and 50% of its gradient, 15-30% of avg_pool and "
    "conv_transpose gradients, 10-30% of conv_transpose and col2im depart from the tight bound",
    lambda dtype: accumulation_example("avg_pool_backward", dtype),
)

# without native bfloat16 kernels torch's conv input gradient (the transposed conv it runs) rounds partial
# sums to bfloat16 as conv_transpose does everywhere; with AVX512_BF16 it accumulates in float32
register(
    from_rule(
        working_format("bfloat16"),
        id="torch-bfloat16-conv-grad-x-rounds-without-native-bf16",
        target="torch",
        requires={"torch": ">=2.13"},
        op="conv_backward",
        behaviour="grad_x of a bfloat16 conv rounds partial sums to bfloat16 (1.35 ulps on the example, x "
        "(1, 1, 31), 64 output channels, kernel 16, cotangent 10 +- 1; measured capped at AVX2 on a Zen 5; "
        "uncapped it is within 0.5 ulp)",
        example=lambda: accumulation_example("conv_backward", "bfloat16"),
        platforms=ONEDNN_NO_BF16,
    )
)
