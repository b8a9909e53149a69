"""torch.nn.functional: max/avg/lp/adaptive pooling and F.pad (constant)."""

from __future__ import annotations

from ..cases import Case
from . import Capabilities, Target

_HALF = ("float16", "bfloat16")
_POOL_DTYPES = ("float32", "float64", *_HALF)

OPS = {
    "max_pool": Capabilities(dtypes=_POOL_DTYPES, padding="symmetric", pad_limit=True,
                             count_include_pad=False, divisor_override=False),
    "avg_pool": Capabilities(dtypes=_POOL_DTYPES, padding="symmetric", pad_limit=True, dilation=False),
    "lp_pool": Capabilities(padding="none", dilation=False, count_include_pad=False, divisor_override=False),
    "adaptive_max_pool": Capabilities(dtypes=_POOL_DTYPES),
    "adaptive_avg_pool": Capabilities(dtypes=_POOL_DTYPES),
    "global_max_pool": Capabilities(dtypes=_POOL_DTYPES),
    "global_avg_pool": Capabilities(dtypes=_POOL_DTYPES),
    "zero_pad": Capabilities(dtypes=_POOL_DTYPES),
}


class TorchTarget(Target):
    def __init__(self):
        super().__init__(name="torch", package="torch", ops=OPS)

    def unsupported(self, case: Case) -> str | None:
        reason = super().unsupported(case)
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
        return None

    def program(self, case: Case) -> str:
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


def _conversions(dtype: str) -> tuple[str, str]:
    if dtype == "bfloat16":  # numpy has no bfloat16 of its own; go through float32, exactly
        return "torch.from_numpy(x.astype(np.float32)).to(torch.bfloat16)", ".float().numpy().astype(x.dtype)"
    return "torch.from_numpy(x)", ".numpy()"
