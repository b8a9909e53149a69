"""Divergences of ONNX Runtime's CPU provider (`onnxruntime`) from the spec, for one-node models
(`targets/onnx_target.py`).

ONNX shape inference runs on every model and claims the formula's shape (from the opset-22 schemas on;
onnx_reference_known.py records the older ones for both engines), so where ONNX Runtime returns another
shape its entry says the claim keeps the spec (`claims`).
"""

from __future__ import annotations

from typing import Any

import functools
import math
from collections.abc import Callable

import numpy as np

import reference
from reference._windows import geometry

from ..cases import Case, reference_output
from ..divergences import Divergence, from_rule, register
from .shared import SUM_OVERFLOW, register_working_format, spec_output, tie_after_rounding

ORT = {"onnxruntime": ">=1.29"}  # measured on onnxruntime 1.29.0 and 1.32.0 (CPU provider), opsets 18 and 28
ORT_132 = {"onnxruntime": ">=1.32"}  # not on 1.29.0
ORT_SOURCE = "https://github.com/microsoft/onnxruntime/blob/v1.32.0/onnxruntime/core/providers/cpu/nn/"
MLAS_POOLING = "https://github.com/microsoft/onnxruntime/blob/v1.32.0/onnxruntime/core/mlas/lib/pooling.cpp"
SAME = ("same", "same_lower")
POOLS = ("max_pool", "avg_pool", "lp_pool")


def _index(*parts: Any) -> Any:
    """A numpy index from parts (Ellipsis, slices, np.ix_ arrays)."""
    return tuple(parts)


def spec_shape(case: Case) -> tuple[int, ...]:
    return tuple(reference_output(case).shape)


# --- ONNX Runtime: auto_pad SAME_UPPER/SAME_LOWER pads from the undilated kernel ----------------------------


def _trunc_div(a: int, b: int) -> int:
    """C++ integer division (toward zero)."""
    return abs(a) // b * (1 if a >= 0 else -1)


def ort_same_geometry(case: Case) -> tuple[tuple[int, int, int], ...]:
    """ONNX Runtime's (head pad, tail pad, output size) per dim for auto_pad SAME_UPPER/SAME_LOWER:
    pad_needed = (ceil(n/s) - 1)*s + k - n from the undilated kernel, not clamped at 0; head =
    pad_needed/2 (SAME_UPPER) or (pad_needed+1)/2 (SAME_LOWER) in C++ division; out = (n + pad_needed -
    d*(k-1) - 1)/s + 1, the division in C++ integers (toward 0), or ceiled in ceil_mode. Conv's windows
    sit as if a negative pad_needed were one larger."""
    dims = []
    for n, k, s, d in zip(case.shape[2:], case.kernel, case.strides, case.dilations):
        needed = (-(-n // s) - 1) * s + k - n
        # Conv places its windows as if a negative pad_needed were one larger (measured over n 1-11,
        # stride 1-6, kernel 1-3, both modes)
        placed = needed + 1 if case.op == "conv" and needed < 0 else needed
        head = _trunc_div(placed, 2) if case.padding == "same" else _trunc_div(placed + 1, 2)
        span = n + needed - d * (k - 1) - 1
        out = (math.ceil(span / s) if case.ceil_mode else _trunc_div(span, s)) + 1
        dims.append((head, needed - head, out))
    return tuple(dims)


def _ort_same_departs(case: Case) -> bool:
    if case.padding not in SAME or (case.op == "conv" and any(d > 1 for d in case.dilations)):
        return False  # a dilated SAME Conv raises (ort-conv-same-dilation-rejected)
    spec = tuple(case.pads)
    return tuple((h, t) for h, t, _ in ort_same_geometry(case)) != spec


def _negative_output(case: Case) -> bool:
    return _ort_same_departs(case) and any(out < 0 for _, _, out in ort_same_geometry(case))


def _negative_pad(case: Case) -> bool:
    return _ort_same_departs(case) and not _negative_output(case) and any(
        min(h, t) < 0 for h, t, _ in ort_same_geometry(case))


def _first_then_greater(cells: np.ndarray) -> np.ndarray:
    """Over the last axis: the first cell, replaced only by a greater one (a NaN first holds, a NaN later
    is skipped)."""
    held = cells[..., 0]
    for i in range(1, cells.shape[-1]):
        with np.errstate(invalid="ignore"):
            held = np.where(cells[..., i] > held, cells[..., i], held)
    return held


def lowest(case: Case) -> float:
    """The lowest value of the type ONNX Runtime's max kernel starts from (float16 runs as float32)."""
    if case.x.dtype.kind == "f":
        return float(np.finfo(np.float32 if case.dtype == "float16" else case.x.dtype).min)
    return float(np.iinfo(case.x.dtype).min)


def _ort_same_conv(case: Case, dims: tuple[tuple[int, int, int], ...]) -> np.ndarray:
    """Conv over ONNX Runtime's SAME geometry: im2col reads the taps inside [0, n) of windows starting at
    o*s - head; cutting off a negative head and padding the tail as far as the windows reach gives the
    same sums from the spec's conv."""
    x = case.x.astype(np.float64)
    cut = tuple(slice(max(-h, 0), None) for h, _, _ in dims)
    kept = x[_index(Ellipsis, *cut)]
    per_dim = zip(dims, kept.shape[2:], case.kernel, case.strides, case.dilations)
    pads = [(max(h, 0), max(0, (out - 1) * s + d * (k - 1) + 1 - n - max(h, 0)))
            for (h, _, out), n, k, s, d in per_dim]
    b = None if case.bias is None else case.bias.astype(np.float64)
    w = case.w.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        y = reference.conv(kept, w, b, case.strides, pads, case.dilations, case.groups)
    return y[_index(Ellipsis, *(slice(0, out) for _, _, out in dims))]


def ort_same_pool(case: Case, spec: np.ndarray) -> np.ndarray:
    """ONNX Runtime's pooling kernels over its SAME geometry, window by window: taps at o*s - head + j*d;
    MaxPool and LpPool read the taps inside [0, n), AveragePool only those below n + tail pad as well, and
    divides by the taps before that bound (count_include_pad) or by the cells read; max keeps the first
    cell and moves to greater ones, a window that reads nothing keeps the type's lowest value (max) or 0."""
    dims = ort_same_geometry(case)
    x = case.x.astype(np.float64)
    if case.op == "conv":
        return _ort_same_conv(case, dims)
    y = np.zeros((*x.shape[:2], *(max(out, 0) for _, _, out in dims)))
    for index in np.ndindex(*y.shape[2:]):
        read, taps = [], 1
        for o, (head, tail, _), n, k, s, d in zip(index, dims, x.shape[2:], case.kernel, case.strides,
                                                 case.dilations):
            start = o * s - head
            end = min(start + k * d, n + tail) if case.op == "avg_pool" else start + k * d
            read.append([t for t in range(start, end, d) if 0 <= t < n])
            taps *= len(range(start, end, d))
        cells = x[_index(Ellipsis, *np.ix_(*read))].reshape(*x.shape[:2], -1)
        at = (Ellipsis, *index)
        if case.op == "max_pool":
            y[at] = _first_then_greater(cells) if cells.shape[-1] else lowest(case)
        elif case.op == "lp_pool":
            y[at] = (np.abs(cells) ** case.p).sum(axis=-1) ** (1 / case.p)
        elif cells.shape[-1]:
            y[at] = cells.sum(axis=-1) / (taps if case.count_include_pad else cells.shape[-1])
    return y


_SAME_WHEN = ("auto_pad SAME_UPPER/SAME_LOWER where ONNX Runtime's pads differ from the spec's: a dilated "
              "pooling window, or a window narrower than the stride (pad_needed < 0; Conv too)")
_SAME_BEHAVIOUR = ("pads by pad_needed = (ceil(n/s) - 1)*s + k - n from the undilated kernel, unclamped "
                   "(the head takes pad_needed/2 for SAME_UPPER, (pad_needed+1)/2 for SAME_LOWER, toward 0), "
                   "and counts out = (n + pad_needed - d*(k-1) - 1)/s + 1: x 1..5, kernel 2, dilation 2, "
                   "SAME_UPPER: [3, 4, 5, 4], spec [2, 3, 4, 5, 4]; shape inference claims the spec's shape")

register(
    Divergence(
        id="ort-same-pads-from-undilated-kernel",
        target="onnxruntime",
        requires=ORT,
        op=(*POOLS, "conv"),
        applies=_ort_same_departs,
        when=_SAME_WHEN,
        spec="'same' pads total = max((ceil(n/s) - 1)*s + d*(k-1) + 1 - n, 0) and gives ceil(n/s) outputs",
        behaviour=_SAME_BEHAVIOUR,
        predict=ort_same_pool,
        claims=spec_shape,
        example=lambda: Case("max_pool", np.arange(1, 6, dtype=np.float32).reshape(1, 1, 5),
                             kernel_size=(2,), stride=(1,), padding="same", dilation=(2,)),
        link=ORT_SOURCE + "pool_attributes.h (ComputeSizePadDilations)",
    )
)
register(
    Divergence(
        id="ort-same-dilated-negative-output",
        target="onnxruntime",
        requires=ORT,
        op=POOLS,
        applies=_negative_output,
        when="auto_pad SAME_* with a dilated window wider than the input and its undilated pads",
        spec="'same' always gives ceil(n/s) outputs",
        behaviour="raises 'Calculated output dimension is negative' (the undilated pads leave the dilated "
        "window no room): x (1, 1, 1), kernel 3, dilation 2",
        predict=spec_output,
        raises=r"Calculated output dimension is negative",
        claims=spec_shape,
        example=lambda: Case("max_pool", np.ones((1, 1, 1), np.float32), kernel_size=(3,), stride=(1,),
                             padding="same", dilation=(2,)),
        link=ORT_SOURCE + "pool_attributes.h (ComputeOutputSize)",
    )
)


def _mlas_max(case: Case) -> bool:
    """MaxPool runs in MLAS for float32 and float16 (cast to float32) without dilation."""
    return case.dtype in ("float32", "float16") and all(d == 1 for d in case.dilations)


def _negative_pad_and(holds: Callable[[Case], bool], case: Case) -> bool:
    return _negative_pad(case) and holds(case)


def _narrow_window_example(op: str) -> Case:
    return Case(op, np.arange(1, 6, dtype=np.float32).reshape(1, 1, 5), kernel_size=(1,), stride=(3,),
                padding="same")


for _id, _ops, _holds, _versions, _who in (
    ("ort-max-pool-same-negative-pad-rejected", "max_pool", _mlas_max, ORT_132,
     "MaxPool in MLAS (float32, float16; no dilation)"),
    ("ort-average-pool-11-same-negative-pad-rejected", "avg_pool",
     lambda case: not (case.ceil_mode and case.count_include_pad), {**ORT_132, "opset": "<19"},
     "AveragePool before opset 19 (except with both ceil_mode and count_include_pad, which compute)"),
):
    register(
        Divergence(
            id=_id,
            target="onnxruntime",
            requires=_versions,
            op=_ops,
            applies=functools.partial(_negative_pad_and, _holds),
            when=f"{_who}, auto_pad SAME_* where the window is narrower than the stride and n is not a "
            "multiple of it, so pad_needed < 0",
            spec="'same' pads max(total, 0): none here",
            behaviour="raises 'padding values must be non-negative' (x 1..5, kernel 1, stride 3: pad_needed "
            "= -1); LpPool, AveragePool from opset 19 and the non-MLAS MaxPool compute with the negative pad",
            predict=spec_output,
            raises=r"padding values must be non-negative",
            example=functools.partial(_narrow_window_example, _ops),
            link=ORT_SOURCE + "pool_attributes.h",
        )
    )


def _pad_reaches_kernel(case: Case) -> bool:
    if isinstance(case.padding, str):
        return False
    return any(max(b, a) >= k for (b, a), k in zip(case.pads, case.kernel))


register(
    Divergence(
        id="ort-pool-pad-not-smaller-than-kernel",
        target="onnxruntime",
        requires=ORT,
        op=POOLS,
        applies=_pad_reaches_kernel,
        when="explicit pads with some pad >= the kernel size in its dim",
        spec="any non-negative padding is valid; a window of only padding is -inf (max), NaN (average over "
        "no cells), 0 (Lp)",
        behaviour="raises at session creation: 'Pad should be smaller than kernel' (PoolAttributes)",
        predict=spec_output,
        raises=r"Pad should be smaller than kernel",
        example=lambda: Case("max_pool", np.ones((1, 1, 5), np.float32), kernel_size=(2,), stride=(1,),
                             padding=((2, 0),)),
        link=ORT_SOURCE + "pool_attributes.h",
    )
)

register(
    Divergence(
        id="ort-conv-same-dilation-rejected",
        target="onnxruntime",
        requires=ORT,
        op="conv",
        applies=lambda case: case.padding in SAME and any(d > 1 for d in case.dilations),
        when="Conv with auto_pad SAME_UPPER/SAME_LOWER and a dilation > 1",
        spec="'same' pads for the dilated window, d*(k-1) + 1",
        behaviour="raises 'Dilation not supported for AutoPadType::SAME_UPPER or AutoPadType::SAME_LOWER'",
        predict=spec_output,
        raises=r"Dilation not supported for AutoPadType::SAME",
        example=lambda: Case("conv", np.ones((1, 1, 3), np.float32), weight=np.ones((1, 1, 2), np.float32),
                             stride=(1,), padding="same", dilation=(2,)),
        link="https://github.com/microsoft/onnxruntime/blob/v1.32.0/onnxruntime/core/framework/"
        "convolution_kernel_attributes (ComputePadAndOutputShape)",
    )
)


# --- ONNX Runtime: max pooling's NaN and lowest value -------------------------------------------------------


def _window_masks(case: Case) -> tuple[np.ndarray, np.ndarray]:
    """Per output: does the window read a NaN, and its max over real non-NaN cells (-inf where none).
    (Where MLAS would pool over a SAME geometry of its own, it raises instead.)"""
    x = case.x.astype(np.float64)
    numbers = np.where(np.isnan(x), -np.inf, x)
    if case.spec.family == "global":
        axes = tuple(range(2, x.ndim))
        return np.asarray(np.isnan(x).any(axis=axes, keepdims=True)), numbers.max(axis=axes, keepdims=True)
    g = geometry(x, case.kernel, case.strides, case.pads, case.dilations, case.ceil_mode, "max_pool")
    values, nans = g.pad(numbers, -np.inf), g.pad(np.isnan(x), False)
    offsets = list(g.offsets())
    top = np.maximum.reduce([g.window_view(values, o) for o in offsets])
    return np.logical_or.reduce([g.window_view(nans, o) for o in offsets]), top


def _mlas_max_departs(case: Case) -> bool:
    if (case.op == "max_pool" and not _mlas_max(case)) or case.dtype not in ("float32", "float16"):
        return False
    nan, top = _window_masks(case)
    return bool(nan.any() or (top == -np.inf).any())


def _reaches_past_row(case: Case, shape: tuple[int, ...]) -> np.ndarray:
    """Per output of a 2-D MaxPool: does its window reach past either end of its row (padding or a ceil
    overhang)? MLAS's 2-D kernel starts those windows from -FLT_MAX and the others from their first cell."""
    n, k, s, (before, _) = case.shape[-1], case.kernel[-1], case.strides[-1], case.pads[-1]
    starts = np.arange(shape[-1]) * s - before
    return np.broadcast_to((starts < 0) | (starts + k > n), shape)


def mlas_max(case: Case, spec: np.ndarray) -> np.ndarray:
    """MLAS's max from float32's lowest value: a window of only -inf and padding gives -FLT_MAX (a float16
    input rounds it back to -inf), in 2-D only where the window reaches past its row's ends; NaN windows are
    left unchecked."""
    nan, top = _window_masks(case)
    lowest_windows = ~nan & (top == -np.inf)
    if case.op == "max_pool" and case.rank == 2:
        lowest_windows &= _reaches_past_row(case, lowest_windows.shape)
    return np.where(lowest_windows, float(np.finfo(np.float32).min), spec)


register(
    Divergence(
        id="ort-mlas-max-pool-nan-and-lowest",
        target="onnxruntime",
        requires=ORT,
        op=("max_pool", "global_max_pool"),
        applies=_mlas_max_departs,
        when="MaxPool without dilation or GlobalMaxPool in MLAS (float32, float16 through float32), a "
        "window holding NaN, or only -inf and padding",
        spec="a window holding NaN gives NaN; a window of only -inf gives -inf",
        behaviour="MLAS starts from -FLT_MAX and takes maxima with MAXPS, which returns its second operand "
        "when either is NaN: a window of -inf gives -3.4028235e38 (in 2-D only where it reaches past its "
        "row's ends: x (1, 1, 4, 4) of -inf, kernel 2, pads 1: -FLT_MAX in the first and last columns, -inf "
        "between), and whether a NaN survives depends on "
        "the lane and on which of MLAS's global, vector or generic kernels the geometry picks (x [NaN, 1], "
        "kernel 2: 1; GlobalMaxPool of 0..8 with NaN at 7: NaN, at 6: 8), so NaN windows go unchecked",
        predict=mlas_max,
        unpredictable=lambda case: _window_masks(case)[0],
        example=lambda: Case("max_pool", np.array([[[np.nan, 1.0, -np.inf, -np.inf]]], np.float32),
                             kernel_size=(2,)),
        link=MLAS_POOLING,
    )
)


def ort_scalar_max(case: Case, spec: np.ndarray) -> np.ndarray:
    """MaxPool outside MLAS, window by window (ONNX Runtime's SAME geometry where it departs): the window's
    first cell, replaced only by a greater one (a NaN first holds, a NaN later is skipped); a window of
    only padding keeps the type's lowest value."""
    if _ort_same_departs(case):
        return ort_same_pool(case, spec)
    x = case.x.astype(np.float64)
    g = geometry(x, case.kernel, case.strides, case.pads, case.dilations, case.ceil_mode, "max_pool")
    values, real = g.pad(x, 0.0), g.pad(np.ones(x.shape, bool), False)
    held = np.full(g.window_view(values, next(g.offsets())).shape, lowest(case))
    have = np.zeros(held.shape, bool)
    for offset in g.offsets():
        v, r = g.window_view(values, offset), g.window_view(real, offset)
        with np.errstate(invalid="ignore"):
            take = r & (~have | (v > held))
        held, have = np.where(take, v, held), have | r
    return held


def _scalar_max_departs(case: Case) -> bool:
    if _mlas_max(case) or _ort_same_departs(case):  # MLAS; the SAME entry predicts through ort_same_pool
        return False
    with np.errstate(invalid="ignore"):
        return not np.array_equal(ort_scalar_max(case, np.empty(0)), reference_output(case), equal_nan=True)


register(
    Divergence(
        id="ort-max-pool-scalar-kernels-nan",
        target="onnxruntime",
        requires=ORT,
        op="max_pool",
        applies=_scalar_max_departs,
        when="MaxPool outside MLAS (float64, int8, uint8, or a dilation > 1), a window holding NaN or of "
        "only padding",
        spec="a window holding NaN gives NaN; a window of only padding gives -inf",
        behaviour="keeps the window's first cell and moves only to a greater one: a NaN first stays, a NaN "
        "later is skipped (x [1, NaN]: 1, [NaN, 1]: NaN); a window of only padding keeps the type's lowest "
        "value",
        predict=ort_scalar_max,
        example=lambda: Case("max_pool", np.array([[[1.0, np.nan, np.nan, 1.0]]]), kernel_size=(2,)),
        link=ORT_SOURCE + "pool_functors.h (MaxPool1DTask: `h_index < 0 || x_d[h] > Yh`)",
    )
)

register(from_rule(SUM_OVERFLOW, id="ort-sum-overflow", target="onnxruntime", requires=ORT))

register_working_format(
    "ort-{dtype}-gemm-accumulates-in-{dtype}", "onnxruntime", {"onnxruntime": ">=1.29,<1.32"},
    {"float16": ("dense",)},
    lambda dtype: f"Gemm sums {dtype} products in {dtype} and adds the bias to the rounded product (x (1, 5) "
    "float16: 11.859375, spec 11.8652373, 0.75 ulp); 1.32 accumulates in float32",
    tie_after_rounding,
)


# --- ONNX Runtime: MLAS's rational logistic -----------------------------------------------------------------

# MlasLogisticConstants (Eigen's coefficients): lower and upper range, alpha_9..alpha_1, beta_10..beta_0
_LOGISTIC = np.array([-18.0, 18.0, 4.37031012579801e-11, 1.15627324459942e-07, 6.08574864600143e-05,
                      8.51377133304701e-03, 2.48287947061529e-01, 6.10247389755681e-13, 5.76102136993427e-09,
                      6.29106785017040e-06, 1.70198817374094e-03, 1.16817656904453e-01,
                      9.93151921023180e-01], dtype=np.float32)


def _fma(a: np.ndarray, b: np.ndarray, c: np.ndarray | np.float32) -> np.ndarray:
    """float32 a*b + c rounded once (the product of two float32 is exact in float64)."""
    return (a.astype(np.float64) * b.astype(np.float64) + np.float64(c)).astype(np.float32)


def mlas_logistic(case: Case, spec: np.ndarray) -> np.ndarray:
    """MLAS's logistic with FMA3: clamp x to [-18, 18], p(x)/q(x) (odd and even polynomials in x^2 by
    fused multiply-adds) + 0.5, clamped to [0, 1]; NaN passes through the clamps as MAXPS/MINPS order
    them."""
    lo, hi, a9, a7, a5, a3, a1, b10, b8, b6, b4, b2, b0 = _LOGISTIC
    x = case.x.astype(np.float32)
    with np.errstate(invalid="ignore"):
        v = np.minimum(hi, np.maximum(lo, x))
        v = np.where(np.isnan(x), x, v)
        v2 = (v * v).astype(np.float32)
        p = _fma(v2, np.full_like(v2, a9), a7)
        for a in (a5, a3, a1):
            p = _fma(p, v2, a)
        p = (p * v).astype(np.float32)
        q = _fma(v2, np.full_like(v2, b10), b8)
        for b in (b6, b4, b2, b0):
            q = _fma(q, v2, b)
        y = ((p / q).astype(np.float32) + np.float32(0.5)).astype(np.float32)
        return np.where(np.isnan(y), y, np.clip(y, 0.0, 1.0)).astype(np.float64)


def _logistic_departs(case: Case) -> bool:
    if case.dtype not in ("float32", "float16"):
        return False
    with np.errstate(invalid="ignore"):
        return not np.array_equal(mlas_logistic(case, np.empty(0)), reference_output(case), equal_nan=True)


register(
    Divergence(
        id="ort-mlas-logistic-rational-approximation",
        target="onnxruntime",
        requires=ORT,
        op="sigmoid",
        applies=_logistic_departs,
        when="Sigmoid on float32 (float16 through float32)",
        spec="sigmoid(x) = 1 / (1 + exp(-x)) within 4 ulps",
        behaviour="MLAS evaluates Eigen's rational approximation p(x)/q(x) + 0.5 on x clamped to [-18, 18], "
        "up to about 10 ulps away near 0.1 (x -2.0922: 0.109975189, spec 0.109975255) and 0 below -18",
        predict=mlas_logistic,
        example=lambda: Case("sigmoid", np.array([[-2.0922, -5.0655]], np.float32)),
        link="https://github.com/microsoft/onnxruntime/blob/v1.32.0/onnxruntime/core/mlas/lib/logistic.cpp",
    )
)


def _eigen_logistic_unchecked(case: Case) -> np.ndarray:
    return reference_output(case) < 0.5


register(
    Divergence(
        id="ort-float64-logistic-absolute-error",
        target="onnxruntime",
        requires=ORT,
        op="sigmoid",
        applies=lambda case: case.dtype == "float64" and bool(_eigen_logistic_unchecked(case).any()),
        when="Sigmoid on float64 inputs below 0 (outputs below 0.5)",
        spec="sigmoid(x) within 4 ulps of 1 / (1 + exp(-x)), relative to the output",
        behaviour="Eigen's float64 logistic is accurate to about 2^-53 in absolute terms, not relative to "
        "the "
        "output, so the error in ulps grows as the output shrinks: x -10.2227: 3.63361856955402e-05, spec "
        "3.633618569554704e-05 (1009 ulps); x below about -37: 0 or 2^-52, spec about 1e-16. It is none of "
        "1/(1+exp(-x)), exp(x)/(1+exp(x)), 1 - 1/(1+exp(x)) or 0.5*tanh(x/2) + 0.5 bit for bit, so outputs "
        "below 0.5 go unchecked; above, it is within 2 ulps",
        predict=spec_output,
        unpredictable=_eigen_logistic_unchecked,
        example=lambda: Case("sigmoid", np.array([[8.16367648554073, -10.222660125256727]])),
        link="https://github.com/microsoft/onnxruntime/blob/v1.32.0/onnxruntime/core/providers/cpu/"
        "activation/activations.h (Sigmoid<T>: Eigen logistic)",
    )
)


def output_padding_reaches_stride(case: Case) -> bool:
    """ConvTranspose's extra cells at least the stride in some dim (valid while below the dilation)."""
    _, extra = case.transpose_geometry
    return any(e >= s for e, s in zip(extra, case.strides))


register(
    Divergence(
        id="ort-conv-transpose-output-padding-not-below-stride",
        target="onnxruntime",
        requires=ORT,
        op="conv_transpose",
        applies=output_padding_reaches_stride,
        when="ConvTranspose with an output_padding at least the stride in some dim (below max(stride, "
        "dilation), so valid)",
        spec="output_padding < max(stride, dilation) adds that many cells after the last window (zeros "
        "plus the bias)",
        behaviour="raises 'Computed output shape is inconsistent with input spatial dimensions. "
        "output_padding (1) may be too large for stride (1)': x (1, 1, 1), kernel 1, stride 1, dilation 2, "
        "output_padding 1",
        predict=spec_output,
        raises=r"Computed output shape is inconsistent with input spatial dimensions",
        example=lambda: Case("conv_transpose", np.ones((1, 1, 1), np.float32),
                             weight=np.ones((1, 1, 1), np.float32), stride=(1,), padding="valid",
                             output_padding=(1,), dilation=(2,)),
        link=ORT_SOURCE + "conv_transpose_attributes.h",
    )
)
