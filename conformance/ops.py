"""The op table: one `OpSpec` per op holds every fact the suite needs about it.

The reference function and its parameters, how exact its result is (and how many terms a summed output
has, for the error bound), the strategy that draws its cases, how a failure message tells its shape and
window story, its error inputs, and (room for) its backward pass. Property tests are generated from this
table (`test_ops.py`); targets say per op what they can express (`targets/`). Adding an op takes its
reference function, one entry here and one adapter function per target.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from math import prod
from typing import Literal

import numpy as np
from hypothesis import strategies as st

import reference

from . import error_inputs as ei
from . import interactions as ia
from . import stories
from . import strategies as cs
from .cases import Case
from .compare import gamma
from .error_inputs import ErrorInput
from .targets.capabilities import Capabilities

Family = Literal["pool", "adaptive", "global", "pad", "conv", "transpose", "im2col", "dense", "activation"]
Accuracy = Literal["exact", "sum", "lp", "ulps", "derivative"]


@dataclass(frozen=True)
class OpSpec:
    name: str
    family: Family
    reference: Callable[..., object]
    params: tuple[str, ...]  # the reference's keyword parameters, in signature order
    required: tuple[str, ...]  # params a call always states (no default, or one the frameworks disagree on)
    strategy: Callable[[Capabilities], st.SearchStrategy[Case]]
    accuracy: Accuracy
    shape_story: Callable[[Case], list[str]] = stories.no_shape
    window_cells: Callable[[Case, tuple[int, ...]], stories.Cells | None] = stories.no_cells
    window_channels: Callable[[Case, int], list[int]] = stories.own_channel
    # the most terms one output element sums, bias included (accuracy "sum" and "lp")
    terms: Callable[[Case], int] | None = None
    ulps: int = 0  # accuracy "ulps": units in the last place allowed for an elementwise function
    error_inputs: Callable[[], Iterator[ErrorInput]] | None = None
    arrays: tuple[str, ...] = ("x",)  # the array inputs; weight and bias where the op has them
    stride_default_is_kernel: bool = False  # pooling: stride=None means stride = kernel
    backward: Callable[..., object] | None = None  # the reference backward pass, once it exists
    interactions: tuple[ia.Interaction, ...] = ()  # where its parameters meet and the result changes
    # a backward entry: the forward op it differentiates, the gradients its reference returns (in order),
    # the arrays whose magnitude sizes the error bound (None: all), and a per-element story for messages
    forward: str | None = None
    gradients: tuple[str, ...] = ("x",)
    abs_arrays: tuple[str, ...] | None = None
    element_story: Callable[[Case, tuple[int, ...]], list[str]] | None = None
    # accuracy "derivative": the per-element bound, from the case, the expected values and the format's u
    derivative_bound: Callable[[Case, np.ndarray, float, float], np.ndarray] | None = None

    @property
    def windowed(self) -> bool:
        return self.family in ("pool", "conv", "im2col")

    @property
    def pads(self) -> bool:
        return self.windowed or self.family == "pad"


def _window_terms(case: Case) -> int:
    return prod(case.kernel)


def _global_terms(case: Case) -> int:
    return prod(case.shape[2:])


def _adaptive_terms(case: Case) -> int:
    return prod(-(-n // o) + 1 for n, o in zip(case.shape[2:], case.out_size))


def _conv_terms(case: Case) -> int:
    return int(case.w[0].size) + 1


def _transpose_terms(case: Case) -> int:
    """Each output cell sums, per input channel of its group, at most one tap per kernel offset."""
    return case.w.shape[0] // case.groups * prod(case.kernel) + 1


def _dense_terms(case: Case) -> int:
    return int(case.w.shape[1]) + 1


_POOL_PARAMS = ("kernel_size", "stride", "padding", "dilation", "ceil_mode")


def _pool(
    name: str,
    accuracy: Accuracy,
    params: tuple[str, ...] = _POOL_PARAMS,
    required: tuple[str, ...] = ("kernel_size",),
    errors: Callable[[], Iterator[ErrorInput]] | None = None,
    interactions: tuple[ia.Interaction, ...] = ia.POOL,
) -> OpSpec:
    return OpSpec(
        name,
        "pool",
        getattr(reference, name),
        params,
        required,
        lambda caps: cs.pool_cases(name, caps),
        accuracy,
        stories.windowed_shape,
        stories.windowed_cells,
        terms=_window_terms if accuracy != "exact" else None,
        error_inputs=errors,
        stride_default_is_kernel=True,
        interactions=interactions,
    )


def _adaptive(name: str, accuracy: Accuracy, errors: Callable[[], Iterator[ErrorInput]]) -> OpSpec:
    return OpSpec(
        name,
        "adaptive",
        getattr(reference, name),
        ("output_size",),
        ("output_size",),
        lambda caps: cs.adaptive_cases(name, caps),
        accuracy,
        stories.adaptive_shape,
        stories.adaptive_cells,
        terms=_adaptive_terms if accuracy != "exact" else None,
        error_inputs=errors,
        interactions=ia.ADAPTIVE,
    )


def _global(name: str, accuracy: Accuracy) -> OpSpec:
    return OpSpec(
        name,
        "global",
        getattr(reference, name),
        (),
        (),
        lambda caps: cs.global_cases(name, caps),
        accuracy,
        stories.global_shape,
        stories.global_cells,
        terms=_global_terms if accuracy != "exact" else None,
        interactions=ia.GLOBAL,
    )


def _activation(
    name: str,
    accuracy: Accuracy,
    ulps: int = 0,
    params: tuple[str, ...] = (),
    interactions: tuple[ia.Interaction, ...] = ia.ACTIVATION,
) -> OpSpec:
    return OpSpec(
        name,
        "activation",
        getattr(reference, name),
        params,
        params,
        lambda caps: cs.activation_cases(name, caps),
        accuracy,
        ulps=ulps,
        interactions=interactions,
    )


_TABLE = (
    _pool("max_pool", "exact", errors=ei.error_inputs_max_pool, interactions=ia.MAX_POOL),
    _pool(
        "avg_pool",
        "sum",
        (
            "kernel_size",
            "stride",
            "padding",
            "ceil_mode",
            "count_include_pad",
            "divisor_override",
            "dilation",
        ),
        errors=ei.error_inputs_avg_pool,
        interactions=ia.AVG_POOL,
    ),
    _pool("sum_pool", "sum", interactions=ia.MAX_POOL),
    _pool(
        "lp_pool",
        "lp",
        ("norm_type", *_POOL_PARAMS),
        ("norm_type", "kernel_size"),
        errors=ei.error_inputs_lp_pool,
        interactions=ia.LP_POOL,
    ),
    _global("global_max_pool", "exact"),
    _global("global_avg_pool", "sum"),
    _adaptive("adaptive_max_pool", "exact", ei.error_inputs_adaptive_max_pool),
    _adaptive("adaptive_avg_pool", "sum", ei.error_inputs_adaptive_avg_pool),
    OpSpec(
        "zero_pad",
        "pad",
        reference.zero_pad,
        ("padding",),
        ("padding",),
        cs.zero_pad_cases,
        "exact",
        stories.zero_pad_shape,
        stories.zero_pad_cells,
        error_inputs=ei.error_inputs_zero_pad,
        interactions=ia.ZERO_PAD,
    ),
    OpSpec(
        "conv",
        "conv",
        reference.conv,
        ("stride", "padding", "dilation", "groups"),
        (),
        cs.conv_cases,
        "sum",
        stories.windowed_shape,
        stories.windowed_cells,
        stories.conv_channels,
        terms=_conv_terms,
        error_inputs=ei.error_inputs_conv,
        arrays=("x", "weight", "bias"),
        interactions=ia.CONV,
    ),
    OpSpec(
        "conv_transpose",
        "transpose",
        reference.conv_transpose,
        ("stride", "padding", "output_padding", "dilation", "groups"),
        (),
        cs.transpose_cases,
        "sum",
        stories.transpose_shape,
        terms=_transpose_terms,
        arrays=("x", "weight", "bias"),
        interactions=ia.TRANSPOSE,
    ),
    OpSpec(
        "im2col",
        "im2col",
        reference.im2col,
        ("kernel_size", "stride", "padding", "dilation"),
        ("kernel_size",),
        cs.im2col_cases,
        "exact",
        stories.windowed_shape,
        stories.im2col_cells,
        stories.im2col_channel,
        interactions=ia.IM2COL,
    ),
    OpSpec(
        "dense",
        "dense",
        reference.dense,
        (),
        (),
        cs.dense_cases,
        "sum",
        terms=_dense_terms,
        error_inputs=ei.error_inputs_dense,
        arrays=("x", "weight", "bias"),
        interactions=ia.DENSE,
    ),
    _activation("relu", "exact", interactions=ia.RELU),
    _activation("leaky_relu", "ulps", 2, ("negative_slope",), ia.RELU),
    _activation("sigmoid", "ulps", 4),
    _activation("tanh", "ulps", 4),
)
_FORWARD = {spec.name: spec for spec in _TABLE}


# --- backward entries: f_backward(grad_output, x, **f's params), checked through the same path ----------


def _cells_per_dim_terms(case: Case) -> int:
    """The most (window, tap) pairs that land on one input cell: at most one per kernel offset."""
    return prod(case.kernel)


def _adaptive_backward_terms(case: Case) -> int:
    return prod(-(-o // n) + 1 for n, o in zip(case.shape[2:], case.out_size))


def _conv_backward_terms(case: Case) -> int:
    assert case.grad_output is not None
    if case.wrt == "x":  # each output channel of the group, each kernel offset
        return case.grad_output.shape[1] // case.groups * prod(case.kernel)
    return case.shape[0] * prod(case.grad_output.shape[2:])  # weight and bias: every batch item and position


def _transpose_backward_terms(case: Case) -> int:
    assert case.grad_output is not None
    if case.wrt == "x":  # each output channel of the group, each kernel offset
        return case.grad_output.shape[1] // case.groups * prod(case.kernel)
    if case.wrt == "weight":  # every batch item and input cell
        return case.shape[0] * prod(case.shape[2:])
    return case.shape[0] * prod(case.grad_output.shape[2:])  # bias: every batch item and output cell


def _dense_backward_terms(case: Case) -> int:
    assert case.grad_output is not None
    if case.wrt == "x":
        return case.grad_output.shape[-1]
    return int(np.prod(case.grad_output.shape[:-1]))


def _sigmoid_derivative_bound(case: Case, expected: np.ndarray, u: float, eta: float) -> np.ndarray:
    """g * s * (1 - s) from a forward s with at most 4 ulps (8u * s) of error, plus eta where s underflows:
    the error of s moves the product by |1 - 2s| * (8u*s + eta) * |g|, and its own three roundings add
    4u * s(1-s) * |g| + 3 eta."""
    assert case.grad_output is not None
    s = reference.sigmoid(case.x.astype(np.float64))
    g = np.abs(case.grad_output.astype(np.float64))
    return g * (np.abs(1 - 2 * s) * (8 * u * s + eta) + 4 * u * s * (1 - s)) + 3 * eta


def _tanh_derivative_bound(case: Case, expected: np.ndarray, u: float, eta: float) -> np.ndarray:
    """g * (1 - t^2) from a forward t with at most 4 ulps (8u * |t|) of error, plus eta where t underflows:
    2|t| * (8u|t| + eta) * |g| from t's error, 4u * (1 - t^2) * |g| + 3 eta from the roundings."""
    assert case.grad_output is not None
    t = np.tanh(case.x.astype(np.float64))
    g = np.abs(case.grad_output.astype(np.float64))
    return g * (2 * np.abs(t) * (8 * u * np.abs(t) + eta) + 4 * u * (1 - t * t)) + 3 * eta


def _lp_backward_bound(case: Case, expected: np.ndarray, u: float, eta: float) -> np.ndarray:
    """grad_x[p] = sum_i t_i, t_i = g_i * sign(x_p) * |x_p|^(P-1) * y_i^(1-P), over the W <= prod(k) windows
    i that read p. A target's window sum S_i = sum |x|^P of K = prod(k) cells is off by at most
    gamma_{K+6}(u) * S_i + (K+6) * eta (the sum, two roundings per power, and an average's divide and
    multiply by K, as torch's formula has), so y_i by a relative delta_i = 1 - (1 - r_i)^(1/P) + 2u with r_i
    that over S_i, and y_i^(1-P) by e_i = max |(1 +- delta_i)^(1-P) - 1|. What follows the sum is at most
    two powers (libm, 1 ulp: 2u each) and six products or quotients (the chain rule through K * avg_pool's
    root), 10u per term, and the sum over windows gamma_W(u). Any of those 10 roundings may underflow, off
    by eta, and the factors still to come (|g_i|, Y_i = y_i^(1-P), L_p = |x_p|^(P-1), and the chain rule's
    constants P, K, 1/P, 1/K, as torch's autograd applies them after g_i * Y_i) scale it by at most
    P * K * (1 + |g_i|)(1 + Y_i)(1 + L_p):
        |err(grad_x[p])| <= sum_i |t_i| * (e_i + 10u + gamma_W(u))
                            + [x_p != 0] * 10 * P * K * eta * (1 + L_p) * sum_i (1 + |g_i|)(1 + Y_i)
                            + (W + 10) * eta,
    the first sum being the reference gradient of |x| for the cotangent |g_i| * (e_i + ...). A window
    whose norm is 0 has t_i = 0 by the spec, and so no slack; so has a cell x_p = 0 (|0|^(P-1) is exact).
    The float64 reference's own error adds the same with u = 2^-53 (its eta is below the target's)."""
    assert case.grad_output is not None
    x = np.abs(case.x.astype(np.float64))
    p, k = case.p, prod(case.kernel)
    geometry = {"kernel_size": case.kernel, "stride": case.strides, "padding": case.pads,
                "dilation": case.dilations, "ceil_mode": case.ceil_mode}
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        y = reference.lp_pool(x, p, **geometry).astype(np.float64)
        weight = np.zeros(y.shape)
        for unit in (u, 2.0**-53):
            r = gamma(k + 6, unit) + (k + 6) * eta / y**p
            delta = np.where(r < 1, 1 - np.abs(1 - r) ** (1 / p) + 2 * unit, np.inf)
            e = np.where(delta < 1, np.maximum(np.abs((1 + delta) ** (1 - p) - 1),
                                               np.abs((1 - delta) ** (1 - p) - 1)), np.inf)
            weight += np.where(y > 0, e, 0.0) + 10 * unit + gamma(k, unit)
        g = np.abs(case.grad_output.astype(np.float64))
        bound = reference.lp_pool_backward(np.where(g > 0, g * weight, 0.0), x, p, **geometry)
        factors = np.where(y > 0, (1 + g) * (1 + y ** (1 - p)), 0.0)
        spread = reference.sum_pool_backward(factors, x, **geometry)
        underflow = np.where(x != 0, 10 * p * k * eta * (1 + x ** (p - 1)) * spread, 0.0)
    # 0 * inf is a term of size 0 (x_p = 0) in an ill-conditioned window: it adds no error
    return np.where(np.isnan(bound), 0.0, bound) + underflow + (k + 10) * eta


def _backward(
    forward: str,
    accuracy: Accuracy,
    terms: Callable[[Case], int] | None = None,
    *,
    cotangent: str = "normal",
    gradients: tuple[str, ...] = ("x",),
    abs_arrays: tuple[str, ...] | None = None,
    ulps: int = 0,
    derivative_bound: Callable[[Case, np.ndarray, float, float], np.ndarray] | None = None,
) -> OpSpec:
    spec = _FORWARD[forward]
    name = f"{forward}_backward"
    return OpSpec(
        name,
        spec.family,
        getattr(reference, name),
        spec.params,
        spec.required,
        lambda caps: cs.backward_cases(name, spec.strategy(caps), gradients, cotangent),
        accuracy,
        stories.backward_shape,
        terms=terms,
        ulps=ulps,
        arrays=(*spec.arrays, "grad_output"),
        stride_default_is_kernel=spec.stride_default_is_kernel,
        interactions=spec.interactions,
        forward=forward,
        gradients=gradients,
        abs_arrays=abs_arrays,
        element_story=stories.window_contributions if spec.windowed
        else stories.input_value if spec.family == "activation" else None,
        derivative_bound=derivative_bound,
    )


# max-type gradients route whole cotangents: the sums they form are of |g| with x's routing kept
_ROUTED = ("grad_output",)
_BACKWARD = (
    _backward("max_pool", "sum", _cells_per_dim_terms, cotangent="signs", abs_arrays=_ROUTED),
    _backward("avg_pool", "sum", _cells_per_dim_terms),
    _backward("sum_pool", "sum", _cells_per_dim_terms),
    _backward("lp_pool", "derivative", derivative_bound=_lp_backward_bound),
    _backward("global_max_pool", "sum", lambda case: 1, cotangent="signs", abs_arrays=_ROUTED),
    _backward("global_avg_pool", "sum", lambda case: 1),
    _backward("adaptive_max_pool", "sum", _adaptive_backward_terms, cotangent="signs", abs_arrays=_ROUTED),
    _backward("adaptive_avg_pool", "sum", _adaptive_backward_terms),
    _backward("zero_pad", "exact"),
    _backward("im2col", "sum", _cells_per_dim_terms),
    _backward("conv", "sum", _conv_backward_terms, gradients=("x", "weight", "bias")),
    _backward("conv_transpose", "sum", _transpose_backward_terms, gradients=("x", "weight", "bias")),
    _backward("dense", "sum", _dense_backward_terms, gradients=("x", "weight", "bias")),
    _backward("relu", "exact"),
    _backward("leaky_relu", "ulps", ulps=2),
    _backward("sigmoid", "derivative", derivative_bound=_sigmoid_derivative_bound),
    _backward("tanh", "derivative", derivative_bound=_tanh_derivative_bound),
)
OPS: dict[str, OpSpec] = {spec.name: spec for spec in (*_TABLE, *_BACKWARD)}


def error_inputs() -> tuple[ErrorInput, ...]:
    """Every op's error inputs, in table order."""
    return tuple(e for spec in _TABLE if spec.error_inputs is not None for e in spec.error_inputs())
