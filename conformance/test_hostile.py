"""Hostile values and dtypes, case by case: NaN, ±inf, -0.0, all-negative windows under padding, sums that
overflow, subnormals, ties, integer inputs and long windows in low precision.

Every case runs on every selected target through the same check as the property tests, so a difference is
either a reference bug or a recorded divergence.
"""

from __future__ import annotations

import numpy as np
import pytest

from .cases import Case
from .check import check_case
from .strategies import _dtype, make_values

FLOATS = ("float16", "bfloat16", "float32", "float64")
NAN, INF = np.nan, np.inf


def _x(values, dtype: str, shape=None) -> np.ndarray:
    a = np.asarray(values, dtype=np.float64)
    return a.reshape(shape or (1, 1, a.size)).astype(_dtype(dtype))


def _largest(dtype: str) -> float:
    return 3.3e38 if dtype == "bfloat16" else float(np.finfo(np.dtype(dtype)).max)


def _smallest_subnormal(dtype: str) -> float:
    return 2.0**-133 if dtype == "bfloat16" else float(np.finfo(np.dtype(dtype)).smallest_subnormal)


def hostile_cases():
    """(id, Case) pairs; each docstring-worthy detail is in its id."""
    for dt in FLOATS:
        big, tiny = _largest(dt), _smallest_subnormal(dt)
        yield (
            f"max-nan-each-position-{dt}",
            Case("max_pool", _x([NAN, 2, 3, 1, NAN, 3, 1, 2, NAN], dt), kernel_size=(3,), stride=(3,)),
        )
        yield f"max-all-nan-{dt}", Case("max_pool", _x([NAN, NAN, 1, 2], dt), kernel_size=(2,), stride=(2,))
        yield f"max-inf-{dt}", Case("max_pool", _x([-INF, -INF, 1, INF, -INF, 0], dt), kernel_size=(2,))
        yield f"max-signed-zero-ties-{dt}", Case("max_pool", _x([-0.0, 0.0, 0.0, -0.0], dt), kernel_size=(2,))
        yield (
            f"max-all-negative-padded-{dt}",
            Case("max_pool", _x([-5, -3, -4, -9], dt), kernel_size=(3,), stride=(1,), padding=1),
        )
        yield (
            f"max-all-negative-same-2d-{dt}",
            Case(
                "max_pool",
                _x(-np.arange(1, 10), dt, (1, 1, 3, 3)),
                kernel_size=(2, 2),
                stride=(2, 2),
                padding="same",
            ),
        )
        yield f"max-ties-{dt}", Case("max_pool", _x([2, 2, 2, 1, 1, 1], dt), kernel_size=(3,), stride=(1,))
        yield (
            f"max-subnormals-{dt}",
            Case("max_pool", _x([tiny, 0, 3 * tiny, 2 * tiny], dt), kernel_size=(2,)),
        )
        yield f"avg-nan-inf-{dt}", Case("avg_pool", _x([1, NAN, INF, -INF, INF, 2], dt), kernel_size=(2,))
        yield f"avg-huge-{dt}", Case("avg_pool", _x([big, big / 2, -big, -big / 2], dt), kernel_size=(2,))
        yield (
            f"avg-subnormals-{dt}",
            Case("avg_pool", _x([tiny, 3 * tiny, 2 * tiny, 0], dt), kernel_size=(2,)),
        )
        yield f"avg-long-window-{dt}", Case("avg_pool", _x(np.r_[2048, np.ones(255)], dt), kernel_size=(256,))
        yield f"global-max-nan-{dt}", Case("global_max_pool", _x([1, NAN, 3], dt))
        # 4096 elements: where XLA's CPU max reduction stops propagating NaN
        nan_rows = np.where(np.arange(4096) % 512 == 1, NAN, np.arange(4096.0) % 97)
        yield f"global-max-nan-4096-{dt}", Case("global_max_pool", _x(nan_rows, dt, (1, 8, 512)))
        yield (
            f"max-nan-4096-tiling-{dt}",
            Case("max_pool", _x(nan_rows, dt, (1, 1, 16, 16, 16)), kernel_size=(2, 2, 2), stride=(2, 2, 2)),
        )
        yield (
            f"max-nan-4096-overlapping-{dt}",
            Case("max_pool", _x(nan_rows, dt, (1, 1, 16, 16, 16)), kernel_size=(2, 2, 2), stride=(1, 1, 1)),
        )
        yield f"global-avg-huge-{dt}", Case("global_avg_pool", _x([big, big], dt))
        yield f"relu-signed-zero-nan-inf-{dt}", Case("relu", _x([-0.0, 0.0, NAN, -INF, INF, -1], dt, (1, 6)))
        yield f"sigmoid-extremes-{dt}", Case("sigmoid", _x([-INF, INF, NAN, -big, big, 0], dt, (1, 6)))
        yield f"tanh-extremes-{dt}", Case("tanh", _x([-INF, INF, NAN, -0.0, 20, -20], dt, (1, 6)))
        yield (
            f"conv-inf-times-zero-{dt}",
            Case("conv", _x([1, INF, 2, 3], dt), weight=_x([0, 1], dt, (1, 1, 2))),
        )
        yield f"conv-huge-{dt}", Case("conv", _x([big, big, -big], dt), weight=_x([1, 1], dt, (1, 1, 2)))
        yield f"dense-huge-{dt}", Case("dense", _x([big, big], dt, (1, 2)), weight=_x([1, 1], dt, (1, 2)))
    # long reductions where the accumulator shows (a common offset of 10, or magnitudes over 2^-8..2^6):
    # windows of 64x64 and 16^3, a global pool over 8192 cells, a conv and a dense summing 4096 products
    for dt in FLOATS:
        def values(kind: str, shape: tuple[int, ...], dt: str = dt) -> np.ndarray:
            return make_values(kind, 7, shape, dt)

        yield (f"avg-offset-64x64-{dt}",
               Case("avg_pool", values("offset", (1, 2, 64, 64)), kernel_size=(64, 64)))
        yield (f"avg-mixed-16cubed-{dt}",
               Case("avg_pool", values("mixed", (1, 1, 16, 16, 16)), kernel_size=(16, 16, 16)))
        yield f"global-avg-offset-8192-{dt}", Case("global_avg_pool", values("offset", (1, 2, 8192)))
        yield f"global-avg-mixed-64x64-{dt}", Case("global_avg_pool", values("mixed", (1, 1, 64, 64)))
        yield (f"lp-offset-1024-{dt}",
               Case("lp_pool", values("offset", (1, 1, 1024)), norm_type=2.0, kernel_size=(1024,)))
        yield (f"conv-offset-4096-terms-{dt}",
               Case("conv", values("offset", (1, 64, 66)), weight=values("normal", (2, 64, 64))))
        yield (f"dense-mixed-4096-{dt}",
               Case("dense", values("mixed", (2, 4096)), weight=values("normal", (3, 4096))))
    for dt in ("int8", "uint8", "int32", "int64"):
        values = np.array([-7, 3, 5, -1, 0, 9, -8, 2, 1], dtype=np.int64)
        if dt == "uint8":
            values = np.abs(values)
        yield (
            f"max-integers-{dt}",
            Case("max_pool", values.reshape(1, 1, 9).astype(dt), kernel_size=(2,), stride=(1,), padding=1),
        )
        yield (
            f"max-integers-2d-{dt}",
            Case("max_pool", values.reshape(1, 1, 3, 3).astype(dt), kernel_size=(2, 2), stride=(1, 1)),
        )


CASES = list(hostile_cases())


@pytest.mark.parametrize("case_id, case", CASES, ids=[c[0] for c in CASES])
def test_hostile(target, case_id, case):
    if target.capabilities(case.op) is None:
        pytest.skip(f"{target.label} has no {case.op}")
    if check_case(target, case) == "not_expressible":  # checked nothing: not a pass
        why = target.unsupported(case) or "it raised NotImplementedError"
        pytest.skip(f"{target.label} cannot express {case.describe()}: {why}")
