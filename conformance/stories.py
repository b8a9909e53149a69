"""What a failure message says about an op's geometry: its output-shape formula with the case's numbers,
and which input cells one output element reads. One pair of functions per op family; the op table
(`ops.py`) names the pair each op uses."""

from __future__ import annotations

import itertools
from math import ceil, floor, prod

import numpy as np

import reference

from .cases import Case

Cells = list[list[int | str]]  # per spatial dim, the input cell each position reads, or 'pad' / 'out'


def windowed_shape(case: Case) -> list[str]:
    mode = "ceil" if case.ceil_mode else "floor"
    rnd = ceil if case.ceil_mode else floor
    lines = []
    for i, (n, k, s, d, (pb, pa)) in enumerate(
        zip(case.shape[2:], case.kernel, case.strides, case.dilations, case.pads)
    ):
        raw = rnd((n + pb + pa - d * (k - 1) - 1) / s) + 1
        line = (
            f"dim {i}: {mode}((n + pb + pa - d*(k-1) - 1)/s) + 1 = "
            f"{mode}(({n} + {pb} + {pa} - {d}*({k}-1) - 1)/{s}) + 1 = {raw}"
        )
        if case.ceil_mode and (raw - 1) * s >= n + pb:
            line += f"; the last window would start at {(raw - 1) * s} >= n + pb = {n + pb}, so {raw - 1}"
        lines.append(line)
    return lines


def windowed_cells(case: Case, index: tuple[int, ...]) -> Cells:
    dims: Cells = []
    for o, n, k, s, d, (pb, pa) in zip(
        index[2:], case.shape[2:], case.kernel, case.strides, case.dilations, case.pads
    ):
        cells: list[int | str] = []
        for j in range(k):
            p = o * s + j * d - pb
            cells.append(p if 0 <= p < n else ("pad" if -pb <= p < n + pa else "out"))
        dims.append(cells)
    return dims


def im2col_cells(case: Case, index: tuple[int, ...]) -> Cells:
    """index (n, c*K + j, l): the one cell kernel offset j of window l reads."""
    kernel = case.kernel
    spatial = case.shape[2:]
    offset = np.unravel_index(index[1] % prod(kernel), kernel)
    out = [
        reference.output_size(n, k, s, p, d)
        for n, k, s, p, d in zip(spatial, kernel, case.strides, case.pads, case.dilations)
    ]
    position = np.unravel_index(index[2], out)
    cells = [
        int(o * s + j * d - pb)
        for o, j, s, d, (pb, _) in zip(position, offset, case.strides, case.dilations, case.pads)
    ]
    return [[p if 0 <= p < n else "pad"] for p, n in zip(cells, spatial)]


def zero_pad_shape(case: Case) -> list[str]:
    return [
        f"dim {i}: pb + n + pa = {pb} + {n} + {pa} = {pb + n + pa}"
        for i, (n, (pb, pa)) in enumerate(zip(case.shape[2:], case.pads))
    ]


def zero_pad_cells(case: Case, index: tuple[int, ...]) -> Cells:
    return [
        [o - pb if 0 <= o - pb < n else "pad"] for o, n, (pb, _) in zip(index[2:], case.shape[2:], case.pads)
    ]


def adaptive_shape(case: Case) -> list[str]:
    return [
        f"dim {i}: {n} -> {o} windows, window j spans [floor(j*{n}/{o}), ceil((j+1)*{n}/{o}))"
        for i, (n, o) in enumerate(zip(case.shape[2:], case.out_size))
    ]


def adaptive_cells(case: Case, index: tuple[int, ...]) -> Cells:
    return [
        list(range((o * n) // m, -((-(o + 1) * n) // m)))
        for o, n, m in zip(index[2:], case.shape[2:], case.out_size)
    ]


def global_shape(case: Case) -> list[str]:
    return ["every spatial dim -> 1 (kept)"]


def global_cells(case: Case, index: tuple[int, ...]) -> Cells:
    return [list(range(n)) for n in case.shape[2:]]


def no_shape(case: Case) -> list[str]:
    return []


def no_cells(case: Case, index: tuple[int, ...]) -> Cells | None:
    return None


def own_channel(case: Case, c: int) -> list[int]:
    return [c]


def im2col_channel(case: Case, c: int) -> list[int]:
    return [c // prod(case.kernel)]


def conv_channels(case: Case, c: int) -> list[int]:
    """The input channels output channel c reads (its group's), the first two of them."""
    per_group = case.w.shape[1]
    group = c // (case.w.shape[0] // case.groups)
    return list(range(group * per_group, (group + 1) * per_group))[:2]


# --- backward ---------------------------------------------------------------------------------------------


def backward_shape(case: Case) -> list[str]:
    """grad_<wrt> has <wrt>'s shape; the cotangent has the forward output's, by the forward formula."""
    forward = case.forward_case()
    wrt = case.arrays()[case.wrt]
    assert case.grad_output is not None
    lines = [f"grad_{case.wrt} has the shape of {case.wrt}, {tuple(wrt.shape)}; grad_output has the forward "
             f"output's, {tuple(case.grad_output.shape)}:"]
    return lines + ["  " + line for line in forward.spec.shape_story(forward)]


def window_contributions(case: Case, index: tuple[int, ...]) -> list[str]:
    """Which forward windows read the input cell that grad_x[index] is the gradient of."""
    if case.wrt != "x" or case.grad_output is None:
        return []
    per_dim = []
    # im2col's cotangent is (N, C*K, L): the window positions per dim are the forward's output grid
    grid = case.grad_output.shape[2:] if case.grad_output.ndim == case.x.ndim else tuple(
        reference.output_size(n, k, s, pads, d, case.ceil_mode)
        for n, k, s, pads, d in zip(case.shape[2:], case.kernel, case.strides, case.pads, case.dilations))
    geometry = zip(index[2:], case.kernel, case.strides, case.dilations, case.pads, grid)
    for p, k, s, d, (pb, _), out in geometry:
        per_dim.append([i for i in range(out) for j in range(k) if i * s + j * d - pb == p])
    positions = list(itertools.product(*per_dim))
    if not positions:
        return [f"no forward window reads x{list(index)}, so its gradient is 0"]
    n, c = index[:2]
    more = f" and {len(positions) - 9} more" if len(positions) > 9 else ""
    if case.spec.family == "conv":
        shown = ", ".join(str(list(pos)) for pos in positions[:9])
        return [f"forward windows that read x{list(index)}, by output position in every output channel of "
                f"its group: {shown}{more}"]
    lines = [f"forward windows that read x{list(index)}, by output position in channel {c}:"]
    forward = case.forward_case()
    for pos in positions[:9]:
        out = (n, c, *pos)
        dims = forward.spec.window_cells(forward, out)
        values = "" if dims is None else " reads " + _window_values(case.x[n, c], dims)
        # im2col's cotangent is (N, C*K, L): one g per (cell, window), not per window
        g = f" g = {float(case.grad_output[out]):.6g};" if case.grad_output.ndim == case.x.ndim else ""
        lines.append(f"  {list(pos)}:{g}{values}")
    if more:
        lines.append(f" {more}")
    return lines


def _window_values(plane: np.ndarray, dims: Cells) -> str:
    """A window's cells in row-major window order, as 'x[i, j]=v' (padding shown as 'pad')."""
    shown = []
    for cell in itertools.product(*dims):
        if any(isinstance(ci, str) for ci in cell):
            shown.append(next(str(ci) for ci in cell if isinstance(ci, str)))
        else:
            at = tuple(int(ci) for ci in cell)
            shown.append(f"x{list(at)}={float(plane[at]):.6g}")
    return " ".join(shown[:12]) + (" ..." if len(shown) > 12 else "")


def input_value(case: Case, index: tuple[int, ...]) -> list[str]:
    """An elementwise gradient depends on its own input cell only."""
    return [f"x{list(index)} = {float(case.x[index]):.9g}, grad_output{list(index)} = "
            f"{float(case.grad_output[index]) if case.grad_output is not None else 0:.9g}"]


def transpose_shape(case: Case) -> list[str]:
    """conv_transpose's crop and output_padding as resolved, and its output-size formula with numbers."""
    pads, extra = case.transpose_geometry
    lines = []
    for i, (n, k, s, d, (pb, pa), e) in enumerate(
        zip(case.shape[2:], case.kernel, case.strides, case.dilations, pads, extra)
    ):
        out = (n - 1) * s - pb - pa + d * (k - 1) + e + 1
        lines.append(f"dim {i}: (n-1)*s - pb - pa + d*(k-1) + output_padding + 1 = ({n}-1)*{s} - {pb} - {pa} "
                     f"+ {d}*({k}-1) + {e} + 1 = {out}")
    if isinstance(case.padding, str):
        lines.append(f"{case.padding!r} resolves by Keras' rule to crops {list(pads)} and output_padding "
                     f"{list(extra)}")
    return lines
