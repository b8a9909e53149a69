"""JAX: lax.reduce_window pooling, lax.conv_general_dilated, jnp.pad, jnp.dot and jax.nn activations,
written the way JAX users write them (JAX has no pooling layer of its own), gradients by jax.vjp.

The adapter functions at the top run in the jax worker (64-bit types on, so float64 cases stay float64);
they run eagerly: `bench/jax_dispatch.py` measures eager against compiled functions cached by shape and
parameters, and whether the two ever answer differently. The rest of the module translates a case into
their parameters and needs no jax.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ..cases import Case
from . import Adapter, Call, Capabilities, Target, backward_adapter

# --- adapters: run in the worker ----------------------------------------------------------------------


def jnp_array(a):
    """a as a jax array in its own dtype (64-bit types enabled first; a tracer passes through)."""
    import jax

    jax.config.update("jax_enable_x64", True)
    return jax.numpy.asarray(a)


def result(y, x):
    """y as numpy when the call got numpy (the forward pass), as a jax value inside jax.vjp."""
    return np.asarray(y) if isinstance(x, np.ndarray) else y


def user_layout(x, layout):
    """Channels-first x in the layout the user's arrays have."""
    import jax.numpy as jnp

    return x if layout == "channels_first" else jnp.moveaxis(x, 1, -1)


def channels_first(y, layout):
    import jax.numpy as jnp

    return y if layout == "channels_first" else jnp.moveaxis(y, -1, 1)


def window_dims(spatial, layout, fill):
    """Per-dim values over (N, C, *spatial) or (N, *spatial, C): `fill` on the batch and channel dims
    ('SAME'/'VALID' padding as given)."""
    if isinstance(spatial, str):
        return spatial
    return (fill, fill, *spatial) if layout == "channels_first" else (fill, *spatial, fill)


def reduce_window(x, init, computation, *, window, strides, padding, dilation, layout):
    from jax import lax

    xs = user_layout(jnp_array(x), layout)
    y = lax.reduce_window(
        xs,
        np.array(init, dtype=xs.dtype),
        computation,
        window_dimensions=window_dims(window, layout, 1),
        window_strides=window_dims(strides, layout, 1),
        padding=window_dims(padding, layout, (0, 0)),
        window_dilation=window_dims(dilation, layout, 1),
    )
    return channels_first(y, layout)


def max_pool(x, *, window, strides, padding, dilation, layout):
    """lax.reduce_window with lax.max from the dtype's lowest value; padding: (lo, hi) per spatial dim."""
    import jax.numpy as jnp
    from jax import lax

    dtype = jnp_array(x).dtype
    lowest = -np.inf if jnp.issubdtype(dtype, jnp.floating) else jnp.iinfo(dtype).min
    y = reduce_window(x, lowest, lax.max, window=window, strides=strides, padding=padding,
                      dilation=dilation, layout=layout)
    return result(y, x)


def sum_pool(x, *, window, strides, padding, dilation, layout):
    from jax import lax

    y = reduce_window(x, 0, lax.add, window=window, strides=strides, padding=padding, dilation=dilation,
                      layout=layout)
    return result(y, x)


def avg_pool(x, *, window, strides, padding, dilation, layout, divide_by):
    """The window sum over a divisor, as JAX users write average pooling: divide_by "window" (the full
    window, padding counted), "cells" (the same reduce_window over ones: the real cells), or a number."""
    import jax.numpy as jnp
    from jax import lax

    geometry = {"window": window, "strides": strides, "padding": padding, "dilation": dilation,
                "layout": layout}
    total = reduce_window(x, 0, lax.add, **geometry)
    if divide_by == "window":
        y = total / np.prod(window)
    elif divide_by == "cells":
        y = total / reduce_window(jnp.ones_like(jnp_array(x)), 0, lax.add, **geometry)
    else:
        y = total / divide_by
    return result(y, x)


def global_max_pool(x, *, layout):
    import jax.numpy as jnp

    xs = user_layout(jnp_array(x), layout)
    axes = tuple(range(2, xs.ndim)) if layout == "channels_first" else tuple(range(1, xs.ndim - 1))
    return result(channels_first(jnp.max(xs, axis=axes, keepdims=True), layout), x)


def global_avg_pool(x, *, layout):
    import jax.numpy as jnp

    xs = user_layout(jnp_array(x), layout)
    axes = tuple(range(2, xs.ndim)) if layout == "channels_first" else tuple(range(1, xs.ndim - 1))
    return result(channels_first(jnp.mean(xs, axis=axes, keepdims=True), layout), x)


def zero_pad(x, *, padding, layout):
    """jnp.pad with (lo, hi) per spatial dim, constant zeros."""
    import jax.numpy as jnp

    xs = user_layout(jnp_array(x), layout)
    return result(channels_first(jnp.pad(xs, window_dims(padding, layout, (0, 0))), layout), x)


def conv(x, weight, bias=None, *, strides, padding, dilation, groups, layout):
    """lax.conv_general_dilated: weight (C_out, C_in/groups, *k) as OIH.. (or H..IO for channels_last),
    padding 'SAME', 'VALID' or (lo, hi) per spatial dim, rhs_dilation, feature_group_count."""
    import jax.numpy as jnp
    from jax import lax

    rank = len(strides)
    letters = "DHW"[-rank:] if rank <= 3 else None
    if layout == "channels_first":
        numbers = (f"NC{letters}", f"OI{letters}", f"NC{letters}")
        kernel = jnp_array(weight)
    else:
        numbers = (f"N{letters}C", f"{letters}IO", f"N{letters}C")
        kernel = jnp.moveaxis(jnp.moveaxis(jnp_array(weight), 0, -1), 0, -2)
    y = lax.conv_general_dilated(
        user_layout(jnp_array(x), layout),
        kernel,
        window_strides=strides,
        padding=padding,
        rhs_dilation=dilation,
        dimension_numbers=numbers,
        feature_group_count=groups,
    )
    y = channels_first(y, layout)
    if bias is not None:
        y = y + jnp_array(bias).reshape((1, -1) + (1,) * rank)
    return result(y, x)


def dense(x, weight, bias=None):
    """jnp.dot(x, weight.T) + bias, weight (out_features, in_features)."""
    import jax.numpy as jnp

    y = jnp.dot(jnp_array(x), jnp_array(weight).T)
    if bias is not None:
        y = y + jnp_array(bias)
    return result(y, x)


def relu(x):
    import jax

    return result(jax.nn.relu(jnp_array(x)), x)


def leaky_relu(x, *, negative_slope):
    import jax

    return result(jax.nn.leaky_relu(jnp_array(x), negative_slope=negative_slope), x)


def sigmoid(x):
    import jax

    return result(jax.nn.sigmoid(jnp_array(x)), x)


def tanh(x):
    import jax.numpy as jnp

    return result(jnp.tanh(jnp_array(x)), x)


def backward(x, grad_output, weight=None, bias=None, *, forward, wrt, **params):
    """The gradient of the forward function `forward` for the cotangent grad_output, with respect to `wrt`
    ("x", "weight" or "bias"), by jax.vjp."""
    import jax

    arrays = {"x": x, "weight": weight, "bias": bias}
    given = {k: jnp_array(v) for k, v in arrays.items() if v is not None}
    fn = globals()[forward]

    def of(value):
        return fn(**{**given, wrt: value}, **params)

    y, vjp = jax.vjp(of, given[wrt])
    (grad,) = vjp(jnp_array(grad_output).astype(y.dtype))
    return result(grad, x)


# --- translation: case -> adapter parameters (no jax needed) --------------------------------------------

_DTYPES = ("float32", "float64", "float16", "bfloat16")
_LAYOUTS = ("channels_first", "channels_last")


def _geometry(case: Case) -> dict[str, Any]:
    return {"window": case.kernel, "strides": case.strides, "padding": case.pads, "dilation": case.dilations,
            "layout": case.layout}


def _pool_supports(case: Case) -> str | None:
    if case.ceil_mode:
        return "lax.reduce_window has no ceil_mode (a user adds the overhang to the high pad)"
    return None


def _avg_divisor(case: Case) -> Any:
    if case.divisor_override is not None:
        return case.divisor_override
    return "window" if case.count_include_pad else "cells"


def _raw(value: Any, rank: int) -> Any:
    """A per-dim parameter as given: an int for every dim, a sequence unchanged."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * rank


def _raw_padding(padding: Any, rank: int) -> Any:
    """Padding as a JAX user passes it: 'SAME'/'VALID', else (lo, hi) pairs from an int, ints or pairs."""
    if isinstance(padding, str):
        return padding.upper()
    pairs = _raw(padding, rank)
    return tuple(tuple(p) if isinstance(p, (tuple, list)) else (p, p) for p in pairs)


def _raw_geometry(case: Case, rank: int) -> dict[str, Any]:
    """An error input's window as given (stride None: the window, as pooling defaults)."""
    window = _raw(case.kernel_size, rank)
    return {"window": window, "strides": window if case.stride is None else _raw(case.stride, rank),
            "padding": _raw_padding(case.padding, rank), "dilation": _raw(case.dilation, rank),
            "layout": case.layout}


def _pool(fn: Any, **extra: Any) -> Adapter:
    return Adapter(
        Capabilities(dtypes=_DTYPES, layouts=_LAYOUTS, ceil_mode=False, **extra),
        lambda case: Call(fn, _geometry(case)),
        _pool_supports,
        lambda case, rank: Call(fn, _raw_geometry(case, rank)),
    )


def _conv_padding(case: Case) -> Any:
    """'SAME'/'VALID' as the user writes them; every other form as the (lo, hi) pairs it resolves to."""
    return case.padding.upper() if case.padding in ("same", "valid") else case.pads


def _conv_call(case: Case) -> Call:
    return Call(conv, {"strides": case.strides, "padding": _conv_padding(case), "dilation": case.dilations,
                       "groups": case.groups, "layout": case.layout}, case.array_names())


def _conv_error_call(case: Case, rank: int) -> Call:
    return Call(conv, {"strides": _raw(1 if case.stride is None else case.stride, rank),
                       "padding": _raw_padding(case.padding, rank), "dilation": _raw(case.dilation, rank),
                       "groups": case.groups, "layout": case.layout}, case.array_names())


def _global(fn: Any) -> Adapter:
    return Adapter(Capabilities(dtypes=_DTYPES, layouts=_LAYOUTS),
                   lambda case: Call(fn, {"layout": case.layout}))


def _elementwise(fn: Any, *params: str) -> Adapter:
    return Adapter(Capabilities(dtypes=_DTYPES), lambda case: Call(fn, {p: getattr(case, p) for p in params}))


ADAPTERS = {
    "max_pool": _pool(max_pool, int_ranks=(1, 2, 3), count_include_pad=False, divisor_override_ranks=()),
    "sum_pool": _pool(sum_pool, count_include_pad=False, divisor_override_ranks=()),
    "avg_pool": Adapter(
        Capabilities(dtypes=_DTYPES, layouts=_LAYOUTS, ceil_mode=False),
        lambda case: Call(avg_pool, {**_geometry(case), "divide_by": _avg_divisor(case)}),
        _pool_supports,
        lambda case, rank: Call(avg_pool, {**_raw_geometry(case, rank), "divide_by": _avg_divisor(case)}),
    ),
    "global_max_pool": _global(global_max_pool),
    "global_avg_pool": _global(global_avg_pool),
    "zero_pad": Adapter(Capabilities(dtypes=_DTYPES, layouts=_LAYOUTS),
                        lambda case: Call(zero_pad, {"padding": case.pads, "layout": case.layout}),
                        error_call=lambda case, rank: Call(
                            zero_pad, {"padding": _raw_padding(case.padding, rank), "layout": case.layout})),
    "conv": Adapter(Capabilities(dtypes=_DTYPES, layouts=_LAYOUTS, ceil_mode=False), _conv_call,
                    error_call=_conv_error_call),
    "dense": Adapter(Capabilities(dtypes=_DTYPES), lambda case: Call(dense, {}, case.array_names())),
    "relu": _elementwise(relu),
    "leaky_relu": _elementwise(leaky_relu, "negative_slope"),
    "sigmoid": _elementwise(sigmoid),
    "tanh": _elementwise(tanh),
}
ADAPTERS.update({f"{op}_backward": backward_adapter(adapter, backward)
                 for op, adapter in list(ADAPTERS.items())})


def _max_pool_backward_supports(case: Case) -> str | None:
    if any(d != 1 for d in case.dilations):
        return (f"jax.vjp of lax.reduce_window max with window dilation {case.dilations} raises "
                "NotImplementedError (no VJP for select_and_gather with window dilation)")
    return _pool_supports(case)


ADAPTERS["max_pool_backward"] = dataclasses.replace(
    ADAPTERS["max_pool_backward"],
    capabilities=dataclasses.replace(ADAPTERS["max_pool_backward"].capabilities, dilation=False),
    supports=_max_pool_backward_supports,
)


class JaxTarget(Target):
    def __init__(self) -> None:
        super().__init__(name="jax", package="jax", adapters=ADAPTERS,
                         worker_env={"JAX_ENABLE_X64": "1", "JAX_PLATFORMS": "cpu"})
