"""The error contract: the reference rejects every error input with a message that states the rule, and
every target still does with each input exactly what `conformance/known/errors_known.py` records.

Each target call runs in the target's worker process, so an input that kills the framework (TF's SIGFPE
in MaxPool) is an observation, recorded as kind "crashes"; the next call starts a fresh worker (for
Keras on TF, ~2 s of import per crash).
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from .errors import (
    BY_ID,
    ERROR_INPUTS,
    ErrorInput,
    observe,
    recorded,
    recordings,
    records,
    reference_verdict,
    says,
    suggest,
)
from .targets import NotExpressible

IDS = [ei.id for ei in ERROR_INPUTS]


@pytest.mark.parametrize("ei", ERROR_INPUTS, ids=IDS)
def test_reference_states_the_rule(ei: ErrorInput):
    """The spec rejects each invalid input with ValueError/TypeError naming the rule and the numbers, and
    computes each target-limit input (valid for the spec)."""
    kind, exc_type, message = reference_verdict(ei)
    if ei.target_limit:
        assert kind == "returns", (
            f"{ei.id} is marked target_limit (valid for the spec: {ei.rule}), but "
            f"reference.{ei.op} raised {exc_type}: {message}"
        )
        return
    assert kind == "raises", (
        f"reference.{ei.op} accepted {ei.describe()} and returned shape {message}; the "
        f"spec must reject it ({ei.rule})"
    )
    assert ei.neighbour is not None, f"{ei.id}: give the valid neighbour (fix=) that repairs the rule"
    neighbour_kind, _, neighbour_message = reference_verdict(dataclasses.replace(ei, case=ei.neighbour))
    assert neighbour_kind == "returns", (
        f"{ei.id}: its valid neighbour {ei.neighbour.describe()} breaks a rule too: {neighbour_message}"
    )
    assert ei.says, f"{ei.id}: state what the reference's message must contain (says)"
    assert re.search(says(*ei.says), message), (
        f"reference.{ei.op} rejects {ei.describe()} ({ei.rule}) with a message that does not state the rule "
        f"and the numbers {ei.says}:\n  {exc_type}: {message}"
    )


@pytest.mark.parametrize("ei", ERROR_INPUTS, ids=IDS)
def test_error_behaviour(target, ei: ErrorInput):
    """The target behaves on the error input as recorded for its version (an --impl module: as the spec)."""
    __tracebackhide__ = True
    if target.name == "impl":
        _check_impl(target, ei)
        return
    entries = recorded(target.name, target.versions(), ei.id)
    seen = observe(target, ei)
    if not entries:
        pytest.skip(
            f"no recorded error behaviour of {target.label} for {ei.id}; observed: {seen.describe()}. "
            f"To record it, add to conformance/known/errors_known.py:  {suggest(target, ei, seen)}"
        )
    assert len(entries) == 1, (
        f"{len(entries)} records of {target.name} for {ei.id} hold on {target.label}: "
        f"{[e.requires for e in entries]}; make their version ranges disjoint"
    )
    entry = entries[0]
    problems = entry.mismatches(seen)
    if problems:
        try:
            program = target.error_call(ei.case, ei.rank).source()
        except NotExpressible as err:  # not expressible now; the mismatch says so
            program = f"# no program: {err}"
        requires = ", ".join(f"{p} {s}" for p, s in entry.requires.items()) or "every version"
        raise AssertionError(
            f"error behaviour of {target.name} changed on version {target.label}: {ei.id} ({ei.rule})\n\n"
            f"  call     : {ei.describe()} with the {ei.rank}-D API\n"
            f"  recorded : {entry.describe()}   [{requires}]\n"
            f"  observed : {seen.describe()}\n"
            + "".join(f"  differs  : {p}\n" for p in problems)
            + "\n  program the target ran (x, weight, bias as in the call):\n"
            + "".join(f"    {line}\n" for line in program.rstrip().split("\n"))
            + f"\nNarrow the record's range in conformance/known/errors_known.py and add one for the new "
            f"behaviour, e.g.\n  {suggest(target, ei, seen)}\nthen run `python -m conformance docs`."
        )


def _check_impl(target, ei: ErrorInput) -> None:
    """A reference-API module keeps the spec's contract: reject with ValueError/TypeError, compute the
    target-limit inputs (raising NotImplementedError marks a case not expressible)."""
    if target.capabilities(ei.op) is None:
        pytest.skip(f"{target.label} has no {ei.op}")
    seen = observe(target, ei)
    if seen.kind == "not_expressible":
        pytest.skip(f"{target.label}: {seen.detail}")
    if ei.target_limit:
        assert seen.kind == "conforms", (
            f"{target.label} on {ei.describe()} (valid for the spec; {ei.rule}): "
            f"{seen.describe()}, expected the spec's result"
        )
        return
    assert seen.kind == "raises" and seen.exc_type in ("ValueError", "TypeError"), (
        f"{target.label} on {ei.describe()} ({ei.rule}): {seen.describe()}; the spec rejects it with "
        "ValueError or TypeError"
    )
    assert ei.neighbour is not None
    repaired = dataclasses.replace(ei, case=ei.neighbour, target_limit=True)
    valid = observe(target, repaired)
    if valid.kind == "not_expressible":
        pytest.skip(f"{target.label} rejects {ei.describe()}, but whether for the rule ({ei.rule}) cannot be "
                    f"told: its valid neighbour {repaired.describe()} is not expressible ({valid.detail})")
    assert valid.kind not in ("raises", "crashes", "hangs"), (
        f"{target.label} rejects {ei.describe()} for the wrong reason: it also rejects its valid neighbour, "
        f"the same call with the rule repaired ({ei.rule}).\n"
        f"  invalid call : {ei.describe()} {seen.describe()}\n"
        f"  valid call   : {repaired.describe()} {valid.describe()}\n"
        "A rejection counts only when the repaired call is accepted; a wrong signature or an error raised "
        "inside the computation is not a check of the rule."
    )


def test_every_column_has_one_record_per_error_input():
    """docs/errors.md has no empty or doubled cell: each recording (target and version range) has exactly
    one record per error input (its range's or the adapter's)."""
    wrong = [
        f"{r.label}: {ei.id}: {len(r.entries(ei.id))} records"
        for r in recordings()
        for ei in ERROR_INPUTS
        if len(r.entries(ei.id)) != 1
    ]
    assert not wrong, "columns without exactly one record per error input:\n  " + "\n  ".join(wrong)


def test_records_are_unique_and_name_real_inputs():
    seen = set()
    for e in records():
        key = (e.target, e.error_input, tuple(sorted(e.requires.items())))
        assert key not in seen, (
            f"error behaviour of {e.target} for {e.error_input} on {e.requires} recorded twice"
        )
        seen.add(key)
        assert e.error_input in BY_ID
        assert e.kind != "conforms" or BY_ID[e.error_input].target_limit, (
            f"{e.error_input}: 'conforms' applies to target-limit inputs only (the spec rejects this one)"
        )
