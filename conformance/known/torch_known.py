"""Divergences of torch.nn.functional from the spec."""

from __future__ import annotations

from math import prod

import numpy as np

import reference

from ..cases import Case
from ..divergences import Divergence, from_rule, register, windows_any
from .shared import BF16_LEAK, SUM_OVERFLOW, bf16_leak_example

LP_POOL_SOURCE = "https://github.com/pytorch/pytorch/blob/v2.13.0/torch/nn/functional.py (lp_pool1d/2d/3d)"


def _lp_windows(case: Case, values: np.ndarray) -> np.ndarray:
    return reference.sum_pool(values, case.kernel, case.strides, 0, 1, case.ceil_mode)


def torch_lp_pool(case: Case, spec: np.ndarray) -> np.ndarray:
    """torch's formula: (K * avg_pool(x ** p)) ** (1/p), with avg_pool dividing by the in-bound cells."""
    x, p = case.x.astype(np.float64), case.p
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        total = _lp_windows(case, np.power(x, p))
        in_bounds = _lp_windows(case, np.ones_like(x))
        return np.power(total / in_bounds * prod(case.kernel), 1 / p)


def _has_overhang(case: Case) -> bool:
    return bool((_lp_windows(case, np.ones(case.shape)) < prod(case.kernel)).any())


def _negative_base_matters(case: Case) -> bool:
    even = float(case.p).is_integer() and int(case.p) % 2 == 0
    with np.errstate(invalid="ignore"):
        return not even and bool(windows_any(case, case.x < 0).any())


register(
    Divergence(
        id="torch-lp-pool-no-abs",
        target="torch",
        requires={"torch": ">=1.0"},
        op="lp_pool",
        applies=lambda case: not _has_overhang(case) and _negative_base_matters(case),
        when="a window holds a negative value and p is not an even integer (no ceil-mode overhang)",
        spec="(sum |x|^p)^(1/p): the p-norm of the window",
        behaviour="raises x to the p-th power without |.|: (sum x^p)^(1/p), so odd p gives a signed or NaN "
        "result and non-integer p gives NaN",
        predict=torch_lp_pool,
        example=lambda: Case(
            "lp_pool", np.array([[[3.0, -3.0, -2.0]]]), kernel_size=(3,), stride=(1,), norm_type=1.0
        ),
        link=LP_POOL_SOURCE,
    )
)

register(
    Divergence(
        id="torch-lp-pool-ceil-overhang",
        target="torch",
        requires={"torch": ">=1.0"},
        op="lp_pool",
        applies=_has_overhang,
        when="ceil_mode=True and the last window overhangs the input",
        spec="the overhanging part of a ceil-mode window is never counted: y = (sum over the cells "
             "present)^(1/p)",
        behaviour="computes K * mean over the cells present (K = full kernel size), i.e. scales the partial "
                  "sum "
        "by K / cells present before the root (and, as everywhere, omits |.|)",
        predict=torch_lp_pool,
        example=lambda: Case(
            "lp_pool",
            np.array([[[1.0, 2.0, 3.0]]]),
            kernel_size=(2,),
            stride=(2,),
            norm_type=2.0,
            ceil_mode=True,
        ),
        link=LP_POOL_SOURCE,
    )
)


# oneDNN's bfloat16 convolution is shared with TF (see keras_known): same behaviour, same rule
register(
    from_rule(
        BF16_LEAK,
        id="torch-onednn-bf16-conv-nonfinite-leak",
        target="torch",
        requires={"torch": ">=2.0"},
        example=bf16_leak_example("channels_first"),
    )
)

register(from_rule(SUM_OVERFLOW, id="torch-sum-overflow", target="torch", requires={"torch": ">=2.0"}))
