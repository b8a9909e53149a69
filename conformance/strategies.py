"""Hypothesis strategies that draw canonical cases.

Draws follow the target's Capabilities so few examples are wasted, except for a small unrestricted
share that keeps the "not expressible" path exercised and counted. Values come from a labelled value
kind and a seed: shapes and parameters shrink as usual, and the kinds cover both signs, integer-valued
floats (ties), all-negative inputs (where -inf padding matters) and sprinkled NaN/±inf.
"""

from __future__ import annotations

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from .cases import Case, reference_output
from .targets import Capabilities

UNRESTRICTED = Capabilities(dtypes=("float32", "float64"), layouts=("channels_first",))
VALUE_KINDS = ("normal", "integers", "negative", "nan_inf")
MAX_PAD = 3


def _dtype(name: str) -> np.dtype:
    if name == "bfloat16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


def make_values(kind: str, seed: int, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    """Deterministic values of a kind; representable in `dtype` so the float64 oracle sees the same input."""
    rng = np.random.default_rng(seed)
    if kind == "integers":
        values = rng.integers(-3, 4, size=shape).astype(np.float64)
    elif kind == "negative":
        values = -1 - np.abs(rng.standard_normal(shape)) * 4
    else:
        values = rng.standard_normal(shape) * 4
    if kind == "nan_inf":
        pick = rng.random(shape)
        values[pick < 0.08] = np.nan
        values[(pick >= 0.08) & (pick < 0.12)] = np.inf
        values[(pick >= 0.12) & (pick < 0.16)] = -np.inf
    return values.astype(_dtype(dtype))


@st.composite
def input_arrays(draw, shape: tuple[int, ...], dtypes: tuple[str, ...], kinds=VALUE_KINDS) -> np.ndarray:
    dtype = draw(st.sampled_from(dtypes), label="dtype")
    kind = draw(st.sampled_from(kinds), label="value kind")
    seed = draw(st.integers(0, 2**16), label="value seed")
    return make_values(kind, seed, shape, dtype)


@st.composite
def batch_and_spatial(draw, rank: int, max_size: int = 12) -> tuple[int, ...]:
    n = draw(st.integers(1, 3), label="batch")
    c = draw(st.integers(1, 4), label="channels")
    limit = max_size if rank < 3 else 7  # 3-D stays small so naive targets and messages stay fast
    spatial = draw(st.tuples(*[st.integers(1, limit)] * rank), label="spatial")
    return (n, c, *spatial)


def _per_dim(draw, rank: int, lo: int, hi: int, label: str) -> tuple[int, ...]:
    return draw(st.tuples(*[st.integers(lo, hi)] * rank), label=label)


@st.composite
def padding_forms(draw, caps: Capabilities, rank: int, kernel, dilation, allow_same: bool = True) -> object:
    """A padding argument in one of the user-facing forms the capabilities allow."""
    if caps.padding == "none":
        return draw(st.sampled_from(["valid", 0]), label="padding")
    if caps.padding == "keras":
        return draw(st.sampled_from(["valid", "same"]), label="padding")
    forms = ["valid"] + (["same"] if allow_same else []) + ["int", "ints"]
    forms += ["pairs"] if caps.padding == "any" else []
    form = draw(st.sampled_from(forms), label="padding form")
    if form in ("valid", "same"):
        return form
    limits = [MAX_PAD] * rank
    if caps.pad_limit:
        limits = [min(MAX_PAD, k // 2) for k in kernel]
    if form == "int":
        return draw(st.integers(0, min(limits)), label="padding")
    if form == "ints":
        return tuple(draw(st.integers(0, lim), label=f"padding[{i}]") for i, lim in enumerate(limits))
    return tuple(
        (draw(st.integers(0, MAX_PAD), label=f"pad before[{i}]"), draw(st.integers(0, MAX_PAD),
                                                                       label=f"pad after[{i}]"))
        for i in range(rank)
    )


def _restricted(draw, caps: Capabilities) -> Capabilities:
    free = draw(st.integers(0, 9), label="unrestricted draw (1 in 10)") == 0
    return UNRESTRICTED if free else caps


def _valid(case: Case) -> bool:
    try:
        reference_output(case)
    except ValueError:
        return False
    return True


@st.composite
def pool_cases(draw, op: str, caps: Capabilities) -> Case:
    """max_pool / avg_pool / lp_pool / sum_pool cases: ranks 1-3, sizes 1-12, kernels up to the padded
    size, strides 1-4 (stride > kernel included), dilation 1-3, every padding form and ceil_mode."""
    caps = _restricted(draw, caps)
    rank = draw(st.sampled_from(caps.ranks), label="rank")
    shape = draw(batch_and_spatial(rank), label="shape")
    dilation = _per_dim(draw, rank, 1, 3, "dilation") if caps.dilation else (1,) * rank
    kernel = tuple(
        draw(st.integers(1, max(1, (n + 2 * MAX_PAD - 1) // d + 1)), label=f"kernel[{i}]")
        for i, (n, d) in enumerate(zip(shape[2:], dilation))
    )
    stride = _per_dim(draw, rank, 1, 4, "stride")
    padding = draw(padding_forms(caps, rank, kernel, dilation), label="padding")
    ceil_mode = draw(st.booleans(), label="ceil_mode") if caps.ceil_mode else False
    params = dict(kernel_size=kernel, stride=stride, padding=padding, ceil_mode=ceil_mode)
    if any(d > 1 for d in dilation):
        params["dilation"] = dilation
    if op == "avg_pool":
        params["count_include_pad"] = draw(st.booleans(), label="count_include_pad") \
            if caps.count_include_pad else False
        if caps.divisor_override and draw(st.integers(0, 4), label="use divisor_override (1 in 5)") == 0:
            params["divisor_override"] = draw(st.integers(1, 9), label="divisor_override")
    if op == "lp_pool":
        params["norm_type"] = draw(st.sampled_from([1.0, 2.0, 3.0, 1.5]), label="norm_type")
    layout = draw(st.sampled_from(caps.layouts), label="layout")
    kinds = ("normal", "integers") if op == "lp_pool" else VALUE_KINDS
    x = draw(input_arrays(shape, caps.dtypes, kinds), label="x")
    case = Case(op, x, layout=layout, **params)
    assume(_valid(case))
    return case


@st.composite
def adaptive_cases(draw, op: str, caps: Capabilities) -> Case:
    caps = _restricted(draw, caps)
    rank = draw(st.sampled_from(caps.ranks), label="rank")
    shape = draw(batch_and_spatial(rank), label="shape")
    out = tuple(draw(st.integers(1, n + 2), label=f"output_size[{i}]") for i, n in enumerate(shape[2:]))
    x = draw(input_arrays(shape, caps.dtypes), label="x")
    return Case(op, x, output_size=out, layout=draw(st.sampled_from(caps.layouts), label="layout"))


@st.composite
def global_cases(draw, op: str, caps: Capabilities) -> Case:
    caps = _restricted(draw, caps)
    rank = draw(st.sampled_from(caps.ranks), label="rank")
    shape = draw(batch_and_spatial(rank), label="shape")
    x = draw(input_arrays(shape, caps.dtypes), label="x")
    return Case(op, x, layout=draw(st.sampled_from(caps.layouts), label="layout"))


@st.composite
def zero_pad_cases(draw, caps: Capabilities) -> Case:
    caps = _restricted(draw, caps)
    rank = draw(st.sampled_from(caps.ranks), label="rank")
    shape = draw(batch_and_spatial(rank), label="shape")
    padding = draw(padding_forms(Capabilities(padding="any"), rank, (1,) * rank, (1,) * rank,
                                 allow_same=False), label="padding")
    x = draw(input_arrays(shape, caps.dtypes), label="x")
    return Case("zero_pad", x, padding=padding, layout=draw(st.sampled_from(caps.layouts), label="layout"))


def cases_for(op: str, caps: Capabilities):
    if op in ("max_pool", "avg_pool", "lp_pool", "sum_pool"):
        return pool_cases(op, caps)
    if op.startswith("adaptive_"):
        return adaptive_cases(op, caps)
    if op.startswith("global_"):
        return global_cases(op, caps)
    if op == "zero_pad":
        return zero_pad_cases(caps)
    raise ValueError(f"no case strategy for {op}")


@st.composite
def output_size_args(draw) -> dict:
    """Arguments of reference.output_size, valid or not (the formula's error is part of the spec)."""
    return dict(
        size=draw(st.integers(0, 20), label="size"),
        kernel_size=draw(st.integers(1, 8), label="kernel_size"),
        stride=draw(st.integers(1, 5), label="stride"),
        padding=draw(st.one_of(st.integers(0, 4), st.tuples(st.integers(0, 4), st.integers(0, 4))),
                     label="padding"),
        dilation=draw(st.integers(1, 3), label="dilation"),
        ceil_mode=draw(st.booleans(), label="ceil_mode"),
    )

