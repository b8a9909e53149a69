"""The pytest plugin (entry point `pytest11: conformance`): target selection, markers, profiles, summary.

Options: --frameworks torch,keras,impl picks targets (default: every installed one); --impl MODULE (or
CONFORMANCE_IMPL) adds a user's module as the `impl` target. Hypothesis profiles: dev (fast loop),
ci (default), thorough (10x ci); pick one with hypothesis's own --hypothesis-profile.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

from .ledger import LEDGER
from .timing import TIMING
from .targets import Target, all_targets
from .targets.impl_target import API, ImplTarget

CI_EXAMPLES = 200
_COMMON = settings(
    deadline=None,  # the first call of a target imports its framework (seconds)
    print_blob=True,  # every failure prints @reproduce_failure(...)
    phases=[p for p in Phase if p is not Phase.explain],  # its line list points at the suite, not the target
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
settings.register_profile("ci", _COMMON, max_examples=CI_EXAMPLES)
settings.register_profile("dev", _COMMON, max_examples=10)
settings.register_profile("thorough", _COMMON, max_examples=10 * CI_EXAMPLES)

TARGET_NAMES = ("torch", "keras", "impl")  # built in; the entry point group `conformance.targets` adds more


def pytest_addoption(parser):
    group = parser.getgroup("conformance", "cnn-conformance targets")
    group.addoption(
        "--frameworks",
        default=None,
        help="comma-separated targets to test: torch,keras,impl (default: every installed one)",
    )
    group.addoption(
        "--conformance-json",
        default=None,
        metavar="PATH",
        help="write what the run saw per target, op and parameter class as JSON",
    )
    group.addoption(
        "--conformance-timing",
        default=None,
        metavar="PATH",
        help="write where each property test's time went (per target and op: draw, reference, target, "
        "compare, message; valid and invalid draws) as JSON; bench/bench_suite.py reads it",
    )
    group.addoption(
        "--shard",
        default=None,
        metavar="K/N",
        help="run the K-th of N deterministic slices of the selected tests (1 <= K <= N), for spreading one "
        "run over N CI jobs; `python -m conformance report --merge` joins the shards' reports into the "
        "unsharded run's",
    )
    group.addoption(
        "--strict-coverage",
        action="store_true",
        help="fail, instead of skipping, a property test that checked under 20%% of its drawn cases",
    )
    group.addoption(
        "--impl",
        default=None,
        metavar="MODULE",
        help="a module exposing the reference API's names to test as the 'impl' target "
        "(default: $CONFORMANCE_IMPL); alone it selects only impl (add --frameworks impl,torch,...)",
    )


def pytest_configure(config):
    impl = config.getoption("impl") or os.environ.get("CONFORMANCE_IMPL") or None
    wanted = config.getoption("frameworks")
    names = [n.strip() for n in wanted.split(",") if n.strip()] if wanted else None
    if impl and names is None:  # testing one's own module: the frameworks only when asked for
        names = ["impl"]
    try:  # `torch@avx2`: the torch target again, in a worker under that ISA cap (or another variant)
        targets = all_targets(impl, tuple(n for n in names or () if "@" in n))
    except ValueError as err:
        raise pytest.UsageError(f"--frameworks: {err}") from None
    known = tuple(dict.fromkeys([*TARGET_NAMES, *(t.name for t in targets)]))
    for name in known:
        config.addinivalue_line("markers", f"{name}: conformance checks against the {name} target")
    config.addinivalue_line("markers", "op(name): the op a conformance test checks (parametrizes `target`)")
    if config.getoption("hypothesis_profile", None) is None:
        settings.load_profile("ci")
    if config.getoption("shard"):  # the controller too, under xdist: the ledger says which slice it holds
        LEDGER.shard = "{}/{}".format(*shard_of(config.getoption("shard")))

    unknown = sorted(set(names or ()) - set(known) - {t.id for t in targets})
    if unknown:
        raise pytest.UsageError(f"--frameworks: unknown target(s) {unknown}; choose from {known}")
    if names and "impl" in names and not impl:
        raise pytest.UsageError("--frameworks impl needs --impl MODULE (or CONFORMANCE_IMPL)")
    by_default = [t for t in targets if t.variant is None or t.variant in t.default_variants]
    config.stash[TARGETS] = [t for t in targets
                             if (names is None and t in by_default) or t.id in (names or ())]
    for target in config.stash[TARGETS]:
        if not isinstance(target, ImplTarget) or target.missing_reason() is not None:
            continue
        try:
            provided = target.provided
        except ValueError as err:  # a malformed CONFORMANCE_CAPABILITIES
            raise pytest.UsageError(f"--impl {target.module}: {err}") from None
        if not provided:
            raise pytest.UsageError("\n".join([
                f"--impl {target.module}: the module defines none of the reference API under a name and "
                "signature the suite can call, so nothing would be checked.", *target.api.lines(),
                f"  the API: {', '.join(API)}"]))


def shard_of(value: str) -> tuple[int, int]:
    """--shard's K/N as (K, N), or a UsageError stating the rule."""
    k, slash, n = value.partition("/")
    if not (slash and k.strip().isdigit() and n.strip().isdigit() and 1 <= int(k) <= int(n)):
        raise pytest.UsageError(f"--shard: expected K/N with 1 <= K <= N (e.g. 2/4); got {value!r}")
    return int(k), int(n)


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected theirs: every shard slices the same list
def pytest_collection_modifyitems(config, items):
    value = config.getoption("shard")
    if not value:
        return
    k, n = shard_of(value)
    # round robin over the collection order, which lists each test module's targets side by side, so the
    # slow targets spread over the shards; the same arguments collect the same list in every job
    keep = [item for i, item in enumerate(items) if i % n == k - 1]
    dropped = [item for i, item in enumerate(items) if i % n != k - 1]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = keep


def pytest_report_header(config):
    impls = [t for t in config.stash.get(TARGETS, []) if isinstance(t, ImplTarget) and not t.missing_reason()]
    return [line for t in impls for line in t.api.lines()]


TARGETS = pytest.StashKey[list]()


def selected_targets(config) -> list[Target]:
    return config.stash[TARGETS]


def pytest_generate_tests(metafunc):
    if "target" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("op")
    op = marker.args[0] if marker else None
    params = []
    for target in selected_targets(metafunc.config):
        marks = [getattr(pytest.mark, target.name)]
        reason = target.missing_reason()
        if reason is None and op is not None and target.capabilities(op) is None:
            reason = f"{target.label} has no {op}"
        if reason:
            marks.append(pytest.mark.skip(reason=reason))
            if op is not None:
                LEDGER.skip(target.label if target.missing_reason() is None else target.name, op, reason)
        params.append(pytest.param(target, id=target.id, marks=marks))
    if not params:
        params = [pytest.param(None, id="no-target", marks=pytest.mark.skip(reason="no target selected"))]
    metafunc.parametrize("target", params)


def pytest_collection_finish(session):
    from _pytest.junitxml import xml_key

    junit = session.config.stash.get(xml_key, None)
    for target in selected_targets(session.config):
        if target.missing_reason() is None and session.items:
            platform = target.platform()  # once per worker, before any case
            LEDGER.targets[target.label] = {
                "name": target.name,
                "versions": target.versions(),
                "platform": platform.to_json(),
            }
            if junit is not None:
                junit.add_global_property(f"platform {target.label}", platform.describe())


def _xdist_worker(config) -> bool:
    return hasattr(config, "workerinput")


def pytest_sessionfinish(session):
    if _xdist_worker(session.config):  # the controller merges it (pytest_testnodedown) and reports
        session.config.workeroutput["conformance_ledger"] = LEDGER.to_json()
        session.config.workeroutput["conformance_timing"] = TIMING.to_json()
        return
    # an --impl module that checked nothing (a stub, or all NotImplementedError) ends the run red
    # a shard may hold none of a narrow module's tests: only the joined run can say nothing was checked
    ran = not session.config.option.collectonly and LEDGER.shard is None
    for target in selected_targets(session.config):
        if isinstance(target, ImplTarget) and ran and session.exitstatus == 0 and not target.missing_reason():
            counts: Counter[str] = Counter()
            for (label, _), op_counts in LEDGER.totals().items():
                if label == target.label:
                    counts.update(op_counts)
            if not any(counts[s] for s in ("passed", "diverged", "failed")):
                session.config.stash[NOTHING_CHECKED] = (
                    f"--impl {target.module}: no drawn case was checked ({counts['not_expressible']} were "
                    "not "
                    "expressible: NotImplementedError or outside its capabilities); nothing conforms yet")
                session.exitstatus = pytest.ExitCode.TESTS_FAILED
    for option, record in (("conformance_json", LEDGER), ("conformance_timing", TIMING)):
        path = session.config.getoption(option)
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(json.dumps(record.to_json(), indent=1))


NOTHING_CHECKED = pytest.StashKey[str]()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """pytest-xdist: a worker's ledger joins the controller's, so the summary, the JSON and the JUnit
    platform properties are the whole run's, as in a serial run."""
    data = getattr(node, "workeroutput", {}).get("conformance_ledger")
    if data is None:  # the worker crashed before its session finished; xdist reports that itself
        return
    new = {label: info for label, info in data["targets"].items() if label not in LEDGER.targets}
    LEDGER.merge(data)
    TIMING.merge(node.workeroutput.get("conformance_timing", []))
    from _pytest.junitxml import xml_key

    junit = node.config.stash.get(xml_key, None)
    if junit is not None:
        for label, info in new.items():
            junit.add_global_property(f"platform {label}", info["platform"]["described"])


def pytest_terminal_summary(terminalreporter):
    nothing = terminalreporter.config.stash.get(NOTHING_CHECKED, None)
    if nothing:
        terminalreporter.section("conformance: nothing checked", red=True)
        terminalreporter.write_line(nothing)
    lines = LEDGER.summary_lines()
    if lines:
        terminalreporter.section("conformance: examples per target and op")
        for label, info in LEDGER.targets.items():
            terminalreporter.write_line(f"{label} on {info['platform']['described']}")
        for line in lines:
            terminalreporter.write_line(line)
    interactions = LEDGER.interaction_lines()
    if interactions:
        terminalreporter.section("conformance: checked cases per interaction (target, op)")
        for line in interactions:
            terminalreporter.write_line(line)
