"""The reference agrees with the literal definitions (tests/literal.py) on hypothesis-generated cases.

Cases cover 1-D, 2-D and 3-D inputs, every padding form, asymmetric pads, dilation, ceil_mode, groups,
stride > kernel, size-1 dims and NaN/+-inf values.  Sizes stay small so the naive loops stay fast.

Selections (max pools, padding, im2col, relu) must match exactly, NaN-aware, with the same dtype and shape.
Sums are compared within a bound derived from the inputs: for an output that adds up n terms,
|reference - literal| <= (n + 2) * eps(dtype) * (the same op applied to |terms|), i.e. the classic
recursive-summation bound plus one rounding each for the final division and the final cast.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, note, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import literal as L
import reference as R

# The literal loops are slow by design; a deadline would only measure them.
NO_DEADLINE = settings(deadline=None)

MAX_SPATIAL = {1: 7, 2: 6, 3: 4}      # per-dim input size limit, by number of spatial dims
MAX_KERNEL = {1: 4, 2: 3, 3: 3}
SPECIALS = (math.nan, math.inf, -math.inf)
FLOATS = (np.float64, np.float32, np.float16)


def eps(dtype) -> float:
    dtype = np.dtype(dtype)
    return float(np.finfo(dtype).eps) if dtype.kind == "f" else float(np.finfo(np.float64).eps)


# ------------------------------------------------------------------------------------------ strategies

def finite_elements(dtype, *, magnitude=1e3, min_abs=0.0):
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        return st.integers(0 if dtype.kind == "u" else -100, 100)
    width = dtype.itemsize * 8
    elements = st.floats(-magnitude, magnitude, width=width, allow_subnormal=False)
    if min_abs:
        elements = elements.map(lambda v: v if abs(v) >= min_abs else 0.0)
    return elements


@st.composite
def arrays(draw, shape, dtype=np.float64, *, specials=True, magnitude=1e3, min_abs=0.0, name="x"):
    """An array of finite values with, optionally, up to 3 NaN/+-inf injected at drawn positions."""
    dtype = np.dtype(dtype)
    x = draw(hnp.arrays(dtype, shape, elements=finite_elements(dtype, magnitude=magnitude, min_abs=min_abs)),
             label=name)
    if specials and dtype.kind == "f" and x.size:
        n_specials = draw(st.integers(0, min(3, x.size)), label=f"{name}: number of NaN/inf")
        for i in range(n_specials):
            where = draw(st.integers(0, x.size - 1), label=f"{name}: special {i} flat index")
            x.flat[where] = draw(st.sampled_from(SPECIALS), label=f"{name}: special {i} value")
    return x


def _maybe_int(draw, values, name):
    """Pass a per-dim tuple, or a bare int when all dims agree (both forms are accepted)."""
    if len(set(values)) == 1 and draw(st.booleans(), label=f"{name} as int"):
        return values[0]
    return tuple(values)


@st.composite
def padding_spec(draw, nd, *, max_pad, causal=False):
    """A padding argument in one of the accepted forms, and its explicit pairs (None for the string forms,
    which depend on the input size)."""
    forms = ["valid", "same", "int", "ints", "pairs"] + (["causal"] if causal and nd == 1 else [])
    form = draw(st.sampled_from(forms), label="padding form")
    pad = st.integers(0, max_pad)
    if form in ("valid", "same", "causal"):
        return form, None
    if form == "int":
        p = draw(pad, label="padding")
        return p, ((p, p),) * nd
    if form == "ints":
        ps = tuple(draw(pad, label=f"padding[{i}]") for i in range(nd))
        return draw(st.sampled_from([list, tuple]), label="padding container")(ps), tuple((p, p) for p in ps)
    pairs = tuple((draw(pad, label=f"padding[{i}] before"), draw(pad, label=f"padding[{i}] after"))
                  for i in range(nd))
    return list(pairs), pairs


def _lowest_size(k, d, pair):
    """The smallest input size along a dim for which the window extent d*(k-1)+1 fits in the padded input."""
    pb, pa = pair if pair is not None else (0, 0)
    return max(1, d * (k - 1) + 1 - pb - pa)


@st.composite
def pool_case(draw, *, ceil=True, max_pad=3, spatial_ndim=None, max_batch=2, max_channels=3,
              window_exceeds=False):
    """Shape and keyword arguments of a valid pooling call (output size >= 1 on every dim).

    Normally the window extent d*(k-1)+1 fits in the padded input on every dim.  With window_exceeds=True
    it does not on dim 0, in ceil mode, where the formula still gives one window (the case torch and ONNX
    accept: the ceil-mode window hangs over the end of input + padding).
    """
    nd = spatial_ndim or draw(st.integers(1, 3), label="spatial ndim")
    k = tuple(draw(st.integers(2 if window_exceeds and i == 0 else 1, MAX_KERNEL[nd]), label=f"kernel[{i}]")
              for i in range(nd))
    if not window_exceeds and draw(st.booleans(), label="stride None (= kernel)"):
        s_arg, s = None, k
    else:
        s = tuple(draw(st.integers(2 if window_exceeds and i == 0 else 1, 4), label=f"stride[{i}]")
                  for i in range(nd))
        s_arg = _maybe_int(draw, s, "stride")
    d = tuple(draw(st.integers(1, 3 if nd < 3 else 2), label=f"dilation[{i}]") for i in range(nd))
    ceil_mode = True if window_exceeds else draw(st.booleans(), label="ceil_mode") if ceil else False
    max_pad = max_pad if nd < 3 else min(max_pad, 2)
    paddings = padding_spec(nd, max_pad=max_pad).filter(lambda p: not window_exceeds or p[0] != "same")
    padding, pairs = draw(paddings, label="padding")
    spatial = []
    for i in range(nd):
        lo = _lowest_size(k[i], d[i], pairs[i] if pairs else None)
        if window_exceeds and i == 0:
            pb, pa = pairs[0] if pairs else (0, 0)
            # ceil((n + pb + pa - d*(k-1) - 1)/s) + 1 >= 1  <=>  n + pb + pa - d*(k-1) - 1 > -s
            lowest = max(1, d[0] * (k[0] - 1) + 2 - s[0] - pb - pa)
            assume(lowest <= lo - 1)
            spatial.append(draw(st.integers(lowest, lo - 1), label="size[0]"))
            continue
        assume(lo <= MAX_SPATIAL[nd])
        spatial.append(draw(st.integers(lo, MAX_SPATIAL[nd]), label=f"size[{i}]"))
    shape = (draw(st.integers(1, max_batch), label="N"), draw(st.integers(1, max_channels), label="C"),
             *spatial)
    kwargs = {"kernel_size": _maybe_int(draw, k, "kernel_size"), "stride": s_arg, "padding": padding,
              "dilation": _maybe_int(draw, d, "dilation"), "ceil_mode": ceil_mode}
    try:
        L._pool_geometry(np.empty(shape), **kwargs)
    except ValueError:
        assume(False)  # an output size < 1: not a valid case (test_errors covers it)
    return shape, kwargs


@st.composite
def conv_case(draw, *, max_pad=3, dtype=np.float64, specials=True, bias=True, max_groups=3):
    """Input, weight, bias and keyword arguments of a valid conv call."""
    nd = draw(st.integers(1, 3), label="spatial ndim")
    groups = draw(st.integers(1, max_groups), label="groups")
    cg = draw(st.integers(1, 2 if nd < 3 else 1), label="C_in per group")
    og = draw(st.integers(1, 2), label="C_out per group")
    k = tuple(draw(st.integers(1, 3), label=f"kernel[{i}]") for i in range(nd))
    s = tuple(draw(st.integers(1, 4), label=f"stride[{i}]") for i in range(nd))
    d = tuple(draw(st.integers(1, 3 if nd < 3 else 2), label=f"dilation[{i}]") for i in range(nd))
    padding, pairs = draw(padding_spec(nd, max_pad=max_pad if nd < 3 else 1, causal=True), label="padding")
    spatial = []
    for i in range(nd):
        pair = pairs[i] if pairs else ((d[i] * (k[i] - 1), 0) if padding == "causal" else None)
        lo = _lowest_size(k[i], d[i], pair)
        assume(lo <= MAX_SPATIAL[nd])
        spatial.append(draw(st.integers(lo, MAX_SPATIAL[nd]), label=f"size[{i}]"))
    n_batch = draw(st.integers(1, 2), label="N")
    x = draw(arrays((n_batch, groups * cg, *spatial), dtype, specials=specials), label="input")
    w = draw(arrays((groups * og, cg, *k), dtype, specials=False, name="weight"), label="weight")
    b = None
    if bias and draw(st.booleans(), label="with bias"):
        b = draw(arrays((groups * og,), dtype, specials=False, name="bias"), label="bias")
    kwargs = {"stride": _maybe_int(draw, s, "stride"), "padding": padding,
              "dilation": _maybe_int(draw, d, "dilation"), "groups": groups}
    try:
        L._conv_geometry(x, k, kwargs["stride"], padding, kwargs["dilation"])
    except ValueError:
        assume(False)
    return x, w, b, kwargs


# ------------------------------------------------------------------------------------------- checks

def assert_exact(ref, lit, dtype=None):
    """Same shape, same dtype (that of `lit` unless given) and the same values, NaN == NaN."""
    ref = np.asarray(ref)
    expected = np.asarray(lit, dtype=dtype) if dtype is not None else np.asarray(lit)
    np.testing.assert_array_equal(ref, expected, strict=True)


def assert_within(ref, lit, bound, dtype):
    """ref has `dtype` and lit's shape; where lit is finite |ref - lit| <= bound, elsewhere ref == lit."""
    ref = np.asarray(ref)
    assert ref.dtype == np.dtype(dtype), f"dtype {ref.dtype}, expected {np.dtype(dtype)}"
    assert ref.shape == lit.shape, f"shape {ref.shape}, expected {lit.shape}"
    ref64 = ref.astype(np.float64)
    finite = np.isfinite(lit)
    np.testing.assert_array_equal(ref64[~finite], lit[~finite], err_msg="non-finite outputs differ")
    with np.errstate(invalid="ignore"):
        err = np.abs(ref64 - lit)
    bad = finite & ~(err <= bound)
    assert not bad.any(), (
        f"{bad.sum()} outputs outside the rounding bound; first at {np.argwhere(bad)[0].tolist()}: "
        f"ref {ref64[bad][0]!r}, literal {lit[bad][0]!r}, |diff| {err[bad][0]!r} > bound {bound[bad][0]!r}")


def n_cells(kernel_size, nd):
    return math.prod(L._ntuple(kernel_size, nd))


# ---------------------------------------------------------------------------------------- signatures

@pytest.mark.parametrize("name", L.__all__)
def test_signature_matches_literal(name):
    """Same parameter names, order, kinds and defaults as the literal definition (the spec's Public API;
    col2im, which the spec leaves open, follows torch F.fold with the full input shape)."""
    import inspect

    def params(fn):
        return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]

    assert params(getattr(R, name)) == params(getattr(L, name))


# ------------------------------------------------------------------------------------- shapes, padding

@given(size=st.integers(1, 12), kernel=st.integers(1, 5), stride=st.integers(1, 5),
       dilation=st.integers(1, 3), ceil_mode=st.booleans(),
       padding=st.one_of(st.integers(0, 4), st.tuples(st.integers(0, 4), st.integers(0, 4))))
def test_output_size(size, kernel, stride, padding, dilation, ceil_mode):
    args = (size, kernel, stride, padding, dilation, ceil_mode)
    try:
        expected = L.output_size(*args)
    except ValueError:
        with pytest.raises(ValueError):
            R.output_size(*args)
        return
    got = R.output_size(*args)
    assert got == expected and isinstance(got, (int, np.integer)), (got, expected)


@st.composite
def padding_case(draw):
    nd = draw(st.integers(1, 3), label="spatial ndim")
    spatial = tuple(draw(st.integers(1, 9), label=f"size[{i}]") for i in range(nd))
    k = tuple(draw(st.integers(1, 5), label=f"kernel[{i}]") for i in range(nd))
    s = tuple(draw(st.integers(1, 4), label=f"stride[{i}]") for i in range(nd))
    d = tuple(draw(st.integers(1, 3), label=f"dilation[{i}]") for i in range(nd))
    padding, _ = draw(padding_spec(nd, max_pad=4, causal=True), label="padding")
    return padding, spatial, _maybe_int(draw, k, "kernel_size"), _maybe_int(draw, s, "stride"), \
        _maybe_int(draw, d, "dilation")


@given(case=padding_case())
def test_resolve_padding(case):
    got = R.resolve_padding(*case)
    assert tuple((int(b), int(a)) for b, a in got) == L.resolve_padding(*case)


@st.composite
def zero_pad_case(draw):
    nd = draw(st.integers(1, 3), label="spatial ndim")
    shape = (draw(st.integers(1, 2), label="N"), draw(st.integers(1, 3), label="C"),
             *(draw(st.integers(1, MAX_SPATIAL[nd]), label=f"size[{i}]") for i in range(nd)))
    dtype = draw(st.sampled_from([np.float64, np.float32, np.float16, np.int32, np.int64]), label="dtype")
    x = draw(arrays(shape, dtype), label="x")
    padding = draw(st.one_of(st.just("valid"), padding_spec(nd, max_pad=3).map(lambda p: p[0])
                             .filter(lambda p: not isinstance(p, str))), label="padding")
    return x, padding


@given(case=zero_pad_case())
def test_zero_pad(case):
    x, padding = case
    assert_exact(R.zero_pad(x, padding), L.zero_pad(x, padding))


# -------------------------------------------------------------------------------------------- pooling

@NO_DEADLINE
@given(data=st.data())
def test_max_pool(data):
    shape, kwargs = data.draw(pool_case(), label="case")
    dtype = data.draw(st.sampled_from([*FLOATS, np.int32, np.int64]), label="dtype")
    x = data.draw(arrays(shape, dtype), label="x")
    try:
        expected = L.max_pool(x, **kwargs)
    except ValueError:
        assume(False)  # integer input with a window of padding only: -inf has no integer value
    assert_exact(R.max_pool(x, **kwargs), expected)


@NO_DEADLINE
@given(data=st.data())
def test_avg_pool(data):
    shape, kwargs = data.draw(pool_case(), label="case")
    dtype = data.draw(st.sampled_from(FLOATS), label="dtype")
    x = data.draw(arrays(shape, dtype), label="x")
    kwargs["count_include_pad"] = data.draw(st.booleans(), label="count_include_pad")
    kwargs["divisor_override"] = data.draw(st.none() | st.integers(1, 5), label="divisor_override")
    try:
        expected = L.avg_pool(x, **kwargs)
    except ValueError:
        assume(False)  # count_include_pad=False and a window without input cells (test_errors covers it)
    n = n_cells(kwargs["kernel_size"], len(shape) - 2)
    bound = (n + 2) * eps(dtype) * L.avg_pool(np.abs(x), **kwargs)
    assert_within(R.avg_pool(x, **kwargs), expected, bound, dtype)


@NO_DEADLINE
@given(data=st.data())
def test_sum_pool(data):
    shape, kwargs = data.draw(pool_case(), label="case")
    dtype = data.draw(st.sampled_from(FLOATS), label="dtype")
    x = data.draw(arrays(shape, dtype), label="x")
    n = n_cells(kwargs["kernel_size"], len(shape) - 2)
    bound = (n + 2) * eps(dtype) * L.sum_pool(np.abs(x), **kwargs)
    assert_within(R.sum_pool(x, **kwargs), L.sum_pool(x, **kwargs), bound, dtype)


@NO_DEADLINE
@given(data=st.data())
def test_lp_pool(data):
    shape, kwargs = data.draw(pool_case(), label="case")
    dtype = data.draw(st.sampled_from([np.float64, np.float32]), label="dtype")
    p = data.draw(st.sampled_from([1, 2, 3, 1.5, 0.5]), label="norm_type")
    # |x|^p stays a normal number (no underflow) for both dtypes
    x = data.draw(arrays(shape, dtype, min_abs=1e-6 if dtype == np.float32 else 1e-30), label="x")
    expected = L.lp_pool(x, p, **kwargs)
    # sum of n terms |x|^p (each pow within an ulp) -> relative error (n + 2) eps; the root scales it by
    # 1/p and adds one rounding.
    n = n_cells(kwargs["kernel_size"], len(shape) - 2)
    bound = ((n + 2) * max(1.0, 1.0 / p) + 2) * eps(dtype) * np.abs(expected)
    assert_within(R.lp_pool(x, p, **kwargs), expected, bound, dtype)


@NO_DEADLINE
@pytest.mark.parametrize("op", ["max_pool", "avg_pool", "sum_pool", "lp_pool"])
@given(data=st.data())
def test_pools_ceil_mode_window_beyond_padded_input(op, data):
    """ceil mode gives one window even when the window extent exceeds input + padding on a dim (torch:
    F.max_pool1d(x of length 2, 3, 2, ceil_mode=True) has one output); the overhang is not counted."""
    shape, kwargs = data.draw(pool_case(window_exceeds=True), label="case")
    x = data.draw(arrays(shape, np.float64, min_abs=1e-30), label="x")
    args = (2,) if op == "lp_pool" else ()
    expected = getattr(L, op)(x, *args, **kwargs)
    got = getattr(R, op)(x, *args, **kwargs)
    if op == "max_pool":
        assert_exact(got, expected)
    else:
        n = n_cells(kwargs["kernel_size"], len(shape) - 2)
        bound = (n + 4) * eps(np.float64) * getattr(L, op)(np.abs(x), *args, **kwargs)
        assert_within(got, expected, bound, np.float64)


@st.composite
def global_case(draw):
    nd = draw(st.integers(1, 3), label="spatial ndim")
    shape = (draw(st.integers(1, 2), label="N"), draw(st.integers(1, 3), label="C"),
             *(draw(st.integers(1, MAX_SPATIAL[nd]), label=f"size[{i}]") for i in range(nd)))
    dtype = draw(st.sampled_from(FLOATS), label="dtype")
    return draw(arrays(shape, dtype), label="x")


@given(x=global_case())
def test_global_max_pool(x):
    assert_exact(R.global_max_pool(x), L.global_max_pool(x))


@given(x=global_case().filter(lambda x: x.dtype != np.float16))
def test_global_avg_pool(x):
    n = math.prod(x.shape[2:])
    bound = (n + 2) * eps(x.dtype) * L.global_avg_pool(np.abs(x))
    assert_within(R.global_avg_pool(x), L.global_avg_pool(x), bound, x.dtype)


@st.composite
def adaptive_case(draw, dtypes=FLOATS):
    nd = draw(st.integers(1, 3), label="spatial ndim")
    spatial = tuple(draw(st.integers(1, MAX_SPATIAL[nd]), label=f"size[{i}]") for i in range(nd))
    shape = (draw(st.integers(1, 2), label="N"), draw(st.integers(1, 3), label="C"), *spatial)
    dtype = draw(st.sampled_from(dtypes), label="dtype")
    x = draw(arrays(shape, dtype), label="x")
    # out may exceed L: the windows then overlap but are never empty
    out = tuple(draw(st.integers(1, n + 2), label=f"output_size[{i}]") for i, n in enumerate(spatial))
    return x, _maybe_int(draw, out, "output_size")


@given(case=adaptive_case())
def test_adaptive_max_pool(case):
    x, out = case
    assert_exact(R.adaptive_max_pool(x, out), L.adaptive_max_pool(x, out))


@given(case=adaptive_case(dtypes=(np.float64, np.float32)))
def test_adaptive_avg_pool(case):
    x, out = case
    n = max(b - a for length in x.shape[2:] for m in L._ntuple(out, x.ndim - 2)
            for a, b in L.adaptive_windows(length, m))
    n = n ** (x.ndim - 2)  # an upper bound on the cells of any window
    bound = (n + 2) * eps(x.dtype) * L.adaptive_avg_pool(np.abs(x), out)
    assert_within(R.adaptive_avg_pool(x, out), L.adaptive_avg_pool(x, out), bound, x.dtype)


def test_adaptive_windows_literal():
    """The literal window rule itself, on torch's documented example (L=5, out=3 -> [0,2), [1,4), [3,5))."""
    assert L.adaptive_windows(5, 3) == [(0, 2), (1, 4), (3, 5)]
    assert L.adaptive_windows(4, 2) == [(0, 2), (2, 4)]
    assert L.adaptive_windows(2, 4) == [(0, 1), (0, 1), (1, 2), (1, 2)]


# ----------------------------------------------------------------------------------------------- conv

def conv_bound(x, w, b, kwargs):
    """n terms (products and the bias): (n + 2) eps * sum|terms|, plus the smallest normal number per
    product for products that underflow."""
    n_terms = w.shape[1] * math.prod(w.shape[2:]) + 1
    abs_terms = L.conv(np.abs(x), np.abs(w), None if b is None else np.abs(b), **kwargs)
    return (n_terms + 2) * eps(x.dtype) * abs_terms + n_terms * np.finfo(x.dtype).tiny


@NO_DEADLINE
@given(case=conv_case())
def test_conv(case):
    x, w, b, kwargs = case
    expected = L.conv(x, w, b, **kwargs)
    assert_within(R.conv(x, w, b, **kwargs), expected, conv_bound(x, w, b, kwargs), np.float64)


@NO_DEADLINE
@given(case=conv_case(dtype=np.float32))
def test_conv_float32(case):
    x, w, b, kwargs = case
    expected = L.conv(x, w, b, **kwargs)
    assert_within(R.conv(x, w, b, **kwargs), expected, conv_bound(x, w, b, kwargs), np.float32)


@st.composite
def unfold_case(draw):
    shape, kwargs = draw(pool_case(ceil=False, max_channels=2), label="case")
    nd = len(shape) - 2
    del kwargs["ceil_mode"]
    if kwargs["stride"] is None:
        kwargs["stride"] = 1
    kwargs["kernel_size"] = L._ntuple(kwargs["kernel_size"], nd)
    return shape, kwargs


@NO_DEADLINE
@given(data=st.data())
def test_im2col(data):
    shape, kwargs = data.draw(unfold_case(), label="case")
    dtype = data.draw(st.sampled_from([*FLOATS, np.int64]), label="dtype")
    x = data.draw(arrays(shape, dtype), label="x")
    assert_exact(R.im2col(x, **kwargs), L.im2col(x, **kwargs))


@NO_DEADLINE
@given(data=st.data())
def test_col2im(data):
    shape, kwargs = data.draw(unfold_case(), label="case")
    cols_shape = L.im2col(np.zeros(shape), **kwargs).shape
    cols = data.draw(arrays(cols_shape, np.float64), label="cols")
    expected = L.col2im(cols, shape, **kwargs)
    n = math.prod(kwargs["kernel_size"])  # a cell is covered by at most prod(kernel) (window, offset) pairs
    bound = (n + 2) * eps(np.float64) * L.col2im(np.abs(cols), shape, **kwargs)
    assert_within(R.col2im(cols, shape, **kwargs), expected, bound, np.float64)


# ------------------------------------------------------------------------------------ dense, activations

@st.composite
def dense_case(draw, dtype=np.float64):
    lead = tuple(draw(st.integers(1, 3), label=f"batch dim {i}")
                 for i in range(draw(st.integers(1, 2), label="batch ndim")))
    n_in = draw(st.integers(1, 6), label="in_features")
    n_out = draw(st.integers(1, 4), label="out_features")
    x = draw(arrays((*lead, n_in), dtype), label="x")
    w = draw(arrays((n_out, n_in), dtype, specials=False, name="weight"), label="weight")
    b = draw(st.none() | arrays((n_out,), dtype, specials=False, name="bias"), label="bias")
    return x, w, b


@given(case=dense_case())
def test_dense(case):
    x, w, b = case
    n_terms = w.shape[1] + 1  # products and the bias; products may underflow (smallest normal each)
    bound = ((n_terms + 2) * eps(np.float64) * L.dense(np.abs(x), np.abs(w), None if b is None else np.abs(b))
             + n_terms * np.finfo(np.float64).tiny)
    assert_within(R.dense(x, w, b), L.dense(x, w, b), bound, np.float64)


@st.composite
def any_array(draw, dtypes=(np.float64,), magnitude=1e3):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, max_side=4), label="shape")
    dtype = draw(st.sampled_from(dtypes), label="dtype")
    return draw(arrays(shape, dtype, magnitude=magnitude), label="x")


@given(x=any_array(dtypes=FLOATS))
def test_relu(x):
    assert_exact(R.relu(x), L.relu(x))


@given(x=any_array(), slope=st.sampled_from([0.01, 0.2, 0.3, 1.0, 1.5, -0.5]))
def test_leaky_relu(x, slope):
    assert_exact(R.leaky_relu(x, slope), L.leaky_relu(x, slope))


@given(x=any_array(dtypes=(np.float32,)), slope=st.sampled_from([0.01, 0.2, 0.3]))
def test_leaky_relu_float32(x, slope):
    lit = L.leaky_relu(x, slope)
    # two roundings (slope to float32, the product); a result in the subnormal range is off by < 1 subnormal
    bound = 2 * eps(np.float32) * np.abs(lit) + np.finfo(np.float32).smallest_subnormal
    assert_within(R.leaky_relu(x, slope), lit, bound, np.float32)


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
@given(x=any_array(dtypes=(np.float64, np.float32), magnitude=800))
def test_sigmoid_tanh(name, x):
    lit = getattr(L, name)(x)
    note(f"literal {lit!r}")
    # a few roundings, relative; plus the smallest normal number for results that underflow
    bound = 4 * eps(x.dtype) * np.abs(lit) + np.finfo(x.dtype).tiny
    assert_within(getattr(R, name)(x), lit, bound, x.dtype)
