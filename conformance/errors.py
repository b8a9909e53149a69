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

Every call runs in the target's worker process (`observe`), so a SIGFPE is an observation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np

from .cases import reference_output
from .divergences import versions_satisfy
from .error_inputs import ErrorInput, says
from .executor import Outcome
from .ops import error_inputs

if TYPE_CHECKING:
    from .targets import Target

__all__ = ["ERROR_INPUTS", "KINDS", "ErrorInput", "says"]

Kind = Literal["raises", "returns_empty", "returns_result", "conforms", "crashes", "hangs", "not_expressible"]
KINDS: tuple[Kind, ...] = (
    "raises",
    "returns_empty",
    "returns_result",
    "conforms",
    "crashes",
    "hangs",
    "not_expressible",
)


ERROR_INPUTS: tuple[ErrorInput, ...] = error_inputs()
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
    kind: Kind
    exc_type: str = ""  # raises: the exception's class name
    detail: str = (
        ""  # raises: the message's headline; crashes: the signal; returns/conforms: the output shape
    )
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


def observe(target: Target, ei: ErrorInput) -> Observed:
    """Run the error input on the target (in its worker) and classify what happened."""
    from .compare import compare, expected_in_dtype
    from .targets import NotExpressible

    try:
        call = target.error_call(ei.case, ei.rank)
    except NotExpressible as err:
        return Observed("not_expressible", detail=str(err))
    outcome = target.run_call(call, ei.case.arrays(), target.worker_name(ei.case))
    if outcome.kind == "raised":
        exc_type = outcome.exc_type.rsplit(".", 1)[-1]
        if target.name == "impl" and exc_type == "NotImplementedError":
            return Observed(
                "not_expressible",
                detail=f"raised NotImplementedError: {headline(outcome.message)}",
                outcome=outcome,
            )
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
    kind: Kind
    exc_type: str = ""  # raises: the exception's class name
    detail: str = (
        ""  # raises: message headline; crashes: signal; returns/conforms: shape; not_expressible: why
    )
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


REGISTRY: list[ErrorBehaviour] = []  # filled by conformance/known/errors_known.py; read through records()


def records() -> list[ErrorBehaviour]:
    from .known import load

    load()
    return REGISTRY


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
        return [
            e
            for e in records()
            if e.target == self.target
            and e.error_input == error_input_id
            and (
                not e.requires
                or (e.in_range(self.versions) if self.versions else e.requires == self.requires)
            )
        ]


RECORDINGS: list[Recording] = []  # filled by errors_known.py; read through recordings()


def recordings() -> list[Recording]:
    records()
    return RECORDINGS


def recording(
    target: str, label: str, requires: dict[str, str], versions: dict[str, str] | None = None
) -> dict[str, str]:
    """Declare a column (a target and version range records are taken for); returns `requires`."""
    RECORDINGS.append(Recording(target, label, requires, versions))
    return requires


def record(
    target: str,
    requires: dict[str, str],
    error_input: str,
    kind: Kind,
    exc_type: str = "",
    detail: str = "",
    claimed: str = "",
    note: str = "",
) -> ErrorBehaviour:
    if error_input not in BY_ID:
        raise ValueError(f"error behaviour for unknown error input {error_input!r}")
    if kind not in KINDS:
        raise ValueError(f"error behaviour kind must be one of {KINDS}; got {kind!r}")
    entry = ErrorBehaviour(target, requires, error_input, kind, exc_type, detail, claimed, note)
    REGISTRY.append(entry)
    return entry


def recorded(target_name: str, versions: dict[str, str], error_input_id: str) -> list[ErrorBehaviour]:
    """The records for this target and error input whose version range holds these versions."""
    return [
        e
        for e in records()
        if e.target == target_name and e.error_input == error_input_id and e.in_range(versions)
    ]


def suggest(target: Target, ei: ErrorInput, seen: Observed) -> str:
    """A `record(...)` line for errors_known.py that matches what was observed."""
    detail = seen.detail
    if seen.kind == "raises":  # Keras layer names carry a counter (none on a worker's first layer of a
        # kind, so the cases run before decide it); TF's messages a source line
        detail = re.sub(r"(['\"])(\w+?)_\d+\1", "\\1\\2…\\1", detail)
        detail = re.sub(r"\bLayer \w+ weight shape", "Layer … weight shape", detail)
        detail = re.sub(r"\.cc:\d+", ".cc:…", detail)
    package = _described_package(target, seen)
    version = target.versions().get(package, "0")
    major, minor = [*version.split("+")[0].split("."), "0"][:2]
    # closed, one minor release wide: it cannot overlap a record that would already have matched
    requires = {package: f">={major}.{minor},<{major}.{int(minor) + 1}"}
    args = [repr(target.name), repr(requires), repr(ei.id), repr(seen.kind)]
    if seen.exc_type:
        args.append(f"exc_type={seen.exc_type!r}")
    args.append(f"detail={detail!r}")
    if seen.claimed and seen.kind == "returns_empty":
        args.append(f"claimed={seen.claimed!r}")
    return f"record({', '.join(args)})"


def _described_package(target: Target, seen: Observed) -> str:
    """The package whose behaviour an observation describes: the backend's for its own exception types,
    crashes and returned arrays (kernels); the target's own package (Keras' checks) otherwise."""
    versions = target.versions()
    module = seen.outcome.exc_type.split(".", 1)[0] if seen.outcome is not None else ""
    backends = [p for p in versions if p != target.package]
    if module in versions:
        return module
    if backends and seen.kind in ("crashes", "hangs", "returns_empty", "returns_result", "conforms"):
        return backends[0]
    return target.package if target.package in versions else next(iter(versions), target.package)


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
    heads = [r.label for r in recordings()]
    lines = [
        "# The error contract",
        "",
        "Generated from `conformance/errors.py` (the error inputs) and `conformance/known/errors_known.py` "
        "(what",
        "each target does with them) by `python -m conformance docs`; do not edit by hand.",
        "`conformance/test_error_contract.py` runs every error input on every selected target, in its worker",
        "process, and fails when a target no longer behaves as recorded here.",
        "",
        "The spec (the `reference` column) rejects each input with a ValueError or TypeError that states "
        "the rule",
        "and the numbers. Rows marked *target limit* are valid for the spec and exceed one target's own "
        "limit.",
        "A **bold** cell is a divergence: the target accepts an input the spec rejects (returns an empty "
        "array",
        "or a result) or dies on it. *not expressible*: the target's API has no way to write the call.",
        "",
        "Columns (each recorded on the versions in its header; its records hold for the range given):",
        *(
            f"- {r.target}: {r.label}, records for {', '.join(f'{p} {s}' for p, s in r.requires.items())}"
            for r in recordings()
        ),
        "",
        "Inputs are `x = 1, 2, 3, ...` in the shape shown (float32 unless noted), weights ones; calls are",
        "channels-first, with the API of the rank shown (F.max_pool1d, MaxPooling1D, ...).",
        "",
    ]
    ops = list(dict.fromkeys(ei.op for ei in ERROR_INPUTS))
    for op in ops:
        lines += [
            f"## `{op}`",
            "",
            "| input | rule | call | reference | " + " | ".join(heads) + " |",
            "|---|---|---|---|" + "---|" * len(heads),
        ]
        for ei in (e for e in ERROR_INPUTS if e.op == op):
            rule = f"*target limit*: {ei.rule}" if ei.target_limit else ei.rule
            api = f" ({ei.rank}-D API)" if ei.rank else ""
            cells = [
                f"`{ei.id.split('/', 1)[1]}`",
                _md(rule),
                f"`{_md(ei.describe())}`{api}",
                _reference_cell(ei),
            ]
            cells += [_cell(r.entries(ei.id)) for r in recordings()]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    divergent = [e for e in records() if e.kind in ("returns_empty", "returns_result", "crashes", "hangs")]
    lines += ["## Divergences: invalid inputs accepted or fatal", ""]
    for e in divergent:
        ei = BY_ID[e.error_input]
        requires = ", ".join(f"{p} {s}" for p, s in e.requires.items())
        claimed = (
            ""
            if not e.claimed
            else "; compute_output_shape "
            + (e.claimed.rstrip(".") if e.claimed.startswith("raises") else f"says {e.claimed}")
        )
        lines.append(
            _md(
                f"- `{e.error_input}` on {e.target} ({requires}): {e.describe()}{claimed}. "
                f"Rule: {ei.rule}. Call: `{ei.describe()}`."
            )
            + (f" {e.note}" if e.note else "")
        )
    lines.append("")
    notes = [
        e
        for e in records()
        if e.note and e.kind not in ("returns_empty", "returns_result", "crashes", "hangs")
    ]
    if notes:
        lines += ["## Notes", ""]
        for e in notes:
            requires = ", ".join(f"{p} {s}" for p, s in e.requires.items()) or "every version"
            lines.append(f"- `{e.error_input}` on {e.target} ({requires}): {e.note}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
