"""Hypothesis strategies that draw canonical cases.

Draws follow the target's Capabilities so few examples are wasted, except for a small unrestricted
share that keeps the "not expressible" path exercised and counted. Values come from a labelled value
kind and a seed: shapes and parameters shrink as usual, and the kinds cover both signs, integer-valued
floats (ties), all-negative inputs (where -inf padding matters) and sprinkled NaN/±inf.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

import reference

from .cases import Case, reference_output
from .compare import np_dtype
from .targets.capabilities import Capabilities

UNRESTRICTED = Capabilities(dtypes=("float32", "float64"), layouts=("channels_first",))
VALUE_KINDS = ("normal", "integers", "negative", "nan_inf")
# where accumulation error shows: a large common offset (every partial sum grows, so a narrow accumulator
# rounds away more of each new term) and magnitudes mixed over 2^-8..2^6 (small terms vanish next to large)
LONG_KINDS = ("offset", "mixed")
MAX_PAD = 3
LONG_SHARE = 4  # percent of pooling, global, conv and dense draws that take a long reduction
# the longest windows per rank (cells per dim) and global pools: 4096 cells, 64x64, 16^3
LONG_WINDOW = {1: (256, 4096), 2: (16, 64), 3: (8, 16)}


def _share(draw, percent: int, label: str) -> bool:
    """True in about `percent`% of draws; it shrinks to False, so a shrunk case leaves the branch unless the
    failure needs it (hypothesis shrinks an integer towards 0)."""
    # 100 is left out of the share: hypothesis draws a range's bounds more often than the rest
    return 100 - percent <= draw(st.integers(0, 100), label=f"{label} ({percent}%)") < 100


_dtype = np_dtype


def make_values(kind: str, seed: int, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    """Deterministic values of a kind; representable in `dtype` so the float64 oracle sees the same input."""
    rng = np.random.default_rng(seed)
    if np.dtype(_dtype(dtype)).kind in "iu":  # integer inputs: ties and signs, no NaN or inf to hold
        low = 0 if np.dtype(dtype).kind == "u" else -9
        return rng.integers(low, 10, size=shape).astype(dtype)
    if kind == "integers":
        values = rng.integers(-3, 4, size=shape).astype(np.float64)
    elif kind == "offset":
        values = 10 + rng.uniform(-1, 1, size=shape)
    elif kind == "mixed":
        values = rng.standard_normal(shape) * 2.0 ** rng.integers(-8, 7, size=shape)
    elif kind == "negative":
        values = -1 - np.abs(rng.standard_normal(shape)) * 4
    else:
        values = rng.standard_normal(shape) * 4
    if kind == "nan_inf":
        pick = rng.random(shape)
        pick.flat[rng.integers(pick.size)] = 0.0  # at least one NaN, so small arrays exercise NaN too
        values[pick < 0.08] = np.nan
        values[(pick >= 0.08) & (pick < 0.12)] = np.inf
        values[(pick >= 0.12) & (pick < 0.16)] = -np.inf
    return values.astype(_dtype(dtype))


@st.composite
def input_arrays(draw, shape: tuple[int, ...], dtypes: tuple[str, ...], kinds=VALUE_KINDS) -> np.ndarray:
    dtype = draw(st.sampled_from(dtypes), label="dtype")
    finite = [k for k in kinds if k != "nan_inf"]
    # a separate flag: hypothesis favours a sampled list's first entries, and NaN/inf cases must not be rare
    # the kind is drawn either way: a branch with fewer draws would be "simpler" to the shrinker, which
    # would then prefer NaN/inf cases; drawn like this a shrunk case is finite unless it needs NaN/inf
    kind = draw(st.sampled_from(finite), label="value kind")
    if "nan_inf" in kinds and _share(draw, 40, "sprinkle NaN/inf"):
        kind = "nan_inf"
    seed = draw(st.integers(0, 2**16), label="value seed")
    return make_values(kind, seed, shape, dtype)


@st.composite
def batch_and_spatial(draw, rank: int, caps: Capabilities, max_size: int = 12) -> tuple[int, ...]:
    n = draw(st.integers(1, 3), label="batch")
    c = draw(st.integers(1, 4), label="channels")
    limit = max_size if rank < 3 else 7  # 3-D stays small so naive targets and messages stay fast
    return (n, c, *draw(_sizes(rank, limit, caps), label="spatial"))


def _sizes(rank: int, limit: int, caps: Capabilities) -> st.SearchStrategy[tuple[int, ...]]:
    if caps.uniform_spatial:
        return st.integers(1, limit).map(lambda n: (n,) * rank)
    return st.tuples(*[st.integers(1, limit)] * rank)


def _per_dim(draw, rank: int, lo: int, hi: int, label: str) -> tuple[int, ...]:
    return draw(st.tuples(*[st.integers(lo, hi)] * rank), label=label)


def _stride(draw, caps: Capabilities, rank: int, hi: int) -> tuple[int, ...]:
    """A stride per dim; one stride for every dim where the target takes a single number."""
    if caps.uniform_stride:
        return (draw(st.integers(1, hi), label="stride"),) * rank
    return _per_dim(draw, rank, 1, hi, "stride")


@st.composite
def padding_forms(draw, caps: Capabilities, rank: int, kernel, dilation, allow_same: bool = True) -> object:
    """A padding argument in one of the user-facing forms the capabilities allow."""
    if caps.padding == "none":
        return draw(st.sampled_from(["valid", 0]), label="padding")
    if caps.padding == "keras":
        return draw(st.sampled_from(["valid", "same"]), label="padding")
    # 'same' often resolves asymmetrically, which symmetric-only targets cannot express
    allow_same = allow_same and caps.padding == "any"
    forms = ["valid"] + (["same"] * 3 if allow_same else []) + ["int", "ints"]
    forms += ["same_lower"] * 2 if allow_same and caps.same_lower else []
    forms += ["pairs"] if caps.padding == "any" else []
    forms += ["pairs"] if caps.padding == "any" and not allow_same else []  # zero_pad: asymmetric pads
    if caps.uniform_padding:  # one number pads every side
        forms = [f for f in forms if f in ("valid", "int")]
    form = draw(st.sampled_from(forms), label="padding form")
    if form in ("valid", "same", "same_lower"):
        return form
    limits = [MAX_PAD] * rank
    if caps.pad_limit:
        limits = [min(MAX_PAD, k // 2) for k in kernel]
    if form == "int":  # 'valid' is the zero pad; here a pad wherever the limits allow one
        return draw(st.integers(min(1, min(limits)), min(limits)), label="padding")
    if form == "ints":
        return tuple(draw(st.integers(0, lim), label=f"padding[{i}]") for i, lim in enumerate(limits))
    return tuple(
        (
            draw(st.integers(0, MAX_PAD), label=f"pad before[{i}]"),
            draw(st.integers(0, MAX_PAD), label=f"pad after[{i}]"),
        )
        for i in range(rank)
    )


def fit_windows(spatial: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...] | None,
                dilation: tuple[int, ...], padding: object, ceil_mode: bool, caps: Capabilities
                ) -> tuple[tuple[int, ...], object]:
    """The drawn kernel, shrunk per dim until one window fits the padded input (out >= 1 in the formula;
    in ceil mode a window may overhang it by up to s-1 cells), and the pads shrunk with it where the target
    caps them at half the kernel. Drawing kernels up to the largest padding and fitting them keeps every
    draw valid, where filtering the misfits threw away 0.7 of a draw per valid one (issue 14).
    stride None: the stride is the kernel."""
    fitted = list(kernel)
    while True:
        strides = tuple(fitted) if stride is None else stride
        pads = reference.resolve_padding(padding, spatial, fitted, strides, dilation)
        before, padded_before = list(fitted), padding
        for i, (n, s, d, (pb, pa)) in enumerate(zip(spatial, strides, dilation, pads)):
            slack = s - 1 if ceil_mode else 0
            fitted[i] = min(fitted[i], (n + pb + pa + slack - 1) // d + 1)
        if caps.uniform_kernel:
            fitted = [min(fitted)] * len(fitted)
        if caps.pad_limit:
            padding = _pads_within_half(padding, fitted)
        if fitted == before and padding == padded_before:  # smaller pads may need a smaller kernel again
            return tuple(fitted), padding


def _pads_within_half(padding: object, kernel: list[int]) -> object:
    if isinstance(padding, int):
        return min(padding, *(k // 2 for k in kernel))
    if isinstance(padding, tuple):
        return tuple((min(p[0], k // 2), min(p[1], k // 2)) if isinstance(p, tuple) else min(p, k // 2)
                     for p, k in zip(padding, kernel))
    return padding


def _restricted(draw, caps: Capabilities) -> Capabilities:
    # 5%: since draws are valid by construction, unrestricted ones no longer die in a filter, and at 10%
    # hypothesis' clustering made up to a fifth of a run not expressible on a narrow target
    free = _share(draw, 5, "unrestricted draw")
    return UNRESTRICTED if free else caps


def _valid(case: Case) -> bool:
    try:
        reference_output(case)
    except ValueError:
        return False
    return True


@st.composite
def long_window(draw, caps: Capabilities, rank: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(input shape, window) for a long reduction: 256-4096 cells in 1-D, 16x16-64x64, 8^3-16^3; the
    input is the window plus up to 2 cells per dim, 1-2 channels."""
    lo, hi = LONG_WINDOW[rank]
    window = _per_dim(draw, rank, lo, hi, "long window")
    if caps.uniform_kernel or caps.uniform_spatial:
        window = (min(window),) * rank
    extra = (0,) * rank if caps.uniform_spatial else _per_dim(draw, rank, 0, 2, "cells past the window")
    channels = draw(st.integers(1, 2), label="channels")
    return (1, channels, *(k + e for k, e in zip(window, extra))), window


def long_values(draw, shape: tuple[int, ...], dtypes: tuple[str, ...]) -> np.ndarray:
    return make_values(draw(st.sampled_from(LONG_KINDS), label="long value kind"),
                       draw(st.integers(0, 2**16), label="value seed"), shape,
                       draw(st.sampled_from(dtypes), label="dtype"))


def _unpadded(caps: Capabilities) -> object:
    return "valid" if caps.padding in ("keras", "none") else 0


@st.composite
def long_pool_cases(draw, op: str, caps: Capabilities) -> Case:
    """A pooling case whose window sums thousands of cells, strided by the window, unpadded."""
    rank = draw(st.sampled_from(caps.ranks), label="rank")
    shape, window = draw(long_window(caps, rank), label="long shape")
    params: dict[str, Any] = {"kernel_size": window, "stride": window, "padding": _unpadded(caps)}
    if op == "lp_pool":
        params["norm_type"] = draw(st.sampled_from([1.0, 2.0]), label="norm_type")
    if op == "avg_pool":  # no padding to count, but a target may declare only one setting
        params["count_include_pad"] = caps.count_include_pad
    x = long_values(draw, shape, tuple(d for d in caps.dtypes_for(rank) if _dtype(d).kind == "f"))
    return Case(op, x, layout=draw(st.sampled_from(caps.layouts), label="layout"), **params)


@st.composite
def pool_cases(draw, op: str, caps: Capabilities) -> Case:
    """max_pool / avg_pool / lp_pool / sum_pool cases: ranks 1-3, sizes 1-12, kernels up to the padded
    size, strides 1-4 (stride > kernel included), dilation 1-3, every padding form and ceil_mode."""
    caps = _restricted(draw, caps)
    if op != "max_pool" and _share(draw, LONG_SHARE, "long window"):
        return draw(long_pool_cases(op, caps), label="long case")
    rank = draw(st.sampled_from(caps.ranks), label="rank")
    shape = draw(batch_and_spatial(rank, caps), label="shape")
    dilation = _per_dim(draw, rank, 1, 3, "dilation") if caps.dilation else (1,) * rank
    drawn_stride = None if caps.stride_is_kernel else _stride(draw, caps, rank, 4)
    if not caps.dilation_with_stride and max(dilation) > 1 and drawn_stride and max(drawn_stride) > 1:
        if draw(st.booleans(), label="keep stride (else keep dilation)"):
            dilation = (1,) * rank
        else:
            drawn_stride = (1,) * rank
    within_input = caps.kernel_within_input_3d and rank == 3
    kernel = tuple(
        draw(
            st.integers(1, n if within_input else max(1, (n + 2 * MAX_PAD - 1) // d + 1)),
            label=f"kernel[{i}]",
        )
        for i, (n, d) in enumerate(zip(shape[2:], dilation))
    )
    if caps.uniform_kernel:  # one window size for every dim: the smallest drawn fits them all
        kernel = (min(kernel),) * rank
    padding = draw(padding_forms(caps, rank, kernel, dilation), label="padding")
    if max(dilation) > 1 and not caps.dilation_with_padding:
        padding = "valid"
    ceil_mode = _share(draw, 70, "ceil_mode") if caps.ceil_mode else False
    kernel, padding = fit_windows(shape[2:], kernel, drawn_stride, dilation, padding, ceil_mode, caps)
    stride = kernel if drawn_stride is None else drawn_stride
    params: dict[str, Any] = {"kernel_size": kernel, "stride": stride, "padding": padding,
                              "ceil_mode": ceil_mode}
    if any(d > 1 for d in dilation):
        params["dilation"] = dilation
    if op == "avg_pool":
        params["count_include_pad"] = caps.count_include_pad and _share(draw, 65, "count_include_pad")
        if rank in caps.divisor_override_ranks and _share(draw, 50, "divisor_override"):
            params["divisor_override"] = draw(st.integers(1, 9), label="divisor_override")
            # a fixed divisor meets ceil mode's partial windows: draw that meeting more often
            if caps.ceil_mode and not ceil_mode:
                params["ceil_mode"] = draw(st.booleans(), label="ceil_mode with divisor_override")
    if op == "lp_pool":
        params["norm_type"] = draw(st.sampled_from([1.0, 2.0, 3.0, 1.5]), label="norm_type")
    layout = draw(st.sampled_from(caps.layouts), label="layout")
    kinds = ("normal", "integers") if op == "lp_pool" else VALUE_KINDS
    x = draw(input_arrays(shape, caps.dtypes_for(rank), kinds), label="x")
    case = Case(op, x, layout=layout, **params)
    assume(_valid(case))
    return case


@st.composite
def adaptive_cases(draw, op: str, caps: Capabilities) -> Case:
    caps = _restricted(draw, caps)
    rank = draw(st.sampled_from(caps.ranks), label="rank")
    shape = draw(batch_and_spatial(rank, caps), label="shape")
    out = tuple(draw(st.integers(1, n + 2), label=f"output_size[{i}]") for i, n in enumerate(shape[2:]))
    x = draw(input_arrays(shape, caps.dtypes_for(rank)), label="x")
    return Case(op, x, output_size=out, layout=draw(st.sampled_from(caps.layouts), label="layout"))


@st.composite
def global_cases(draw, op: str, caps: Capabilities) -> Case:
    caps = _restricted(draw, caps)
    rank = draw(st.sampled_from(caps.ranks), label="rank")
    if op != "global_max_pool" and _share(draw, LONG_SHARE, "long window"):
        shape, _ = draw(long_window(caps, rank), label="long shape")
        x = long_values(draw, shape, caps.dtypes)
        return Case(op, x, layout=draw(st.sampled_from(caps.layouts), label="layout"))
    shape = draw(batch_and_spatial(rank, caps), label="shape")
    x = draw(input_arrays(shape, caps.dtypes), label="x")
    return Case(op, x, layout=draw(st.sampled_from(caps.layouts), label="layout"))


@st.composite
def zero_pad_cases(draw, caps: Capabilities) -> Case:
    caps = _restricted(draw, caps)
    rank = draw(st.sampled_from(caps.ranks), label="rank")
    shape = draw(batch_and_spatial(rank, caps), label="shape")
    padding = draw(
        padding_forms(Capabilities(padding="any"), rank, (1,) * rank, (1,) * rank, allow_same=False),
        label="padding",
    )
    x = draw(input_arrays(shape, caps.dtypes), label="x")
    return Case("zero_pad", x, padding=padding, layout=draw(st.sampled_from(caps.layouts), label="layout"))


@st.composite
def output_size_args(draw) -> dict:
    """Arguments of reference.output_size, valid or not (the formula's error is part of the spec)."""
    return {
        "size": draw(st.integers(0, 20), label="size"),
        "kernel_size": draw(st.integers(1, 8), label="kernel_size"),
        "stride": draw(st.integers(1, 5), label="stride"),
        "padding": draw(
            st.one_of(st.integers(0, 4), st.tuples(st.integers(0, 4), st.integers(0, 4))), label="padding"
        ),
        "dilation": draw(st.integers(1, 3), label="dilation"),
        "ceil_mode": draw(st.booleans(), label="ceil_mode"),
    }


# --- conv, im2col, dense and activations -----------------------------------------------------------

ACTIVATIONS = ("relu", "leaky_relu", "sigmoid", "tanh")
LEAKY_SLOPES = (0.01, 0.2, 0.3, 0.5, 1.5)  # explicit: the frameworks' defaults differ (0.01 / 0.2 / 0.3)
WEIGHT_KINDS = ("normal", "integers")
CONV_MAX_SPATIAL = {1: 10, 2: 8, 3: 5}  # small: sums stay far from float16's range, naive targets stay fast
CONV_MAX_KERNEL = {1: 5, 2: 4, 3: 3}


@st.composite
def conv_padding(draw, caps: Capabilities, rank: int) -> object:
    """A conv/im2col padding argument: 'valid', 'same', 'causal' (1-D), an int, ints or pairs per dim.

    Unlike pools, 'same' is drawn for every target: torch takes padding='same' at stride 1, and a strided
    'same' that resolves symmetrically is expressible as explicit ints; the adapter decides."""
    forms = ["valid"]
    if caps.padding != "none":
        forms += ["same", "same"]
    if caps.same_lower:
        forms += ["same_lower", "same_lower"]
    if caps.padding in ("any", "symmetric"):
        forms += ["int", "ints"]
    if caps.padding == "any":
        forms.append("pairs")
    if rank == 1 and caps.causal and caps.padding != "none":
        forms.append("causal")
    if caps.uniform_padding:
        forms = [f for f in forms if f in ("valid", "int")]
    form = draw(st.sampled_from(forms), label="padding form")
    if form in ("valid", "same", "same_lower", "causal"):
        return form
    if form == "int":
        return draw(st.integers(0, MAX_PAD), label="padding")
    if form == "ints":
        return tuple(draw(st.integers(0, MAX_PAD), label=f"padding[{i}]") for i in range(rank))
    return tuple(
        (
            draw(st.integers(0, MAX_PAD), label=f"pad before[{i}]"),
            draw(st.integers(0, MAX_PAD), label=f"pad after[{i}]"),
        )
        for i in range(rank)
    )


@st.composite
def conv_geometry(draw, caps: Capabilities, rank: int, spatial: tuple[int, ...]) -> dict:
    """kernel, stride (1-4), dilation (1-3) and padding for conv/im2col, within the capabilities."""
    dilation = _per_dim(draw, rank, 1, 3, "dilation") if caps.dilation else (1,) * rank
    stride = _stride(draw, caps, rank, 4)
    if not caps.dilation_with_stride and max(stride) > 1 and max(dilation) > 1:
        if draw(st.booleans(), label="keep stride (else keep dilation)"):
            dilation = (1,) * rank
        else:
            stride = (1,) * rank
    kernel = tuple(
        draw(
            st.integers(1, max(1, min(CONV_MAX_KERNEL[rank], (n + 2 * MAX_PAD - 1) // d + 1))),
            label=f"kernel[{i}]",
        )
        for i, (n, d) in enumerate(zip(spatial, dilation))
    )
    if caps.uniform_kernel:  # one window size for every dim: the smallest drawn fits them all
        kernel = (min(kernel),) * rank
    padding = draw(conv_padding(caps, rank), label="padding")
    # torch takes 'same' at stride 1 only, and there an even window has an odd total pad
    if padding == "same" and max(stride) > 1 and draw(st.booleans(), label="'same' at stride 1"):
        stride = (1,) * rank
    kernel, padding = fit_windows(spatial, kernel, stride, dilation, padding, False, caps)
    params = {"kernel": kernel, "stride": stride, "padding": padding}
    if any(d > 1 for d in dilation):
        params["dilation"] = dilation
    return params


@st.composite
def _spatial(draw, rank: int, caps: Capabilities) -> tuple[int, ...]:
    return draw(_sizes(rank, CONV_MAX_SPATIAL[rank], caps), label="spatial")


LONG_CONV_KERNEL = {1: (16, 64), 2: (4, 8), 3: (3, 4)}


@st.composite
def long_conv_cases(draw, caps: Capabilities) -> Case:
    """A conv whose outputs each sum up to 4096 products: C_in up to 64 times a kernel of up to 64 cells,
    one group, stride 1, unpadded; the input is the kernel plus up to 2 cells per dim."""
    rank = draw(st.sampled_from(caps.ranks), label="rank")
    lo, hi = LONG_CONV_KERNEL[rank]
    kernel = _per_dim(draw, rank, lo, hi, "long kernel")
    if caps.uniform_kernel or caps.uniform_spatial:
        kernel = (min(kernel),) * rank
    extra = (0,) * rank if caps.uniform_spatial else _per_dim(draw, rank, 0, 2, "cells past the kernel")
    c_in, c_out = draw(st.integers(16, 64), label="C_in"), draw(st.integers(1, 2), label="C_out")
    x = long_values(draw, (1, c_in, *(k + e for k, e in zip(kernel, extra))), caps.dtypes)
    w_kind = draw(st.sampled_from(WEIGHT_KINDS), label="weight kind")
    weight = make_values(w_kind, draw(st.integers(0, 2**16), label="weight seed"), (c_out, c_in, *kernel),
                         x.dtype.name)
    bias = None
    if caps.bias and draw(st.booleans(), label="bias"):
        bias = make_values(w_kind, draw(st.integers(0, 2**16), label="bias seed"), (c_out,), x.dtype.name)
    layout = draw(st.sampled_from(caps.layouts), label="layout")
    return Case("conv", x, weight=weight, bias=bias, layout=layout, padding=_unpadded(caps))


@st.composite
def conv_cases(draw, caps: Capabilities) -> Case:
    """conv cases: ranks 1-3; one group, 2-3 groups, or depthwise (groups == C_in, C_out = multiplier*C_in);
    stride 1-3, dilation 1-3, every padding form ('causal' in 1-D), bias or none; small sizes."""
    caps = _restricted(draw, caps)
    if _share(draw, LONG_SHARE, "long reduction"):
        return draw(long_conv_cases(caps), label="long case")
    rank = draw(st.sampled_from(caps.ranks), label="rank")
    n = draw(st.integers(1, 3), label="batch")
    grouping = draw(
        st.sampled_from(["single", "grouped", "depthwise"] if caps.groups else ["single"]), label="grouping"
    )
    if grouping == "single":
        groups, c_in, c_out = 1, draw(st.integers(1, 4), label="C_in"), draw(st.integers(1, 4), label="C_out")
    elif grouping == "grouped":
        groups = draw(st.integers(2, 3), label="groups")
        c_in = groups * draw(st.integers(1, 3), label="C_in per group")
        c_out = groups * draw(st.integers(1, 3), label="C_out per group")
    else:
        c_in = groups = draw(st.integers(1, 4), label="C_in (= groups)")
        c_out = c_in * draw(st.integers(1, 3), label="depth multiplier")
    spatial = draw(_spatial(rank, caps), label="spatial")
    geo = draw(conv_geometry(caps, rank, spatial), label="geometry")
    x = draw(input_arrays((n, c_in, *spatial), caps.dtypes), label="x")
    dtype = x.dtype.name
    w_kind = draw(st.sampled_from(WEIGHT_KINDS), label="weight kind")
    weight = make_values(
        w_kind,
        draw(st.integers(0, 2**16), label="weight seed"),
        (c_out, c_in // groups, *geo.pop("kernel")),
        dtype,
    )
    bias = None
    if caps.bias and draw(st.booleans(), label="bias"):
        bias = make_values(w_kind, draw(st.integers(0, 2**16), label="bias seed"), (c_out,), dtype)
    layout = draw(st.sampled_from(caps.layouts), label="layout")
    case = Case("conv", x, weight=weight, bias=bias, groups=groups, layout=layout, **geo)
    assume(_valid(case))
    return case


@st.composite
def im2col_cases(draw, caps: Capabilities) -> Case:
    """im2col (unfold) cases: the conv geometry without weights; values are copied, so exact."""
    caps = _restricted(draw, caps)
    rank = draw(st.sampled_from(caps.ranks), label="rank")
    n, c = draw(st.integers(1, 3), label="batch"), draw(st.integers(1, 4), label="channels")
    spatial = draw(_spatial(rank, caps), label="spatial")
    geo = draw(conv_geometry(caps, rank, spatial), label="geometry")
    x = draw(input_arrays((n, c, *spatial), caps.dtypes), label="x")
    case = Case(
        "im2col",
        x,
        kernel_size=geo.pop("kernel"),
        layout=draw(st.sampled_from(caps.layouts), label="layout"),
        **geo,
    )
    assume(_valid(case))
    return case


@st.composite
def dense_cases(draw, caps: Capabilities) -> Case:
    """dense cases: x (N, in_features) with in 1-16, out 1-8, weight (out, in), bias or none; a few long
    reductions (in 256-4096, values with an offset or mixed magnitudes)."""
    caps = _restricted(draw, caps)
    n = draw(st.integers(1, 4), label="batch")
    if _share(draw, LONG_SHARE, "long reduction"):
        fan_in, fan_out = draw(st.integers(256, 4096), label="in_features"), draw(st.integers(1, 4))
        x = long_values(draw, (n, fan_in), caps.dtypes)
    else:
        fan_in, fan_out = (
            draw(st.integers(1, 16), label="in_features"),
            draw(st.integers(1, 8), label="out_features"),
        )
        x = draw(input_arrays((n, fan_in), caps.dtypes), label="x")
    w_kind = draw(st.sampled_from(WEIGHT_KINDS), label="weight kind")
    weight = make_values(
        w_kind, draw(st.integers(0, 2**16), label="weight seed"), (fan_out, fan_in), x.dtype.name
    )
    bias = None
    if caps.bias and draw(st.booleans(), label="bias"):
        bias = make_values(w_kind, draw(st.integers(0, 2**16), label="bias seed"), (fan_out,), x.dtype.name)
    return Case("dense", x, weight=weight, bias=bias)


@st.composite
def activation_cases(draw, op: str, caps: Capabilities) -> Case:
    """relu / leaky_relu / sigmoid / tanh on (N, C) or (N, C, L) inputs; leaky_relu gets an explicit slope."""
    caps = _restricted(draw, caps)
    shape: tuple[int, ...] = (
        draw(st.integers(1, 3), label="batch"),
        draw(st.integers(1, 4), label="channels"),
    )
    if draw(st.booleans(), label="with a length dim"):
        shape += (draw(st.integers(1, 12), label="length"),)
    # integer values twice as often: zeros, where relu's and leaky_relu's branches meet
    kinds = ("normal", "integers", "integers", "negative", "nan_inf")
    x = draw(input_arrays(shape, caps.dtypes, kinds), label="x")
    params = {}
    if op == "leaky_relu":
        slopes = caps.negative_slopes or LEAKY_SLOPES
        params["negative_slope"] = draw(st.sampled_from(slopes), label="negative_slope")
    return Case(op, x, **params)


# --- backward cases ------------------------------------------------------------------------------------


@st.composite
def backward_cases(draw, name: str, forward: st.SearchStrategy[Case], gradients: tuple[str, ...],
                   cotangent: str) -> Case:
    """A forward case plus a cotangent shaped like its output, and the gradient to check.

    cotangent "signs": nonzero integers in [-4, 4], so a gradient routed to the wrong cell always shows and
    sums of routed gradients are exact; "normal": make_values' normal kind (no NaN: the cotangent is not
    where NaN rules live)."""
    case = draw(forward, label="forward case")
    shape = reference_output(case).shape
    seed = draw(st.integers(0, 2**16), label="cotangent seed")
    if cotangent == "signs":
        rng = np.random.default_rng(seed)
        values = rng.integers(1, 5, size=shape) * rng.choice([-1, 1], size=shape)
        grad = values.astype(_dtype(case.dtype))
    else:
        grad = make_values("normal", seed, shape, case.dtype)
    wrt = "x"
    if len(gradients) > 1:
        available = [g for g in gradients if g != "bias" or case.bias is not None]
        wrt = draw(st.sampled_from(available), label="gradient")
    return case.replace(op=name, grad_output=grad, wrt=wrt)


def _fit_crops(padding: object, spatial: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...],
               dilation: tuple[int, ...], output_padding: tuple[int, ...] | None) -> object:
    """Explicit transposed-conv crops shrunk until every dim keeps a cell: pb + pa <= (n-1)*s + d*(k-1) +
    output_padding, so out >= 1 by construction ('valid' and 'same' always keep one)."""
    if isinstance(padding, str):
        return padding
    extra = output_padding or (0,) * len(spatial)
    room = [(n - 1) * s + d * (k - 1) + e for n, k, s, d, e in zip(spatial, kernel, stride, dilation, extra)]
    if isinstance(padding, int):
        return min(padding, min(room) // 2)
    assert isinstance(padding, tuple)
    fitted: list = []
    for p, r in zip(padding, room):
        if isinstance(p, tuple):
            before = min(p[0], r)
            fitted.append((before, min(p[1], r - before)))
        else:
            fitted.append(min(p, r // 2))
    return tuple(fitted)


@st.composite
def transpose_cases(draw, caps: Capabilities) -> Case:
    """conv_transpose cases: ranks 1-3, one group or 2-3, stride 1-3, dilation 1-2, kernel 1-4, padding
    'valid'/'same' (Keras' rule) or explicit ints/pairs, output_padding None or below max(stride,
    dilation), bias or none; small sizes."""
    caps = _restricted(draw, caps)
    rank = draw(st.sampled_from(caps.ranks), label="rank")
    n = draw(st.integers(1, 3), label="batch")
    groups = draw(st.integers(2, 3), label="groups") if caps.groups and _share(draw, 30, "grouped") else 1
    c_in = groups * draw(st.integers(1, 3), label="C_in per group")
    c_out = groups * draw(st.integers(1, 3), label="C_out per group")
    spatial = draw(_sizes(rank, {1: 8, 2: 6, 3: 4}[rank], caps), label="spatial")
    stride = _stride(draw, caps, rank, 3)
    dilation = _per_dim(draw, rank, 1, 2, "dilation") if caps.dilation else (1,) * rank
    kernel = _per_dim(draw, rank, 1, 4, "kernel")
    if caps.uniform_kernel:
        kernel = (min(kernel),) * rank
    forms = ["valid", "same", "same"] if caps.padding in ("any", "keras") else ["valid"]
    forms += ["int", "ints"] if caps.padding in ("any", "symmetric") else []
    forms += ["pairs"] if caps.padding == "any" else []
    form = draw(st.sampled_from(forms), label="padding form")
    padding: object = form
    if form == "int":
        padding = draw(st.integers(0, 3), label="padding")
    elif form == "ints":
        padding = _per_dim(draw, rank, 0, 3, "padding")
    elif form == "pairs":
        padding = tuple((draw(st.integers(0, 3), label=f"crop before[{i}]"),
                         draw(st.integers(0, 3), label=f"crop after[{i}]")) for i in range(rank))
    output_padding = None
    if _share(draw, 40, "output_padding"):
        # Keras allows output_padding < stride; torch < max(stride, dilation)
        output_padding = tuple(draw(st.integers(0, max(s, d) - 1), label=f"output_padding[{i}]")
                               for i, (s, d) in enumerate(zip(stride, dilation)))
    padding = _fit_crops(padding, spatial, kernel, stride, dilation, output_padding)
    x = draw(input_arrays((n, c_in, *spatial), caps.dtypes), label="x")
    w_kind = draw(st.sampled_from(WEIGHT_KINDS), label="weight kind")
    weight = make_values(w_kind, draw(st.integers(0, 2**16), label="weight seed"),
                         (c_in, c_out // groups, *kernel), x.dtype.name)
    bias = None
    if caps.bias and draw(st.booleans(), label="bias"):
        bias = make_values(w_kind, draw(st.integers(0, 2**16), label="bias seed"), (c_out,), x.dtype.name)
    case = Case("conv_transpose", x, weight=weight, bias=bias, stride=stride, padding=padding,
                output_padding=output_padding, groups=groups, layout=draw(st.sampled_from(caps.layouts),
                                                                          label="layout"),
                dilation=dilation if max(dilation) > 1 else 1)
    assume(_valid(case))
    return case
