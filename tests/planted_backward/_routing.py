"""The max-pooling gradient written as a loop with its routing rule as parameters, so each planted
module changes exactly one rule (the spec: ties to the first maximum, NaN to the first NaN, windows add,
a window of only padding sends nothing)."""

from __future__ import annotations

import itertools

import numpy as np

import reference


def max_pool_backward(grad_output, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                      *, ties="first", nan="first", overlap="add", empty="nowhere"):
    x = np.asarray(input, dtype=np.float64)
    g = np.asarray(grad_output, dtype=np.float64)
    rank = x.ndim - 2
    k = (kernel_size,) * rank if isinstance(kernel_size, int) else tuple(kernel_size)
    s = k if stride is None else ((stride,) * rank if isinstance(stride, int) else tuple(stride))
    d = (dilation,) * rank if isinstance(dilation, int) else tuple(dilation)
    pads = reference.resolve_padding(padding, x.shape[2:], k, s, d)
    grad = np.zeros(x.shape)
    written = np.zeros(x.shape, dtype=bool)
    for n, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
        for o in itertools.product(*(range(m) for m in g.shape[2:])):
            cells = []
            for t in itertools.product(*(range(kj) for kj in k)):
                at = tuple(oj * sj - pb + dj * tj for oj, sj, (pb, _), dj, tj in zip(o, s, pads, d, t))
                if all(0 <= a < m for a, m in zip(at, x.shape[2:])):
                    cells.append((n, c, *at))
            position = (n, c, *o)
            value = g[position]
            if not cells:
                if empty == "first cell":
                    cells = [(n, c) + (0,) * rank]
                else:
                    continue
            chosen = _choose([x[cell] for cell in cells], ties, nan)
            cell = cells[chosen]
            if overlap == "add" or not written[cell]:
                grad[cell] += value
            else:
                grad[cell] = value
            written[cell] = True
    return grad.astype(np.asarray(input).dtype)


def _choose(values, ties, nan):
    nans = [i for i, v in enumerate(values) if np.isnan(v)]
    if nans and nan != "ignored":
        return nans[0] if nan == "first" else nans[-1]
    finite = [v for v in values if not np.isnan(v)] or [-np.inf]
    best = max(finite)
    hits = [i for i, v in enumerate(values) if v == best] or [0]
    return hits[0] if ties == "first" else hits[-1]
