"""Interactions: where parameters meet and the result changes (a ceil-mode window overhanging the padding,
a window of only padding, count_include_pad with padding in the window, ...). Bugs hide there.

Each op's entry in the op table names its interactions; every checked case is counted under the ones it
hits (the ledger, the summary and the report show the counts), and tests/test_interactions.py holds the
strategies to at least MIN_HITS checked cases per interaction at the ci profile, per target that can
express it (`needs` reads the target's capabilities).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import reference

from .cases import Case
from .targets.capabilities import Capabilities

MIN_HITS = 20  # checked cases per interaction and target at the ci profile (200 examples)


@dataclass(frozen=True)
class Interaction:
    name: str
    hits: Callable[[Case], bool]
    needs: Callable[[Capabilities], bool]  # whether a target with these capabilities can express it


@dataclass(frozen=True)
class Taps:
    """Per spatial dim and output position: how many taps of the window read input cells, padding, and
    the ceil-mode overhang past the padding."""

    real: tuple[np.ndarray, ...]
    pad: tuple[np.ndarray, ...]
    overhang: tuple[np.ndarray, ...]


def taps(case: Case) -> Taps:
    real, pad, over = [], [], []
    for n, k, s, d, (pb, pa) in zip(case.shape[2:], case.kernel, case.strides, case.dilations, case.pads):
        out = reference.output_size(n, k, s, (pb, pa), d, case.ceil_mode)
        where = np.arange(out)[:, None] * s - pb + np.arange(k)[None, :] * d  # tap positions in the input
        real.append(((where >= 0) & (where < n)).sum(axis=1))
        over.append((where >= n + pa).sum(axis=1))
        pad.append(k - real[-1] - over[-1])
    return Taps(tuple(real), tuple(pad), tuple(over))


def window_of_only_padding(case: Case) -> bool:
    """Some window reads no input cell (in one dim, none of its taps lands inside the input)."""
    return any((r == 0).any() for r in taps(case).real)


def padding_inside_a_window(case: Case) -> bool:
    """Some window reads input cells and padding together."""
    t = taps(case)
    reads_input = all((r > 0).any() for r in t.real)
    return reads_input and any(((r > 0) & (p > 0)).any() for r, p in zip(t.real, t.pad))


def ceil_overhang(case: Case) -> bool:
    """A ceil-mode window reaches past the padding (its overhang is never counted)."""
    return case.ceil_mode and any((o > 0).any() for o in taps(case).overhang)


def stride_beyond_kernel(case: Case) -> bool:
    """Windows skip cells: a stride larger than the window's extent."""
    return any(s > d * (k - 1) + 1 for s, k, d in zip(case.strides, case.kernel, case.dilations))


def dilation_with_padding(case: Case) -> bool:
    return any(d > 1 for d in case.dilations) and any(b or a for b, a in case.pads)


def same_with_odd_total(case: Case) -> bool:
    """'same' whose total pad is odd in some dim: the odd cell goes after (TF's rule)."""
    return case.padding == "same" and any((b + a) % 2 for b, a in case.pads)


def same_lower_with_odd_total(case: Case) -> bool:
    """'same_lower' whose total pad is odd in some dim: the odd cell goes first (ONNX SAME_LOWER)."""
    return case.padding == "same_lower" and any((b + a) % 2 for b, a in case.pads)


def non_finite_input(case: Case) -> bool:
    return bool(case.x.dtype.kind == "f" and not np.isfinite(case.x.astype(np.float64)).all())


def asymmetric_pads(case: Case) -> bool:
    return any(b != a for b, a in case.pads)


def _pads(caps: Capabilities) -> bool:
    return caps.padding != "none"


def _window_of_padding(caps: Capabilities) -> bool:
    # a pad limit (torch: at most half the window) or Keras' 'same' leave a whole window of padding only
    # across a dilated kernel (x of size 1, kernel 2, pad 1, dilation 2: taps at -1 and 1)
    explicit = caps.padding in ("any", "symmetric")
    dilated = caps.dilation and caps.dilation_with_padding
    return (explicit and (not caps.pad_limit or dilated)) or (caps.padding == "keras" and dilated)


def _same_for_pools(caps: Capabilities) -> bool:
    return caps.odd_same and caps.padding in ("any", "keras")


def _always(caps: Capabilities) -> bool:
    return True


def _steps(caps: Capabilities) -> bool:
    return not caps.stride_is_kernel


NON_FINITE = Interaction("NaN or ±inf in the input", non_finite_input, _always)
ONLY_PADDING = Interaction("a window of only padding", window_of_only_padding, _window_of_padding)
PADDING_INSIDE = Interaction("padding inside a window", padding_inside_a_window, _pads)
STRIDE_BEYOND = Interaction("stride > window", stride_beyond_kernel, _steps)
DILATION_PADDING = Interaction("dilation with padding", dilation_with_padding,
                               lambda caps: caps.dilation and caps.dilation_with_padding and _pads(caps))
CEIL_OVERHANG = Interaction("a ceil window past the padding", ceil_overhang, lambda caps: caps.ceil_mode)
SAME_ODD_POOL = Interaction("'same' with an odd total pad", same_with_odd_total, _same_for_pools)
SAME_ODD_CONV = Interaction("'same' with an odd total pad", same_with_odd_total, lambda caps: caps.odd_same)
SAME_LOWER_ODD = Interaction("'same_lower' with an odd total pad", same_lower_with_odd_total,
                             lambda caps: caps.same_lower)

POOL = (PADDING_INSIDE, ONLY_PADDING, CEIL_OVERHANG, SAME_ODD_POOL, SAME_LOWER_ODD, STRIDE_BEYOND,
        DILATION_PADDING)
AVG_POOL = (
    *POOL,
    NON_FINITE,
    Interaction("count_include_pad with padding in a window",
                lambda c: c.count_include_pad and padding_inside_a_window(c),
                lambda caps: caps.count_include_pad and _pads(caps)),
    Interaction("divisor_override with ceil_mode", lambda c: c.divisor_override is not None and c.ceil_mode,
                lambda caps: caps.ceil_mode and bool(caps.divisor_override_ranks)),
)
MAX_POOL = (*POOL, NON_FINITE)
LP_POOL = POOL  # lp_pool draws finite inputs: a NaN's p-th power is not a question of pooling
CONV = (
    PADDING_INSIDE,
    ONLY_PADDING,
    SAME_ODD_CONV,
    SAME_LOWER_ODD,
    STRIDE_BEYOND,
    DILATION_PADDING,
    NON_FINITE,
    Interaction("groups > 1 with a bias", lambda c: c.groups > 1 and c.bias is not None,
                lambda caps: caps.groups and caps.bias),
)
IM2COL = (PADDING_INSIDE, ONLY_PADDING, SAME_ODD_CONV, STRIDE_BEYOND, DILATION_PADDING)
ZERO_PAD = (
    Interaction("asymmetric pads", asymmetric_pads, lambda caps: caps.padding == "any"),
    NON_FINITE,
)


def _overlapping(case: Case) -> bool:
    return any(n % o != 0 for n, o in zip(case.shape[2:], case.out_size))


def _more_outputs(case: Case) -> bool:
    return any(o > n for n, o in zip(case.shape[2:], case.out_size))


ADAPTIVE = (
    Interaction("overlapping or uneven windows", _overlapping, _always),
    Interaction("more outputs than cells", _more_outputs, _always),
    NON_FINITE,
)
GLOBAL = (NON_FINITE,)
DENSE = (Interaction("a bias", lambda c: c.bias is not None, lambda caps: caps.bias), NON_FINITE)
ACTIVATION = (NON_FINITE,)
RELU = (*ACTIVATION, Interaction("a zero in the input", lambda c: bool((c.x == 0).any()), _always))


def _transpose_extra(case: Case) -> bool:
    return any(e > 0 for e in case.transpose_geometry[1])


def _transpose_gaps(case: Case) -> bool:
    """The stride spreads input cells further apart than the dilated kernel reaches: zeros between."""
    return any(s > d * (k - 1) + 1 for s, k, d in zip(case.strides, case.kernel, case.dilations))


def _transpose_odd_crop(case: Case) -> bool:
    return isinstance(case.padding, str) and any((b + a) % 2 for b, a in case.transpose_geometry[0])


TRANSPOSE = (
    Interaction("output_padding past the last window", _transpose_extra, _always),
    Interaction("stride > dilated kernel (gaps)", _transpose_gaps, _always),
    Interaction("'same' with an odd crop", _transpose_odd_crop, lambda caps: caps.odd_same),
    Interaction("groups > 1 with a bias", lambda c: c.groups > 1 and c.bias is not None,
                lambda caps: caps.groups and caps.bias),
    NON_FINITE,
)


def hit(interactions: tuple[Interaction, ...], case: Case) -> list[str]:
    """The names of the interactions the case hits."""
    return [i.name for i in interactions if i.hits(case)]
