"""Argument checking shared by the reference ops.

Every public op validates here, so a bad argument fails with a ValueError/TypeError that states the
rule and the numbers instead of a numpy traceback from deep inside.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np


def as_input(input: Any, op: str, *, min_ndim: int = 3, max_ndim: int = 5) -> np.ndarray:
    """Return `input` as an ndarray of a real numeric dtype shaped (N, C, *spatial)."""
    x = np.asarray(input)
    check_dtype(x, op)
    if not min_ndim <= x.ndim <= max_ndim:
        raise ValueError(
            f"{op}: input must be (N, C, *spatial) with 1-3 spatial dims, i.e. ndim in "
            f"[{min_ndim}, {max_ndim}]; got ndim={x.ndim}, shape={x.shape}"
        )
    return x


def check_dtype(x: np.ndarray, op: str) -> None:
    kind = x.dtype.kind
    if kind == "c":
        raise TypeError(f"{op}: complex input is not supported (dtype {x.dtype}); CNN ops are real-valued")
    if kind not in "iuf" and not _is_bfloat16(x.dtype):
        raise TypeError(f"{op}: input must have a real numeric dtype (int, uint or float); "
                        f"got dtype {x.dtype}")


def _is_bfloat16(dtype: np.dtype) -> bool:
    return dtype.name == "bfloat16"


def is_float(dtype: np.dtype) -> bool:
    return dtype.kind == "f" or _is_bfloat16(dtype)


def accumulation_dtype(dtype: np.dtype) -> np.dtype:
    """Sums run in float64 (wider for longer floats) and round once to the output format: the spec is the
    exact result rounded once, overflow to +-inf included, which no narrower accumulator guarantees."""
    if dtype.kind == "f" and dtype.itemsize > 8:
        return dtype
    return np.dtype(np.float64)


def result_float_dtype(dtype: np.dtype) -> np.dtype:
    """Float ops keep a floating input's dtype; integer input gives float64."""
    return dtype if is_float(dtype) else np.dtype(np.float64)


def _is_int(v: Any) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def int_tuple(value: Any, n: int, name: str, op: str, *, minimum: int = 1) -> tuple[int, ...]:
    """Broadcast an int (or one int per spatial dim) to an n-tuple and check value >= minimum."""
    if _is_int(value):
        values: tuple[int, ...] = (int(value),) * n
    elif isinstance(value, (tuple, list)) and all(_is_int(v) for v in value):
        if len(value) != n:
            raise ValueError(
                f"{op}: {name} needs one value per spatial dim ({n}); got {len(value)} values {tuple(value)}"
            )
        values = tuple(int(v) for v in value)
    else:
        raise TypeError(f"{op}: {name} must be an int or a tuple of {n} ints; got {value!r}")
    if any(v < minimum for v in values):
        rule = "positive" if minimum == 1 else f">= {minimum}"
        raise ValueError(f"{op}: {name} must be {rule}; got {name}={values}")
    return values


def spatial_rank(x: np.ndarray) -> int:
    return x.ndim - 2
