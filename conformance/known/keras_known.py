"""Divergences of Keras layers (on the TensorFlow backend, oneDNN on: TF's default on x86) from the spec."""

from __future__ import annotations

import numpy as np

import reference

from ..cases import Case
from ..divergences import Divergence, register, windows_any

TF_BACKEND = {"keras": ">=2.12", "tensorflow": ">=2.12"}


def _lowest(case: Case) -> float:
    # oneDNN's bfloat16 pooling starts from -inf; every other format from the lowest finite value
    return -np.inf if case.dtype == "bfloat16" else float(np.finfo(case.x.dtype).min)


def _max_of_numbers(case: Case) -> np.ndarray:
    """Max over each window's non-NaN cells, padding as -inf."""
    x = np.where(np.isnan(case.x.astype(np.float64)), -np.inf, case.x.astype(np.float64))
    return reference.max_pool(x, case.kernel, case.strides, case.pads, case.dilations)


def tf_max_pool(case: Case, spec: np.ndarray) -> np.ndarray:
    """TF's CPU MaxPool: y = max(lowest(dtype), max of the window's non-NaN cells)."""
    return np.maximum(_max_of_numbers(case), _lowest(case))


def _clamped_windows(case: Case) -> np.ndarray:
    """Windows where TF's answer comes from the lowest-value floor instead of a number in the window,
    and that differs from the spec's answer."""
    numbers = _max_of_numbers(case)
    has_nan = windows_any(case, np.isnan(case.x))
    if case.dtype == "bfloat16":
        return (numbers == -np.inf) & has_nan
    return numbers == -np.inf


def _nan_windows(case: Case) -> bool:
    return bool(windows_any(case, np.isnan(case.x)).any())


register(Divergence(
    id="keras-max-pool-ignores-nan",
    target="keras",
    requires=TF_BACKEND,
    op="max_pool",
    applies=lambda case: _nan_windows(case) and not _clamped_windows(case).any(),
    when="a window holds a NaN next to at least one number",
    spec="NaN propagates: a window holding a NaN yields NaN",
    behaviour="the NaN never wins: the output is the max of the window's other cells",
    predict=tf_max_pool,
    example=lambda: Case("max_pool", np.array([[[1.0, np.nan, 3.0, np.nan, 2.0, 5.0]]], dtype=np.float32),
                         kernel_size=(3,), stride=(3,), layout="channels_last"),
    link="https://github.com/tensorflow/tensorflow/issues/2501, https://github.com/keras-team/keras/issues/16158",
))

register(Divergence(
    id="keras-max-pool-lowest-for-empty-window",
    target="keras",
    requires=TF_BACKEND,
    op="max_pool",
    applies=lambda case: bool(_clamped_windows(case).any()),
    when="a window holds only NaN and -inf (padding included); for bfloat16 only when one of them is NaN",
    spec="a window of -inf yields -inf, a window with a NaN yields NaN",
    behaviour="yields the dtype's lowest finite value (-3.4028235e38 for float32, -65504 for float16, "
              "-1.797e308 for float64); bfloat16 yields -inf",
    predict=tf_max_pool,
    example=lambda: Case("max_pool", np.array([[[-np.inf, -np.inf, np.nan, np.nan]]], dtype=np.float32),
                         kernel_size=(2,), stride=(2,), layout="channels_last"),
    link="https://github.com/tensorflow/tensorflow/issues/2501",
))
