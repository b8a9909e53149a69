"""A user's own module (`--impl MODULE` or CONFORMANCE_IMPL) exposing the reference API's names.

Every op the module defines is tested with the reference's signature. A NotImplementedError raised by
the module means "this case is not expressible here", so partial implementations can be checked too.
"""

from __future__ import annotations

import importlib
import importlib.util
import os

import numpy as np

from ..api_check import ApiReport, compare, describe_module
from ..cases import Case
from ..ops import OPS
from . import Adapter, Call, Capabilities, Target, _always
from .capabilities import declared

# --- adapters: run in the impl worker -----------------------------------------------------------------


def call_impl(x, *, module, op, grad_output=None, pick=None, **arguments):
    """module.op(x, **arguments), or for a backward op module.op(grad_output, x, **arguments): the user's
    function under the reference's name and signature, its result as returned (the suite checks it is one
    array); `pick` takes one gradient of the (grad_x, grad_weight, grad_bias) of a conv/dense backward."""
    impl = importlib.import_module(module)
    fn = getattr(impl, op)
    result = fn(x, **arguments) if grad_output is None else fn(grad_output, x, **arguments)
    if pick is not None:
        if not (isinstance(result, (tuple, list)) and len(result) == 3):
            raise TypeError(f"{op} must return (grad_x, grad_weight, grad_bias), grad_bias None without a "
                            f"bias; got {type(result).__name__}"
                            + (f" of length {len(result)}" if isinstance(result, (tuple, list)) else ""))
        result = result[pick]
    if hasattr(result, "__array__") and not isinstance(result, np.ndarray):  # a torch/jax array: as numpy
        return np.asarray(result)
    return result


def output_size(*, module, **arguments):
    return importlib.import_module(module).output_size(**arguments)


# --- translation ----------------------------------------------------------------------------------------

EVERYTHING = Capabilities(dtypes=("float32", "float64"))
# integer inputs keep their dtype only where the op picks values (max pooling, padding)
PICKING = Capabilities(dtypes=("float32", "float64"), int_ranks=(1, 2, 3))
PICKING_OPS = ("max_pool", "adaptive_max_pool", "global_max_pool", "zero_pad")
API = (*OPS, "output_size")


class ImplTarget(Target):
    def __init__(self, module: str):
        self.module = module
        super().__init__(name="impl", package=module)
        self._provided: list[str] | None = None
        self._api: ApiReport | None = None

    def missing_reason(self) -> str | None:
        try:
            found = importlib.util.find_spec(self.module)
        except (ImportError, ValueError) as err:
            return f"impl: cannot locate module {self.module!r}: {err}"
        if found is None:
            return (
                f"impl: module {self.module!r} is not importable from {os.getcwd()} "
                "(add its folder to PYTHONPATH if it lives elsewhere)"
            )
        return None

    @property
    def version(self) -> str:
        return self.module

    @property
    def label(self) -> str:
        return f"impl {self.module}"

    @property
    def api(self) -> ApiReport:
        """What the module offers of the reference API, asked of the worker once (importing it may crash)."""
        if self._api is None:
            outcome = self.run_call(Call(describe_module, {"module": self.module}, ()), {})
            if outcome.kind != "ok":
                raise RuntimeError(f"impl: importing {self.module!r} {outcome.describe()}")
            functions, capabilities = outcome.values["actual"]
            self._api = compare(self.module, functions, API)
            self._api.capabilities = capabilities
        return self._api

    @property
    def provided(self) -> list[str]:
        """The reference API names the module defines with a signature the suite can call."""
        if self._provided is None:
            self._provided = list(self.api.defined)
            declared_caps = self.api.capabilities or {}
            unknown = sorted(set(declared_caps) - set(OPS))
            if unknown:
                raise ValueError(f"{self.module}.CONFORMANCE_CAPABILITIES names no op {unknown}; "
                                 f"ops: {list(OPS)}")
            self.adapters = {}
            for op in (op for op in self._provided if op in OPS):
                caps = (declared(dict(declared_caps[op]), op) if op in declared_caps
                        else PICKING if op in PICKING_OPS else EVERYTHING)
                # outside declared capabilities (the unrestricted share) a case is not expressible, not a bug
                supports = caps.excludes if op in declared_caps else _always
                self.adapters[op] = Adapter(caps, self._call, supports)
        return self._provided

    def versions(self) -> dict[str, str]:
        return {}

    def capabilities(self, op: str) -> Capabilities | None:
        if op not in self.provided:
            return None
        return super().capabilities(op) or EVERYTHING  # output_size: a function, not an op

    def _call(self, case: Case) -> Call:
        gradients = case.spec.gradients
        pick = {"pick": gradients.index(case.wrt)} if len(gradients) > 1 else {}
        return Call(call_impl, {"module": self.module, "op": case.op, **pick, **case.kwargs()},
                    case.array_names())

    def output_size_call(self, arguments: dict[str, object]) -> Call:
        return Call(output_size, {"module": self.module, **arguments}, ())
