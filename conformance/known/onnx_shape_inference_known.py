"""ONNX shape inference, which both ONNX targets run on every model, where its claimed shape departs from
the formula. Registered after every engine entry (imported first here), so that where an engine's output
departs too, the claim recorded here is the one the case expects."""

from __future__ import annotations

import math

import numpy as np

from ..cases import Case, reference_output
from ..divergences import Divergence, register
from . import onnx_reference_known, ort_known  # noqa: F401  (their entries' claims come first)
from .shared import spec_output

POOLS = ("max_pool", "avg_pool", "lp_pool")


def inferred_before_22(case: Case) -> tuple[int, ...]:
    """Shape inference of MaxPool-12, AveragePool-19 and LpPool-18 in ceil_mode: ceil((n + pads - d*(k-1)
    - 1)/s) + 1, without dropping a last window that starts past the input and its head pad."""
    geometry = zip(case.shape[2:], case.pads, case.kernel, case.strides, case.dilations)
    out = [math.ceil((n + b + a - d * (k - 1) - 1) / s) + 1 for n, (b, a), k, s, d in geometry]
    return (*case.shape[:2], *out)


def _ceil_claim_departs(case: Case) -> bool:
    return case.ceil_mode and inferred_before_22(case) != tuple(reference_output(case).shape)


for _target in ("onnxruntime", "onnx-reference"):
    register(
        Divergence(
            id=f"{_target}-shape-inference-ceil-overhang-before-opset-22",
            target=_target,
            requires={"onnx": ">=1.22", "opset": "<22"},
            op=POOLS,
            applies=_ceil_claim_departs,
            when="ceil_mode=1 where the last ceil window would start past the input and its head pad, in a "
            "model of opset 21 or older (MaxPool-12, AveragePool-19, LpPool-18)",
            spec="the last window must start inside the input or its head pad, else it is dropped",
            behaviour="ONNX shape inference claims ceil((n + pads - d*(k-1) - 1)/s) + 1 outputs, the dropped "
            "window included (x (1, 1, 2), kernel 1, stride 2, ceil_mode: claims 2, spec 1); the engine "
            "returns its own count, and the opset-22 schemas claim the spec",
            predict=spec_output,
            claims=inferred_before_22,
            example=lambda: Case("max_pool", np.array([[[0.5, -0.25]]], np.float32), kernel_size=(1,),
                                 stride=(2,), padding="valid", ceil_mode=True),
            link="https://github.com/onnx/onnx/blob/v1.23.0/onnx/defs/nn/old.cc (pool shape inference)",
        )
    )
