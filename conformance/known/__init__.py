"""The registries' data: divergences, one module per target, and the error-contract records.

Each module registers its entries when imported; `load()` imports them all once, on the first question a
registry is asked (`divergences.registry()`, `errors.records()`)."""

from __future__ import annotations

import importlib
import pkgutil

_loaded: list[str] = []


def load() -> None:
    """Import every `*_known` module of this package (a new target's file needs no other line)."""
    for module in pkgutil.iter_modules(__path__):
        if module.name.endswith("_known") and module.name not in _loaded:
            _loaded.append(module.name)
            importlib.import_module(f"{__name__}.{module.name}")
