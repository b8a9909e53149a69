"""Meta tests of the failure message's window story: `conformance.messages.window_cells` and `draw_window`.

For an output element, `window_cells` lists per spatial dim the input cell each window position reads
(an int), 'pad' for padding, or 'out' for a ceil-mode overhang past the padding; `draw_window` renders
the window's values as a grid. A wrong window in a failure message sends whoever reads it after the wrong
bug, so the hand-worked cases below draw the expected window in a comment (TF pooling_ops_test style)
and state it literally, and a hypothesis test cross-checks the geometry against the reference: the max
and the sum over the cells `window_cells` lists must be the reference's max_pool and sum_pool, and the
share of them that are input cells must be avg_pool of ones (the count_include_pad divisor).
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import assume, given, note, settings
from hypothesis import strategies as st

from conformance.cases import Case, reference_output
from conformance.messages import draw_window, window_cells

PAD, OUT = "pad", "out"


def x1(n: int, c: int = 1) -> np.ndarray:
    """(1, c, n) with cell i of channel ch holding 100*ch + i (so a value names its cell)."""
    return (np.arange(c)[:, None] * 100 + np.arange(n)[None, :]).reshape(1, c, n).astype(np.float32)


def grid_rows(lines: list[str]) -> list[list[str]]:
    """The rows of a drawn grid (the lines after 'x[n, c] window:'), as tokens."""
    return [line.split() for line in lines]


def channel_block(lines: list[str], n: int, c: int) -> list[list[str]]:
    """The grid rows drawn under the heading 'x[n, c] window:', up to the next heading."""
    head = f"x[{n}, {c}] window:"
    assert head in lines, f"no {head!r} in {lines}"
    rows = []
    for line in lines[lines.index(head) + 1:]:
        if line.startswith("x["):
            break
        rows.append(line.split())
    return rows


# ------------------------------------------------------------------------------ 1-D pooling windows

def test_padding_on_both_ends():
    """max_pool x = [0 1 2 3 4], kernel 3, stride 2, padding 1 -> 3 outputs:

        padded:  pad  0  1  2  3  4  pad
        out 0:  [pad  0  1]
        out 1:          [1  2  3]
        out 2:                [3  4  pad]
    """
    case = Case("max_pool", x1(5), kernel_size=(3,), stride=(2,), padding=(1,))
    assert reference_output(case).shape == (1, 1, 3)
    assert window_cells(case, (0, 0, 0)) == [[PAD, 0, 1]]
    assert window_cells(case, (0, 0, 1)) == [[1, 2, 3]]
    assert window_cells(case, (0, 0, 2)) == [[3, 4, PAD]]
    lines = draw_window(case, (0, 0, 2))
    assert channel_block(lines, 0, 0) == [["3", "4", "pad"]]


def test_ceil_mode_overhang_is_out_not_pad():
    """max_pool x = [0 1 2 3 4], kernel 2, stride 2, ceil_mode -> 3 outputs; the last overhangs:

        cells:  0  1 | 2  3 | 4  out
    """
    case = Case("max_pool", x1(5), kernel_size=(2,), stride=(2,), ceil_mode=True)
    assert reference_output(case).shape == (1, 1, 3)
    assert window_cells(case, (0, 0, 2)) == [[4, OUT]]
    assert channel_block(draw_window(case, (0, 0, 2)), 0, 0) == [["4", "out"]]


def test_ceil_mode_overhang_past_padding():
    """max_pool x = [0 1 2 3], kernel 3, stride 2, padding 1, ceil_mode -> ceil((4+2-3)/2)+1 = 3 outputs:

        padded:  pad  0  1  2  3  pad  |
        out 2:                [3  pad  out]   (starts at padded 4 = cell 3, inside the input: kept)
    """
    case = Case("max_pool", x1(4), kernel_size=(3,), stride=(2,), padding=(1,), ceil_mode=True)
    assert reference_output(case).shape == (1, 1, 3)
    assert window_cells(case, (0, 0, 2)) == [[3, PAD, OUT]]


def test_same_padding_puts_the_odd_cell_after():
    """max_pool x = [0 1 2 3 4], kernel 4, stride 1, 'same': total (5-1)*1 + 4 - 5 = 3 -> 1 before, 2 after.

        padded:  pad  0  1  2  3  4  pad  pad
        out 0:  [pad  0  1  2]
        out 4:                [3  4  pad  pad]
    """
    case = Case("max_pool", x1(5), kernel_size=(4,), stride=(1,), padding="same")
    assert reference_output(case).shape == (1, 1, 5)
    assert window_cells(case, (0, 0, 0)) == [[PAD, 0, 1, 2]]
    assert window_cells(case, (0, 0, 4)) == [[3, 4, PAD, PAD]]


def test_same_lower_padding_puts_the_odd_cell_first():
    """max_pool x = [0 1 2 3 4], kernel 4, stride 1, 'same_lower' (ONNX SAME_LOWER): total 3 -> 2 before,
    1 after; as many outputs as 'same'.

        padded:  pad  pad  0  1  2  3  4  pad
        out 0:  [pad  pad  0  1]
        out 4:                  [2  3  4  pad]
    """
    case = Case("max_pool", x1(5), kernel_size=(4,), stride=(1,), padding="same_lower")
    assert case.pads == ((2, 1),)
    assert reference_output(case).shape == (1, 1, 5)
    assert window_cells(case, (0, 0, 0)) == [[PAD, PAD, 0, 1]]
    assert window_cells(case, (0, 0, 4)) == [[2, 3, 4, PAD]]


def test_asymmetric_padding():
    """avg_pool x = [0 1 2], kernel 2, stride 1, padding (2, 0) -> 4 outputs:

        padded:  pad  pad  0  1  2
        out 0:  [pad  pad]
        out 1:       [pad  0]
        out 3:               [1  2]
    """
    case = Case("avg_pool", x1(3), kernel_size=(2,), stride=(1,), padding=((2, 0),))
    assert reference_output(case).shape == (1, 1, 4)
    assert window_cells(case, (0, 0, 0)) == [[PAD, PAD]]
    assert window_cells(case, (0, 0, 1)) == [[PAD, 0]]
    assert window_cells(case, (0, 0, 3)) == [[1, 2]]


def test_dilation_reads_every_other_cell():
    """max_pool x = [0 .. 6], kernel 3, dilation 2, stride 1 -> 7 - 4 = 3 outputs:

        cells:   0  1  2  3  4  5  6
        out 1:      ^     ^     ^      -> [1, 3, 5]
    """
    case = Case("max_pool", x1(7), kernel_size=(3,), stride=(1,), dilation=2)
    assert reference_output(case).shape == (1, 1, 3)
    assert window_cells(case, (0, 0, 1)) == [[1, 3, 5]]
    assert channel_block(draw_window(case, (0, 0, 1)), 0, 0) == [["1", "3", "5"]]


def test_default_stride_is_the_kernel():
    """max_pool x = [0 .. 5], kernel 2, stride unset -> stride 2: out 2 reads [4, 5]."""
    case = Case("max_pool", x1(6), kernel_size=(2,))
    assert window_cells(case, (0, 0, 2)) == [[4, 5]]


def test_channel_and_batch_pick_the_plane():
    """The drawn values come from x[n, c]: channel 1 of x1(4, 2) holds 100 .. 103."""
    case = Case("max_pool", x1(4, c=2), kernel_size=(2,), stride=(1,))
    lines = draw_window(case, (0, 1, 2))
    assert channel_block(lines, 0, 1) == [["102", "103"]]
    assert "x[0, 0] window:" not in lines


# ------------------------------------------------------------------------------ 2-D windows, drawn

X44 = np.arange(1, 17, dtype=np.float32).reshape(1, 1, 4, 4)
#    col:  0   1   2   3
# row 0:   1   2   3   4
# row 1:   5   6   7   8
# row 2:   9  10  11  12
# row 3:  13  14  15  16


def test_2d_grid_has_the_right_values_in_the_right_rows():
    """max_pool 4x4, kernel 3, stride 2, padding 1 -> 2x2 outputs. Output (1, 0) reads rows 1..3 and
    columns -1..1:

             pad   0   1      (columns)
        1:   pad   5   6
        2:   pad   9  10
        3:   pad  13  14
    """
    case = Case("max_pool", X44, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))
    assert reference_output(case).shape == (1, 1, 2, 2)
    assert window_cells(case, (0, 0, 1, 0)) == [[1, 2, 3], [PAD, 0, 1]]
    assert channel_block(draw_window(case, (0, 0, 1, 0)), 0, 0) == [
        ["pad", "5", "6"],
        ["pad", "9", "10"],
        ["pad", "13", "14"],
    ]


def test_2d_corner_window_pads_a_row_and_a_column():
    """Same pool, output (0, 1): rows -1..1, columns 1..3:

        pad  pad  pad
          2    3    4
          6    7    8
    """
    case = Case("max_pool", X44, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))
    assert window_cells(case, (0, 0, 0, 1)) == [[PAD, 0, 1], [1, 2, 3]]
    assert channel_block(draw_window(case, (0, 0, 0, 1)), 0, 0) == [
        ["pad", "pad", "pad"],
        ["2", "3", "4"],
        ["6", "7", "8"],
    ]


def test_2d_rectangular_kernel_and_strides():
    """avg_pool 4x4, kernel (2, 3), stride (2, 1) -> 2x2 outputs; output (1, 1) reads rows 2..3, cols 1..3:

        10  11  12
        14  15  16
    """
    case = Case("avg_pool", X44, kernel_size=(2, 3), stride=(2, 1))
    assert reference_output(case).shape == (1, 1, 2, 2)
    assert window_cells(case, (0, 0, 1, 1)) == [[2, 3], [1, 2, 3]]
    assert channel_block(draw_window(case, (0, 0, 1, 1)), 0, 0) == [["10", "11", "12"], ["14", "15", "16"]]


# ------------------------------------------------------------------------------ conv, im2col

def test_conv_draws_the_input_channels_of_the_output_group():
    """conv x (1, 4, 5), weight (4, 2, 3), groups 2, padding 1: output channel 3 is in group 1, which
    reads input channels 2 and 3. Output position 0 reads [pad 0 1] of each:

        x[0, 2]:  pad  200  201
        x[0, 3]:  pad  300  301
    """
    case = Case("conv", x1(5, c=4), weight=np.ones((4, 2, 3), np.float32), padding=1, groups=2)
    assert reference_output(case).shape == (1, 4, 5)
    assert window_cells(case, (0, 3, 0)) == [[PAD, 0, 1]]
    lines = draw_window(case, (0, 3, 0))
    assert channel_block(lines, 0, 2) == [["pad", "200", "201"]]
    assert channel_block(lines, 0, 3) == [["pad", "300", "301"]]
    assert "x[0, 0] window:" not in lines and "x[0, 1] window:" not in lines


def test_im2col_1d_index_is_one_cell():
    """im2col x = [0 1 2 3], kernel 2, padding 1 -> L = 4 + 2 - 2 + 1 = 5 columns; row j, column l reads
    padded cell l + j, i.e. input cell l + j - 1:

        padded:  pad  0  1  2  3  pad
        (j=0, l=0) -> pad      (j=1, l=0) -> 0      (j=1, l=4) -> pad      (j=0, l=3) -> 2
    """
    case = Case("im2col", x1(4), kernel_size=(2,), padding=1)
    assert reference_output(case).shape == (1, 2, 5)
    assert window_cells(case, (0, 0, 0)) == [[PAD]]
    assert window_cells(case, (0, 1, 0)) == [[0]]
    assert window_cells(case, (0, 1, 4)) == [[PAD]]
    assert window_cells(case, (0, 0, 3)) == [[2]]


def test_im2col_2d_index_names_channel_offset_and_position():
    """im2col x (1, 2, 3, 5) with x[0, c, i, j] = 100c + 10i + j, kernel (2, 3) (K = 6), no padding ->
    out (2, 3), L = 6. Row 1*6 + 2 is channel 1, kernel offset 2 = (0, 2) in C order over (2, 3); column 2
    is position (0, 2) in C order over (2, 3): it reads cell (0 + 0, 2 + 2) = (0, 4) of channel 1 = 104.

        channel 1:  100  101  102  103 [104]
                    110  111  112  113  114
                    120  121  122  123  124
    """
    x = (100 * np.arange(2)[:, None, None] + 10 * np.arange(3)[None, :, None]
         + np.arange(5)[None, None, :]).reshape(1, 2, 3, 5).astype(np.float32)
    case = Case("im2col", x, kernel_size=(2, 3))
    expected = reference_output(case)
    assert expected.shape == (1, 12, 6)
    assert window_cells(case, (0, 8, 2)) == [[0], [4]]
    assert channel_block(draw_window(case, (0, 8, 2)), 0, 1) == [["104"]]
    # row 0*6 + 5 = offset (1, 2), column 4 = position (1, 1): cell (1 + 1, 1 + 2) = (2, 3) of channel 0
    assert window_cells(case, (0, 5, 4)) == [[2], [3]]
    assert channel_block(draw_window(case, (0, 5, 4)), 0, 0) == [["23"]]


# ------------------------------------------------------------------------------ adaptive, global, zero_pad

def test_adaptive_windows_floor_and_ceil():
    """adaptive pooling 5 -> 3: window i spans [floor(5i/3), ceil(5(i+1)/3)):

        i=0: [0, 2)  -> 0 1
        i=1: [1, 4)  -> 1 2 3     (overlaps both neighbours)
        i=2: [3, 5)  -> 3 4
    """
    case = Case("adaptive_max_pool", x1(5), output_size=(3,))
    assert [window_cells(case, (0, 0, i)) for i in range(3)] == [[[0, 1]], [[1, 2, 3]], [[3, 4]]]


def test_adaptive_upsampling_and_2d():
    """2 -> 3 (more outputs than cells): [0, 1), [0, 2), [1, 2). 2-D (4, 7) -> (3, 2): rows [0,2) [1,3)
    [2,4), columns [0,4) [3,7); output (1, 1) reads rows 1 2, columns 3 4 5 6."""
    up = Case("adaptive_avg_pool", x1(2), output_size=(3,))
    assert [window_cells(up, (0, 0, i)) for i in range(3)] == [[[0]], [[0, 1]], [[1]]]
    case = Case("adaptive_avg_pool", np.zeros((1, 1, 4, 7)), output_size=(3, 2))
    assert window_cells(case, (0, 0, 1, 1)) == [[1, 2], [3, 4, 5, 6]]
    assert window_cells(case, (0, 0, 0, 0)) == [[0, 1], [0, 1, 2, 3]]
    assert window_cells(case, (0, 0, 2, 0)) == [[2, 3], [0, 1, 2, 3]]


def test_zero_pad_index_maps_to_a_cell_or_pad():
    """zero_pad x = [0 1 2] with (2, 1): output = [pad pad 0 1 2 pad]."""
    case = Case("zero_pad", x1(3), padding=((2, 1),))
    assert reference_output(case).shape == (1, 1, 6)
    assert [window_cells(case, (0, 0, i)) for i in range(6)] == [
        [[PAD]], [[PAD]], [[0]], [[1]], [[2]], [[PAD]]]


def test_zero_pad_2d_pads_either_dim():
    """zero_pad 2x2 with ((1, 0), (0, 2)) -> 3x4; output (0, 1) is in the top pad row, (2, 1) reads
    cell (1, 1), (1, 3) is in the right pad columns."""
    case = Case("zero_pad", np.zeros((1, 1, 2, 2)), padding=((1, 0), (0, 2)))
    assert reference_output(case).shape == (1, 1, 3, 4)
    assert window_cells(case, (0, 0, 0, 1)) == [[PAD], [1]]
    assert window_cells(case, (0, 0, 2, 1)) == [[1], [1]]
    assert window_cells(case, (0, 0, 1, 3)) == [[0], [PAD]]


def test_global_window_is_everything():
    case = Case("global_avg_pool", X44[:, :, :2, :3])
    assert window_cells(case, (0, 0, 0, 0)) == [[0, 1], [0, 1, 2]]
    assert channel_block(draw_window(case, (0, 0, 0, 0)), 0, 0) == [["1", "2", "3"], ["5", "6", "7"]]


def test_elementwise_ops_have_no_window():
    case = Case("relu", x1(3))
    assert window_cells(case, (0, 0, 1)) is None
    assert draw_window(case, (0, 0, 1)) == []


# ------------------------------------------------------------------------------ cross-check vs the reference

@st.composite
def pool_cases(draw):
    """A 1-D or 2-D max_pool case with every padding form, dilation and ceil_mode. Values are distinct
    signed powers of two, so a window's sum names exactly which cells it holds."""
    rank = draw(st.integers(1, 2), label="rank")
    max_n = 24 if rank == 1 else 6
    spatial = tuple(draw(st.integers(1, max_n), label=f"n[{i}]") for i in range(rank))
    kernel = tuple(draw(st.integers(1, 5), label=f"kernel[{i}]") for i in range(rank))
    stride = draw(st.one_of(st.none(), st.tuples(*[st.integers(1, 3)] * rank)), label="stride")
    dilation = draw(st.one_of(st.just(1), st.tuples(*[st.integers(1, 3)] * rank)), label="dilation")
    padding = draw(st.one_of(
        st.sampled_from(["valid", "same"]),
        st.integers(0, 3),
        st.tuples(*[st.tuples(st.integers(0, 3), st.integers(0, 3))] * rank),
    ), label="padding")
    ceil_mode = draw(st.booleans(), label="ceil_mode")
    cells = int(np.prod(spatial))
    signs = np.array(draw(st.lists(st.sampled_from([-1.0, 1.0]), min_size=cells, max_size=cells),
                          label="signs"))
    order = np.array(draw(st.permutations(range(cells)), label="exponents"))
    plane = (signs * 2.0 ** order).reshape(spatial)
    x = np.stack([plane, -plane])[None]  # two channels of opposite sign
    return Case("max_pool", x, kernel_size=kernel, stride=stride, padding=padding, dilation=dilation,
                ceil_mode=ceil_mode)


def _classify(case: Case, dims: list[list]) -> tuple[list[tuple[int, ...]], int]:
    """The window's input cells, and how many cells lie inside input + padding (no dim 'out')."""
    spatial = case.shape[2:]
    for d, cells in enumerate(dims):
        for cell in cells:
            assert cell in (PAD, OUT) or (isinstance(cell, int) and 0 <= cell < spatial[d]), (d, cell)
    inside = [c for c in itertools.product(*dims) if all(isinstance(v, int) for v in c)]
    in_box = sum(1 for c in itertools.product(*dims) if OUT not in c)
    return inside, in_box


@settings(deadline=None, max_examples=150)
@given(case=pool_cases())
def test_window_cells_agree_with_the_reference(case):
    try:
        want_max = reference_output(case)
    except ValueError:
        assume(False)  # no valid output shape: nothing to draw
    want_sum = reference_output(case.replace(op="sum_pool"))
    ones = case.replace(op="avg_pool", x=np.ones_like(case.x))
    want_share = reference_output(ones)  # count_include_pad: (input cells) / (input + padding cells)
    note(f"pads {case.pads}")
    for index in np.ndindex(want_max.shape):
        dims = window_cells(case, index)
        assert [len(d) for d in dims] == list(case.kernel)
        inside, in_box = _classify(case, dims)
        plane = case.x[index[:2]]
        got = [plane[c] for c in inside]
        assert (max(got) if got else -np.inf) == want_max[index], (index, dims)
        assert sum(got) == want_sum[index], (index, dims)
        assert len(inside) / in_box == want_share[index], (index, dims)
