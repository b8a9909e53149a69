"""The source a repro prints for an adapter call: the function, the module-level helpers it uses, and
the exact call, as one program that runs without this package."""

from __future__ import annotations

import builtins
import functools
import inspect
import sys
import types
from collections.abc import Callable
from typing import Any


def _names(code: types.CodeType) -> set[str]:
    found = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            found |= _names(const)
    return found


@functools.cache
def standalone_source(fn: Callable[..., Any]) -> str:
    """`fn`'s source after the imports, module-level functions and constants it reaches, in the order
    they are needed (frameworks are imported inside the functions themselves)."""
    module = sys.modules[fn.__module__]
    ordered: list[str] = []
    imports: list[str] = []
    seen: set[str] = set()

    def visit(name: str, value: Any) -> None:
        if name in seen:
            return
        seen.add(name)
        if inspect.isfunction(value) and value.__module__ == fn.__module__:
            for used in sorted(_names(value.__code__)):
                if hasattr(module, used) and not hasattr(builtins, used):
                    visit(used, getattr(module, used))
            ordered.append(inspect.getsource(value).rstrip())
        elif isinstance(value, types.ModuleType):
            imports.append(f"import {value.__name__}" + ("" if value.__name__ == name else f" as {name}"))
        elif isinstance(value, (int, float, str, tuple, frozenset, dict)) and not name.startswith("__"):
            ordered.append(f"{name} = {value!r}")

    visit(fn.__name__, fn)
    return "\n".join(sorted(imports)) + "\n\n" + "\n\n".join(ordered) + "\n"


def call_source(fn: Callable[..., Any], arrays: tuple[str, ...], params: dict[str, Any]) -> str:
    args = [f"{name}={name}" for name in arrays] + [f"{k}={v!r}" for k, v in params.items()]
    return f"actual = {fn.__name__}({', '.join(args)})"
