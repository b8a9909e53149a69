"""The reference backward passes (reference/backward.py) against four independent checks:

- literal loops (tests/literal_backward.py) on drawn cases: max pooling routes exactly (NaN-aware), sums
  agree within a float64 rounding bound;
- the adjoint identity <L(x), y> = <x, L_backward(y)> for every linear op (conv in x and in w, avg/sum
  pool, global/adaptive avg, zero_pad, im2col, dense, conv_transpose);
- central finite differences in float64 on smooth ops, and on max pooling away from ties;
- conv_transpose equals conv_backward's grad_x (one is a scatter loop, the other col2im);
plus worked examples whose gradients are drawn in comments.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import literal_backward as LB
import reference as R
from conformance.cases import Case
from conformance.ops import OPS
from conformance.strategies import UNRESTRICTED

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
F64 = UNRESTRICTED.__class__(dtypes=("float64",))


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _case(data: st.DataObject, op: str) -> Case:
    """A drawn case in float64 (the strategies' unrestricted share draws float32 too)."""
    case = data.draw(OPS[op].strategy(F64), label="case")
    wide = {k: v.astype(np.float64) for k, v in case.arrays().items()}
    return case.replace(**wide)


def _finite_case(data: st.DataObject, op: str) -> Case:
    case = _case(data, op)
    assume(np.isfinite(case.x).all())
    return case


def _cotangent(case: Case, seed: int, *, integers: bool = False) -> np.ndarray:
    """A cotangent of the forward output's shape; integer-valued where sums of it must be exact."""
    shape = R.__dict__[case.op](case.x, **_arrays(case), **case.kwargs()).shape
    if integers:
        return _rng(seed).integers(-8, 9, shape).astype(np.float64)
    return _rng(seed).standard_normal(shape)


def _arrays(case: Case) -> dict:
    return {k: v for k, v in case.arrays().items() if k != "x"}


def _backward(case: Case, g: np.ndarray):
    return R.__dict__[f"{case.op}_backward"](g, case.x, **_arrays(case), **case.kwargs())


def _close(actual, expected, scale) -> None:
    """Equal within a float64 rounding bound: 64 ulps of the sum of magnitudes `scale` per element."""
    bound = 64 * np.finfo(np.float64).eps * (np.abs(scale) + 1e-300)
    assert np.all(np.abs(np.asarray(actual) - np.asarray(expected)) <= bound), (actual, expected)


# --- literal loops --------------------------------------------------------------------------------------


@SETTINGS
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_max_pool_backward_routes_like_the_literal_loop(data, seed):
    case = _case(data, "max_pool")  # NaN and inf included
    g = _cotangent(case, seed, integers=True)  # overlapping windows add: exact for integers
    np.testing.assert_array_equal(_backward(case, g), LB.max_pool_backward(g, case.x, **case.kwargs()))


@SETTINGS
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_adaptive_max_pool_backward_routes_like_the_literal_loop(data, seed):
    case = _case(data, "adaptive_max_pool")
    g = _cotangent(case, seed, integers=True)
    np.testing.assert_array_equal(_backward(case, g), LB.adaptive_max_pool_backward(g, case.x, case.out_size))


@pytest.mark.parametrize("op", ["avg_pool", "lp_pool"])
@SETTINGS
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_summing_pool_backward_equals_the_literal_loop(op, data, seed):
    case = _finite_case(data, op)
    g = _cotangent(case, seed)
    expected = getattr(LB, f"{op}_backward")(g, case.x, **case.kwargs())
    scale = getattr(LB, f"{op}_backward")(np.abs(g), np.abs(case.x), **case.kwargs())
    _close(_backward(case, g), expected, scale)


@SETTINGS
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_conv_backward_equals_the_literal_loop(data, seed):
    case = _finite_case(data, "conv")
    g = _cotangent(case, seed)
    grad_x, grad_w, grad_b = _backward(case, g)
    lx, lw, lb = LB.conv_backward(g, case.x, case.w, case.bias, **case.kwargs())
    sx, sw, _ = LB.conv_backward(np.abs(g), np.abs(case.x), np.abs(case.w), None, **case.kwargs())
    _close(grad_x, lx, sx)
    _close(grad_w, lw, sw)
    if case.bias is None:
        assert grad_b is None
    else:
        _close(grad_b, lb, np.abs(g).sum(axis=(0, *range(2, g.ndim))))


# --- conv_transpose -------------------------------------------------------------------------------------


@st.composite
def transpose_cases(draw):
    rank = draw(st.integers(1, 3))
    groups = draw(st.integers(1, 2))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    spatial = draw(st.tuples(*[st.integers(1, 4)] * rank))
    kernel = draw(st.tuples(*[st.integers(1, 3)] * rank))
    stride = draw(st.tuples(*[st.integers(1, 3)] * rank))
    dilation = draw(st.tuples(*[st.integers(1, 2)] * rank))
    extra = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    pads = tuple((draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in range(rank))
    for n, k, s, d, e, (pb, pa) in zip(spatial, kernel, stride, dilation, extra, pads):
        assume((n - 1) * s - pb - pa + d * (k - 1) + e + 1 >= 1)
    rng = _rng(draw(st.integers(0, 2**16)))
    x = rng.standard_normal((draw(st.integers(1, 2)), c_in, *spatial))
    w = rng.standard_normal((c_in, c_out // groups, *kernel))
    b = rng.standard_normal(c_out) if draw(st.booleans()) else None
    return x, w, b, {"stride": stride, "padding": pads, "output_padding": extra, "dilation": dilation,
                     "groups": groups}


@SETTINGS
@given(transpose_cases())
def test_conv_transpose_equals_the_literal_scatter(args):
    x, w, b, params = args
    expected = LB.conv_transpose(x, w, b, **params)
    scale = LB.conv_transpose(np.abs(x), np.abs(w), None if b is None else np.abs(b), **params)
    _close(R.conv_transpose(x, w, b, **params), expected, scale)


@SETTINGS
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_conv_transpose_equals_conv_backward_grad_x(data, seed):
    """conv_backward's grad_x (col2im) is conv_transpose (a scatter) of the cotangent with the same weight,
    the resolved pads as the crop and the cells no window read as output_padding."""
    case = _finite_case(data, "conv")
    g = _cotangent(case, seed)
    grad_x = _backward(case, g)[0]
    leftover = tuple(n + pb + pa - (d * (k - 1) + 1) - (o - 1) * s
                     for n, (pb, pa), d, k, o, s in zip(case.shape[2:], case.pads, case.dilations,
                                                        case.kernel, g.shape[2:], case.strides))
    transposed = R.conv_transpose(g, case.w, None, case.strides, case.pads, leftover, case.dilations,
                                  case.groups)
    _close(grad_x, transposed, R.conv_transpose(np.abs(g), np.abs(case.w), None, case.strides, case.pads,
                                                leftover, case.dilations, case.groups))


# --- the adjoint identity -------------------------------------------------------------------------------

LINEAR = ["avg_pool", "sum_pool", "global_avg_pool", "adaptive_avg_pool", "zero_pad", "im2col", "conv",
          "dense"]


@pytest.mark.parametrize("op", LINEAR)
@SETTINGS
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_adjoint_identity(op, data, seed):
    """<L(x), y> = <x, L_backward(y)> for the op's linear part in x (conv and dense: bias left out)."""
    case = _finite_case(data, op).replace(bias=None)
    y = _cotangent(case, seed)
    forward = R.__dict__[op](case.x, **_arrays(case), **case.kwargs())
    back = _backward(case, y)
    back_x = back[0] if isinstance(back, tuple) else back
    lhs, rhs = np.vdot(forward, y), np.vdot(case.x, back_x)
    scale = np.vdot(np.abs(forward), np.abs(y)) + np.vdot(np.abs(case.x), np.abs(back_x))
    assert abs(lhs - rhs) <= 64 * np.finfo(np.float64).eps * scale + 1e-300, (lhs, rhs)
    if op in ("conv", "dense"):  # linear in the weight too: <L_x(w), y> = <w, grad_w>
        assert abs(lhs - np.vdot(case.w, back[1])) <= 64 * np.finfo(np.float64).eps * scale * 2


@SETTINGS
@given(transpose_cases(), st.integers(0, 2**16))
def test_conv_transpose_adjoint_identity(args, seed):
    x, w, _, params = args
    y = R.conv_transpose(x, w, None, **params)
    cot = _rng(seed).standard_normal(y.shape)
    grad_x, grad_w, _ = R.conv_transpose_backward(cot, x, w, None, **params)
    lhs = np.vdot(y, cot)
    scale = np.vdot(np.abs(y), np.abs(cot)) + np.vdot(np.abs(x), np.abs(grad_x))
    assert abs(lhs - np.vdot(x, grad_x)) <= 64 * np.finfo(np.float64).eps * scale
    assert abs(lhs - np.vdot(w, grad_w)) <= 64 * np.finfo(np.float64).eps * scale * 2


# --- finite differences ---------------------------------------------------------------------------------


def _central_difference(f, x: np.ndarray, g: np.ndarray, h: float = 1e-6) -> np.ndarray:
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[index] += h
        down[index] -= h
        with np.errstate(invalid="ignore"):
            change = f(up) - f(down)  # -inf - -inf for a window of only padding, whose g is 0
        grad[index] = np.sum(np.where(g != 0, g * change, 0.0)) / (2 * h)
    return grad


@pytest.mark.parametrize("op", ["sigmoid", "tanh", "leaky_relu", "lp_pool", "max_pool", "conv", "dense"])
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_finite_differences(op, data, seed):
    """Smooth ops, and max pooling / leaky_relu away from ties and kinks: the gradient matches central
    differences to 1e-5 relative."""
    case = _finite_case(data, op)
    x = _rng(seed).uniform(0.5, 2.0, case.x.shape) * _rng(seed + 1).choice([-1, 1], case.x.shape)
    if op == "max_pool":  # distinct values: no tie, and a step of h never changes a window's maximum
        x = _rng(seed).permutation(x.size).reshape(x.shape).astype(np.float64)
    case = case.replace(x=x)
    g = _cotangent(case, seed)

    def f(values):
        return R.__dict__[op](values, **_arrays(case), **case.kwargs())

    g = np.where(np.isfinite(f(x)), g, 0.0)  # a window of only padding (-inf) has no derivative
    back = _backward(case, g)
    back_x = back[0] if isinstance(back, tuple) else back
    numeric = _central_difference(f, x, g)
    np.testing.assert_allclose(back_x, numeric, rtol=1e-5, atol=1e-6)


# --- worked examples ------------------------------------------------------------------------------------


def test_max_pool_ties_go_to_the_first_maximum_and_overlaps_add():
    # x = [[1, 3, 3],      kernel 2, stride 1: windows [1 3 / 1 2] [3 3 / 2 3] [1 2 / 0 2] [2 3 / 2 1]
    #      [1, 2, 3],      maxima (first in row-major window order): x[0,1] x[0,1] x[1,1] x[1,2]
    #      [0, 2, 1]]      so x[0,1] gets 1 + 2 = 3, x[1,1] gets 3, x[1,2] gets 4
    x = np.array([[1, 3, 3], [1, 2, 3], [0, 2, 1]], dtype=np.float64).reshape(1, 1, 3, 3)
    g = np.array([[1, 2], [3, 4]], dtype=np.float64).reshape(1, 1, 2, 2)
    expected = np.array([[0, 3, 0], [0, 3, 4], [0, 0, 0]], dtype=np.float64).reshape(1, 1, 3, 3)
    np.testing.assert_array_equal(R.max_pool_backward(g, x, 2, 1), expected)


def test_max_pool_nan_takes_the_gradient_and_padding_only_windows_send_nowhere():
    # x = [5, nan, 7], kernel 2, stride 1, pads (0, 0): windows [5 nan] [nan 7] -> both route to the NaN
    x = np.array([5.0, np.nan, 7.0]).reshape(1, 1, 3)
    np.testing.assert_array_equal(R.max_pool_backward(np.array([[[1.0, 10.0]]]), x, 2, 1),
                                  [[[0.0, 11.0, 0.0]]])
    # kernel 1, pads (1, 1): windows [p] [5] [nan] [7] [p]: the padding windows' gradients (100) vanish
    g = np.array([[[100.0, 1.0, 2.0, 3.0, 100.0]]])
    np.testing.assert_array_equal(R.max_pool_backward(g, x, 1, 1, padding=1), [[[1.0, 2.0, 3.0]]])


def test_max_pool_all_minus_inf_window_routes_to_its_first_input_cell_not_padding():
    # x = [-inf, -inf], kernel 2, pads (1, 0): window 0 = [p -inf] -> x[0]; window... stride 2: [p x0] [x1]
    x = np.array([-np.inf, -np.inf]).reshape(1, 1, 2)
    g = np.array([[[1.0, 2.0]]])
    np.testing.assert_array_equal(R.max_pool_backward(g, x, 2, 2, padding=((1, 1),)), [[[1.0, 2.0]]])


def test_avg_pool_divides_by_the_forward_divisor():
    # x (1, 1, 3), kernel 2, stride 2, ceil: windows [x0 x1] [x2 o] with o the overhang (never counted)
    # count_include_pad=True, no padding: divisors 2 and 1 -> grad [g0/2, g0/2, g1]
    x = np.zeros((1, 1, 3))
    g = np.array([[[4.0, 6.0]]])
    np.testing.assert_array_equal(R.avg_pool_backward(g, x, 2, 2, ceil_mode=True), [[[2.0, 2.0, 6.0]]])
    # padding 1, count_include_pad=True: windows [p x0] [x1 x2]: divisor 2 each -> [2, 3, 3]
    np.testing.assert_array_equal(R.avg_pool_backward(g, x, 2, 2, padding=1), [[[2.0, 3.0, 3.0]]])
    # count_include_pad=False: window [p x0] has 1 real cell -> [4, 3, 3]
    np.testing.assert_array_equal(R.avg_pool_backward(g, x, 2, 2, padding=1, count_include_pad=False),
                                  [[[4.0, 3.0, 3.0]]])
    # divisor_override 4 -> [1, 1.5, 1.5]
    np.testing.assert_array_equal(R.avg_pool_backward(g, x, 2, 2, padding=1, divisor_override=4),
                                  [[[1.0, 1.5, 1.5]]])


def test_relu_and_leaky_relu_at_zero():
    x = np.array([[-1.0, 0.0, 2.0, np.nan]])
    g = np.ones((1, 4))
    np.testing.assert_array_equal(R.relu_backward(g, x), [[0.0, 0.0, 1.0, 0.0]])
    np.testing.assert_array_equal(R.leaky_relu_backward(g, x, 0.25), [[0.25, 0.25, 1.0, 0.25]])


def test_lp_pool_gradient_is_zero_where_the_norm_is_zero():
    # x = [0, 0, 3, -4], kernel 2, p 2: norms 0 and 5; grad = g * x / norm -> [0, 0, 3/5, -4/5]
    x = np.array([0.0, 0.0, 3.0, -4.0]).reshape(1, 1, 4)
    np.testing.assert_allclose(R.lp_pool_backward(np.ones((1, 1, 2)), x, 2.0, 2), [[[0, 0, 0.6, -0.8]]])


def test_conv_transpose_shapes_follow_torch_and_keras():
    x = np.ones((1, 1, 3))
    w = np.ones((1, 1, 3))
    # torch: (3-1)*2 - 1 - 1 + 1*(3-1) + 1 + 1 = 6
    assert R.conv_transpose(x, w, stride=2, padding=1, output_padding=1).shape == (1, 1, 6)
    # Keras 'same': n*s = 6; 'valid': n*s + max(k - s, 0) = 7
    assert R.conv_transpose(x, w, stride=2, padding="same").shape == (1, 1, 6)
    assert R.conv_transpose(x, w, stride=2, padding="valid").shape == (1, 1, 7)
    # x = [1, 1, 1], w = [1, 1, 1], stride 2, 'valid': full = [1 1 2 1 2 1 1]
    np.testing.assert_array_equal(R.conv_transpose(x, w, stride=2, padding="valid"),
                                  [[[1, 1, 2, 1, 2, 1, 1]]])
    # 'same' crops total = k - s = 1 cell, the odd one at the end: [1 1 2 1 2 1]
    np.testing.assert_array_equal(R.conv_transpose(x, w, stride=2, padding="same"), [[[1, 1, 2, 1, 2, 1]]])
    with pytest.raises(ValueError, match=r"output_padding must be < max\(stride, dilation\); got "
                                         r"output_padding 2"):
        R.conv_transpose(x, w, stride=2, output_padding=2)


def test_backward_rejects_a_cotangent_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"grad_output must have the forward output's shape \(1, 1, 2\); "
                                         r"got \(1, 1, 3\)"):
        R.max_pool_backward(np.ones((1, 1, 3)), np.ones((1, 1, 4)), 2)
