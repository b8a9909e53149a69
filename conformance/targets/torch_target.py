"""torch.nn.functional: max/avg/lp/adaptive pooling and F.pad (constant)."""

from __future__ import annotations

from ..cases import Case
from . import Capabilities, NotExpressible, Target

_HALF = ("float16", "bfloat16")
_POOL_DTYPES = ("float32", "float64", *_HALF)

OPS = {
    # max_pool1d has no integer kernel (NotImplementedError for 'Long'); 2-D and 3-D have
    "max_pool": Capabilities(dtypes=_POOL_DTYPES, int_ranks=(2, 3), padding="symmetric", pad_limit=True,
                             count_include_pad=False, divisor_override_ranks=()),
    "avg_pool": Capabilities(dtypes=_POOL_DTYPES, dtypes_3d=("float32", "float64"), padding="symmetric", pad_limit=True, dilation=False,
                             divisor_override_ranks=(2, 3), kernel_within_input_3d=True),
    "lp_pool": Capabilities(padding="none", dilation=False, count_include_pad=False, divisor_override_ranks=(),
                            kernel_within_input_3d=True),
    "adaptive_max_pool": Capabilities(dtypes=_POOL_DTYPES),
    "adaptive_avg_pool": Capabilities(dtypes=_POOL_DTYPES),
    "global_max_pool": Capabilities(dtypes=_POOL_DTYPES),
    "global_avg_pool": Capabilities(dtypes=_POOL_DTYPES),
    "zero_pad": Capabilities(dtypes=_POOL_DTYPES),
}
# conv, F.unfold (im2col), F.linear and the activations. Explicit conv padding is symmetric; padding='same'
# (any resolution, the odd cell at the end) exists at stride 1 only; there is no 'causal'.
OPS.update({
    "conv": Capabilities(dtypes=_POOL_DTYPES, padding="symmetric", causal=False, ceil_mode=False),
    "im2col": Capabilities(dtypes=_POOL_DTYPES, ranks=(2,), padding="symmetric", causal=False, ceil_mode=False),
    "dense": Capabilities(dtypes=_POOL_DTYPES),
    "relu": Capabilities(dtypes=_POOL_DTYPES),
    "leaky_relu": Capabilities(dtypes=_POOL_DTYPES),
    "sigmoid": Capabilities(dtypes=_POOL_DTYPES),
    "tanh": Capabilities(dtypes=_POOL_DTYPES),
})
_ELEMENTWISE = {"relu": "torch.relu(t)", "sigmoid": "torch.sigmoid(t)", "tanh": "torch.tanh(t)"}


class TorchTarget(Target):
    def __init__(self):
        super().__init__(name="torch", package="torch", ops=OPS)

    def unsupported(self, case: Case) -> str | None:
        reason = super().unsupported(case)
        if not reason and case.op == "im2col" and case.rank != 2:
            return f"F.unfold takes 2-D spatial input (N, C, H, W) only; got {case.rank}-D"
        if not reason and case.op in ("conv", "im2col"):
            return self._conv_padding(case)[1]
        if reason or not case.is_windowed:
            return reason
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
        if case.op in ("avg_pool", "lp_pool") and case.rank == 3 and any(
                n < k for n, k in zip(case.shape[2:], case.kernel)):
            # ATen's pool3d_shape_check(check_input_size=True), whatever the padding; lp_pool3d calls avg_pool3d
            return f"F.{case.op}3d requires input >= kernel per dim; got input {case.shape[2:]}, kernel {case.kernel}"
        return None

    def _conv_padding(self, case: Case) -> tuple[object, str | None]:
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
            return None, (f"{fn} takes padding='same' only at stride 1 (got stride {case.strides}), and the "
                          f"resolved pads {pads} are asymmetric, so no explicit ints express them")
        return None, f"{fn} pads symmetrically; resolved pads {pads} are asymmetric"

    def _program_conv_dense_activation(self, case: Case) -> str:
        to_torch, from_torch = _conversions(case.dtype)
        lines = ["import torch", "import torch.nn.functional as F", f"t = {to_torch}"]
        for name in ("weight", "bias"):
            if getattr(case, name) is not None:
                array = f"{name}.astype(np.float32)" if case.dtype == "bfloat16" else name
                cast = ".to(torch.bfloat16)" if case.dtype == "bfloat16" else ""
                lines.append(f"{name[0]} = torch.from_numpy({array}){cast}")
        b = "b" if case.bias is not None else "None"
        if case.op == "conv":
            padding, _ = self._conv_padding(case)
            call = (f"F.conv{case.rank}d(t, w, {b}, stride={case.strides!r}, padding={padding!r}, "
                    f"dilation={case.dilations!r}, groups={case.groups!r})")
        elif case.op == "im2col":
            padding, _ = self._conv_padding(case)
            call = (f"F.unfold(t, kernel_size={case.kernel!r}, dilation={case.dilations!r}, "
                    f"padding={padding!r}, stride={case.strides!r})")
        elif case.op == "dense":
            call = f"F.linear(t, w, {b})"
        elif case.op == "leaky_relu":
            call = f"F.leaky_relu(t, negative_slope={case.negative_slope!r})"
        else:
            call = _ELEMENTWISE[case.op]
        lines.append(f"actual = {call}{from_torch}")
        return "\n".join(lines) + "\n"

    def program(self, case: Case) -> str:
        if case.op in ("conv", "im2col", "dense", "relu", "leaky_relu", "sigmoid", "tanh"):
            return self._program_conv_dense_activation(case)
        r, kw = case.rank, case.kwargs()
        if case.is_windowed:
            kw["padding"] = tuple(b for b, _ in case.pads)
            if case.op in ("avg_pool", "lp_pool"):  # no dilation argument; unsupported() kept it at 1
                kw.pop("dilation", None)
            if case.op == "lp_pool":  # no padding argument; unsupported() kept it at 0
                kw.pop("padding")
            if r == 1:  # F.lp_pool1d multiplies by kernel_size, so 1-D takes plain ints
                kw = {k: v[0] if isinstance(v, tuple) else v for k, v in kw.items()}
        if case.op in ("global_max_pool", "global_avg_pool"):
            call = f"F.adaptive_{case.op.split('_')[1]}_pool{r}d(t, 1)"
        elif case.op == "zero_pad":
            # F.pad lists (before, after) from the last dim backwards
            flat = tuple(v for pair in reversed(case.pads) for v in pair)
            call = f"F.pad(t, {flat!r}, mode='constant', value=0.0)"
        else:
            args = "".join(f", {k}={v!r}" for k, v in kw.items())
            if case.op == "lp_pool":
                args = f", {kw.pop('norm_type')!r}" + "".join(f", {k}={v!r}" for k, v in kw.items())
            call = f"F.{case.op}{r}d(t{args})"
        to_torch, from_torch = _conversions(case.dtype)
        return (
            "import torch\n"
            "import torch.nn.functional as F\n"
            f"t = {to_torch}\n"
            f"actual = {call}{from_torch}\n"
        )

    def error_program(self, case: Case, rank: int) -> str:
        """The F.* call with the case's parameters passed through unvalidated (see Target.error_program)."""
        if self.capabilities(case.op) is None:
            raise NotExpressible(f"torch has no {case.op}")
        if case.op in ("dense", "relu", "leaky_relu", "sigmoid", "tanh"):
            return self._program_conv_dense_activation(case)  # passes the arrays through as they are
        to_torch, from_torch = _conversions(case.dtype)
        lines = ["import torch", "import torch.nn.functional as F", f"t = {to_torch}"]
        if case.op == "conv":
            lines += [f"{name[0]} = torch.from_numpy({name})" for name in ("weight", "bias")
                      if getattr(case, name) is not None]
            b = "b" if case.bias is not None else "None"
            stride = 1 if case.stride is None else _raw(case.stride, rank)
            call = (f"F.conv{rank}d(t, w, {b}, stride={stride!r}, padding={_raw_padding(case, rank)!r}, "
                    f"dilation={_raw(case.dilation, rank)!r}, groups={case.groups!r})")
        elif case.op == "zero_pad":
            call = f"F.pad(t, {_raw_pad_list(case.padding, rank)!r}, mode='constant', value=0.0)"
        elif case.op in ("adaptive_max_pool", "adaptive_avg_pool"):
            call = f"F.{case.op}{rank}d(t, {_raw(case.output_size, rank)!r})"
        elif case.op in ("global_max_pool", "global_avg_pool"):
            call = f"F.adaptive_{case.op.split('_')[1]}_pool{rank}d(t, 1)"
        else:  # max_pool, avg_pool, lp_pool
            kw = {k: _raw(v, rank) for k, v in case.kwargs().items()}
            if case.op in ("avg_pool", "lp_pool") and "dilation" in kw:
                raise NotExpressible(f"F.{case.op}{rank}d has no dilation; got dilation {case.dilation!r}")
            if case.op == "avg_pool" and case.divisor_override is not None and rank == 1:
                raise NotExpressible("F.avg_pool1d has no divisor_override")
            if "padding" in kw:
                kw["padding"] = _raw_padding(case, rank)
                if case.op == "lp_pool" and kw.pop("padding") != 0:
                    raise NotExpressible(f"F.lp_pool{rank}d takes no padding; got padding {case.padding!r}")
            args = "".join(f", {k}={v!r}" for k, v in kw.items() if k != "norm_type")
            if case.op == "lp_pool":
                args = f", {case.norm_type!r}{args}"
            call = f"F.{case.op}{rank}d(t{args})"
        lines.append(f"actual = {call}{from_torch}")
        return "\n".join(lines) + "\n"


def _raw(value, rank: int):
    """A parameter as a user writes it for F.*{rank}d: a 1-tuple in 1-D becomes its int."""
    return value[0] if rank == 1 and isinstance(value, tuple) and len(value) == 1 else value


def _raw_padding(case: Case, rank: int):
    """torch's padding argument for a possibly invalid case: ints go through unchecked; pairs must be
    symmetric; 'valid' (and, for conv, 'same') go through; pooling 'same' only where it resolves symmetrically."""
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
        return _raw(tuple(b for b, _ in pads), rank)
    if isinstance(padding, (tuple, list)) and any(isinstance(p, (tuple, list)) for p in padding):
        if any(not isinstance(p, (tuple, list)) or len(p) != 2 or p[0] != p[1] for p in padding):
            raise NotExpressible(f"torch pads symmetrically; got (before, after) pairs {tuple(padding)!r}")
        return _raw(tuple(p[0] for p in padding), rank)
    return _raw(padding, rank)


def _raw_pad_list(padding, rank: int) -> tuple:
    """F.pad's flat list, last dim first, for a zero_pad padding argument taken as given."""
    if isinstance(padding, str):
        if padding.lower() == "valid":
            return (0, 0) * rank
        raise NotExpressible(f"F.pad takes numbers, not {padding!r}")
    if not isinstance(padding, (tuple, list)):
        return (padding, padding) * rank
    pairs = [tuple(p) if isinstance(p, (tuple, list)) else (p, p) for p in padding]
    return tuple(v for pair in reversed(pairs) for v in pair)


def _conversions(dtype: str) -> tuple[str, str]:
    if dtype == "bfloat16":  # numpy has no bfloat16 of its own; go through float32, exactly
        return "torch.from_numpy(x.astype(np.float32)).to(torch.bfloat16)", ".float().numpy().astype(x.dtype)"
    return "torch.from_numpy(x)", ".numpy()"
