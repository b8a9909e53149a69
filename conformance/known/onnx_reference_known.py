"""Divergences of ONNX's reference evaluator (`onnx-reference`, onnx.reference.ReferenceEvaluator) from the
spec (ONNX shape inference, which both ONNX targets run: onnx_shape_inference_known.py).

The evaluator's pooling is three code paths with geometry of their own; `onnx_reference_pooling.py`
restates them as rules, and the entries here predict from it.
"""

from __future__ import annotations

from typing import Any

import functools
from collections.abc import Callable

import numpy as np

import reference

from ..cases import Case, reference_output
from ..compare import compare, expected_in_dtype
from ..divergences import Divergence, from_rule, register
from . import onnx_reference_pooling as pooling
from .ort_known import output_padding_reaches_stride
from .shared import SUM_OVERFLOW, bf16, register_working_format, spec_output, tie_after_rounding

ONNX_REF = {"onnx": ">=1.22"}  # measured on onnx 1.23.2, opsets 18 and 28
POOLS = ("max_pool", "avg_pool", "lp_pool")


def _index(*parts: Any) -> Any:
    """A numpy index from parts (Ellipsis, slices, np.ix_ arrays)."""
    return tuple(parts)


def spec_shape(case: Case) -> tuple[int, ...]:
    return tuple(reference_output(case).shape)


@functools.lru_cache(maxsize=16)  # every entry asks about the same case; Case hashes by identity
def _outcome(case: Case) -> pooling.Outcome:
    return pooling.evaluate(case)


def _departs(case: Case) -> bool:
    """The evaluator's answer, rounded to the case's dtype, fails the spec's own check."""
    values = _outcome(case).values
    if values is None:
        return False
    spec = reference_output(case)
    if values.shape != spec.shape:
        return True
    with np.errstate(invalid="ignore", over="ignore"):
        actual = values.astype(case.x.dtype)
    return not compare(case, expected_in_dtype(case, spec), actual).ok


def _evaluated(case: Case, spec: np.ndarray) -> np.ndarray:
    values = _outcome(case).values
    assert values is not None
    return values


# (id, ops, the outcome's name, the failure as raised, when, behaviour)
_RAISES = (
    ("same-not-2d", "max_pool",
     r"IndexError: tuple index out of range|ValueError: operands could not be broadcast",
     "MaxPool with stride 1 and dilation 1, auto_pad SAME_*, 1-D or 3-D",
     "the unit-stride path reads pad_shape[1] (1-D: IndexError) or pads a 5-D array with a 4-entry width "
     "(3-D: ValueError)"),
    ("nan-into-int", "max_pool", r"ValueError: cannot convert float NaN to integer",
     "MaxPool with stride 1 and dilation 1 on int8, 2-D",
     "the unit-stride path pads with NaN (even zero widths), which int8 cannot hold (uint8 casts it to 0)"),
    ("output-not-positive", "max_pool", r"RuntimeError: output shape cannot be null or negative",
     "MaxPool with stride 1 and dilation 1 whose explicit pads the path ignores (1-D, 3-D) and whose "
     "kernel exceeds the unpadded input",
     "explicit pads count as auto_pad VALID, and outside 2-D they are never applied: out = n - k + 1 <= 0"),
    ("index-out-of-bounds", POOLS, r"IndexError: index -?\d+ is out of bounds",
     "MaxPool with stride 1 and dilation 1 and a head pad (1-D, 3-D); AveragePool/LpPool whose SAME or VALID "
     "output count (undilated kernel) is below the windows its loop visits",
     "the pooling loop counts windows from another formula than the output's size and writes past it"),
    ("max-of-nothing", "max_pool", r"ValueError: zero-size array to reduction operation maximum",
     "MaxPool with stride 1 and dilation 1, a window of only NaN and padding",
     "the window's max is np.max over its non-NaN cells, and there are none"),
    ("none-into-bfloat16", "max_pool", r"TypeError: Issues with types",
     "MaxPool with a stride or dilation on bfloat16, 1-D or 3-D, a window of only padding",
     "the strided path stores None for a window that reads no cell, which a bfloat16 array refuses"),
    ("ceil-with-auto-pad", ("avg_pool", "lp_pool"),
     r"AssertionError: ceil_mode is not supported with auto_pad",
     "AveragePool/LpPool with auto_pad (SAME_*, VALID) and ceil_mode=1",
     "asserts 'ceil_mode is not supported with auto_pad'"),
    ("negative-pad", ("avg_pool", "lp_pool"), r"ValueError: index can't contain negative values",
     "AveragePool/LpPool with auto_pad SAME_* whose undilated pad (ceil(n/s) - 1)*s + k - n is negative",
     "np.pad refuses the negative pad"),
)

def _raises_as(name: str, case: Case) -> bool:
    return _outcome(case).raises == name


def _raise_example(name: str) -> Case:
    return _RAISE_EXAMPLES[name]()


for _name, _ops, _regex, _when, _behaviour in _RAISES:
    register(
        Divergence(
            id=f"onnx-reference-pool-{_name}",
            target="onnx-reference",
            # bfloat16 pooling exists from the opset-22 schemas on
            requires={**ONNX_REF, "opset": ">=22"} if "bfloat16" in _name else ONNX_REF,
            op=_ops,
            applies=functools.partial(_raises_as, _name),
            when=_when,
            spec="the op computes every valid case",
            behaviour=f"raises: {_behaviour}",
            predict=spec_output,
            raises=_regex,
            example=functools.partial(_raise_example, _name),
            link=pooling.SOURCE,
        )
    )

_RAISE_EXAMPLES: dict[str, Callable[[], Case]] = {
    "same-not-2d": lambda: Case("max_pool", np.ones((1, 1, 3), np.float32), kernel_size=(2,), stride=(1,),
                                padding="same"),
    "nan-into-int": lambda: Case("max_pool", np.ones((1, 1, 3, 3), np.int8), kernel_size=(2, 2),
                                 stride=(1, 1)),
    "output-not-positive": lambda: Case("max_pool", np.ones((1, 1, 2), np.float32), kernel_size=(3,),
                                        stride=(1,), padding=1),
    "index-out-of-bounds": lambda: Case("max_pool", np.ones((1, 1, 4), np.float32), kernel_size=(3,),
                                        stride=(1,), padding=1),
    "max-of-nothing": lambda: Case("max_pool", np.array([[[np.nan, np.nan, 1.0]]], np.float32),
                                   kernel_size=(2,), stride=(1,)),
    "none-into-bfloat16": lambda: Case("max_pool", bf16(np.ones((1, 1, 1))), kernel_size=(1,), stride=(2,),
                                       padding=1),
    "ceil-with-auto-pad": lambda: Case("avg_pool", np.ones((1, 1, 3), np.float32), kernel_size=(2,),
                                       stride=(2,), padding="valid", ceil_mode=True),
    "negative-pad": lambda: Case("avg_pool", np.ones((1, 1, 5), np.float32), kernel_size=(1,), stride=(3,),
                                 padding="same"),
}

def _departs_where(holds: Callable[[Case], bool], case: Case) -> bool:
    return holds(case) and _departs(case)


for _id, _ops, _holds, _when, _behaviour, _example in (
    ("onnx-reference-max-pool-unit-stride-path", "max_pool",
     lambda case: all(v == 1 for v in case.strides + case.dilations),
     "MaxPool with every stride and dilation 1: a window holding NaN, explicit pads outside 2-D, asymmetric "
     "2-D pads, or ceil_mode with pads",
     "explicit pads count as auto_pad VALID; 2-D pads are unpacked (top, bottom, left, right) from ONNX's "
     "(x1_begin, x2_begin, x1_end, x2_end), 1-D and 3-D pads are never applied (out = n - k + 1, x (1, 1, "
     "9), kernel 2, pads (0, 2): 8 outputs, spec 10); padding is NaN and each max is over the non-NaN cells "
     "(a NaN is dropped); in ceil_mode the 2-D pads count twice",
     lambda: Case("max_pool", np.array([[[np.nan, 1.0, 2.0, np.nan]]], np.float32), kernel_size=(2,),
                  stride=(1,))),
    ("onnx-reference-max-pool-strided-path", "max_pool",
     lambda case: not all(v == 1 for v in case.strides + case.dilations),
     "MaxPool with a stride or dilation > 1: a window holding NaN or of only padding, or auto_pad SAME_LOWER",
     "keeps the window's first cell and moves only to a greater one (x [1, NaN]: 1, [NaN, 1]: NaN); a window "
     "of only padding is 0 in 2-D and NaN in 1-D and 3-D; SAME_LOWER counts floor(n/s) outputs and pads the "
     "odd cell after, as SAME_UPPER does",
     lambda: Case("max_pool", np.array([[[1.0, np.nan, np.nan, 1.0]]]), kernel_size=(2,))),
    ("onnx-reference-average-pool-path", ("avg_pool", "lp_pool"), lambda case: True,
     "AveragePool/LpPool where the evaluator's geometry departs: auto_pad SAME or VALID with a dilation, a "
     "ceil overhang of two cells or more; AveragePool without count_include_pad over NaN; LpPool where a "
     "window holds fewer than prod(kernel) cells or an |x|^p beyond x's format",
     "SAME and VALID size pads and outputs with the undilated kernel (outputs its loop never visits stay 0); "
     "a ceil overhang of two or more cells is padded half before the input, shifting every window; without "
     "count_include_pad padding is NaN and the mean skips NaN cells, the input's too; LpPool is prod(kernel) "
     "times the mean of |x|^p over the cells inside the padded input, with |x|^p rounded to x's format (a "
     "float16 |x| >= 256 squares to inf)",
     lambda: Case("avg_pool", np.arange(1.0, 5.0).reshape(1, 1, 4), kernel_size=(3,), stride=(3,),
                  ceil_mode=True, count_include_pad=False)),
):
    register(
        Divergence(
            id=_id,
            target="onnx-reference",
            requires=ONNX_REF,
            op=_ops,
            applies=functools.partial(_departs_where, _holds),
            when=_when,
            spec="max, average and Lp pooling over the resolved windows (see the op table)",
            behaviour=_behaviour,
            predict=_evaluated,
            claims=spec_shape,
            example=_example,
            link=pooling.SOURCE,
        )
    )


register(
    Divergence(
        id="onnx-reference-global-max-pool-axes",
        target="onnx-reference",
        requires=ONNX_REF,
        op="global_max_pool",
        applies=lambda case: case.rank != 2,
        when="GlobalMaxPool on a 1-D or 3-D input",
        spec="the max over every spatial cell per (n, c), spatial dims kept with size 1",
        behaviour="reduces axes (r, r + 1) for r spatial dims: 1-D takes the max over channels and length "
        "and returns (N, 1), 3-D keeps the depth and returns (N, C, D, 1, 1, 1); shape inference claims the "
        "spec's shape",
        predict=lambda case, spec: pooling.global_max_pool(case),
        claims=spec_shape,
        example=lambda: Case("global_max_pool", np.array([[[1.0, 2.0], [3.0, 4.0]]], np.float32)),
        link=pooling.SOURCE + "op_global_max_pool.py",
    )
)


def _float32_slope(case: Case, spec: np.ndarray) -> np.ndarray:
    x = case.x.astype(np.float64)
    return np.where(x < 0, x * float(np.float32(case.negative_slope)), spec)


register(
    Divergence(
        id="onnx-reference-leaky-relu-float32-alpha",
        target="onnx-reference",
        requires=ONNX_REF,
        op="leaky_relu",
        applies=lambda case: case.dtype == "float64" and bool((case.x < 0).any())
        and float(np.float32(case.negative_slope)) != case.negative_slope,
        when="LeakyRelu on float64 with a negative input and a slope float32 cannot hold (0.01, 0.1, 0.2)",
        spec="y = negative_slope * x for x < 0, the slope as given",
        behaviour="ONNX attributes are float32: alpha 0.01 arrives as 0.009999999776482582, and the float64 "
        "product follows it (x -1: -0.009999999776482582, spec -0.01); ONNX Runtime has no float64 LeakyRelu",
        predict=_float32_slope,
        example=lambda: Case("leaky_relu", np.array([[-1.0, 2.0]]), negative_slope=0.01),
        link="https://onnx.ai/onnx/operators/onnx__LeakyRelu.html (alpha: float)",
    )
)


def _dilated_weight(case: Case) -> np.ndarray:
    """The kernel with d - 1 zeros between taps, as the evaluator builds it."""
    w = case.w.astype(np.float64)
    shape = [*w.shape[:2], *((k - 1) * d + 1 for k, d in zip(w.shape[2:], case.dilations))]
    wide = np.zeros(shape)
    wide[_index(slice(None), slice(None), *(slice(None, None, d) for d in case.dilations))] = w
    return wide


def _zero_taps_conv(case: Case, spec: np.ndarray) -> np.ndarray:
    x = case.x.astype(np.float64)
    b = None if case.bias is None else case.bias.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        return reference.conv(x, _dilated_weight(case), b, case.strides, case.pads, 1, case.groups)


def _zero_tap_hits_nonfinite(case: Case) -> bool:
    if all(d == 1 for d in case.dilations) or np.isfinite(case.x.astype(np.float64)).all():
        return False
    with np.errstate(invalid="ignore", over="ignore"):
        return not np.array_equal(_zero_taps_conv(case, np.empty(0)), reference_output(case), equal_nan=True)


register(
    Divergence(
        id="onnx-reference-dilated-conv-zero-taps",
        target="onnx-reference",
        requires=ONNX_REF,
        op="conv",
        applies=_zero_tap_hits_nonfinite,
        when="Conv with a dilation > 1 and inf or NaN in x between two taps of a window",
        spec="a dilated window reads only its taps: the cells between them take no part",
        behaviour="the evaluator inserts d - 1 zeros between the kernel's taps and convolves densely, so a "
        "skipped cell meets 0: inf * 0 gives NaN (x [1, inf, 1], kernel [1, 1], dilation 2: NaN, spec 2)",
        predict=_zero_taps_conv,
        example=lambda: Case("conv", np.array([[[1.0, np.inf, 1.0]]], np.float32),
                             weight=np.ones((1, 1, 2), np.float32), stride=(1,), padding="valid",
                             dilation=(2,)),
        link=pooling.SOURCE + "op_conv.py",
    )
)

# --- onnx 1.21-1.22: Conv in the evaluator's im2col path (ops_optimized/op_conv_optimized.py) --------------

ONNX_REF_IM2COL_CONV = {"onnx": ">=1.21,<1.23"}  # measured on onnx 1.21.0 and 1.22.0; 1.23 rewrote Conv


def _leading_dim_pads(case: Case) -> list[tuple[int, int]]:
    """auto_pad's pads as that Conv computes them: its loop over the spatial dims reads x.shape[i], not
    x.shape[i + 2], so the batch and channel sizes stand in for the first spatial sizes (a grouped call runs
    per sample and group: 1 and C/group), with the zero-dilated kernel; VALID is sized as SAME_UPPER."""
    if case.padding not in pooling.AUTO:
        return list(case.pads)
    leading = (1, case.shape[1] // case.groups, *case.shape[2:]) if case.groups > 1 else case.shape
    pads = []
    for n, s, k, d in zip(leading, case.strides, case.kernel, case.dilations):
        needed = ((n + s - 1) // s - 1) * s + (k - 1) * d + 1 - n
        head = (needed + 1) // 2 if case.padding == "same_lower" else needed // 2
        pads.append((head, needed - head))
    return pads


def _im2col_conv_sizes(case: Case) -> list[int]:
    return [(n + b + a - (k - 1) * d - 1) // s + 1 for n, (b, a), k, d, s
            in zip(case.shape[2:], _leading_dim_pads(case), case.kernel, case.dilations, case.strides)]


def _im2col_conv_raises(case: Case) -> bool:
    """np.pad refuses a negative pad; np.empty a negative output size."""
    return case.padding in pooling.AUTO and (
        min(min(pair) for pair in _leading_dim_pads(case)) < 0 or min(_im2col_conv_sizes(case)) < 0)


def _im2col_conv(case: Case, spec: np.ndarray) -> np.ndarray:
    sizes = _im2col_conv_sizes(case)
    if min(sizes) == 0:
        return np.zeros((case.shape[0], case.w.shape[0], *sizes))
    x = case.x.astype(np.float64)
    b = None if case.bias is None else case.bias.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        return reference.conv(x, _dilated_weight(case), b, case.strides, _leading_dim_pads(case), 1,
                              case.groups)


def _im2col_conv_departs(case: Case) -> bool:
    if case.padding not in pooling.AUTO or _im2col_conv_raises(case):
        return False
    with np.errstate(invalid="ignore", over="ignore"):
        return not np.array_equal(_im2col_conv(case, np.empty(0)), reference_output(case), equal_nan=True)


_IM2COL_SOURCE = "https://github.com/onnx/onnx/blob/v1.22.0/onnx/reference/ops_optimized/op_conv_optimized.py"
register(
    Divergence(
        id="onnx-reference-conv-auto-pad-from-leading-dims",
        target="onnx-reference",
        requires=ONNX_REF_IM2COL_CONV,
        op="conv",
        applies=_im2col_conv_departs,
        when="Conv with auto_pad VALID, SAME_UPPER or SAME_LOWER",
        spec="VALID pads nothing; SAME pads max(0, (ceil(n/s) - 1)*s + d*(k-1) + 1 - n) in each spatial dim",
        behaviour="sizes the pads of spatial dim i from x.shape[i], the batch and channel sizes first (per "
        "sample and group where group > 1), and pads VALID as SAME_UPPER: x (1, 1, 2), kernel 2, VALID has "
        "pads (0, 1) and 2 outputs, spec 1",
        predict=_im2col_conv,
        claims=spec_shape,
        example=lambda: Case("conv", np.array([[[1.0, 2.0]]], np.float32),
                             weight=np.ones((1, 1, 2), np.float32), stride=(1,), padding="valid"),
        link=_IM2COL_SOURCE,
    )
)
register(
    Divergence(
        id="onnx-reference-conv-auto-pad-negative",
        target="onnx-reference",
        requires=ONNX_REF_IM2COL_CONV,
        op="conv",
        applies=_im2col_conv_raises,
        when="Conv with auto_pad where the pads sized from the batch or channel dims come out negative "
        "(a stride > the kernel) or the output size below 0",
        spec="the op computes every valid case",
        behaviour="raises: np.pad's \"index can't contain negative values\" (x (2, 1, 1), kernel 1, "
        "stride 2, VALID: pad -1 from the batch size 2), wrapped as 'Shape inconsistencies' where group > 1",
        predict=spec_output,
        raises=r"index can't contain negative values|negative dimensions are not allowed|"
        r"Shape inconsistencies",
        example=lambda: Case("conv", np.ones((2, 1, 1), np.float32), weight=np.ones((1, 1, 1), np.float32),
                             stride=(2,), padding="valid"),
        link=_IM2COL_SOURCE,
    )
)


register(from_rule(SUM_OVERFLOW, id="onnx-reference-sum-overflow", target="onnx-reference",
                   requires=ONNX_REF))

register_working_format(
    "onnx-reference-{dtype}-sums-accumulate-in-{dtype}", "onnx-reference", ONNX_REF,
    {"bfloat16": ("avg_pool", "global_avg_pool", "lp_pool", "conv", "conv_transpose", "dense"),
     "float16": ("lp_pool", "conv", "conv_transpose", "dense")},
    lambda dtype: f"the evaluator sums in numpy's {dtype} arithmetic (np.average, matmul) and adds Gemm's "
    f"bias after rounding the product: {dtype} x = w = 1 + 2^-m, b = 2^-(m+1) lands on a tie and rounds to "
    "even",
    tie_after_rounding,
)


def _one_channel_per_group(case: Case) -> bool:
    return case.shape[1] == case.groups and case.w.shape[1] == 1


def _square_groups(case: Case) -> bool:
    """As many input as output channels per group: the grouped path's per-group weight reshape fits, and
    each group reaches col2im."""
    return case.shape[1] // case.groups == case.w.shape[1]


register(
    Divergence(
        id="onnx-reference-conv-transpose-output-padding-not-below-stride",
        target="onnx-reference",
        requires=ONNX_REF,
        op="conv_transpose",
        applies=lambda case: (case.groups == 1 or _square_groups(case))
        and output_padding_reaches_stride(case),
        when="ConvTranspose (ungrouped, or as many input as output channels per group) with an "
        "output_padding at least the stride in some dim (below max(stride, dilation), so valid)",
        spec="output_padding < max(stride, dilation) adds that many cells after the last window",
        behaviour="raises ValueError from col2im: 'expected size of input's dimension 2 to match the "
        "calculated number of sliding blocks' (x (1, 1, 1), kernel 1, stride 1, dilation 2, "
        "output_padding 1)",
        predict=spec_output,
        raises=r"ValueError: (.*expected size of input's dimension|Given n_input_plane)",
        example=lambda: Case("conv_transpose", np.ones((1, 1, 1), np.float32),
                             weight=np.ones((1, 1, 1), np.float32), stride=(1,), padding="valid",
                             output_padding=(1,), dilation=(2,)),
        link=pooling.SOURCE + "op_col2im.py",
    )
)


register(
    Divergence(
        id="onnx-reference-grouped-conv-transpose",
        target="onnx-reference",
        requires=ONNX_REF,
        op="conv_transpose",
        applies=lambda case: case.groups > 1 and not _one_channel_per_group(case)
        and not (_square_groups(case) and output_padding_reaches_stride(case)),
        when="ConvTranspose with groups > 1, unless every group has one input and one output "
        "channel",
        spec="each group's input channels scatter into that group's output channels",
        behaviour="the grouped path slices the weight's input-channel dim by output-channel counts and "
        "stores each group's output into one channel: a reshape or broadcast ValueError (x (1, 2, 1), "
        "weight (2, 2, 1), groups 2: 'cannot reshape array of size 4 into shape (1,1,2)')",
        predict=spec_output,
        raises=r"ValueError: (cannot reshape array|could not broadcast)",
        example=lambda: Case("conv_transpose", np.ones((1, 2, 1), np.float32),
                             weight=np.ones((2, 2, 1), np.float32), stride=(1,), padding="valid", groups=2),
        link=pooling.SOURCE + "op_conv_transpose.py",
    )
)


def _first_bias_everywhere(case: Case, spec: np.ndarray) -> np.ndarray:
    assert case.bias is not None
    shift = (float(case.bias[0]) - case.bias.astype(np.float64)).reshape((1, -1) + (1,) * case.rank)
    return spec + shift


register(
    Divergence(
        id="onnx-reference-grouped-conv-transpose-first-bias",
        target="onnx-reference",
        requires=ONNX_REF,
        op="conv_transpose",
        applies=lambda case: case.groups > 1 and _one_channel_per_group(case) and case.bias is not None
        and bool((case.bias != case.bias[0]).any()),
        when="ConvTranspose with groups > 1, one input and one output channel per group, and a bias",
        spec="output channel o adds bias[o]",
        behaviour="every group runs with the whole bias and keeps its first entry: every channel adds "
        "bias[0] (x (1, 2, 1), weight (2, 1, 1), bias [1, 2], groups 2: [x0 + 1, x1 + 1])",
        predict=_first_bias_everywhere,
        example=lambda: Case("conv_transpose", np.ones((1, 2, 1), np.float32),
                             weight=np.ones((2, 1, 1), np.float32), bias=np.array([1.0, 2.0], np.float32),
                             stride=(1,), padding="valid", groups=2),
        link=pooling.SOURCE + "op_conv_transpose.py",
    )
)
