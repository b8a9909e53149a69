"""The failure message: a verdict written as spec documentation, with a runnable repro.

Every failing check in the suite is worded here, so all failures read the same way: the op and target,
the parameters as given and as resolved, the shape formula with the numbers, the first differing
element, the input window it reads, and a program that reproduces both sides.
"""

from __future__ import annotations


import numpy as np

from .cases import Case, reference_output, reference_source
from .compare import HALF_FORMATS, Verdict, error_bound, layout_shape
from .stories import Cells

MAX_GRID = 9  # cells per window dim drawn before eliding


def padding_story(case: Case) -> str:
    """Each dim's padding as given and as resolved, e.g. "'same': dim 0 total 3 -> 1 before, 2 after"."""
    if not case.spec.pads:
        return ""
    parts = [f"dim {i}: total {b + a} -> {b} before, {a} after" for i, (b, a) in enumerate(case.pads)]
    return f"{case.padding!r} resolves to " + "; ".join(parts)


def shape_story(case: Case) -> list[str]:
    """The output-shape formula per spatial dim, with the case's numbers."""
    return case.spec.shape_story(case)


def window_cells(case: Case, index: tuple[int, ...]) -> Cells | None:
    """For output element `index`, per spatial dim, the input cell each window position reads
    (an int), or 'pad' for padding, or 'out' for a ceil-mode overhang beyond the padding."""
    return case.spec.window_cells(case, index)


def _fmt(v) -> str:
    return f"{float(v):.9g}" if np.asarray(v).dtype.kind not in "iu" else str(int(v))


def draw_window(case: Case, index: tuple[int, ...]) -> list[str]:
    """The input window an output element reads, as a grid ('pad' = padding, 'out' = past the padding)."""
    dims = window_cells(case, index)
    if dims is None:
        return []
    n, c = index[:2]
    channels = case.spec.window_channels(case, c)
    dims = [d[:MAX_GRID] for d in dims]
    lines = [f"spatial cells read, per dim: {[_cells_label(d) for d in dims]}"]
    for ch in channels:
        lines.append(f"x[{n}, {ch}] window:")
        lines += ["  " + row for row in _grid(case.x[n, ch], dims)]
    return lines


def _cells_label(cells: list) -> str:
    return " ".join(str(c) for c in cells)


def _grid(plane: np.ndarray, dims: list[list]) -> list[str]:
    def value(cell_idx) -> str:
        if any(isinstance(ci, str) for ci in cell_idx):
            return next(ci for ci in cell_idx if isinstance(ci, str))
        return _fmt(plane[tuple(cell_idx)])

    if len(dims) == 1:
        return ["  ".join(f"{value((i,)):>10}" for i in dims[0])]
    if len(dims) == 2:
        return ["  ".join(f"{value((i, j)):>10}" for j in dims[1]) for i in dims[0]]
    rows = []
    for i in dims[0]:
        rows.append(f"depth {i}:")
        rows += ["  " + "  ".join(f"{value((i, j, k)):>10}" for k in dims[2]) for j in dims[1]]
    return rows


def array_literal(a: np.ndarray) -> str:
    """Python source rebuilding `a` exactly (float32 values print as the float64 they widen to)."""

    def one(v) -> str:
        if a.dtype.kind in "iu":
            return str(int(v))
        f = float(v)
        if np.isnan(f):
            return "np.nan"
        if np.isinf(f):
            return "np.inf" if f > 0 else "-np.inf"
        return repr(f)

    flat = ", ".join(one(v) for v in a.reshape(-1))
    dtype = "ml_dtypes.bfloat16" if a.dtype.name == "bfloat16" else f"np.{a.dtype.name}"
    return f"np.array([{flat}], dtype={dtype}).reshape({a.shape})"


def repro(case: Case, target_label: str, program: str) -> str:
    lines = ["import numpy as np"]
    if any(v.dtype.name == "bfloat16" for v in case.arrays().values()):
        lines.append("import ml_dtypes")
    lines.append("import reference")
    for name, arr in case.arrays().items():
        lines.append(f"{name} = {array_literal(arr)}")
        lines.append(f"{name}64 = {name}.astype(np.float64)")
    lines.append(reference_source(case))
    lines.append(f"# {target_label}")
    lines += program.rstrip("\n").split("\n")
    lines.append("print('expected', expected, 'actual', actual, sep='\\n')")
    return "\n".join(lines)


def case_lines(case: Case, platform: str | None = None) -> list[str]:
    """The platform, the call, its resolved padding and the shape formula: what every message about a case
    starts with."""
    out = [f"  platform : {platform}"] if platform else []
    out.append(f"  call     : {case.describe()}")
    story = padding_story(case)
    if story:
        out.append(f"  padding  : {story}")
    shape_lines = shape_story(case)
    if shape_lines:
        out.append(f"  shape    : {shape_lines[0]}")
        out += [f"             {line}" for line in shape_lines[1:]]
    return out


def repro_lines(case: Case, target_label: str, program: str) -> list[str]:
    return ["", "  repro (the reference and the exact program the target ran):"] + [
        "    " + line for line in repro(case, target_label, program).split("\n")
    ]


def outcome_message(
    case: Case, target_label: str, what: str, program: str, platform: str | None = None, frames: str = ""
) -> str:
    """A target that raised, crashed or hung on a case the spec accepts (`frames`: where, in the user's
    own code, it raised)."""
    traced = ["  raised in:", *("    " + line for line in frames.rstrip().split("\n"))] if frames else []
    return "\n".join(
        [
            f"{case.op} on {target_label} {what} on a valid case",
            "",
            *case_lines(case, platform),
            *traced,
            *repro_lines(case, target_label, program),
        ]
    )


def failure_message(
    case: Case,
    target_label: str,
    verdict: Verdict,
    program: str,
    headline: str = "does not conform to the spec",
    history: str | None = None,
    platform: str | None = None,
) -> str:
    out = [f"{case.op} on {target_label} {headline}", "", *case_lines(case, platform)]
    out.append(
        f"  expected shape {tuple(verdict.expected.shape)}, "
        f"got {None if verdict.actual is None else tuple(verdict.actual.shape)}"
    )
    if verdict.problem == "claimed_shape":
        out.append(
            f"  claimed  : the target's shape claim (Keras' compute_output_shape, ONNX shape inference) is "
            f"{verdict.claimed_shape}, but the spec gives "
            f"{layout_shape(verdict.expected.shape, case.layout)} "
            f"in {case.layout} layout"
        )
    if verdict.expected_dtype is not None:
        got = None if verdict.actual is None else verdict.actual.dtype
        out.append(f"  dtype    : expected {verdict.expected_dtype}, got {got}")
    if verdict.problem == "values":
        out += _value_lines(case, verdict)
    if case.layout != "channels_first":
        out.append(f"  (indices are channels-first; the target ran {case.layout})")
    if history:
        out.append(f"  history  : {history}")
    out += repro_lines(case, target_label, program)
    return "\n".join(out)


def _accumulator_lines(case: Case, verdict: Verdict, first: tuple[int, ...], diff: float) -> list[str]:
    """For a half-precision sum judged by the spec's float32 accumulation: whether accumulating in the input's
    own format would explain the error (then the target sums in its working format, a `computes_in`
    divergence to record, not a wrong formula)."""
    if case.dtype not in HALF_FORMATS or case.spec.accuracy not in ("sum", "lp"):
        return []
    if verdict.expected.shape != reference_output(case).shape:  # a divergence's own geometry: its bound
        return []
    loose = error_bound(case, verdict.expected, computes_in=case.dtype)
    if loose is None:
        return []
    within = diff <= float(loose[first])
    return [f"  spec     : {case.dtype} sums accumulate in float32 and round once to {case.dtype} (0.5 ulp "
            "plus the float32 sum's bound)",
            f"             accumulated in {case.dtype} itself the bound is {float(loose[first]):.3g}: "
            + ("the error fits it (the target sums in its working format)" if within else
               "the error exceeds that too")]


def _value_lines(case: Case, verdict: Verdict) -> list[str]:
    differs, actual = verdict.differs, verdict.actual
    assert differs is not None and actual is not None, "a values verdict carries the mask and the output"
    first = tuple(int(i) for i in np.argwhere(differs)[0])
    want, got = verdict.expected[first], actual[first]
    rule = "exact, NaN == NaN" if verdict.bound is None else "per-element fp error bound"
    lines = [
        f"  mismatch : {int(differs.sum())} of {differs.size} elements differ ({rule})",
        f"  first at : {list(first)}: expected {_fmt(want)}, got {_fmt(got)}",
    ]
    if verdict.bound is not None:
        diff = abs(float(got) - float(want))
        lines.append(f"             |diff| = {diff:.3g} > bound {float(verdict.bound[first]):.3g}")
        lines += _accumulator_lines(case, verdict, first, diff)
    window = draw_window(case, first)
    if window:
        lines.append(f"  window   : {window[0]}")
        lines += [f"             {line}" for line in window[1:]]
    if case.spec.element_story is not None:
        story = case.spec.element_story(case, first)
        lines += [("  reads    : " if i == 0 else " " * 13) + line for i, line in enumerate(story)]
    return lines
