"""Generated documentation: docs/divergences.md from the divergence registry, docs/errors.md from the
error-contract registry.

`python -m conformance docs` rewrites the files; a test fails while they are out of date.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .cases import reference_output
from .divergences import Divergence, predicted_output, registry

DOCS_DIR = Path(__file__).resolve().parent.parent / "docs"


def _array(a: np.ndarray) -> str:
    return np.array2string(np.asarray(a, dtype=np.float64) if a.dtype.kind not in "iu" else a,
                           separator=", ", threshold=200).replace("\n", " ")


def _entry(d: Divergence) -> list[str]:
    example = d.example()
    spec = reference_output(example)
    prediction = predicted_output([d], example, spec)
    requires = ", ".join(f"{pkg} {spec_}" for pkg, spec_ in d.requires.items())
    lines = [
        f"## `{d.id}`",
        "",
        f"- **target**: {d.target} ({requires})",
        f"- **op**: {', '.join(f'`{op}`' for op in d.ops)}",
        f"- **when**: {d.when}",
        f"- **spec**: {d.spec}",
        f"- **instead**: {d.behaviour}",
    ]
    if d.platform_dependent:
        lines.append(f"- **platforms**: {d.platforms.words}")
    if d.after is not None:
        lines.append(f"- **after**: `{d.after().describe()}` in the same process")
    if d.computes_in or d.returns:
        computes_in = prediction.computes_in or example.dtype
        lines.append(f"- **format**: the example ({example.dtype}) computes in {computes_in} and "
                     f"returns {prediction.dtype}")
    if d.link:
        lines.append(f"- **upstream**: {d.link}")
    answer = ("crashes its process" if d.crashes else f"raises /{d.raises}/" if d.raises
              else _array(prediction.values))
    lines += [
        "",
        f"Minimal example: `{example.describe()}`",
        "",
        "```",
        f"x        = {_array(example.x)}",
        f"spec     = {_array(spec)}",
        f"{d.target:8} = {answer}",
        "```",
        "",
    ]
    return lines


def render_divergences() -> str:
    lines = [
        "# Recorded divergences",
        "",
        "Generated from `conformance/divergences.py` and `conformance/known/` by "
        "`python -m conformance docs`;",
        "do not edit by hand. Each entry is checked on every run: cases it covers must behave exactly as",
        "recorded, and its example must still reproduce on the versions in its range.",
        "",
    ]
    for d in sorted(registry(), key=lambda d: (d.target, d.ops, d.id)):
        lines += _entry(d)
    from .known.defaults import markdown_table

    lines += [
        "## Default negative slopes of leaky_relu",
        "",
        "Not a departure from the spec (the reference has no default slope) but a porting hazard: the",
        "frameworks' defaults disagree. Each row is measured on every run by",
        "`conformance/test_dense.py::test_leaky_relu_default_slope`.",
        "",
        markdown_table(),
    ]
    return "\n".join(lines).rstrip("\n") + "\n"


def _render_errors() -> str:
    from .errors import render_errors  # the error contract's matrix, from its registry (no framework needed)

    return render_errors()


GENERATED = {"divergences.md": render_divergences, "errors.md": _render_errors}


def write_docs(directory: Path = DOCS_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, render in GENERATED.items():
        path = directory / name
        path.write_text(render())
        written.append(path)
    return written
