"""Divergences of Keras layers (on the TensorFlow backend, oneDNN on: TF's default on x86) from the spec."""

from __future__ import annotations

import dataclasses
import itertools
from math import prod
from collections.abc import Callable
from typing import Any

import numpy as np

import reference

from ..cases import Case, reference_output
from ..divergences import Divergence, from_rule, register, windows_any
from ..platform import (
    ONEDNN_AVX512,
    ONEDNN_BF16,
    TF_BF16_CAPPED_BELOW_AVX512,
    TF_FLOAT16_CAPPED,
    TF_ONEDNN_AMX,
    TF_ONEDNN_AVX512,
    TF_ONEDNN_AVX512_AMD,
    TF_ONEDNN_BF16,
    TF_ONEDNN_ON,
    TF_ONEDNN_AVX512_NO_BF16,
    TF_ONEDNN_BELOW_AVX512,
    TF_ONEDNN_BF16_NO_AMX,
    current,
    onednn_bf16_native,
    tf_float16_routed,
    tf_onednn_on,
)
from ..strategies import make_values
from ..targets import _distribution_version
from ..targets.keras_target import conv_layer, keras_conv_padding, keras_release
from .shared import (
    accumulation_example,
    register_working_format,
    tie_after_rounding,
    TORCH_MAX_LAST_NAN,
    TORCH_RELU_NAN,
    BF16_LEAK,
    BF16_TRANSPOSE_LEAK,
    FLOAT64_AS_FLOAT32,
    SUM_OVERFLOW,
    TF_BF16_LEAK,
    bf16,
    bf16_leak_example,
    bf16_nonfinite,
    conv_out_shape,
    cropped_nonfinite,
    grad_weight_over_uncropped,
    infinite_entries,
    nonfinite_reach,
    spec_output,
    where_the_crop_matters,
)

TF_BACKEND = {"keras": ">=2.12", "tensorflow": ">=2.12"}
# Keras gradients are checked from Keras 3.15 on (keras_target.GRADIENT_FLOOR), the line they were measured on
TF_GRADIENTS = {"keras": ">=3.15", "tensorflow": ">=2.21"}


def _lowest(case: Case) -> float:
    """Where TF's max pool starts: oneDNN's bfloat16 (and, where TF routes it there, float16) pooling
    from -inf; TF's own kernels from the format's lowest finite value."""
    platform = current()
    onednn = platform is None or tf_onednn_on(platform)
    if (case.dtype == "bfloat16" and onednn) or (case.dtype == "float16" and tf_float16_routed(platform)):
        return -np.inf
    if case.dtype == "bfloat16":
        import ml_dtypes

        return float(ml_dtypes.finfo(ml_dtypes.bfloat16).min)
    return float(np.finfo(case.x.dtype).min)


def _max_of_numbers(case: Case) -> np.ndarray:
    """Max (or global max) over each window's non-NaN cells, padding as -inf."""
    x = np.where(np.isnan(case.x.astype(np.float64)), -np.inf, case.x.astype(np.float64))
    return reference_output(case.replace(x=x))


def _flushes_subnormals(case: Case) -> bool:
    # bfloat16 only on native AVX512_BF16 kernels: capped at AVX512_CORE, oneDNN keeps them
    return case.dtype == "float64" or (case.dtype == "bfloat16" and onednn_bf16_native(current()))


def _flushed(case: Case) -> Case:
    """TF's float64 and bfloat16 MaxPool flush subnormal inputs to zero."""
    if not _flushes_subnormals(case):
        return case
    x = case.x.astype(np.float64)
    tiny = 2.0**-126 if case.dtype == "bfloat16" else float(np.finfo(np.float64).tiny)
    return case.replace(x=np.where(np.abs(x) < tiny, 0.0, x).astype(case.x.dtype))


def tf_max_pool(case: Case, spec: np.ndarray) -> np.ndarray:
    """TF's CPU MaxPool: y = max(lowest(dtype), max of the window's non-NaN cells), subnormals flushed to 0
    in float64 and bfloat16."""
    return np.maximum(_max_of_numbers(_flushed(case)), _lowest(case))


def _clamped_windows(case: Case) -> np.ndarray:
    """Windows where TF's answer comes from the lowest-value floor instead of a number in the window,
    and that differs from the spec's answer."""
    numbers = _max_of_numbers(case)
    has_nan = windows_any(case, np.isnan(case.x))
    if _lowest(case) == -np.inf:
        return (numbers == -np.inf) & has_nan
    return numbers == -np.inf


def _nan_windows(case: Case) -> bool:
    return bool(windows_any(case, np.isnan(case.x)).any())


register(
    Divergence(
        id="keras-max-pool-ignores-nan",
        target="keras",
        requires=TF_BACKEND,
        op=("max_pool", "adaptive_max_pool"),  # AdaptiveMaxPooling runs the same MaxPool kernel
        applies=lambda case: _nan_windows(case) and not _clamped_windows(case).any(),
        when="a window holds a NaN next to at least one number",
        spec="NaN propagates: a window holding a NaN yields NaN",
        behaviour="the NaN never wins: the output is the max of the window's other cells",
        predict=tf_max_pool,
        example=lambda: Case(
            "max_pool",
            np.array([[[1.0, np.nan, 3.0, np.nan, 2.0, 5.0]]], dtype=np.float32),
            kernel_size=(3,),
            stride=(3,),
            layout="channels_last",
        ),
        link="https://github.com/tensorflow/tensorflow/issues/2501, https://github.com/keras-team/keras/issues/16158",
    )
)

register(
    Divergence(
        id="keras-max-pool-lowest-for-empty-window",
        target="keras",
        requires=TF_BACKEND,
        op=("max_pool", "adaptive_max_pool"),  # AdaptiveMaxPooling runs the same MaxPool kernel
        applies=lambda case: bool(_clamped_windows(case).any()),
        when="a window holds only NaN and -inf (padding included); for bfloat16 only when one of them is NaN",
        spec="a window of -inf yields -inf, a window with a NaN yields NaN",
        behaviour="yields the dtype's lowest finite value (-3.4028235e38 for float32, -65504 for float16, "
        "-1.797e308 for float64); bfloat16 (and float16 where TF routes it to oneDNN: AVX512_FP16/AMX_FP16 "
        "CPUs) yields -inf, and with oneDNN off bfloat16 yields its lowest finite value too",
        predict=tf_max_pool,
        example=lambda: Case(
            "max_pool",
            np.array([[[-np.inf, -np.inf, np.nan, np.nan]]], dtype=np.float32),
            kernel_size=(2,),
            stride=(2,),
            layout="channels_last",
        ),
        link="https://github.com/tensorflow/tensorflow/issues/2501",
    )
)


def _nchw_bfloat16_empty_windows(case: Case) -> bool:
    # oneDNN picks its kernel by shape: 4 or more channels, or an (N, 1, 1, 1) input (the same memory in
    # either format), get the one that starts from -inf (measured over N 1-3, C 1-17, H and W 1-3, pools 1-3)
    return (
        case.dtype == "bfloat16"
        and case.rank == 2
        and case.layout == "channels_first"
        and case.shape[1] <= 3
        and case.shape[1:] != (1, 1, 1)
        and bool((_max_of_numbers(case) == -np.inf).any())
    )


def tf_nchw_max_pool_bfloat16(case: Case, spec: np.ndarray) -> np.ndarray:
    """Windows of only NaN and -inf start, and stay, at bfloat16's lowest finite value."""
    import ml_dtypes

    return np.where(_max_of_numbers(case) == -np.inf, float(ml_dtypes.finfo(ml_dtypes.bfloat16).min), spec)


register(
    Divergence(
        id="keras2-max-pool-nchw-bfloat16-lowest",
        target="keras",
        requires={"keras": "<3", "tensorflow": ">=2.12"},
        op="max_pool",
        applies=_nchw_bfloat16_empty_windows,
        when="2-D bfloat16 channels_first max pooling of 1 to 3 channels with a window of only NaN and -inf "
        "(padding included), unless the input is (N, 1, 1, 1)",
        spec="a window of -inf yields -inf, a window with a NaN yields NaN",
        behaviour="Keras 2 hands 2-D channels_first pooling to TF as NCHW, where oneDNN's kernel for few "
                  "channels "
        "starts bfloat16 windows, like every other format, from the lowest finite value: -3.3895e38 "
        "where the NHWC kernel gives -inf (measured on TF 2.15.1)",
        predict=tf_nchw_max_pool_bfloat16,
        example=lambda: Case(
            "max_pool",
            bf16(np.array([[[[-np.inf, -np.inf, np.nan, np.nan]]]])),
            kernel_size=(1, 2),
            stride=(1, 2),
        ),
    )
)


def _subnormals_flushed(case: Case) -> bool:
    x = case.x.astype(np.float64)
    return (
        _flushes_subnormals(case)
        and not _nan_windows(case)
        and not _clamped_windows(case).any()
        and bool((_flushed(case).x.astype(np.float64) != x).any())
    )


register(
    Divergence(
        id="keras-max-pool-flushes-subnormals",
        target="keras",
        requires=TF_BACKEND,
        op=("max_pool", "adaptive_max_pool"),  # AdaptiveMaxPooling runs the same MaxPool kernel
        applies=_subnormals_flushed,
        when="float64 or bfloat16 input holding subnormal numbers",
        spec="max pooling returns input values exactly, subnormals included",
        behaviour="subnormal inputs are flushed to zero first (float32 and float16 keep them): "
        "max of [5e-324, 0] is 0.0",
        predict=tf_max_pool,
        example=lambda: Case("max_pool", np.array([[[5e-324, 0.0, 1.5e-323, 1e-323]]]), kernel_size=(2,)),
    )
)


# --- Keras 2 on TF <= 2.15: oneDNN pooling primitives cached without their data format ----------------------


def pool_in_cached_layout(case: Case, spec: np.ndarray) -> np.ndarray:
    """The primitive cached by the earlier NHWC call runs on this call's NCHW buffer: it reads the buffer as
    NHWC of the same sizes, pools, and writes NHWC, which TF hands back as NCHW."""
    n, c, *spatial = case.x.shape
    seen = np.moveaxis(case.x.astype(np.float64).reshape(n, *spatial, c), -1, 1)
    out = reference_output(case.replace(x=seen))
    return np.moveaxis(out, 1, -1).reshape(out.shape)


# x = 0..11 shuffled; drawn channels-first (N, C, H, W) = (1, 2, 3, 2):
#   channel 0: 9  2     channel 1: 0  3     2x2 windows, stride 1: spec  [[9], [11]]  [[10], [10]]
#              7  4                6 10                             TF     [[9], [11]]  [[ 8], [11]]
#              5 11                8  1
_SHUFFLED = np.array([9, 2, 7, 4, 5, 11, 0, 3, 6, 10, 8, 1], dtype=np.float32).reshape(1, 2, 3, 2)

register(
    Divergence(
        id="tf-onednn-pool-cache-ignores-layout",
        target="keras",
        requires={"keras": "<3", "tensorflow": ">=2.12,<2.16"},
        op=("max_pool", "avg_pool"),
        applies=lambda case: case.rank == 2 and case.layout == "channels_first",
        when="a 2-D MaxPooling or AveragePooling call with channels_first, after a channels_last call with "
             "the "
        "same sizes in the same process (or the reverse)",
        spec="each call's output depends only on its own input and arguments",
        behaviour="TF's oneDNN pooling caches its primitive under the sizes alone, without the data format, "
                  "and "
        "Keras 2 hands TF NCHW for channels_first: the second call reuses the first's NHWC primitive, "
        "reads its NCHW buffer as NHWC and writes NHWC back, so nearly every output is wrong; with one "
        "channel only the empty-window value differs (bfloat16 all-NaN window: -3.39e38, not -inf). "
        "Fixed in TF 2.16 (the cache key holds the source format); Keras 3 transposes to NHWC anyway",
        predict=pool_in_cached_layout,
        example=lambda: Case("max_pool", _SHUFFLED, kernel_size=(2, 2), stride=(1, 1)),
        after=lambda: Case("max_pool", _SHUFFLED, kernel_size=(2, 2), stride=(1, 1), layout="channels_last"),
        link="https://github.com/tensorflow/tensorflow/issues/61482 (fix: tensorflow/tensorflow#62819)",
    )
)


# --- sums in the working precision -----------------------------------------------------------------------


# every backend sums in the working precision (reproduced on tensorflow, torch and jax)
register(from_rule(SUM_OVERFLOW, id="keras-sum-overflow", target="keras", requires={"keras": ">=2.12"}))


# --- activations ---------------------------------------------------------------------------------------


def _float32_slope_differs(case: Case) -> bool:
    slope = case.negative_slope
    return case.dtype == "float64" and float(np.float32(slope)) != slope and bool((case.x < 0).any())


def tf_leaky_relu_float64(case: Case, spec: np.ndarray) -> np.ndarray:
    """TF's LeakyRelu op keeps alpha as a float32 attribute: y = x * float64(float32(slope)) for x < 0."""
    x = case.x.astype(np.float64)
    return np.where(x >= 0, x, x * float(np.float32(case.negative_slope)))


register(
    Divergence(
        id="keras-leaky-relu-float32-slope",
        target="keras",
        requires=TF_BACKEND,
        op="leaky_relu",
        applies=_float32_slope_differs,
        when="float64 input with negative values, and a slope that float32 cannot hold exactly (0.2, 0.3, "
             "0.01)",
        spec="y = negative_slope * x for x < 0, in the input's precision",
        behaviour="multiplies by the slope rounded to float32 (TF's LeakyRelu stores alpha as a float32 "
                  "attr): "
        "LeakyReLU(0.2) maps -1.0 to -0.20000000298023224",
        predict=tf_leaky_relu_float64,
        example=lambda: Case("leaky_relu", np.array([[-1.0, 2.0]]), negative_slope=0.2),
    )
)


# --- convolution -----------------------------------------------------------------------------------------


def _bias_lands_on_last_axis(case: Case) -> bool:
    if case.layout != "channels_first" or case.bias is None:
        return False
    if case.op == "conv_transpose":
        c_out, last = case.w.shape[1] * case.groups, reference_output(case).shape[-1]
    else:
        c_out, last = case.w.shape[0], conv_out_shape(case)[-1]
    return c_out > 1 and last == c_out and np.unique(case.bias).size > 1


def keras_bias_on_last_axis(case: Case, spec: np.ndarray) -> np.ndarray:
    """keras.ops.add becomes tf.nn.bias_add, which adds along the last axis when its length matches."""
    if case.bias is None:
        raise TypeError("the bias divergence needs a bias")
    bias = case.bias.astype(np.float64)
    return spec - bias.reshape((1, -1) + (1,) * case.rank) + bias


def _same_totals(case: Case) -> list[int]:
    """TF's Eigen 'SAME' totals per dim, not clamped at 0: (ceil(n/s)-1)*s + d*(k-1) + 1 - n."""
    return [
        (-(-n // s) - 1) * s + d * (k - 1) + 1 - n
        for n, k, s, d in zip(case.shape[2:], case.kernel, case.strides, case.dilations)
    ]


def _tf_conv_layer(case: Case) -> str:
    """The layer the Keras adapter builds for this conv case on the installed Keras with TF."""
    return conv_layer(case, keras_release(_distribution_version("keras")), "tensorflow")


def _eigen_conv3d_negative_same(case: Case) -> bool:
    return (
        case.rank == 3
        and (case.dtype == "float64" or (case.dtype == "float16" and not tf_float16_routed(current())))
        and case.layout == "channels_last"
        and case.groups == 1
        and keras_conv_padding(case) == "same"
        and any(int(t / 2) < 0 for t in _same_totals(case))
    )


def tf_conv3d_negative_same(case: Case, spec: np.ndarray) -> np.ndarray:
    """Windows start at i*s - trunc(total/2): a negative total shifts every window right."""
    x = case.x.astype(np.float64)
    widths, crops = [(0, 0), (0, 0)], [slice(None), slice(None)]
    for total in _same_totals(case):
        before = int(total / 2)
        widths.append((max(before, 0), max(total - before, 0)))
        crops.append(slice(max(-before, 0), None))
    shifted = np.pad(x, widths)[tuple(crops)]
    full = reference.conv(
        shifted,
        case.w.astype(np.float64),
        None if case.bias is None else case.bias.astype(np.float64),
        case.strides,
        0,
        case.dilations,
        case.groups,
    )
    crop = (Ellipsis, *(slice(0, o) for o in spec.shape[2:]))
    return full[crop]


register(
    Divergence(
        id="tf-conv3d-same-negative-padding",
        target="keras",
        requires=TF_BACKEND,
        op="conv",
        applies=_eigen_conv3d_negative_same,
        when="Conv3D 'same', channels_last, groups=1 (grouped goes through XLA), in float16/float64 (TF's "
             "Eigen "
        "kernel) where stride exceeds the window "
        "extent so "
        "the 'same' total (ceil(n/s)-1)*s + d*(k-1) + 1 - n is -2 or less on some dim",
        spec="'same' padding is max(total, 0) split before/after; windows start at i*s - before",
        behaviour="the total is not clamped at 0: before = trunc(total/2) is negative, so every window on "
                  "that "
        "dim starts |before| cells later (a stride-3, width-1 window over [0, 1, 2] reads 1, not 0)",
        predict=tf_conv3d_negative_same,
        example=lambda: Case(
            "conv",
            np.arange(6.0).reshape(1, 1, 1, 2, 3),
            weight=np.ones((1, 1, 1, 2, 1)),
            stride=(1, 1, 3),
            padding="same",
            layout="channels_last",
        ),
    )
)


# registered after the Conv3D entry: it moves the bias of whatever that entry predicts
register(
    Divergence(
        id="keras-conv-bias-on-last-axis",
        target="keras",
        requires={"keras": ">=3.7", "tensorflow": ">=2.12"},
        op=("conv", "conv_transpose"),  # Conv*D and Conv*DTranspose add their bias the same way
        applies=_bias_lands_on_last_axis,
        when="channels_first, with a bias, when the output's last spatial size equals C_out > 1",
        spec="bias[o] is added to every element of output channel o",
        behaviour="bias[j] is added at position j of the last spatial axis instead: keras.ops.add turns x + "
                  "b "
        "into tf.nn.bias_add, which assumes the bias belongs to the last axis whenever its length "
        "matches (keras.ops.add(zeros((1, 2, 2)), [1, 2] as (1, 2, 1)) gives [[1, 2], [1, 2]])",
        predict=keras_bias_on_last_axis,
        example=lambda: Case(
            "conv",
            np.zeros((1, 1, 2), np.float32),
            weight=np.zeros((2, 1, 1), np.float32),
            bias=np.array([1.0, 2.0], np.float32),
            layout="channels_first",
        ),
        link="https://github.com/keras-team/keras/pull/20386 (introduced the bias_add rewrite)",
    )
)


def _tf_bf16_leak_example() -> Case:
    """Leaks on TF 2.15 through 2.21 (the 1-D example of the torch entry computes exactly on TF 2.15)."""
    return Case(
        "conv",
        bf16(np.array([1, 1, np.nan, 1, 1, np.nan]).reshape(1, 1, 2, 3)),
        weight=bf16(np.ones((1, 1, 1, 1))),
        layout="channels_last",
    )


register(
    from_rule(
        TF_BF16_LEAK,
        id="keras-onednn-bf16-conv-nonfinite-leak",
        target="keras",
        requires=TF_BACKEND,
        example=_tf_bf16_leak_example,
        # measured: leaks uncapped and at AVX512_CORE_BF16; computes the spec at AVX512_CORE(_VNNI)
        platforms=TF_ONEDNN_BF16_NO_AMX,
    )
)

register(
    from_rule(
        TF_BF16_LEAK,
        id="keras-onednn-amx-bf16-conv-nonfinite-leak",
        target="keras",
        requires={"keras": ">=3.0", "tensorflow": ">=2.21"},
        # observed on an Intel Xeon with AMX (issue 10): tf.nn.conv1d bf16 [1, 1, 1, inf, 1, 1] * ones(3)
        # gives [nan, inf, inf, inf]; the 2-D example of the entry above computes the spec there
        example=lambda: Case(
            "conv", bf16(np.array([[[1, 1, 1, np.inf, 1, 1]]])), weight=bf16(np.ones((1, 1, 3))),
            layout="channels_last"),
        platforms=TF_ONEDNN_AMX,
    )
)


def _onednn_strided_conv2d(case: Case) -> bool:
    if case.dtype not in ("float32", "bfloat16") or case.groups != 1 or case.rank not in (2, 3):
        return False
    out = conv_out_shape(case)
    (s_h, s_w), (k_w, w) = case.strides[-2:], (case.kernel[-1], case.shape[-1])
    pattern = s_h == 1 and s_w > 1 and k_w > 1 and out[-1] == 1 and out[-2] > 1
    exempt = w == k_w == s_w and case.pads[-1] == (0, 0)
    return pattern and not exempt and (case.rank == 3 or case.shape[0] > 1)


# tf.nn.conv2d on TF 2.15.1 (oneDNN on) computes this example exactly; 2.16.2 and later do not
TF_216_ONEDNN = {"keras": ">=2.12", "tensorflow": ">=2.16"}

register(
    Divergence(
        id="tf-onednn-conv-strided-single-column",
        target="keras",
        requires=TF_216_ONEDNN,
        platforms=TF_ONEDNN_AVX512,  # measured: oneDNN capped at AVX2, or off, computes every row
        op="conv",
        applies=_onednn_strided_conv2d,
        when="Conv2D/Conv3D, float32/bfloat16 (oneDNN), groups=1, stride 1 on the second-to-last dim and > "
             "1 on "
        "the last, kernel width > 1, one output column and several output rows; in 2-D only with batch > 1 "
        "and not when W == kernel_w == stride_w without W padding",
        spec="every output is its window's dot product",
        behaviour="oneDNN reads the wrong memory for every other output row: values are garbage or NaN and "
        "change between runs (tf.nn.conv2d(arange(1,9) as (2,2,2,1), [1,100], strides (1,3)) gives "
        "[201, nan, 605, nan] instead of [201, 403, 605, 807]); all outputs are left unchecked",
        predict=spec_output,
        unpredictable=lambda case: np.ones((case.shape[0], case.w.shape[0], *conv_out_shape(case)), bool),
        example=lambda: Case(
            "conv",
            np.arange(1.0, 9.0, dtype=np.float32).reshape(2, 1, 2, 2),
            weight=np.array([1.0, 100.0], np.float32).reshape(1, 1, 1, 2),
            stride=(1, 3),
            layout="channels_last",
        ),
    )
)


def _xla_grouped_float64_nonfinite(case: Case) -> bool:
    layer = _tf_conv_layer(case)
    return (
        case.dtype == "float64"
        and case.groups > 1
        and layer.startswith("Conv")
        and not np.isfinite(case.x.astype(np.float64)).all()
    )


register(
    Divergence(
        id="keras-grouped-conv-float64-nonfinite-spread",
        target="keras",
        requires=TF_BACKEND,
        op="conv",
        applies=_xla_grouped_float64_nonfinite,
        when="grouped ConvND (groups > 1; DepthwiseConv is not affected) in float64 with inf or NaN in the "
             "input",
        spec="a group's outputs depend only on that group's input channels",
        behaviour="TF's XLA grouped convolution multiplies other groups' inputs by the zero blocks of a "
                  "dense "
        "kernel, so 0 * inf = NaN spreads across groups (Conv2D(2, 1, groups=2) with ones on "
        "[1.0, inf] gives [nan, inf], spec [1.0, inf]); outputs whose window holds a non-finite input "
        "in any channel are left unchecked",
        predict=spec_output,
        unpredictable=nonfinite_reach,
        example=lambda: Case(
            "conv",
            np.array([1.0, np.inf]).reshape(1, 2, 1, 1, 1),
            weight=np.ones((2, 1, 1, 1, 1)),
            groups=2,
            layout="channels_last",
        ),
    )
)


# --- Keras 3 on the torch and jax backends (KERAS_BACKEND)
# ---------------------------------------------------


def _asymmetric_pads(case: Case) -> bool:
    return any(before != after for before, after in case.pads)


def keras_torch_avg_pool_replicated(case: Case, spec: np.ndarray) -> np.ndarray:
    """Every dim is padded by replicating its edge cells, then each full window is averaged."""
    x = np.pad(case.x.astype(np.float64), [(0, 0), (0, 0), *case.pads], mode="edge")
    return reference.avg_pool(x, case.kernel, case.strides, 0)


register(
    Divergence(
        id="keras-torch-avg-pool-same-replicates-edge",
        target="keras",
        requires={"keras": ">=3.5", "torch": ">=2.0"},
        op="avg_pool",
        applies=_asymmetric_pads,
        when="AveragePooling 'same' whose padding is uneven on some dim (total padding odd, so after = "
             "before + 1)",
        spec="padding cells are left out of the window and of the divisor",
        behaviour="torch pools take symmetric padding only, so Keras pads the input itself with "
                  "mode='replicate' "
        "on every dim: the padding cells repeat the edge value and count in the divisor "
        "(AveragePooling1D(3, strides=2, padding='same') on [1, 2] gives (1+2+2)/3 = 1.667, spec 1.5)",
        predict=keras_torch_avg_pool_replicated,
        example=lambda: Case(
            "avg_pool",
            np.array([[[1.0, 2.0]]], dtype=np.float32),
            kernel_size=(3,),
            stride=(2,),
            padding="same",
            count_include_pad=False,
            layout="channels_last",
        ),
        link="keras/src/backend/torch/nn.py: _apply_same_padding (mode='replicate' for pooling)",
    )
)

# torch's oneDNN bfloat16 convolution under Keras: same behaviour and rule as the torch target's entry
register(
    from_rule(
        BF16_LEAK,
        id="keras-torch-onednn-bf16-conv-nonfinite-leak",
        target="keras",
        requires={"keras": ">=3.0", "torch": ">=2.0"},
        example=bf16_leak_example("channels_first"),
        platforms=ONEDNN_AVX512,
    )
)


def _rows_after_the_first(case: Case) -> np.ndarray:
    out = conv_out_shape(case)
    mask = np.ones((case.shape[0], case.w.shape[0], *out), bool)
    mask[..., 0, :] = False
    return mask


register(
    Divergence(
        id="keras-torch-onednn-conv-strided-single-column",
        target="keras",
        requires={"keras": ">=3.0", "torch": ">=2.13"},
        platforms=ONEDNN_AVX512,  # measured: DNNL_MAX_CPU_ISA=AVX2 computes every row
        op="conv",
        applies=lambda case: case.layout == "channels_last" and _onednn_strided_conv2d(case),
        when="channels_last Conv2D/Conv3D (Keras hands torch a channels_last-strided tensor) with the shape "
        "pattern of tf-onednn-conv-strided-single-column: float32/bfloat16, groups=1, stride 1 then > 1 on "
        "the last two dims, kernel width > 1, one output column, several output rows, batch > 1 in 2-D",
        spec="every output is its window's dot product",
        behaviour="torch's oneDNN convolution on a channels_last memory-format input returns 0 for every "
        "output row after the first (Conv2D(1, 3, strides=(1, 2), padding='same') on x (2, 2, 1, 1): "
        "[0.28281, 0, 0.067, 0], spec [0.28281, 0.2674, 0.067, -0.21756]); F.conv2d on the same tensor "
        "made contiguous computes; those rows are left unchecked",
        predict=spec_output,
        unpredictable=_rows_after_the_first,
        example=lambda: Case(
            "conv", np.array([0.345584, 0.821618, 0.330437, -1.303157], np.float32).reshape(2, 1, 2, 1),
            weight=np.array([0.905356, 0.446375, -0.536953, 0.581118, 0.364572, 0.294132, 0.028422,
                             0.546713, -0.736454], np.float32).reshape(1, 1, 3, 3),
            stride=(1, 2), padding="same", layout="channels_last"),
        link="https://github.com/uxlfoundation/oneDNN (the kernel TF's tf-onednn-conv-strided-single-column "
        "entry hits too)",
    )
)


def _jax_grouped_float64_nonfinite(case: Case) -> bool:
    return case.dtype == "float64" and case.groups > 1 and not np.isfinite(case.x.astype(np.float64)).all()


register(
    Divergence(
        id="keras-jax-grouped-conv-float64-nonfinite-spread",
        target="keras",
        requires={"keras": ">=3.0", "jax": ">=0.10"},
        op="conv",
        applies=_jax_grouped_float64_nonfinite,
        when="grouped or depthwise convolution (groups > 1) in float64 with inf or NaN in the input",
        spec="a group's outputs depend only on that group's input channels",
        behaviour="XLA's CPU float64 grouped convolution lets 0 * inf = NaN spread across groups, for "
                  "ConvND(groups) "
        "and DepthwiseConv alike (Conv2D(2, 1, groups=2) with ones on [1.0, inf] gives [nan, inf], spec "
        "[1.0, inf]; float32/float16/bfloat16 are not affected); outputs whose window holds a non-finite "
        "input in any channel are left unchecked",
        predict=spec_output,
        unpredictable=nonfinite_reach,
        example=lambda: Case(
            "conv",
            np.array([1.0, np.inf]).reshape(1, 2, 1, 1),
            weight=np.ones((2, 1, 1, 1)),
            groups=2,
            layout="channels_last",
        ),
    )
)


# measured on jax 0.10.2: tanh passes subnormals through (tanh(x) = x for tiny x); sums stay within their
# bound
_JAX_FTZ_OPS = ("max_pool", "global_max_pool", "relu", "leaky_relu", "sigmoid")


def _smallest_normal(case: Case) -> float:
    return 2.0**-126 if case.dtype == "bfloat16" else float(np.finfo(case.x.dtype).tiny)


def _ftz(a: np.ndarray, tiny: float) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.where(np.abs(a) < tiny, 0.0, a)


def xla_ftz(case: Case, spec: np.ndarray) -> np.ndarray:
    """Subnormal inputs read as 0 and subnormal results become 0 (XLA's CPU code runs with FTZ/DAZ set)."""
    tiny = _smallest_normal(case)
    if case.op == "leaky_relu":  # a select on x >= 0, which reads a subnormal x as 0: x passes through
        x = case.x.astype(np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            scaled = x * float(np.asarray(case.negative_slope, dtype=case.x.dtype).astype(np.float64))
            return np.where((x >= 0) | (np.abs(x) < tiny), x, _ftz(scaled, tiny))
    flushed = case.replace(x=_ftz(case.x, tiny).astype(case.x.dtype))
    return _ftz(reference_output(flushed), tiny)


def _jax_ftz_applies(case: Case) -> bool:
    if case.dtype not in ("float32", "float64", "bfloat16"):
        return False
    tiny = _smallest_normal(case)
    with np.errstate(invalid="ignore"):
        return any(
            bool(((a > 0) & (a < tiny)).any())
            for a in (np.abs(case.x.astype(np.float64)), np.abs(reference_output(case)))
        )


register(
    Divergence(
        id="keras-jax-flushes-subnormals",
        target="keras",
        requires={"keras": ">=3.0", "jax": ">=0.10"},
        op=_JAX_FTZ_OPS,
        applies=_jax_ftz_applies,
        when="float32, float64 or bfloat16 max pooling, global max pooling, relu, leaky_relu or sigmoid "
             "whose input "
        "or output holds subnormal numbers",
        spec="subnormal inputs and results are values like any other (max of [1e-45, 0] is 1e-45 in float32)",
        behaviour="XLA's CPU code runs with denormals flushed to zero: subnormal inputs read as 0 and "
                  "subnormal "
        "results become 0 (MaxPooling1D(2) on float32 [1e-45, 0] gives 0; sigmoid(-87.5) gives 0, spec "
        "1.0e-38); LeakyReLU's select reads a subnormal x as 0 >= 0 and returns x unscaled, and flushes a "
        "subnormal slope * x to 0; float16 keeps its subnormals (it computes in float32)",
        predict=xla_ftz,
        example=lambda: Case(
            "max_pool",
            np.array([[[1e-45, 0.0, 3e-45, 2e-45]]], dtype=np.float32),
            kernel_size=(2,),
            layout="channels_last",
        ),
    )
)


def _float16_exp_overflows(case: Case) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.isinf(np.exp(-case.x.astype(np.float64)).astype(np.float16)) & (case.x < 0)


def jax_sigmoid_float16(case: Case, spec: np.ndarray) -> np.ndarray:
    """y = 1 / (1 + exp(-x)) with exp(-x) in float16: 0 once exp(-x) overflows float16."""
    return np.where(_float16_exp_overflows(case), 0.0, spec)


register(
    Divergence(
        id="keras-jax-sigmoid-float16-underflow",
        target="keras",
        requires={"keras": ">=3.0", "jax": ">=0.10"},
        op="sigmoid",
        applies=lambda case: case.dtype == "float16" and bool(_float16_exp_overflows(case).any()),
        when="float16 input below -ln(65504) = -11.09, where exp(-x) overflows float16",
        spec="y = 1 / (1 + exp(-x)) rounded once to float16: sigmoid(-12) = 6.1e-6, a float16 subnormal",
        behaviour="gives 0 for every x < -11.09 (exp(-x) becomes inf in float16, so 1 / (1 + inf) = 0), "
                  "although "
        "float16 represents sigmoid(x) down to x = -16.6",
        predict=jax_sigmoid_float16,
        example=lambda: Case("sigmoid", np.array([[-12.0, 0.0, -11.0]], dtype=np.float16)),
    )
)


# --- float64 on the torch and jax backends ------------------------------------------------------------------
# keras.src.backend.common.dtypes.result_type maps float64 to float32 on every backend but TensorFlow
# (BIT64_TO_BIT32_DTYPE, "to be aligned with JAX's default"); ops that pick their compute dtype through it
# round float64 inputs to float32 and compute there. Measured on keras 3.15.1: which ops, and the dtype
# each returns, differ per backend.


register(
    from_rule(
        FLOAT64_AS_FLOAT32,
        id="keras-torch-float64-computed-in-float32",
        target="keras",
        requires={"keras": ">=3.0", "torch": ">=2.0"},
        op=("dense", "global_avg_pool", "dense_backward", "global_avg_pool_backward"),
        behaviour="Dense (keras.ops.matmul) and GlobalAveragePooling (keras.ops.mean) round float64 inputs "
                  "to "
        "float32 and compute in float32; GlobalAveragePooling casts the result back to float64, Dense "
        "returns the float32 product, plus the bias in float64 when it has one (Dense(1, use_bias=False,"
        " dtype='float64') on x = w = 1/3 gives float32 0.11111112, spec float64 0.111111111111)",
        returns=lambda case: "float32" if case.op == "dense" and case.bias is None else "float64",
        example=lambda: Case("dense", np.array([[1 / 3]]), weight=np.array([[1 / 3]])),
    )
)

register(
    from_rule(
        FLOAT64_AS_FLOAT32,
        id="keras-jax-float64-computed-in-float32",
        target="keras",
        requires={"keras": ">=3.0", "jax": ">=0.10"},
        op=("global_avg_pool", "tanh", "global_avg_pool_backward", "tanh_backward"),
        behaviour="with JAX_ENABLE_X64 set, GlobalAveragePooling (keras.ops.mean) and tanh (keras.ops.tanh) "
                  "still "
        "round float64 inputs to float32 and compute in float32; GlobalAveragePooling casts the result "
        "back to float64, tanh returns float32 (tanh(1/3) gives float32 0.32151276, spec float64 "
        "0.321512737532); Dense, the other pools and activations compute in float64",
        returns=lambda case: "float32" if case.op == "tanh" else "float64",  # a gradient: x's dtype
        example=lambda: Case("tanh", np.array([[1 / 3, -2.0, 0.0]])),
    )
)


# measured on jax 0.10.2 (JAX_ENABLE_X64 on or off): shapes of (3, 4, 7, 7, 7) = 4116 and (1, 1, 16, 16, 16)
# = 4096
# elements lose every NaN, (3, 4, 7, 7, 6) = 3528 and 1-D inputs up to 4095 keep them; overlapping windows
# (stride != kernel) keep them at any size; float16 and bfloat16 keep them up to 65536 elements
XLA_BIG_REDUCE = 4096


def _xla_max_drops_nan(case: Case) -> bool:
    if case.dtype not in ("float32", "float64") or case.x.size < XLA_BIG_REDUCE or not np.isnan(case.x).any():
        return False
    if case.op == "global_max_pool":
        return True
    return case.strides == case.kernel and any(k > 1 for k in case.kernel)


def xla_max_of_numbers(case: Case, spec: np.ndarray) -> np.ndarray:
    """Each window's max over its non-NaN cells; a window of only NaN (and padding) gives -inf."""
    return np.where(np.isnan(spec), _max_of_numbers(case), spec)


register(
    Divergence(
        id="keras-jax-max-drops-nan-from-4096-elements",
        target="keras",
        requires={"keras": ">=3.0", "jax": ">=0.10"},
        op=("global_max_pool", "max_pool"),
        applies=_xla_max_drops_nan,
        when="float32 or float64 input of 4096 elements or more holding a NaN, to GlobalMaxPooling, or to "
        "MaxPooling whose windows tile the input (strides == pool_size, pool_size not all 1)",
        spec="NaN propagates: a window holding a NaN yields NaN",
        behaviour="XLA's CPU max reduction over an operand of >= 4096 elements ignores NaN (MaxPooling with "
        "strides == pool_size becomes a reduction too): each window gives the max of its numbers, a "
        "window of only NaN gives -inf (GlobalMaxPooling3D on (3, 4, 7, 7, 7) with NaN and inf gives inf, "
        "spec NaN; the same input with 3528 elements, or with overlapping windows, propagates NaN)",
        predict=xla_max_of_numbers,
        example=lambda: Case(
            "global_max_pool",
            np.where(np.arange(4096) % 512 == 1, np.nan, np.arange(4096.0))
            .astype(np.float32)
            .reshape(1, 8, 512),
        ),
        link="https://github.com/openxla/xla/issues/21461 (XLA CPU reduce max drops NaN)",
    )
)


# --- where the CPU's ISA, or a cap on it, decides (measured with DNNL_/ONEDNN_MAX_CPU_ISA on an AVX512_BF16
# CPU,
# and, for float16 routing and AMX, observed on an Intel Xeon with AVX512_FP16 and AMX: issue 10)
# --------------

_BF16_ONEDNN_OPS = ("conv", "conv_transpose", "max_pool", "avg_pool", "conv_backward",
                    "conv_transpose_backward", "max_pool_backward", "avg_pool_backward", "adaptive_max_pool",
                    "adaptive_avg_pool", "adaptive_max_pool_backward", "adaptive_avg_pool_backward")


def _bf16_through_onednn(case: Case) -> bool:
    """bfloat16 pooling, and conv except grouped ConvND (TF runs that through XLA) and channels_first Conv3D
    (measured: computes under the cap); a gradient as its forward call."""
    case = case.forward_case()
    if case.dtype != "bfloat16":
        return False
    if case.op != "conv":
        return True
    if case.rank == 3 and case.layout == "channels_first":
        return False
    return case.groups == 1 or _tf_conv_layer(case).startswith("Depthwise")

register(
    Divergence(
        id="tf-onednn-bf16-capped-below-avx512",
        target="keras",
        requires=TF_BACKEND,
        op=_BF16_ONEDNN_OPS,
        applies=_bf16_through_onednn,
        when="bfloat16 MaxPooling, AveragePooling, their adaptive forms, Conv with groups=1 and "
        "DepthwiseConv (grouped ConvND goes through XLA and computes, and so does channels_first Conv3D)",
        spec="the op computes in any configuration the framework accepts",
        behaviour="TF hands bfloat16 to oneDNN because cpuid shows AVX512, but the cap leaves oneDNN no "
        "bfloat16 kernel: AbortedError 'could not create a (primitive) descriptor'",
        predict=spec_output,
        raises=r"(?s)AbortedError: .*could not create a (primitive )?descriptor",
        example=lambda: Case("max_pool", bf16(np.array([[[1.0, 2.0, 3.0, 4.0]]])), kernel_size=(2,)),
        platforms=TF_BF16_CAPPED_BELOW_AVX512,
    )
)

register(
    Divergence(
        id="tf-onednn-bf16-dense-capped-below-avx512-crashes",
        target="keras",
        requires=TF_BACKEND,
        op=("dense", "dense_backward"),  # the gradient's MatMuls crash the same way
        applies=lambda case: case.dtype == "bfloat16",
        when="bfloat16 Dense (MatMul)",
        spec="the op computes in any configuration the framework accepts",
        behaviour="TF's oneDNN bfloat16 MatMul, capped below AVX512_CORE on an AVX512 CPU, kills the process "
        "with SIGSEGV",
        predict=spec_output,
        crashes=True,
        example=lambda: Case("dense", bf16(np.array([[1.0, 2.0]])), weight=bf16(np.array([[1.0, 1.0]]))),
        platforms=TF_BF16_CAPPED_BELOW_AVX512,
    )
)


def _inf_rows(case: Case) -> np.ndarray:
    """Per input row: does it hold +-inf?"""
    return np.asarray(np.isinf(case.x.astype(np.float64)).any(axis=1))


def _outputs_of_inf_rows(case: Case) -> np.ndarray:
    return np.broadcast_to(_inf_rows(case)[:, None], (case.shape[0], case.w.shape[0])).copy()


register(
    Divergence(
        id="tf-onednn-bf16-matmul-emulated-inf-is-nan",
        target="keras",
        requires=TF_BACKEND,
        op="dense",
        applies=lambda case: (case.dtype == "bfloat16" and case.w.shape[0] >= 2
                              and bool(_inf_rows(case).any())),
        when="bfloat16 Dense with 2 or more units whose input holds inf",
        spec="x @ W.T + b: a row with inf gives +-inf (NaN only where inf meets a zero weight or -inf)",
        behaviour="without native AVX512_BF16, oneDNN's bfloat16 MatMul can give NaN for outputs of a row "
        "holding inf (x [[1, 1, inf], [1, 1, 1], [1, 1, 1]], W ones (2, 3): row 0 [nan, nan], spec "
        "[inf, inf]); whether it does depends on the shapes (the kernel oneDNN picks; with 1 unit, or "
        "x (2, 2), it gives inf), so the outputs of rows holding inf are left unchecked",
        predict=spec_output,
        unpredictable=_outputs_of_inf_rows,
        example=lambda: Case(
            "dense", bf16(np.array([[1.0, 1.0, np.inf], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]])),
            weight=bf16(np.ones((2, 3)))),
        platforms=TF_ONEDNN_AVX512_NO_BF16,
    )
)


register(
    Divergence(
        id="tf-onednn-float16-capped-below-fp16",
        target="keras",
        requires={"keras": ">=3.0", "tensorflow": ">=2.21"},
        op="max_pool",
        applies=lambda case: case.dtype == "float16",
        when="float16 MaxPooling",
        spec="the op computes in any configuration the framework accepts",
        behaviour="TF hands float16 to oneDNN because cpuid shows AVX512_FP16/AMX_FP16, but the cap leaves "
        "oneDNN no float16 kernel: 'could not create a descriptor for a pooling forward propagation "
        "primitive' "
        "(observed on an Intel Xeon with AMX, issue 10)",
        predict=spec_output,
        raises=r"(?s)could not create a (primitive )?descriptor",
        example=lambda: Case("max_pool", np.array([[[1.0, 2.0, 3.0, 4.0]]], np.float16), kernel_size=(2,)),
        platforms=TF_FLOAT16_CAPPED,
    )
)


def _same_output_padding_shrinks(case: Case) -> bool:
    """'same' with an explicit output_padding whose length L = (n-1)*s + k_eff - 2*(k_eff//2) + op is one
    TF's SAME convolution does not map back to n (ceil(L/s) != n)."""
    if case.padding != "same" or case.output_padding is None:
        return False
    extra = case.output_padding
    if not isinstance(extra, tuple):
        extra = (extra,) * case.rank
    for n, k, s, d, op in zip(case.shape[2:], case.kernel, case.strides, case.dilations, extra):
        k_eff = d * (k - 1) + 1
        length = (n - 1) * s + k_eff - 2 * (k_eff // 2) + op
        if -(-length // s) != n:
            return True
    return False


register(
    Divergence(
        id="keras-tf-conv-transpose-same-output-padding-rejected",
        target="keras",
        requires={"keras": ">=3.12", "tensorflow": ">=2.21"},
        op=("conv_transpose", "conv_transpose_backward"),  # the gradient runs the forward call first
        applies=_same_output_padding_shrinks,
        when="Conv*DTranspose with padding='same' and an output_padding that makes Keras' output length L = "
        "(n-1)*s + k_eff - 2*(k_eff//2) + output_padding one that a SAME convolution does not map back to n "
        "(ceil(L/s) != n; e.g. stride 1, kernel 2, n 2, output_padding 0: L = 1)",
        spec="the layer's output length is Keras' own formula, the crop and output_padding follow, and it "
        "computes (compute_output_shape agrees)",
        behaviour="TF's backprop-input kernel rejects the output shape: AbortedError 'could not create a "
        "primitive descriptor' (oneDNN: float32, bfloat16) or InvalidArgumentError (Eigen: float16, "
        "float64), while compute_output_shape reports the length",
        predict=spec_output,
        raises=r"(?s)(AbortedError|InvalidArgumentError)",
        example=lambda: Case("conv_transpose", np.ones((1, 1, 2), np.float32), weight=np.ones((1, 1, 2),
                             np.float32), padding="same", output_padding=(0,), layout="channels_last"),
    )
)


register(
    from_rule(
        BF16_TRANSPOSE_LEAK,
        id="tf-onednn-bf16-conv-transpose-nonfinite-leak",
        target="keras",
        requires={"keras": ">=3.12", "tensorflow": ">=2.21"},
        example=lambda: Case("conv_transpose",
                             bf16(np.array([0.5, -0.5, np.nan, 0.4, -2.1, np.nan]).reshape(1, 1, 1, 2, 3)),
                             weight=bf16(np.array([0.5]).reshape(1, 1, 1, 1, 1)), padding="valid",
                             layout="channels_last"),
        # measured uncapped on AVX512_BF16 (Zen 5, Zen 4). At AVX512_CORE (emulated bfloat16) a Zen 5 turned
        # inf into NaN within the same reach while a Zen 4 computed the spec, so that level is unrecorded;
        # below AVX512 TF refuses bfloat16 (the capped entry); AMX unmeasured
        platforms=TF_ONEDNN_BF16,
    )
)


# --- gradients (TF backend) ------------------------------------------------------------------------------


def _leaky_grad_slope_differs(case: Case) -> bool:
    slope = case.negative_slope
    x = case.x.astype(np.float64)
    return case.dtype == "float64" and float(np.float32(slope)) != slope and bool((~(x > 0)).any())


register(
    Divergence(
        id="keras-leaky-relu-backward-float32-slope",
        target="keras",
        requires={"keras": ">=3.15", "tensorflow": ">=2.21"},
        op="leaky_relu_backward",
        applies=_leaky_grad_slope_differs,
        when="float64 input with values <= 0 (or NaN), and a slope that float32 cannot hold exactly",
        spec="grad_x = negative_slope * g where x <= 0, in the input's precision",
        behaviour="multiplies by the slope rounded to float32, as the forward pass does (LeakyReluGrad's "
        "alpha is a float32 attr)",
        predict=lambda case, spec: np.where(case.x.astype(np.float64) > 0, spec,
                                            np.asarray(case.grad_output, np.float64)
                                            * float(np.float32(case.negative_slope))),
        example=lambda: Case("leaky_relu_backward", np.array([[-1.0, 2.0]]), negative_slope=0.2,
                             grad_output=np.array([[1.0, 1.0]])),
    )
)


def tf_global_max_grad(case: Case, spec: np.ndarray) -> np.ndarray:
    """reduce_max's gradient: g shared equally among the cells equal to the maximum; NaN everywhere in a
    plane holding NaN (no cell equals a NaN maximum: 0/0)."""
    assert case.grad_output is not None
    x = case.x.astype(np.float64)
    axes = tuple(range(2, x.ndim))
    with np.errstate(invalid="ignore", divide="ignore"):
        top = np.max(x, axis=axes, keepdims=True)
        hits = (x == top).astype(np.float64)
        share = case.grad_output.astype(np.float64) / hits.sum(axis=axes, keepdims=True)
        return hits * share


def _reduce_max_grad_differs(case: Case) -> bool:
    return not np.array_equal(tf_global_max_grad(case, np.empty(0)), reference_output(case), equal_nan=True)


register(
    Divergence(
        id="keras-global-max-pool-backward-shares-ties",
        target="keras",
        requires={"keras": ">=3.15", "tensorflow": ">=2.21"},
        op="global_max_pool_backward",
        applies=_reduce_max_grad_differs,
        when="a plane's maximum is tied, or the plane holds NaN",
        spec="the gradient goes to the first maximum (the first NaN, if any)",
        behaviour="GlobalMaxPooling is reduce_max, whose gradient splits g equally among the tied maxima "
        "([1, 3, 3] gets [0, g/2, g/2]) and is NaN for every cell of a plane holding NaN",
        predict=tf_global_max_grad,
        example=lambda: Case("global_max_pool_backward", np.array([[[1.0, 3.0, 3.0]]], np.float32),
                             grad_output=np.array([[[4.0]]], np.float32)),
    )
)

register(
    from_rule(
        BF16_TRANSPOSE_LEAK,
        id="keras-torch-onednn-bf16-conv-transpose-nonfinite-leak",
        target="keras",
        requires={"keras": ">=3.15", "torch": ">=2.13"},
        example=lambda: Case("conv_transpose", bf16(np.array([0.5, -0.5, np.nan] * 2).reshape(2, 1, 3)),
                             weight=bf16(np.ones((1, 1, 2))), stride=(2,), padding="valid",
                             layout="channels_last"),
        # measured on the torch backend uncapped on AVX512_BF16, as torch's own entry
        platforms=ONEDNN_BF16,
    )
)


register(
    Divergence(
        id="tf-onednn-bf16-matmul-grad-emulated-inf-is-nan",
        target="keras",
        requires={"keras": ">=3.15", "tensorflow": ">=2.21"},
        op="dense_backward",
        applies=lambda case: case.dtype == "bfloat16" and bool(np.isinf(case.x.astype(np.float64)).any()),
        when="bfloat16 Dense gradient with inf in x",
        spec="a gradient entry whose sum holds one infinite term (and no NaN) is that infinity",
        behaviour="without native AVX512_BF16 (a cap at AVX512_CORE/_VNNI), the gradient's bfloat16 MatMul "
        "can give NaN there, as the forward MatMul does (x (1, 9) holding -inf at 7, W (2, 9): "
        "grad_weight[0, 7] NaN, spec -inf); the entries depend on the kernel oneDNN picks, so infinite "
        "entries are left unchecked",
        predict=spec_output,
        unpredictable=infinite_entries,
        example=lambda: Case(
            "dense_backward",
            bf16(np.array([[np.nan, 3.28, 1.32, -5.22, 3.62, 1.79, -2.14, -np.inf, np.nan]])),
            weight=bf16(np.array([0.5, -0.53, 2.56, 0.42, -2.14, 1.45, 5.22, 3.78, -2.81, -5.06, -2.5, 0.17,
                                  -9.31, -0.88, -4.97, -2.92, -2.17, -1.27]).reshape(2, 9)),
            grad_output=bf16(np.array([[0.5, -0.53]])), wrt="weight"),
        platforms=TF_ONEDNN_AVX512_NO_BF16,
    )
)


def _daz(values: np.ndarray, dtype: str) -> np.ndarray:
    """Values as TF's CPU threads compare them: denormals-are-zero (ScopedFlushDenormal) for float32,
    float64 and bfloat16 (a float32 subnormal once widened); float16 compares as a normal float."""
    if dtype == "float16":
        return values
    tiny = float(np.finfo(np.float64).tiny) if dtype == "float64" else 2.0**-126
    return np.where(np.abs(values) < tiny, 0.0, values)


def _tf_broadcast_spans(n: int, k: int, s: int, pb: int, n_out: int) -> list[tuple[int, int]]:
    """Per output position, the (start, size) of the input cells TF's AvgPoolGrad and MaxPool3DGrad send
    its gradient to (GetBroadcastSize): a window that starts in the padding is cut to k - (pb - i*s)
    cells, but the overhang check that follows tests start + k, not start + size, so a kernel longer than
    the input resets that cut to min(n, k) = n."""
    spans = []
    for i in range(n_out):
        start, size = i * s - pb, k
        if start < 0:
            start, size = 0, k + start
        if start + k > n:
            size = min(n - start, k)
        spans.append((start, size))
    return spans


def tf_max_pool_grad(case: Case, spec: np.ndarray) -> np.ndarray:
    """TF's CPU max-pool gradients.

    1-D and 2-D (MaxPoolGrad re-finds each window's argmax): the first in-bounds cell is taken, then a
    later cell replaces it only when strictly greater, subnormals compared as 0. A NaN in the first cell
    keeps the gradient; a later NaN never gets it; a tie goes to the first, as the spec's.
    3-D (MaxPool3DGrad): see tf_max_pool3d_grad."""
    from reference.backward import max_pool_routed

    if case.rank == 3:
        return tf_max_pool3d_grad(case, spec)
    assert case.grad_output is not None
    dtype = case.dtype

    def first_then_greater(taps):
        chosen = np.full(taps[0][0].shape, -1)
        best = np.full(taps[0][0].shape, np.nan)
        for i, (value, real) in enumerate(taps):
            value = _daz(value, dtype)
            with np.errstate(invalid="ignore"):
                take = real & ((chosen < 0) | (value > best))
            chosen, best = np.where(take, i, chosen), np.where(take, value, best)
        return [chosen == i for i in range(len(taps))]

    return max_pool_routed(case.grad_output.astype(np.float64), case.x.astype(np.float64), case.kernel,
                           case.strides, case.pads, case.dilations, case.ceil_mode, first_then_greater)


def _tf_window_args(case: Case) -> list[tuple[int, int, int, int, int]]:
    """(n, k, s, pb, out) per spatial dim of a backward case: what a window's span depends on."""
    assert case.grad_output is not None
    return [(n, k, s, pb, m) for n, k, s, (pb, _), m in
            zip(case.shape[2:], case.kernel, case.strides, case.pads, case.grad_output.shape[2:])]


def _tf_spans_per_dim(case: Case) -> list[list[tuple[int, int]]]:
    """Each dim's window spans as TF's pooling gradients take them (GetBroadcastSize)."""
    return [_tf_broadcast_spans(*args) for args in _tf_window_args(case)]


def tf_max_pool3d_grad(case: Case, spec: np.ndarray) -> np.ndarray:
    """MaxPool3DGrad: every cell of a window's span within 1e-5 of the forward output, |x - y| < 1e-5 in the
    input's dtype, gets the window's whole gradient: ties and near-ties all receive it, and no cell does
    where y is NaN, ±inf or TF's lowest-value floor. A window's cells are GetBroadcastSize's span, as
    AvgPoolGrad's (_tf_broadcast_spans): with 'same' and a kernel longer than the input, a window that
    starts in the padding spans the whole dimension, cells past its end included."""
    assert case.grad_output is not None
    if any(d > 1 for d in case.dilations):
        return _space_to_batch_phases(case, tf_max_pool3d_grad)
    fmt = case.x.dtype.type
    y = tf_max_pool(case.forward_case(), spec).astype(fmt).astype(np.float32)
    x = case.x.astype(fmt).astype(np.float32)
    g = case.grad_output.astype(np.float64)
    per_dim = _tf_spans_per_dim(case)
    grad = np.zeros(case.shape)
    widen: tuple[Any, ...] = (Ellipsis, *(None,) * case.rank)
    for position in itertools.product(*(range(m) for m in g.shape[2:])):
        spans = [per_dim[d][i] for d, i in enumerate(position)]
        cells: tuple[Any, ...] = (Ellipsis, *(slice(start, start + size) for start, size in spans))
        at: tuple[Any, ...] = (Ellipsis, *position)
        with np.errstate(invalid="ignore", over="ignore"):
            near = np.abs((x[cells] - y[at][widen]).astype(fmt)) < fmt(1e-5)
        grad[cells] += np.where(near, g[at][widen], 0.0)
    return grad


def _space_to_batch_phases(case: Case, undilated: Callable[[Case, np.ndarray], np.ndarray]) -> np.ndarray:
    """A dilated pooling gradient as tf.nn.pool computes it (dilations with 'VALID' and stride 1 only):
    space_to_batch splits x into the phases x[r::d] per dim, each pooled with the undilated window, and
    output o lies in phase o % d; so each phase's gradient is `undilated` on that phase alone."""
    assert case.grad_output is not None
    grad = np.zeros(case.shape)
    for phase in itertools.product(*(range(d) for d in case.dilations)):
        cut: tuple[Any, ...] = (Ellipsis, *(slice(r, None, d) for r, d in zip(phase, case.dilations)))
        if min(case.grad_output[cut].shape[2:], default=1) == 0:
            continue
        part = case.replace(x=case.x[cut], grad_output=case.grad_output[cut], dilation=1)
        grad[cut] = undilated(part, reference_output(part.forward_case()))
    return grad


def _max_grad_differs(rank: int):
    def applies(case: Case) -> bool:
        if (case.rank == 3) != (rank == 3):
            return False
        return not np.array_equal(tf_max_pool_grad(case, reference_output(case.forward_case())),
                                  reference_output(case), equal_nan=True)

    return applies


register(
    Divergence(
        id="keras-max-pool-backward-first-cell-scan",
        target="keras",
        requires=TF_GRADIENTS,
        op="max_pool_backward",
        applies=_max_grad_differs(2),
        when="1-D or 2-D: a window holding NaN, or subnormals next to 0 (float32, float64, bfloat16)",
        spec="a window holding NaN sends its gradient to its first NaN; the first maximum otherwise",
        behaviour="MaxPoolGrad re-finds the argmax by a scan that starts at the window's first cell and "
        "moves only to a strictly greater one: [3, NaN] routes to the 3, [NaN, 2] to the NaN; subnormals "
        "compare as 0, so [0, 1e-40] routes to the 0",
        predict=tf_max_pool_grad,
        example=lambda: Case("max_pool_backward", np.array([[[3.0, np.nan, 2.0]]], np.float32),
                             kernel_size=(2,), stride=(1,), grad_output=np.array([[[1.0, 2.0]]], np.float32)),
        link="https://github.com/tensorflow/tensorflow/issues/2501",
    )
)

register(
    Divergence(
        id="keras-max-pool3d-backward-within-1e-5",
        target="keras",
        requires=TF_GRADIENTS,
        op="max_pool_backward",
        applies=_max_grad_differs(3),
        when="3-D: a window with a tie, a cell within 1e-5 of its maximum, a NaN, or an infinite maximum; "
        "or 'same' with a kernel longer than the input",
        spec="the whole gradient goes to the first maximum (the first NaN, if any) of the window",
        behaviour="MaxPool3DGrad gives the window's whole gradient to every cell with |x - y| < 1e-5, y "
        "the forward output: ties and near-ties each get it ([3, 3.000001] gives g to both), and no cell "
        "does where y is ±inf (inf - inf is NaN) or the floor of a window of NaN. Its windows are "
        "GetBroadcastSize's spans (tf-avg-pool-backward-long-kernel-span): n = 5, k = 6, 'same' (pads 2, "
        "3): window 0 reads x[0:4] forward but hands its gradient to any cell of x[0:5] equal to its max",
        predict=tf_max_pool_grad,
        example=lambda: Case("max_pool_backward", np.array([1.0, 3.0, 3.000001, 0.5] * 2, np.float32)
                             .reshape(1, 1, 2, 2, 2), kernel_size=(2, 2, 2),
                             grad_output=np.array([4.0], np.float32).reshape(1, 1, 1, 1, 1)),
        # MaxPool3DGrad's own kernel at every ISA level; with oneDNN off, the forward output it compares
        # with is Eigen's, which this prediction does not model (its 'SAME' does not clamp a negative total:
        # n = 3, k = 1, s = 3 reads x[1], as tf-conv3d-same-negative-padding)
        platforms=TF_ONEDNN_ON,
    )
)


def _spec_avg_spans(n: int, k: int, s: int, pb: int, n_out: int) -> list[tuple[int, int]]:
    return [(max(i * s - pb, 0), min(i * s - pb + k, n) - max(i * s - pb, 0)) for i in range(n_out)]


def _eigen_avg_grad(case: Case) -> bool:
    """TF's own AvgPoolGrad: float64, float16 (unless TF routes it to oneDNN) and, with oneDNN off, all."""
    platform = current()
    if platform is not None and not tf_onednn_on(platform):
        return True
    return case.dtype == "float64" or (case.dtype == "float16" and not tf_float16_routed(platform))


def _tf_avg_spans_differ(case: Case) -> bool:
    if case.rank == 3 or not _eigen_avg_grad(case):  # 3-D: AvgPool3DGrad, another kernel
        return False
    return any(_tf_broadcast_spans(*a) != _spec_avg_spans(*a) for a in _tf_window_args(case))


def tf_avg_pool_grad(case: Case, spec: np.ndarray) -> np.ndarray:
    """Each window's g / (product of its spans' sizes), spread evenly over those spans."""
    assert case.grad_output is not None
    g = case.grad_output.astype(np.float64)
    per_dim = _tf_spans_per_dim(case)
    grad = np.zeros(case.shape)
    for position in itertools.product(*(range(m) for m in g.shape[2:])):
        spans = [per_dim[d][i] for d, i in enumerate(position)]
        cells: tuple[Any, ...] = (Ellipsis, *(slice(start, start + size) for start, size in spans))
        at: tuple[Any, ...] = (Ellipsis, *position)
        widen: tuple[Any, ...] = (Ellipsis, *(None,) * case.rank)
        grad[cells] += (g[at] / np.prod([size for _, size in spans]))[widen]
    return grad


register(
    Divergence(
        id="tf-avg-pool-backward-long-kernel-span",
        target="keras",
        requires=TF_GRADIENTS,
        op="avg_pool_backward",
        applies=_tf_avg_spans_differ,
        when="1-D or 2-D 'same' with a kernel longer than the input, in float64 or float16 (every dtype with "
        "oneDNN off): a window that starts in the padding",
        spec="the gradient of a window is divided by, and spread over, the cells the forward pass averaged",
        behaviour="TF's AvgPoolGrad spreads such a window's gradient over the whole input dimension and "
        "divides by its length: n = 4, k = 5, 'same' (pads 2, 2): window 0 averaged x[0:3] forward, its "
        "gradient goes to x[0:4] as g/4",
        predict=tf_avg_pool_grad,
        example=lambda: Case("avg_pool_backward", np.array([[[1.0, 2.0, 3.0, 4.0]]]), kernel_size=(5,),
                             stride=(1,), padding="same", count_include_pad=False, layout="channels_last",
                             grad_output=np.array([[[12.0, 0.0, 0.0, 0.0]]])),
    )
)


def _bias_grad_on_last_axis(case: Case) -> bool:
    if case.wrt != "bias" or case.layout != "channels_first" or case.bias is None:
        return False
    assert case.grad_output is not None
    return case.bias.size > 1 and case.grad_output.shape[-1] == case.bias.size


def keras_bias_grad_on_last_axis(case: Case, spec: np.ndarray) -> np.ndarray:
    """The adjoint of adding bias[j] along the last axis: grad_bias[j] sums g over every other axis."""
    assert case.grad_output is not None
    return case.grad_output.astype(np.float64).sum(axis=tuple(range(case.grad_output.ndim - 1)))


register(
    Divergence(
        id="keras-conv-backward-bias-on-last-axis",
        target="keras",
        requires=TF_GRADIENTS,
        op=("conv_backward", "conv_transpose_backward"),
        applies=_bias_grad_on_last_axis,
        when="grad_bias, channels_first, when the output's last spatial size equals C_out > 1",
        spec="grad_bias[o] is the sum of g over output channel o",
        behaviour="the gradient of the forward pass's misplaced bias (keras-conv-bias-on-last-axis): "
        "grad_bias[j] sums g over position j of the last spatial axis, every channel",
        predict=keras_bias_grad_on_last_axis,
        example=lambda: Case("conv_backward", np.zeros((1, 1, 2), np.float32),
                             weight=np.zeros((2, 1, 1), np.float32), bias=np.zeros(2, np.float32),
                             layout="channels_first", wrt="bias",
                             grad_output=np.array([[[1.0, 2.0], [4.0, 8.0]]], np.float32)),
        link="https://github.com/keras-team/keras/pull/20386 (introduced the bias_add rewrite)",
    )
)


def _space_to_batch_extra(case: Case) -> tuple[int, ...]:
    """Cells TF's space-to-batch adds after the padding so each dilated dim's padded length is a multiple
    of its dilation (required_space_to_batch_paddings)."""
    return tuple((d - (n + pb + pa) % d) % d
                 for n, (pb, pa), d in zip(case.shape[2:], case.pads, case.dilations))


def tf_space_to_batch_conv_grad(case: Case, spec: np.ndarray) -> np.ndarray:
    """The gradients of the conv TF runs for a dilated call: the padded input grown by the space-to-batch
    cells, a conv over all of it, and the extra outputs cropped, so their cotangent is 0: an extra output
    that reads an infinite or NaN cell adds 0 * inf = NaN to the kernel gradient (grad_x alike, for an
    infinite weight). A strided dilated call (Keras' DepthwiseConv decomposes it) runs that conv at stride 1
    and keeps every s-th output, so the outputs it skips get a cotangent of 0 as well (measured over 53
    drawn depthwise cases with an inf, strides (1, 2-3), dilation (1, 2-3): all as predicted)."""
    assert case.grad_output is not None
    extra = _space_to_batch_extra(case)
    pads = tuple((pb, pa + e) for (pb, pa), e in zip(case.pads, extra))
    full = [n + pb + pa - d * (k - 1)
            for n, (pb, pa), d, k in zip(case.shape[2:], pads, case.dilations, case.kernel)]
    g = np.zeros((*case.grad_output.shape[:2], *full))
    kept: tuple[Any, ...] = (Ellipsis, *(slice(0, m * s, s) for m, s in zip(case.grad_output.shape[2:],
                                                                           case.strides)))
    g[kept] = case.grad_output.astype(np.float64)
    bias = None if case.bias is None else case.bias.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        grads = reference.conv_backward(g, case.x.astype(np.float64), case.w.astype(np.float64), bias,
                                        stride=1, padding=pads, dilation=case.dilations, groups=case.groups)
    return grads[("x", "weight", "bias").index(case.wrt)]


def _space_to_batch_nan(case: Case) -> bool:
    skipped = max(case.strides) > 1  # outputs the stride-1 conv computes and the call drops
    if max(case.dilations) == 1 or case.wrt == "bias" or not (any(_space_to_batch_extra(case)) or skipped):
        return False
    if all(np.isfinite(a.astype(np.float64)).all() for a in (case.x, case.w)):
        return False
    spec = reference_output(case)
    return bool((np.isnan(tf_space_to_batch_conv_grad(case, spec)) != np.isnan(spec)).any())


register(
    Divergence(
        id="tf-dilated-conv-backward-space-to-batch-nan",
        target="keras",
        requires=TF_GRADIENTS,
        op="conv_backward",
        applies=_space_to_batch_nan,
        when="a dilated conv whose padded length is not a multiple of the dilation, or a strided dilated "
        "one, with inf or NaN in x (grad_weight) or in the weight (grad_x)",
        spec="a gradient entry sums only the products the forward pass formed",
        behaviour="on CPU tf.nn.convolution runs a dilated conv through space_to_batch: the input is padded "
        "up to a multiple of the dilation, convolved, and the extra outputs cropped; their cotangent is 0, "
        "and 0 * inf gives NaN in every kernel tap that pairs an extra output with an infinite cell; a "
        "strided dilated DepthwiseConv runs at stride 1 and drops the outputs between strides, with the "
        "same effect",
        predict=tf_space_to_batch_conv_grad,
        # x = [1, inf, 3], k 2, dilation 2: space-to-batch pads to 4 cells; the extra output 1 reads the inf
        # (g = 0 there), so grad_weight = [NaN, 3] where the spec says [1, 3]
        example=lambda: Case("conv_backward", np.array([[[1.0, np.inf, 3.0]]], np.float32),
                             weight=np.ones((1, 1, 2), np.float32), dilation=(2,), padding="valid",
                             wrt="weight", grad_output=np.array([[[1.0]]], np.float32)),
    )
)


def _channels_read_nonfinite(case: Case) -> np.ndarray:
    """Kernel-gradient entries whose input channel holds inf or NaN anywhere."""
    x = case.x.astype(np.float64)
    bad = np.asarray((~np.isfinite(x)).any(axis=(0, *range(2, x.ndim))))
    if case.op == "conv_transpose_backward":  # weight (C_in, C_out/groups, *k)
        return np.broadcast_to(bad.reshape(-1, *(1,) * (case.w.ndim - 1)), case.w.shape).copy()
    c_out, c_in_group = case.w.shape[:2]
    channel = (np.arange(c_out)[:, None] // (c_out // case.groups)) * c_in_group + np.arange(c_in_group)
    return np.broadcast_to(bad[channel].reshape(c_out, c_in_group, *(1,) * case.rank), case.w.shape).copy()


register(
    Divergence(
        id="tf-onednn-bf16-conv-backward-weights-nonfinite-leak",
        target="keras",
        requires=TF_GRADIENTS,
        # Conv*DTranspose's kernel gradient is the same backward-weights kernel with x and g swapped
        op=("conv_backward", "conv_transpose_backward"),
        applies=lambda case: case.wrt == "weight" and bf16_nonfinite(case),
        when="bfloat16 kernel gradient of Conv*D or Conv*DTranspose with inf or NaN in x",
        spec="grad_weight[o, c, t] is non-finite only if a product it sums is",
        behaviour="oneDNN's bfloat16 backward-weights kernel also turns taps NaN whose products never read "
        "the non-finite cell, as its forward kernel reads past the window (x (1, 1, 3, 4), one 2x3 window, "
        "stride (2, 3): a NaN just past the window's last column makes grad_weight[0, 0, 1, 0] NaN; "
        "Conv1DTranspose, x (2, 3, 7) holding -inf, kernel 2: a tap NaN where the spec has -inf); the "
        "entries depend on the kernel oneDNN picks, so every tap of an input channel holding inf or NaN is "
        "left unchecked",
        predict=spec_output,
        unpredictable=_channels_read_nonfinite,
        # x (1, 1, 3, 4), one 2x3 window: the NaN just past its last column turns grad_weight[0, 0, 1, 0] NaN
        example=lambda: Case("conv_backward", bf16(np.array([1, 2, 3, 4, 5, 6, 7, np.nan, 9, 10, 11, 12])
                                                   .reshape(1, 1, 3, 4)),
                             weight=bf16(np.ones((1, 1, 2, 3))), stride=(2, 3), padding="valid",
                             layout="channels_last", wrt="weight", grad_output=bf16(np.ones((1, 1, 1, 1)))),
        platforms=TF_ONEDNN_AVX512,
    )
)


TF_BF16_STRIDED_GARBAGE = Divergence(
        id="tf-onednn-bf16-strided-conv-backward-weights-garbage",
        target="keras",
        requires=TF_GRADIENTS,
        op="conv_backward",
        applies=lambda case: case.wrt == "weight" and case.dtype == "bfloat16" and max(case.strides) > 1,
        when="bfloat16 kernel gradient of a strided Conv*D",
        spec="grad_weight[o, c, t] sums x * g over the windows, 0 for a tap that reads only padding",
        behaviour="oneDNN's bfloat16 backward-weights kernel sometimes sums cells outside the windows, or "
        "memory outside x: finite inputs give wrong taps, some the same on every run, some different each "
        "time (measured: a tap that reads only padding came back 8.5e15, 1.6e35, -3.0e29, 6.1e-20 and 0 in "
        "five calls of one process; over 450 drawn 1-3-D cases with strides up to 3, 8 had wrong taps with "
        "'same' and 1 with 'valid', none with stride 1; the same at AVX512_CORE); every tap is left "
        "unchecked",
        predict=spec_output,
        unpredictable=lambda case: np.ones(case.w.shape, bool),
        # x (1, 1, 4, 1, 4), kernel 3x3x1, stride (1, 2, 3), 'same': 7 of 18 taps wrong on every call, tap
        # [0, 0, 0, 0, 0] (padding only along dim 1) 0.125 where the spec has 0
        example=lambda: Case(
            "conv_backward",
            bf16(np.array([1.0, -0.75, 0.25, 0.0, 0.0, 1.0, 0.25, -1.0, -1.0, -0.5, -0.5, 0.75, 1.0, 0.0,
                           -1.0, 0.5]).reshape(1, 1, 4, 1, 4)),
            weight=bf16(np.array([-0.75, 0.75, 0.25, -0.25, 0.5, -1.0, 0.75, -0.75, 0.75, 0.0, 0.5, -0.5,
                                  -0.25, 1.0, 0.25, -0.5, 0.75, 0.0]).reshape(2, 1, 3, 3, 1)),
            stride=(1, 2, 3), padding="same", layout="channels_last", wrt="weight",
            grad_output=bf16(np.array([0.25, 1.0, 0.25, 0.75, 0.5, 0.75, 0.5, 0.5, 0.25, 1.0, 0.75, 1.0, 0.5,
                                       1.0, 1.0, 0.5]).reshape(1, 2, 4, 1, 2))),
        platforms=TF_ONEDNN_AVX512_AMD,
        link="related: https://github.com/pytorch/pytorch/issues/169688 (stride-3 bfloat16 oneDNN "
        "convolutions wrong on a Xeon with AVX512_BF16)",
    )
register(TF_BF16_STRIDED_GARBAGE)


register(
    Divergence(
        id="tf-eigen-conv3d-backward-weights-nonfinite-spread",
        target="keras",
        requires=TF_GRADIENTS,
        op=("conv_backward", "conv_transpose_backward"),  # the same Conv3DBackpropFilter
        applies=lambda case: (case.wrt == "weight" and case.rank == 3 and case.dtype in ("float16", "float64")
                              and not np.isfinite(case.x.astype(np.float64)).all()),
        when="Conv3D or Conv3DTranspose kernel gradient in float16 or float64 (TF's Eigen kernel) with inf "
        "or NaN in x",
        spec="grad_weight[o, c, t] is non-finite only if a product it sums is",
        behaviour="Conv3DBackpropFilter turns nearly every tap of the channel NaN, taps whose products never "
        "read the non-finite cell included (x = [1, 2, NaN], kernel 2: [NaN, NaN], spec [3, NaN]; x (1, 1, "
        "3, 4, 4) with one NaN, kernel 3x3x1, stride (4, 2, 3): all 9 taps NaN, spec 0 NaN), as it "
        "multiplies cells outside the windows by zeros, though not always (Conv3DTranspose, x = [NaN], "
        "kernel 2, 'same': the spec [NaN, 0]); every tap of an input channel holding inf or NaN is left "
        "unchecked",
        predict=spec_output,
        unpredictable=_channels_read_nonfinite,
        # x = [1, 2, NaN] along the last dim, kernel 2: tap 0 sums 1 + 2 = 3, but TF gives [NaN, NaN]
        example=lambda: Case("conv_backward", np.array([1.0, 2.0, np.nan]).reshape(1, 1, 1, 1, 3),
                             weight=np.ones((1, 1, 1, 1, 2)), padding="valid", layout="channels_last",
                             wrt="weight", grad_output=np.ones((1, 1, 1, 1, 2))),
    )
)


def _onednn_1x1_strided_gradient(case: Case) -> bool:
    """A 1x1 (every kernel dim 1) strided conv on TF's oneDNN whose input has cells after the last one a
    window reads: the gradient's conv reads x for Conv*D, the cotangent for Conv*DTranspose."""
    if case.dtype not in ("float32", "bfloat16") or any(k != 1 for k in case.kernel):
        return False
    platform = current()
    if platform is not None and not tf_onednn_on(platform):
        return False
    if case.dtype == "bfloat16" and platform is not None and TF_BF16_CAPPED_BELOW_AVX512.holds(platform):
        return False  # refused outright (tf-onednn-bf16-capped-below-avx512)
    assert case.grad_output is not None
    lengths = case.shape[2:] if case.op == "conv_backward" else case.grad_output.shape[2:]
    return any(s > 1 and (n - 1) % s != 0 for n, s in zip(lengths, case.strides))


_ONEDNN_1X1_BEHAVIOUR = (
    "eager TF computes both Conv2DBackpropInput and Conv2DBackpropFilter, and oneDNN's 1x1 strided kernel "
    "writes past its buffer: the process aborts ('malloc(): unaligned tcache chunk', 'corrupted size vs. "
    "prev_size'), segfaults, raises AbortedError or returns a wrong kernel gradient, now or on a later call, "
    "and it may as well compute right. Measured in fresh processes, kernel gradient of ones, "
    "channels_last: x (1, 3, 20, 20) float32, stride 2: 9 of 9 crashed uncapped, 0 of 5 at AVX2; x (1, 3, "
    "5, 8), stride (1, 2): 1 of 5 raised uncapped (4 of 4 crashed in bfloat16), 3 of 5 wrong at AVX2; "
    "(1, 3, 11, 11) with stride 3 ran clean 20 times, so the predicate is wider than the failures")


def _onednn_1x1_divergence(id: str, platforms, example: Case) -> Divergence:
    return Divergence(
        id=id,
        target="keras",
        requires=TF_GRADIENTS,
        op=("conv_backward", "conv_transpose_backward"),
        applies=_onednn_1x1_strided_gradient,
        when="the gradient of a float32 or bfloat16 Conv*D (or Conv*DTranspose) with a 1x1 kernel and a "
        "stride > 1 along a dim whose strided input ends with cells no window reads ((n - 1) % s != 0: x "
        "for Conv, the cotangent for ConvTranspose)",
        spec="the gradients compute",
        behaviour=_ONEDNN_1X1_BEHAVIOUR,
        predict=spec_output,
        corrupts_memory=True,
        example=lambda: example,
        platforms=platforms,
    )


def _ones_1x1_case(shape: tuple[int, ...], stride: tuple[int, int]) -> Case:
    out = tuple((n - 1) // s + 1 for n, s in zip(shape[2:], stride))
    return Case("conv_backward", np.ones(shape, np.float32), weight=np.ones((1, shape[1], 1, 1), np.float32),
                stride=stride, padding="valid", layout="channels_last", wrt="weight",
                grad_output=np.ones((shape[0], 1, *out), np.float32))


register(_onednn_1x1_divergence("tf-onednn-1x1-strided-conv-backward-corrupts-memory", TF_ONEDNN_AVX512,
                                _ones_1x1_case((1, 3, 20, 20), (2, 2))))
register(_onednn_1x1_divergence("tf-onednn-avx2-1x1-strided-conv-backward-corrupts-memory",
                                TF_ONEDNN_BELOW_AVX512, _ones_1x1_case((1, 3, 5, 8), (1, 2))))


register(
    Divergence(
        id="keras-conv-transpose-grad-weight-cropped-nonfinite",
        target="keras",
        requires=TF_GRADIENTS,
        op="conv_transpose_backward",
        applies=lambda case: (case.dtype in ("float16", "float64") and case.rank < 3
                              and cropped_nonfinite(case)),
        when="1-D or 2-D float16 or float64 grad_weight (TF's Eigen kernel), with a crop ('same') and inf or "
        "NaN in x (3-D: tf-eigen-conv3d-backward-weights-nonfinite-spread)",
        spec="only kept output cells take part: a cropped cell has no gradient to give, so grad_weight sums "
        "x * g over the taps that land inside the output",
        behaviour="Conv*DBackpropFilter sums over the uncropped output with zeros for the cropped cells, so "
        "inf or NaN in x times those zeros makes grad_weight NaN at kernel offsets whose taps reach the crop "
        "(x = [NaN], kernel 2, 'same' (crop 0 before, 1 after): [NaN, NaN], spec [NaN, 0])",
        predict=grad_weight_over_uncropped,
        example=lambda: Case("conv_transpose_backward", np.array([[[np.nan]]]), weight=np.ones((1, 1, 2)),
                             padding="same", layout="channels_last", grad_output=np.ones((1, 1, 1)),
                             wrt="weight"),
    )
)

def _onednn_transpose_grad_weight_nonfinite(case: Case) -> bool:
    if case.wrt != "weight" or case.dtype not in ("float32", "bfloat16"):
        return False
    return cropped_nonfinite(case) or (max(case.dilations) > 1
                                       and not np.isfinite(case.x.astype(np.float64)).all())


def _onednn_transpose_unchecked(case: Case) -> np.ndarray:
    """Where the uncropped sum differs from the spec; with dilation, every tap of an input channel
    holding inf or NaN (weight[c_in, ...])."""
    mask = where_the_crop_matters(case)
    if max(case.dilations) > 1:
        x = case.x.astype(np.float64)
        bad = np.asarray((~np.isfinite(x)).any(axis=(0, *range(2, x.ndim))))
        mask |= bad.reshape(-1, *(1,) * (case.w.ndim - 1))
    return mask


register(
    Divergence(
        id="keras-onednn-conv-transpose-grad-weight-cropped-nonfinite",
        target="keras",
        requires=TF_GRADIENTS,
        op="conv_transpose_backward",
        applies=_onednn_transpose_grad_weight_nonfinite,
        when="float32 or bfloat16 grad_weight (oneDNN) with inf or NaN in x, and a crop ('same') or a "
        "dilation",
        spec="only kept output cells take part: a cropped cell has no gradient to give, so grad_weight sums "
        "x * g over the taps that land inside the output",
        behaviour="dilated: every tap of the input channel holding the NaN comes back NaN (x (1, 1, 3, 2) "
        "ones with NaN at [0, 0, 1, 1], kernel 3x2, dilation (3, 3), 'same': all 12 taps NaN, the spec has "
        "2); undilated, some kernels sum over the uncropped output with zeros for the cropped cells (NaN "
        "where a non-finite x meets them), others do not (x = [NaN], kernel 2, 'same' gives the spec "
        "[NaN, 0]); which runs depends on the shapes, so those entries are left unchecked",
        predict=spec_output,
        unpredictable=_onednn_transpose_unchecked,
        example=lambda: Case("conv_transpose_backward",
                             np.array([1.0, 1.0, 1.0, np.nan, 1.0, 1.0], np.float32).reshape(1, 1, 3, 2),
                             weight=np.ones((1, 2, 3, 2), np.float32), dilation=(3, 3), padding="same",
                             layout="channels_last", grad_output=np.ones((1, 2, 3, 2), np.float32),
                             wrt="weight"),
        platforms=TF_ONEDNN_ON,
    )
)


def _grad_x_as_conv(case: Case) -> Case:
    """The conv TF runs for a Conv*DTranspose's grad_x: the cotangent convolved with the kernel, 'SAME'."""
    assert case.grad_output is not None
    return Case("conv", case.grad_output, weight=case.w, stride=case.strides, padding="same",
                dilation=case.dilations, layout=case.layout)


def _eigen_transpose_grad_x_negative_same(case: Case) -> bool:
    if case.wrt != "x" or case.padding != "same" or case.rank != 3 or case.layout != "channels_last":
        return False
    eigen = case.dtype == "float64" or (case.dtype == "float16" and not tf_float16_routed(current()))
    return eigen and any(int(t / 2) < 0 for t in _same_totals(_grad_x_as_conv(case)))


register(
    Divergence(
        id="tf-conv3d-transpose-backward-same-negative-padding",
        target="keras",
        requires=TF_GRADIENTS,
        op="conv_transpose_backward",
        applies=_eigen_transpose_grad_x_negative_same,
        when="grad_x of Conv3DTranspose 'same' in float16/float64 (TF's Eigen Conv3D) where the stride "
        "exceeds the kernel's extent by 2 or more, so the 'SAME' total over the output, (ceil(L/s)-1)*s + "
        "d*(k-1) + 1 - L, is -2 or less on some dim",
        spec="grad_x[i] sums g over the output cells input i landed on",
        behaviour="grad_x is Conv3D(g, kernel, 'SAME'), and Eigen's Conv3D does not clamp a negative 'SAME' "
        "total (tf-conv3d-same-negative-padding): every window starts |trunc(total/2)| cells later, so x[i] "
        "gets the gradient of a cell it never landed on (x (1, 1, 1, 1, 1), kernel 1, stride (1, 1, 3), "
        "g = [1, 10, 100]: grad_x 10, spec 1)",
        predict=lambda case, spec: tf_conv3d_negative_same(_grad_x_as_conv(case), spec),
        example=lambda: Case("conv_transpose_backward", np.array([2.0]).reshape(1, 1, 1, 1, 1),
                             weight=np.ones((1, 1, 1, 1, 1)), stride=(1, 1, 3), padding="same",
                             layout="channels_last", grad_output=np.array([1.0, 10.0, 100.0])
                             .reshape(1, 1, 1, 1, 3)),
    )
)


# --- gradients (torch backend): torch's own kernels under Keras' layers -----------------------------------

KERAS_ON_TORCH = {"keras": ">=3.15", "torch": ">=2.13"}  # GRADIENT_FLOOR: measured on Keras 3.15

# torch's bfloat16 backward-weights kernel is oneDNN's too: through Keras (channels_last, 'same' padded by
# Keras) the example's taps come back wrong on the same platform (a tap the spec has 0 reads 0.31)
register(dataclasses.replace(
    TF_BF16_STRIDED_GARBAGE, id="keras-torch-onednn-bf16-strided-conv-backward-weights-garbage",
    requires=KERAS_ON_TORCH))

register(
    from_rule(
        TORCH_MAX_LAST_NAN,
        id="keras-torch-max-pool-backward-last-nan",
        target="keras",
        requires=KERAS_ON_TORCH,
        op=("max_pool_backward", "adaptive_max_pool_backward"),  # Keras calls F.adaptive_max_pool*d
        example=lambda: Case("max_pool_backward", np.array([[[np.nan, np.nan, 1.0]]], np.float32),
                             kernel_size=(3,), layout="channels_last",
                             grad_output=np.array([[[1.0]]], np.float32)),
    )
)

register(
    from_rule(
        TORCH_RELU_NAN,
        id="keras-torch-relu-backward-nan-passes-gradient",
        target="keras",
        requires=KERAS_ON_TORCH,
        example=lambda: Case("relu_backward", np.array([[np.nan, -1.0, 2.0]], np.float32),
                             grad_output=np.array([[3.0, 3.0, 3.0]], np.float32)),
    )
)

register(
    Divergence(
        id="keras-torch-global-max-pool-backward-shares-ties",
        target="keras",
        requires=KERAS_ON_TORCH,
        op="global_max_pool_backward",
        applies=_reduce_max_grad_differs,
        when="a plane's maximum is tied, or the plane holds NaN",
        spec="the gradient goes to the first maximum (the first NaN, if any)",
        behaviour="GlobalMaxPooling is torch.amax, whose gradient splits g equally among the cells equal "
        "to the maximum ([1, 3, 3] gets [0, g/2, g/2]) and is NaN for every cell of a plane holding NaN "
        "(no cell equals NaN: g/0)",
        predict=tf_global_max_grad,
        example=lambda: Case("global_max_pool_backward", np.array([[[1.0, 3.0, 3.0]]], np.float32),
                             grad_output=np.array([[[4.0]]], np.float32)),
    )
)


def keras_torch_avg_pool_replicated_grad(case: Case, spec: np.ndarray) -> np.ndarray:
    """The adjoint of keras_torch_avg_pool_replicated: each window's g / k over the edge-padded input,
    every padding cell's share folded back onto the edge cell it copies."""
    assert case.grad_output is not None
    x = np.pad(case.x.astype(np.float64), [(0, 0), (0, 0), *case.pads], mode="edge")
    grad = reference.avg_pool_backward(case.grad_output.astype(np.float64), x, case.kernel, case.strides, 0)
    for axis, (before, after) in enumerate(case.pads, start=2):
        grad = np.moveaxis(grad, axis, 0)
        grad[before] += grad[:before].sum(axis=0)
        grad[-after - 1] += grad[grad.shape[0] - after:].sum(axis=0)
        grad = np.moveaxis(grad[before:grad.shape[0] - after], 0, axis)
    return grad


register(
    Divergence(
        id="keras-torch-avg-pool-backward-same-replicates-edge",
        target="keras",
        requires=KERAS_ON_TORCH,
        op="avg_pool_backward",
        applies=_asymmetric_pads,
        when="AveragePooling 'same' whose padding is uneven on some dim",
        spec="a window's gradient is divided by its count of input cells and goes to those cells only",
        behaviour="the gradient of the edge-replicating forward pass (keras-torch-avg-pool-same-replicates-"
        "edge): g/k per tap, the padding cells' shares added to the edge cells they copy "
        "(AveragePooling1D(3, strides=2, padding='same') on [1, 2] with g = 1: [1/3, 2/3], spec [1/2, 1/2])",
        predict=keras_torch_avg_pool_replicated_grad,
        example=lambda: Case("avg_pool_backward", np.array([[[1.0, 2.0]]], np.float32), kernel_size=(3,),
                             stride=(2,), padding="same", count_include_pad=False, layout="channels_last",
                             grad_output=np.array([[[1.0]]], np.float32)),
        link="keras/src/backend/torch/nn.py: _apply_same_padding (mode='replicate' for pooling)",
    )
)


def _torch_transpose_grad_weight_noncontiguous(case: Case) -> bool:
    return (case.wrt == "weight" and case.layout == "channels_last" and case.rank <= 2
            and case.shape[:2] == (1, 1) and case.w.shape[1] > 1 and max(case.kernel) > 1
            and int(np.prod(case.shape[2:])) > 1)


register(
    Divergence(
        id="keras-torch-conv-transpose-grad-weight-not-contiguous",
        target="keras",
        requires=KERAS_ON_TORCH,
        op="conv_transpose_backward",
        applies=_torch_transpose_grad_weight_noncontiguous,
        when="the kernel gradient of Conv1DTranspose/Conv2DTranspose, channels_last, a batch of one with one "
        "input channel, two or more filters, a kernel longer than 1 and an input of more than one cell",
        spec="the kernel gradient computes",
        behaviour="torch's conv_transpose backward refuses the weight view Keras hands it: RuntimeError "
        "'grad_weight needs to be contiguous' (measured over C_in 1-2, C_out 1-3, kernel 1-2, 1-3-D, "
        "float32/float64: only this combination, never in 3-D; a batch of 2 computes)",
        predict=spec_output,
        raises=r"RuntimeError: grad_weight needs to be contiguous",
        example=lambda: Case("conv_transpose_backward", np.ones((1, 1, 2), np.float32),
                             weight=np.ones((1, 2, 2), np.float32), padding="valid", layout="channels_last",
                             grad_output=np.ones((1, 2, 3), np.float32), wrt="weight"),
    )
)

register(
    Divergence(
        id="keras-torch-conv-transpose-grad-weight-cropped-nonfinite",
        target="keras",
        requires=KERAS_ON_TORCH,
        op="conv_transpose_backward",
        applies=cropped_nonfinite,
        when="grad_weight, with a crop ('same') and inf or NaN in x",
        spec="only kept output cells take part: a cropped cell has no gradient to give, so grad_weight sums "
        "x * g over the taps that land inside the output",
        behaviour="torch's kernels, as under the torch target (torch-conv-transpose-grad-weight-cropped-"
        "nonfinite): some sum over the uncropped output with zeros for the cropped cells, so a non-finite x "
        "makes grad_weight NaN at kernel offsets whose taps reach the crop (x = [NaN], kernel 2, 'same': "
        "[NaN, NaN], spec [NaN, 0]); which kernel runs depends on dtype and batch, so those entries are "
        "left unchecked",
        predict=spec_output,
        unpredictable=where_the_crop_matters,
        example=lambda: Case("conv_transpose_backward", np.array([[[np.nan]]], np.float32),
                             weight=np.ones((1, 1, 2), np.float32), padding="same", layout="channels_last",
                             grad_output=np.ones((1, 1, 1), np.float32), wrt="weight"),
    )
)

register(
    Divergence(
        id="keras-torch-onednn-bf16-conv-backward-weights-nonfinite-leak",
        target="keras",
        requires=KERAS_ON_TORCH,
        op="conv_backward",
        applies=lambda case: case.wrt == "weight" and bf16_nonfinite(case),
        when="bfloat16 kernel gradient with inf or NaN in x",
        spec="grad_weight[o, c, t] is non-finite only if a product it sums is",
        behaviour="torch's oneDNN bfloat16 backward-weights kernel, as TF's (tf-onednn-bf16-conv-backward-"
        "weights-nonfinite-leak), turns taps NaN whose products never read the non-finite cell (x (1, 1, "
        "3, 4), one 2x3 window, stride (2, 3): a NaN just past the window's last column makes grad_weight"
        "[0, 0, 1, 0] NaN); every tap of an input channel holding inf or NaN is left unchecked",
        predict=spec_output,
        unpredictable=_channels_read_nonfinite,
        example=lambda: Case("conv_backward", bf16(np.array([1, 2, 3, 4, 5, 6, 7, np.nan, 9, 10, 11, 12])
                                                   .reshape(1, 1, 3, 4)),
                             weight=bf16(np.ones((1, 1, 2, 3))), stride=(2, 3), padding="valid",
                             layout="channels_last", wrt="weight", grad_output=bf16(np.ones((1, 1, 1, 1)))),
        platforms=ONEDNN_BF16,
    )
)


# --- gradients (jax backend): jax.vjp through the layers ---------------------------------------------------

KERAS_ON_JAX = {"keras": ">=3.15", "jax": ">=0.10"}  # GRADIENT_FLOOR: measured on Keras 3.15


def jax_max_pool_grad(case: Case, spec: np.ndarray) -> np.ndarray:
    """XLA's SelectAndScatter with select = (>=), over the -inf-padded input: each window starts at its first
    tap and moves on to a tap unless the one held is >= it, so any comparison with NaN moves on; a window
    that ends on a padding tap sends its gradient nowhere."""
    from reference.backward import max_pool_routed

    assert case.grad_output is not None

    def select_ge(taps):
        chosen = np.full(taps[0][0].shape, -1)
        held = np.full(taps[0][0].shape, np.nan)
        for i, (value, real) in enumerate(taps):
            value = np.where(real, value, -np.inf)
            with np.errstate(invalid="ignore"):
                move = (chosen < 0) | ~(held >= value)
            chosen, held = np.where(move, i, chosen), np.where(move, value, held)
        return [(chosen == i) & real for i, (_, real) in enumerate(taps)]

    return max_pool_routed(case.grad_output.astype(np.float64), case.x.astype(np.float64), case.kernel,
                           case.strides, case.pads, case.dilations, case.ceil_mode, select_ge)


def _jax_max_grad_differs(case: Case) -> bool:
    return not np.array_equal(jax_max_pool_grad(case, np.empty(0)), reference_output(case), equal_nan=True)


register(
    Divergence(
        id="keras-jax-max-pool-backward-select-ge",
        target="keras",
        requires=KERAS_ON_JAX,
        op="max_pool_backward",
        applies=_jax_max_grad_differs,
        when="a window holding NaN, or a -inf maximum next to 'same' padding",
        spec="a window holding NaN sends its gradient to its first NaN; a window's maximum, -inf included, "
        "gets it",
        behaviour="XLA's SelectAndScatter moves on from the held tap unless held >= next, so NaN is "
        "passed over once a later tap comes ([NaN, 2] routes to the 2, [NaN, NaN, 1] to the 1) and a "
        "-inf maximum before a -inf padding tap loses its gradient to the padding (measured over 127 "
        "drawn 1-D and 2-D cases: the prediction matches every one)",
        predict=jax_max_pool_grad,
        example=lambda: Case("max_pool_backward", np.array([[[np.nan, np.nan, 1.0]]], np.float32),
                             kernel_size=(3,), layout="channels_last",
                             grad_output=np.array([[[1.0]]], np.float32)),
        link="https://openxla.org/xla/operation_semantics#selectandscatter",
    )
)

register(
    Divergence(
        id="keras-jax-global-max-pool-backward-shares-ties",
        target="keras",
        requires=KERAS_ON_JAX,
        op="global_max_pool_backward",
        applies=_reduce_max_grad_differs,
        when="a plane's maximum is tied, or the plane holds NaN",
        spec="the gradient goes to the first maximum (the first NaN, if any)",
        behaviour="GlobalMaxPooling is jnp.max, whose gradient splits g equally among the cells equal to "
        "the maximum ([1, 3, 3] gets [0, g/2, g/2]) and is NaN for every cell of a plane holding NaN",
        predict=tf_global_max_grad,
        example=lambda: Case("global_max_pool_backward", np.array([[[1.0, 3.0, 3.0]]], np.float32),
                             grad_output=np.array([[[4.0]]], np.float32)),
    )
)

register(
    Divergence(
        id="keras-jax-leaky-relu-backward-one-at-zero",
        target="keras",
        requires=KERAS_ON_JAX,
        op="leaky_relu_backward",
        applies=lambda case: bool((case.x.astype(np.float64) == 0).any()),
        when="the input holds 0 (or -0)",
        spec="leaky_relu'(0) = negative_slope",
        behaviour="jax.nn.leaky_relu is where(x >= 0, x, slope * x), so at 0 the gradient passes whole "
        "(leaky_relu'(0) = 1)",
        predict=lambda case, spec: np.where(case.x.astype(np.float64) == 0,
                                            np.asarray(case.grad_output, np.float64), spec),
        example=lambda: Case("leaky_relu_backward", np.array([[0.0, -1.0, 2.0]], np.float32),
                             negative_slope=0.2, grad_output=np.array([[3.0, 3.0, 3.0]], np.float32)),
    )
)

register(
    Divergence(
        id="keras-jax-sigmoid-backward-float16-underflow",
        target="keras",
        requires=KERAS_ON_JAX,
        op="sigmoid_backward",
        applies=lambda case: case.dtype == "float16" and bool(_float16_exp_overflows(case).any()),
        when="float16 input below -ln(65504) = -11.09",
        spec="g * s * (1 - s) with s = sigmoid(x), rounded once to float16 (x = -12: 6.1e-6 g)",
        behaviour="the gradient is g * y * (1 - y) with the forward pass's y, which is 0 there (keras-jax-"
        "sigmoid-float16-underflow): 0 (signed as g)",
        predict=lambda case, spec: np.where(_float16_exp_overflows(case),
                                            0.0 * np.asarray(case.grad_output, np.float64), spec),
        example=lambda: Case("sigmoid_backward", np.array([[-12.0, 0.0]], np.float16),
                             grad_output=np.array([[1.0, 1.0]], np.float16)),
    )
)


# --- Keras adaptive pooling on TF (Keras 3.13+): the "two-pool gather" ------------------------------------
# AdaptiveMaxPooling/AdaptiveAveragePooling pool each dim twice with VALID windows of small = ceil(L/out)
# and big = small + 1 cells, stride 1, and gather each output's window from the two. Where L == 1 or
# out == 1, big > L and the big pool is empty (keras/src/backend/tensorflow/nn.py, _adaptive_max_pool1d).
# Measured on Keras 3.15.1 / TF 2.21: AdaptiveAveragePooling computes correctly around the empty pool.

ADAPTIVE_TF = {"keras": ">=3.13", "tensorflow": ">=2.21"}


def _bf16_refused_under_cap() -> bool:
    """Capped below AVX512, TF refuses bfloat16 pooling before it runs (tf-onednn-bf16-capped-below-
    avx512)."""
    platform = current()
    return platform is not None and TF_BF16_CAPPED_BELOW_AVX512.holds(platform)


def _empty_big_pool(case: Case) -> list[bool]:
    """Per spatial dim: is Keras' big window (ceil(L/out) + 1 cells) longer than the input?"""
    return [-(-n // o) + 1 > n for n, o in zip(case.shape[2:], case.out_size)]


register(
    Divergence(
        id="keras-tf-adaptive-max-pool-empty-big-pool-sigfpe",
        target="keras",
        requires=ADAPTIVE_TF,
        platforms=TF_ONEDNN_ON,
        op="adaptive_max_pool",
        applies=lambda case: _empty_big_pool(case)[-1] and (case.dtype == "float32" or (
            case.dtype == "bfloat16" and not _bf16_refused_under_cap()
            and not (case.shape[1] >= 4 and case.shape[-1] == 1 and prod(case.out_size[:-1]) == 1))),
        when="float32 AdaptiveMaxPooling whose last spatial dim has one cell or one output (Keras' big "
        "window is then longer than the input); bfloat16 too, unless it has 4+ channels, one cell in the "
        "last dim and one output along every other dim",
        spec="every output is the max of its adaptive window",
        behaviour="the process dies with SIGFPE: oneDNN's MaxPool over the empty big-window pool divides by "
        "zero (AdaptiveMaxPooling1D(1) on float32 (1, 1, 1)); float64 and float16 (TF's own kernels) "
        "compute, so does bfloat16 with 4+ channels pooling a single cell (another oneDNN kernel), and so "
        "does an empty pool along any other dim (measured over L, out in {1, 2, 3, 5, 6} in 1-3-D, N 1-2, "
        "C 1-16, both layouts; the bfloat16 exception was found by CI's draw x (1, 4, 1, 1, 2))",
        predict=spec_output,
        crashes=True,
        example=lambda: Case("adaptive_max_pool", np.array([[[1.0]]], np.float32), output_size=(1,)),
        link="https://github.com/tensorflow/tensorflow/issues/125509 (MaxPool with a window longer than the "
        "input, VALID: SIGFPE on CPU); the layers: https://github.com/keras-team/keras/pull/21820",
    )
)

register(
    Divergence(
        id="keras-tf-adaptive-max-pool-backward-empty-big-pool",
        target="keras",
        requires=TF_GRADIENTS,
        op="adaptive_max_pool_backward",
        applies=lambda case: any(_empty_big_pool(case)),
        when="the gradient of AdaptiveMaxPooling where some spatial dim has one cell or one output",
        spec="each window's gradient goes to its first maximum",
        behaviour="float32 and bfloat16 die with SIGFPE (AdaptiveMaxPooling1D(1) on (1, 1, 1)); float64 and "
        "float16 return uninitialised memory where the empty pool's gradient lands, different from one "
        "run to the next (float16 x (1, 1, 5), output 1, g = 4 gave [0.005127, -2.47e-05, nan, 0, 2.328], "
        "spec [0, 0, 0, 0, 4], and the spec's answer on the next run): nothing is compared",
        predict=spec_output,
        corrupts_memory=True,
        example=lambda: Case("adaptive_max_pool_backward", np.array([[[1.0]]], np.float32), output_size=(1,),
                             grad_output=np.array([[[4.0]]], np.float32)),
        link="https://github.com/tensorflow/tensorflow/issues/125509 (MaxPool with a window longer than the "
        "input, VALID: SIGFPE on CPU); the layers: https://github.com/keras-team/keras/pull/21820",
    )
)


def _scan_pick(window: np.ndarray, axis: int, moves: Any) -> np.ndarray:
    """The one cell along `axis` a window scan ends on: it holds the first cell and moves to each later one
    where `moves(held, cell)`; returned as a mask shaped like `window`."""
    chosen = np.zeros(np.take(window, [0], axis=axis).shape, dtype=np.int64)
    held = np.take(window, [0], axis=axis)
    for i in range(1, window.shape[axis]):
        cell = np.take(window, [i], axis=axis)
        with np.errstate(invalid="ignore"):
            move = moves(held, cell)
        chosen, held = np.where(move, i, chosen), np.where(move, cell, held)
    others = tuple(d for d in range(window.ndim) if d != axis)
    return chosen == np.expand_dims(np.arange(window.shape[axis]), others)


def _first_then_greater(window: np.ndarray, axis: int) -> np.ndarray:
    """MaxPoolGrad's pick along `axis`: the first cell, replaced only by a strictly greater one."""
    return _scan_pick(window, axis, lambda held, cell: cell > held)


def _select_ge(window: np.ndarray, axis: int) -> np.ndarray:
    """XLA SelectAndScatter's pick along `axis`: move on from the held cell unless held >= next."""
    return _scan_pick(window, axis, lambda held, cell: ~(held >= cell))


def separable_adaptive_max_grad(case: Case, forward: Any, select: Any) -> np.ndarray:
    """The gradient through Keras' separable adaptive max pooling (a max pool over D, then H, then W, each
    window's cells along one dim): `forward(window, axis)` is a stage's pooled value, `select(window,
    axis, pooled)` the cells its gradient goes to."""
    assert case.grad_output is not None
    stages, values = [], case.x.astype(np.float64)
    for dim, (n, o) in enumerate(zip(case.shape[2:], case.out_size)):
        axis, windows = 2 + dim, [range(j * n // o, -(-(j + 1) * n // o)) for j in range(o)]
        stages.append((axis, windows, values))
        values = np.stack([forward(np.take(values, cells, axis=axis), axis) for cells in windows], axis=axis)
    grad = case.grad_output.astype(np.float64)
    for axis, windows, inputs in reversed(stages):
        below = np.zeros(inputs.shape)
        for j, cells in enumerate(windows):
            window = np.take(inputs, cells, axis=axis)
            taken = select(window, axis, np.expand_dims(forward(window, axis), axis))
            index: list[Any] = [slice(None)] * below.ndim
            index[axis] = slice(cells.start, cells.stop)
            below[tuple(index)] += np.where(taken, np.take(grad, [j], axis=axis), 0.0)
        grad = below
    return grad


def keras_tf_adaptive_max_grad(case: Case, spec: np.ndarray) -> np.ndarray:
    """Keras on TF: each stage's forward pass is TF's MaxPool (the max of a window's numbers, at least the
    format's lowest: tf_max_pool); its gradient MaxPoolGrad's in 1-D and 2-D (the first cell, replaced
    only by a strictly greater one: tied maxima send it to the smallest W index, then H; a NaN gets it
    only as the first cell of its window along a dim) and MaxPool3DGrad's in 3-D (every cell within 1e-5
    of the stage's output: tf_max_pool3d_grad)."""
    fmt = case.x.dtype.type

    def forward(window: np.ndarray, axis: int) -> np.ndarray:
        return np.maximum(np.where(np.isnan(window), -np.inf, window).max(axis=axis), _lowest(case))

    def select(window: np.ndarray, axis: int, pooled: np.ndarray) -> np.ndarray:
        if case.rank < 3:
            return _first_then_greater(window, axis)
        with np.errstate(invalid="ignore", over="ignore"):
            return np.abs((window.astype(fmt).astype(np.float32)
                           - pooled.astype(fmt).astype(np.float32)).astype(fmt)) < fmt(1e-5)

    return separable_adaptive_max_grad(case, forward, select)


def keras_jax_adaptive_max_grad(case: Case, spec: np.ndarray) -> np.ndarray:
    """Keras on jax: each stage is lax.reduce_window max (NaN propagates), its gradient XLA's
    SelectAndScatter with select = (>=) (jax_max_pool_grad): NaN is passed over once a later cell comes."""
    return separable_adaptive_max_grad(case, lambda window, axis: window.max(axis=axis),
                                       lambda window, axis, pooled: _select_ge(window, axis))


def _separable_routing_differs(case: Case) -> bool:
    if any(_empty_big_pool(case)):
        return False
    return not np.array_equal(keras_tf_adaptive_max_grad(case, np.empty(0)), reference_output(case),
                              equal_nan=True)


register(
    Divergence(
        id="keras-tf-adaptive-max-pool-backward-separable-routing",
        target="keras",
        requires=TF_GRADIENTS,
        op="adaptive_max_pool_backward",
        applies=_separable_routing_differs,
        when="2-D or 3-D AdaptiveMaxPooling whose window holds its maximum more than once, or a window "
        "holding NaN (any rank)",
        spec="a window's gradient goes to its first maximum in row-major order (its first NaN if any)",
        behaviour="Keras pools one dim after another (D, then H, then W), so the gradient goes to the tied "
        "maximum with the smallest W index, then H, then D: AdaptiveMaxPooling2D(1) on [[1, 3], [3, 2]] "
        "sends it to (1, 0), the spec to (0, 1); a NaN gets it only as the first cell of its window "
        "along a dim (AdaptiveMaxPooling1D(1) on [1, NaN] sends it to the 1)",
        predict=keras_tf_adaptive_max_grad,
        example=lambda: Case("adaptive_max_pool_backward", np.array([[[[1.0, 3.0], [3.0, 2.0]]]], np.float32),
                             output_size=(1, 1), grad_output=np.array([[[[4.0]]]], np.float32)),
    )
)


def _jax_adaptive_routing_differs(case: Case) -> bool:
    return not np.array_equal(keras_jax_adaptive_max_grad(case, np.empty(0)), reference_output(case),
                              equal_nan=True)


register(
    Divergence(
        id="keras-jax-adaptive-max-pool-backward-select-ge",
        target="keras",
        requires=KERAS_ON_JAX,
        op="adaptive_max_pool_backward",
        applies=_jax_adaptive_routing_differs,
        when="AdaptiveMaxPooling whose window holds NaN (or, in 2-D and 3-D, a tied maximum)",
        spec="a window's gradient goes to its first maximum in row-major order (its first NaN if any)",
        behaviour="Keras pools one dim after another with lax.reduce_window, whose gradient (XLA's "
        "SelectAndScatter, select = >=) passes over NaN once a later cell comes: AdaptiveMaxPooling1D(1) "
        "on [NaN, 1] sends it to the 1; among tied maxima it goes to the smallest W index, then H",
        predict=keras_jax_adaptive_max_grad,
        example=lambda: Case("adaptive_max_pool_backward", np.array([[[np.nan, 1.0]]], np.float32),
                             output_size=(1,), grad_output=np.array([[[4.0]]], np.float32)),
        link="https://openxla.org/xla/operation_semantics#selectandscatter",
    )
)


# --- half-precision sums on TF: Eigen's half arithmetic and a separate BiasAdd ----------------------------
# Measured on TF 2.21 / Keras 3.15 (Zen 5, AVX512_BF16, no AVX512_FP16): float16 pooling sums in float16
# (a 1024-cell average of 10 +- 1 is 52.7 ulps off); Conv and Dense round the product sum to the format
# and add the bias in a second rounding, so with a bias they exceed half an ulp; bfloat16 pooling runs on
# oneDNN and accumulates in float32. Fractions beyond the tight bound over cases drawn per op and dtype:
# avg_pool f16 27%, conv 35% f16 / 31% bf16, conv_transpose 48% / 25%, dense 23% / 19%.

KERAS_TF_HALF_FORWARD = {
    "float16": ("avg_pool", "adaptive_avg_pool", "conv", "conv_transpose", "dense"),
    "bfloat16": ("adaptive_avg_pool", "conv", "conv_transpose", "dense"),
}
register_working_format(
    "keras-tf-{dtype}-sums-round-in-{dtype}", "keras", TF_BACKEND, KERAS_TF_HALF_FORWARD,
    lambda dtype: f"TF rounds {dtype} sums in {dtype}: Dense(1) on x = w = 1 + 2^-m with bias 2^-(m+1) "
    "(m fraction bits) rounds the product first, lands on a tie and rounds to even, 0.5 ulp and "
    "a little below the exact sum; the spec rounds once, up"
    + (" (and a 1024-cell average pool of 10 +- 1 is 52.7 ulps off)" if dtype == "float16" else ""),
    tie_after_rounding,
)

KERAS_TF_HALF_BACKWARD = {
    "float16": ("avg_pool_backward", "max_pool_backward", "global_max_pool_backward", "conv_backward",
                "conv_transpose_backward", "dense_backward", "adaptive_avg_pool_backward",
                "adaptive_max_pool_backward"),
    "bfloat16": ("avg_pool_backward", "max_pool_backward", "global_max_pool_backward", "conv_backward",
                 "conv_transpose_backward", "dense_backward", "adaptive_avg_pool_backward",
                 "adaptive_max_pool_backward"),
}
register_working_format(
    "keras-tf-{dtype}-gradient-sums-round-in-{dtype}", "keras", TF_GRADIENTS, KERAS_TF_HALF_BACKWARD,
    lambda dtype: f"TF's gradient kernels sum {dtype} cotangents in {dtype}: MaxPool's gradient "
    "routing 256 cotangents of 10 +- 1 to one cell (x (1, 1, 511), kernel 256, stride 1) is "
    f"{'0.75' if dtype == 'float16' else '7.17'} ulps off; of drawn cases 5-30% per op depart "
    "(bias gradients summed over the batch, pooling gradients over overlapping windows, and "
    "GlobalMaxPooling's share g/k of a cotangent among k tied maxima, rounded twice: -3/5 in "
    "float16 gives -0.5996, 0.8 ulp from -0.6)",
    lambda dtype: accumulation_example("max_pool_backward", dtype),
)


def _bf16_subnormals_flushed(case: Case) -> bool:
    x = case.x.astype(np.float64)
    return case.dtype == "bfloat16" and _flushes_subnormals(case) and bool(
        (_flushed(case).x.astype(np.float64) != np.where(np.isnan(x), 0.0, x)).any())


register(
    Divergence(
        id="keras-avg-pool-bf16-flushes-subnormals",
        target="keras",
        requires=TF_BACKEND,
        op="avg_pool",
        applies=_bf16_subnormals_flushed,
        when="bfloat16 input holding subnormal numbers, on native AVX512_BF16 kernels",
        spec="the average of subnormal cells is their exact average rounded once (subnormal results kept)",
        behaviour="subnormal inputs are flushed to zero first (as MaxPool does): the average of "
        "[9.2e-41, 2.8e-40] is 0, the spec 1.8e-40",
        predict=lambda case, spec: reference_output(_flushed(case)),
        example=lambda: Case("avg_pool", bf16(2.0**-133 * np.array([[[1.0, 3.0, 2.0, 0.0]]])),
                             kernel_size=(2,)),
    )
)


# --- half-precision sums on the torch backend: Keras adds the bias in a second op --------------------------
# Measured on Keras 3.15 / torch 2.13: Conv, ConvTranspose and Dense round the product sum to the format
# before Keras adds the bias (departing in 9-38% of drawn half cases); the pooling and conv gradients are
# torch's own kernels, which round partial sums in the format (see torch-*-sums-accumulate-in-*).

register_working_format(
    "keras-torch-{dtype}-forward-sums-round-in-{dtype}", "keras", KERAS_ON_TORCH,
    {"float16": ("conv", "conv_transpose", "dense", "adaptive_avg_pool"),
     "bfloat16": ("conv", "conv_transpose", "dense", "adaptive_avg_pool")},
    lambda dtype: f"Keras rounds the {dtype} product sum before adding the bias: Dense(1) on x = w = "
    "1 + 2^-m with bias 2^-(m+1) (m fraction bits) lands on a tie and rounds to even, "
    "0.5 ulp and a little below the exact sum",
    tie_after_rounding,
)
register_working_format(
    "keras-torch-{dtype}-backward-sums-round-in-{dtype}", "keras", KERAS_ON_TORCH,
    {"float16": ("avg_pool_backward", "max_pool_backward", "conv_backward", "conv_transpose_backward",
                 "adaptive_avg_pool_backward"),
     "bfloat16": ("avg_pool_backward", "max_pool_backward", "adaptive_avg_pool_backward")},
    lambda dtype: f"torch's gradient kernels round partial sums to {dtype}: AveragePooling1D(256, "
    "strides=1)'s gradient over x (1, 1, 511) with cotangent 10 +- 1 is "
    f"{'7.45' if dtype == 'float16' else '26.7'} ulps off",
    lambda dtype: accumulation_example("avg_pool_backward", dtype),
)


# --- half-precision sums on the jax backend: XLA reduces in the input's format ----------------------------
# Measured on Keras 3.15 / jax 0.10.2 (CPU): average pooling (lax.reduce_window) sums float16 and bfloat16
# in that format (38-42% of drawn cases depart); Conv, ConvTranspose and Dense round the product sum before
# the bias is added (17-44%); the pooling gradients and the bias gradients (summed over the batch) too.

register_working_format(
    "keras-jax-{dtype}-forward-sums-round-in-{dtype}", "keras", KERAS_ON_JAX,
    {"float16": ("avg_pool", "conv", "conv_transpose", "dense", "adaptive_avg_pool"),
     "bfloat16": ("avg_pool", "conv", "conv_transpose", "dense", "adaptive_avg_pool")},
    lambda dtype: f"XLA sums {dtype} in {dtype}, and Keras rounds the product sum before adding the "
    "bias: Dense(1) on x = w = 1 + 2^-m with bias 2^-(m+1) (m fraction bits) lands on a "
    "tie and rounds to even, 0.5 ulp and a little below the exact sum",
    tie_after_rounding,
)
register_working_format(
    "keras-jax-{dtype}-backward-sums-round-in-{dtype}", "keras", KERAS_ON_JAX,
    {"float16": ("avg_pool_backward", "max_pool_backward", "conv_backward", "conv_transpose_backward",
                 "dense_backward", "adaptive_avg_pool_backward"),
     "bfloat16": ("avg_pool_backward", "max_pool_backward", "conv_backward", "conv_transpose_backward",
                  "dense_backward", "adaptive_avg_pool_backward")},
    lambda dtype: f"the gradients sum {dtype} cotangents in {dtype}: "
    "AveragePooling1D(256, strides=1)'s gradient over x (1, 1, 511), cotangent 10 +- 1",
    lambda dtype: accumulation_example("avg_pool_backward", dtype),
)


# Keras 2's GlobalAveragePooling (tf.reduce_mean) rounds a half-precision mean twice; Keras 3 casts to
# float32 for the mean (keras.ops.mean) and rounds once (no departure in 60-75 drawn cases per line)
register_working_format(
    "keras2-tf-{dtype}-global-average-rounds-twice", "keras", {"keras": ">=2.12,<3", "tensorflow": ">=2.12"},
    {"float16": ("global_avg_pool",), "bfloat16": ("global_avg_pool",)},
    lambda dtype: f"GlobalAveragePooling rounds the {dtype} sum before dividing: 30% of drawn cases "
    "depart from the tight bound on Keras 2.15 / TF 2.15; the mean of "
    + ("[8.164, -10.23, 1.673, -2.271, -1.811] is -0.8936, the spec -0.89433594 rounds to -0.8945"
       if dtype == "float16" else
       "[0.5039, -0.5273, 2.5625, 0.4199, -2.1406] is 0.1621, the spec 0.16367 rounds to 0.1641"),
    # five normal values (make_values' seeds 3 and 0: the first seeds that show it)
    lambda dtype: Case("global_avg_pool",
                       make_values("normal", 3 if dtype == "float16" else 0, (1, 1, 5), dtype)),
)



def _strided_single_column_grad_x(case: Case) -> bool:
    return (case.wrt == "x" and case.dtype == "float32" and case.rank == 2 and case.shape[0] >= 2
            and case.shape[-1] == 1 and case.strides[0] == 1 and case.strides[1] > 1
            and case.strides[1] != case.kernel[1])


register(
    Divergence(
        id="tf-onednn-conv-transpose-grad-x-single-column-garbage",
        target="keras",
        requires=TF_GRADIENTS,
        op="conv_transpose_backward",
        applies=_strided_single_column_grad_x,
        when="float32 grad_x of Conv2DTranspose over a batch of 2 or more whose input is one column wide, "
        "strided along the width (stride[1] > 1, != kernel[1]) and not along the height",
        spec="grad_x[n, c, i, 0] sums g * w over the taps that cell fed",
        behaviour="oneDNN's AVX512 kernel for the input gradient (a strided Conv2D of g) returns garbage for "
        "some cells, different on each call: x (2, 1, 2, 1), kernel (1, 2), stride (1, 3) gave 0.0078, 0 "
        "and -9.9 for a cell whose spec is 0.45 (measured uncapped and at AVX512_CORE on a Zen 5; at AVX2 "
        "and with batch 1 it conforms; float64, float16 and stride == kernel conform); every cell is left "
        "unchecked",
        predict=spec_output,
        unpredictable=lambda case: np.ones(case.x.shape, bool),
        example=lambda: Case("conv_transpose_backward", make_values("normal", 1, (2, 1, 2, 1), "float32"),
                             weight=make_values("normal", 2, (1, 1, 1, 2), "float32"), stride=(1, 3),
                             padding="valid", layout="channels_last",
                             grad_output=make_values("normal", 3, (2, 1, 2, 3), "float32")),
        platforms=TF_ONEDNN_AVX512,
    )
)
