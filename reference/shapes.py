"""The output-shape formula and the padding forms every op accepts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ._args import _is_int, int_tuple

Pair = tuple[int, int]

PADDING_STRINGS = ("valid", "same", "same_lower", "causal")


def output_size(
    size: int,
    kernel_size: int,
    stride: int = 1,
    padding: int | Pair = 0,
    dilation: int = 1,
    ceil_mode: bool = False,
) -> int:
    """Number of windows along one spatial dim.

    With n = size, k = kernel_size, s = stride, d = dilation and padding (pb, pa) (an int p means (p, p)):

        floor mode:  out = floor((n + pb + pa - d*(k-1) - 1) / s) + 1
        ceil mode:   out = ceil((n + pb + pa - d*(k-1) - 1) / s) + 1,
                     then out -= 1 if (out-1)*s >= n + pb   (torch/ONNX: the last window must start
                     inside the input or the leading padding)

    Raises ValueError, stating the formula with the numbers, when out < 1 (in floor mode: the window
    extent d*(k-1) + 1 exceeds the padded input n + pb + pa). In ceil mode the one window may overhang
    the padded input; the overhang is never counted.
    """
    op = "output_size"
    for name, value in (("size", size), ("kernel_size", kernel_size), ("stride", stride),
                        ("dilation", dilation)):
        if not _is_int(value):
            raise TypeError(f"{op}: {name} must be an int; got {value!r}")
    if size < 0:
        raise ValueError(f"{op}: size must be >= 0; got size={size}")
    (k,), (s,), (d,) = (int_tuple(v, 1, name, op) for v, name in
                        ((kernel_size, "kernel_size"), (stride, "stride"), (dilation, "dilation")))
    pb, pa = _pair(padding, op)
    span = size + pb + pa - d * (k - 1) - 1
    rounding = "ceil" if ceil_mode else "floor"
    out = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and out >= 1 and (out - 1) * s >= size + pb:
        out -= 1
    if out < 1:
        raise ValueError(
            f"{op}: output size must be >= 1, but {rounding}((n + pb + pa - d*(k-1) - 1)/s) + 1 = "
            f"{rounding}(({size} + {pb} + {pa} - {d}*({k}-1) - 1)/{s}) + 1 = {out}: the window extent "
            f"d*(k-1)+1 = {d * (k - 1) + 1} exceeds the padded input n+pb+pa = {size + pb + pa}"
        )
    return out


def _pair(padding: Any, op: str) -> Pair:
    if _is_int(padding):
        pair = (int(padding), int(padding))
    elif isinstance(padding, (tuple, list)) and len(padding) == 2 and all(_is_int(p) for p in padding):
        pair = (int(padding[0]), int(padding[1]))
    else:
        raise TypeError(f"{op}: padding for one dim must be an int or a (before, after) pair; "
                        f"got {padding!r}")
    if min(pair) < 0:
        raise ValueError(f"{op}: padding must be non-negative; got (before, after)={pair}")
    return pair


def resolve_padding(
    padding: Any,
    spatial_shape: Sequence[int],
    kernel_size: int | Sequence[int],
    stride: int | Sequence[int] = 1,
    dilation: int | Sequence[int] = 1,
) -> tuple[Pair, ...]:
    """Turn any accepted padding form into one (before, after) pair per spatial dim.

    - 'valid':  (0, 0) everywhere.
    - 'same':   TF/Keras rule, per dim: out = ceil(n/s);
                total = max((out-1)*s + d*(k-1) + 1 - n, 0); before = total // 2, after = total - before
                (the odd cell goes at the end).
    - 'same_lower': the same total, the odd cell first: before = total - total // 2, after = total // 2
                (ONNX auto_pad=SAME_LOWER).
    - 'causal': 1-D only: before = d*(k-1), after = 0.
    - an int p: (p, p) on every dim.
    - a sequence of ints, one per dim: (p_i, p_i).
    - a sequence of (before, after) pairs, one per dim.
    Strings are matched case-insensitively. Padding must be non-negative.
    """
    op = "resolve_padding"
    n_dims = len(spatial_shape)
    k = int_tuple(kernel_size, n_dims, "kernel_size", op)
    s = int_tuple(stride, n_dims, "stride", op)
    d = int_tuple(dilation, n_dims, "dilation", op)
    if isinstance(padding, str):
        mode = padding.lower()
        if mode == "valid":
            return ((0, 0),) * n_dims
        if mode in ("same", "same_lower"):
            pairs = []
            for n, ki, si, di in zip(spatial_shape, k, s, d):
                out = math.ceil(n / si)
                total = max((out - 1) * si + di * (ki - 1) + 1 - n, 0)
                small, large = total // 2, total - total // 2
                pairs.append((small, large) if mode == "same" else (large, small))
            return tuple(pairs)
        if mode == "causal":
            if n_dims != 1:
                raise ValueError(
                    f"{op}: 'causal' padding is defined for 1-D convolution only; got {n_dims} spatial dims"
                )
            return ((d[0] * (k[0] - 1), 0),)
        raise ValueError(f"{op}: unknown padding {padding!r}; expected one of {PADDING_STRINGS}, an int, "
                         "ints per dim, or (before, after) pairs per dim")
    return explicit_padding(padding, n_dims, op)


def explicit_padding(padding: Any, n_dims: int, op: str) -> tuple[Pair, ...]:
    """Resolve the numeric padding forms (int, ints per dim, pairs per dim)."""
    if _is_int(padding):
        pairs = ((int(padding), int(padding)),) * n_dims
    elif isinstance(padding, (tuple, list)):
        if len(padding) != n_dims:
            raise ValueError(f"{op}: padding needs one entry per spatial dim ({n_dims}); got {len(padding)}: "
                             f"{tuple(padding)!r}")
        pairs = tuple(_pair(p, op) for p in padding)
    else:
        raise TypeError(f"{op}: padding must be a string, an int, ints per dim or (before, after) pairs; "
                        f"got {padding!r}")
    negative = [p for p in pairs if min(p) < 0]
    if negative:
        raise ValueError(f"{op}: padding must be non-negative; got {pairs}")
    return pairs


def transpose_padding(
    padding: Any,
    spatial_shape: Sequence[int],
    kernel_size: Sequence[int],
    stride: Sequence[int],
    dilation: Sequence[int],
    output_padding: Any,
    op: str = "conv_transpose",
) -> tuple[tuple[Pair, ...], tuple[int, ...]]:
    """A transposed convolution's (before, after) crop and output_padding per dim.

    With n the input size, k_eff = d*(k-1) + 1 and the full output (n-1)*s + k_eff + output_padding, the
    result keeps cells pb .. full - pa - 1, so out = (n-1)*s - pb - pa + d*(k-1) + output_padding + 1.

    Explicit padding (an int, ints or pairs) is cropped as given; output_padding is an int or one per dim
    (None means 0) and must be < max(s, d), torch's rule, else a cell would receive no window.
    'valid' and 'same' follow Keras (Conv*DTranspose, as its TF backend computes them):
    - output_padding None: 'valid' -> L = n*s + max(k_eff - s, 0); 'same' -> L = n*s.
    - output_padding op:   L = (n-1)*s + k_eff - 2*pad + op, with pad = 0 ('valid') or k_eff // 2 ('same').
    and then total = max((n-1)*s + k_eff - L, 0), pb = total // 2 (the odd cell at the end) for 'same',
    pb = pa = 0 for 'valid'; output_padding = L - ((n-1)*s + k_eff - total), the cells past the last
    window (zeros, plus the bias).
    """
    n_dims = len(spatial_shape)
    if isinstance(padding, str) and padding.lower() in ("valid", "same"):
        mode = padding.lower()
        given = None if output_padding is None else int_tuple(output_padding, n_dims, "output_padding", op,
                                                                minimum=0)
        pairs, extras = [], []
        for i, (n, k, s, d) in enumerate(zip(spatial_shape, kernel_size, stride, dilation)):
            k_eff = d * (k - 1) + 1
            if given is None:
                length = n * s + max(k_eff - s, 0) if mode == "valid" else n * s
            else:
                length = (n - 1) * s + k_eff - 2 * (k_eff // 2 if mode == "same" else 0) + given[i]
            total = max((n - 1) * s + k_eff - length, 0) if mode == "same" else 0
            pairs.append((total // 2, total - total // 2))
            extras.append(length - ((n - 1) * s + k_eff - total))
        return tuple(pairs), tuple(extras)
    if isinstance(padding, str):
        raise ValueError(f"{op}: padding {padding!r} is not a transposed-conv padding; expected 'valid', "
                         "'same', an int, ints per dim, or (before, after) pairs per dim")
    pairs_t = explicit_padding(padding, n_dims, op)
    extra = (0,) * n_dims if output_padding is None else int_tuple(output_padding, n_dims, "output_padding",
                                                                   op, minimum=0)
    for i, (o, s, d) in enumerate(zip(extra, stride, dilation)):
        if o >= max(s, d):
            raise ValueError(f"{op}: output_padding must be < max(stride, dilation); got output_padding {o} "
                             f"with stride {s}, dilation {d} in dim {i}")
    return pairs_t, extra


def transpose_output_size(size: int, kernel_size: int, stride: int, padding: Pair, dilation: int,
                          output_padding: int, op: str = "conv_transpose") -> int:
    """out = (n-1)*s - pb - pa + d*(k-1) + output_padding + 1, which must be >= 1."""
    pb, pa = padding
    out = (size - 1) * stride - pb - pa + dilation * (kernel_size - 1) + output_padding + 1
    if out < 1:
        raise ValueError(
            f"{op}: output size must be >= 1, but (n-1)*s - pb - pa + d*(k-1) + output_padding + 1 = "
            f"({size}-1)*{stride} - {pb} - {pa} + {dilation}*({kernel_size}-1) + {output_padding} + 1 = {out}"
        )
    return out
