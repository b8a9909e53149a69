"""The registries' data: divergences, one module per target, and the error-contract records.

Each module registers its entries when imported; `load()` imports them all once, on the first question a
registry is asked (`divergences.registry()`, `errors.records()`)."""

from __future__ import annotations

import importlib

MODULES = ("torch_known", "keras_known", "errors_known")
_loaded: list[str] = []


def load() -> None:
    for name in MODULES:
        if name not in _loaded:
            _loaded.append(name)
            importlib.import_module(f"{__name__}.{name}")
