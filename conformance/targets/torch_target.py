"""torch.nn.functional: pooling, F.pad, conv, F.unfold, F.linear and the activations.

The adapter functions at the top run in the torch worker (they import torch themselves); the rest of the
module translates a case into their parameters and needs no torch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..cases import Case
from . import Adapter, Call, Capabilities, NotExpressible, Target, backward_adapter

# --- adapters: run in the worker ----------------------------------------------------------------------


def to_torch(a):
    import torch

    if isinstance(a, torch.Tensor):  # already a tensor (a backward pass builds them with requires_grad)
        return a
    if a.dtype.name == "bfloat16":  # numpy has no bfloat16 of its own; go through float32, exactly
        return torch.from_numpy(a.astype(np.float32)).to(torch.bfloat16)
    return torch.from_numpy(a)


def to_numpy(t, like):
    if like.dtype.name == "bfloat16":
        return t.float().numpy().astype(like.dtype)
    return t.numpy()


def functional(name, x, *args, **kwargs):
    """torch.nn.functional.<name>(x, *args, **kwargs), x and the result as numpy in x's dtype (a tensor x
    gives a tensor, for the backward pass)."""
    import torch
    import torch.nn.functional as F

    if isinstance(x, torch.Tensor):
        return getattr(F, name)(x, *args, **kwargs)
    return to_numpy(getattr(F, name)(to_torch(x), *args, **kwargs), x)


def max_pool(x, *, rank, **params):
    return functional(f"max_pool{rank}d", x, **params)


def avg_pool(x, *, rank, **params):
    return functional(f"avg_pool{rank}d", x, **params)


def lp_pool(x, *, rank, norm_type, **params):
    return functional(f"lp_pool{rank}d", x, norm_type, **params)


def adaptive_max_pool(x, *, rank, output_size):
    return functional(f"adaptive_max_pool{rank}d", x, output_size)


def adaptive_avg_pool(x, *, rank, output_size):
    return functional(f"adaptive_avg_pool{rank}d", x, output_size)


def global_max_pool(x, *, rank):
    return functional(f"adaptive_max_pool{rank}d", x, 1)


def global_avg_pool(x, *, rank):
    return functional(f"adaptive_avg_pool{rank}d", x, 1)


def zero_pad(x, *, pad):
    """pad: F.pad's flat list, (before, after) from the last dim backwards."""
    return functional("pad", x, pad, mode="constant", value=0.0)


def conv(x, weight, bias=None, *, rank, stride, padding, dilation, groups):
    b = None if bias is None else to_torch(bias)
    return functional(
        f"conv{rank}d",
        x,
        to_torch(weight),
        b,
        stride=stride,
        padding=padding,
        dilation=dilation,
        groups=groups,
    )


def conv_transpose(x, weight, bias=None, *, rank, stride, padding, output_padding, dilation, groups):
    b = None if bias is None else to_torch(bias)
    return functional(
        f"conv_transpose{rank}d",
        x,
        to_torch(weight),
        b,
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        groups=groups,
        dilation=dilation,
    )


def im2col(x, *, kernel_size, dilation, padding, stride):
    return functional("unfold", x, kernel_size=kernel_size, dilation=dilation, padding=padding, stride=stride)


def dense(x, weight, bias=None):
    return functional("linear", x, to_torch(weight), None if bias is None else to_torch(bias))


def backward(x, grad_output, weight=None, bias=None, *, forward, wrt, **params):
    """The gradient of the forward adapter `forward` (a function above, by name) for the cotangent
    grad_output, with respect to `wrt` ("x", "weight" or "bias"), by torch.autograd.grad."""
    import torch

    arrays = {"x": x, "weight": weight, "bias": bias}
    tensors = {k: to_torch(v).requires_grad_() for k, v in arrays.items() if v is not None}
    extra = {k: tensors.get(k) for k in ("weight", "bias") if weight is not None}
    y = globals()[forward](tensors["x"], **extra, **params)
    (grad,) = torch.autograd.grad(y, tensors[wrt], to_torch(grad_output))
    return to_numpy(grad, arrays[wrt])


def relu(x):
    return functional("relu", x)


def leaky_relu(x, *, negative_slope):
    return functional("leaky_relu", x, negative_slope=negative_slope)


def sigmoid(x):
    return functional("sigmoid", x)


def tanh(x):
    return functional("tanh", x)


# --- translation: case -> adapter parameters (no torch needed) ------------------------------------------

_HALF = ("float16", "bfloat16")
_POOL_DTYPES = ("float32", "float64", *_HALF)


def _one(value: Any, rank: int) -> Any:
    """A parameter as a user writes it for F.*{rank}d: a 1-tuple in 1-D becomes its int."""
    return value[0] if rank == 1 and isinstance(value, tuple) and len(value) == 1 else value


def _pool_supports(case: Case) -> str | None:
    pads = case.pads
    if case.op == "lp_pool" and any(p != (0, 0) for p in pads):
        return f"F.lp_pool{case.rank}d takes no padding; resolved pads are {pads}"
    if any(b != a for b, a in pads):
        return f"torch pools pad symmetrically; resolved pads {pads} are asymmetric"
    if case.op in ("avg_pool", "lp_pool") and any(d != 1 for d in case.dilations):
        return f"F.{case.op}{case.rank}d has no dilation; got dilation {case.dilations}"
    if case.op == "avg_pool" and case.divisor_override is not None and case.rank == 1:
        return "F.avg_pool1d has no divisor_override"
    for (p, _), k in zip(pads, case.kernel):
        if p > k // 2:  # ATen's pool shape check, dilation or not
            return f"torch requires pad <= kernel // 2 = {k // 2}; got pad {p}"
    if (
        case.op in ("avg_pool", "lp_pool")
        and case.rank == 3
        and any(n < k for n, k in zip(case.shape[2:], case.kernel))
    ):
        # ATen's pool3d_shape_check(check_input_size=True), whatever the padding; lp_pool3d calls avg_pool3d
        return (
            f"F.{case.op}3d requires input >= kernel per dim; got input {case.shape[2:]}, "
            f"kernel {case.kernel}"
        )
    return None


def _pool_call(case: Case) -> Call:
    kw = case.kwargs()
    kw["padding"] = tuple(b for b, _ in case.pads)
    if case.op in ("avg_pool", "lp_pool"):  # no dilation argument; _pool_supports kept it at 1
        kw.pop("dilation", None)
    if case.op == "lp_pool":  # no padding argument; _pool_supports kept it at 0
        kw.pop("padding")
    if case.rank == 1:  # F.lp_pool1d multiplies by kernel_size, so 1-D takes plain ints
        kw = {k: _one(v, 1) for k, v in kw.items()}
    return Call(POOLS[case.op], {"rank": case.rank, **kw})


def _pool_error_call(case: Case, rank: int) -> Call:
    kw = {k: _one(v, rank) for k, v in case.kwargs().items()}
    if case.op in ("avg_pool", "lp_pool") and "dilation" in kw:
        raise NotExpressible(f"F.{case.op}{rank}d has no dilation; got dilation {case.dilation!r}")
    if case.op == "avg_pool" and case.divisor_override is not None and rank == 1:
        raise NotExpressible("F.avg_pool1d has no divisor_override")
    if "padding" in kw:
        kw["padding"] = _raw_padding(case, rank)
        if case.op == "lp_pool" and kw.pop("padding") != 0:
            raise NotExpressible(f"F.lp_pool{rank}d takes no padding; got padding {case.padding!r}")
    return Call(POOLS[case.op], {"rank": rank, **kw})


POOLS = {"max_pool": max_pool, "avg_pool": avg_pool, "lp_pool": lp_pool}


def _conv_padding(case: Case) -> tuple[object, str | None]:
    """torch's padding argument for a conv/unfold case, or (None, why it is not expressible)."""
    pads = case.pads
    fn = f"F.conv{case.rank}d" if case.op == "conv" else "F.unfold"
    unit_stride = all(s == 1 for s in case.strides)
    if case.op == "conv" and case.padding in ("valid", "same") and (case.padding == "valid" or unit_stride):
        return case.padding, None  # torch's 'same' puts the odd cell at the end, as the spec does
    if all(b == a for b, a in pads):
        return tuple(b for b, _ in pads), None
    if case.op == "conv" and unit_stride and pads == case.replace(padding="same").pads:
        return "same", None
    if case.op == "conv" and case.padding == "same":
        return None, (
            f"{fn} takes padding='same' only at stride 1 (got stride {case.strides}), and the "
            f"resolved pads {pads} are asymmetric, so no explicit ints express them"
        )
    return None, f"{fn} pads symmetrically; resolved pads {pads} are asymmetric"


def _conv_call(case: Case) -> Call:
    return Call(
        conv,
        {
            "rank": case.rank,
            "stride": case.strides,
            "padding": _conv_padding(case)[0],
            "dilation": case.dilations,
            "groups": case.groups,
        },
        case.array_names(),
    )


def _conv_error_call(case: Case, rank: int) -> Call:
    return Call(
        conv,
        {
            "rank": rank,
            "stride": 1 if case.stride is None else _one(case.stride, rank),
            "padding": _raw_padding(case, rank),
            "dilation": _one(case.dilation, rank),
            "groups": case.groups,
        },
        case.array_names(),
    )


def _transpose_supports(case: Case) -> str | None:
    """torch crops symmetrically (one padding per dim), and output_padding < max(stride, dilation)."""
    pads, extra = case.transpose_geometry
    if any(b != a for b, a in pads):
        return f"torch's conv_transpose crops symmetrically; {case.padding!r} resolves to crops {pads}"
    for e, s, d in zip(extra, case.strides, case.dilations):
        if e >= max(s, d):
            return f"torch requires output_padding < max(stride, dilation); {case.padding!r} needs {extra}"
    return None


def _transpose_call(case: Case) -> Call:
    pads, extra = case.transpose_geometry
    return Call(
        conv_transpose,
        {"rank": case.rank, "stride": _one(case.strides, case.rank),
         "padding": _one(tuple(b for b, _ in pads), case.rank),
         "output_padding": _one(extra, case.rank), "dilation": _one(case.dilations, case.rank),
         "groups": case.groups},
        case.array_names(),
    )


def _im2col_supports(case: Case) -> str | None:
    if case.rank != 2:
        return f"F.unfold takes 2-D spatial input (N, C, H, W) only; got {case.rank}-D"
    return _conv_padding(case)[1]


def _im2col_call(case: Case) -> Call:
    return Call(
        im2col,
        {
            "kernel_size": case.kernel,
            "dilation": case.dilations,
            "padding": _conv_padding(case)[0],
            "stride": case.strides,
        },
    )


def _raw_padding(case: Case, rank: int) -> Any:
    """torch's padding argument for a possibly invalid case: ints go through unchecked; pairs must be
    symmetric; 'valid' (and, for conv, 'same') go through; pooling 'same' only where it resolves
    symmetrically."""
    padding = case.padding
    if isinstance(padding, str):
        if case.op == "conv" and padding.lower() in ("valid", "same"):
            return padding.lower()
        if padding.lower() == "valid":
            return 0
        try:
            pads = case.pads
        except (ValueError, TypeError) as err:
            raise NotExpressible(f"padding {padding!r} does not resolve ({err}); torch takes ints") from None
        if any(b != a for b, a in pads):
            raise NotExpressible(f"torch pads symmetrically; {padding!r} resolves to {pads}")
        return _one(tuple(b for b, _ in pads), rank)
    if isinstance(padding, (tuple, list)) and any(isinstance(p, (tuple, list)) for p in padding):
        if any(not isinstance(p, (tuple, list)) or len(p) != 2 or p[0] != p[1] for p in padding):
            raise NotExpressible(f"torch pads symmetrically; got (before, after) pairs {tuple(padding)!r}")
        return _one(tuple(p[0] for p in padding), rank)
    return _one(padding, rank)


def _zero_pad_call(case: Case) -> Call:
    return Call(zero_pad, {"pad": tuple(v for pair in reversed(case.pads) for v in pair)})


def _zero_pad_error_call(case: Case, rank: int) -> Call:
    """F.pad's flat list, last dim first, for a zero_pad padding argument taken as given."""
    padding = case.padding
    if isinstance(padding, str):
        if padding.lower() != "valid":
            raise NotExpressible(f"F.pad takes numbers, not {padding!r}")
        flat: tuple = (0, 0) * rank
    elif not isinstance(padding, (tuple, list)):
        flat = (padding, padding) * rank
    else:
        pairs = [tuple(p) if isinstance(p, (tuple, list)) else (p, p) for p in padding]
        flat = tuple(v for pair in reversed(pairs) for v in pair)
    return Call(zero_pad, {"pad": flat})


def _adaptive_call(case: Case) -> Call:
    return Call(ADAPTIVE[case.op], {"rank": case.rank, "output_size": case.out_size})


def _adaptive_error_call(case: Case, rank: int) -> Call:
    return Call(ADAPTIVE[case.op], {"rank": rank, "output_size": _one(case.out_size, rank)})


ADAPTIVE = {"adaptive_max_pool": adaptive_max_pool, "adaptive_avg_pool": adaptive_avg_pool}


def _global(fn: Any) -> Adapter:
    return Adapter(
        Capabilities(dtypes=_POOL_DTYPES),
        lambda case: Call(fn, {"rank": case.rank}),
        error_call=lambda case, rank: Call(fn, {"rank": rank}),
    )


def _elementwise(fn: Any, *params: str) -> Adapter:
    return Adapter(
        Capabilities(dtypes=_POOL_DTYPES), lambda case: Call(fn, {p: getattr(case, p) for p in params})
    )


ADAPTERS = {
    # max_pool1d has no integer kernel (NotImplementedError for 'Long'); 2-D and 3-D have
    "max_pool": Adapter(
        Capabilities(
            dtypes=_POOL_DTYPES,
            int_ranks=(2, 3),
            padding="symmetric",
            pad_limit=True,
            count_include_pad=False,
            divisor_override_ranks=(),
        ),
        _pool_call,
        _pool_supports,
        _pool_error_call,
    ),
    "avg_pool": Adapter(
        Capabilities(
            dtypes=_POOL_DTYPES,
            dtypes_3d=("float32", "float64"),
            padding="symmetric",
            pad_limit=True,
            dilation=False,
            divisor_override_ranks=(2, 3),
            kernel_within_input_3d=True,
        ),
        _pool_call,
        _pool_supports,
        _pool_error_call,
    ),
    "lp_pool": Adapter(
        Capabilities(
            padding="none",
            dilation=False,
            count_include_pad=False,
            divisor_override_ranks=(),
            kernel_within_input_3d=True,
        ),
        _pool_call,
        _pool_supports,
        _pool_error_call,
    ),
    "adaptive_max_pool": Adapter(
        Capabilities(dtypes=_POOL_DTYPES), _adaptive_call, error_call=_adaptive_error_call
    ),
    "adaptive_avg_pool": Adapter(
        Capabilities(dtypes=_POOL_DTYPES), _adaptive_call, error_call=_adaptive_error_call
    ),
    "global_max_pool": _global(global_max_pool),
    "global_avg_pool": _global(global_avg_pool),
    "zero_pad": Adapter(Capabilities(dtypes=_POOL_DTYPES), _zero_pad_call, error_call=_zero_pad_error_call),
    # explicit conv padding is symmetric; padding='same' (any resolution, the odd cell at the end) exists at
    # stride 1 only; there is no 'causal'
    "conv": Adapter(
        Capabilities(
            dtypes=_POOL_DTYPES, padding="symmetric", causal=False, ceil_mode=False, same_odd_total=True
        ),
        _conv_call,
        lambda case: _conv_padding(case)[1],
        _conv_error_call,
    ),
    # padding: torch's symmetric crop; 'valid'/'same' go in as the crop and output_padding Keras' rule gives
    "conv_transpose": Adapter(Capabilities(dtypes=_POOL_DTYPES, same_odd_total=False), _transpose_call,
                              _transpose_supports),
    "im2col": Adapter(
        Capabilities(dtypes=_POOL_DTYPES, ranks=(2,), padding="symmetric", causal=False, ceil_mode=False),
        _im2col_call,
        _im2col_supports,
    ),
    "dense": Adapter(Capabilities(dtypes=_POOL_DTYPES), lambda case: Call(dense, {}, case.array_names())),
    "relu": _elementwise(relu),
    "leaky_relu": _elementwise(leaky_relu, "negative_slope"),
    "sigmoid": _elementwise(sigmoid),
    "tanh": _elementwise(tanh),
}
# every forward op's gradient through autograd
ADAPTERS.update({f"{op}_backward": backward_adapter(adapter, backward)
                 for op, adapter in list(ADAPTERS.items())})


def padding_window_landings(case: Case) -> tuple[np.ndarray, np.ndarray]:
    """Where torch's CPU max pooling sends the gradient of a window that reads no input cell.

    Its kernel (aten/src/ATen/native/cpu/MaxPoolKernel.cpp) starts a window's arg-max at the first tap at
    or after 0 in each dim (`while (ih0 < 0) ih0 += dilation`), row-major in the plane, and never updates
    it when no tap lands inside; the backward adds the window's gradient there, plane offset included,
    so it can land on another row's or plane's cell, or past the tensor. Returns the output-shaped mask
    of such windows and the flat index into x each one lands on."""
    assert case.grad_output is not None
    spatial, out = case.shape[2:], case.grad_output.shape[2:]
    rank = len(spatial)
    empty = np.zeros(out, dtype=bool)
    landing = np.zeros(out, dtype=np.int64)
    for dim, (n, k, s, d, (pb, _), o) in enumerate(
        zip(spatial, case.kernel, case.strides, case.dilations, case.pads, out)
    ):
        start = np.arange(o) * s - pb
        first = np.where(start < 0, start + d * (-(start // d)), start)  # the first tap >= 0
        last = start + (k - 1) * d
        none_inside = (first > last) | (first >= n)
        shape = [1] * rank
        shape[dim] = o
        empty = empty | none_inside.reshape(shape)
        landing = landing + first.reshape(shape) * int(np.prod(spatial[dim + 1:]))
    planes = np.arange(case.shape[0] * case.shape[1]).reshape(case.shape[:2] + (1,) * rank)
    flat = planes * int(np.prod(spatial)) + landing
    return np.broadcast_to(empty, flat.shape), flat


class TorchTarget(Target):
    def __init__(self) -> None:
        super().__init__(name="torch", package="torch", adapters=ADAPTERS)

    def cap_env(self, isa: str) -> dict[str, str]:
        """oneDNN's cap, and ATen's own vectorised kernels capped to match (ATEN_CPU_CAPABILITY)."""
        env = super().cap_env(isa)
        env["ATEN_CPU_CAPABILITY"] = (
            "avx512"
            if isa.upper().startswith("AVX512")
            else ("avx2" if isa.upper().startswith("AVX2") else "default")
        )
        return env
