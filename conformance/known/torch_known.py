"""Divergences of torch.nn.functional from the spec."""

from __future__ import annotations

from math import prod

import numpy as np

import reference

from ..cases import Case
from ..divergences import Divergence, from_rule, register, windows_any
from ..platform import ONEDNN_AVX512, ONEDNN_FP16
from .shared import BF16_LEAK, SUM_OVERFLOW, bf16_leak_example, conv_out_shape

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
        # measured: leaks uncapped and at AVX512_CORE(_VNNI, _BF16); computes the spec at AVX2 (and, on a
        # Xeon with AMX, uncapped too: issue 10)
        platforms=ONEDNN_AVX512,
    )
)


def _dim_of_padding_only(case: Case) -> bool:
    """Some spatial dim where every output window reads only padding (no tap lands on an input cell)."""
    for n, k, s, d, (pb, _), out in zip(case.shape[2:], case.kernel, case.strides, case.dilations, case.pads,
                                        conv_out_shape(case)):
        taps = {o * s + j * d - pb for o in range(out) for j in range(k)}
        if all(not 0 <= t < n for t in taps):
            return True
    return False


register(
    Divergence(
        id="torch-onednn-fp16-conv-padding-only-crash",
        target="torch",
        requires={"torch": ">=2.13"},
        op="conv",
        applies=lambda case: case.dtype == "float16" and _dim_of_padding_only(case),
        when="float16 conv with a spatial dim where every output window reads only padding (all three "
        "reproductions: size 1, stride > 1, dilation > 1 on the last dim)",
        spec="outputs whose windows read only padding are the bias (or 0)",
        behaviour="kills the process with SIGSEGV: F.conv1d(zeros (2, 1, 1), ones (1, 1, 1), stride=2, "
        "padding=1, dilation=2) in float16; also the 2-D form (x (1, 1, 1, 1), stride (1, 2), padding 1, "
        "dilation (1, 2)) and F.conv3d (x (1, 1, 1, 1, 1), stride (1, 1, 3), padding 2, dilation (1, 1, 2)). "
        "Observed on an Intel Xeon with AVX512_FP16 and AMX (issue 10); DNNL_MAX_CPU_ISA=AVX512_CORE avoids "
        "it; "
        "an AVX512_BF16 CPU without AVX512_FP16 computes zeros",
        predict=lambda case, spec: spec,
        crashes=True,
        example=lambda: Case("conv", np.zeros((2, 1, 1), np.float16), weight=np.ones((1, 1, 1), np.float16),
                             stride=(2,), padding=1, dilation=(2,)),
        platforms=ONEDNN_FP16,
    )
)

register(from_rule(SUM_OVERFLOW, id="torch-sum-overflow", target="torch", requires={"torch": ">=2.0"}))
