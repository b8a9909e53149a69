"""The error contract: invalid inputs, what the spec says about them, and what every target does instead.

`error_inputs_<op>()` (PyTorch OpInfo naming) yields `ErrorInput`s: fixed, deterministic cases the spec
rejects, each with the rule it breaks. The reference must raise ValueError/TypeError with a message that
states the rule and the numbers (`says`). A few inputs are valid for the spec but beyond a target's own
limit (torch's pad <= kernel // 2, 'same' only at stride 1; Keras Conv's strides with dilation): those are
marked `target_limit`, and the reference must compute them.

For each target the observed behaviour (raises which exception with which message, returns an empty or a
non-empty array, crashes its process, hangs, or cannot express the case) is recorded as data in
`conformance/known/errors_known.py`, with version ranges like the divergences. An invalid input a target
silently accepts (`returns_result`, `returns_empty`) or that kills it (`crashes`) is a recorded divergence
of the error contract. `conformance/test_error_contract.py` checks every record on every run; the matrix
`docs/errors.md` is rendered from the records (`render_errors`), with no framework needed.

Every call runs in the target's worker process (`Target.run_error`), so a SIGFPE is an observation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from .cases import Case, reference_output
from .divergences import versions_satisfy
from .executor import Outcome

KINDS = ("raises", "returns_empty", "returns_result", "conforms", "crashes", "hangs", "not_expressible")


@dataclass(frozen=True, eq=False)
class ErrorInput:
    id: str  # "<op>/<what>", stable: the registry refers to it
    case: Case
    rule: str  # the rule the case breaks, in words (for a target_limit input: the limit it exceeds)
    rank: int  # spatial rank of the API called (F.max_pool{rank}d, MaxPooling{rank}D)
    says: tuple = ()  # what the reference's message must contain: word regexes and the offending numbers
    target_limit: bool = False  # valid for the spec, beyond some target's own limit

    @property
    def op(self) -> str:
        return self.case.op

    def describe(self) -> str:
        """The call, ONNX-style: input shape and dtype, weight/bias shapes, attributes."""
        return self.case.describe().replace(" [channels_first]", "").replace(", )", ")")

    def __repr__(self) -> str:
        return f"<error input {self.id}>"


def says(*parts) -> str:
    """A regex matching a message that contains every part, in any order (case-insensitive).

    A str part is a regex fragment; an int or float part must occur as a whole number, not inside a
    longer one (so `0` does not match `10`)."""
    lookaheads = []
    for part in parts:
        if isinstance(part, str):
            lookaheads.append(f"(?=.*(?:{part}))")
        else:
            lookaheads.append(rf"(?=.*(?<![\d.]){re.escape(str(part))}(?!\.?\d))")
    return "(?is)" + "".join(lookaheads)


def _x(*shape: int, dtype: str = "float32") -> np.ndarray:
    """1, 2, 3, ... in `shape`: distinct values, so a returned array shows which cells it read."""
    return (np.arange(int(np.prod(shape))) + 1).astype(dtype).reshape(shape)


def _w(*shape: int) -> np.ndarray:
    return np.ones(shape, dtype=np.float32)


OUTPUT = "output size|output"
RULES = {
    "output": "output size >= 1 (the window fits the input)",
    "padded": "output size >= 1 (the window fits the padded input)",
    "stride": "stride > 0",
    "kernel": "kernel_size > 0",
    "dilation": "dilation > 0",
    "padding": "padding >= 0",
    "rank": "input is (N, C, *spatial) with as many spatial dims as the parameters",
    "groups": "channels divisible by groups",
    "weight": "weight matches the input channels",
    "bias": "bias is (C_out,)",
    "divisor": "divisor_override > 0",
    "adaptive": "adaptive output size > 0",
    "empty": "every spatial dim has >= 1 cell",
    "norm": "norm_type p > 0",
    "integer": "an integer max window covers an input cell (no -inf for ints)",
    "padding_int": "padding is ints",
    "pad_limit": "torch: pad <= kernel // 2 (the spec has no such limit)",
    "same_strided": "torch: padding='same' only at stride 1 (the spec has no such limit)",
    "stride_dilation": "Keras Conv: not strides > 1 with dilation_rate > 1 (the spec has no such limit)",
    "kernel_3d": "torch avg_pool3d: kernel <= input per dim, whatever the padding (the spec has no such limit)",
}


def _in(id: str, case: Case, rule: str, rank: int, *says_parts, target_limit: bool = False) -> ErrorInput:
    return ErrorInput(id=f"{case.op}/{id}", case=case, rule=RULES[rule], rank=rank, says=says_parts,
                      target_limit=target_limit)


def _pool_common(op: str) -> Iterator[ErrorInput]:
    """Inputs max_pool and avg_pool share (1-D unless noted; x = 1, 2, 3, ... float32):

    - output-zero:          X (1, 1, 1), kernel_shape [2], strides [1] -> out = floor((1 - 2)/1) + 1 = 0
    - output-negative:      X (1, 1, 3), kernel_shape [5], strides [1] -> out = floor((3 - 5)/1) + 1 = -1
    - output-zero-strided:  X (1, 1, 2), kernel_shape [3], strides [2] -> out = floor((2 - 3)/2) + 1 = 0
    - stride-zero:          X (1, 1, 4), kernel_shape [2], strides [0]
    - kernel-zero:          X (1, 1, 4), kernel_shape [0], strides default (= kernel)
    - padding-negative:     X (1, 1, 4), kernel_shape [2], strides [1], pads [-1, -1]
    - pad-beyond-half-kernel (target limit): X (1, 1, 4), kernel_shape [3], strides [1], pads [2, 2]
      -> out = floor((4 + 4 - 3)/1) + 1 = 6, valid for the spec; torch requires pad <= 3 // 2 = 1
    - unbatched-input:      X (1, 4) (no batch dim), the 1-D pool, kernel_shape [2]
    """
    P = op
    yield _in("output-zero", Case(P, _x(1, 1, 1), kernel_size=(2,), stride=(1,)), "output", 1, OUTPUT, 0, 2)
    yield _in("output-negative", Case(P, _x(1, 1, 3), kernel_size=(5,), stride=(1,)), "output", 1, OUTPUT, -1,
              5, 3)
    yield _in("output-zero-strided", Case(P, _x(1, 1, 2), kernel_size=(3,), stride=(2,)), "output", 1, OUTPUT,
              0, 3, 2)
    yield _in("stride-zero", Case(P, _x(1, 1, 4), kernel_size=(2,), stride=(0,)), "stride", 1, "stride", 0)
    yield _in("kernel-zero", Case(P, _x(1, 1, 4), kernel_size=(0,)), "kernel", 1, "kernel", 0)
    yield _in("padding-negative", Case(P, _x(1, 1, 4), kernel_size=(2,), stride=(1,), padding=-1), "padding",
              1, "pad", -1)
    yield _in("pad-beyond-half-kernel", Case(P, _x(1, 1, 4), kernel_size=(3,), stride=(1,), padding=2),
              "pad_limit", 1, target_limit=True)
    yield _in("unbatched-input", Case(P, _x(1, 4), kernel_size=(2,)), "rank", 1, "ndim", 2)


def error_inputs_max_pool() -> Iterator[ErrorInput]:
    """max_pool: the shared pool inputs, plus (x = 1, 2, 3, ... float32 unless noted):

    - output-zero-2d-height: X (1, 1, 1, 3), kernel_shape [2, 2], strides [1, 1] -> out (0, 2)
    - output-zero-2d-width:  X (1, 1, 3, 1), kernel_shape [2, 2], strides [1, 1] -> out (2, 0)
    - kernel-exceeds-padded-input: X (1, 1, 2), kernel_shape [7], pads [1, 1] -> out = floor((2 + 2 - 7)/1) + 1 = -2
    - stride-negative:   X (1, 1, 4), kernel_shape [2], strides [-1]
    - kernel-negative:   X (1, 1, 4), kernel_shape [-2], strides [1]
    - dilation-zero:     X (1, 1, 4), kernel_shape [2], strides [1], dilations [0]
    - dilation-negative: X (1, 1, 4), kernel_shape [2], strides [1], dilations [-1]
    - kernel-rank-mismatch: X (1, 1, 4), the 1-D pool, kernel_shape [2, 2]
    - input-rank-6:      X (1, 1, 2, 2, 2, 2) (four spatial dims), the 3-D pool, kernel_shape [2, 2, 2]
    - int-window-of-padding-only: X (1, 1, 1, 1) int32, kernel_shape [2, 2], strides [1, 1], pads 1 per
      side, dilations [2, 2]: the one window reads only padding (extent 3 over [pad, x, pad] per dim, taps
      0 and 2); an integer has no -inf to return
    """
    yield from _pool_common("max_pool")
    P = "max_pool"
    yield _in("output-zero-2d-height", Case(P, _x(1, 1, 1, 3), kernel_size=(2, 2), stride=(1, 1)), "output", 2,
              OUTPUT, 0)
    yield _in("output-zero-2d-width", Case(P, _x(1, 1, 3, 1), kernel_size=(2, 2), stride=(1, 1)), "output", 2,
              OUTPUT, 0)
    yield _in("kernel-exceeds-padded-input", Case(P, _x(1, 1, 2), kernel_size=(7,), stride=(1,), padding=1),
              "padded", 1, OUTPUT, -2, 7)
    yield _in("stride-negative", Case(P, _x(1, 1, 4), kernel_size=(2,), stride=(-1,)), "stride", 1, "stride",
              -1)
    yield _in("kernel-negative", Case(P, _x(1, 1, 4), kernel_size=(-2,), stride=(1,)), "kernel", 1, "kernel",
              -2)
    yield _in("dilation-zero", Case(P, _x(1, 1, 4), kernel_size=(2,), stride=(1,), dilation=(0,)), "dilation",
              1, "dilation", 0)
    yield _in("dilation-negative", Case(P, _x(1, 1, 4), kernel_size=(2,), stride=(1,), dilation=(-1,)),
              "dilation", 1, "dilation", -1)
    yield _in("kernel-rank-mismatch", Case(P, _x(1, 1, 4), kernel_size=(2, 2)), "rank", 1, "kernel", 2)
    yield _in("input-rank-6", Case(P, _x(1, 1, 2, 2, 2, 2), kernel_size=(2, 2, 2)), "rank", 3, "ndim", 6)
    yield _in("int-window-of-padding-only",
              Case(P, _x(1, 1, 1, 1, dtype="int32"), kernel_size=(2, 2), stride=(1, 1), padding=1,
                   dilation=(2, 2)), "integer", 2, "window", "padding", "integer")


def error_inputs_avg_pool() -> Iterator[ErrorInput]:
    """avg_pool: the shared pool inputs, plus (x = 1, 2, 3, ... float32):

    - divisor-override-zero:     X (1, 1, 2, 2), kernel_shape [2, 2], divisor_override 0
    - divisor-override-negative: X (1, 1, 2, 2), kernel_shape [2, 2], divisor_override -1
    - kernel-exceeds-input-3d (target limit): X (1, 1, 2, 2, 2), kernel_shape [3, 3, 3], strides [1, 1, 1],
      pads 1 per side, count_include_pad False -> out (2, 2, 2), valid for the spec (it is 'same')
    """
    yield from _pool_common("avg_pool")
    P = "avg_pool"
    yield _in("divisor-override-zero", Case(P, _x(1, 1, 2, 2), kernel_size=(2, 2), divisor_override=0),
              "divisor", 2, "divisor", 0)
    yield _in("divisor-override-negative", Case(P, _x(1, 1, 2, 2), kernel_size=(2, 2), divisor_override=-1),
              "divisor", 2, "divisor", -1)
    yield _in("kernel-exceeds-input-3d",
              Case(P, _x(1, 1, 2, 2, 2), kernel_size=(3, 3, 3), stride=(1, 1, 1), padding=1,
                   count_include_pad=False), "kernel_3d", 3, target_limit=True)


def error_inputs_lp_pool() -> Iterator[ErrorInput]:
    """lp_pool (x = 1, 2, 3, ... float32, 1-D):

    - norm-type-zero:     X (1, 1, 4), p 0, kernel_shape [2]
    - norm-type-negative: X (1, 1, 4), p -1, kernel_shape [2]
    - output-negative:    X (1, 1, 3), p 2, kernel_shape [5], strides [1] -> out -1
    - stride-zero:        X (1, 1, 4), p 2, kernel_shape [2], strides [0]
    - kernel-zero:        X (1, 1, 4), p 2, kernel_shape [0], strides default (= kernel)
    """
    P = "lp_pool"
    yield _in("norm-type-zero", Case(P, _x(1, 1, 4), norm_type=0.0, kernel_size=(2,)), "norm", 1, "norm_type",
              0.0)
    yield _in("norm-type-negative", Case(P, _x(1, 1, 4), norm_type=-1.0, kernel_size=(2,)), "norm", 1,
              "norm_type", -1.0)
    yield _in("output-negative", Case(P, _x(1, 1, 3), norm_type=2.0, kernel_size=(5,), stride=(1,)), "output", 1,
              OUTPUT, -1)
    yield _in("stride-zero", Case(P, _x(1, 1, 4), norm_type=2.0, kernel_size=(2,), stride=(0,)), "stride", 1,
              "stride", 0)
    yield _in("kernel-zero", Case(P, _x(1, 1, 4), norm_type=2.0, kernel_size=(0,)), "kernel", 1, "kernel", 0)


def _adaptive(op: str) -> Iterator[ErrorInput]:
    """adaptive_max_pool / adaptive_avg_pool (x = 1, 2, 3, ... float32, 1-D):

    - output-size-zero:     X (1, 1, 4), output_size [0]
    - output-size-negative: X (1, 1, 4), output_size [-1]
    - empty-input:          X (1, 1, 0), output_size [2]
    - output-rank-mismatch: X (1, 1, 4), the 1-D pool, output_size [2, 2]
    """
    yield _in("output-size-zero", Case(op, _x(1, 1, 4), output_size=(0,)), "adaptive", 1, "output_size", 0)
    yield _in("output-size-negative", Case(op, _x(1, 1, 4), output_size=(-1,)), "adaptive", 1, "output_size",
              -1)
    yield _in("empty-input", Case(op, _x(1, 1, 0), output_size=(2,)), "empty", 1, "size", 0)
    yield _in("output-rank-mismatch", Case(op, _x(1, 1, 4), output_size=(2, 2)), "rank", 1, "output_size", 2)


def error_inputs_adaptive_max_pool() -> Iterator[ErrorInput]:
    yield from _adaptive("adaptive_max_pool")


def error_inputs_adaptive_avg_pool() -> Iterator[ErrorInput]:
    yield from _adaptive("adaptive_avg_pool")


error_inputs_adaptive_max_pool.__doc__ = error_inputs_adaptive_avg_pool.__doc__ = _adaptive.__doc__


def error_inputs_zero_pad() -> Iterator[ErrorInput]:
    """zero_pad (x = 1, 2, 3, ... float32):

    - padding-negative:     X (1, 1, 4), pads [-1, -1]
    - padding-negative-2d:  X (1, 1, 4, 4), pads -1 on every side
    - padding-non-integer:  X (1, 1, 4), pads 1.5
    - padding-rank-mismatch: X (1, 1, 4), the 1-D padding, pads given for 2 dims ((1, 1), (1, 1))
    - unbatched-input:      X (1, 4) (no batch dim), the 1-D padding, pads [1, 1]
    """
    P = "zero_pad"
    yield _in("padding-negative", Case(P, _x(1, 1, 4), padding=-1), "padding", 1, "pad", -1)
    yield _in("padding-negative-2d", Case(P, _x(1, 1, 4, 4), padding=-1), "padding", 2, "pad", -1)
    yield _in("padding-non-integer", Case(P, _x(1, 1, 4), padding=1.5), "padding_int", 1, "pad", 1.5)
    yield _in("padding-rank-mismatch", Case(P, _x(1, 1, 4), padding=((1, 1), (1, 1))), "rank", 1, "pad", 1, 2)
    yield _in("unbatched-input", Case(P, _x(1, 4), padding=1), "rank", 1, "ndim", 2)


def error_inputs_conv() -> Iterator[ErrorInput]:
    """conv (x = 1, 2, 3, ... float32; weights ones; 1-D, groups 1 unless noted):

    - kernel-exceeds-input:        X (1, 1, 3), W (1, 1, 5) -> out = 3 - 5 + 1 = -1
    - kernel-exceeds-padded-input: X (1, 1, 2), W (1, 1, 7), pads [1, 1] -> out = 2 + 2 - 7 + 1 = -2
    - kernel-zero:        X (1, 1, 5), W (1, 1, 0)
    - stride-zero:        X (1, 1, 5), W (1, 1, 3), strides [0]
    - stride-negative:    X (1, 1, 5), W (1, 1, 3), strides [-1]
    - dilation-zero:      X (1, 1, 5), W (1, 1, 3), dilations [0]
    - padding-negative:   X (1, 1, 5), W (1, 1, 3), pads [-1, -1]
    - groups-input-channels:  X (1, 3, 5), W (2, 1, 3), group 2 (3 input channels)
    - groups-output-channels: X (1, 2, 5), W (3, 1, 3), group 2 (3 output channels)
    - groups-zero:        X (1, 3, 5), W (2, 3, 3), group 0
    - weight-channel-mismatch: X (1, 3, 5), W (2, 2, 3): W.shape[1] must be C_in / group = 3
    - bias-shape-mismatch: X (1, 3, 5), W (2, 3, 3), B (3,): B must be (C_out,) = (2,)
    - unbatched-input:    X (3, 5) (no batch dim), W (2, 3, 3)
    - same-strided (target limit): X (1, 1, 5), W (1, 1, 3), strides [2], auto_pad 'same' -> out 3, valid
    - stride-with-dilation (target limit): X (1, 1, 9), W (1, 1, 3), strides [2], dilations [2] -> out 3, valid
    """
    P = "conv"
    yield _in("kernel-exceeds-input", Case(P, _x(1, 1, 3), weight=_w(1, 1, 5)), "output", 1, OUTPUT, -1, 5, 3)
    yield _in("kernel-exceeds-padded-input", Case(P, _x(1, 1, 2), weight=_w(1, 1, 7), padding=1), "padded", 1,
              OUTPUT, -2, 7)
    yield _in("kernel-zero", Case(P, _x(1, 1, 5), weight=_w(1, 1, 0)), "kernel", 1, "kernel", 0)
    yield _in("stride-zero", Case(P, _x(1, 1, 5), weight=_w(1, 1, 3), stride=(0,)), "stride", 1, "stride", 0)
    yield _in("stride-negative", Case(P, _x(1, 1, 5), weight=_w(1, 1, 3), stride=(-1,)), "stride", 1, "stride",
              -1)
    yield _in("dilation-zero", Case(P, _x(1, 1, 5), weight=_w(1, 1, 3), dilation=(0,)), "dilation", 1,
              "dilation", 0)
    yield _in("padding-negative", Case(P, _x(1, 1, 5), weight=_w(1, 1, 3), padding=-1), "padding", 1, "pad", -1)
    yield _in("groups-input-channels", Case(P, _x(1, 3, 5), weight=_w(2, 1, 3), groups=2), "groups", 1,
              "groups", 3, 2)
    yield _in("groups-output-channels", Case(P, _x(1, 2, 5), weight=_w(3, 1, 3), groups=2), "groups", 1,
              "groups", 3, 2)
    yield _in("groups-zero", Case(P, _x(1, 3, 5), weight=_w(2, 3, 3), groups=0), "groups", 1, "groups", 0)
    yield _in("weight-channel-mismatch", Case(P, _x(1, 3, 5), weight=_w(2, 2, 3)), "weight", 1, "weight", 3,
              r"\(2, 2, 3\)")
    yield _in("bias-shape-mismatch", Case(P, _x(1, 3, 5), weight=_w(2, 3, 3), bias=_w(3)), "bias", 1, "bias",
              r"\(2,\)", r"\(3,\)")
    yield _in("unbatched-input", Case(P, _x(3, 5), weight=_w(2, 3, 3)), "rank", 1, "ndim", r"\(3, 5\)")
    yield _in("same-strided", Case(P, _x(1, 1, 5), weight=_w(1, 1, 3), stride=(2,), padding="same"),
              "same_strided", 1, target_limit=True)
    yield _in("stride-with-dilation", Case(P, _x(1, 1, 9), weight=_w(1, 1, 3), stride=(2,), dilation=(2,)),
              "stride_dilation", 1, target_limit=True)


def error_inputs_dense() -> Iterator[ErrorInput]:
    """dense (x = 1, 2, 3, ... float32; weights ones):

    - in-features-mismatch: X (2, 3), W (4, 5): W must be (out_features, 3)
    - weight-rank:          X (2, 3), W (3,): W must be 2-D
    - bias-shape-mismatch:  X (2, 3), W (4, 3), B (1,): B must be (out_features,) = (4,)
    """
    P = "dense"
    yield _in("in-features-mismatch", Case(P, _x(2, 3), weight=_w(4, 5)), "weight", 0, "in_features",
              r"\(2, 3\)", r"\(4, 5\)")
    yield _in("weight-rank", Case(P, _x(2, 3), weight=_w(3)), "weight", 0, "2-D", r"\(3,\)")
    yield _in("bias-shape-mismatch", Case(P, _x(2, 3), weight=_w(4, 3), bias=_w(1)), "bias", 0, "bias",
              r"\(4,\)", r"\(1,\)")


GENERATORS = (error_inputs_max_pool, error_inputs_avg_pool, error_inputs_lp_pool, error_inputs_adaptive_max_pool,
              error_inputs_adaptive_avg_pool, error_inputs_zero_pad, error_inputs_conv, error_inputs_dense)
ERROR_INPUTS: tuple[ErrorInput, ...] = tuple(ei for gen in GENERATORS for ei in gen())
BY_ID: dict[str, ErrorInput] = {ei.id: ei for ei in ERROR_INPUTS}
assert len(BY_ID) == len(ERROR_INPUTS), "error input ids must be unique"


def reference_verdict(ei: ErrorInput) -> tuple[str, str, str]:
    """What the reference does: ("raises", exception type, message) or ("returns", "", shape)."""
    try:
        out = reference_output(ei.case)
    except (ValueError, TypeError) as err:
        return "raises", type(err).__name__, str(err)
    return "returns", "", str(tuple(out.shape))


# --- observing a target --------------------------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def headline(message: str) -> str:
    """The line of an exception message that states the error: Keras' "Exception encountered when calling
    X.call()" wrapper, TF's {{function_node ...}} prefix and [Op:...] suffix and ANSI colours removed."""
    for line in _ANSI.sub("", message).splitlines():
        line = line.strip()
        if not line or line.startswith("Exception encountered when calling"):
            continue
        line = re.sub(r"^\{\{function_node [^}]*\}\}\s*", "", line)
        return re.sub(r"\s*\[Op:\w+\]( name:.*)?$", "", line).strip()
    return ""


@dataclass(frozen=True)
class Observed:
    kind: str  # one of KINDS
    exc_type: str = ""  # raises: the exception's class name
    detail: str = ""  # raises: the message's headline; crashes: the signal; returns/conforms: the output shape
    claimed: str = ""  # Keras: what compute_output_shape said (a shape or "raises ...")
    outcome: Outcome | None = field(default=None, compare=False)

    def describe(self) -> str:
        if self.kind == "raises":
            return f"raises {self.exc_type}: {self.detail}"
        if self.kind == "crashes":
            return f"crashes: {self.detail}"
        if self.kind == "returns_empty":
            return f"returns empty {self.detail}"
        if self.kind == "returns_result":
            return f"returns a result {self.detail}"
        if self.kind == "conforms":
            return f"returns the spec's result {self.detail}"
        if self.kind == "hangs":
            return "hangs"
        return f"not expressible: {self.detail}"


def observe(target, ei: ErrorInput) -> Observed:
    """Run the error input on the target (in its worker) and classify what happened."""
    from .compare import compare, expected_in_dtype
    from .targets import NotExpressible

    try:
        target.error_program(ei.case, ei.rank)
    except NotExpressible as err:
        return Observed("not_expressible", detail=str(err))
    outcome = target.run_error(ei.case, ei.rank)
    if outcome.kind == "raised":
        exc_type = outcome.exc_type.rsplit(".", 1)[-1]
        if target.name == "impl" and exc_type == "NotImplementedError":
            return Observed("not_expressible", detail=f"raised NotImplementedError: {headline(outcome.message)}",
                            outcome=outcome)
        return Observed("raises", exc_type, headline(outcome.message), outcome=outcome)
    if outcome.kind == "crashed":
        found = re.search(r"killed by signal (\w+)|exited with status -?\d+", outcome.message)
        detail = (found.group(1) or found.group(0)) if found else outcome.message.splitlines()[0]
        return Observed("crashes", detail=detail, outcome=outcome)
    if outcome.kind == "timeout":
        return Observed("hangs", detail=outcome.message, outcome=outcome)
    actual = np.asarray(outcome.values.get("actual"))
    claimed = outcome.values.get("claimed_shape")
    claimed = "" if claimed is None else (claimed if isinstance(claimed, str) else str(tuple(claimed)))
    claimed = headline(claimed) if claimed.startswith("raises") else claimed
    shape = str(tuple(actual.shape))
    if actual.size == 0:
        return Observed("returns_empty", detail=shape, claimed=claimed, outcome=outcome)
    if ei.target_limit:
        expected = expected_in_dtype(ei.case, reference_output(ei.case))
        if compare(ei.case, expected, actual).ok:
            return Observed("conforms", detail=shape, claimed=claimed, outcome=outcome)
    return Observed("returns_result", detail=shape, claimed=claimed, outcome=outcome)


# --- the record ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ErrorBehaviour:
    """What one target does with one error input, on the versions in `requires`.

    `detail` and `claimed` are patterns: the observed text must match them in full, where `…` stands for
    any text (layer names carry counters; long messages are cut short)."""

    target: str  # Target.name
    requires: dict[str, str]  # package -> PEP 440 specifier (Target.versions())
    error_input: str  # ErrorInput.id
    kind: str  # one of KINDS
    exc_type: str = ""  # raises: the exception's class name
    detail: str = ""  # raises: message headline; crashes: signal; returns/conforms: shape; not_expressible: why
    claimed: str = ""  # Keras: compute_output_shape's answer, where the call returned
    note: str = ""  # what the behaviour means, for the docs

    def in_range(self, versions: dict[str, str]) -> bool:
        known = {k: v for k, v in versions.items() if v != "unknown"}
        return versions_satisfy(known, self.requires)

    def mismatches(self, seen: Observed) -> list[str]:
        """How `seen` differs from the record (empty if it matches)."""
        if seen.kind != self.kind:
            return [f"kind: recorded {self.kind!r}, observed {seen.kind!r}"]
        problems = []
        if self.exc_type and seen.exc_type != self.exc_type:
            problems.append(f"exception type: recorded {self.exc_type}, observed {seen.exc_type}")
        if not _fits(self.detail, seen.detail):
            problems.append(f"detail: recorded {self.detail!r}, observed {seen.detail!r}")
        if self.claimed and not _fits(self.claimed, seen.claimed):
            problems.append(f"compute_output_shape: recorded {self.claimed!r}, observed {seen.claimed!r}")
        return problems

    def describe(self) -> str:
        return Observed(self.kind, self.exc_type, self.detail).describe()


def _fits(pattern: str, text: str) -> bool:
    regex = ".*?".join(re.escape(piece) for piece in pattern.split("…"))
    return re.fullmatch(regex, text, re.DOTALL) is not None


REGISTRY: list[ErrorBehaviour] = []


@dataclass(frozen=True)
class Recording:
    """One column of docs/errors.md: a target on the versions its records were taken on."""

    target: str  # Target.name
    label: str  # the versions observed, e.g. "keras 3.15.1 (tensorflow 2.21.0)"
    requires: dict[str, str]  # the range the column's records hold for
    versions: dict[str, str] | None = None  # the versions observed, where records of wider ranges apply too

    def entries(self, error_input_id: str) -> list[ErrorBehaviour]:
        """The column's records for one error input: its range's (or every record holding for its observed
        versions), and the adapter's (no range)."""
        return [e for e in REGISTRY if e.target == self.target and e.error_input == error_input_id
                and (not e.requires or (e.in_range(self.versions) if self.versions else e.requires == self.requires))]


RECORDINGS: list[Recording] = []


def recording(target: str, label: str, requires: dict[str, str],
              versions: dict[str, str] | None = None) -> dict[str, str]:
    """Declare a column (a target and version range records are taken for); returns `requires`."""
    RECORDINGS.append(Recording(target, label, requires, versions))
    return requires


def record(target: str, requires: dict[str, str], error_input: str, kind: str, exc_type: str = "",
           detail: str = "", claimed: str = "", note: str = "") -> ErrorBehaviour:
    if error_input not in BY_ID:
        raise ValueError(f"error behaviour for unknown error input {error_input!r}")
    if kind not in KINDS:
        raise ValueError(f"error behaviour kind must be one of {KINDS}; got {kind!r}")
    entry = ErrorBehaviour(target, requires, error_input, kind, exc_type, detail, claimed, note)
    REGISTRY.append(entry)
    return entry


def recorded(target_name: str, versions: dict[str, str], error_input_id: str) -> list[ErrorBehaviour]:
    """The records for this target and error input whose version range holds these versions."""
    return [e for e in REGISTRY
            if e.target == target_name and e.error_input == error_input_id and e.in_range(versions)]


def suggest(target, ei: ErrorInput, seen: Observed) -> str:
    """A `record(...)` line for errors_known.py that matches what was observed."""
    detail = seen.detail
    if seen.kind == "raises":  # Keras layer names carry a counter; TF's messages a source line
        detail = re.sub(r"(['\"])(\w+?)_\d+\1", "\\1\\2_…\\1", detail)
        detail = re.sub(r"\bLayer \w+ weight shape", "Layer … weight shape", detail)
        detail = re.sub(r"\.cc:\d+", ".cc:…", detail)
    requires = {p: f">={v.split('+')[0]}" for p, v in target.versions().items()}
    args = [repr(target.name), repr(requires), repr(ei.id), repr(seen.kind)]
    if seen.exc_type:
        args.append(f"exc_type={seen.exc_type!r}")
    args.append(f"detail={detail!r}")
    if seen.claimed and seen.kind == "returns_empty":
        args.append(f"claimed={seen.claimed!r}")
    return f"record({', '.join(args)})"


# --- docs/errors.md ------------------------------------------------------------------------------------

_CELL = {
    "raises": lambda e: f"raises `{e.exc_type}`: {e.detail}",
    "returns_empty": lambda e: f"**returns empty** {e.detail}",
    "returns_result": lambda e: f"**returns a result** {e.detail}",
    "conforms": lambda e: f"returns the spec's result {e.detail}",
    "crashes": lambda e: f"**crashes: {e.detail}**",
    "hangs": lambda e: "**hangs**",
    "not_expressible": lambda e: "not expressible",
}


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _cell(entries: list[ErrorBehaviour]) -> str:
    return _md("<br>".join(_CELL[e.kind](e) for e in entries)) if entries else "not recorded"


def _reference_cell(ei: ErrorInput) -> str:
    kind, exc_type, detail = reference_verdict(ei)
    if kind == "returns":
        return f"returns {detail} (valid)"
    return _md(f"raises `{exc_type}`: {detail}")


def render_errors() -> str:
    heads = [r.label for r in RECORDINGS]
    lines = [
        "# The error contract",
        "",
        "Generated from `conformance/errors.py` (the error inputs) and `conformance/known/errors_known.py` (what",
        "each target does with them) by `python -m conformance docs`; do not edit by hand.",
        "`conformance/test_error_contract.py` runs every error input on every selected target, in its worker",
        "process, and fails when a target no longer behaves as recorded here.",
        "",
        "The spec (the `reference` column) rejects each input with a ValueError or TypeError that states the rule",
        "and the numbers. Rows marked *target limit* are valid for the spec and exceed one target's own limit.",
        "A **bold** cell is a divergence: the target accepts an input the spec rejects (returns an empty array",
        "or a result) or dies on it. *not expressible*: the target's API has no way to write the call.",
        "",
        "Columns (each recorded on the versions in its header; its records hold for the range given):",
        *(f"- {r.target}: {r.label}, records for {', '.join(f'{p} {s}' for p, s in r.requires.items())}"
          for r in RECORDINGS),
        "",
        "Inputs are `x = 1, 2, 3, ...` in the shape shown (float32 unless noted), weights ones; calls are",
        "channels-first, with the API of the rank shown (F.max_pool1d, MaxPooling1D, ...).",
        "",
    ]
    ops = list(dict.fromkeys(ei.op for ei in ERROR_INPUTS))
    for op in ops:
        lines += [f"## `{op}`", "",
                  "| input | rule | call | reference | " + " | ".join(heads) + " |",
                  "|---|---|---|---|" + "---|" * len(heads)]
        for ei in (e for e in ERROR_INPUTS if e.op == op):
            rule = f"*target limit*: {ei.rule}" if ei.target_limit else ei.rule
            api = f" ({ei.rank}-D API)" if ei.rank else ""
            cells = [f"`{ei.id.split('/', 1)[1]}`", _md(rule), f"`{_md(ei.describe())}`{api}",
                     _reference_cell(ei)]
            cells += [_cell(r.entries(ei.id)) for r in RECORDINGS]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    divergent = [e for e in REGISTRY if e.kind in ("returns_empty", "returns_result", "crashes", "hangs")]
    lines += ["## Divergences: invalid inputs accepted or fatal", ""]
    for e in divergent:
        ei = BY_ID[e.error_input]
        requires = ", ".join(f"{p} {s}" for p, s in e.requires.items())
        claimed = "" if not e.claimed else "; compute_output_shape " + (
            e.claimed.rstrip(".") if e.claimed.startswith("raises") else f"says {e.claimed}")
        lines.append(_md(f"- `{e.error_input}` on {e.target} ({requires}): {e.describe()}{claimed}. "
                         f"Rule: {ei.rule}. Call: `{ei.describe()}`.") + (f" {e.note}" if e.note else ""))
    lines.append("")
    notes = [e for e in REGISTRY if e.note and e.kind not in ("returns_empty", "returns_result", "crashes", "hangs")]
    if notes:
        lines += ["## Notes", ""]
        for e in notes:
            requires = ", ".join(f"{p} {s}" for p, s in e.requires.items()) or "every version"
            lines.append(f"- `{e.error_input}` on {e.target} ({requires}): {e.note}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# Records live in conformance/known/errors_known.py and register themselves on import.
from .known import errors_known  # noqa: F401
