"""What a user's module (`--impl`) offers of the reference API, checked before any test runs.

The module is imported in the impl worker (importing it may crash); the parent compares what it found
with the reference's names and signatures: the API names it defines, near misses among its other
functions (`maxpool`, `conv2d`), and signatures the suite cannot call the way it calls the reference.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import re
from dataclasses import dataclass, field

import reference

# --- run in the impl worker ------------------------------------------------------------------------------


def describe_module(*, module):
    """{name: (parameter names, their kinds, which have defaults)} for every public callable of the module,
    and its CONFORMANCE_CAPABILITIES (None where it declares none)."""
    impl = importlib.import_module(module)
    found = {}
    for name in dir(impl):
        fn = getattr(impl, name)
        if name.startswith("_") or not callable(fn) or inspect.isclass(fn):
            continue
        try:
            params = inspect.signature(fn).parameters.values()
        except (TypeError, ValueError):
            continue
        found[name] = [(p.name, p.kind.name, p.default is not inspect.Parameter.empty) for p in params]
    return found, getattr(impl, "CONFORMANCE_CAPABILITIES", None)


# --- compared in the parent -------------------------------------------------------------------------------


@dataclass
class ApiReport:
    module: str
    defined: list[str] = field(default_factory=list)  # API names with a callable signature
    near_misses: dict[str, str] = field(default_factory=dict)  # the module's name -> the API name it may mean
    mismatches: dict[str, list[str]] = field(default_factory=dict)  # API name -> what is wrong
    capabilities: dict[str, dict[str, object]] | None = None  # the module's CONFORMANCE_CAPABILITIES

    def lines(self) -> list[str]:
        out = [f"impl {self.module}: defines {', '.join(self.defined) or 'none of the reference API'}"]
        out += [f"  {name}() looks like {api}() of the reference API: rename it (or alias it) to be tested"
                for name, api in self.near_misses.items()]
        for name, problems in self.mismatches.items():
            signature = f"{name}{inspect.signature(getattr(reference, name))}"
            out.append(f"  {name}: {'; '.join(problems)}; the suite calls it as the reference's {signature}")
        return out


def _normal(name: str) -> str:
    """maxPool2d, max_pool_2d, MaxPool -> maxpool: case, underscores and a trailing rank dropped."""
    return re.sub(r"_?[123]d$", "", name.lower()).replace("_", "")


def compare(module: str, found: dict[str, list[tuple[str, str, bool]]], api: tuple[str, ...]) -> ApiReport:
    report = ApiReport(module)
    normal_api = {_normal(n): n for n in api}
    for name, params in sorted(found.items()):
        if name in api:
            problems = _signature_problems(name, params)
            if problems:
                report.mismatches[name] = problems
            else:
                report.defined.append(name)
            continue
        close = difflib.get_close_matches(name, api, 1, 0.8)
        guess = normal_api.get(_normal(name)) or (close[0] if close else None)
        if guess and guess not in found:
            report.near_misses[name] = guess
    return report


def _signature_problems(name: str, params: list[tuple[str, str, bool]]) -> list[str]:
    """How the module's signature differs from how the suite calls the reference's."""
    ref = list(inspect.signature(getattr(reference, name)).parameters.values())
    names = [p for p, _, _ in params]
    takes_kwargs = any(kind == "VAR_KEYWORD" for _, kind, _ in params)
    problems = []
    positional = name != "output_size"  # ops get the input positionally, everything else by keyword
    if positional and (not params or params[0][1] not in ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD")):
        problems.append("takes no positional input array")
    keywords = ref[1:] if positional else ref
    missing = [p.name for p in keywords if p.name not in names[1 if positional else 0:] and not takes_kwargs]
    if missing:
        problems.append(f"has no parameter {', '.join(repr(m) for m in missing)}")
    known = {p.name for p in ref}
    extra = [p for p, kind, has_default in params[1 if positional else 0:]
             if p not in known and not has_default and kind not in ("VAR_POSITIONAL", "VAR_KEYWORD")]
    if extra:
        required = ", ".join(repr(e) for e in extra)
        problems.append(f"requires {required}, which the reference API does not have")
    return problems
