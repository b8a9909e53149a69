"""Metamorphic properties of the reference: relations between calls that must hold whatever the values.

These use only the reference itself (no literal definition), so they check it from a second direction:
identities (1x1 pools, cropping zero_pad), equivalences (padding inside the pool vs zero_pad first,
separable max pooling, conv vs im2col @ weight, grouped conv vs per-group convs), linearity of conv, and
col2im(im2col(ones)) counting how many windows cover each cell.

Where the two sides round differently, they are compared within a bound derived from the inputs (see
test_literal.py); selections are compared exactly.
"""

from __future__ import annotations

import math
from importlib import import_module

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import literal as L
import reference as R
from test_literal import (
    FLOATS,
    NO_DEADLINE,
    arrays,
    assert_exact,
    assert_within,
    conv_case,
    eps,
    padding_spec,
    pool_case,
    unfold_case,
)

RC = import_module("reference.conv")  # the module: the attribute reference.conv is the function


@st.composite
def batch_array(draw, dtypes=FLOATS, specials=True, max_side=5):
    nd = draw(st.integers(1, 3), label="spatial ndim")
    shape = (draw(st.integers(1, 2), label="N"), draw(st.integers(1, 3), label="C"),
             *(draw(st.integers(1, max_side), label=f"size[{i}]") for i in range(nd)))
    dtype = draw(st.sampled_from(dtypes), label="dtype")
    return draw(arrays(shape, dtype, specials=specials), label="x")


def _per_dim(value, nd):
    return L._ntuple(value, nd)


# ------------------------------------------------------------------------------------------ identities

@pytest.mark.parametrize("op", ["max_pool", "avg_pool", "sum_pool"])
@given(x=batch_array(), stride=st.sampled_from([None, 1]), kernel_as_tuple=st.booleans())
def test_unit_pool_is_identity(op, x, stride, kernel_as_tuple):
    """A 1x1 window with stride 1 and no padding selects every cell once: the output is the input."""
    nd = x.ndim - 2
    kernel = (1,) * nd if kernel_as_tuple else 1
    assert_exact(getattr(R, op)(x, kernel, stride=stride), x)


@st.composite
def zero_pad_case(draw):
    x = draw(batch_array(dtypes=(*FLOATS, np.int32, np.int64, np.uint8)), label="x")
    padding, pairs = draw(padding_spec(x.ndim - 2, max_pad=3).filter(lambda p: p[1] is not None),
                          label="padding")
    return x, padding, pairs


@given(case=zero_pad_case())
def test_cropping_zero_pad_gives_input_back(case):
    x, padding, pairs = case
    y = R.zero_pad(x, padding)
    assert y.dtype == x.dtype
    assert y.shape == x.shape[:2] + tuple(n + pb + pa for n, (pb, pa) in zip(x.shape[2:], pairs))
    inner = (slice(None), slice(None), *(slice(pb, pb + n) for n, (pb, _) in zip(x.shape[2:], pairs)))
    assert_exact(y[inner], x)
    border = np.ones(y.shape, dtype=bool)
    border[inner] = False
    assert (y[border] == 0).all(), "zero_pad put non-zero values in the padding"


# ---------------------------------------------------------------------------------------- pooling

def _explicit(padding, shape, kwargs):
    """The (before, after) pairs of a pool case, via the reference's own resolve_padding."""
    nd = len(shape) - 2
    k = _per_dim(kwargs["kernel_size"], nd)
    s = k if kwargs["stride"] is None else _per_dim(kwargs["stride"], nd)
    pairs = R.resolve_padding(padding, shape[2:], k, s, _per_dim(kwargs["dilation"], nd))
    return tuple((int(b), int(a)) for b, a in pairs)


@NO_DEADLINE
@given(data=st.data())
def test_avg_pool_count_include_pad_equals_valid_avg_of_zero_pad(data):
    """With count_include_pad=True (and no ceil-mode overhang) padding is just zeros that count: pooling
    with padding p equals pooling zero_pad(x, p) without padding."""
    shape, kwargs = data.draw(pool_case(ceil=False), label="case")
    dtype = data.draw(st.sampled_from([np.float64, np.float32]), label="dtype")
    x = data.draw(arrays(shape, dtype), label="x")
    pairs = _explicit(kwargs["padding"], shape, kwargs)
    padded = R.zero_pad(x, pairs)
    lhs = R.avg_pool(x, **kwargs, count_include_pad=True)
    rhs = R.avg_pool(padded, **{**kwargs, "padding": 0}, count_include_pad=True)
    n = math.prod(_per_dim(kwargs["kernel_size"], len(shape) - 2))
    magnitude = R.avg_pool(np.abs(padded), **{**kwargs, "padding": 0}).astype(np.float64)
    bound = 2 * (n + 2) * eps(dtype) * magnitude
    assert_within(lhs, rhs.astype(np.float64), bound, dtype)


@given(data=st.data())
def test_max_pool_is_separable(data):
    """max over a product window = max over dim 0, then over dim 1, ...: pooling one dim at a time (kernel
    1, stride 1, no padding on the others) gives exactly the all-at-once result, NaN, -inf and ceil mode
    included."""
    shape, kwargs = data.draw(pool_case(), label="case")
    nd = len(shape) - 2
    dtype = data.draw(st.sampled_from(FLOATS), label="dtype")
    x = data.draw(arrays(shape, dtype), label="x")
    k = _per_dim(kwargs["kernel_size"], nd)
    s = k if kwargs["stride"] is None else _per_dim(kwargs["stride"], nd)
    d = _per_dim(kwargs["dilation"], nd)
    pairs = _explicit(kwargs["padding"], shape, kwargs)
    order = data.draw(st.permutations(range(nd)), label="order of dims")
    y = x
    for j in order:
        one = [1] * nd
        kj, sj, dj = list(one), list(one), list(one)
        kj[j], sj[j], dj[j] = k[j], s[j], d[j]
        pj = [(0, 0)] * nd
        pj[j] = pairs[j]
        y = R.max_pool(y, tuple(kj), stride=tuple(sj), padding=pj, dilation=tuple(dj),
                       ceil_mode=kwargs["ceil_mode"])
    assert_exact(R.max_pool(x, **kwargs), y)


@given(data=st.data())
def test_avg_pool_divisor_override_1_is_sum_pool(data):
    shape, kwargs = data.draw(pool_case(), label="case")
    x = data.draw(arrays(shape, np.float64), label="x")
    assert_exact(R.avg_pool(x, **kwargs, divisor_override=1), R.sum_pool(x, **kwargs))


@given(x=batch_array(specials=False, dtypes=(np.float64,)))
def test_lp_pool_p1_of_nonnegative_input_is_sum_pool(x):
    x = np.abs(x)
    n = math.prod(x.shape[2:])
    lhs = R.lp_pool(x, 1, x.shape[2:])
    rhs = R.sum_pool(x, x.shape[2:])
    assert_within(lhs, rhs, 2 * (n + 2) * eps(np.float64) * rhs, np.float64)


@given(x=batch_array())
def test_global_pools_are_whole_input_windows(x):
    """global_max_pool == adaptive_max_pool(x, 1) == max_pool(x, kernel=spatial shape); likewise for avg."""
    spatial = x.shape[2:]
    assert_exact(R.global_max_pool(x), R.adaptive_max_pool(x, 1))
    assert_exact(R.global_max_pool(x), R.max_pool(x, spatial))
    if x.dtype != np.float16:
        n = math.prod(spatial)
        expected = R.avg_pool(x, spatial).astype(np.float64)
        bound = 2 * (n + 2) * eps(x.dtype) * R.avg_pool(np.abs(x), spatial).astype(np.float64)
        assert_within(R.global_avg_pool(x), expected, bound, x.dtype)
        assert_within(R.adaptive_avg_pool(x, 1), expected, bound, x.dtype)


@given(x=batch_array(max_side=4), data=st.data())
def test_adaptive_pools_with_divisible_sizes_are_fixed_pools(x, data):
    """If out divides L, adaptive window i is [i*L/out, (i+1)*L/out): a pool with kernel = stride = L/out."""
    factors = tuple(data.draw(st.sampled_from([f for f in range(1, n + 1) if n % f == 0]), label=f"out[{i}]")
                    for i, n in enumerate(x.shape[2:]))
    kernel = tuple(n // f for n, f in zip(x.shape[2:], factors))
    assert_exact(R.adaptive_max_pool(x, factors), R.max_pool(x, kernel))
    if x.dtype != np.float16:
        expected = R.avg_pool(x, kernel).astype(np.float64)
        n = math.prod(kernel)
        bound = 2 * (n + 2) * eps(x.dtype) * R.avg_pool(np.abs(x), kernel).astype(np.float64)
        assert_within(R.adaptive_avg_pool(x, factors), expected, bound, x.dtype)


# ------------------------------------------------------------------------------------------------ conv

def _abs_conv(x, w, kwargs, groups=None):
    kw = dict(kwargs) if groups is None else {**kwargs, "groups": groups}
    return R.conv(np.abs(x), np.abs(w), **kw)


def _conv_slack(w, dtype):
    """Per-output number of terms and the underflow allowance (smallest normal per product)."""
    n_terms = w.shape[1] * math.prod(w.shape[2:]) + 1
    return n_terms, n_terms * np.finfo(dtype).tiny


scalars = st.floats(-4, 4, allow_subnormal=False)


@NO_DEADLINE
@given(case=conv_case(specials=False, bias=False), data=st.data())
def test_conv_is_linear_in_input(case, data):
    x1, w, _, kwargs = case
    x2 = data.draw(arrays(x1.shape, np.float64, specials=False, name="x2"), label="x2")
    a, b = data.draw(scalars, label="a"), data.draw(scalars, label="b")
    lhs = R.conv(a * x1 + b * x2, w, **kwargs)
    rhs = a * R.conv(x1, w, **kwargs) + b * R.conv(x2, w, **kwargs)
    n, tiny = _conv_slack(w, np.float64)
    magnitude = abs(a) * _abs_conv(x1, w, kwargs) + abs(b) * _abs_conv(x2, w, kwargs)
    assert_within(lhs, rhs, 2 * (n + 3) * eps(np.float64) * magnitude + 4 * tiny, np.float64)


@NO_DEADLINE
@given(case=conv_case(specials=False, bias=False), data=st.data())
def test_conv_is_linear_in_weight(case, data):
    x, w1, _, kwargs = case
    w2 = data.draw(arrays(w1.shape, np.float64, specials=False, name="w2"), label="w2")
    a, b = data.draw(scalars, label="a"), data.draw(scalars, label="b")
    lhs = R.conv(x, a * w1 + b * w2, **kwargs)
    rhs = a * R.conv(x, w1, **kwargs) + b * R.conv(x, w2, **kwargs)
    n, tiny = _conv_slack(w1, np.float64)
    magnitude = abs(a) * _abs_conv(x, w1, kwargs) + abs(b) * _abs_conv(x, w2, kwargs)
    assert_within(lhs, rhs, 2 * (n + 3) * eps(np.float64) * magnitude + 4 * tiny, np.float64)


@NO_DEADLINE
@given(case=conv_case(specials=False))
def test_conv_bias_is_added_per_output_channel(case):
    x, w, b, kwargs = case
    if b is None:
        b = np.arange(1.0, w.shape[0] + 1)
    with_bias = R.conv(x, w, b, **kwargs)
    bias_shape = (1, -1) + (1,) * (x.ndim - 2)
    expected = R.conv(x, w, **kwargs) + b.reshape(bias_shape)
    n, tiny = _conv_slack(w, np.float64)
    bound = 2 * (n + 2) * eps(np.float64) * (_abs_conv(x, w, kwargs) + np.abs(b).reshape(bias_shape)) + tiny
    assert_within(with_bias, expected, bound, np.float64)


@NO_DEADLINE
@given(case=conv_case(max_groups=1))
def test_conv_equals_im2col_matmul(case):
    """groups=1: conv(x, w) == w.reshape(C_out, -1) @ im2col(x), reshaped to (N, C_out, *out)."""
    x, w, b, kwargs = case
    nd = x.ndim - 2
    k = w.shape[2:]
    unfold = {"stride": kwargs["stride"], "padding": kwargs["padding"], "dilation": kwargs["dilation"]}
    s, d = _per_dim(unfold["stride"], nd), _per_dim(unfold["dilation"], nd)
    pairs = R.resolve_padding(unfold["padding"], x.shape[2:], k, s, d)
    out = tuple(R.output_size(n, kj, sj, tuple(p), dj)
                for n, kj, sj, p, dj in zip(x.shape[2:], k, s, pairs, d))
    cols = R.im2col(x, k, **unfold)
    assert cols.shape == (x.shape[0], x.shape[1] * math.prod(k), math.prod(out))
    wm = w.reshape(w.shape[0], -1)
    with np.errstate(invalid="ignore"):  # inf * 0 in the input: NaN, as in conv
        expected = (wm @ cols).reshape(x.shape[0], w.shape[0], *out)
        magnitude = (np.abs(wm) @ np.abs(cols)).reshape(expected.shape)
    if b is not None:
        expected = expected + b.reshape((1, -1) + (1,) * nd)
        magnitude = magnitude + np.abs(b).reshape((1, -1) + (1,) * nd)
    n, tiny = _conv_slack(w, np.float64)
    bound = 2 * (n + 2) * eps(np.float64) * magnitude + tiny
    assert_within(R.conv(x, w, b, **kwargs), expected, bound, np.float64)


@NO_DEADLINE
@given(case=conv_case())
def test_grouped_conv_is_per_group_convs(case):
    """conv with groups=G == the G convs of channel slice g of x with weight rows g, concatenated."""
    x, w, b, kwargs = case
    groups = kwargs["groups"]
    cg, og = x.shape[1] // groups, w.shape[0] // groups
    parts = [R.conv(x[:, g * cg:(g + 1) * cg], w[g * og:(g + 1) * og],
                    None if b is None else b[g * og:(g + 1) * og], **{**kwargs, "groups": 1})
             for g in range(groups)]
    expected = np.concatenate(parts, axis=1)
    # the same products summed possibly in another order
    n, tiny = _conv_slack(w, np.float64)
    abs_b = None if b is None else np.abs(b)
    with np.errstate(invalid="ignore"):
        bound = 2 * (n + 2) * eps(np.float64) * R.conv(np.abs(x), np.abs(w), abs_b, **kwargs) + tiny
    assert_within(R.conv(x, w, b, **kwargs), expected, bound, np.float64)


@pytest.mark.parametrize("dtype", [np.float32, np.int32])
def test_conv_in_chunks_equals_conv_in_one_chunk(monkeypatch, dtype):
    """conv builds its im2col columns chunk by chunk within COLUMN_BUDGET; chunks of samples, chunks of
    output rows, and a budget below one row's columns (one row per chunk) give the same bits as one chunk.
    (float32 products are exact in float64, so only the summation order could differ, and it does not.)"""
    rng = np.random.default_rng(14)
    x = (rng.standard_normal((5, 4, 9, 7)) * 8).astype(dtype)
    w = rng.standard_normal((6, 2, 3, 2)).astype(np.float32)
    b = rng.standard_normal(6).astype(np.float32)
    kwargs = {"stride": (2, 1), "padding": 1, "dilation": (1, 2), "groups": 2}
    out_rows, row_bytes = 5, 4 * 3 * 2 * 7 * 8  # (9 + 2 - 3) // 2 + 1 rows of C * K * 7 float64 columns
    calls = []
    columns = RC._columns
    monkeypatch.setattr(RC, "_columns", lambda *args: calls.append(1) or columns(*args))
    monkeypatch.setattr(RC, "COLUMN_BUDGET", 1 << 40)
    whole = R.conv(x, w, b, **kwargs)
    assert len(calls) == 1
    for budget, chunks in [(2 * out_rows * row_bytes, 3), (2 * row_bytes + 1, 5 * 3), (1, 5 * out_rows)]:
        calls.clear()
        monkeypatch.setattr(RC, "COLUMN_BUDGET", budget)
        np.testing.assert_array_equal(R.conv(x, w, b, **kwargs), whole, strict=True)
        assert len(calls) == chunks


# -------------------------------------------------------------------------------------- im2col, col2im

@NO_DEADLINE
@given(case=unfold_case())
def test_col2im_of_im2col_of_ones_counts_covering_windows(case):
    """col2im sums every column entry back onto its cell, so col2im(im2col(ones)) is, per input cell, the
    number of (window, kernel offset) pairs that read it, counted here literally."""
    shape, kwargs = case
    nd = len(shape) - 2
    k = kwargs["kernel_size"]
    s, d = _per_dim(kwargs["stride"], nd), _per_dim(kwargs["dilation"], nd)
    pairs = L.resolve_padding(kwargs["padding"], shape[2:], k, s, d)
    out = tuple(L.output_size(n, kj, sj, p, dj) for n, kj, sj, p, dj in zip(shape[2:], k, s, pairs, d))
    expected = np.zeros(shape[2:])
    for o in np.ndindex(*out):
        for _, coord, inside, _ in L.window_cells(o, shape[2:], k, s, d, pairs):
            if inside:
                expected[coord] += 1
    counts = R.col2im(R.im2col(np.ones(shape), **kwargs), shape, **kwargs)
    assert_exact(counts, np.broadcast_to(expected, shape))


@NO_DEADLINE
@given(case=unfold_case(), data=st.data())
def test_col2im_is_adjoint_of_im2col(case, data):
    """<im2col(x), c> == <x, col2im(c)> for all x and c (col2im is im2col's transpose)."""
    shape, kwargs = case
    x = data.draw(arrays(shape, np.float64, specials=False), label="x")
    cols_shape = R.im2col(x, **kwargs).shape
    c = data.draw(hnp.arrays(np.float64, cols_shape, elements=st.floats(-1e3, 1e3, allow_subnormal=False)),
                  label="cols")
    lhs = float(np.sum(R.im2col(x, **kwargs) * c))
    rhs = float(np.sum(x * R.col2im(c, shape, **kwargs)))
    magnitude = float(np.sum(R.im2col(np.abs(x), **kwargs) * np.abs(c)))
    n_terms = c.size + x.size
    assert abs(lhs - rhs) <= 2 * n_terms * eps(np.float64) * magnitude + n_terms * np.finfo(np.float64).tiny
