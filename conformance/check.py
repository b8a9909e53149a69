"""The one path every conformance check takes: case -> reference -> target adapter -> compare -> message."""

from __future__ import annotations

import contextlib
import functools
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from typing import Any, cast

import numpy as np
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis.errors import Unsatisfiable
from hypothesis.database import DirectoryBasedExampleDatabase
from hypothesis.statistics import collector, describe_statistics
from hypothesis import strategies as st

from . import divergences
from .cases import Case, reference_output
from .accuracy import measure
from .compare import (Verdict, abs_case, accumulation_format, compare, error_bound, error_bound_needed,
                      expected_in_dtype)
from .executor import Outcome
from .interactions import MIN_HITS, Interaction, hit
from .ledger import LEDGER
from .messages import failure_message, outcome_message
from .ops import OPS
from .platform import checking_on
from .targets import Capabilities, Target
from .targets.impl_target import ImplTarget
from .timing import TIMING


MIN_CHECKED_SHARE = 0.2  # below it a property test reports "skipped", not "passed" (--strict-coverage: fails)


def conformance_test(op: str) -> Callable[..., None]:
    """The property test for one op: every selected target (the `target` fixture, parametrized by the
    plugin from the `op` marker) against the reference on drawn cases.

    A test that checked too few of its drawn cases (most were not expressible on the target) is skipped
    with the counts, never passed; a dtype departure on cases whose values conform is reported once the
    values have been explored, so it does not stop hypothesis from finding value bugs."""

    @pytest.mark.op(op)
    def test(target: Target, request: pytest.FixtureRequest) -> None:
        __tracebackhide__ = True
        before = LEDGER.totals().get((target.label, op), Counter())
        departures: list[str] = []

        @given(data=st.data())
        def examples(data: st.DataObject) -> None:
            caps = target.capabilities(op)
            assert caps is not None  # the plugin skips targets without the op
            lap = TIMING.laps(target.label, op)
            case = data.draw(_strategy(op, caps), label="case")
            lap("draw")
            check_case(target, case, departures=departures)

        if isinstance(target, ImplTarget):  # each module keeps its own failures, apart from the others'
            path = os.path.join(".hypothesis", "examples-impl", target.module)
            examples = settings(database=DirectoryBasedExampleDatabase(path))(examples)
        chosen = request.config.getoption("hypothesis_seed", None)
        run_seed = int(chosen) if chosen is not None else random.getrandbits(32)
        statistics: list[dict] = []  # one per @given run: --hypothesis-show-statistics and the timing
        start = time.perf_counter()
        try:
            with cast(Any, collector).with_value(statistics.append):
                seed(run_seed)(examples)()
                _top_up_interactions(target, op, run_seed, departures)
        except Exception as err:
            if hasattr(err, "add_note"):  # Python >= 3.11: pytest prints the note under the message
                err.add_note(f"\nreplay: {_replay(target, op, run_seed)}")
            raise
        finally:
            TIMING.note_run(target.label, op, statistics, time.perf_counter() - start)
            # hypothesis' plugin prints an item's statistics only for a @given test function; this test
            # runs its @given inside, so it hands them over the same way
            runs = ["drawn cases", *["interaction top-up"] * len(statistics)]
            request.node.hypothesis_statistics = "\n".join(
                describe_statistics(cast(Any, {**stats, "nodeid": f"{request.node.nodeid} ({run})"}))
                for stats, run in zip(statistics, runs))
        counts = LEDGER.totals().get((target.label, op), Counter()) - before
        if departures:
            pytest.fail(f"{departures[0]}\n\n  ({len(departures)} examples returned the wrong dtype; their "
                        "values conform)", pytrace=False)
        _require_coverage(target, op, counts, request.config.getoption("strict_coverage", False))

    test.__name__ = f"test_{op}"
    test.__doc__ = f"{op} on the target equals reference.{op} (or its registered divergences)."
    return test


@functools.cache  # one strategy object per op and capabilities: hypothesis caches its work per object
def _strategy(op: str, caps: Capabilities) -> st.SearchStrategy[Case]:
    return OPS[op].strategy(caps)


def _top_up_interactions(target: Target, op: str, run_seed: int, departures: list[str]) -> None:
    """Check more cases of each interaction the target can express but the drawn cases hit too rarely
    (MIN_HITS per 200 examples of the profile): hypothesis' draws cluster, so a share alone can miss."""
    caps = target.capabilities(op)
    assert caps is not None
    wanted = max(1, -(-MIN_HITS * settings().max_examples // 200))
    for interaction in OPS[op].interactions:
        # a few rounds: hypothesis may stop short of max_examples when the filter rejects many draws, or
        # repeat a case it already ran
        for attempt in range(3):
            short = wanted - LEDGER.interaction_totals().get((target.label, op), Counter())[interaction.name]
            if not interaction.needs(caps) or short <= 0:
                break
            _check_focused(target, op, interaction, short, run_seed + attempt, departures)


def _check_focused(target: Target, op: str, interaction: Interaction, examples: int, run_seed: int,
                   departures: list[str]) -> None:
    caps = target.capabilities(op)
    assert caps is not None

    def hits(case: Case) -> bool:
        return interaction.hits(case) and target.unsupported(case) is None

    focused_cases = _strategy(op, caps).filter(hits)

    @settings(max_examples=examples, suppress_health_check=list(HealthCheck), phases=settings().phases)
    @given(data=st.data())
    def focused(data: st.DataObject) -> None:
        lap = TIMING.laps(target.label, op)
        case = data.draw(focused_cases, label=f"case with {interaction.name}")
        lap("draw")
        check_case(target, case, departures)

    with contextlib.suppress(Unsatisfiable):  # never drawn: tests/test_interactions.py fails then
        seed(run_seed)(focused)()


def _replay(target: Target, op: str, run_seed: int) -> str:
    """The command that replays this test's run with the installed suite, from any directory."""
    impl = f"--impl {target.module} " if isinstance(target, ImplTarget) else ""
    return (f"python -m pytest --pyargs conformance {impl}--frameworks {target.id} -k test_{op} "
            f"--hypothesis-seed={run_seed} -p no:cacheprovider")


def _require_coverage(target: Target, op: str, counts: Counter, strict: bool) -> None:
    checked = sum(counts[s] for s in ("passed", "diverged", "failed"))
    drawn = checked + counts["not_expressible"]
    if drawn and checked >= MIN_CHECKED_SHARE * drawn:
        return
    reasons: Counter[str] = Counter()
    for (label, entry_op, _), entry in LEDGER.entries.items():
        if label == target.label and entry_op == op:
            reasons.update(entry.reasons)
    common = "; ".join(f"{n}x {why}" for why, n in reasons.most_common(3))
    message = (f"{op} on {target.label}: checked {checked} of {drawn} drawn cases (under "
               f"{MIN_CHECKED_SHARE:.0%}); the rest were not expressible: {common or 'no reason recorded'}")
    if strict:
        pytest.fail(message + " (--strict-coverage)", pytrace=False)
    pytest.skip(message)


def conformance_tests(*families: str) -> dict[str, Callable[..., None]]:
    """`test_<op>` for every op of these families in the op table, for a test module's globals()."""
    return {f"test_{op}": conformance_test(op) for op, spec in OPS.items() if spec.family in families}


def param_class(case: Case) -> str:
    """A coarse bucket of the parameters, for the summary and the report matrix."""
    parts = [f"{case.rank}d"] if case.x.ndim > 2 else []
    if case.spec.pads:
        pads = case.pads
        kind = (
            case.padding
            if isinstance(case.padding, str)
            else ("asymmetric" if any(b != a for b, a in pads) else "explicit")
        )
        parts.append(kind)
    if case.ceil_mode:
        parts.append("ceil")
    if case.is_windowed and any(d > 1 for d in case.dilations):
        parts.append("dilated")
    if case.layout != "channels_first":
        parts.append(case.layout)
    parts.append(case.dtype)
    return " ".join(parts)


def check_case(target: Target, case: Case, departures: list[str] | None = None) -> str:
    """Run `case` on `target` and fail with a spec-documenting message unless it behaves as the spec says,
    or exactly as a registered divergence predicts. Returns the status recorded in the ledger. With
    `departures`, a wrong dtype on conforming values is appended there instead of failing at once."""
    __tracebackhide__ = True
    lap = TIMING.laps(target.label, case.op)
    bucket = (target.label, case.op, param_class(case))
    reason = target.unsupported(case)
    if reason:
        LEDGER.record(*bucket, "not_expressible", reason=reason)
        lap("bookkeeping")
        return "not_expressible"
    platform = target.platform()
    where = platform.describe()
    with checking_on(platform):
        found = divergences.matching(target.name, target.versions(), case, platform)
        prediction = divergences.predicted_output(found, case, reference_output(case))
        expected = expected_in_dtype(case, prediction.values, prediction.dtype)
        magnitude = None
        if found and error_bound_needed(case):  # the bound follows the terms the framework actually sums
            positive = abs_case(case)
            magnitude = divergences.predicted_output(found, positive, reference_output(positive)).values
    call = target.call(case)
    lap("reference")
    if any(d.corrupts_memory for d in found):
        # nothing it returns can be compared, and a run costs a worker restart (seconds) whenever the heap
        # gives way: test_divergences runs the entry's example, which must crash or depart from the spec
        LEDGER.record(*bucket, "diverged", divergences=tuple(d.id for d in found),
                      interactions=tuple(hit(case.spec.interactions, case)))
        return "diverged"
    outcome = target.run_call(call, case.arrays(), target.worker_name(case))
    lap("target")
    if outcome.kind == "raised" and outcome.exc_type.endswith("NotImplementedError"):
        LEDGER.record(*bucket, "not_expressible", reason=f"raised NotImplementedError: {outcome.message}")
        return "not_expressible"
    failing = [d for d in found if d.crashes or d.raises]
    raised = f"{outcome.exc_type.rsplit('.', 1)[-1]}: {outcome.message}"
    if failing and all(d.fails_as_recorded(outcome.kind, raised) for d in failing):
        # the recorded failure is the verdict: the case's interactions were checked too
        LEDGER.record(*bucket, "diverged", divergences=tuple(d.id for d in found),
                      interactions=tuple(hit(case.spec.interactions, case)))
        return "diverged"
    if outcome.kind != "ok" or failing:
        what = outcome.describe() if outcome.kind != "ok" else "returned"
        if failing:
            what += ", not the failure " + _recorded(failing)
        message = outcome_message(case, target.label, what, call.source(), where, outcome.frames)
        LEDGER.record(*bucket, "failed", message=message)
        raise AssertionError(message)

    returned = _not_an_array(outcome.values.get("actual"))
    if returned:
        message = outcome_message(case, target.label, returned, call.source(), where)
        LEDGER.record(*bucket, "failed", message=message)
        raise AssertionError(message)

    def verdict_of(outcome: Outcome) -> Verdict:
        return compare(
            case,
            expected,
            outcome.values.get("actual"),
            outcome.values.get("claimed_shape"),
            prediction.unchecked,
            magnitude,
            prediction.dtype,
            prediction.computes_in,
            prediction.claims,
        )

    verdict = verdict_of(outcome)
    if verdict.bound is not None and verdict.problem in (None, "values"):
        default = None  # the spec's own bound, where a divergence judged the case by another
        if prediction.computes_in is not None:
            default = error_bound(case, expected, magnitude, None, prediction.dtype)
        measured = measure(expected, np.asarray(verdict.actual), prediction.dtype, verdict.bound,
                           verdict.bound if default is None else default,
                           None if prediction.unchecked is None else ~prediction.unchecked)
        if measured is not None:
            LEDGER.measured(target.label, case.op, case.dtype, measured,
                            prediction.computes_in or accumulation_format(case.dtype))
    lap("compare")
    if not verdict.ok:
        headline = "does not conform to the spec" if not found else "no longer behaves as " + _recorded(found)
        history = None
        if _final_example():
            fresh = target.run_fresh(case)
            if fresh.kind == "ok" and verdict_of(fresh).ok:
                history = (
                    "in a fresh process this case conforms: the answer above depended on the cases run "
                    "before it in the same worker (state the framework kept between calls)"
                )
        message = failure_message(case, target.label, verdict, call.source(), headline, history, where)
        lap("message")
        LEDGER.record(*bucket, "failed", message=message)
        if verdict.problem == "dtype" and departures is not None:
            departures.append(message)
            return "failed"
        raise AssertionError(message)
    status = "diverged" if found else "passed"
    LEDGER.record(*bucket, status, divergences=tuple(d.id for d in found),
                  interactions=tuple(hit(case.spec.interactions, case)))
    lap("bookkeeping")
    return status


def _not_an_array(value: object) -> str | None:
    """The return-value contract: an op returns one array (anything with __array__), not a tuple, list,
    None or scalar. What was returned instead, stated with the rule, or None."""
    if isinstance(value, np.ndarray) or (hasattr(value, "__array__") and not isinstance(value, tuple | list)):
        return None
    if isinstance(value, tuple):
        what = f"returned a tuple of {len(value)} ({', '.join(type(v).__name__ for v in value)})"
        hint = " (a course-style (out, cache) pair? return out alone)" if len(value) == 2 else ""
    elif value is None:
        what, hint = "returned None", " (a missing return statement?)"
    else:
        what, hint = f"returned a {type(value).__name__}", ""
    return f"{what}{hint}; an op returns one array of the spec's shape (N, C, *out)"


def _recorded(found: list[divergences.Divergence]) -> str:
    """What the matched entries record, with the platform class of those that depend on the CPU."""
    said = " and ".join(f"divergence {d.id!r} records ({d.behaviour})" for d in found)
    classes = [d.platforms.words for d in found if d.platform_dependent]
    if classes:
        said += (
            f" on {'; '.join(classes)}: this platform's kernels may differ; check which one it runs "
            "(an ISA cap, e.g. DNNL_MAX_CPU_ISA, shows the lower levels) before changing a version range"
        )
    return said


def _final_example() -> bool:
    """False while hypothesis explores or shrinks, True on its final replay of the failing example and
    outside hypothesis: the one run worth a fresh worker process."""
    from hypothesis.control import current_build_context
    from hypothesis.errors import InvalidArgument

    try:
        return current_build_context().is_final
    except InvalidArgument:  # no build context: not under @given
        return True


def check_output_size(target: ImplTarget, args: dict) -> None:
    """impl.output_size(**args) equals the formula, and raises ValueError exactly where the spec does."""
    __tracebackhide__ = True
    import reference

    try:
        expected: int | str = reference.output_size(**args)
    except ValueError as err:
        expected = f"ValueError: {err}"
    call = f"output_size({', '.join(f'{k}={v!r}' for k, v in args.items())})"
    adapter = target.output_size_call(args)
    program = adapter.source()
    outcome = target.run_call(adapter, {})
    if outcome.kind == "ok":
        got: int | str = outcome.values["actual"]
    else:
        got = outcome.describe()
    agree = (
        got == expected
        if isinstance(expected, int)
        else (outcome.kind == "raised" and outcome.exc_type.endswith("ValueError"))
    )
    status = "passed" if agree else "failed"
    size, k, s, d = args["size"], args["kernel_size"], args["stride"], args["dilation"]
    pb, pa = (args["padding"],) * 2 if isinstance(args["padding"], int) else args["padding"]
    mode = "ceil" if args["ceil_mode"] else "floor"
    message = (
        f"output_size on {target.label} does not conform to the spec\n\n"
        f"  call     : {call}\n"
        f"  formula  : {mode}((n + pb + pa - d*(k-1) - 1)/s) + 1 = "
        f"{mode}(({size} + {pb} + {pa} - {d}*({k}-1) - 1)/{s}) + 1"
        + (", minus 1 if the last window starts at or beyond n + pb" if args["ceil_mode"] else "")
        + "\n"
        f"  expected : {expected}\n"
        f"  got      : {got}\n\n"
        f"  repro:\n    import reference\n    print('expected', reference.{call})\n"
        + "\n".join("    " + line for line in program.rstrip().split("\n"))
        + "\n    print('actual', actual)"
    )
    LEDGER.record(target.label, "output_size", mode, status, message=None if agree else message)
    if not agree:
        raise AssertionError(message)
