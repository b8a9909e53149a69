"""The error inputs: fixed invalid calls per op (PyTorch OpInfo's `error_inputs_<op>()`), each with the rule
it breaks and what the reference's message must say. The op table (`ops.py`) names each op's generator;
`errors.py` observes and records what every target does with them."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .cases import Case


@dataclass(frozen=True, eq=False)
class ErrorInput:
    id: str  # "<op>/<what>", stable: the registry refers to it
    case: Case
    rule: str  # the rule the case breaks, in words (for a target_limit input: the limit it exceeds)
    rank: int  # spatial rank of the API called (F.max_pool{rank}d, MaxPooling{rank}D)
    says: tuple = ()  # what the reference's message must contain: word regexes and the offending numbers
    target_limit: bool = False  # valid for the spec, beyond some target's own limit
    # the same call with the broken rule repaired: an implementation's rejection counts only when it
    # accepts this one (else it rejected for another reason: a wrong signature, a numpy error)
    neighbour: Case | None = None

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
    "kernel_3d": "torch avg_pool3d: kernel <= input per dim, whatever the padding (the spec has no such "
    "limit)",
}


def _in(
    id: str,
    case: Case,
    rule: str,
    rank: int,
    *says_parts,
    target_limit: bool = False,
    fix: dict | None = None,
) -> ErrorInput:
    """An error input; `fix` holds the case fields that repair the broken rule (its valid neighbour)."""
    return ErrorInput(
        id=f"{case.op}/{id}",
        case=case,
        rule=RULES[rule],
        rank=rank,
        says=says_parts,
        target_limit=target_limit,
        neighbour=None if fix is None else dataclasses.replace(case, **fix),
    )


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
    yield _in("output-zero", Case(P, _x(1, 1, 1), kernel_size=(2,), stride=(1,)), "output", 1, OUTPUT, 0, 2,
              fix={"x": _x(1, 1, 2)})
    yield _in(
        "output-negative", Case(P, _x(1, 1, 3), kernel_size=(5,), stride=(1,)), "output", 1, OUTPUT, -1, 5, 3,
        fix={"x": _x(1, 1, 5)},
    )
    yield _in(
        "output-zero-strided",
        Case(P, _x(1, 1, 2), kernel_size=(3,), stride=(2,)),
        "output",
        1,
        OUTPUT,
        0,
        3,
        2,
        fix={"x": _x(1, 1, 3)},
    )
    yield _in("stride-zero", Case(P, _x(1, 1, 4), kernel_size=(2,), stride=(0,)), "stride", 1, "stride", 0,
              fix={"stride": (1,)})
    yield _in("kernel-zero", Case(P, _x(1, 1, 4), kernel_size=(0,)), "kernel", 1, "kernel", 0,
              fix={"kernel_size": (2,)})
    yield _in(
        "padding-negative",
        Case(P, _x(1, 1, 4), kernel_size=(2,), stride=(1,), padding=-1),
        "padding",
        1,
        "pad",
        -1,
        fix={"padding": 0},
    )
    yield _in(
        "pad-beyond-half-kernel",
        Case(P, _x(1, 1, 4), kernel_size=(3,), stride=(1,), padding=2),
        "pad_limit",
        1,
        target_limit=True,
    )
    yield _in("unbatched-input", Case(P, _x(1, 4), kernel_size=(2,)), "rank", 1, "ndim", 2,
              fix={"x": _x(1, 1, 4)})


def error_inputs_max_pool() -> Iterator[ErrorInput]:
    """max_pool: the shared pool inputs, plus (x = 1, 2, 3, ... float32 unless noted):

    - output-zero-2d-height: X (1, 1, 1, 3), kernel_shape [2, 2], strides [1, 1] -> out (0, 2)
    - output-zero-2d-width:  X (1, 1, 3, 1), kernel_shape [2, 2], strides [1, 1] -> out (2, 0)
    - kernel-exceeds-padded-input: X (1, 1, 2), kernel_shape [7], pads [1, 1]
      -> out = floor((2 + 2 - 7)/1) + 1 = -2
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
    yield _in(
        "output-zero-2d-height",
        Case(P, _x(1, 1, 1, 3), kernel_size=(2, 2), stride=(1, 1)),
        "output",
        2,
        OUTPUT,
        0,
        fix={"x": _x(1, 1, 2, 3)},
    )
    yield _in(
        "output-zero-2d-width",
        Case(P, _x(1, 1, 3, 1), kernel_size=(2, 2), stride=(1, 1)),
        "output",
        2,
        OUTPUT,
        0,
        fix={"x": _x(1, 1, 3, 2)},
    )
    yield _in(
        "kernel-exceeds-padded-input",
        Case(P, _x(1, 1, 2), kernel_size=(7,), stride=(1,), padding=1),
        "padded",
        1,
        OUTPUT,
        -2,
        7,
        fix={"x": _x(1, 1, 5)},
    )
    yield _in(
        "stride-negative", Case(P, _x(1, 1, 4), kernel_size=(2,), stride=(-1,)), "stride", 1, "stride", -1,
        fix={"stride": (1,)},
    )
    yield _in(
        "kernel-negative", Case(P, _x(1, 1, 4), kernel_size=(-2,), stride=(1,)), "kernel", 1, "kernel", -2,
        fix={"kernel_size": (2,)},
    )
    yield _in(
        "dilation-zero",
        Case(P, _x(1, 1, 4), kernel_size=(2,), stride=(1,), dilation=(0,)),
        "dilation",
        1,
        "dilation",
        0,
        fix={"dilation": (1,)},
    )
    yield _in(
        "dilation-negative",
        Case(P, _x(1, 1, 4), kernel_size=(2,), stride=(1,), dilation=(-1,)),
        "dilation",
        1,
        "dilation",
        -1,
        fix={"dilation": (1,)},
    )
    yield _in("kernel-rank-mismatch", Case(P, _x(1, 1, 4), kernel_size=(2, 2)), "rank", 1, "kernel", 2,
              fix={"kernel_size": (2,)})
    yield _in("input-rank-6", Case(P, _x(1, 1, 2, 2, 2, 2), kernel_size=(2, 2, 2)), "rank", 3, "ndim", 6,
              fix={"x": _x(1, 1, 2, 2, 2)})
    yield _in(
        "int-window-of-padding-only",
        Case(P, _x(1, 1, 1, 1, dtype="int32"), kernel_size=(2, 2), stride=(1, 1), padding=1, dilation=(2, 2)),
        "integer",
        2,
        "window",
        "padding",
        "integer",
        fix={"dilation": (1, 1)},  # kernel 2 over [pad, x, pad]: every window reads x
    )


def error_inputs_avg_pool() -> Iterator[ErrorInput]:
    """avg_pool: the shared pool inputs, plus (x = 1, 2, 3, ... float32):

    - divisor-override-zero:     X (1, 1, 2, 2), kernel_shape [2, 2], divisor_override 0
    - divisor-override-negative: X (1, 1, 2, 2), kernel_shape [2, 2], divisor_override -1
    - kernel-exceeds-input-3d (target limit): X (1, 1, 2, 2, 2), kernel_shape [3, 3, 3], strides [1, 1, 1],
      pads 1 per side, count_include_pad False -> out (2, 2, 2), valid for the spec (it is 'same')
    """
    yield from _pool_common("avg_pool")
    P = "avg_pool"
    yield _in(
        "divisor-override-zero",
        Case(P, _x(1, 1, 2, 2), kernel_size=(2, 2), divisor_override=0),
        "divisor",
        2,
        "divisor",
        0,
        fix={"divisor_override": 4},
    )
    yield _in(
        "divisor-override-negative",
        Case(P, _x(1, 1, 2, 2), kernel_size=(2, 2), divisor_override=-1),
        "divisor",
        2,
        "divisor",
        -1,
        fix={"divisor_override": 4},
    )
    yield _in(
        "kernel-exceeds-input-3d",
        Case(
            P, _x(1, 1, 2, 2, 2), kernel_size=(3, 3, 3), stride=(1, 1, 1), padding=1, count_include_pad=False
        ),
        "kernel_3d",
        3,
        target_limit=True,
    )


def error_inputs_lp_pool() -> Iterator[ErrorInput]:
    """lp_pool (x = 1, 2, 3, ... float32, 1-D):

    - norm-type-zero:     X (1, 1, 4), p 0, kernel_shape [2]
    - norm-type-negative: X (1, 1, 4), p -1, kernel_shape [2]
    - output-negative:    X (1, 1, 3), p 2, kernel_shape [5], strides [1] -> out -1
    - stride-zero:        X (1, 1, 4), p 2, kernel_shape [2], strides [0]
    - kernel-zero:        X (1, 1, 4), p 2, kernel_shape [0], strides default (= kernel)
    """
    P = "lp_pool"
    yield _in(
        "norm-type-zero", Case(P, _x(1, 1, 4), norm_type=0.0, kernel_size=(2,)), "norm", 1, "norm_type", 0.0,
        fix={"norm_type": 2.0},
    )
    yield _in(
        "norm-type-negative",
        Case(P, _x(1, 1, 4), norm_type=-1.0, kernel_size=(2,)),
        "norm",
        1,
        "norm_type",
        -1.0,
        fix={"norm_type": 2.0},
    )
    yield _in(
        "output-negative",
        Case(P, _x(1, 1, 3), norm_type=2.0, kernel_size=(5,), stride=(1,)),
        "output",
        1,
        OUTPUT,
        -1,
        fix={"x": _x(1, 1, 5)},
    )
    yield _in(
        "stride-zero",
        Case(P, _x(1, 1, 4), norm_type=2.0, kernel_size=(2,), stride=(0,)),
        "stride",
        1,
        "stride",
        0,
        fix={"stride": (1,)},
    )
    yield _in("kernel-zero", Case(P, _x(1, 1, 4), norm_type=2.0, kernel_size=(0,)), "kernel", 1, "kernel", 0,
              fix={"kernel_size": (2,)})


def _adaptive(op: str) -> Iterator[ErrorInput]:
    """adaptive_max_pool / adaptive_avg_pool (x = 1, 2, 3, ... float32, 1-D):

    - output-size-zero:     X (1, 1, 4), output_size [0]
    - output-size-negative: X (1, 1, 4), output_size [-1]
    - empty-input:          X (1, 1, 0), output_size [2]
    - output-rank-mismatch: X (1, 1, 4), the 1-D pool, output_size [2, 2]
    """
    fixed = {"output_size": (2,)}
    yield _in(
        "output-size-zero", Case(op, _x(1, 1, 4), output_size=(0,)), "adaptive", 1, "output_size", 0,
        fix=fixed,
    )
    yield _in(
        "output-size-negative", Case(op, _x(1, 1, 4), output_size=(-1,)), "adaptive", 1, "output_size", -1,
        fix=fixed,
    )
    yield _in("empty-input", Case(op, _x(1, 1, 0), output_size=(2,)), "empty", 1, "size", 0,
              fix={"x": _x(1, 1, 4)})
    yield _in("output-rank-mismatch", Case(op, _x(1, 1, 4), output_size=(2, 2)), "rank", 1, "output_size", 2,
              fix=fixed)


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
    one = {"padding": 1}
    yield _in("padding-negative", Case(P, _x(1, 1, 4), padding=-1), "padding", 1, "pad", -1, fix=one)
    yield _in("padding-negative-2d", Case(P, _x(1, 1, 4, 4), padding=-1), "padding", 2, "pad", -1, fix=one)
    yield _in("padding-non-integer", Case(P, _x(1, 1, 4), padding=1.5), "padding_int", 1, "pad", 1.5, fix=one)
    yield _in("padding-rank-mismatch", Case(P, _x(1, 1, 4), padding=((1, 1), (1, 1))), "rank", 1, "pad", 1, 2,
              fix={"padding": ((1, 1),)})
    yield _in("unbatched-input", Case(P, _x(1, 4), padding=1), "rank", 1, "ndim", 2, fix={"x": _x(1, 1, 4)})


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
    - stride-with-dilation (target limit): X (1, 1, 9), W (1, 1, 3), strides [2], dilations [2]
      -> out 3, valid
    """
    P = "conv"
    yield _in("kernel-exceeds-input", Case(P, _x(1, 1, 3), weight=_w(1, 1, 5)), "output", 1, OUTPUT, -1, 5, 3,
              fix={"x": _x(1, 1, 5)})
    yield _in(
        "kernel-exceeds-padded-input",
        Case(P, _x(1, 1, 2), weight=_w(1, 1, 7), padding=1),
        "padded",
        1,
        OUTPUT,
        -2,
        7,
        fix={"x": _x(1, 1, 5)},
    )
    yield _in("kernel-zero", Case(P, _x(1, 1, 5), weight=_w(1, 1, 0)), "kernel", 1, "kernel", 0,
              fix={"weight": _w(1, 1, 3)})
    yield _in("stride-zero", Case(P, _x(1, 1, 5), weight=_w(1, 1, 3), stride=(0,)), "stride", 1, "stride", 0,
              fix={"stride": (1,)})
    yield _in(
        "stride-negative", Case(P, _x(1, 1, 5), weight=_w(1, 1, 3), stride=(-1,)), "stride", 1, "stride", -1,
        fix={"stride": (1,)},
    )
    yield _in(
        "dilation-zero",
        Case(P, _x(1, 1, 5), weight=_w(1, 1, 3), dilation=(0,)),
        "dilation",
        1,
        "dilation",
        0,
        fix={"dilation": (1,)},
    )
    yield _in(
        "padding-negative", Case(P, _x(1, 1, 5), weight=_w(1, 1, 3), padding=-1), "padding", 1, "pad", -1,
        fix={"padding": 0},
    )
    yield _in(
        "groups-input-channels",
        Case(P, _x(1, 3, 5), weight=_w(2, 1, 3), groups=2),
        "groups",
        1,
        "groups",
        3,
        2,
        fix={"x": _x(1, 4, 5), "weight": _w(2, 2, 3)},
    )
    yield _in(
        "groups-output-channels",
        Case(P, _x(1, 2, 5), weight=_w(3, 1, 3), groups=2),
        "groups",
        1,
        "groups",
        3,
        2,
        fix={"weight": _w(4, 1, 3)},
    )
    yield _in("groups-zero", Case(P, _x(1, 3, 5), weight=_w(2, 3, 3), groups=0), "groups", 1, "groups", 0,
              fix={"groups": 1})
    yield _in(
        "weight-channel-mismatch",
        Case(P, _x(1, 3, 5), weight=_w(2, 2, 3)),
        "weight",
        1,
        "weight",
        3,
        r"\(2, 2, 3\)",
        fix={"weight": _w(2, 3, 3)},
    )
    yield _in(
        "bias-shape-mismatch",
        Case(P, _x(1, 3, 5), weight=_w(2, 3, 3), bias=_w(3)),
        "bias",
        1,
        "bias",
        r"\(2,\)",
        r"\(3,\)",
        fix={"bias": _w(2)},
    )
    yield _in("unbatched-input", Case(P, _x(3, 5), weight=_w(2, 3, 3)), "rank", 1, "ndim", r"\(3, 5\)",
              fix={"x": _x(1, 3, 5)})
    yield _in(
        "same-strided",
        Case(P, _x(1, 1, 5), weight=_w(1, 1, 3), stride=(2,), padding="same"),
        "same_strided",
        1,
        target_limit=True,
    )
    yield _in(
        "stride-with-dilation",
        Case(P, _x(1, 1, 9), weight=_w(1, 1, 3), stride=(2,), dilation=(2,)),
        "stride_dilation",
        1,
        target_limit=True,
    )


def error_inputs_dense() -> Iterator[ErrorInput]:
    """dense (x = 1, 2, 3, ... float32; weights ones):

    - in-features-mismatch: X (2, 3), W (4, 5): W must be (out_features, 3)
    - weight-rank:          X (2, 3), W (3,): W must be 2-D
    - bias-shape-mismatch:  X (2, 3), W (4, 3), B (1,): B must be (out_features,) = (4,)
    """
    P = "dense"
    yield _in(
        "in-features-mismatch",
        Case(P, _x(2, 3), weight=_w(4, 5)),
        "weight",
        0,
        "in_features",
        r"\(2, 3\)",
        r"\(4, 5\)",
        fix={"weight": _w(4, 3)},
    )
    yield _in("weight-rank", Case(P, _x(2, 3), weight=_w(3)), "weight", 0, "2-D", r"\(3,\)",
              fix={"weight": _w(1, 3)})
    yield _in(
        "bias-shape-mismatch",
        Case(P, _x(2, 3), weight=_w(4, 3), bias=_w(1)),
        "bias",
        0,
        "bias",
        r"\(4,\)",
        r"\(1,\)",
        fix={"bias": _w(4)},
    )
