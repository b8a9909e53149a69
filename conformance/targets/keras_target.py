"""Keras layers (Keras 3 on any backend, or Keras 2): pooling, global pooling, ZeroPadding, Conv and
DepthwiseConv, Dense and the activation layers.

The adapter functions at the top run in the Keras worker (they import keras themselves); the rest of
the module translates a case into their parameters and needs no Keras. Keras pools take only 'valid' or
'same' and have no ceil_mode or dilation; a case is expressible when its *resolved* padding equals one of
those two resolutions, whatever form the case gave it in.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
from typing import Any

import numpy as np

from ..cases import Case
from . import Adapter, Call, Capabilities, NotExpressible, Target, backward_adapter, _distribution_version

# --- adapters: run in the worker ----------------------------------------------------------------------


def to_numpy(y):
    import keras

    return keras.ops.convert_to_numpy(y) if hasattr(keras, "ops") else np.asarray(y)  # Keras 2 has no ops


def layer(name, *args, **config):
    import keras

    return getattr(keras.layers, name)(*args, **config)


# set by `backward`: run_layer then returns a gradient (or, to map the kernel back, the weights it got)
GRADIENT: dict = {}


def run_layer(layer, x, layout, weights=None):
    """The layer on channels-first x given to it in `layout`; returns the output channels-first and what
    compute_output_shape claims (or the error it raises, as text)."""
    if GRADIENT:
        return layer_gradient(layer, x, layout, weights, **GRADIENT)
    x_in = np.moveaxis(x, 1, -1) if layout == "channels_last" else x
    if weights is not None:
        layer.build(x_in.shape)
        layer.set_weights(weights)
    y = to_numpy(layer(x_in))
    try:  # Keras' shape inference, which can disagree with its kernels on invalid input
        claimed = tuple(layer.compute_output_shape(x_in.shape))
    except Exception as err:
        claimed = f"raises {type(err).__name__}: {err}"
    return (np.moveaxis(y, -1, 1) if layout == "channels_last" else y), claimed


def layer_gradient(layer, x, layout, weights, *, grad_output, wrt, capture=False):
    """(gradient of the layer's output for the cotangent grad_output, with respect to x, its kernel or its
    bias, None), by the backend's own autodiff: tf.GradientTape, torch.autograd.grad or jax.vjp. With
    `capture`, the weights the layer would get, unchanged."""
    if capture:
        return weights, None
    import keras

    x_in = np.moveaxis(x, 1, -1) if layout == "channels_last" else x
    g_in = np.moveaxis(grad_output, 1, -1) if layout == "channels_last" else grad_output
    if weights is not None:
        layer.build(x_in.shape)
        layer.set_weights(weights)
    grad = to_numpy(_BACKEND_GRADIENT[keras.backend.backend()](layer, x_in, g_in, wrt))
    if wrt == "x" and layout == "channels_last":
        grad = np.moveaxis(grad, -1, 1)
    return grad, None


def _variable(layer, wrt):
    return getattr(layer, "kernel" if wrt == "weight" else "bias")


def tf_gradient(layer, x, g, wrt):
    import tensorflow as tf

    xt = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = layer(xt)
    source = xt if wrt == "x" else _variable(layer, wrt)
    source = getattr(source, "value", source)  # a Keras 3 variable wraps a tf.Variable
    return tape.gradient(y, source, output_gradients=tf.cast(tf.convert_to_tensor(g), y.dtype))


def torch_gradient(layer, x, g, wrt):
    import keras
    import torch

    xt = keras.ops.convert_to_tensor(x)
    xt.requires_grad_(wrt == "x")
    y = layer(xt)
    source = xt if wrt == "x" else _variable(layer, wrt).value  # a torch Parameter
    cotangent = keras.ops.cast(keras.ops.convert_to_tensor(g), y.dtype)
    return torch.autograd.grad(y, source, grad_outputs=cotangent)[0]


def jax_gradient(layer, x, g, wrt):
    import jax
    import keras

    if not layer.built:  # a layer without weights is built by its first call, which stateless_call is not
        layer.build(x.shape)
    trainable = [v.value for v in layer.trainable_variables]
    frozen = [v.value for v in layer.non_trainable_variables]
    names = [v.path for v in layer.trainable_variables]

    def forward(xv, tv):
        return layer.stateless_call(tv, frozen, xv)[0]

    y, vjp = jax.vjp(forward, keras.ops.convert_to_tensor(x), trainable)
    grad_x, grad_vars = vjp(keras.ops.cast(keras.ops.convert_to_tensor(g), y.dtype))
    if wrt == "x":
        return grad_x
    target = _variable(layer, wrt).path
    return grad_vars[names.index(target)]


_BACKEND_GRADIENT = {"tensorflow": tf_gradient, "torch": torch_gradient, "jax": jax_gradient}


def backward(x, grad_output, weight=None, bias=None, *, forward, wrt, **params):
    """The gradient of the forward adapter `forward` (a function above, by name) for grad_output, with
    respect to `wrt`, in the reference's layout: a kernel gradient is mapped back to the weight through
    the transpose the forward function applies (found by passing it the weight's flat indices)."""
    fn = globals()[forward]
    arrays = {k: v for k, v in (("weight", weight), ("bias", bias)) if v is not None}
    try:
        GRADIENT.update(grad_output=grad_output, wrt=wrt)
        grad, _ = fn(x, **arrays, **params)
        if wrt != "weight":
            return grad, None
        index = np.arange(weight.size, dtype=np.float64).reshape(weight.shape)
        GRADIENT["capture"] = True
        kernel_index = fn(x, **{**arrays, "weight": index}, **params)[0][0]
    finally:
        GRADIENT.clear()
    mapped = np.empty(weight.size, dtype=grad.dtype)
    mapped[kernel_index.astype(np.int64).ravel()] = np.asarray(grad).ravel()
    return mapped.reshape(weight.shape), None


def max_pool(x, *, rank, layout, **config):
    return run_layer(layer(f"MaxPooling{rank}D", **config), x, layout)


def avg_pool(x, *, rank, layout, **config):
    return run_layer(layer(f"AveragePooling{rank}D", **config), x, layout)


def global_max_pool(x, *, rank, layout, **config):
    return run_layer(layer(f"GlobalMaxPooling{rank}D", **config), x, layout)


def global_avg_pool(x, *, rank, layout, **config):
    return run_layer(layer(f"GlobalAveragePooling{rank}D", **config), x, layout)


def adaptive_max_pool(x, *, rank, layout, **config):
    return run_layer(layer(f"AdaptiveMaxPooling{rank}D", **config), x, layout)


def adaptive_avg_pool(x, *, rank, layout, **config):
    return run_layer(layer(f"AdaptiveAveragePooling{rank}D", **config), x, layout)


def zero_pad(x, *, rank, layout, **config):
    return run_layer(layer(f"ZeroPadding{rank}D", **config), x, layout)


def conv(x, weight, bias=None, *, name, layout, **config):
    """Conv{r}D, or DepthwiseConv{r}D with config's depth_multiplier m; weight is (C_out, C_in/groups, *k)."""
    spatial = tuple(range(2, weight.ndim))
    if "depth_multiplier" in config:  # output channel c*m + j -> depthwise kernel (*k, C_in, m)
        m = config["depth_multiplier"]
        kernel = np.transpose(weight.reshape((weight.shape[0] // m, m, *weight.shape[2:])), (*spatial, 0, 1))
    else:  # -> (*k, C_in/groups, C_out)
        kernel = np.transpose(weight, (*spatial, 1, 0))
    return run_layer(layer(name, **config), x, layout, [kernel] if bias is None else [kernel, bias])


def conv_transpose(x, weight, bias=None, *, rank, layout, **config):
    """Conv{r}DTranspose; weight is (C_in, C_out, *k), Keras' kernel (*k, C_out, C_in)."""
    kernel = np.transpose(weight, (*range(2, weight.ndim), 1, 0))
    weights = [kernel] if bias is None else [kernel, bias]
    return run_layer(layer(f"Conv{rank}DTranspose", **config), x, layout, weights)


def dense(x, weight, bias=None, **config):
    weights = [weight.T] if bias is None else [weight.T, bias]  # the kernel is (in_features, out_features)
    return run_layer(layer("Dense", weight.shape[0], **config), x, None, weights)


def relu(x, *, dtype):
    return run_layer(layer("ReLU", dtype=dtype), x, None)


def leaky_relu(x, *, negative_slope, dtype):
    try:
        leaky = layer("LeakyReLU", negative_slope=negative_slope, dtype=dtype)
    except TypeError:  # Keras 2 names the slope alpha
        leaky = layer("LeakyReLU", alpha=negative_slope, dtype=dtype)
    return run_layer(leaky, x, None)


def sigmoid(x, *, dtype):
    return run_layer(layer("Activation", "sigmoid", dtype=dtype), x, None)


def tanh(x, *, dtype):
    return run_layer(layer("Activation", "tanh", dtype=dtype), x, None)


# --- translation: case -> adapter parameters (no Keras needed) ------------------------------------------

_LAYOUTS = ("channels_last", "channels_first")
_DTYPES = ("float32", "float64", "float16", "bfloat16")
_OUTPUTS = ("actual", "claimed_shape")
LAYER = {
    "max_pool": "MaxPooling{r}D",
    "avg_pool": "AveragePooling{r}D",
    "global_max_pool": "GlobalMaxPooling{r}D",
    "global_avg_pool": "GlobalAveragePooling{r}D",
    "zero_pad": "ZeroPadding{r}D",
}
_BACKEND_PACKAGES = {"tensorflow": ("tensorflow", "tensorflow-cpu"), "torch": ("torch",), "jax": ("jax",)}


def _tuple(value: Any, rank: int) -> tuple[int, ...]:
    return (value,) * rank if isinstance(value, int) else tuple(value)


def keras_padding(case: Case) -> str | None:
    """'valid' or 'same' if the case's resolved padding is one of them, else None."""
    pads = case.pads
    if all(p == (0, 0) for p in pads):
        return "valid"
    same = case.replace(padding="same").pads
    return "same" if pads == same else None


def keras_conv_padding(case: Case) -> str | None:
    """'valid', 'same' or (1-D) 'causal' if the case's resolved conv padding is one of them, else None."""
    mode = keras_padding(case)
    if mode is None and case.rank == 1 and case.pads == case.replace(padding="causal").pads:
        mode = "causal"
    return mode


def _one(value: Any, rank: int) -> Any:
    return value[0] if rank == 1 and isinstance(value, tuple) and len(value) == 1 else value


def _flat(value: Any) -> list[Any]:
    return [u for w in value for u in _flat(w)] if isinstance(value, (tuple, list)) else [value]


# gradients were measured on this Keras line only: older ones route them through other TF calls (Keras 3.13:
# a garbage bfloat16 kernel gradient, another MaxPool3D rounding, Conv2DTranspose 'same' refused)
GRADIENT_FLOOR = (3, 15)
TRANSPOSE_FLOOR = (3, 12)
ADAPTIVE_FLOOR = (3, 13)  # AdaptiveMaxPooling/AdaptiveAveragePooling1D-3D first ship in Keras 3.13
# Keras 3 releases before this one lack what the adapter assumes (see missing_reason); Keras 2.15 is supported
KERAS3_FLOOR = (3, 5)


def keras_release(version: str) -> tuple[int, ...]:
    """(major, minor) of a Keras version string; an unparsable one counts as the newest."""
    return tuple(int(p) for p in version.split(".")[:2]) if version.replace(".", "").isdigit() else (3, 99)


def tf_nchw_unsupported(case: Case, backend: str) -> bool:
    """A channels_first case TF's CPU kernels take as NCHW in float32/bfloat16 (oneDNN) only."""
    return (
        backend == "tensorflow" and case.layout == "channels_first" and case.dtype in ("float16", "float64")
    )


def conv_layer(case: Case, release: tuple[int, ...], backend: str) -> str:
    """DepthwiseConv1D/2D where the case is depthwise (groups == C_in > 1) and it maps, else ConvND.

    DepthwiseConv has no 'causal', and TF's CPU depthwise kernel (float16/float64) rejects unequal 2-D
    strides unless Keras decomposes a strided+dilated call; grouped ConvND expresses those cases."""
    s, d = case.strides, case.dilations
    strides_ok = case.rank == 1 or len(set(s)) == 1 or (max(s) > 1 and max(d) > 1)
    if release < (3, 15) and max(s) > 1 and max(d) > 1:
        strides_ok = (
            False  # Keras < 3.15 DepthwiseConv rejects strides > 1 with dilation_rate > 1 (ValueError)
        )
    # Keras < 3.15 (and Keras 2 in 1-D) hands TF's NHWC-only CPU DepthwiseConv2dNative an NCHW input in
    # float16/float64 (UnimplementedError); grouped ConvND expresses those cases
    nchw_depthwise_fails = (
        tf_nchw_unsupported(case, backend) and release < (3, 15) and (case.rank == 1 or release[0] >= 3)
    )
    depthwise = (
        case.groups > 1
        and case.groups == case.shape[1]
        and case.rank <= 2
        and keras_conv_padding(case) != "causal"
        and strides_ok
        and not nchw_depthwise_fails
    )
    return f"{'DepthwiseConv' if depthwise else 'Conv'}{case.rank}D"


class KerasTarget(Target):
    def __init__(self) -> None:
        self.backend = os.environ.get("KERAS_BACKEND", "tensorflow")
        # oneDNN is TF's default on x86; pinning it keeps TF's NaN behaviour in max pooling predictable
        env = {
            "KERAS_BACKEND": self.backend,
            "TF_ENABLE_ONEDNN_OPTS": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "1"),
        }
        if self.backend == "jax":  # without x64, JAX silently turns every float64 array into float32
            env["JAX_ENABLE_X64"] = os.environ.get("JAX_ENABLE_X64", "1")
        super().__init__(name="keras", package="keras", adapters=self._adapters(), worker_env=env)
        # Keras 2 (TF <= 2.15's bundled keras) hands TF channels_first ops that Keras 3 transposes first
        self.keras_release = keras_release(self.version)
        self.keras_major = self.keras_release[0]

    def _adapters(self) -> dict[str, Adapter]:
        # TF has MaxPool3D/AvgPool3D CPU kernels for float32 and bfloat16 only (float16: NotFoundError)
        pool = Capabilities(
            dtypes=_DTYPES,
            dtypes_3d=("float32", "bfloat16"),
            layouts=_LAYOUTS,
            padding="keras",
            ceil_mode=False,
            dilation=False,
            count_include_pad=False,
            divisor_override_ranks=(),
        )
        plain = Capabilities(dtypes=_DTYPES)
        laid_out = Capabilities(dtypes=_DTYPES, layouts=_LAYOUTS)
        adapters = {
            "max_pool": Adapter(pool, self._pool_call, self._pool_supports, self._pool_error_call),
            "avg_pool": Adapter(pool, self._pool_call, self._pool_supports, self._pool_error_call),
            "global_max_pool": Adapter(
                laid_out, self._global_call, self._supports, lambda case, rank: self._global_call(case, rank)
            ),
            "global_avg_pool": Adapter(
                laid_out, self._global_call, self._supports, lambda case, rank: self._global_call(case, rank)
            ),
            "zero_pad": Adapter(
                laid_out, self._zero_pad_call, self._zero_pad_supports, self._zero_pad_error_call
            ),
            # Conv pads only as 'valid', 'same' or (Conv1D) 'causal'; Conv rejects strides > 1 with
            # dilation_rate > 1 (DepthwiseConv decomposes)
            "conv": Adapter(
                Capabilities(
                    dtypes=_DTYPES,
                    layouts=_LAYOUTS,
                    padding="keras",
                    ceil_mode=False,
                    dilation_with_stride=False,
                ),
                self._conv_call,
                self._conv_supports,
                self._conv_error_call,
            ),
            # 'valid'/'same' by Keras' rule, no groups, strides > 1 not with dilation_rate > 1
            "conv_transpose": Adapter(
                Capabilities(dtypes=_DTYPES, layouts=_LAYOUTS, padding="keras", ceil_mode=False, groups=False,
                             dilation_with_stride=False),
                self._transpose_call,
                self._transpose_supports,
            ),
            "dense": Adapter(plain, self._dense_call, self._supports),
            "relu": Adapter(plain, self._activation_call(relu), self._supports),
            "leaky_relu": Adapter(plain, self._activation_call(leaky_relu, "negative_slope"), self._supports),
            "sigmoid": Adapter(plain, self._activation_call(sigmoid), self._supports),
            "tanh": Adapter(plain, self._activation_call(tanh), self._supports),
        }
        if keras_release(_distribution_version("keras")) >= ADAPTIVE_FLOOR:
            # output larger than the input, and overlapping windows (L not divisible by the output) included
            adaptive = Capabilities(dtypes=_DTYPES, dtypes_3d=("float32", "bfloat16"), layouts=_LAYOUTS)
            adapters.update({op: Adapter(adaptive, self._adaptive_call, self._supports,
                                         lambda case, rank: self._adaptive_call(case, rank))
                             for op in ("adaptive_max_pool", "adaptive_avg_pool")})
        # each layer's gradients through its backend's autodiff, as the layer's own forward call builds it;
        # older Keras lines stay forward-only targets (see lacks)
        if keras_release(_distribution_version("keras")) >= GRADIENT_FLOOR:
            adapters.update({f"{op}_backward": backward_adapter(adapters[op], backward, _OUTPUTS)
                             for op in list(adapters)})
        return adapters

    def lacks(self, op: str) -> str:
        if op.startswith("adaptive") and self.keras_release < ADAPTIVE_FLOOR:
            return (f"Keras has no adaptive_*_pool layer before {'.'.join(map(str, ADAPTIVE_FLOOR))} "
                    f"(keras {self.version})")
        if op.endswith("_backward") and self.keras_release < GRADIENT_FLOOR:
            return (f"{op}: Keras gradients are checked from Keras {'.'.join(map(str, GRADIENT_FLOOR))} on "
                    f"(the line their divergences were measured on); Keras {self.version} is a forward-only "
                    "target here")
        return f"Keras has no {op} layer"

    def cap_env(self, isa: str) -> dict[str, str]:
        """`onednn-off` switches TF's oneDNN off; an ISA level caps oneDNN (TF reads ONEDNN_MAX_CPU_ISA)."""
        if isa == "onednn-off":
            return {"TF_ENABLE_ONEDNN_OPTS": "0"}
        return super().cap_env(isa)

    def missing_reason(self) -> str | None:
        reason = super().missing_reason()
        if reason is None and importlib.util.find_spec(self.backend) is None:
            reason = f"keras: its backend package {self.backend!r} (KERAS_BACKEND) is not installed"
        if reason is None and (3, 0) <= self.keras_release < KERAS3_FLOOR:
            reason = (f"keras {self.version} is below this suite's Keras 3 floor "
                      f"{'.'.join(map(str, KERAS3_FLOOR))}: ZeroPadding1D has no data_format before 3.5, and "
                      "3.3 hands TF an untransposed NCDHW Conv3D for channels_first float64")
        return reason

    @property
    def backend_version(self) -> str:
        for dist in _BACKEND_PACKAGES.get(self.backend, (self.backend,)):
            version = _distribution_version(dist)
            if version != "unknown":
                return version
        return "unknown"

    @property
    def label(self) -> str:
        return f"{self.id} {self.version} ({self.backend} {self.backend_version})"

    def versions(self) -> dict[str, str]:
        return {"keras": self.version, self.backend: self.backend_version}

    def capabilities(self, op: str) -> Capabilities | None:
        caps = super().capabilities(op)
        if caps is not None and caps.dtypes_3d is not None and self.backend != "tensorflow":
            return dataclasses.replace(caps, dtypes_3d=None)  # the 3-D dtype limit is TF's own
        return caps

    def worker_name(self, case: Case) -> str:
        # Keras 2 hands TF NCHW for 2-D and 3-D channels_first (1-D goes through NHWC), and TF <= 2.15's
        # oneDNN
        # pooling then reuses a primitive cached for NHWC input of the same sizes (divergence
        # tf-onednn-pool-cache-ignores-layout): a worker per TF data format keeps each case's answer
        # independent of the cases run before it.
        if self.keras_major < 3 and case.layout == "channels_first" and case.rank >= 2:
            return f"{self.id}-channels_first"
        return self.id

    # --- what is expressible --------------------------------------------------------------------------

    def _supports(self, case: Case) -> str | None:
        if case.dtype == "float64" and self.worker_env.get("JAX_ENABLE_X64", "1").lower() in (
            "0",
            "false",
            "no",
            "off",
        ):
            return "Keras on JAX has no float64 with JAX_ENABLE_X64 off (arrays silently become float32)"
        return None

    def _zero_pad_supports(self, case: Case) -> str | None:
        if case.rank == 1 and self.keras_major < 3 and case.layout == "channels_first":
            return "Keras 2 ZeroPadding1D has no data_format (channels_last only)"
        return self._supports(case)

    def _pool_supports(self, case: Case) -> str | None:
        reason = self._supports(case)
        if reason:
            return reason
        if case.ceil_mode:
            return "Keras pooling has no ceil_mode"
        if any(d != 1 for d in case.dilations):
            return f"Keras pooling has no dilation; got {case.dilations}"
        if case.divisor_override is not None:
            return "Keras pooling has no divisor_override"
        mode = keras_padding(case)
        if mode is None:
            return (
                f"Keras pooling pads only as 'valid' or 'same' ({case.replace(padding='same').pads}); "
                f"resolved pads are {case.pads}"
            )
        if case.op == "avg_pool" and mode == "same" and case.count_include_pad:
            return (
                "Keras AveragePooling 'same' leaves padding out of the divisor (count_include_pad=False only)"
            )
        if (
            self.backend == "torch"
            and case.op == "avg_pool"
            and case.rank == 3
            and mode == "same"
            and all(b == a for b, a in case.pads)
            and any(k > n for k, n in zip(case.kernel, case.shape[2:]))
        ):
            return (
                "Keras AveragePooling3D on torch passes symmetric 'same' padding to F.avg_pool3d, which "
                "rejects "
                f"a kernel larger than the input, padding notwithstanding (RuntimeError; kernel "
                f"{case.kernel}, "
                f"input {case.shape[2:]})"
            )
        if case.rank == 2 and self.keras_major < 3 and self._tf_nchw_unsupported(case):
            return (
                f"Keras 2 {LAYER[case.op].format(r=2)} channels_first hands TF an NCHW pool, which TF's CPU "
                f"kernel supports for float32/bfloat16 only (InvalidArgumentError for {case.dtype})"
            )
        return None

    def _tf_nchw_unsupported(self, case: Case) -> bool:
        return tf_nchw_unsupported(case, self.backend)

    def conv_layer(self, case: Case) -> str:
        return conv_layer(case, self.keras_release, self.backend)

    def _conv_supports(self, case: Case) -> str | None:
        reason = self._supports(case)
        if reason:
            return reason
        mode = keras_conv_padding(case)
        if mode is None:
            causal = f" or, in 1-D, 'causal' {case.replace(padding='causal').pads}" if case.rank == 1 else ""
            return (
                f"Keras conv pads only as 'valid' or 'same' {case.replace(padding='same').pads}{causal}; "
                f"resolved pads are {case.pads}"
            )
        layer = self.conv_layer(case)
        if layer.startswith("Conv") and max(case.strides) > 1 and max(case.dilations) > 1:
            return (
                f"Keras {layer} rejects strides > 1 together with dilation_rate > 1 (ValueError in its "
                f"constructor); got strides {case.strides}, dilation_rate {case.dilations}"
            )
        if (
            self.backend == "tensorflow"
            and layer.startswith("Conv")
            and case.groups == 1
            and (case.rank <= 2 or self.keras_major < 3)
            and case.layout == "channels_first"
            and case.dtype in ("float16", "float64")
        ):
            return (
                f"Keras {'2 ' if self.keras_major < 3 else ''}{layer} channels_first hands TF an NCHW "
                f"Conv{max(case.rank, 2)}D, which TF's CPU kernel supports for float32/bfloat16 only "
                f"({'InvalidArgumentError' if case.rank == 3 else 'UnimplementedError'} for {case.dtype})"
            )
        return None

    # --- the calls ------------------------------------------------------------------------------------

    def _pool_call(self, case: Case) -> Call:
        fn = max_pool if case.op == "max_pool" else avg_pool
        return Call(
            fn,
            {
                "rank": case.rank,
                "layout": case.layout,
                "pool_size": case.kernel,
                "strides": case.strides,
                "padding": keras_padding(case),
                "data_format": case.layout,
                "dtype": case.dtype,
            },
            outputs=_OUTPUTS,
        )

    def _global_call(self, case: Case, rank: int | None = None) -> Call:
        fn = global_max_pool if case.op == "global_max_pool" else global_avg_pool
        return Call(
            fn,
            {
                "rank": case.rank if rank is None else rank,
                "layout": case.layout,
                "keepdims": True,
                "data_format": case.layout,
                "dtype": case.dtype,
            },
            outputs=_OUTPUTS,
        )

    def _adaptive_call(self, case: Case, rank: int | None = None) -> Call:
        r = case.rank if rank is None else rank
        return Call(
            adaptive_max_pool if case.op == "adaptive_max_pool" else adaptive_avg_pool,
            {"rank": r, "layout": case.layout, "output_size": _one(case.out_size, r),
             "data_format": case.layout, "dtype": case.dtype},
            outputs=_OUTPUTS,
        )

    def _zero_pad_call(self, case: Case) -> Call:
        config: dict[str, Any] = {"padding": case.pads[0] if case.rank == 1 else case.pads}
        if not (case.rank == 1 and self.keras_major < 3):  # Keras 2 ZeroPadding1D has no data_format
            config["data_format"] = case.layout
        return Call(
            zero_pad,
            {"rank": case.rank, "layout": case.layout, **config, "dtype": case.dtype},
            outputs=_OUTPUTS,
        )

    def _conv_call(self, case: Case) -> Call:
        layer = self.conv_layer(case)
        c_in, c_out = case.shape[1], case.w.shape[0]
        config: dict[str, Any] = {
            "kernel_size": case.kernel,
            "strides": case.strides,
            "padding": keras_conv_padding(case),
        }
        if layer.startswith("Depthwise"):
            config["depth_multiplier"] = c_out // c_in
        else:
            config = {"filters": c_out, **config, "groups": case.groups}
        config.update(
            dilation_rate=case.dilations,
            use_bias=case.bias is not None,
            data_format=case.layout,
            dtype=case.dtype,
        )
        return Call(conv, {"name": layer, "layout": case.layout, **config}, case.array_names(), _OUTPUTS)

    def _transpose_supports(self, case: Case) -> str | None:
        reason = self._supports(case)
        if reason:
            return reason
        if self.keras_release < TRANSPOSE_FLOOR:
            return (f"Keras {self.version} Conv*DTranspose is not checked: before 3.12 it rejects "
                    "output_padding 0 ('must be a tuple of 1 integers', measured on 3.5 and 3.10) and takes "
                    "output_padding >= strides")
        if case.padding not in ("valid", "same"):
            return f"Keras Conv{case.rank}DTranspose pads only as 'valid' or 'same'; got {case.padding!r}"
        if case.groups != 1:
            return f"Keras Conv{case.rank}DTranspose has no groups; got groups={case.groups}"
        if max(case.strides) > 1 and max(case.dilations) > 1:
            return (f"Keras Conv{case.rank}DTranspose rejects strides > 1 with dilation_rate > 1; got "
                    f"strides {case.strides}, dilation_rate {case.dilations}")
        extra = case.output_padding
        if extra is not None and any(e >= s for e, s in zip(_tuple(extra, case.rank), case.strides)):
            return f"Keras requires output_padding < strides; got {extra} with strides {case.strides}"
        if (self.backend == "tensorflow" and case.dtype in ("float16", "float64")
                and (case.layout == "channels_first" or max(case.dilations) > 1)):
            return ("TF's CPU Conv2D/3D backprop-input kernel for float16/float64 takes channels_last only "
                    "and no dilation (InvalidArgumentError: 'only supports NHWC', 'do not yet support "
                    "dilation rates larger than 1')")
        return None

    def _transpose_call(self, case: Case) -> Call:
        extra = case.output_padding
        config: dict[str, Any] = {
            "filters": case.w.shape[1],
            "kernel_size": case.kernel,
            "strides": case.strides,
            "padding": case.padding,
            "output_padding": None if extra is None else _tuple(extra, case.rank),
            "dilation_rate": case.dilations,
            "use_bias": case.bias is not None,
            "data_format": case.layout,
            "dtype": case.dtype,
        }
        return Call(conv_transpose, {"rank": case.rank, "layout": case.layout, **config}, case.array_names(),
                    _OUTPUTS)

    def _dense_call(self, case: Case) -> Call:
        return Call(
            dense, {"use_bias": case.bias is not None, "dtype": case.dtype}, case.array_names(), _OUTPUTS
        )

    @staticmethod
    def _activation_call(fn: Any, *params: str) -> Any:
        def call(case: Case) -> Call:
            return Call(fn, {**{p: getattr(case, p) for p in params}, "dtype": case.dtype}, outputs=_OUTPUTS)

        return call

    # --- error inputs: parameters as given ------------------------------------------------------------

    def _error_padding_mode(self, case: Case) -> str:
        padding = case.padding
        if isinstance(padding, str) and padding.lower() in ("valid", "same", "causal"):
            return padding.lower()
        if all(v == 0 for v in _flat(padding)):
            return "valid"
        try:
            mode = keras_conv_padding(case) if case.op == "conv" else keras_padding(case)
        except (ValueError, TypeError):
            mode = None
        if mode is None:
            raise NotExpressible(
                f"Keras {case.op} pads only as 'valid' or 'same'; padding {padding!r} has no Keras form"
            )
        return mode

    def _pool_error_call(self, case: Case, rank: int) -> Call:
        mode = self._error_padding_mode(case)
        if any(d != 1 for d in _flat(case.dilation)):
            raise NotExpressible(f"Keras pooling has no dilation; got dilation {case.dilation!r}")
        if case.ceil_mode or case.divisor_override is not None:
            raise NotExpressible("Keras pooling has no ceil_mode or divisor_override")
        if case.op == "avg_pool" and mode == "same" and case.count_include_pad:
            raise NotExpressible(
                "Keras AveragePooling 'same' leaves padding out of the divisor (count_include_pad=False only)"
            )
        fn = max_pool if case.op == "max_pool" else avg_pool
        return Call(
            fn,
            {
                "rank": rank,
                "layout": case.layout,
                "pool_size": _one(case.kernel_size, rank),
                "strides": _one(case.stride, rank),
                "padding": mode,
                "data_format": case.layout,
                "dtype": case.dtype,
            },
            outputs=_OUTPUTS,
        )

    def _zero_pad_error_call(self, case: Case, rank: int) -> Call:
        if rank == 1 and self.keras_major < 3 and case.layout == "channels_first":
            raise NotExpressible("Keras 2 ZeroPadding1D has no data_format (channels_last only)")
        padding = case.padding
        if rank == 1 and isinstance(padding, tuple) and len(padding) == 1:
            padding = padding[0]  # ZeroPadding1D takes an int or one (before, after) pair
        return Call(
            zero_pad,
            {
                "rank": rank,
                "layout": case.layout,
                "padding": padding,
                "data_format": case.layout,
                "dtype": case.dtype,
            },
            outputs=_OUTPUTS,
        )

    def _conv_error_call(self, case: Case, rank: int) -> Call:
        mode = self._error_padding_mode(case)
        config = {
            "filters": case.w.shape[0],
            "kernel_size": _one(tuple(case.w.shape[2:]), rank),
            "strides": 1 if case.stride is None else _one(case.stride, rank),
            "padding": mode,
            "dilation_rate": _one(case.dilation, rank),
            "groups": case.groups,
            "use_bias": case.bias is not None,
            "data_format": case.layout,
            "dtype": case.dtype,
        }
        return Call(
            conv, {"name": f"Conv{rank}D", "layout": case.layout, **config}, case.array_names(), _OUTPUTS
        )
