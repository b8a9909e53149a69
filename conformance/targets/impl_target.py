"""A user's own module (`--impl MODULE` or CONFORMANCE_IMPL) exposing the reference API's names.

Every op the module defines is tested with the reference's signature. A NotImplementedError raised by
the module means "this case is not expressible here", so partial implementations can be checked too.
"""

from __future__ import annotations

import importlib.util
import os

from ..cases import OP_PARAMS, Case
from . import Capabilities, Target

EVERYTHING = Capabilities(dtypes=("float32", "float64"))
# integer inputs keep their dtype only where the op picks values (max pooling, padding)
PICKING = Capabilities(dtypes=("float32", "float64"), int_ranks=(1, 2, 3))
API = (*OP_PARAMS, "output_size", "im2col")


class ImplTarget(Target):
    def __init__(self, module: str):
        self.module = module
        super().__init__(name="impl", package=module)
        self._provided: list[str] | None = None

    def missing_reason(self) -> str | None:
        try:
            found = importlib.util.find_spec(self.module)
        except (ImportError, ValueError) as err:
            return f"impl: cannot locate module {self.module!r}: {err}"
        if found is None:
            return (f"impl: module {self.module!r} is not importable from {os.getcwd()} "
                    "(add its folder to PYTHONPATH if it lives elsewhere)")
        return None

    @property
    def version(self) -> str:
        return self.module

    @property
    def label(self) -> str:
        return f"impl {self.module}"

    @property
    def provided(self) -> list[str]:
        """The reference API names the module defines, asked of the worker (importing it may crash)."""
        if self._provided is None:
            outcome = self.run_program(
                f"import importlib\nm = importlib.import_module({self.module!r})\n"
                f"actual = [n for n in {API!r} if callable(getattr(m, n, None))]\n", {})
            if outcome.kind != "ok":
                raise RuntimeError(f"impl: importing {self.module!r} {outcome.describe()}")
            self._provided = outcome.values["actual"]
        return self._provided

    def versions(self) -> dict[str, str]:
        return {}

    def capabilities(self, op: str) -> Capabilities | None:
        if op not in self.provided:
            return None
        return PICKING if op in ("max_pool", "adaptive_max_pool", "global_max_pool", "zero_pad") else EVERYTHING

    def program(self, case: Case) -> str:
        args = ["x"] + [f"{k}={k}" for k in ("weight", "bias") if getattr(case, k) is not None]
        args += [f"{k}={v!r}" for k, v in case.kwargs().items()]
        return self.program_for_call(f"np.asarray(impl.{case.op}({', '.join(args)}))")

    def program_for_call(self, call: str) -> str:
        call = call if call.startswith("np.") else f"impl.{call}"
        return (
            "import importlib\n"
            f"impl = importlib.import_module({self.module!r})\n"
            f"actual = {call}\n"
        )

