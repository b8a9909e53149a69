"""Meta tests of `conformance.compare.error_bound`: the per-element tolerance for summed outputs.

The bound claims that ANY summation order, carried out in the input's own format (unit roundoff u),
lands within  gamma_{K+2}(u) * sum|terms| / D + (K+2) * eta  of the exact answer (plus the float64
reference's own error): for float32 and float64 that is the spec's default, for float16 and bfloat16 the
loose bound a `computes_in` divergence gets. The spec's own half-precision bound (float32 accumulation,
rounded once) has tests of its own below. These tests play a "framework" that does exactly that,
written here with plain Python loops over the windows (nothing from `reference` computes the
low-precision result):

- the terms are summed in the working format, rounding after every add (np.float16 / np.float32 /
  ml_dtypes.bfloat16 scalars), in several orders: forward, reversed, pairwise (tree), SIMD-style lanes
  and a random permutation;
- the sum is then divided by the divisor in that format, or multiplied by the rounded reciprocal;
- products (dense, conv) and powers (lp_pool) are rounded to the format before they are summed.

Every such result must lie within the bound. Conversely the bound must not be vacuous: answers computed
by a known-wrong rule (a dropped term, the wrong divisor, a few ulps off) must fall outside it, and exact
ops must get no bound at all (None: compared exactly).

Why numpy's low-precision scalar arithmetic is a faithful model: float16 and bfloat16 ops are evaluated
in float32 and rounded once more, float32 ops in float64; with p' >= 2p + 2 bits that double rounding
equals one correct rounding for + - * / (Figueroa 1995), so each op rounds exactly once, as the model
assumes.
"""

from __future__ import annotations

import itertools
import math
import random

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from conformance.cases import Case, reference_output
from conformance.compare import error_bound

BF16 = np.dtype(ml_dtypes.bfloat16)
DTYPES = {"float16": np.dtype(np.float16), "float32": np.dtype(np.float32), "bfloat16": BF16}
# the input range per format; wide enough to mix magnitudes, narrow enough that no sum overflows
POOL_RANGE = {"float16": 100.0, "float32": 1e4, "bfloat16": 100.0}
PRODUCT_RANGE = {"float16": 10.0, "float32": 1e3, "bfloat16": 10.0}
# the same unit roundoffs the bound should use, written down here independently
UNIT_ROUNDOFF = {"float16": 2.0**-11, "float32": 2.0**-24, "bfloat16": 2.0**-8}

SETTINGS = settings(deadline=None, max_examples=60)


# ------------------------------------------------------------------------------ the "framework" side

def _forward(terms, T):
    acc = T(0)
    for t in terms:
        acc = T(acc + t)
    return acc


def _reversed(terms, T):
    return _forward(terms[::-1], T)


def _pairwise(terms, T):
    if not terms:
        return T(0)
    if len(terms) == 1:
        return T(terms[0])
    mid = len(terms) // 2
    return T(_pairwise(terms[:mid], T) + _pairwise(terms[mid:], T))


def _lanes(terms, T, width=4):
    """Vectorised style: `width` running accumulators (term i goes to lane i % width), then a tree."""
    return _pairwise([_forward(terms[lane::width], T) for lane in range(width)], T)


def _shuffled(rng: random.Random):
    def total(terms, T):
        terms = list(terms)
        rng.shuffle(terms)
        return _forward(terms, T)
    return total


def summations(rng: random.Random):
    return {"forward": _forward, "reversed": _reversed, "pairwise": _pairwise, "lanes": _lanes,
            "permuted": _shuffled(rng)}


def _divide(total, divisor, T):
    return T(total / T(divisor))


def _reciprocal(total, divisor, T):
    return T(total * T(1.0 / divisor))


DIVISIONS = {"divide": _divide, "reciprocal": _reciprocal}


def _scalars(a: np.ndarray) -> list:
    """The elements of `a` as scalars of its own format (so arithmetic on them rounds to that format)."""
    T = a.dtype.type
    return [T(v) for v in a.reshape(-1)]


def window_positions(n: int, k: int, s: int, pb: int, out: int):
    """For each output position, the input cells its window covers (padding cells dropped)."""
    return [[o * s + j - pb for j in range(k) if 0 <= o * s + j - pb < n] for o in range(out)]


def framework_pool(case: Case, x: np.ndarray, pads, summation, division, divisor_rule) -> np.ndarray:
    """avg/sum pooling by loops: per window, the in-input terms summed in x's format, then divided.

    divisor_rule(n_inside, n_box) -> the divisor (None: no division, sum pooling)."""
    T = x.dtype.type
    spatial, k, s = x.shape[2:], case.kernel, case.strides
    outs = [(n + pb + pa - kk) // ss + 1 for n, kk, ss, (pb, pa) in zip(spatial, k, s, pads)]
    per_dim = [window_positions(n, kk, ss, pb, o) for n, kk, ss, (pb, _), o in zip(spatial, k, s, pads, outs)]
    y = np.zeros(x.shape[:2] + tuple(outs), dtype=x.dtype)
    for nc in itertools.product(range(x.shape[0]), range(x.shape[1])):
        for pos in itertools.product(*(range(o) for o in outs)):
            cells = list(itertools.product(*(per_dim[d][p] for d, p in enumerate(pos))))
            total = summation([T(x[nc + c]) for c in cells], T)
            divisor = divisor_rule(len(cells), math.prod(k))
            y[nc + pos] = total if divisor is None else division(total, divisor, T)
    return y


def as_dtype(a: np.ndarray, dtype: str) -> np.ndarray:
    return a.astype(DTYPES.get(dtype, np.dtype(dtype)))


def values(dtype: str, shape, limit: float):
    """Finite values of the format within [-limit, limit], zeros and subnormals included."""
    if dtype == "float16":
        return hnp.arrays(np.float16, shape, elements=st.floats(-limit, limit, width=16)).map(
            lambda a: as_dtype(a, dtype))
    return hnp.arrays(np.float32, shape, elements=st.floats(-limit, limit, width=32)).map(
        lambda a: as_dtype(a, dtype))


def assert_within(case: Case, expected: np.ndarray, actual: np.ndarray, how: str,
                  spec_default: bool = False) -> None:
    """Within the bound for a target accumulating in the input's own format, as the loop "frameworks" here
    do (for float16 and bfloat16 the loose bound a `computes_in` divergence gets); with `spec_default`,
    within the spec's own bound (half inputs: float32 accumulation, rounded once)."""
    bound = error_bound(case, expected, computes_in=None if spec_default else case.dtype)
    assert bound is not None, f"{case.op} is a sum, it needs a bound"
    assert bound.shape == expected.shape
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    err = np.abs(actual.astype(np.float64) - expected)
    bad = ~(err <= bound)
    if bad.any():
        i = tuple(int(v) for v in np.argwhere(bad)[0])
        raise AssertionError(f"{case!r}, {how}: at {list(i)} expected {expected[i]!r}, computed "
                             f"{float(actual[i])!r}, |diff| {err[i]:.3g} > bound {bound[i]:.3g}")


# ------------------------------------------------------------------------------ strategies

@st.composite
def pool_geometry(draw, rank: int, max_cells: int = 64):
    """kernel, stride, symmetric padding (<= k//2, so no window is padding only) and a spatial shape."""
    max_k = max_cells if rank == 1 else 8
    kernel = tuple(draw(st.integers(1, max_k), label=f"kernel[{i}]") for i in range(rank))
    stride = tuple(draw(st.integers(1, 4), label=f"stride[{i}]") for i in range(rank))
    pad = tuple(draw(st.integers(0, k // 2), label=f"pad[{i}]") for i, k in enumerate(kernel))
    spatial = tuple(draw(st.integers(max(1, k - 2 * p), k - 2 * p + 8), label=f"n[{i}]")
                    for i, (k, p) in enumerate(zip(kernel, pad)))
    return kernel, stride, pad, spatial


# ------------------------------------------------------------------------------ the bound holds

@pytest.mark.parametrize("dtype", list(DTYPES))
@pytest.mark.parametrize("op", ["sum_pool", "avg_pool"])
@SETTINGS
@given(data=st.data(), rank=st.sampled_from([1, 2]), rng=st.randoms(use_true_random=False))
def test_pool_sums_in_any_order_are_within_bound(op, dtype, data, rank, rng):
    kernel, stride, pad, spatial = data.draw(pool_geometry(rank), label="geometry")
    channels = data.draw(st.integers(1, 2), label="C")
    x = data.draw(values(dtype, (1, channels, *spatial), POOL_RANGE[dtype]), label="x")
    params = {"kernel_size": kernel, "stride": stride, "padding": pad}
    pads = tuple((p, p) for p in pad)
    if op == "sum_pool":
        rule = lambda inside, box: None  # noqa: E731
    else:
        include_pad = data.draw(st.booleans(), label="count_include_pad")
        override = data.draw(st.one_of(st.none(), st.integers(1, 9)), label="divisor_override")
        params.update(count_include_pad=include_pad, divisor_override=override)
        rule = lambda inside, box: override or (box if include_pad else inside)  # noqa: E731
    case = Case(op, x, **params)
    expected = reference_output(case)
    for (s_name, summation), (d_name, division) in itertools.product(summations(rng).items(),
                                                                     DIVISIONS.items()):
        if op == "sum_pool" and d_name != "divide":
            continue
        actual = framework_pool(case, x, pads, summation, division, rule)
        assert_within(case, expected, actual, f"{s_name} summation, {d_name}")


@pytest.mark.parametrize("dtype", list(DTYPES))
@SETTINGS
@given(data=st.data(), rng=st.randoms(use_true_random=False))
def test_global_avg_pool_in_any_order_is_within_bound(dtype, data, rng):
    rank = data.draw(st.integers(1, 2), label="rank")
    spatial = tuple(data.draw(st.integers(1, 64 if rank == 1 else 8), label=f"n[{i}]") for i in range(rank))
    x = data.draw(values(dtype, (2, 2, *spatial), POOL_RANGE[dtype]), label="x")
    case = Case("global_avg_pool", x)
    expected = reference_output(case)
    T = x.dtype.type
    for (s_name, summation), (d_name, division) in itertools.product(summations(rng).items(),
                                                                     DIVISIONS.items()):
        actual = np.zeros((2, 2) + (1,) * rank, dtype=x.dtype)
        for n, c in itertools.product(range(2), range(2)):
            terms = _scalars(x[n, c])
            actual[(n, c) + (0,) * rank] = division(summation(terms, T), len(terms), T)
        assert_within(case, expected, actual, f"{s_name} summation, {d_name}")


def _adaptive_span(i: int, n: int, out: int) -> range:
    return range(math.floor(i * n / out), math.ceil((i + 1) * n / out))


@pytest.mark.parametrize("dtype", list(DTYPES))
@SETTINGS
@given(data=st.data(), rng=st.randoms(use_true_random=False))
def test_adaptive_avg_pool_in_any_order_is_within_bound(dtype, data, rng):
    rank = data.draw(st.integers(1, 2), label="rank")
    spatial = tuple(data.draw(st.integers(1, 40 if rank == 1 else 9), label=f"n[{i}]") for i in range(rank))
    out = tuple(data.draw(st.integers(1, n + 2), label=f"out[{i}]") for i, n in enumerate(spatial))
    x = data.draw(values(dtype, (1, 2, *spatial), POOL_RANGE[dtype]), label="x")
    case = Case("adaptive_avg_pool", x, output_size=out)
    expected = reference_output(case)
    T = x.dtype.type
    for (s_name, summation), (d_name, division) in itertools.product(summations(rng).items(),
                                                                     DIVISIONS.items()):
        actual = np.zeros((1, 2, *out), dtype=x.dtype)
        for c in range(2):
            for pos in itertools.product(*(range(o) for o in out)):
                spans = [_adaptive_span(i, n, o) for i, n, o in zip(pos, spatial, out)]
                cells = [(0, c, *cell) for cell in itertools.product(*spans)]
                terms = [T(x[cell]) for cell in cells]
                out_index = (0, c, *pos)
                actual[out_index] = division(summation(terms, T), len(terms), T)
        assert_within(case, expected, actual, f"{s_name} summation, {d_name}")


@pytest.mark.parametrize("dtype", list(DTYPES))
@SETTINGS
@given(data=st.data(), rng=st.randoms(use_true_random=False))
def test_dense_in_any_order_is_within_bound(dtype, data, rng):
    batch = data.draw(st.integers(1, 3), label="batch")
    fin = data.draw(st.integers(1, 32), label="in_features")
    fout = data.draw(st.integers(1, 3), label="out_features")
    limit = PRODUCT_RANGE[dtype]
    x = data.draw(values(dtype, (batch, fin), limit), label="x")
    w = data.draw(values(dtype, (fout, fin), limit), label="weight")
    b = data.draw(st.one_of(st.none(), values(dtype, (fout,), limit)), label="bias")
    case = Case("dense", x, weight=w, bias=b)
    expected = reference_output(case)
    T = x.dtype.type
    for s_name, summation in summations(rng).items():
        actual = np.zeros((batch, fout), dtype=x.dtype)
        for i, o in itertools.product(range(batch), range(fout)):
            terms = [T(T(x[i, j]) * T(w[o, j])) for j in range(fin)]  # each product rounded
            if b is not None:
                terms.append(T(b[o]))
            actual[i, o] = summation(terms, T)
        assert_within(case, expected, actual, f"{s_name} summation")


@pytest.mark.parametrize("dtype", list(DTYPES))
@SETTINGS
@given(data=st.data(), rng=st.randoms(use_true_random=False))
def test_conv1d_in_any_order_is_within_bound(dtype, data, rng):
    c_in = data.draw(st.integers(1, 4), label="C_in")
    c_out = data.draw(st.integers(1, 3), label="C_out")
    k = data.draw(st.integers(1, 8), label="kernel")
    s = data.draw(st.integers(1, 3), label="stride")
    p = data.draw(st.integers(0, k - 1), label="padding")
    n = data.draw(st.integers(max(1, k - 2 * p), k + 8), label="n")
    limit = PRODUCT_RANGE[dtype]
    x = data.draw(values(dtype, (1, c_in, n), limit), label="x")
    w = data.draw(values(dtype, (c_out, c_in, k), limit), label="weight")
    b = data.draw(st.one_of(st.none(), values(dtype, (c_out,), limit)), label="bias")
    case = Case("conv", x, weight=w, bias=b, stride=s, padding=p)
    expected = reference_output(case)
    T = x.dtype.type
    out = (n + 2 * p - k) // s + 1
    for s_name, summation in summations(rng).items():
        actual = np.zeros((1, c_out, out), dtype=x.dtype)
        for o, i in itertools.product(range(c_out), range(out)):
            terms = [T(T(x[0, c, i * s + j - p]) * T(w[o, c, j]))
                     for c in range(c_in) for j in range(k) if 0 <= i * s + j - p < n]
            if b is not None:
                terms.append(T(b[o]))
            actual[0, o, i] = summation(terms, T)
        assert_within(case, expected, actual, f"{s_name} summation")


def _power(v, p: int, T):
    """|v|^p by repeated multiplication in the format, rounding after each multiply."""
    a, acc = T(abs(v)), T(1)
    for _ in range(p):
        acc = T(acc * a)
    return acc


@pytest.mark.parametrize("dtype", list(DTYPES))
@pytest.mark.parametrize("p", [1, 2, 3])
@SETTINGS
@given(data=st.data(), rng=st.randoms(use_true_random=False))
def test_lp_pool_in_any_order_is_within_bound(p, dtype, data, rng):
    k = data.draw(st.integers(1, 32), label="kernel")
    s = data.draw(st.integers(1, 4), label="stride")
    n = data.draw(st.integers(k, k + 8), label="n")
    x = data.draw(values(dtype, (1, 2, n), 8.0), label="x")  # 32 * 8^3 stays far from float16's max
    case = Case("lp_pool", x, norm_type=p, kernel_size=(k,), stride=(s,))
    expected = reference_output(case)
    T = x.dtype.type
    out = (n - k) // s + 1
    for s_name, summation in summations(rng).items():
        actual = np.zeros((1, 2, out), dtype=x.dtype)
        for c, i in itertools.product(range(2), range(out)):
            total = summation([_power(x[0, c, i * s + j], p, T) for j in range(k)], T)
            actual[0, c, i] = T(float(total) ** (1.0 / p))  # the root, rounded once
        assert_within(case, expected, actual, f"{s_name} summation, p={p}")


def framework_lp_backward(x: np.ndarray, g: np.ndarray, p: int, k: int, s: int, summation,
                          order: str) -> np.ndarray | None:
    """lp_pool's gradient by loops in x's format: y per window as the forward framework computes it, then
    per term either g * y^(1-p) * sign(x) * |x|^(p-1) ("powers"), g * sign(x) * (|x| / y)^(p-1) ("ratio"),
    or as torch's autograd through K * avg_pool(x^p)^(1/p) ("torch": z = (S / K) * K, then
    ((((g * z^(1/p - 1)) / p) * K) / K) * (p * sign(x) * |x|^(p-1))), every product, quotient and power
    rounded, summed over the windows that read the cell; a window whose norm is 0 sends nothing (the
    spec's rule). None where an intermediate overflows on the way (the bound assumes none leaves the
    format's range; a target that overflows there departs)."""
    T = x.dtype.type
    n = x.shape[-1]
    out = (n - k) // s + 1
    grad = np.zeros(x.shape, dtype=x.dtype)
    for c in range(x.shape[1]):
        sums = [summation([_power(x[0, c, i * s + j], p, T) for j in range(k)], T) for i in range(out)]
        y = [T(float(total) ** (1.0 / p)) for total in sums]
        for cell in range(n):
            v = x[0, c, cell]
            reads = [i for i in range(out) if i * s <= cell < i * s + k and y[i] != 0]
            if v == 0:
                terms = [T(0) for _ in reads]
            elif order == "torch":
                local = T(T(p) * T(np.sign(v) * _power(v, p - 1, T)))
                terms = []
                for i in reads:
                    z = T(T(sums[i] / T(k)) * T(k))
                    if z == 0:  # relu's mask: a window whose average underflows sends nothing
                        terms.append(T(0))
                        continue
                    chain = T(T(T(T(g[0, c, i] * T(float(z) ** (1.0 / p - 1))) / T(p)) * T(k)) / T(k))
                    terms.append(T(chain * local))
                if not all(np.isfinite(terms)):
                    return None
            elif order == "ratio":
                terms = [T(T(g[0, c, i] * np.sign(v)) * T(float(T(abs(v) / y[i])) ** (p - 1))) for i in reads]
            else:
                local = T(np.sign(v) * _power(v, p - 1, T))
                scales = [T(g[0, c, i] * T(float(y[i]) ** (1 - p))) for i in reads]
                if not all(np.isfinite(scales)):
                    return None
                terms = [T(scale * local) for scale in scales]
            grad[0, c, cell] = summation(terms, T) if terms else T(0)
    return grad


@pytest.mark.parametrize("dtype", list(DTYPES))
@pytest.mark.parametrize("p", [1, 2, 3])
@SETTINGS
@given(data=st.data(), rng=st.randoms(use_true_random=False))
def test_lp_pool_backward_in_the_format_is_within_bound(p, dtype, data, rng):
    k = data.draw(st.integers(1, 8), label="kernel")
    s = data.draw(st.integers(1, 4), label="stride")
    n = data.draw(st.integers(k, k + 8), label="n")
    x = data.draw(values(dtype, (1, 2, n), 8.0), label="x")
    out = (n - k) // s + 1
    g = data.draw(values(dtype, (1, 2, out), 8.0), label="grad_output")
    case = Case("lp_pool_backward", x, norm_type=p, kernel_size=(k,), stride=(s,), grad_output=g)
    expected = reference_output(case)
    orders = ("powers", "ratio", "torch")
    for (s_name, summation), order in itertools.product(summations(rng).items(), orders):
        actual = framework_lp_backward(x, g, p, k, s, summation, order)
        if actual is not None:
            assert_within(case, expected, actual, f"{s_name} summation, {order}, p={p}")


# ------------------------------------------------------------------------------ the bound is not vacuous

@pytest.mark.parametrize("p", [1, 2, 3])
@SETTINGS
@given(data=st.data())
def test_an_lp_gradient_128_ulps_off_is_caught(p, data):
    """float32, x and g integers in [1, 8], <= 8 cells per window: every term has one sign, and the bound is
    below 32u of the gradient (e_i <= 14u, 10u, gamma_8), so 128u (2^-17) of it shows."""
    k = data.draw(st.integers(1, 8), label="kernel")
    n = data.draw(st.integers(k, k + 8), label="n")
    ints = st.integers(1, 8).map(float)
    x = data.draw(hnp.arrays(np.float32, (1, 1, n), elements=ints), label="x")
    g = data.draw(hnp.arrays(np.float32, (1, 1, n - k + 1), elements=ints), label="grad_output")
    case = Case("lp_pool_backward", x, norm_type=p, kernel_size=(k,), stride=(1,), grad_output=g)
    expected = reference_output(case)
    bound = error_bound(case, expected)
    assert bound is not None
    assert (np.abs(expected) * 2.0**-17 > bound).all(), f"bound {bound} for gradient {expected}"


@SETTINGS
@given(data=st.data())
def test_a_dropped_term_is_caught(data):
    """float32 sums of integers in [-100, 100] are exact (|sum| < 2^24), so leaving one nonzero term out
    of a window is off by >= 1, while the bound for <= 64 terms is below 66 * 2^-24 * 6400 < 0.03."""
    kernel, stride, pad, spatial = data.draw(pool_geometry(1), label="geometry")
    x = data.draw(hnp.arrays(np.float32, (1, 1, *spatial), elements=st.integers(-100, 100).map(float)),
                  label="x")
    case = Case("sum_pool", x, kernel_size=kernel, stride=stride, padding=pad)
    expected = reference_output(case)
    windows = window_positions(spatial[0], kernel[0], stride[0], pad[0], expected.shape[-1])
    pick = data.draw(st.sampled_from([(o, c) for o, cells in enumerate(windows) for c in cells
                                      if x[0, 0, c] != 0] or [None]), label="(output, dropped cell)")
    if pick is None:
        return  # all zeros: nothing to drop
    o, dropped = pick
    wrong = float(np.float32(sum(float(x[0, 0, c]) for c in windows[o] if c != dropped)))
    bound = error_bound(case, expected)[0, 0, o]
    note(f"expected {expected[0, 0, o]}, wrong {wrong}, bound {bound}")
    assert abs(wrong - expected[0, 0, o]) > bound


@pytest.mark.parametrize("dtype", ["float16", "float32", "bfloat16"])
def test_wrong_divisor_is_caught(dtype):
    """avg_pool, x = [1, 2, 3, 4], kernel 3, stride 1, padding 1, count_include_pad=True:

        padded:  pad  1  2  3  4  pad
        out 0:  [pad  1  2]          -> (0 + 1 + 2) / 3 = 1     (dividing by the 2 input cells: 1.5)
        out 3:           [3  4  pad] -> (3 + 4 + 0) / 3 = 7/3   (dividing by 2: 3.5)
    """
    x = as_dtype(np.array([[[1.0, 2.0, 3.0, 4.0]]]), dtype)
    case = Case("avg_pool", x, kernel_size=(3,), stride=(1,), padding=(1,))
    expected = reference_output(case)
    np.testing.assert_allclose(expected[0, 0], [1.0, 2.0, 3.0, 7.0 / 3.0], rtol=1e-15)
    bound = error_bound(case, expected)
    excluding_pad = np.array([[[1.5, 2.0, 3.0, 3.5]]])  # the count_include_pad=False divisor
    assert (np.abs(excluding_pad - expected) > bound)[0, 0, [0, 3]].all()
    # and the right answer, rounded to the format, passes
    assert (np.abs(as_dtype(expected, dtype).astype(np.float64) - expected) <= bound).all()


@pytest.mark.parametrize("dtype", ["float16", "float32", "bfloat16"])
def test_counting_the_ceil_overhang_is_caught(dtype):
    """avg_pool, x = [1, 2, 3, 4, 5], kernel 2, stride 2, ceil_mode: the last window hangs past the end.

        cells:   1  2 | 3  4 | 5  out
        out 2 reads [5, out]: the overhang is never counted, so 5 / 1 = 5 (dividing by k=2 gives 2.5)
    """
    x = as_dtype(np.array([[[1.0, 2.0, 3.0, 4.0, 5.0]]]), dtype)
    case = Case("avg_pool", x, kernel_size=(2,), stride=(2,), ceil_mode=True)
    expected = reference_output(case)
    np.testing.assert_array_equal(expected[0, 0], [1.5, 3.5, 5.0])
    bound = error_bound(case, expected)
    assert abs(2.5 - expected[0, 0, 2]) > bound[0, 0, 2]


@pytest.mark.parametrize("dtype", ["float16", "float32", "bfloat16"])
def test_bound_is_a_few_units_of_roundoff(dtype):
    """A 1-cell window (K = 1): one correct rounding (<= u|y|) is within the bound; 8u|y| off is not.
    gamma_3(u) ~ 3u, plus the float64 reference's share, puts the bound between them."""
    u = UNIT_ROUNDOFF[dtype]
    x = as_dtype(np.array([[[1.5, -3.0, 96.0]]]), dtype)
    case = Case("avg_pool", x, kernel_size=(1,))
    expected = reference_output(case)
    bound = error_bound(case, expected, computes_in=dtype)
    magnitude = np.abs(expected)
    assert (bound >= u * magnitude).all()
    assert (bound < 8 * u * magnitude).all()


def test_bound_grows_with_term_count_and_roundoff():
    """Same magnitudes, more terms -> a larger bound; float16 (u = 2^-11) -> larger than float32 (2^-24)."""
    ones16 = np.ones((1, 1, 64), np.float16)
    small = Case("avg_pool", ones16, kernel_size=(2,))
    large = Case("avg_pool", ones16, kernel_size=(64,))
    b_small = error_bound(small, reference_output(small), computes_in="float16")
    b_large = error_bound(large, reference_output(large), computes_in="float16")
    assert b_large.max() > 10 * b_small.max()  # 66 terms' worth vs 4
    as32 = large.replace(x=ones16.astype(np.float32))
    assert b_large.max() > 1000 * error_bound(as32, reference_output(as32)).max()


# ------------------------------------------------------------------------------ the tight half-precision spec

@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("op", ["sum_pool", "avg_pool"])
@SETTINGS
@given(data=st.data(), rng=st.randoms(use_true_random=False))
def test_float32_accumulation_rounded_once_is_within_the_default_bound(op, dtype, data, rng):
    """The spec's own model for half inputs: the terms summed in float32 in any order, divided in float32,
    and the result rounded once to the half format."""
    kernel, stride, pad, spatial = data.draw(pool_geometry(1), label="geometry")
    x = data.draw(values(dtype, (1, 1, *spatial), POOL_RANGE[dtype]), label="x")
    case = Case(op, x, kernel_size=kernel, stride=stride, padding=pad)
    expected = reference_output(case)
    rule = (lambda inside, box: None) if op == "sum_pool" else (lambda inside, box: box)
    as32 = x.astype(np.float32)
    for s_name, summation in summations(rng).items():
        wide = framework_pool(case, as32, tuple((p, p) for p in pad), summation, _divide, rule)
        assert_within(case, expected, wide.astype(x.dtype), f"float32 {s_name} summation", spec_default=True)


@pytest.mark.parametrize("dtype, big", [("float16", 2048.0), ("bfloat16", 256.0)])
def test_working_format_accumulation_departs_from_the_default_bound(dtype, big):
    """avg_pool over [big, 1, 1, ..., 1] (256 cells), big = 2^(p+1) for p fraction bits: in the half format
    every +1 rounds away (big + 1 is a tie that goes to even), so the sum stays big and the mean is
    big / 256; the exact mean is (big + 255) / 256. Outside the tight bound, inside the loose one."""
    x = as_dtype(np.r_[big, np.ones(255)].reshape(1, 1, 256), dtype)
    case = Case("avg_pool", x, kernel_size=(256,))
    expected = reference_output(case)
    working = framework_pool(case, x, ((0, 0),), _forward, _divide, lambda inside, box: box)
    assert float(working[0, 0, 0]) == big / 256
    error = abs(float(working[0, 0, 0]) - expected[0, 0, 0])
    assert error > error_bound(case, expected)[0, 0, 0]
    assert error <= error_bound(case, expected, computes_in=dtype)[0, 0, 0]


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_an_ulp_past_a_power_of_two(dtype):
    """y = (b + 2) / 2 with b the largest value below 2: a tie between b and 2, where the ulp above is twice
    the ulp below. Both neighbours are half an ulp (of the binade below) away and pass; the value one
    step further down does not."""
    from conformance.compare import ulp

    below = 2.0 - float(ulp(np.array(1.5), dtype))  # the largest value below 2 in the format
    x = as_dtype(np.array([[[below, 2.0]]]), dtype)
    case = Case("avg_pool", x, kernel_size=(2,))
    expected = reference_output(case)  # (below + 2) / 2, between below and 2: a tie
    bound = error_bound(case, expected)[0, 0, 0]
    step = float(ulp(np.array(1.5), dtype))
    assert abs(2.0 - expected[0, 0, 0]) <= bound and abs(below - expected[0, 0, 0]) <= bound
    assert abs(below - step - expected[0, 0, 0]) > bound


# ------------------------------------------------------------------------------ exact ops

X1 = np.array([[[3.0, -1.0, 2.5, 7.0, 0.0]]])


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "bfloat16"])
@pytest.mark.parametrize("case", [
    Case("max_pool", X1, kernel_size=(2,), stride=(1,), padding=(1,)),
    Case("global_max_pool", X1),
    Case("adaptive_max_pool", X1, output_size=(3,)),
    Case("zero_pad", X1, padding=((2, 1),)),
    Case("relu", X1),
    Case("im2col", X1, kernel_size=(2,)),
], ids=lambda c: c.op)
def test_exact_ops_get_no_bound(case, dtype):
    case = case.replace(x=as_dtype(case.x, dtype))
    assert error_bound(case, reference_output(case)) is None


@pytest.mark.parametrize("case", [
    Case("sum_pool", X1, kernel_size=(2,)),
    Case("avg_pool", X1, kernel_size=(2,)),
    Case("global_avg_pool", X1),
    Case("adaptive_avg_pool", X1, output_size=(3,)),
    Case("lp_pool", X1, norm_type=2, kernel_size=(2,)),
    Case("dense", X1[0], weight=np.ones((2, 5))),
    Case("conv", X1, weight=np.ones((1, 1, 2))),
], ids=lambda c: c.op)
def test_sums_get_a_positive_finite_bound(case):
    expected = reference_output(case)
    bound = error_bound(case, expected)
    assert bound is not None and bound.shape == expected.shape
    assert (bound > 0).all() and np.isfinite(bound).all()


def test_a_working_format_failure_says_so():
    """The message of a half-precision sum beyond the tight bound tells whether float16 accumulation
    explains it: a target to record with computes_in, not a wrong formula."""
    from conformance.compare import compare, expected_in_dtype
    from conformance.messages import failure_message

    x = as_dtype(np.r_[2048, np.ones(255)].reshape(1, 1, 256), "float16")
    case = Case("avg_pool", x, kernel_size=(256,))
    expected = expected_in_dtype(case, reference_output(case))
    working = compare(case, expected, np.full((1, 1, 1), 8, np.float16))
    wrong = compare(case, expected, np.full((1, 1, 1), 4, np.float16))  # a divisor twice too large
    said = failure_message(case, "net", working, "actual = net(x)", "does not conform to the spec")
    assert "accumulated in float16 itself the bound is 1.3: the error fits it" in said
    said = failure_message(case, "net", wrong, "actual = net(x)", "does not conform to the spec")
    assert "the error exceeds that too" in said
