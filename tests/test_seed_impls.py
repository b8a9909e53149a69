"""The seed posts' own numpy code (tests/seed_impls/) against the reference.

For every bug listed in a seed module's docstring there is a test that runs the exposing input through
the seed (via its reference-API wrapper, or the transcribed code where the wrapper cannot reach it) and
the reference, and asserts how they differ: an exception, a shape, a dtype, or a value worked out by hand.
Where the seed code is right, a test asserts that it agrees with the reference. Together they show the
suite can catch code like the seeds'.

Exactness: agreement tests use small integer-valued inputs (and weights), so every sum, product and
power-of-two division involved is exact in float64 and results can be compared with ==. Where a seed
divides by a count that is not a power of two, or evaluates a transcendental function, the tolerance is
stated next to the assertion.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import reference as R
from tests.seed_impls import _seed001, _seed002, _seed003, _seed004
from tests.seed_impls import ja_im2col_pooling as ja
from tests.seed_impls import ko_im2col_conv as ko_conv
from tests.seed_impls import ko_maxpool_fc_activation as ko_fc
from tests.seed_impls import ko_tf_pooling as ko_tf
from tests.seed_impls import zh_pooling as zh

MODULES = [ko_fc, ko_tf, ko_conv, ja, zh]


def ints(shape, seed=0, low=-9, high=10, dtype=np.float64):
    """Small integer values as floats: sums, products and power-of-two divisions stay exact."""
    return np.random.default_rng(seed).integers(low, high, size=shape).astype(dtype)


def distinct(shape, seed=0, dtype=np.float64):
    """A permutation of 0..size-1: no ties, so a max window's arg-max is unique."""
    size = int(np.prod(shape))
    return np.random.default_rng(seed).permutation(size).reshape(shape).astype(dtype)


def reference_vjp(op, x, g, h=0.5):
    """(dy/dx)^T g of a reference op by finite differences, exact here: x is integer-valued with distinct
    entries, so adding h = 0.5 to one entry never changes a window's arg-max, and avg pooling is linear;
    all numbers involved are small dyadic rationals."""
    y0 = op(x)
    dx = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        xp = x.copy()
        xp[idx] += h
        dx[idx] = np.sum(g * (op(xp) - y0)) / h
    return dx


# ---------------------------------------------------------------------------------------------------------
# Every module: reference API names with the reference signatures.
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_modules_expose_reference_api_with_same_signatures(module):
    exposed = [name for name in R.__all__ if hasattr(module, name)]
    assert exposed, f"{module.__name__} exposes no reference API name"
    for name in exposed:
        assert inspect.signature(getattr(module, name)) == inspect.signature(getattr(R, name)), name
    assert "Bugs in the seed code" in module.__doc__


# =========================================================================================================
# Seed 000: ko_maxpool_fc_activation
# =========================================================================================================

@pytest.mark.parametrize("kernel, stride", [(2, None), (2, 1), (3, 1), (3, 2), (2, 3), (1, 1)])
def test_000_pool_agrees_for_batch_1_without_padding(kernel, stride):
    x = ints((1, 3, 6, 7), dtype=np.float32)  # non-square input: out_h and out_w are sized separately
    np.testing.assert_array_equal(ko_fc.max_pool(x, kernel, stride), R.max_pool(x, kernel, stride))


def test_000_bug1_max_over_whole_batch():
    x = np.zeros((2, 1, 2, 2), np.float32)
    x[1] = 1
    assert R.max_pool(x, 2)[0, 0, 0, 0] == 0
    assert ko_fc.max_pool(x, 2)[0, 0, 0, 0] == 1  # sample 0 gets sample 1's max


def test_000_bug2_padding_wraps_around():
    x = np.array([[4.0, 3.0], [2.0, 1.0]], np.float32)[None, None]
    # reference: window rows/cols -1..1 cover the whole input, max 4; seed: slice [-1:2] is [1:2] -> x[1, 1]
    assert R.max_pool(x, 3, 1, 1)[0, 0, 0, 0] == 4
    assert ko_fc.max_pool(x, 3, 1, 1)[0, 0, 0, 0] == 1
    x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    np.testing.assert_array_equal(R.max_pool(x, 2, 2, 1)[0, 0], [[0, 2, 3], [8, 10, 11], [12, 14, 15]])
    with pytest.raises(ValueError, match="zero-size array"):  # slice [-1:1] is empty
        ko_fc.max_pool(x, 2, 2, 1)


def test_000_bug3_dilation_ignored():
    x = np.arange(25, dtype=np.float32).reshape(1, 1, 5, 5)
    assert R.max_pool(x, 2, 2, 0, 2)[0, 0, 0, 0] == 12  # max of x[0,0], x[0,2], x[2,0], x[2,2]
    assert ko_fc.max_pool(x, 2, 2, 0, 2)[0, 0, 0, 0] == 6  # max of x[0:2, 0:2]


def test_000_bug4_output_always_float32():
    x = np.full((1, 1, 2, 2), 1 + 2.0**-30)
    ref, seed = R.max_pool(x, 2), ko_fc.max_pool(x, 2)
    assert ref.dtype == np.float64 and ref[0, 0, 0, 0] == 1 + 2.0**-30
    assert seed.dtype == np.float32 and seed[0, 0, 0, 0] == 1.0


def test_000_not_expressible():
    x = np.zeros((1, 1, 4, 4), np.float32)
    for kwargs in ({"kernel_size": (2, 3)}, {"kernel_size": 2, "padding": ((0, 1), (0, 1))},
                   {"kernel_size": 2, "ceil_mode": True}, {"kernel_size": 2, "padding": "same"}):
        with pytest.raises(NotImplementedError):
            ko_fc.max_pool(x, **kwargs)
    with pytest.raises(NotImplementedError):
        ko_fc.max_pool(np.zeros((1, 1, 4)), 2)
    with pytest.raises(NotImplementedError):
        ko_fc.dense(np.zeros((2, 3)), np.zeros((4, 3)), np.zeros(4))
    with pytest.raises(NotImplementedError):
        ko_fc.leaky_relu(np.zeros(3), 0.2)


def test_000_dense_agrees():
    x, w = ints((3, 8), 1), ints((5, 8), 2)
    np.testing.assert_array_equal(ko_fc.dense(x, w), R.dense(x, w))


def test_000_bug5_relu_of_negative_zero():
    x = np.array([-0.0, 1.0])
    assert not np.signbit(R.relu(x)[0])
    assert np.signbit(ko_fc.relu(x)[0])  # -0.0: max(-0.0, 0) keeps its first argument


def test_000_bug6_relu_dtype_depends_on_values():
    assert R.relu(np.array([-1.0, 2.0], np.float32)).dtype == np.float32
    assert ko_fc.relu(np.array([-1.0, 2.0], np.float32)).dtype == np.float64
    assert ko_fc.relu(np.array([-1.0, -2.0], np.float32)).dtype == np.int64
    assert ko_fc.relu(np.array([1.0, 2.0], np.float32)).dtype == np.float32


def test_000_relu_values_agree():
    x = np.array([[-2.5, 0.0, 3.0], [np.nan, -np.inf, np.inf]])
    np.testing.assert_array_equal(ko_fc.relu(x), R.relu(x))  # NaN == NaN under assert_array_equal


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_000_leaky_relu_agrees_for_slope_0_1(dtype):
    x = np.array([-3.0, -0.5, -0.0, 0.0, 2.0, np.nan, -np.inf], dtype)
    seed, ref = ko_fc.leaky_relu(x, 0.1), R.leaky_relu(x, 0.1)
    if dtype == np.float32 and np.lib.NumpyVersion(np.__version__) < "2.0.0":
        # numpy 1.x (before NEP 50): 0.1 * np.float32(v) is a float64, so the seed computes in float64
        assert seed.dtype == np.float64
        np.testing.assert_array_equal(seed, R.leaky_relu(x.astype(np.float64), 0.1))
        return
    assert seed.dtype == ref.dtype == dtype
    np.testing.assert_array_equal(seed, ref)  # both round v * dtype(0.1) once


def test_000_bug7_sigmoid_overflow():
    x = np.array([-100.0], np.float32)
    ref = R.sigmoid(x)
    assert ref[0] == np.float32(3.78e-44)  # the float32 subnormal nearest e**-100 = 3.72e-44
    with pytest.warns(RuntimeWarning, match="overflow"):
        seed = ko_fc.sigmoid(x)
    assert seed[0] == 0.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_000_sigmoid_and_tanh_agree_in_range(dtype):
    x = np.linspace(-20, 20, 81).astype(dtype)
    eps = np.finfo(dtype).eps
    # sigmoid: seed 1/(1 + exp(-x)) vs reference exp(-|x|)/(1 + exp(-|x|)) for x < 0. Each is exp (within
    # 1 ulp in numpy), one add and one divide, each rounded (1/2 ulp): <= 2 ulp apiece, 4 eps relative apart.
    np.testing.assert_allclose(ko_fc.sigmoid(x), R.sigmoid(x), rtol=4 * eps, atol=0)
    # tanh: both call np.tanh (per scalar vs on the array; numpy's scalar and SIMD loops agree within 1 ulp).
    np.testing.assert_allclose(ko_fc.tanh(x), R.tanh(x), rtol=2 * eps, atol=0)


# =========================================================================================================
# Seed 001: ko_tf_pooling
# =========================================================================================================

def test_001_transcription_reproduces_the_posts_printed_manual_outputs():
    """The transcribed snippets, fed the printed inputs (NHWC, as the post does), print what the post did.
    Bound: the Manual prints are float64 rounded at the 8th decimal (0.5e-8); the inputs parsed to float32
    are within 1e-8 of the post's (0.5e-8 print rounding plus 0.5e-8 float32 rounding of the parse), which
    moves a max or a mean by at most that; for the mean, np.mean rounds in float32 on both runs: 2 * k *
    eps32 * mean|x| (see tests/test_seed_examples.py), bounded here by 2 * k * eps32 * max|x|."""
    from tests.test_seed_examples import (
        AVG1D_MANUAL,
        AVG1D_X,
        AVG2D_MANUAL,
        AVG2D_X,
        MAX1D_MANUAL,
        MAX1D_X,
        MAX2D_MANUAL,
        MAX2D_X,
        MAX3C_MANUAL,
        MAX3C_X,
        printed,
    )

    eps32 = float(np.finfo(np.float32).eps)
    cases = [
        (_seed001.max_pool_1d, MAX1D_X, (1, 10, 1), MAX1D_MANUAL, (9,), 0),
        (_seed001.max_pool_2d, MAX2D_X, (1, 5, 5, 1), MAX2D_MANUAL, (4, 4), 0),
        (_seed001.avg_pool_1d, AVG1D_X, (1, 10, 1), AVG1D_MANUAL, (9,), 2),
        (_seed001.avg_pool_2d, AVG2D_X, (1, 5, 5, 1), AVG2D_MANUAL, (4, 4), 4),
    ]
    for snippet, x_block, nhwc, out_block, out_shape, k in cases:
        x = printed(x_block, nhwc, np.float32)[0].astype(np.float32)
        got = snippet(x, 2, 1)
        expected = printed(out_block, out_shape, np.float64)[0]
        bound = 0.5e-8 + 1e-8 + 2 * k * eps32 * np.abs(x).max()
        assert got.shape == out_shape and np.abs(got - expected).max() <= bound, snippet.__name__
    # "3D Max Pooling": x printed as (C, H, W); the snippet takes (1, H, W, C) and returns (H', W', C)
    x = printed(MAX3C_X, (3, 5, 5), np.float32)[0].astype(np.float32)
    got = _seed001.max_pool_2d_multichannel(x.transpose(1, 2, 0)[None], 2, 2).transpose(2, 0, 1)
    assert np.abs(got - printed(MAX3C_MANUAL, (3, 2, 2), np.float64)[0]).max() <= 1.5e-8


@pytest.mark.parametrize("shape, k", [((2, 3, 10), 2), ((2, 3, 10), 3), ((2, 1, 6, 7), 2), ((1, 1, 5, 5), 3)])
def test_001_stride_1_pooling_agrees(shape, k):
    x = ints(shape)
    np.testing.assert_array_equal(ko_tf.max_pool(x, k, 1), R.max_pool(x, k, 1))
    if k == 2:  # averages of 2 (1-D) or 4 (2-D) integers: exact in float64
        np.testing.assert_array_equal(ko_tf.avg_pool(x, k, 1), R.avg_pool(x, k, 1))


@pytest.mark.parametrize("shape, k, s", [((1, 3, 7, 7), 3, 2), ((2, 3, 5, 6), 2, 2), ((1, 2, 8, 8), 2, 3)])
def test_001_multichannel_strided_max_agrees(shape, k, s):
    x = ints(shape)
    np.testing.assert_array_equal(ko_tf.max_pool(x, k, s), R.max_pool(x, k, s))


def test_001_bug1_stride_ignored():
    x = np.arange(10.0).reshape(1, 1, 10)
    ref, seed = R.max_pool(x, 2, 2), ko_tf.max_pool(x, 2, 2)
    assert ref.shape == (1, 1, 5) and seed.shape == (1, 1, 9)
    assert ref[0, 0, 1] == 3 and seed[0, 0, 1] == 2  # window x[2:4] vs x[1:3]
    assert ko_tf.avg_pool(x, 2, 2).shape == (1, 1, 9) and R.avg_pool(x, 2, 2).shape == (1, 1, 5)
    x2 = np.arange(36.0).reshape(1, 1, 6, 6)  # single channel 2-D: the "2D Max/Average Pooling" snippets
    assert ko_tf.max_pool(x2, 2, 2).shape == ko_tf.avg_pool(x2, 2, 2).shape == (1, 1, 5, 5)
    assert R.max_pool(x2, 2, 2).shape == R.avg_pool(x2, 2, 2).shape == (1, 1, 3, 3)


def test_001_bug2_output_always_float64():
    x32 = np.arange(10, dtype=np.float32).reshape(1, 1, 10)
    assert R.max_pool(x32, 2, 1).dtype == R.avg_pool(x32, 2, 1).dtype == np.float32
    assert ko_tf.max_pool(x32, 2, 1).dtype == ko_tf.avg_pool(x32, 2, 1).dtype == np.float64
    xi = np.arange(10).reshape(1, 1, 10)
    assert R.max_pool(xi, 2, 1).dtype == np.int64 and ko_tf.max_pool(xi, 2, 1).dtype == np.float64


def test_001_bug3_squeeze_drops_size_1_dims():
    x = np.arange(4.0).reshape(1, 1, 1, 4)  # H == 1
    np.testing.assert_array_equal(R.max_pool(x, 1), x)
    with pytest.raises(IndexError):
        ko_tf.max_pool(x, 1)
    with pytest.raises(IndexError):  # multi-channel snippet with C == 1 (NHWC input)
        _seed001.max_pool_2d_multichannel(np.arange(16.0).reshape(1, 4, 4, 1), 2, 2)
    x = np.arange(96.0).reshape(2, 3, 4, 4)  # multi-channel snippet with N == 2 (no batch loop)
    assert R.max_pool(x, 2).shape == (2, 3, 2, 2)
    with pytest.raises(ValueError, match="zero-size array"):
        _seed001.max_pool_2d_multichannel(x.transpose(0, 2, 3, 1), 2, 2)


def test_001_not_expressible():
    x = np.zeros((1, 2, 4, 4))
    for kwargs in ({"padding": 1}, {"dilation": 2}, {"ceil_mode": True}, {"kernel_size": (2, 1)}):
        with pytest.raises(NotImplementedError):
            ko_tf.max_pool(x, **{"kernel_size": 2, **kwargs})
    with pytest.raises(NotImplementedError):
        ko_tf.avg_pool(x, 2, divisor_override=3)
    with pytest.raises(NotImplementedError):
        ko_tf.max_pool(np.zeros((1, 1, 2, 2, 2)), 2)


# =========================================================================================================
# Seed 002: ko_im2col_conv
# =========================================================================================================

@pytest.mark.parametrize("kernel", [(2, 3), 3, (1, 1)])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("pad", [0, 1])
def test_002_im2col_agrees(kernel, stride, pad):
    x = ints((2, 3, 6, 5))
    ref = R.im2col(x, kernel, stride, pad)
    np.testing.assert_array_equal(ko_conv.im2col(x, kernel, stride, pad), ref)
    np.testing.assert_array_equal(
        ko_conv.seed_im2col_in_reference_layout(_seed002.im2col_v2, x, kernel, stride, pad), ref)


def test_002_im2col_reproduces_the_posts_shapes():
    assert _seed002.im2col(np.random.rand(1, 3, 7, 7), 5, 5, stride=1, pad=0).shape == (9, 75)
    assert _seed002.im2col(np.random.rand(10, 3, 7, 7), 5, 5, stride=1, pad=0).shape == (90, 75)


@pytest.mark.parametrize("pad", [0, 1, 2])
@pytest.mark.parametrize("kernel", [(3, 3), (2, 3), (1, 4)])
def test_002_conv_agrees_with_stride_1(pad, kernel):
    x, w, b = ints((2, 3, 6, 5), 1), ints((4, 3, *kernel), 2), ints((4,), 3)
    np.testing.assert_array_equal(ko_conv.conv(x, w, b, padding=pad), R.conv(x, w, b, padding=pad))
    np.testing.assert_array_equal(ko_conv.conv(x, w, padding=pad), R.conv(x, w, padding=pad))


def test_002_bug1_conv_output_size_precedence():
    x = ints((1, 1, 7, 7))
    # out_h = int(1 + 7 + 0 - 3/2) = 6 instead of (7 - 3)//2 + 1 = 3
    with pytest.raises(ValueError, match="cannot reshape"):
        ko_conv.conv(x, ints((1, 1, 3, 3), 1), stride=2)
    w4 = ints((4, 1, 3, 3), 2)
    assert R.conv(x, w4, stride=2).shape == (1, 4, 3, 3)
    assert ko_conv.conv(x, w4, stride=2).shape == (1, 1, 6, 6)  # 4*3*3 values silently fit (1, 6, 6, 1)


def test_002_bug2_pooling_reads_self_W():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    np.testing.assert_array_equal(R.max_pool(x, 2, 2), [[[[5, 7], [13, 15]]]])
    with pytest.raises(AttributeError, match="'Pooling' object has no attribute 'W'"):
        ko_conv.max_pool(x, 2, 2)


def test_002_bug3_backward_uses_attributes_forward_never_sets():
    x, w = ints((1, 1, 5, 5)), ints((1, 1, 3, 3), 1)
    layer = _seed002.Conv(w, 0)
    y = layer.forward(x)
    with pytest.raises(AttributeError, match="'col'"):
        layer.backward(np.ones_like(y))
    with pytest.raises(AttributeError, match="'arg_max'"):
        _seed002.Pooling(2, 2, 2).backward(np.ones((1, 1, 2, 2)))
    assert not hasattr(_seed002, "col2im")  # both backward passes would call it next


def test_002_bug4_float64_output():
    x, w = ints((1, 2, 5, 5), dtype=np.float32), ints((3, 2, 3, 3), 1, dtype=np.float32)
    assert R.conv(x, w).dtype == R.im2col(x, 3).dtype == np.float32
    assert ko_conv.conv(x, w).dtype == ko_conv.im2col(x, 3).dtype == np.float64


def test_002_not_expressible():
    x, w = np.zeros((1, 2, 5, 5)), np.zeros((2, 2, 3, 3))
    for kwargs in ({"stride": (1, 2)}, {"padding": ((1, 0), (1, 0))}, {"dilation": 2}, {"padding": "same"}):
        with pytest.raises(NotImplementedError):
            ko_conv.conv(x, w, **kwargs)
    with pytest.raises(NotImplementedError):
        ko_conv.conv(x, np.zeros((2, 1, 3, 3)), groups=2)
    with pytest.raises(NotImplementedError):
        ko_conv.im2col(np.zeros((1, 1, 5)), 3)


# =========================================================================================================
# Seed 003: ja_im2col_pooling
# =========================================================================================================

@pytest.mark.parametrize("shape, pool", [((2, 3, 4, 4), 2), ((1, 2, 9, 9), 3), ((1, 1, 5, 5), 5),
                                         ((1, 1, 3, 3), 1)])
@pytest.mark.parametrize("ceil_mode", [False, True])
def test_003_pooling_agrees_when_pool_divides(shape, pool, ceil_mode):
    x = ints(shape)  # square inputs: a non-square one is bug 2
    np.testing.assert_array_equal(ja.max_pool(x, pool, ceil_mode=ceil_mode),
                                  R.max_pool(x, pool, ceil_mode=ceil_mode))


def test_003_pooling_backward_agrees_with_reference_vjp():
    x = distinct((2, 2, 4, 4))
    layer = _seed003.Pooling(2)
    y = layer.forward(x)
    g = ints(y.shape, 5)
    np.testing.assert_array_equal(layer.backward(g), reference_vjp(lambda v: R.max_pool(v, 2), x, g))


@pytest.mark.parametrize("kernel, stride, pad", [(2, 1, 0), (3, 2, 1), (3, 1, 1), (2, 3, 0), (1, 1, 2)])
def test_003_im2col_and_col2im_agree(kernel, stride, pad):
    x = ints((2, 3, 6, 6))
    ref_cols = R.im2col(x, kernel, stride, pad)
    np.testing.assert_array_equal(ja.im2col(x, kernel, stride, pad), ref_cols)
    cols = ints(ref_cols.shape, 7)  # overlapping windows (stride < kernel) must be summed
    np.testing.assert_array_equal(ja.col2im(cols, x.shape, kernel, stride, pad),
                                  R.col2im(cols, x.shape, kernel, stride, pad))


def test_003_bug1_ceil_size_without_padding():
    x = np.arange(25.0).reshape(1, 1, 5, 5)
    np.testing.assert_array_equal(R.max_pool(x, 2, ceil_mode=True)[0, 0],
                                  [[6, 8, 9], [16, 18, 19], [21, 23, 24]])
    with pytest.raises(ValueError, match="could not broadcast"):
        ja.max_pool(x, 2, ceil_mode=True)


def test_003_bug2_square_output_only():
    x = np.arange(24.0).reshape(1, 1, 4, 6)
    assert R.max_pool(x, 2).shape == (1, 1, 2, 3)
    with pytest.raises(ValueError, match="cannot reshape"):
        ja.max_pool(x, 2)
    x = np.arange(24.0).reshape(1, 1, 6, 4)
    assert R.max_pool(x, 2).shape == (1, 1, 3, 2)
    with pytest.raises(ValueError, match="could not broadcast"):
        ja.max_pool(x, 2)


def test_003_bug3_float64_output():
    xi = np.random.default_rng(1).integers(0, 10, 2 * 3 * 4 * 4).reshape(2, 3, 4, 4)  # the post's own input
    assert R.max_pool(xi, 2).dtype == xi.dtype and ja.max_pool(xi, 2).dtype == np.float64
    np.testing.assert_array_equal(ja.max_pool(xi, 2), R.max_pool(xi, 2))  # same values, wrong dtype
    x32 = xi.astype(np.float32)
    assert R.max_pool(x32, 2).dtype == R.im2col(x32, 2).dtype == np.float32
    assert ja.max_pool(x32, 2).dtype == ja.im2col(x32, 2).dtype == np.float64
    cols = R.im2col(x32, 2, 2)
    assert R.col2im(cols, x32.shape, 2, 2).dtype == np.float32
    assert ja.col2im(cols, x32.shape, 2, 2).dtype == np.float64


def test_003_not_expressible():
    x = np.zeros((1, 1, 5, 5))
    with pytest.raises(NotImplementedError):
        ja.max_pool(x, 2)  # floor mode, 2 does not divide 5
    for kwargs in ({"stride": 1}, {"padding": 1}, {"dilation": 2}, {"kernel_size": (2, 1)}):
        with pytest.raises(NotImplementedError):
            ja.max_pool(np.zeros((1, 1, 4, 4)), **{"kernel_size": 2, **kwargs})
    with pytest.raises(NotImplementedError):
        ja.im2col(np.zeros((1, 1, 4, 6)), 2)  # out 3x5: im2col takes one y_size


# =========================================================================================================
# Seed 004: zh_pooling
# =========================================================================================================

def test_004_bug1_constructor_raises():
    with pytest.raises(TypeError, match="super"):
        _seed004.Pooling("pool", 2, 2, "max")


@pytest.mark.parametrize("shape, k, s", [((2, 3, 4, 4), 2, 2), ((1, 2, 5, 5), 2, 2), ((1, 1, 5, 5), 3, 2),
                                         ((1, 2, 6, 6), 2, 3), ((1, 1, 6, 6), 3, 3)])
def test_004_forward_agrees_when_output_sizes_coincide(shape, k, s):
    x = ints(shape)
    assert shape[2] // s == R.output_size(shape[2], k, s)
    np.testing.assert_array_equal(zh.max_pool(x, k, s), R.max_pool(x, k, s))
    # means of 4 or 9 small integers: both sum exactly and divide once, so both are correctly rounded
    np.testing.assert_array_equal(zh.avg_pool(x, k, s), R.avg_pool(x, k, s))


def test_004_bug2_output_size_ignores_kernel():
    x = -np.arange(25.0).reshape(1, 1, 5, 5)
    assert R.max_pool(x, 3, 1).shape == (1, 1, 3, 3)  # the post's own 5x5, 3x3, stride-1 example
    assert zh.max_pool(x, 3, 1).shape == zh.avg_pool(x, 3, 1).shape == (1, 1, 5, 5)
    assert R.max_pool(x, 1, 2).shape == (1, 1, 3, 3)
    assert zh.max_pool(x, 1, 2).shape == (1, 1, 2, 2)


def test_004_bug3_clipped_edge_windows():
    x = np.arange(25.0).reshape(1, 1, 5, 5)
    avg = zh.avg_pool(x, 3, 1)
    assert avg[0, 0, 4, 4] == 24  # a 1-cell window
    assert avg[0, 0, 0, 4] == 9  # mean of x[0:3, 4] = (4 + 9 + 14) / 3
    with pytest.raises(IndexError, match="out of bounds"):
        zh.max_pool(x, 3, 1)  # arg-max of the clipped window x[0:3, 3:5] decoded with ksize 3
    assert zh.max_pool(-x, 3, 1)[0, 0, 4, 4] == -24


def test_004_bug4_float64_output():
    x = ints((1, 1, 4, 4), dtype=np.float32)
    assert R.max_pool(x, 2).dtype == R.avg_pool(x, 2).dtype == np.float32
    assert zh.max_pool(x, 2).dtype == zh.avg_pool(x, 2).dtype == np.float64


@pytest.mark.parametrize("type_, op", [("max", R.max_pool), ("aveg", R.avg_pool)])
def test_004_backward_agrees_when_kernel_equals_stride(type_, op):
    x = distinct((2, 2, 4, 4))
    layer = zh.make_layer(2, 2, type_)
    y = layer.forward(x)
    g = ints(y.shape, 3)
    np.testing.assert_array_equal(layer.backward(g), reference_vjp(lambda v: op(v, 2, 2), x, g))


def test_004_bug5_backward_repeats_by_stride():
    x = distinct((1, 1, 5, 5))
    layer = zh.make_layer(3, 2, "max")
    y = layer.forward(x)
    np.testing.assert_array_equal(y, R.max_pool(x, 3, 2))  # the forward is right here
    with pytest.raises(ValueError, match="broadcast"):
        layer.backward(np.ones_like(y))  # repeat gives 4x4 against the 5x5 index mask
    x = distinct((1, 1, 6, 6))
    layer = zh.make_layer(2, 3, "aveg")
    y = layer.forward(x)
    np.testing.assert_array_equal(y, R.avg_pool(x, 2, 3))
    g = np.ones_like(y)
    ref = reference_vjp(lambda v: R.avg_pool(v, 2, 3), x, g)
    seed = layer.backward(g)
    assert ref[0, 0, 2, 2] == 0  # row 2 and column 2 are in no window (windows start at 0 and 3, size 2)
    assert seed[0, 0, 2, 2] == 0.25


def test_004_not_expressible():
    x = np.zeros((1, 1, 4, 4))
    for kwargs in ({"padding": 1}, {"dilation": 2}, {"ceil_mode": True}, {"kernel_size": (2, 3)},
                   {"stride": (1, 2)}):
        with pytest.raises(NotImplementedError):
            zh.max_pool(x, **{"kernel_size": 2, **kwargs})
    with pytest.raises(NotImplementedError):
        zh.avg_pool(x, 2, divisor_override=2)

