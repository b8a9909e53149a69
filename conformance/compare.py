"""How close a target's output must be to the spec's, per op and per element.

- Max pooling, padding, relu and every shape: exact, with NaN equal to NaN.
- Sums (avg/sum/adaptive/global avg pooling, conv, dense, and the gradients that sum): the dot-product
  bound. For an output y = (sum_j t_j) / D of K terms accumulated in a format with unit roundoff u, any
  summation order gives
      |fl(y) - y| <= delta = gamma_{K+2}(u) * (sum_j |t_j|) / D + (K+2) * eta,   gamma_n(u) = n*u / (1 - n*u),
  where the +2 covers the division (or the multiply by 1/D) and the rounding to the accumulator's format,
  and eta, the accumulator's smallest subnormal, bounds underflow. (sum_j |t_j|)/D is the reference op
  applied to |inputs|, so delta is computed per element from the case. The float64 reference's own error,
  the same bound with u = 2^-53, is added.
- The accumulator the spec allows: float32 or wider. float32 and float64 inputs accumulate in their own
  format (the bound above, final rounding included). float16 and bfloat16 inputs accumulate in float32
  and the result is rounded once to the output format, so the spec is tight there:
      |out - y| <= delta_32 + 0.5 * ulp_out(|y| + delta_32).
  Why the ulp is taken at |y| + delta_32, not at y: the float32 result s lies in [y - delta_32,
  y + delta_32], and rounding is monotone, so round(s) lies between round(y - delta_32) and
  round(y + delta_32), each within half an ulp of its argument; the larger magnitude has the wider ulp
  (s may cross a power of two above y). For a 256-cell float16 window this allows about 1.5e-5 relative
  error plus half an ulp (4.9e-4), where accumulating in float16 itself allows up to 14%.
  A target that accumulates in its working format instead is a recorded divergence (`computes_in`),
  judged by the first bound with that format's u; the final rounding is then inside gamma's +2.
- lp_pool: S = sum_j x_j^p carries the sum bound with K+4 terms (two roundings per power) scaled by
  sum_j |x_j|^p, and y = S^(1/p) is bracketed by the roots of S's interval, widened by 2u for the root,
  and for half inputs by half an ulp of the output at the bracket's larger end.
- sigmoid, tanh: libm-grade elementwise functions, 4 units in the last place; leaky_relu 2 (the slope is
  rounded to the format before the multiply).
No tolerance is a global constant: each follows from the dtype, the term count and the input magnitudes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .cases import Case, reference_output

U64 = 2.0**-53
Problem = Literal["shape", "claimed_shape", "dtype", "values"]


def format_info(dtype: str) -> tuple[float, float]:
    """(unit roundoff u, smallest subnormal eta) of a floating format."""
    if dtype == "bfloat16":
        return 2.0**-8, 2.0**-133
    info = np.finfo(np.dtype(dtype))
    return float(info.eps) / 2, float(info.smallest_subnormal)


HALF_FORMATS = ("float16", "bfloat16")


def accumulation_format(dtype: str) -> str:
    """The narrowest format the spec lets a sum of `dtype` inputs accumulate in."""
    return "float32" if dtype in HALF_FORMATS else dtype


def ulp(x: np.ndarray, dtype: str) -> np.ndarray:
    """The spacing of `dtype`'s values at |x|: 2^(e - p + 1) for |x| in [2^e, 2^(e+1)) with p significand
    bits, and the subnormal spacing below the smallest normal (inf at inf and NaN)."""
    info = _finfo(np_dtype(dtype))
    magnitude = np.abs(np.asarray(x, dtype=np.float64))
    _, e = np.frexp(magnitude)  # magnitude = m * 2^e, m in [0.5, 1): its binade is e - 1
    binade = np.where(magnitude > 0, np.maximum(e - 1, int(info.minexp)), int(info.minexp))
    spacing = np.ldexp(1.0, binade - int(info.nmant))
    return np.where(np.isfinite(magnitude), spacing, np.inf)


def gamma(n: int, u: float) -> float:
    return n * u / (1 - n * u) if n * u < 1 else np.inf


def term_count(case: Case) -> int:
    """The most terms any output element sums (K), bias included."""
    terms = case.spec.terms
    if terms is None:
        raise ValueError(f"{case.op} is not a sum")
    return terms(case)


def _signed_root(v: np.ndarray, p: float) -> np.ndarray:
    return np.sign(v) * np.abs(v) ** (1 / p)


def abs_case(case: Case) -> Case:
    """The case with |inputs| (those that size the terms: a max gradient keeps x, which routes it)."""
    names = case.spec.abs_arrays
    arrays = {k: np.abs(v.astype(np.float64)) for k, v in case.arrays().items()
              if names is None or k in names}
    return case.replace(**arrays)


def error_bound_needed(case: Case) -> bool:
    return case.spec.accuracy in ("sum", "lp")


def error_bound(
    case: Case,
    expected: np.ndarray,
    magnitude: np.ndarray | None = None,
    computes_in: str | None = None,
    returns: str | None = None,
) -> np.ndarray | None:
    """Per-element bound on |actual - expected| for a target accumulating in `computes_in` (by default the
    spec's accumulator, `accumulation_format(case.dtype)`) and returning `returns` (by default case.dtype);
    None means exact.

    `magnitude` is the op applied to |inputs| (sum |terms| / divisor, or for lp_pool the p-norm of |x|);
    by default the spec's, and under a divergence the divergence's own prediction on |inputs|.
    """
    accuracy = case.spec.accuracy
    if accuracy == "exact" or case.x.dtype.kind in "iu":
        return None
    working = computes_in or case.dtype
    u, eta = format_info(computes_in or accumulation_format(case.dtype))
    output = returns or case.dtype
    # a sum accumulated in a wider format than the output is rounded once more, to the output's format
    rounds_again = format_info(output)[0] > u and accuracy in ("sum", "lp")
    if accuracy in ("sum", "lp"):
        terms = reference_output(abs_case(case)) if magnitude is None else magnitude
    with np.errstate(over="ignore", invalid="ignore"):
        if accuracy == "sum":
            k = term_count(case) + 2
            # terms of size 0 sum exactly, even where gamma is undefined (k*u >= 1: inf)
            delta = np.where(terms > 0, (gamma(k, u) + gamma(k, U64)) * terms, 0.0) + k * eta
            if rounds_again:
                delta = delta + 0.5 * ulp(np.abs(expected) + delta, output)
            return delta
        if accuracy == "lp":
            k, p = term_count(case) + 4, case.p
            powered = terms**p  # sum |x|^p, the terms' size
            total = np.sign(expected) * np.abs(expected) ** p  # the sum the output is the root of
            # terms of size 0 sum exactly, even where gamma is undefined (k*u >= 1: inf)
            slack = np.where(powered > 0, (gamma(k, u) + gamma(k, U64)) * powered, 0.0) + k * eta
            high, low = _signed_root(total + slack, p), _signed_root(total - slack, p)
            high, low = high + 2 * u * np.abs(high), low - 2 * u * np.abs(low)
            if rounds_again:
                half = 0.5 * ulp(np.maximum(np.abs(high), np.abs(low)), output)
                high, low = high + half, low - half
            return np.maximum(high - expected, expected - low)
        u, eta = format_info(working)
        if accuracy == "ulps":
            return case.spec.ulps * 2 * u * np.abs(expected) + eta
        if accuracy == "derivative" and case.spec.derivative_bound is not None:
            return case.spec.derivative_bound(case, expected, u, eta)
    raise ValueError(f"no comparison rule for {case.op}")


@dataclass
class Verdict:
    """The outcome of comparing one target output with what was predicted for it."""

    problem: Problem | None  # None when it conforms
    expected: np.ndarray
    actual: np.ndarray | None
    bound: np.ndarray | None = None
    differs: np.ndarray | None = None  # bool mask over elements, for "values"
    claimed_shape: tuple | None = None
    expected_dtype: str | None = None  # for "dtype"

    @property
    def ok(self) -> bool:
        return self.problem is None


def layout_shape(shape: tuple[int, ...], layout: str) -> tuple[int, ...]:
    """The shape as a target sees it: channels_last moves C to the end."""
    if layout == "channels_last" and len(shape) > 2:
        return (shape[0], *shape[2:], shape[1])
    return tuple(shape)


def compare(
    case: Case,
    expected: np.ndarray,
    actual,
    claimed_shape=None,
    unchecked=None,
    magnitude=None,
    dtype: str | None = None,
    computes_in: str | None = None,
    claims: tuple[int, ...] | None = None,
) -> Verdict:
    """Check shape, the target's own claimed shape (if it reports one), dtype, and values (except where
    `unchecked`, a recorded unpredictable divergence, marks them; a wrong dtype is reported with them).
    `dtype` and `computes_in` default to the input's, and the claimed shape to the expected one; a
    divergence may record others."""
    actual = np.asarray(actual)
    verdict = Verdict(None, expected, actual, claimed_shape=claimed_shape)
    if actual.shape != expected.shape:
        verdict.problem = "shape"
        return verdict
    claim = layout_shape(claims or expected.shape, case.layout)
    if claimed_shape is not None and tuple(claimed_shape) != claim:
        verdict.problem = "claimed_shape"
        return verdict
    if actual.dtype != np.dtype(dtype or case.x.dtype):
        # a dtype departure does not hide the values: they are compared too, in the dtype returned
        verdict.expected_dtype = str(dtype or case.dtype)
        verdict.problem = "dtype"
        if actual.dtype.kind not in "biuf" and actual.dtype.name != "bfloat16":
            return verdict
    want, got = _widen(expected), _widen(actual)
    both_nan = np.isnan(want) & np.isnan(got) if want.dtype.kind == "f" else np.zeros(want.shape, bool)
    bound = error_bound(case, expected, magnitude, computes_in, dtype)
    if bound is None:
        differs = ~((got == want) | both_nan)
    else:
        with np.errstate(invalid="ignore", over="ignore"):
            exact_special = ~np.isfinite(want)  # inf and NaN must match exactly
            close = np.abs(got - want) <= bound
            differs = ~(both_nan | np.where(exact_special, got == want, close))
        verdict.bound = bound
    if unchecked is not None:
        differs &= ~unchecked
    if differs.any():
        verdict.problem = "values"
        verdict.differs = differs
    return verdict


def _widen(a: np.ndarray) -> np.ndarray:
    """Integers stay exact; every float format (bfloat16 included) widens to float64 without rounding."""
    return a if a.dtype.kind in "iub" else a.astype(np.float64)


def expected_in_dtype(case: Case, expected64: np.ndarray, dtype: str | None = None) -> np.ndarray:
    """The spec's answer in the returned dtype (by default the case's). Exact ops round without error
    (values come from x). Sums stay float64, compared within their bound, except where the exact value
    rounds once to +-inf in that format (beyond its largest finite value by half an ulp or more)."""
    returned = np.dtype(dtype or case.x.dtype)
    if case.spec.accuracy == "exact":
        return expected64.astype(returned)
    if returned.kind not in "fV" or expected64.dtype.kind != "f":
        return expected64
    info = _finfo(returned)
    # round-to-nearest overflows at the largest finite value plus half its ulp, 2^(maxexp - 1 - nmant)
    beyond = float(info.max) + 2.0 ** (int(info.maxexp) - 2 - int(info.nmant))
    with np.errstate(invalid="ignore"):
        return np.where(np.abs(expected64) >= beyond, np.sign(expected64) * np.inf, expected64)


def np_dtype(name: str) -> np.dtype:
    """The numpy dtype of a format name, bfloat16 (ml_dtypes) included."""
    if name == "bfloat16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


def _finfo(dtype: np.dtype) -> Any:
    if dtype.name == "bfloat16":
        import ml_dtypes

        return ml_dtypes.finfo(ml_dtypes.bfloat16)
    return np.finfo(dtype)
