"""Every registered divergence still behaves as recorded, and docs/divergences.md is current."""

from __future__ import annotations

import pytest

from .cases import reference_output
from .check import check_case
from .compare import compare, expected_in_dtype
from .divergences import Divergence, matching, predicted_output, registry
from .docs import DOCS_DIR, GENERATED
from .messages import failure_message, outcome_message
from .platform import checking_on
from .plugin import selected_targets
from .targets import Target


@pytest.mark.parametrize("divergence", registry(), ids=[d.id for d in registry()])
def test_divergence_example(divergence, request):
    """Where it holds (versions and platform) the example behaves as recorded, and unlike the spec;
    elsewhere it conforms, or matches the entry recorded for that version or platform class. Every
    selected target of the entry's name runs it, ISA-capped variants (torch@avx2) included."""
    targets = [t for t in selected_targets(request.config) if t.name == divergence.target]
    targets = [t for t in targets if not t.missing_reason()]
    if not targets:
        pytest.skip(f"target {divergence.target} is not selected or not installed")
    example = divergence.example()
    reasons = {t.label: t.unsupported(example) for t in targets}
    for target in targets:  # where the entry holds, its example must run: else it checks nothing there
        why = reasons[target.label]
        if why and divergence.in_range(target.versions()) and divergence.on(target.platform()):
            pytest.fail(f"divergence {divergence.id} holds on {target.label}, which cannot express its "
                        f"example: {why}")
    targets = [t for t in targets if not reasons[t.label]]
    if not targets:  # e.g. an op this Keras version has no layer for, or cannot write
        pytest.skip(f"the example is not expressible here: {'; '.join(map(str, reasons.values()))}")
    for target in targets:
        if divergence.after is not None:
            check_after(divergence, target)
        else:
            check_example(divergence, target)


def _outside(divergence: Divergence, versions: dict[str, str]) -> str:
    if not divergence.in_range(versions):
        return f"outside its recorded range {divergence.requires}: widen the range"
    return (
        f"outside its recorded platforms ({divergence.platforms.words}): record it for this platform's "
        "class, with this platform's prediction"
    )


def _gone(divergence: Divergence) -> str:
    if divergence.platform_dependent:
        return (
            f"The entry holds on {divergence.platforms.words}: check this platform's kernels (an ISA cap "
            "such as DNNL_MAX_CPU_ISA shows the lower levels) before narrowing its version range "
            f"{divergence.requires}."
        )
    return f"Narrow its range {divergence.requires} to exclude this version."


def check_example(divergence: Divergence, target: Target) -> None:
    with checking_on(target.platform()):
        _check_example(divergence, target)


def _check_example(divergence: Divergence, target: Target) -> None:
    example = divergence.example()
    versions, platform = target.versions(), target.platform()
    where = f"{target.label} on {platform.describe()}"
    holds = divergence.in_range(versions) and divergence.on(platform)
    if divergence.corrupts_memory:
        if not holds and matching(target.name, versions, example, platform):
            return  # another entry owns the example here and checks it; eight fresh workers prove nothing
        spec = expected_in_dtype(example, reference_output(example))
        shows = False
        for _ in range(8):  # corrupted memory need not show on every call; each try gets a fresh heap
            outcome = target.run_fresh(example)
            shows = outcome.kind in ("crashed", "raised") or (
                outcome.kind == "ok" and not compare(example, spec, outcome.values["actual"]).ok)
            if shows:
                break
        if holds and not shows:
            pytest.fail(f"divergence {divergence.id} no longer shows on {where}: the example "
                        f"{outcome.describe()} and conforms. {_gone(divergence)}")
        if not holds and shows and not matching(target.name, versions, example, platform):
            pytest.fail(f"divergence {divergence.id} shows on {where}, {_outside(divergence, versions)}")
        return
    if divergence.crashes or divergence.raises:
        outcome = target.run(example)
        raised = f"{outcome.exc_type.rsplit('.', 1)[-1]}: {outcome.message}"
        failed = divergence.fails_as_recorded(outcome.kind, raised)
        if holds and not failed:
            pytest.fail(f"divergence {divergence.id} no longer fails as recorded on {where}: the example "
                        f"{outcome.describe()}. {_gone(divergence)}")
        if not holds and failed and not matching(target.name, versions, example, platform):
            pytest.fail(f"divergence {divergence.id} fails as recorded on {where}, "
                        f"{_outside(divergence, versions)}")
        check_case(target, example)
        return
    spec = expected_in_dtype(example, reference_output(example))
    prediction = predicted_output([divergence], example, reference_output(example))
    predicted = expected_in_dtype(example, prediction.values, prediction.dtype)
    unchecked = prediction.unchecked
    claims_other = prediction.claims is not None and tuple(prediction.claims) != spec.shape
    shows = bool(unchecked is not None and unchecked.any()) or claims_other
    assert shows or not compare(example, spec, predicted).ok, (
        f"divergence {divergence.id}: its prediction equals the spec on its own example; the example "
        "does not show the divergence"
    )
    outcome = target.run(example)
    actual = outcome.values.get("actual") if outcome.kind == "ok" else None
    claimed = outcome.values.get("claimed_shape") if outcome.kind == "ok" else None
    if not holds:
        # an unpredictable divergence predicts the spec itself: it reproduces when its example departs from it
        # and a prediction that is a looser bound around the spec (computes_in) is met by conforming answers
        # too: it reproduces only where the answer also departs from the spec
        departs = actual is not None and not compare(example, spec, actual, claimed).ok
        reproduces = departs and (
            unchecked is not None
            or compare(
                example, predicted, actual, claimed, dtype=prediction.dtype,
                computes_in=prediction.computes_in, claims=prediction.claims,
            ).ok
        )
        # another entry, holding here, may record the same behaviour (one per Keras backend, per platform)
        if reproduces and not matching(target.name, versions, example, platform):
            pytest.fail(f"divergence {divergence.id} reproduces on {where}, {_outside(divergence, versions)}")
        check_case(target, example)
        return
    if actual is not None and compare(example, spec, actual, claimed).ok:
        # for an unpredictable divergence this is the only check that it still reproduces
        pytest.fail(
            f"divergence {divergence.id} no longer reproduces on {where}: the example now conforms "
            f"to the spec. {_gone(divergence)}"
        )
    assert check_case(target, example) == "diverged"


def check_after(divergence: Divergence, target: Target) -> None:
    """A divergence that needs an earlier call: run that call, then the example, in one fresh worker."""
    assert divergence.after is not None
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
