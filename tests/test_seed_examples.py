"""The worked examples printed in the seed posts (../shared/seeds/) reproduce through the reference.

Seed 001_b99ffe26e7130a52.txt prints inputs and Keras outputs (MaxPooling1D/2D, AveragePooling1D/2D) with
numpy, plus the post's own numpy ("Manual") results for the same inputs; those printed numbers are
independent expected results, copied below verbatim (the blocks are checked against the seed file when
it is present). The seeds are channels-last (NHWC / NLC); the tests transpose to channels-first.
Shape-only examples (001's ZeroPadding2D / Conv2D / MaxPooling2D shapes, 002's im2col shapes, 004's
5x5 / 3x3 / stride-1 example, 000's layer shapes) are checked through `output_size` and the op outputs.

How close a printed number is to the value that was printed
-----------------------------------------------------------
numpy prints float arrays with precision=8, floatmode='maxprec': each element with the fewest fractional
digits that identify it uniquely, but at most 8 (then rounded at the 8th).
- A float32 element printed with fewer than 8 fractional digits is therefore the shortest round-trip
  repr of the float32 value: float32(literal) is that value exactly (error 0).
- An element printed with 8 fractional digits, and every float64 element (float64 needs ~17 digits, so
  "Manual" arrays are always rounded at the 8th, trailing zeros trimmed), is within half a unit of the
  8th fractional digit of the value: error <= 0.5e-8.
`printed()` returns each literal's value and that bound.

Tolerances
----------
The reference runs in float64 on the printed inputs (the exact oracle), and is compared per element with
  |ref - printed_out| <= err(out) + max err(in) + arithmetic,
- err(out): the print bound of the expected element;
- max err(in): max and mean are 1-Lipschitz in the max norm, so input print errors move the true output
  by at most the largest of them;
- arithmetic: 0 for max pooling (it selects an element; no rounding). For average pooling the printed
  output was computed in float32 (by Keras, or np.mean on the float32 window for "Manual"): summing k terms
  and dividing errs by at most (k+1)*u*mean|x| with u = eps32/2 (Higham's recursive-summation bound), which
  we bound by k * eps32 * mean(|x| over the window).
No other tolerance is used. For max pooling there is also an exact check: in float32, the printed Keras
outputs are the same strings as the input elements they select, so float32 parsing gives identical values.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

import reference as R

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
EPS32 = float(np.finfo(np.float32).eps)


def printed(block: str, shape: tuple[int, ...], dtype) -> tuple[np.ndarray, np.ndarray]:
    """Values (float64) of a numpy-printed block and each one's bound on |value - printed array element|."""
    tokens = re.findall(r"-?\d+\.\d*", block)
    assert len(tokens) == int(np.prod(shape)), f"{len(tokens)} numbers printed, expected shape {shape}"
    values = np.array([float(tok) for tok in tokens])
    digits = np.array([len(tok.split(".")[1]) for tok in tokens])
    if np.dtype(dtype) == np.float32:
        shortest = digits < 8
        values = np.where(shortest, values.astype(np.float32).astype(np.float64), values)
        err = np.where(shortest, 0.0, 0.5e-8)
    else:
        err = np.full(values.shape, 0.5e-8)
    return values.reshape(shape), err.reshape(shape)


def assert_within(ref: np.ndarray, expected: np.ndarray, bound: np.ndarray, what: str) -> None:
    assert ref.shape == expected.shape, f"{what}: shape {ref.shape} != printed {expected.shape}"
    excess = np.abs(ref - expected) - bound
    worst = tuple(int(i) for i in np.unravel_index(np.argmax(excess), excess.shape))
    assert excess[worst] <= 0, (
        f"{what}: at {worst} the reference gives {float(ref[worst])!r}, the seed printed "
        f"{float(expected[worst])!r}; "
        f"|diff| = {abs(ref[worst] - expected[worst]):.3e} exceeds the bound {bound[worst]:.3e}"
    )


def window_mean_abs(x: np.ndarray, k: int) -> np.ndarray:
    """mean(|x|) over each stride-1 k-window of the spatial dims of channels-first x."""
    spatial = tuple(range(2, x.ndim))
    windows = sliding_window_view(np.abs(x), (k,) * len(spatial), axis=spatial)
    return windows.mean(axis=tuple(range(x.ndim, windows.ndim)))


def check_pool(op: str, x_block, x_shape_cf, k, s, outputs) -> None:
    """Run reference op on the printed input; compare with every printed output (block, shape, dtype, who)."""
    x, x_err = printed(x_block, x_shape_cf, np.float32)
    if op == "max":
        ref = R.max_pool(x, k, s)
        arithmetic = np.zeros(ref.shape)
    else:
        ref = R.avg_pool(x, k, s)
        assert s == 1  # window_mean_abs is for the stride-1 examples the post prints
        arithmetic = k ** (x.ndim - 2) * EPS32 * window_mean_abs(x, k)
    assert ref.dtype == np.float64
    for block, dtype, who in outputs:
        expected, out_err = printed(block, ref.shape, dtype)
        assert_within(ref, expected, out_err + x_err.max() + arithmetic, f"{op} pool vs {who}")


def check_max_exact_float32(x_block, x_shape_cf, k, s, tf_block) -> None:
    x32 = printed(x_block, x_shape_cf, np.float32)[0].astype(np.float32)
    ref = R.max_pool(x32, k, s)
    assert ref.dtype == np.float32
    expected = printed(tf_block, ref.shape, np.float32)[0].astype(np.float32)
    np.testing.assert_array_equal(ref, expected)


# ---------------------------------------------------------------------------------------------------------
# 001_b99ffe26e7130a52.txt, "1D Max Pooling": L, f, s = 10, 2, 1 (printed "1021"); x is (1, 10, 1) NLC.
# ---------------------------------------------------------------------------------------------------------
MAX1D_X = ("[ 0.74785167 0.21461636 2.6922438 2.215315 "  # one printed line, split for length
           "1.1941749 -0.68907845 -1.1156827 -0.09096188 0.19192913 -0.75345397]")
MAX1D_TF = ("[ 0.74785167 2.6922438 2.6922438 2.215315 "  # one printed line, split for length
            "1.1941749 -0.68907845 -0.09096188 0.19192913 0.19192913]")
MAX1D_MANUAL = ("[ 0.74785167 2.69224381 2.69224381 2.2153151 "  # one printed line, split for length
                "1.19417489 -0.68907845 -0.09096188 0.19192913 0.19192913]")


def test_001_max_pooling_1d():
    # printed shapes: x (1, 10, 1) -> Keras (1, 9, 1), i.e. (1, 1, 10) -> (1, 1, 9) channels-first
    assert R.output_size(10, 2, 1) == 9
    check_pool("max", MAX1D_X, (1, 1, 10), 2, 1,
               [(MAX1D_TF, np.float32, "Keras MaxPooling1D"), (MAX1D_MANUAL, np.float64, "the post's numpy")])
    check_max_exact_float32(MAX1D_X, (1, 1, 10), 2, 1, MAX1D_TF)


# ---------------------------------------------------------------------------------------------------------
# 001, "2D Max Pooling": N, n_H, n_W, n_C = 1, 5, 5, 1 ("1551"); f, s = 2, 1 ("21"). Printed squeezed (5, 5).
# ---------------------------------------------------------------------------------------------------------
MAX2D_X = """[[ 0.7827516 -0.30897748 -2.018037 1.1552018 0.7307982 ]
[ 0.05400821 0.6710787 1.1512607 1.0191326 1.141896 ]
[-0.56917226 -0.974233 -0.17592804 0.5750942 0.8271091 ]
[ 0.32191488 0.00621981 -1.4048536 0.05103262 -0.10535239]
[ 0.95224744 -0.37198898 -0.7996818 1.1455618 -1.4212846 ]]"""
MAX2D_TF = """[[0.7827516 1.1512607 1.1552018 1.1552018 ]
[0.6710787 1.1512607 1.1512607 1.141896 ]
[0.32191488 0.00621981 0.5750942 0.8271091 ]
[0.95224744 0.00621981 1.1455618 1.1455618 ]]"""
MAX2D_MANUAL = """[[0.78275162 1.15126073 1.15520179 1.15520179]
[0.67107868 1.15126073 1.15126073 1.14189601]
[0.32191488 0.00621981 0.57509422 0.8271091 ]
[0.95224744 0.00621981 1.14556181 1.14556181]]"""


def test_001_max_pooling_2d():
    # printed shapes: x (1, 5, 5, 1) -> Keras (1, 4, 4, 1)
    assert R.output_size(5, 2, 1) == 4
    check_pool("max", MAX2D_X, (1, 1, 5, 5), 2, 1,
               [(MAX2D_TF, np.float32, "Keras MaxPooling2D"), (MAX2D_MANUAL, np.float64, "the post's numpy")])
    check_max_exact_float32(MAX2D_X, (1, 1, 5, 5), 2, 1, MAX2D_TF)


# ---------------------------------------------------------------------------------------------------------
# 001, "3D Max Pooling" (multi-channel 2-D): N, n_H, n_W, n_C = 1, 5, 5, 3 ("1553"); f, s = 2, 2.
# x and the outputs are printed after np.transpose(..., (2, 0, 1)), i.e. already channels-first (C, H, W).
# ---------------------------------------------------------------------------------------------------------
MAX3C_X = """[[[-0.04165245 -0.69489294 0.2628172 -1.4416945 0.32234243]
[-0.79485124 -1.2013087 -1.2264383 0.8739131 -0.7393973 ]
[-0.8175927 -0.32816795 -0.712461 -1.6772014 -0.36527568]
[-1.825489 1.2413286 0.14806442 -2.4312792 -0.9400049 ]
[-0.5953234 -0.6701633 1.246382 0.0760054 -0.66434175]]
[[ 0.69569916 -0.4265282 1.0689193 -2.368038 -2.049476 ]
[ 0.3202273 -0.09945048 0.10267391 1.9018568 -0.40930164]
[-0.332641 0.9687359 -0.5321431 1.397498 -2.3049204 ]
[-0.8621706 -0.30300015 -0.02255699 -0.5857848 0.8662503 ]
[ 0.01320763 -1.2768902 1.6485813 0.7326172 -0.6582798 ]]
[[-0.44493952 0.9499523 -0.9830161 0.78371817 -0.88013387]
[ 0.5741747 -0.5608523 0.11236259 0.20844218 -1.5184106 ]
[ 0.05717982 -0.05508999 0.00551856 0.48005813 -0.87953824]
[-1.1947052 0.86224306 0.17340192 -0.6662103 2.0635462 ]
[-1.9396527 0.80733216 -0.391985 -0.8547198 -2.0354655 ]]]"""
MAX3C_TF = """[[[-0.04165245 0.8739131 ] [ 1.2413286 0.14806442]]
[[ 0.69569916 1.9018568 ] [ 0.9687359 1.397498 ]]
[[ 0.9499523 0.78371817] [ 0.86224306 0.48005813]]]"""
MAX3C_MANUAL = """[[[-0.04165245 0.87391311] [ 1.2413286 0.14806442]]
[[ 0.69569916 1.90185678] [ 0.96873587 1.39749801]]
[[ 0.9499523 0.78371817] [ 0.86224306 0.48005813]]]"""


def test_001_max_pooling_2d_three_channels_stride_2():
    # printed shapes: x (1, 5, 5, 3) -> Keras (1, 2, 2, 3); the post's formula floor((5 - 2)/2 + 1) = 2
    assert R.output_size(5, 2, 2) == 2
    check_pool("max", MAX3C_X, (1, 3, 5, 5), 2, 2,
               [(MAX3C_TF, np.float32, "Keras MaxPooling2D"), (MAX3C_MANUAL, np.float64, "the post's numpy")])
    check_max_exact_float32(MAX3C_X, (1, 3, 5, 5), 2, 2, MAX3C_TF)


# ---------------------------------------------------------------------------------------------------------
# 001, "1D Average Pooling": L, f, s = 10, 2, 1 ("1021").
# ---------------------------------------------------------------------------------------------------------
AVG1D_X = ("[-0.9663772 -1.9476278 0.38253033 -0.9386613 -0.223463 "  # one printed line, split for length
           "1.7386291 -1.3975677 -1.4622998 -0.09377569 -0.6607355 ]")
AVG1D_TF = ("[-1.4570025 -0.7825487 -0.27806547 -0.58106214 0.757583 "  # one printed line, split for length
            "0.17053068 -1.4299338 -0.7780378 -0.3772556 ]")
AVG1D_MANUAL = ("[-1.45700252 -0.78254873 -0.27806547 -0.58106214 "  # one printed line, split for length
                "0.75758302 0.17053068 -1.42993379 -0.77803779 -0.37725559]")


def test_001_average_pooling_1d():
    # printed shapes: x (1, 10, 1) -> Keras (1, 9, 1)
    check_pool("avg", AVG1D_X, (1, 1, 10), 2, 1,
               [(AVG1D_TF, np.float32, "Keras AveragePooling1D"),
                (AVG1D_MANUAL, np.float64, "the post's numpy")])


# ---------------------------------------------------------------------------------------------------------
# 001, "2D Average Pooling": N, n_H, n_W, n_C = 1, 5, 5, 1 ("1551"); f, s = 2, 1 ("21").
# ---------------------------------------------------------------------------------------------------------
AVG2D_X = """[[ 0.26113737 -0.56307817 0.21443902 -0.19741607 0.9482374 ]
[ 0.03316693 -0.3110888 0.19893058 0.98124266 -1.5929346 ]
[-1.0411483 0.127162 -1.1271299 1.1738646 0.6369786 ]
[-2.1159682 -0.7146053 0.11509072 -1.377871 0.7687496 ]
[-0.2223623 1.1632506 -1.2287353 -1.425734 -0.01867203]]"""
AVG2D_TF = """[[-0.14496566 -0.11519934 0.29929906 0.03478235]
[-0.29797703 -0.27803153 0.306727 0.29978782]
[-0.93613994 -0.3998706 -0.3040114 0.30043045]
[-0.47242132 -0.16624983 -0.9793124 -0.51338184]]"""
AVG2D_MANUAL = """[[-0.14496566 -0.11519934 0.29929906 0.03478235]
[-0.29797703 -0.27803153 0.30672699 0.29978782]
[-0.93613994 -0.3998706 -0.3040114 0.30043045]
[-0.47242132 -0.16624983 -0.97931242 -0.51338184]]"""


def test_001_average_pooling_2d():
    # printed shapes: x (1, 5, 5, 1) -> Keras (1, 4, 4, 1)
    check_pool("avg", AVG2D_X, (1, 1, 5, 5), 2, 1,
               [(AVG2D_TF, np.float32, "Keras AveragePooling2D"),
                (AVG2D_MANUAL, np.float64, "the post's numpy")])


def test_printed_values_are_not_trivially_matched():
    """Guard for the tolerance: the bounds are orders of magnitude below the gaps between distinct outputs,
    so a wrong window (e.g. off by one) cannot pass. Shifting the 1-D average by one position fails."""
    x, _ = printed(AVG1D_X, (1, 1, 10), np.float32)
    expected, err = printed(AVG1D_TF, (1, 1, 9), np.float32)
    wrong = R.avg_pool(x[..., 1:], 2, 1)  # windows starting one cell late
    with pytest.raises(AssertionError):
        assert_within(wrong, expected[..., :8], err[..., :8] + 1e-7, "shifted")
    assert (2 * EPS32 * window_mean_abs(x, 2)).max() < 1e-6


# ---------------------------------------------------------------------------------------------------------
# Shape-only examples.
# ---------------------------------------------------------------------------------------------------------

def test_001_zero_padding_2d_shape():
    # "Zero Padding 2D Layer": images (1, 28, 28, 3) ("(128283)"), ZeroPadding2D(padding=1) -> (1, 30, 30, 3)
    y = R.zero_pad(np.zeros((1, 3, 28, 28), np.float32), 1)
    assert y.shape == (1, 3, 30, 30)


def test_001_conv2d_same_shape():
    # "Zero Padding with Conv2D Layer": Conv2D(filters=1, kernel_size=3, padding='same') on (1, 28, 28, 3)
    # -> (1, 28, 28, 1)
    pads = R.resolve_padding("same", (28, 28), 3)
    assert pads == ((1, 1), (1, 1))
    assert R.output_size(28, 3, 1, pads[0]) == 28
    y = R.conv(np.zeros((1, 3, 28, 28), np.float32), np.zeros((1, 3, 3, 3), np.float32), padding="same")
    assert y.shape == (1, 1, 28, 28)


def test_001_conv2d_strides_shape():
    # "Strides in Conv2D Layers": Conv2D(filters=1, kernel_size=3, padding='valid', strides=2) on
    # (1, 28, 28, 3) -> (1, 13, 13, 1); the post's formula [(28 + 0 - 3)/2 + 1] = 13
    assert R.output_size(28, 3, 2, 0) == 13
    y = R.conv(np.zeros((1, 3, 28, 28), np.float32), np.zeros((1, 3, 3, 3), np.float32), stride=2,
               padding="valid")
    assert y.shape == (1, 1, 13, 13)


def test_001_max_pooling_2d_strides_shape():
    # "strides in Pooling Layers": MaxPooling2D(pool_size=3, strides=2) on (1, 28, 28, 3) -> (1, 13, 13, 3)
    assert R.output_size(28, 3, 2) == 13
    assert R.max_pool(np.zeros((1, 3, 28, 28), np.float32), 3, 2).shape == (1, 3, 13, 13)


def test_002_im2col_shapes():
    # 002_27c37d9ef44a1db8.txt, 7.4.3: im2col(x1 (1, 3, 7, 7), 5, 5, stride=1, pad=0).shape is "(9, 75)" and
    # for x2 (10, 3, 7, 7) "(90, 75)": (N * out_h * out_w, C * FH * FW) rows; the reference's layout is
    # (N, C * FH * FW, out_h * out_w).
    assert R.output_size(7, 5, 1, 0) == 3
    for n, rows in ((1, 9), (10, 90)):
        cols = R.im2col(np.zeros((n, 3, 7, 7)), 5, stride=1, padding=0)
        assert cols.shape == (n, 75, 9)
        assert cols.shape[0] * cols.shape[2] == rows and cols.shape[1] == 75


def test_004_prose_example_shape():
    # 004_513f91769ac2a8c4.txt, section 2: "一个5x5的特征,以3x3的滑窗滑动,每次的步长为1" and "pooling操作后的
    # 大小是3×3" (a 5x5 map, 3x3 window, stride 1 -> 3x3), for max and average pooling.
    assert R.output_size(5, 3, 1) == 3
    x = np.zeros((1, 1, 5, 5))
    assert R.max_pool(x, 3, 1).shape == (1, 1, 3, 3)
    assert R.avg_pool(x, 3, 1).shape == (1, 1, 3, 3)


def test_000_forward_net_shapes():
    # 000_8fdaf83934e951b9.txt, forward_net: X (1, 3, 6, 6), W1 (1, 3, 3, 3), stride 1, pad 0 -> L1, then
    # Pool(in_h=4, in_w=4, kernel=2, stride=2) -> L1_MAX, then W2 (1, 1*2*2) -> L2. The shapes are not
    # printed in the post (its prints are lost), but its constructor arguments state L1 is 4x4.
    x = np.arange(1 * 3 * 6 * 6, dtype=np.float32).reshape(1, 3, 6, 6)
    l1 = R.conv(x, np.ones((1, 3, 3, 3), np.float32))
    assert l1.shape == (1, 1, 4, 4)
    l1_max = R.max_pool(l1, 2, 2)
    assert l1_max.shape == (1, 1, 2, 2)
    assert R.dense(l1_max.reshape(1, -1), np.ones((1, 4), np.float32)).shape == (1, 1)


# ---------------------------------------------------------------------------------------------------------
# The literals above are verbatim copies of the seed text.
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.skipif(not (SEEDS / "001_b99ffe26e7130a52.txt").exists(), reason="seed files not available")
@pytest.mark.parametrize("name", [n for n in dir() if n.split("_")[0] in ("MAX1D", "MAX2D", "MAX3C", "AVG1D",
                                                                          "AVG2D")])
def test_literals_are_verbatim_copies_of_seed_001(name):
    text = (SEEDS / "001_b99ffe26e7130a52.txt").read_text(encoding="utf-8")
    assert globals()[name] in text
