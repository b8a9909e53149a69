"""Every invalid-argument rule raises ValueError or TypeError; the message states the rule and the numbers.

The messages are matched loosely: a key word of the rule (e.g. 'stride') and the offending numbers must
appear somewhere in the message, in any order and any wording.  Numbers are matched as whole numbers, and
the cases use distinctive values (5, 7, 9, 13 ...) so that a formula's own constants cannot match by chance.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import reference as R
from conformance.errors import says  # the same message matcher the error contract uses

X1 = np.zeros((1, 1, 5))          # 1-D input, length 5
X2 = np.zeros((1, 1, 5, 5))       # 2-D input
X3 = np.zeros((1, 1, 5, 5, 5))    # 3-D input
POOLS = ["max_pool", "avg_pool", "sum_pool", "lp_pool"]


def pool(op, x, *args, **kwargs):
    """Call pooling op `op`; lp_pool gets norm_type=2 first."""
    fn = getattr(R, op)
    return fn(x, 2, *args, **kwargs) if op == "lp_pool" else fn(x, *args, **kwargs)


def test_says_helper():
    assert re.search(says("stride", 0), "stride must be >= 1; got stride=0")
    assert re.search(says("stride", 0), "got 0 for the Stride")
    assert not re.search(says("stride", 0), "stride must be >= 1; got 10")
    assert not re.search(says("stride", 5), "stride 0.5 is not allowed")
    assert not re.search(says("kernel", 7), "stride must be >= 1; got 7")
    assert re.search(says(-2), "padding must be >= 0; got (1, -2)")


# -------------------------------------------------------------------------- kernel, stride, dilation

@pytest.mark.parametrize("op", POOLS)
@pytest.mark.parametrize("kernel, bad", [(0, 0), (-3, -3), ((2, 0), 0), ((-7, 2), -7)])
def test_pool_non_positive_kernel(op, kernel, bad):
    x = X1 if isinstance(kernel, int) else X2
    with pytest.raises(ValueError, match=says("kernel", bad)):
        pool(op, x, kernel)


@pytest.mark.parametrize("op", POOLS)
@pytest.mark.parametrize("stride, bad", [(0, 0), (-2, -2), ((1, 0), 0)])
def test_pool_non_positive_stride(op, stride, bad):
    x = X1 if isinstance(stride, int) else X2
    with pytest.raises(ValueError, match=says("stride", bad)):
        pool(op, x, 2, stride=stride)


@pytest.mark.parametrize("op", POOLS)
@pytest.mark.parametrize("dilation, bad", [(0, 0), (-2, -2), ((0, 1), 0)])
def test_pool_non_positive_dilation(op, dilation, bad):
    x = X1 if isinstance(dilation, int) else X2
    with pytest.raises(ValueError, match=says("dilation", bad)):
        pool(op, x, 2, dilation=dilation)


@pytest.mark.parametrize("kwargs, word, bad", [
    ({"stride": 0}, "stride", 0), ({"stride": -3}, "stride", -3),
    ({"dilation": 0}, "dilation", 0), ({"dilation": (1, -2)}, "dilation", -2),
])
def test_conv_non_positive_stride_dilation(kwargs, word, bad):
    with pytest.raises(ValueError, match=says(word, bad)):
        R.conv(X2, np.zeros((1, 1, 3, 3)), **kwargs)


@pytest.mark.parametrize("kwargs, word, bad", [
    ({"kernel_size": 0}, "kernel", 0), ({"kernel_size": -3}, "kernel", -3),
    ({"kernel_size": 2, "stride": 0}, "stride", 0), ({"kernel_size": 2, "dilation": -1}, "dilation", -1),
])
def test_output_size_non_positive_arguments(kwargs, word, bad):
    with pytest.raises(ValueError, match=says(word, bad)):
        R.output_size(5, **kwargs)


@pytest.mark.parametrize("kwargs, word, bad", [
    ({"kernel_size": 0}, "kernel", 0), ({"kernel_size": 2, "stride": 0}, "stride", 0),
    ({"kernel_size": 2, "dilation": 0}, "dilation", 0),
])
def test_im2col_non_positive_arguments(kwargs, word, bad):
    with pytest.raises(ValueError, match=says(word, bad)):
        R.im2col(X2, **kwargs)


@pytest.mark.parametrize("op", POOLS)
def test_kernel_with_wrong_number_of_values(op):
    """A per-dim tuple must have one value per spatial dim: 3 values for a 1-D input."""
    with pytest.raises(ValueError, match=says("kernel", 3)):
        pool(op, X1, (2, 2, 2))


@pytest.mark.parametrize("op", ["max_pool", "avg_pool"])
def test_non_integer_kernel(op):
    with pytest.raises((TypeError, ValueError), match=says("kernel", 2.5)):
        pool(op, X1, 2.5)


# ---------------------------------------------------------------------------------------------- padding

@pytest.mark.parametrize("op", POOLS)
@pytest.mark.parametrize("padding, bad", [(-1, -1), ([(1, -2)], -2), ([-3], -3)])
def test_pool_negative_padding(op, padding, bad):
    with pytest.raises(ValueError, match=says("pad", bad)):
        pool(op, X1, 2, padding=padding)


@pytest.mark.parametrize("call", [
    lambda p: R.conv(X1, np.zeros((1, 1, 3)), padding=p),
    lambda p: R.zero_pad(X1, p),
    lambda p: R.im2col(X1, 3, padding=p),
    lambda p: R.resolve_padding(p, (5,), (3,)),
], ids=["conv", "zero_pad", "im2col", "resolve_padding"])
@pytest.mark.parametrize("padding, bad", [(-1, -1), ([(-2, 0)], -2)])
def test_negative_padding(call, padding, bad):
    with pytest.raises(ValueError, match=says("pad", bad)):
        call(padding)


def test_output_size_negative_padding():
    with pytest.raises(ValueError, match=says("pad", -1)):
        R.output_size(5, 2, padding=-1)
    with pytest.raises(ValueError, match=says("pad", -4)):
        R.output_size(5, 2, padding=(1, -4))


@pytest.mark.parametrize("bad", ["full", "SAMEE", "causl"])
@pytest.mark.parametrize("call", [
    lambda p: R.max_pool(X1, 2, padding=p),
    lambda p: R.avg_pool(X2, 2, padding=p),
    lambda p: R.conv(X1, np.zeros((1, 1, 3)), padding=p),
    lambda p: R.im2col(X1, 3, padding=p),
    lambda p: R.resolve_padding(p, (5,), (3,)),
    lambda p: R.zero_pad(X1, p),
], ids=["max_pool", "avg_pool", "conv", "im2col", "resolve_padding", "zero_pad"])
def test_unknown_padding_string(call, bad):
    with pytest.raises(ValueError, match=says("pad", re.escape(repr(bad)) + "|" + re.escape(bad))):
        call(bad)


@pytest.mark.parametrize("call, n_dims", [
    (lambda: R.conv(X2, np.zeros((1, 1, 3, 3)), padding="causal"), 2),
    (lambda: R.conv(X3, np.zeros((1, 1, 3, 3, 3)), padding="causal"), 3),
    (lambda: R.resolve_padding("causal", (5, 5), (3, 3)), 2),
    (lambda: R.im2col(X2, 3, padding="causal"), 2),
], ids=["conv2d", "conv3d", "resolve_padding", "im2col"])
def test_causal_padding_is_1d_only(call, n_dims):
    """'causal' exists for 1-D only; the message names it, the rule and the number of spatial dims it got."""
    with pytest.raises(ValueError, match=says("causal", "1-?D|1 spatial|one spatial|1d", n_dims)):
        call()


# ----------------------------------------------------------------------------------------- output size

def test_output_size_below_one():
    """floor((5 + 0 + 0 - 1*(7-1) - 1)/1) + 1 = -1 < 1: the message shows the numbers."""
    with pytest.raises(ValueError, match=says("output|out", 5, 7)):
        R.output_size(5, 7)
    with pytest.raises(ValueError, match=says("output|out", 5, 13)):
        R.output_size(5, 13, padding=(2, 1))


@pytest.mark.parametrize("op", POOLS)
@pytest.mark.parametrize("kwargs", [{"kernel_size": 7}, {"kernel_size": 9, "padding": 1},
                                    {"kernel_size": 3, "dilation": 3}])
def test_pool_kernel_larger_than_padded_input(op, kwargs):
    """Input length 5; the window (extent 7, 9 with 2 padding cells, 3 dilated by 3 = 7) does not fit."""
    kwargs = dict(kwargs)
    k = kwargs.pop("kernel_size")
    with pytest.raises(ValueError, match=says("output|out|window|kernel", 5)):
        pool(op, X1, k, **kwargs)


def test_conv_kernel_larger_than_padded_input():
    with pytest.raises(ValueError, match=says("output|out|window|kernel", 5, 7)):
        R.conv(X1, np.zeros((1, 1, 7)))
    with pytest.raises(ValueError, match=says("output|out|window|kernel", 5, 9)):
        R.conv(X2, np.zeros((1, 1, 9, 3)), padding=1)


@pytest.mark.parametrize("op", ["adaptive_max_pool", "adaptive_avg_pool"])
@pytest.mark.parametrize("out, bad", [(0, 0), ((2, -3), -3)])
def test_adaptive_non_positive_output_size(op, out, bad):
    x = X1 if isinstance(out, int) else X2
    with pytest.raises(ValueError, match=says("output", bad)):
        getattr(R, op)(x, out)


# ------------------------------------------------------------------------------------------------ ndim

WRONG_NDIM_INPUTS = [(np.zeros((3, 4)), 2), (np.zeros((1, 1, 2, 2, 2, 2)), 6), (np.zeros(7), 1)]


@pytest.mark.parametrize("x, ndim", WRONG_NDIM_INPUTS, ids=["2-D", "6-D", "1-D"])
@pytest.mark.parametrize("call", [
    lambda x: R.max_pool(x, 1), lambda x: R.avg_pool(x, 1), lambda x: R.sum_pool(x, 1),
    lambda x: R.lp_pool(x, 2, 1), lambda x: R.global_max_pool(x), lambda x: R.global_avg_pool(x),
    lambda x: R.adaptive_max_pool(x, 1), lambda x: R.adaptive_avg_pool(x, 1),
    lambda x: R.zero_pad(x, 1), lambda x: R.im2col(x, 1),
    lambda x: R.conv(x, np.zeros((1,) * x.ndim)),
], ids=["max_pool", "avg_pool", "sum_pool", "lp_pool", "global_max_pool", "global_avg_pool",
        "adaptive_max_pool", "adaptive_avg_pool", "zero_pad", "im2col", "conv"])
def test_wrong_ndim(call, x, ndim):
    """(N, C, *spatial) with 1-3 spatial dims means ndim 3..5; the message gives the ndim (or shape) got."""
    got = ndim if ndim != 1 else r"\(7,\)|ndim\W*1|1-D|1 dim"
    with pytest.raises(ValueError, match=says("dim|shape", got)):
        call(x)


def test_conv_weight_ndim_mismatch():
    """A 2-D kernel (4-D weight) for a 1-D input (3-D)."""
    with pytest.raises(ValueError, match=says("weight", 3, r"\(1, 1, 3, 3\)|ndim\W*4")):
        R.conv(X1, np.zeros((1, 1, 3, 3)))


def test_dense_weight_must_be_2d():
    with pytest.raises(ValueError, match=says("weight", r"\(4, 5, 1\)|ndim\W*3")):
        R.dense(np.zeros((2, 5)), np.zeros((4, 5, 1)))


# ------------------------------------------------------------------------------------ groups, channels

def test_conv_channels_not_divisible_by_groups():
    with pytest.raises(ValueError, match=says("group", 4, 3)):
        R.conv(np.zeros((1, 4, 5)), np.zeros((3, 1, 3)), groups=3)


def test_conv_out_channels_not_divisible_by_groups():
    with pytest.raises(ValueError, match=says("group", 7, 3)):
        R.conv(np.zeros((1, 3, 5)), np.zeros((7, 1, 3)), groups=3)


@pytest.mark.parametrize("groups", [0, -2])
def test_conv_non_positive_groups(groups):
    with pytest.raises(ValueError, match=says("group", groups)):
        R.conv(np.zeros((1, 2, 5)), np.zeros((2, 2, 3)), groups=groups)


@pytest.mark.parametrize("x_shape, w_shape, groups, numbers", [
    ((1, 3, 5), (2, 4, 3), 1, (3, 4)),            # C_in 3, weight expects 4
    ((1, 6, 5), (2, 5, 3), 2, (3, 5)),            # C_in/groups = 3, weight has 5
    ((1, 3, 5, 5), (2, 7, 3, 3), 1, (3, 7)),
])
def test_conv_weight_channel_mismatch(x_shape, w_shape, groups, numbers):
    with pytest.raises(ValueError, match=says("channel|c_in|weight", *numbers)):
        R.conv(np.zeros(x_shape), np.zeros(w_shape), groups=groups)


def test_conv_bias_mismatch():
    with pytest.raises(ValueError, match=says("bias", 3, 2)):
        R.conv(X1, np.zeros((2, 1, 3)), bias=np.zeros(3))


def test_dense_feature_mismatch():
    with pytest.raises(ValueError, match=says("feature|weight|in", 3, 5)):
        R.dense(np.zeros((2, 3)), np.zeros((4, 5)))


def test_dense_bias_mismatch():
    with pytest.raises(ValueError, match=says("bias", 3, 4)):
        R.dense(np.zeros((2, 5)), np.zeros((4, 5)), bias=np.zeros(3))


# --------------------------------------------------------------------------------------------- dtypes

BAD_DTYPES = [
    (np.full((1, 1, 5), "1"), TypeError, r"str|<U|unicode|string"),
    (np.full((1, 1, 5), 1.0, dtype=object), TypeError, r"object|\bO\b"),
    (np.zeros((1, 1, 5), dtype=np.complex128), TypeError, r"complex"),
    (np.zeros((1, 1, 5), dtype=np.complex64), TypeError, r"complex"),
]
BAD_DTYPE_IDS = ["str", "object", "complex128", "complex64"]


@pytest.mark.parametrize("x, exc, dtype_word", BAD_DTYPES, ids=BAD_DTYPE_IDS)
@pytest.mark.parametrize("call", [
    lambda x: R.max_pool(x, 2), lambda x: R.avg_pool(x, 2), lambda x: R.sum_pool(x, 2),
    lambda x: R.lp_pool(x, 2, 2), lambda x: R.global_max_pool(x), lambda x: R.global_avg_pool(x),
    lambda x: R.adaptive_max_pool(x, 2), lambda x: R.adaptive_avg_pool(x, 2),
    lambda x: R.zero_pad(x, 1), lambda x: R.im2col(x, 2),
    lambda x: R.conv(x, np.zeros((1, 1, 3))),
    lambda x: R.conv(np.zeros((1, 1, 5)), x[:, :, :3]),
    lambda x: R.dense(x[0], np.zeros((2, 5))),
    lambda x: R.dense(np.zeros((1, 5)), x[0]),
    lambda x: R.relu(x), lambda x: R.leaky_relu(x, 0.1), lambda x: R.sigmoid(x), lambda x: R.tanh(x),
], ids=["max_pool", "avg_pool", "sum_pool", "lp_pool", "global_max_pool", "global_avg_pool",
        "adaptive_max_pool", "adaptive_avg_pool", "zero_pad", "im2col", "conv-input", "conv-weight",
        "dense-input", "dense-weight", "relu", "leaky_relu", "sigmoid", "tanh"])
def test_non_numeric_or_complex_dtype(call, x, exc, dtype_word):
    """Non-numeric (str, object) and complex arrays are a TypeError that names the dtype."""
    with pytest.raises(exc, match=says("dtype|type", dtype_word)):
        call(x)


# ------------------------------------------------------------------------------- avg pool, activations

@pytest.mark.parametrize("kwargs", [
    {"kernel_size": 2, "stride": 1, "padding": 2},                     # the first window is [-2, -1]
    {"kernel_size": 1, "stride": 1, "padding": [(0, 1)]},              # the last window is [5]
    {"kernel_size": 2, "stride": 3, "padding": 3, "ceil_mode": True},  # the first window is [-3, -2]
])
def test_avg_pool_window_without_input_cell(kwargs):
    """count_include_pad=False divides by the number of input cells: 0 for a window of padding only."""
    with pytest.raises(ValueError, match=says("count_include_pad|divisor|input cell|no input|empty")):
        R.avg_pool(X1, **kwargs, count_include_pad=False)


@pytest.mark.parametrize("bad", [0, -2])
def test_avg_pool_non_positive_divisor_override(bad):
    with pytest.raises(ValueError, match=says("divisor", bad)):
        R.avg_pool(X1, 2, divisor_override=bad)


def test_leaky_relu_needs_negative_slope():
    """No default slope: frameworks disagree (0.3, 0.2, 0.01), so it must be given."""
    with pytest.raises(TypeError, match="negative_slope"):
        R.leaky_relu(X1)


# -------------------------------------------------------------------------------------------- col2im

def test_col2im_wrong_cols_shape():
    """cols for a (1, 1, 5) input, kernel 3 must be (1, 3, 3); (1, 3, 4) is a ValueError naming both."""
    with pytest.raises(ValueError, match=says(r"\(1, 3, 3\)", r"\(1, 3, 4\)")):
        R.col2im(np.zeros((1, 3, 4)), (1, 1, 5), 3)
