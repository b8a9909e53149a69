"""Fully connected layer and elementwise activations."""

from __future__ import annotations

import numbers

import numpy as np

from ._args import accumulation_dtype, check_dtype, result_float_dtype


def dense(input, weight, bias=None):
    """y[..., o] = sum_i x[..., i] * W[o, i] + b[o]
    (torch F.linear layout: W is (out_features, in_features))."""
    op = "dense"
    x, w = np.asarray(input), np.asarray(weight)
    check_dtype(x, op)
    check_dtype(w, op)
    if w.ndim != 2:
        raise ValueError(f"{op}: weight must be 2-D (out_features, in_features); got weight shape {w.shape}")
    if x.ndim < 1 or x.shape[-1] != w.shape[1]:
        raise ValueError(f"{op}: input (..., in_features) and weight (out_features, in_features) must "
                         f"agree on in_features; got input {x.shape}, weight {w.shape}")
    acc = np.result_type(accumulation_dtype(x.dtype), accumulation_dtype(w.dtype))
    y = x.astype(acc, copy=False) @ w.astype(acc, copy=False).T
    if bias is not None:
        b = np.asarray(bias)
        check_dtype(b, op)
        if b.shape != (w.shape[0],):
            raise ValueError(f"{op}: bias must have shape (out_features,) = ({w.shape[0]},); got {b.shape}")
        y = y + b.astype(acc, copy=False)
    return y.astype(result_float_dtype(x.dtype), copy=False)


def _float_input(input, op):
    x = np.asarray(input)
    check_dtype(x, op)
    return x.astype(result_float_dtype(x.dtype), copy=False)


def relu(input):
    """y = x if x > 0 else +0.0; NaN stays NaN."""
    x = _float_input(input, "relu")
    return np.where((x > 0) | np.isnan(x), x, np.zeros((), x.dtype))


def leaky_relu(input, negative_slope):
    """y = x if x >= 0 else negative_slope * x; NaN stays NaN.

    negative_slope has no default: Keras' LeakyReLU layer uses 0.3, keras.ops and tf.nn 0.2, torch 0.01.
    """
    if not isinstance(negative_slope, numbers.Real) or isinstance(negative_slope, bool):
        raise TypeError(f"leaky_relu: negative_slope must be a real number; got {negative_slope!r}")
    x = _float_input(input, "leaky_relu")
    return np.where(x >= 0, x, x * x.dtype.type(negative_slope)).astype(x.dtype, copy=False)


def sigmoid(input):
    """y = 1 / (1 + exp(-x)), evaluated as exp(-|x|)/(1 + exp(-|x|)) for x < 0 to avoid overflow."""
    x = _float_input(input, "sigmoid")
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def tanh(input):
    """y = tanh(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x))."""
    return np.tanh(_float_input(input, "tanh"))
