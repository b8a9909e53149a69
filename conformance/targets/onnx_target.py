"""ONNX: one-node models run by ONNX Runtime (`onnxruntime`) and by ONNX's reference evaluator
(`onnx-reference`), which share every adapter here and differ only in the engine that runs the model.

Each case becomes one node (MaxPool, AveragePool, LpPool, GlobalMaxPool, GlobalAveragePool, Pad, Conv,
ConvTranspose, Gemm, Relu, LeakyRelu, Sigmoid, Tanh) in a model of one opset: the newest the installed onnx
defines, or an older one named as a variant (`onnxruntime@opset18`: before AveragePool's dilations, opset
19, and before the opset-22 pooling and Conv schemas that admit bfloat16). ONNX shape inference (strict)
runs on every model, and the output shape it claims is compared with the formula, as Keras'
compute_output_shape is. ONNX graphs for inference have no gradients, so the backward ops are not
expressible.

The adapter function at the top runs in the target's worker; the rest translates a case into its node and
needs no onnx.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.metadata
import importlib.util
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from ..cases import Case
from . import Adapter, Call, Capabilities, NotExpressible, Target

# --- the adapter: runs in the worker --------------------------------------------------------------------


def onnx_node(x, weight=None, bias=None, *, op_type, attributes, constants, engine, opset):
    """Build a model of one `op_type` node at `opset` reading x (then weight and bias where given, then
    `constants`, int64 initializers such as Pad's pads), run ONNX shape inference on it (strict, checking
    the schema's types), and run it with `engine` ("onnxruntime" or "onnx.reference"). Returns
    (y, the output shape inference claims)."""
    import onnx
    from onnx import helper, shape_inference

    feeds = {k: v for k, v in (("x", x), ("weight", weight), ("bias", bias)) if v is not None}

    def tensor(name, a):
        return helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(a.dtype), a.shape)

    initializers = [onnx.numpy_helper.from_array(np.asarray(v, dtype=np.int64), k)
                    for k, v in constants.items()]
    node = helper.make_node(op_type, [*feeds, *constants], ["y"], **attributes)
    graph = helper.make_graph([node], op_type, [tensor(k, v) for k, v in feeds.items()],
                              [helper.make_tensor_value_info("y", helper.np_dtype_to_tensor_dtype(x.dtype),
                                                             None)],
                              initializers)
    opsets = [helper.make_opsetid("", opset)]
    try:  # the oldest IR version the opset allows: an engine refuses IR versions newer than it knows
        ir_version = helper.find_min_ir_version_for(opsets)
    except ValueError:  # onnx 1.22's version table stops at 1.21 (opset 26) though it defines opset 27
        ir_version = onnx.IR_VERSION
    model = helper.make_model(graph, opset_imports=opsets, ir_version=ir_version)
    # check_type: the schema's type constraints, as ONNX Runtime enforces them when it loads a model
    inferred = shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    dims = inferred.graph.output[0].type.tensor_type.shape.dim
    claimed = tuple(d.dim_value if d.HasField("dim_value") else None for d in dims)
    if engine == "onnxruntime":
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 4  # fatal only: a refused model raises, with its message
        session = onnxruntime.InferenceSession(model.SerializeToString(), options,
                                               providers=["CPUExecutionProvider"])
        (y,) = session.run(["y"], feeds)
    else:
        from onnx.reference import ReferenceEvaluator

        (y,) = ReferenceEvaluator(model).run(None, feeds)
    return np.asarray(y), claimed


# --- translation: case -> node (no onnx needed) -----------------------------------------------------------

NEWEST = "newest"  # the newest opset the installed onnx defines, asked in the worker's process
OLDER_OPSET = 18
_OUTPUTS = ("actual", "claimed_shape")
_AUTO_PAD = {"same": "SAME_UPPER", "same_lower": "SAME_LOWER", "valid": "VALID"}


def _padding(case: Case) -> dict[str, Any]:
    """auto_pad for the named forms ('same' is SAME_UPPER: the odd cell after), else explicit pads
    [x1_begin, x2_begin, ..., x1_end, x2_end, ...]."""
    if isinstance(case.padding, str) and case.padding in _AUTO_PAD:
        return {"auto_pad": _AUTO_PAD[case.padding]}
    pads = case.pads
    return {"pads": [b for b, _ in pads] + [a for _, a in pads]}


def _window(case: Case) -> dict[str, Any]:
    """kernel_shape, strides and padding, and dilations where a dim dilates (users leave the default)."""
    attributes: dict[str, Any] = {"kernel_shape": list(case.kernel), "strides": list(case.strides),
                                  **_padding(case)}
    if any(d != 1 for d in case.dilations):
        attributes["dilations"] = list(case.dilations)
    return attributes


def _pool_attributes(case: Case) -> dict[str, Any]:
    attributes = _window(case)
    if case.ceil_mode:
        attributes["ceil_mode"] = 1
    if case.op == "avg_pool":  # ONNX's default is 0, the spec's True: always said
        attributes["count_include_pad"] = int(case.count_include_pad)
    if case.op == "lp_pool":
        attributes["p"] = int(case.p)
    return attributes


def _conv_attributes(case: Case) -> dict[str, Any]:
    return {**_window(case), "group": case.groups}


def _transpose_attributes(case: Case) -> dict[str, Any]:
    """ConvTranspose: the crop as pads and the extra cells as output_padding, resolved as the spec does."""
    crops, extra = case.transpose_geometry
    attributes: dict[str, Any] = {"kernel_shape": list(case.kernel), "strides": list(case.strides),
                                  "pads": [b for b, _ in crops] + [a for _, a in crops], "group": case.groups}
    if any(extra):
        attributes["output_padding"] = list(extra)
    if any(d != 1 for d in case.dilations):
        attributes["dilations"] = list(case.dilations)
    return attributes


def _zero_pad_pads(case: Case) -> list[int]:
    """Pad's pads input over every axis of (N, C, *spatial): begins, then ends."""
    pads = case.pads
    return [0, 0, *(b for b, _ in pads), 0, 0, *(a for _, a in pads)]


def _pool_supports(case: Case, opset: int) -> str | None:
    if case.op == "avg_pool" and case.divisor_override is not None:
        return "AveragePool has no divisor_override"
    if case.op == "avg_pool" and opset < 19 and any(d != 1 for d in case.dilations):
        return f"AveragePool has no dilations before opset 19 (the model's opset is {opset})"
    if case.op == "lp_pool" and not float(case.p).is_integer():
        return f"LpPool's p is an int attribute; norm_type {case.p} is not an integer"
    if case.op == "max_pool" and case.dtype in ("int32", "int64"):
        return f"MaxPool's T has int8 and uint8 among the integers, not {case.dtype}"
    return None


def _always(case: Case, opset: int) -> str | None:
    return None


@dataclasses.dataclass(frozen=True)
class Node:
    """One op as an ONNX node: its type, its attributes and constant inputs for a case, why a case is not
    expressible at an opset (None: it is), and the opset whose schema first admits bfloat16."""

    op_type: str
    bfloat16_since: int
    attributes: Callable[[Case], dict[str, Any]] = lambda case: {}
    constants: Callable[[Case], dict[str, list[int]]] = lambda case: {}
    supports: Callable[[Case, int], str | None] = _always


NODES = {
    "max_pool": Node("MaxPool", 22, _pool_attributes, supports=_pool_supports),
    "avg_pool": Node("AveragePool", 22, _pool_attributes, supports=_pool_supports),
    "lp_pool": Node("LpPool", 22, _pool_attributes, supports=_pool_supports),
    "global_max_pool": Node("GlobalMaxPool", 22),
    "global_avg_pool": Node("GlobalAveragePool", 22),
    "zero_pad": Node("Pad", 13, constants=lambda case: {"pads": _zero_pad_pads(case)}),
    "conv": Node("Conv", 22, _conv_attributes),
    "conv_transpose": Node("ConvTranspose", 22, _transpose_attributes),
    "dense": Node("Gemm", 13, lambda case: {"transB": 1}),
    "relu": Node("Relu", 14),
    "leaky_relu": Node("LeakyRelu", 16, lambda case: {"alpha": case.negative_slope}),
    "sigmoid": Node("Sigmoid", 13),
    "tanh": Node("Tanh", 13),
}

_FLOATS = ("float32", "float64", "float16", "bfloat16")
# ONNX Runtime 1.32's CPU provider, measured per op over 1-3-D and opsets 18, 22 and 28: every other float
# type is refused with "Could not find an implementation" (float16 runs through inserted casts to float32)
_ORT_DTYPES = {
    "max_pool": ("float32", "float64", "float16"),
    "avg_pool": ("float32", "float16"),
    "lp_pool": ("float32", "float16"),
    "global_max_pool": ("float32", "float16"),
    "global_avg_pool": ("float32", "float16"),
    "zero_pad": ("float32", "float64", "float16"),
    "conv": ("float32", "float16"),
    "conv_transpose": ("float32", "float16"),
    "dense": ("float32", "float64", "float16"),
    "relu": ("float32", "float64", "float16"),
    "leaky_relu": ("float32", "float16"),
    "sigmoid": ("float32", "float64", "float16"),
    "tanh": ("float32", "float64", "float16"),
}
_EXTRA: dict[str, dict[str, Any]] = {
    "max_pool": {"int_ranks": (1, 2, 3), "divisor_override_ranks": (), "count_include_pad": False,
                 "same_lower": True},
    "avg_pool": {"divisor_override_ranks": (), "same_lower": True},
    "lp_pool": {"divisor_override_ranks": (), "count_include_pad": False, "same_lower": True},
    "zero_pad": {"int_ranks": (1, 2, 3)},
    "conv": {"same_lower": True},
}


def _dtypes(op: str, engine: str, opset: int) -> tuple[str, ...]:
    """The float types an op runs in: the schema's at this opset (bfloat16 from `bfloat16_since`), and of
    those, for ONNX Runtime, the ones its CPU provider has kernels for."""
    schema = _FLOATS if opset >= NODES[op].bfloat16_since else _FLOATS[:3]
    return tuple(d for d in schema if engine != "onnxruntime" or d in _ORT_DTYPES[op])


def adapters(engine: str, opset: int) -> dict[str, Adapter]:
    """Every op's adapter for one engine at one opset."""

    def adapter(op: str, node: Node) -> Adapter:
        def call(case: Case) -> Call:
            return Call(onnx_node, {"op_type": node.op_type, "attributes": node.attributes(case),
                                    "constants": node.constants(case), "engine": engine, "opset": opset},
                        case.array_names(), _OUTPUTS)

        def error_call(case: Case, rank: int) -> Call:
            try:
                return call(case)
            except (ValueError, TypeError) as err:  # padding or a window that does not resolve
                raise NotExpressible(f"ONNX takes resolved ints: {err}") from None

        caps = Capabilities(dtypes=_dtypes(op, engine, opset), **_EXTRA.get(op, {}))
        return Adapter(caps, call, lambda case: node.supports(case, opset), error_call)

    return {op: adapter(op, node) for op, node in NODES.items()}


def newest_opset(engine: str) -> int:
    """The newest opset of the default domain the installed onnx defines, or, for ONNX Runtime, the
    newest it supports where that is older (it names it when refusing a newer model)."""
    from onnx.defs import onnx_opset_version

    newest = int(onnx_opset_version())
    return min(newest, onnxruntime_newest_opset(newest)) if engine == "onnxruntime" else newest


@functools.cache
def onnxruntime_newest_opset(candidate: int) -> int:
    """`candidate`, or the newest opset ONNX Runtime loads: it names its limits when it refuses a model
    ('max supported IR version: 10', 'Current official support for domain ai.onnx is till opset 22'), so
    a Relu model steps down to the newest opset whose IR version it takes, and then to its opset."""
    import onnxruntime
    from onnx import TensorProto, helper

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 4
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "probe",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    newest_ir = None
    for opset in range(candidate, 6, -1):
        opsets = [helper.make_opsetid("", opset)]
        try:
            ir = helper.find_min_ir_version_for(opsets)
        except ValueError:  # an opset newer than the installed onnx's version table
            continue
        if newest_ir is not None and ir > newest_ir:
            continue
        model = helper.make_model(graph, opset_imports=opsets, ir_version=ir)
        try:
            onnxruntime.InferenceSession(model.SerializeToString(), options,
                                         providers=["CPUExecutionProvider"])
            return opset
        except Exception as err:  # the message carries the limit
            text = str(err)
            if found := re.search(r"max supported IR version: (\d+)", text):
                newest_ir = int(found.group(1))
            elif found := re.search(r"is till opset (\d+)", text):
                return min(opset, int(found.group(1)))
            else:
                raise
    return candidate


class OnnxTarget(Target):
    """A one-node-model engine: `onnxruntime` or `onnx-reference`; `@opset18` runs it at an older opset."""

    default_variants = (f"opset{OLDER_OPSET}",)

    def __init__(self, name: str, package: str, engine: str, opset: int | None = None) -> None:
        super().__init__(name=name, package=package)
        self.engine = engine
        self._opset = opset

    @property
    def opset(self) -> int:
        if self._opset is None:
            self._opset = newest_opset(self.engine)
        return self._opset

    def missing_reason(self) -> str | None:
        return super().missing_reason() or (
            None if self.package == "onnx" or importlib.util.find_spec("onnx")
            else f"{self.name}: package 'onnx' (which builds its models) is not installed")

    def capabilities(self, op: str) -> Capabilities | None:
        self._adapters()
        return super().capabilities(op)

    def call(self, case: Case) -> Call:
        self._adapters()
        return super().call(case)

    def error_call(self, case: Case, rank: int) -> Call:
        self._adapters()
        return super().error_call(case, rank)

    def _adapters(self) -> None:
        if not self.adapters:  # the opset (and so the dtypes) is known once onnx is asked
            self.adapters = adapters(self.engine, self.opset)

    def unsupported(self, case: Case) -> str | None:
        if self.capabilities(case.op) is None:
            return self.lacks(case.op)
        return super().unsupported(case)

    def lacks(self, op: str) -> str:
        if op.endswith("_backward"):
            return f"{self.name} runs inference graphs, which have no gradients"
        return _LACKS.get(op, f"ONNX has no {op} op")

    def with_variant(self, variant: str) -> Target:
        if not (variant.startswith("opset") and variant[5:].isdigit()):
            raise ValueError(f"{self.name}@{variant}: the ONNX targets' variant is an opset "
                             f"(`{self.name}@opset{OLDER_OPSET}`); MLAS picks its kernels by cpuid, with no "
                             "cap")
        copied = OnnxTarget(self.name, self.package, self.engine, int(variant[5:]))
        copied.variant = variant
        return copied

    @property
    def version(self) -> str:
        onnx = "" if self.package == "onnx" else f", onnx {_version('onnx')}"
        return f"{super().version} (opset {self.opset}{onnx})"

    def versions(self) -> dict[str, str]:
        """The packages, and the opset as a version of its own (an entry may hold from opset 19 on)."""
        return {self.package: super().version, "onnx": _version("onnx"), "opset": str(self.opset)}


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


_LACKS = {
    "sum_pool": "ONNX has no sum pooling (AveragePool times the window is not what a user writes)",
    "adaptive_max_pool": "ONNX has no adaptive pooling op (exporters write fixed-window MaxPool)",
    "adaptive_avg_pool": "ONNX has no adaptive pooling op (exporters write fixed-window AveragePool)",
    "im2col": "ONNX has no im2col op (Col2Im exists, its inverse, and nothing draws it)",
}


def onnxruntime_target() -> OnnxTarget:
    return OnnxTarget("onnxruntime", "onnxruntime", "onnxruntime")


def onnx_reference_target() -> OnnxTarget:
    return OnnxTarget("onnx-reference", "onnx", "onnx.reference")
