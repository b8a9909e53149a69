"""TensorFlow's own ops, as the seed posts and many users call them next to (or instead of) Keras layers:
tf.nn.max_pool1d/2d/3d and avg_pool1d/2d/3d (tf.nn.pool for a dilated window), tf.nn.convolution
(tf.nn.conv2d for explicit 2-D pads), tf.pad, tf.matmul, tf.nn activations, tf.reduce_max/mean for global
pooling and tf.image.extract_patches for 2-D im2col, in both data formats; gradients by tf.GradientTape.

A Keras layer and the tf.nn op for the same call do not always reach the same kernel or cast the same way,
so this target has verdicts of its own. The adapter functions at the top run in the tf worker; the rest
translates a case into their parameters and needs no TensorFlow.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ..cases import Case
from . import Adapter, Call, Capabilities, NotExpressible, Target, _distribution_version, backward_adapter

# --- adapters: run in the worker ----------------------------------------------------------------------


def tensor(a):
    """a as a tf tensor in its own dtype (a tensor or variable passes through)."""
    import tensorflow as tf

    return a if isinstance(a, (tf.Tensor, tf.Variable)) else tf.constant(a)


def result(y, x):
    """y as numpy when the call got numpy (the forward pass), as a tensor inside a GradientTape."""
    return y.numpy() if isinstance(x, np.ndarray) else y


def data_format(rank, layout):
    return ("N" + "DHW"[-rank:] + "C") if layout == "channels_last" else ("NC" + "DHW"[-rank:])


def user_layout(x, layout):
    """Channels-first x in the layout the user's tensors have."""
    import tensorflow as tf

    x = tensor(x)
    if layout == "channels_first":
        return x
    return tf.transpose(x, [0, *range(2, len(x.shape)), 1])


def channels_first(y, layout):
    import tensorflow as tf

    if layout == "channels_first":
        return y
    return tf.transpose(y, [0, len(y.shape) - 1, *range(1, len(y.shape) - 1)])


def explicit_padding(pads, layout):
    """tf's explicit padding list over every axis of the layout: [[0, 0], [lo, hi] per spatial dim, ...]."""
    spatial = [list(p) for p in pads]
    return [[0, 0], *spatial, [0, 0]] if layout == "channels_last" else [[0, 0], [0, 0], *spatial]


def max_pool(x, *, window, strides, padding, dilation, layout):
    """tf.nn.max_pool1d/2d/3d with 'SAME', 'VALID' or (max_pool2d) explicit pads; tf.nn.pool with
    dilations for a dilated window."""
    import tensorflow as tf

    rank, xs = len(window), user_layout(x, layout)
    if isinstance(padding, list):
        padding = explicit_padding(padding, layout)
    if any(d != 1 for d in dilation):
        y = tf.nn.pool(xs, window, "MAX", strides=strides, padding=padding, dilations=dilation,
                       data_format=data_format(rank, layout))
    else:
        pool = {1: tf.nn.max_pool1d, 2: tf.nn.max_pool2d, 3: tf.nn.max_pool3d}[rank]
        y = pool(xs, window, strides, padding, data_format=data_format(rank, layout))
    return result(channels_first(y, layout), x)


def avg_pool(x, *, window, strides, padding, dilation, layout):
    """tf.nn.avg_pool1d/2d/3d ('SAME' divides by the cells inside the input); tf.nn.pool with dilations
    for a dilated window."""
    import tensorflow as tf

    rank, xs = len(window), user_layout(x, layout)
    if any(d != 1 for d in dilation):
        y = tf.nn.pool(xs, window, "AVG", strides=strides, padding=padding, dilations=dilation,
                       data_format=data_format(rank, layout))
    else:
        pool = {1: tf.nn.avg_pool1d, 2: tf.nn.avg_pool2d, 3: tf.nn.avg_pool3d}[rank]
        y = pool(xs, window, strides, padding, data_format=data_format(rank, layout))
    return result(channels_first(y, layout), x)


def global_max_pool(x, *, layout):
    import tensorflow as tf

    xs = user_layout(x, layout)
    axes = list(range(2, len(xs.shape))) if layout == "channels_first" else list(range(1, len(xs.shape) - 1))
    return result(channels_first(tf.reduce_max(xs, axis=axes, keepdims=True), layout), x)


def global_avg_pool(x, *, layout):
    import tensorflow as tf

    xs = user_layout(x, layout)
    axes = list(range(2, len(xs.shape))) if layout == "channels_first" else list(range(1, len(xs.shape) - 1))
    return result(channels_first(tf.reduce_mean(xs, axis=axes, keepdims=True), layout), x)


def zero_pad(x, *, padding, layout):
    """tf.pad with (lo, hi) per spatial dim, constant zeros."""
    import tensorflow as tf

    padded = tf.pad(user_layout(x, layout), explicit_padding(padding, layout))
    return result(channels_first(padded, layout), x)


def conv(x, weight, bias=None, *, strides, padding, dilation, layout):
    """tf.nn.convolution (tf.nn.conv2d for explicit 2-D pads) with filters (*k, C_in/groups, C_out) from
    the weight (C_out, C_in/groups, *k): grouped when C_in/groups differs from C_in; a bias added after."""
    import tensorflow as tf

    rank, xs = len(strides), user_layout(x, layout)
    filters = tf.transpose(tensor(weight), [*range(2, rank + 2), 1, 0])
    if isinstance(padding, list):
        y = tf.nn.conv2d(xs, filters, strides, explicit_padding(padding, layout),
                         data_format=data_format(rank, layout), dilations=dilation)
    else:
        y = tf.nn.convolution(xs, filters, strides, padding, data_format=data_format(rank, layout),
                              dilations=dilation)
    y = channels_first(y, layout)
    if bias is not None:
        y = y + tf.reshape(tensor(bias), [1, -1] + [1] * rank)
    return result(y, x)


def dense(x, weight, bias=None):
    """tf.matmul(x, weight, transpose_b=True) + bias, weight (out_features, in_features)."""
    import tensorflow as tf

    y = tf.matmul(tensor(x), tensor(weight), transpose_b=True)
    if bias is not None:
        y = y + tensor(bias)
    return result(y, x)


def im2col(x, *, kernel, strides, padding, dilation):
    """tf.image.extract_patches on NHWC x ('SAME' or 'VALID'), patches (kh, kw, C) regrouped as the spec's
    (C, kh, kw) rows of columns."""
    import tensorflow as tf

    xs = user_layout(x, "channels_last")
    n, c = xs.shape[0], xs.shape[-1]
    y = tf.image.extract_patches(xs, [1, *kernel, 1], [1, *strides, 1], [1, *dilation, 1], padding)
    oh, ow = y.shape[1], y.shape[2]
    y = tf.reshape(y, [n, oh * ow, kernel[0], kernel[1], c])
    y = tf.reshape(tf.transpose(y, [0, 4, 2, 3, 1]), [n, c * kernel[0] * kernel[1], oh * ow])
    return result(y, x)


def relu(x):
    import tensorflow as tf

    return result(tf.nn.relu(tensor(x)), x)


def leaky_relu(x, *, negative_slope):
    import tensorflow as tf

    return result(tf.nn.leaky_relu(tensor(x), alpha=negative_slope), x)


def sigmoid(x):
    import tensorflow as tf

    return result(tf.math.sigmoid(tensor(x)), x)


def tanh(x):
    import tensorflow as tf

    return result(tf.math.tanh(tensor(x)), x)


def backward(x, grad_output, weight=None, bias=None, *, forward, wrt, **params):
    """The gradient of the forward function `forward` for the cotangent grad_output, with respect to `wrt`
    ("x", "weight" or "bias"), by tf.GradientTape."""
    import tensorflow as tf

    arrays = {k: tf.constant(v) for k, v in {"x": x, "weight": weight, "bias": bias}.items() if v is not None}
    watched = tf.Variable(arrays[wrt])
    with tf.GradientTape() as tape:
        y = globals()[forward](**{**arrays, wrt: watched}, **params)
    grad = tape.gradient(y, watched, output_gradients=tf.constant(grad_output, dtype=y.dtype))
    return (tf.zeros_like(watched) if grad is None else tf.convert_to_tensor(grad)).numpy()


# --- translation: case -> adapter parameters (no TensorFlow needed) -------------------------------------

_DTYPES = ("float32", "float64", "float16", "bfloat16")
_LAYOUTS = ("channels_last", "channels_first")


def _named_padding(case: Case) -> str | None:
    """'SAME' or 'VALID' if the case's resolved padding is one of TF's two rules, else None."""
    pads = case.pads
    if all(p == (0, 0) for p in pads):
        return "VALID"
    return "SAME" if pads == case.replace(padding="same").pads else None


def _window(case: Case) -> dict[str, Any]:
    return {"window": case.kernel, "strides": case.strides, "dilation": case.dilations, "layout": case.layout}


def _max_pool_padding(case: Case) -> Any:
    named = _named_padding(case)
    if named is not None:
        return named
    if case.rank != 2 or any(d != 1 for d in case.dilations):
        raise NotExpressible("tf.nn.max_pool takes explicit pads in 2-D only (max_pool2d); here "
                             f"{case.rank}-D{' with dilation' if case.rank == 2 else ''}: pads {case.pads}")
    return [list(p) for p in case.pads]


def _pool_supports(case: Case) -> str | None:
    if case.ceil_mode:
        return "tf.nn pooling has no ceil_mode"
    if any(d != 1 for d in case.dilations) and any(s != 1 for s in case.strides):
        return "tf.nn.pool takes dilations only with strides 1"
    if any(d != 1 for d in case.dilations) and _named_padding(case) != "VALID":
        return "tf.nn.pool takes dilations only with 'VALID' ('SAME' is not implemented for dilation > 1)"
    if case.op == "avg_pool":
        if case.divisor_override is not None:
            return "tf.nn.avg_pool has no divisor_override"
        named = _named_padding(case)
        if named is None:
            return f"tf.nn.avg_pool takes 'SAME' or 'VALID' only; pads {case.pads} are neither"
        if named == "SAME" and case.count_include_pad and any(b or a for b, a in case.pads):
            return "tf.nn.avg_pool 'SAME' divides by the cells inside the input (count_include_pad=False)"
    elif case.op == "max_pool":
        try:
            _max_pool_padding(case)
        except NotExpressible as err:
            return str(err)
    return None


def _conv_padding(case: Case) -> Any:
    named = _named_padding(case)
    if named is not None:
        return named
    if case.rank != 2:
        raise NotExpressible(f"tf.nn.convolution takes explicit pads in 2-D only (conv2d); pads {case.pads}")
    return [list(p) for p in case.pads]


def _conv_supports(case: Case) -> str | None:
    if max(case.strides) > 1 and max(case.dilations) > 1:
        return "tf.nn.convolution takes strides > 1 or dilations > 1, not both"
    try:
        _conv_padding(case)
    except NotExpressible as err:
        return str(err)
    return None


def _im2col_supports(case: Case) -> str | None:
    if case.rank != 2:
        return "tf.image.extract_patches is 2-D only"
    if case.layout != "channels_last":
        return "tf.image.extract_patches takes NHWC only"
    if _named_padding(case) is None:
        return f"tf.image.extract_patches takes 'SAME' or 'VALID' only; pads {case.pads} are neither"
    return None


def _global(fn: Any) -> Adapter:
    return Adapter(Capabilities(dtypes=_DTYPES, layouts=_LAYOUTS),
                   lambda case: Call(fn, {"layout": case.layout}))


def _elementwise(fn: Any, *params: str) -> Adapter:
    return Adapter(Capabilities(dtypes=_DTYPES), lambda case: Call(fn, {p: getattr(case, p) for p in params}))


_POOL_CAPS = Capabilities(dtypes=_DTYPES, dtypes_3d=("float32", "bfloat16"), layouts=_LAYOUTS,
                          ceil_mode=False, divisor_override_ranks=(), dilation_with_stride=False,
                          dilation_with_padding=False)
ADAPTERS: dict[str, Adapter] = {
    "max_pool": Adapter(
        dataclasses.replace(_POOL_CAPS, count_include_pad=False),
        lambda case: Call(max_pool, {**_window(case), "padding": _max_pool_padding(case)}),
        _pool_supports,
    ),
    "avg_pool": Adapter(
        # 'SAME' divides by the cells inside the input; 'VALID' has no padding to count
        dataclasses.replace(_POOL_CAPS, padding="keras", count_include_pad=False),
        lambda case: Call(avg_pool, {**_window(case), "padding": _named_padding(case)}),
        _pool_supports,
    ),
    "global_max_pool": _global(global_max_pool),
    "global_avg_pool": _global(global_avg_pool),
    "zero_pad": Adapter(Capabilities(dtypes=_DTYPES, layouts=_LAYOUTS),
                        lambda case: Call(zero_pad, {"padding": case.pads, "layout": case.layout})),
    "conv": Adapter(
        Capabilities(dtypes=_DTYPES, layouts=_LAYOUTS, ceil_mode=False, dilation_with_stride=False),
        lambda case: Call(conv, {"strides": case.strides, "padding": _conv_padding(case),
                                 "dilation": case.dilations, "layout": case.layout}, case.array_names()),
        _conv_supports,
    ),
    "im2col": Adapter(
        Capabilities(ranks=(2,), dtypes=_DTYPES, layouts=("channels_last",), padding="keras"),
        lambda case: Call(im2col, {"kernel": case.kernel, "strides": case.strides,
                                   "padding": _named_padding(case), "dilation": case.dilations}),
        _im2col_supports,
    ),
    "dense": Adapter(Capabilities(dtypes=_DTYPES), lambda case: Call(dense, {}, case.array_names())),
    "relu": _elementwise(relu),
    "leaky_relu": _elementwise(leaky_relu, "negative_slope"),
    "sigmoid": _elementwise(sigmoid),
    "tanh": _elementwise(tanh),
}
ADAPTERS.update({f"{op}_backward": backward_adapter(adapter, backward)
                 for op, adapter in list(ADAPTERS.items())})

_LACKS = {
    "sum_pool": "tf.nn has no sum pooling (tf.nn.pool takes MAX or AVG)",
    "lp_pool": "tf.nn has no Lp pooling",
    "adaptive_max_pool": "tf.nn has no adaptive pooling",
    "adaptive_avg_pool": "tf.nn has no adaptive pooling",
    "conv_transpose": "not adapted here: tf.nn.conv_transpose needs the output shape the spec computes",
}


def _error_call(adapter: Adapter) -> Any:
    def call(case: Case, rank: int) -> Call:
        try:
            reason = adapter.supports(case)
            if reason:
                raise NotExpressible(reason)
            return adapter.call(case)
        except (ValueError, TypeError) as err:  # a window or padding that does not resolve
            raise NotExpressible(f"tf.nn takes 'SAME', 'VALID' or resolved pads: {err}") from None

    return call


ADAPTERS = {op: dataclasses.replace(adapter, error_call=_error_call(adapter))
            for op, adapter in ADAPTERS.items()}


MEASURED_FROM = (2, 17)


def _release(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("+")[0].split(".")[:2] if part.isdigit())


class TfTarget(Target):
    def __init__(self) -> None:
        super().__init__(name="tf", package="tensorflow", adapters=ADAPTERS)

    @property
    def version(self) -> str:
        for dist in ("tensorflow", "tensorflow-cpu"):
            version = _distribution_version(dist)
            if version != "unknown":
                return version
        return "unknown"

    def missing_reason(self) -> str | None:
        reason = super().missing_reason()
        if reason is None and self.version != "unknown" and _release(self.version) < MEASURED_FROM:
            floor = ".".join(map(str, MEASURED_FROM))
            reason = (f"tf: TensorFlow {self.version} is below the line this target's divergences are "
                      f"measured on ({floor}); the Keras target covers older lines")
        return reason

    def lacks(self, op: str) -> str:
        return _LACKS.get(op.removesuffix("_backward"), f"tf has no {op}")

    def unsupported(self, case: Case) -> str | None:
        if self.capabilities(case.op) is None:
            return self.lacks(case.op)
        return super().unsupported(case)

    def cap_env(self, isa: str) -> dict[str, str]:
        """`onednn-off` switches TF's oneDNN off; an ISA level caps oneDNN (TF reads ONEDNN_MAX_CPU_ISA)."""
        if isa == "onednn-off":
            return {"TF_ENABLE_ONEDNN_OPTS": "0"}
        return super().cap_env(isa)
