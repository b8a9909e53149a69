"""Every registered divergence still behaves as recorded, and docs/divergences.md is current."""

from __future__ import annotations

import pytest

from .cases import reference_output
from .check import check_case
from .compare import compare, expected_in_dtype
from .divergences import matching, predicted_output, registry
from .docs import DOCS_DIR, GENERATED
from .messages import failure_message, outcome_message
from .plugin import selected_targets


@pytest.mark.parametrize("divergence", registry(), ids=[d.id for d in registry()])
def test_divergence_example(divergence, request):
    """In its version range the example behaves as recorded (and unlike the spec); outside it, conforms."""
    targets = [t for t in selected_targets(request.config) if t.name == divergence.target]
    if not targets or targets[0].missing_reason():
        pytest.skip(f"target {divergence.target} is not selected or not installed")
    target = targets[0]
    if divergence.after is not None:
        return check_after(divergence, target)
    example = divergence.example()
    spec = expected_in_dtype(example, reference_output(example))
    prediction = predicted_output([divergence], example, reference_output(example))
    predicted = expected_in_dtype(example, prediction.values, prediction.dtype)
    unchecked = prediction.unchecked
    assert (unchecked is not None and unchecked.any()) or not compare(example, spec, predicted).ok, (
        f"divergence {divergence.id}: its prediction equals the spec on its own example; the example "
        "does not show the divergence"
    )
    versions = target.versions()
    if not divergence.in_range(versions):
        outcome = target.run(example)
        actual = outcome.values.get("actual") if outcome.kind == "ok" else None
        # an unpredictable divergence predicts the spec itself: it reproduces when its example departs from it
        reproduces = actual is not None and (
            not compare(example, spec, actual).ok
            if unchecked is not None
            else compare(
                example, predicted, actual, dtype=prediction.dtype, computes_in=prediction.computes_in
            ).ok
        )
        # another entry, in range here, may record the same behaviour (e.g. one per Keras backend)
        if reproduces and not matching(target.name, versions, example):
            pytest.fail(
                f"divergence {divergence.id} reproduces on {target.label}, outside its recorded range "
                f"{divergence.requires}: widen the range"
            )
        check_case(target, example)
        return
    outcome = target.run(example)
    if outcome.kind == "ok" and compare(example, spec, outcome.values["actual"]).ok:
        # for an unpredictable divergence this is the only check that it still reproduces
        pytest.fail(
            f"divergence {divergence.id} no longer reproduces on {target.label}: the example now "
            f"conforms to the spec. Narrow its range {divergence.requires} to exclude this version."
        )
    assert check_case(target, example) == "diverged"


def check_after(divergence, target) -> None:
    """A divergence that needs an earlier call: run that call, then the example, in one fresh worker."""
    first, example = divergence.after(), divergence.example()
    program = target.call(example).source()
    outcome = target.run_fresh(first, example)
    if outcome.kind != "ok":
        pytest.fail(outcome_message(example, target.label, outcome.describe(), program))
    actual = outcome.values["actual"]
    spec = expected_in_dtype(example, reference_output(example))
    conforms = compare(example, spec, actual)
    if not divergence.in_range(target.versions()):
        assert conforms.ok, failure_message(
            example,
            target.label,
            conforms,
            program,
            f"reproduces divergence {divergence.id} outside its recorded range {divergence.requires} (after "
            f"{first.describe()} in the same process): widen the range",
        )
        return
    if conforms.ok:
        pytest.fail(
            f"divergence {divergence.id} no longer reproduces on {target.label}: after "
            f"{first.describe()}, the example conforms to the spec. Narrow its range "
            f"{divergence.requires} to exclude this version."
        )
    prediction = predicted_output([divergence], example, reference_output(example))
    verdict = compare(
        example,
        expected_in_dtype(example, prediction.values, prediction.dtype),
        actual,
        unchecked=prediction.unchecked,
        dtype=prediction.dtype,
        computes_in=prediction.computes_in,
    )
    assert verdict.ok, failure_message(
        example,
        target.label,
        verdict,
        program,
        f"no longer behaves as divergence {divergence.id!r} records "
        f"({divergence.behaviour}), after {first.describe()}",
    )


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_docs_are_current(name):
    path = DOCS_DIR / name
    if not DOCS_DIR.is_dir():
        pytest.skip(f"no docs/ beside the package ({DOCS_DIR}); generated docs live in the source tree")
    assert path.exists() and path.read_text() == GENERATED[name](), (
        f"{path} is out of date with the registry; run `python -m conformance docs` and commit the result"
    )
