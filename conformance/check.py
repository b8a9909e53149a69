"""The one path every conformance check takes: case -> reference -> target adapter -> compare -> message."""

from __future__ import annotations

from . import divergences
from .cases import Case, reference_output
from .compare import compare, expected_in_dtype
from .ledger import LEDGER
from .messages import failure_message, repro
from .targets import Target


def param_class(case: Case) -> str:
    """A coarse bucket of the parameters, for the summary and the report matrix."""
    parts = [f"{case.rank}d"] if case.x.ndim > 2 else []
    if case.is_windowed or case.op == "zero_pad":
        pads = case.pads
        kind = case.padding if isinstance(case.padding, str) else (
            "asymmetric" if any(b != a for b, a in pads) else "explicit")
        parts.append(kind)
    if case.ceil_mode:
        parts.append("ceil")
    if case.is_windowed and any(d > 1 for d in case.dilations):
        parts.append("dilated")
    if case.layout != "channels_first":
        parts.append(case.layout)
    parts.append(case.dtype)
    return " ".join(parts)


def check_case(target: Target, case: Case) -> str:
    """Run `case` on `target` and fail with a spec-documenting message unless it behaves as the spec says,
    or exactly as a registered divergence predicts. Returns the status recorded in the ledger."""
    __tracebackhide__ = True
    bucket = (target.label, case.op, param_class(case))
    reason = target.unsupported(case)
    if reason:
        LEDGER.record(*bucket, "not_expressible", reason=reason)
        return "not_expressible"
    expected = reference_output(case)
    divergence = divergences.matching(target.name, target.versions(), case)
    if divergence is not None:
        expected = divergence.predict(case, expected)
    expected = expected_in_dtype(case, expected)
    program = target.program(case)
    outcome = target.run(case)
    if outcome.kind == "raised" and outcome.exc_type.endswith("NotImplementedError"):
        LEDGER.record(*bucket, "not_expressible", reason=f"raised NotImplementedError: {outcome.message}")
        return "not_expressible"
    if outcome.kind != "ok":
        message = (f"{case.op} on {target.label} {outcome.describe()} on a valid case\n\n"
                   f"  call     : {case.describe()}\n\n  repro:\n"
                   + "\n".join("    " + line for line in repro(case, target.label, program).split("\n")))
        LEDGER.record(*bucket, "failed", message=message)
        raise AssertionError(message)
    verdict = compare(case, expected, outcome.values.get("actual"), outcome.values.get("claimed_shape"))
    if not verdict.ok:
        headline = ("does not conform to the spec" if divergence is None else
                    f"no longer behaves as divergence {divergence.id!r} records ({divergence.behaviour})")
        message = failure_message(case, target.label, verdict, program, headline)
        LEDGER.record(*bucket, "failed", message=message)
        raise AssertionError(message)
    status = "passed" if divergence is None else "diverged"
    LEDGER.record(*bucket, status, divergence=divergence.id if divergence else None)
    return status
