"""Divergences of TensorFlow's own ops (the `tf` target: tf.nn, tf.pad, tf.matmul, tf.image.extract_patches)
from the spec.

Keras layers on the TF backend call these same kernels, and most behaviours were first measured there
(keras_known.py): each entry that is TF's kernel's own is registered once more for the tf target, under its
own id, with TF's part of the range (the Keras one drops out). Entries that are Keras' own code (where it
adds a bias, how it stores a slope, its adaptive pooling) stay Keras'.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable

import numpy as np

from ..cases import Case
from ..divergences import Divergence, from_rule, register, registry, windows_any
from ..platform import ANY_PLATFORM, TF_EIGEN_BF16, TF_EIGEN_FLOAT16, TF_ONEDNN_ON
from . import keras_known  # noqa: F401  (registers the Keras-on-TF entries these start from)
from .shared import SUM_OVERFLOW, bf16, register_working_format, spec_output

_TF_KERNELS = (
    "keras-max-pool-ignores-nan",
    "keras-max-pool-lowest-for-empty-window",
    "keras-max-pool-flushes-subnormals",
    "tf-conv3d-same-negative-padding",
    "keras-onednn-bf16-conv-nonfinite-leak",
    "keras-onednn-amx-bf16-conv-nonfinite-leak",
    "tf-onednn-conv-strided-single-column",
    "keras-grouped-conv-float64-nonfinite-spread",
    "tf-onednn-bf16-capped-below-avx512",
    "tf-onednn-bf16-dense-capped-below-avx512-crashes",
    "tf-onednn-bf16-matmul-emulated-inf-is-nan",
    "tf-onednn-float16-capped-below-fp16",
    "keras-global-max-pool-backward-shares-ties",
    "tf-onednn-bf16-matmul-grad-emulated-inf-is-nan",
    "keras-max-pool-backward-first-cell-scan",
    "keras-max-pool3d-backward-within-1e-5",
    "tf-avg-pool-backward-long-kernel-span",
    "tf-dilated-conv-backward-space-to-batch-nan",
    "tf-onednn-bf16-conv-backward-weights-nonfinite-leak",
    "tf-onednn-bf16-strided-conv-backward-weights-garbage",
    "tf-eigen-conv3d-backward-weights-nonfinite-spread",
    "tf-onednn-1x1-strided-conv-backward-corrupts-memory",
    "tf-onednn-avx2-1x1-strided-conv-backward-corrupts-memory",
    "keras-tf-float16-sums-round-in-float16",
    "keras-tf-bfloat16-sums-round-in-bfloat16",
    "keras-tf-float16-gradient-sums-round-in-float16",
    "keras-tf-bfloat16-gradient-sums-round-in-bfloat16",
    "keras-avg-pool-bf16-flushes-subnormals",
    "keras-leaky-relu-float32-slope",
    "keras-leaky-relu-backward-float32-slope",
)


def _tf_id(keras_id: str) -> str:
    """keras-max-pool-ignores-nan -> tf-nn-max-pool-ignores-nan; tf-onednn-... -> tf-nn-onednn-..."""
    for prefix in ("keras-tf-", "keras2-", "keras-", "tf-"):
        if keras_id.startswith(prefix):
            return "tf-nn-" + keras_id[len(prefix):]
    raise ValueError(f"{keras_id}: not a Keras-on-TF entry id")


def _same_tf_kernel(keras_id: str) -> None:
    """Register the Keras-on-TF entry `keras_id` for the tf target, over TF's part of its range."""
    (entry,) = [d for d in registry() if d.id == keras_id]
    requires = {k: v for k, v in entry.requires.items() if k != "keras"}
    # Keras' gradients start at 3.15, so at TF 2.21; tf.nn's were measured on 2.17.1 and 2.19.1 as well
    if requires.get("tensorflow") == ">=2.21":
        requires["tensorflow"] = ">=2.17"
    register(dataclasses.replace(entry, id=_tf_id(keras_id), target="tf", requires=requires))


for _keras_id in _TF_KERNELS:
    _same_tf_kernel(_keras_id)


# --- TF's own CPU kernels: NCHW and grouped Conv3D -------------------------------------------------------

_NCHW_OPS = ("max_pool", "avg_pool", "conv", "max_pool_backward", "avg_pool_backward", "conv_backward")
_NCHW_REFUSED = r"only supports (the )?N(D)?HWC|only supports NHWC"


def _nchw(dtypes: tuple[str, ...]) -> Callable[[Case], bool]:
    return lambda case: case.layout == "channels_first" and case.dtype in dtypes


def _typed(a: np.ndarray, dtype: str) -> np.ndarray:
    return bf16(a) if dtype == "bfloat16" else a.astype(dtype)


def _grouped_gradient(dtype: str, case: Case) -> bool:
    """(NCHW fails before, in the forward, where this dtype runs on Eigen; explicit pads with a dilation
    fail before on the dilation.)"""
    return (case.dtype == dtype and case.groups > 1 and case.rank < 3 and case.wrt in ("x", "weight")
            and case.layout == "channels_last" and not _explicit_dilated(case))


def _explicit_dilated(case: Case) -> bool:
    return _explicit(case) and any(d > 1 for d in case.dilations)


def _grouped_gradient_example(dtype: str) -> Case:
    return Case("conv_backward", _typed(np.ones((1, 2, 3)), dtype), weight=_typed(np.ones((2, 1, 1)), dtype),
                groups=2, layout="channels_last", grad_output=_typed(np.ones((1, 2, 3)), dtype))


def _nchw_example(dtype: str) -> Case:
    return Case("max_pool", _typed(np.arange(4.0).reshape(1, 1, 4), dtype), kernel_size=(2,))


# measured with oneDNN on (TF's x86 default); `tf@onednn-off` is not recorded yet
for _dtype, _platforms in (("float64", ANY_PLATFORM), ("float16", TF_EIGEN_FLOAT16),
                           ("bfloat16", TF_EIGEN_BF16)):
    register(
        Divergence(
            id=f"tf-nn-eigen-{_dtype}-nchw-rejected",
            target="tf",
            requires={"tensorflow": ">=2.17"},
            op=_NCHW_OPS,
            applies=_nchw((_dtype,)),
            when=f"{_dtype} MaxPool, AvgPool or Conv (and their gradients) with data_format NCW/NCHW/NCDHW, "
            "where TF runs that dtype on its Eigen kernels",
            spec="the op computes in either layout its API accepts",
            behaviour="TF's Eigen CPU kernels take NHWC only: 'Default MaxPoolingOp only supports NHWC on "
            "device type CPU', 'The Conv2D op currently only supports the NHWC tensor format on the CPU', "
            "'CPU implementation of Conv3D currently only supports the NHWC tensor format' (oneDNN's "
            "kernels, "
            "which TF uses for float32 and, on AVX512 CPUs, bfloat16, take NCHW)",
            predict=spec_output,
            raises=_NCHW_REFUSED,
            platforms=_platforms,
            example=functools.partial(_nchw_example, _dtype),
            link="https://github.com/tensorflow/tensorflow/blob/v2.21.0/tensorflow/core/kernels/maxpooling_op.cc",
        )
    )


register(
    Divergence(
        id="tf-nn-max-pool-grad-nchw-rejected",
        target="tf",
        requires={"tensorflow": ">=2.17"},
        op="max_pool_backward",
        applies=lambda case: case.layout == "channels_first" and case.dtype in ("float32", "bfloat16")
        and not _explicit(case),  # explicit pads fail in the forward already
        when="the gradient of a float32 or bfloat16 MaxPool with data_format NCW/NCHW/NCDHW ('SAME' or "
        "'VALID')",
        spec="the gradient computes in either layout the forward accepts",
        behaviour="the forward runs on oneDNN, but MaxPoolGrad has no oneDNN kernel: 'Default "
        "MaxPoolingGradOp only supports NHWC on device type CPU' (3-D: MaxPooling3dGradOp, NDHWC)",
        predict=spec_output,
        raises=r"MaxPooling(3d)?GradOp only supports N(D)?HWC",
        platforms=TF_ONEDNN_ON,
        example=lambda: Case("max_pool_backward", np.arange(4.0, dtype=np.float32).reshape(1, 1, 4),
                             kernel_size=(2,), grad_output=np.ones((1, 1, 2), np.float32)),
        link="https://github.com/tensorflow/tensorflow/blob/v2.21.0/tensorflow/core/kernels/maxpooling_op.cc",
    )
)


def _grouped_conv3d(case: Case) -> bool:
    eigen_nchw = case.layout == "channels_first" and case.dtype in ("float16", "float64")
    return case.rank == 3 and case.groups > 1 and not eigen_nchw


register(
    Divergence(
        id="tf-nn-grouped-conv3d-rejected",
        target="tf",
        requires={"tensorflow": ">=2.17"},
        op=("conv", "conv_backward"),
        applies=_grouped_conv3d,
        when="tf.nn.convolution in 3-D with grouped filters (in-channels C_in/groups)",
        spec="a grouped convolution computes in 1-D, 2-D and 3-D alike",
        behaviour="Conv3D refuses filters of fewer input channels than x has: 'input and filter must have "
        "the same depth: 2 vs 1' (oneDNN: float32, bfloat16) or 'Number of channels in filter (1) must "
        "match last dimension of input' (Eigen); 1-D and 2-D compute",
        predict=spec_output,
        raises=r"input and filter must have the same depth|Number of channels in filter",
        example=lambda: Case("conv", np.ones((1, 2, 2, 2, 2), np.float32),
                             weight=np.ones((2, 1, 1, 1, 1), np.float32), groups=2, layout="channels_last"),
        link="https://github.com/tensorflow/tensorflow/blob/v2.21.0/tensorflow/core/kernels/conv_ops_3d.cc",
    )
)

register(from_rule(SUM_OVERFLOW, id="tf-nn-sum-overflow", target="tf", requires={"tensorflow": ">=2.17"}))


for _dtype, _platforms in (("float64", ANY_PLATFORM), ("float16", TF_EIGEN_FLOAT16),
                           ("bfloat16", TF_EIGEN_BF16)):
    register(
        Divergence(
            id=f"tf-nn-eigen-{_dtype}-grouped-conv-gradient-rejected",
            target="tf",
            requires={"tensorflow": ">=2.17"},
            op="conv_backward",
            applies=functools.partial(_grouped_gradient, _dtype),
            when=f"the gradient of a grouped 1-D or 2-D {_dtype} tf.nn.convolution for x or the filters, "
            "where TF runs that dtype on its Eigen kernels",
            spec="a grouped convolution has gradients for x, the weight and the bias",
            behaviour="'Gradients for grouped convolutions are not supported on CPU' (Conv2DBackpropInput, "
            "Conv2DBackpropFilter); oneDNN's kernels compute them, and the bias gradient computes",
            predict=spec_output,
            raises=r"Gradients for grouped convolutions are not supported on CPU",
            platforms=_platforms,
            example=functools.partial(_grouped_gradient_example, _dtype),
            link="https://github.com/tensorflow/tensorflow/blob/v2.21.0/tensorflow/core/kernels/"
            "conv_grad_input_ops.cc",
        )
    )


def _pad_reaches_window(case: Case) -> bool:
    """(NCHW with explicit pads fails before: tf-nn-explicit-padding-nchw-rejected.)"""
    return (case.layout == "channels_last" and _explicit(case)
            and any(max(b, a) >= k for (b, a), k in zip(case.pads, case.kernel)))


register(
    Divergence(
        id="tf-nn-max-pool-pad-not-smaller-than-window",
        target="tf",
        requires={"tensorflow": ">=2.17"},
        op=("max_pool", "max_pool_backward"),
        applies=_pad_reaches_window,
        when="tf.nn.max_pool2d with explicit pads, some pad at least the window in its dim",
        spec="any non-negative padding is valid; a window of only padding is -inf",
        behaviour="raises 'Top padding 1 needs to be smaller than the window size 1' (Bottom, Left, Right "
        "alike)",
        predict=spec_output,
        raises=r"(Top|Bottom|Left|Right) padding \d+ needs to be smaller than the window size",
        example=lambda: Case("max_pool", np.ones((1, 1, 1, 1), np.float32), kernel_size=(1, 1), stride=(1, 1),
                             padding=1, layout="channels_last"),
        link="https://github.com/tensorflow/tensorflow/blob/v2.21.0/tensorflow/core/kernels/maxpooling_op.cc",
    )
)

register_working_format(
    "tf-nn-{dtype}-reductions-accumulate-in-{dtype}", "tf", {"tensorflow": ">=2.17"},
    {"float16": ("global_avg_pool", "im2col_backward"),
     "bfloat16": ("global_avg_pool_backward", "im2col_backward")},
    lambda dtype: {"float16": "tf.reduce_mean sums float16 in float16, and so does the gradient of "
                   "tf.image.extract_patches: a global average over (1, 1, 256) of values about 10",
                   "bfloat16": "the gradient of tf.reduce_mean rounds 1/n to bfloat16 before scaling the "
                   "cotangent (x (1, 1, 7, 7, 7), cotangent 1.25), and the gradient of "
                   "tf.image.extract_patches sums bfloat16 in bfloat16"}[dtype],
    lambda dtype: _reduction_example(dtype),
)


def _reduction_example(dtype: str) -> Case:
    if dtype == "float16":
        return Case("global_avg_pool", _typed(10 + np.sin(np.arange(256.0)).reshape(1, 1, 256), dtype),
                    layout="channels_last")
    return Case("global_avg_pool_backward", bf16(np.ones((1, 1, 7, 7, 7))),
                grad_output=bf16(np.full((1, 1, 1, 1, 1), 1.25)), layout="channels_last")


def _explicit(case: Case) -> bool:
    """Pads given as pairs (tf.nn.max_pool2d/conv2d explicit padding), not one of the named rules."""
    return case.pads not in (((0, 0),) * case.rank, case.replace(padding="same").pads)


register(
    Divergence(
        id="tf-nn-explicit-padding-nchw-rejected",
        target="tf",
        requires={"tensorflow": ">=2.17"},
        op=("max_pool", "max_pool_backward", "conv_backward"),
        applies=lambda case: case.layout == "channels_first" and case.dtype in ("float32", "bfloat16")
        and _explicit(case) and (case.op != "conv_backward" or case.wrt in ("x", "weight")),
        when="float32 or bfloat16 NCHW with explicit pads: tf.nn.max_pool2d and its gradient, and conv2d's "
        "gradients for x and the filters",
        spec="the op computes in either layout its API accepts",
        behaviour="explicit padding leaves oneDNN for TF's own kernels, which take NHWC only: 'Default "
        "MaxPoolingOp only supports NHWC on device type CPU', 'Conv2DCustomBackpropInputOp only supports "
        "NHWC'",
        predict=spec_output,
        raises=r"only supports NHWC",
        platforms=TF_ONEDNN_ON,
        example=lambda: Case("max_pool", np.ones((1, 1, 2, 2), np.float32), kernel_size=(2, 2),
                             stride=(1, 1), padding=((1, 0), (0, 0))),
        link="https://github.com/tensorflow/tensorflow/blob/v2.21.0/tensorflow/core/kernels/maxpooling_op.cc",
    )
)

register(
    Divergence(
        id="tf-nn-explicit-padding-dilated-conv-gradient-rejected",
        target="tf",
        requires={"tensorflow": ">=2.17"},
        op="conv_backward",
        applies=lambda case: case.wrt in ("x", "weight") and _explicit_dilated(case)
        and case.layout == "channels_last",
        when="the gradient for x or the filters of tf.nn.conv2d with explicit pads and a dilation > 1",
        spec="a dilated convolution has a gradient for x whatever its padding",
        behaviour="'Current CPU implementations do not yet support dilation rates larger than 1' "
        "(Conv2DBackpropInput with explicit padding); 'SAME'/'VALID' compute",
        predict=spec_output,
        raises=r"do not yet support dilation rates larger than 1",
        example=lambda: Case("conv_backward", np.ones((1, 1, 3, 3), np.float32),
                             weight=np.ones((1, 1, 1, 2), np.float32), padding=((1, 0), (0, 0)),
                             dilation=(1, 2), layout="channels_last",
                             grad_output=np.ones((1, 1, 4, 1), np.float32)),
        link="https://github.com/tensorflow/tensorflow/blob/v2.21.0/tensorflow/core/kernels/"
        "conv_grad_input_ops.cc",
    )
)


register(
    Divergence(
        id="tf-nn-explicit-padding-grouped-conv-gradient-rejected",
        target="tf",
        requires={"tensorflow": ">=2.17"},
        op="conv_backward",
        applies=lambda case: case.dtype in ("float32", "bfloat16") and case.groups > 1 and case.rank == 2
        and case.wrt in ("x", "weight") and case.layout == "channels_last" and _explicit(case)
        and not _explicit_dilated(case),
        when="the gradient for x or the filters of a grouped float32 or bfloat16 tf.nn.conv2d with explicit "
        "pads",
        spec="a grouped convolution has gradients for x, the weight and the bias",
        behaviour="explicit padding leaves oneDNN for TF's own backprop kernels: 'Gradients for grouped "
        "convolutions are not supported on CPU' ('SAME'/'VALID' compute on oneDNN)",
        predict=spec_output,
        raises=r"Gradients for grouped convolutions are not supported on CPU",
        platforms=TF_ONEDNN_ON,
        example=lambda: Case("conv_backward", np.ones((1, 2, 1, 1), np.float32),
                             weight=np.ones((2, 1, 1, 1), np.float32), padding=1, groups=2,
                             layout="channels_last", grad_output=np.ones((1, 2, 3, 3), np.float32)),
        link="https://github.com/tensorflow/tensorflow/blob/v2.21.0/tensorflow/core/kernels/"
        "conv_grad_input_ops.cc",
    )
)


def _nchw_bf16_empty_windows(case: Case) -> np.ndarray:
    x = case.x.astype(np.float64)
    numbers = np.where(np.isnan(x), -np.inf, x)
    return windows_any(case, np.ones(x.shape, bool)) & ~windows_any(case, numbers > -np.inf)


register(
    Divergence(
        id="tf-nn-max-pool-nchw-bfloat16-empty-window",
        target="tf",
        requires={"tensorflow": ">=2.17"},
        op="max_pool",
        applies=lambda case: case.dtype == "bfloat16" and case.layout == "channels_first"
        and bool(_nchw_bf16_empty_windows(case).any()),
        when="bfloat16 NCHW max pooling, a window of only NaN, -inf and padding",
        spec="a window of -inf yields -inf, a window with a NaN yields NaN",
        behaviour="oneDNN's NCHW kernels start bfloat16 windows from -inf or from the lowest finite value "
        "depending on the shape (measured: x (1, 2, 1, 2), kernel 1: -3.3895e38; x (1, 1, 1, 4), kernel "
        "(1, 2): -inf), so those windows go unchecked",
        predict=spec_output,
        unpredictable=_nchw_bf16_empty_windows,
        platforms=TF_ONEDNN_ON,
        example=lambda: Case("max_pool", bf16(np.array([[[[-np.inf, 1.0]], [[-np.inf, 2.0]]]])),
                             kernel_size=(1, 1), stride=(1, 1)),
        link="https://github.com/tensorflow/tensorflow/issues/2501",
    )
)
