"""Argument translation shared by the seed wrappers.

These helpers only map the reference API's arguments (channels-first arrays, int-or-tuple kernel/stride,
every padding form) onto the narrower parameters a seed's code takes. They never compute a result: when
an argument has no equivalent among the seed's parameters they raise NotImplementedError, which the
conformance suite counts as "not expressible".
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np


def _is_int(v: Any) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def unsupported(seed: str, what: str) -> NotImplementedError:
    return NotImplementedError(f"{seed}: the seed code has no way to express {what}")


def array(input: Any, seed: str, spatial_dims: tuple[int, ...]) -> np.ndarray:
    """The input as an ndarray, checking the seed handles its number of spatial dims."""
    x = np.asarray(input)
    if x.ndim - 2 not in spatial_dims:
        raise unsupported(seed, f"{x.ndim - 2} spatial dims (input shape {x.shape}); "
                                f"it handles {spatial_dims}")
    return x


def per_dim(value: Any, n: int, name: str) -> tuple:
    """An int or a sequence of n values, as an n-tuple (values passed through unchecked)."""
    if _is_int(value):
        return (int(value),) * n
    if isinstance(value, (tuple, list)) and len(value) == n and all(_is_int(v) for v in value):
        return tuple(int(v) for v in value)
    raise TypeError(f"{name} must be an int or {n} ints; got {value!r}")


def one_int(value: Any, n: int, name: str, seed: str) -> int:
    """The single int a seed takes for a per-dim argument (square kernels, one stride for all dims)."""
    values = per_dim(value, n, name)
    if len(set(values)) != 1:
        raise unsupported(seed, f"different {name} per spatial dim ({values}); it takes one int")
    return values[0]


def stride_or_kernel(stride: Any, kernel_size: Any) -> Any:
    """The reference API's stride=None means stride = kernel_size."""
    return kernel_size if stride is None else stride


def symmetric_padding(padding: Any, n: int, seed: str) -> int:
    """The single symmetric pad a seed takes: 'valid' -> 0, p, (p,)*n or ((p, p),)*n -> p."""
    if isinstance(padding, str):
        if padding.lower() == "valid":
            return 0
        raise unsupported(seed, f"padding {padding!r}; it takes one symmetric int pad")
    if _is_int(padding):
        return int(padding)
    if isinstance(padding, (tuple, list)) and len(padding) == n:
        pairs = []
        for p in padding:
            if _is_int(p):
                pairs.append((int(p), int(p)))
            elif isinstance(p, (tuple, list)) and len(p) == 2 and all(_is_int(v) for v in p):
                pairs.append((int(p[0]), int(p[1])))
            else:
                raise TypeError(f"padding entries must be ints or (before, after) pairs; got {padding!r}")
        if len(set(pairs)) == 1 and pairs[0][0] == pairs[0][1]:
            return pairs[0][0]
        raise unsupported(seed, f"padding {tuple(pairs)} (asymmetric or different per dim); it takes one int")
    raise TypeError(f"padding must be a string, an int, ints per dim or pairs per dim; got {padding!r}")


def no_padding(padding: Any, n: int, seed: str) -> None:
    if symmetric_padding(padding, n, seed) != 0:
        raise unsupported(seed, f"padding {padding!r}; it has no padding at all")


def no_dilation(dilation: Any, n: int, seed: str) -> None:
    if per_dim(dilation, n, "dilation") != (1,) * n:
        raise unsupported(seed, f"dilation {dilation!r}")


def no_ceil_mode(ceil_mode: bool, seed: str) -> None:
    if ceil_mode:
        raise unsupported(seed, "ceil_mode=True (its one output-size rule is meant to be the floor formula)")
