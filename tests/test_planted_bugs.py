"""The conformance suite against modules with one planted bug each (tests/planted/).

Each scenario runs the suite in a subprocess exactly as a user would (`pytest --pyargs conformance
--impl tests.planted.<module> --frameworks impl`, ci profile, `-x`, `-k` the ops the bug touches) and
asserts that
  - the run fails;
  - the failure message explains THIS bug (the parts a reader needs to see it: the formula, the
    resolved padding, the first differing element and the window it reads, ...);
  - the repro block printed in the message runs on its own and prints an expected and an actual that
    differ.
A control runs the same command with `--impl reference`, which must pass.

Each run gets an explicit random --hypothesis-seed (set CONFORMANCE_PLANTED_SEED to pin it), printed in
every assertion, so a run where the suite missed a bug can be replayed.
"""

from __future__ import annotations

import functools
import os
import random
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = int(os.environ.get("CONFORMANCE_PLANTED_SEED") or random.SystemRandom().randrange(2**31))
HEADLINES = ("does not conform to the spec", "on a valid case")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.pop("CONFORMANCE_IMPL", None)
    return env


@functools.cache
def run_suite(impl: str, select: str) -> subprocess.CompletedProcess:
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "--pyargs",
        "conformance",
        "--impl",
        impl,
        "--frameworks",
        "impl",
        "-p",
        "no:cacheprovider",
        "--hypothesis-profile",
        "ci",
        f"--hypothesis-seed={SEED}",
        "-x",
        "-q",
        "-k",
        select,
    ]
    return subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=300, check=False)


# ---------------------------------------------------------------------------------------------------------
# Reading the suite's output back into messages
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Message:
    text: str  # the message, without pytest's "E   " / exception-group "| " margins
    repro: str  # the program under "repro", dedented

    def line(self, label: str) -> str:
        """The message line that starts with `label` (e.g. "first at"), or ''."""
        for line in self.text.split("\n"):
            if line.strip().startswith(label):
                return line.strip()
        return ""


_MARGIN = re.compile(r"^(E {7}|\s*\| ?)")


def messages(output: str) -> list[Message]:
    """Every failure message in a pytest run's output (hypothesis may report several distinct ones)."""
    lines = [_MARGIN.sub("", line, count=1) for line in output.split("\n")]
    found: list[Message] = []
    i = 0
    while i < len(lines):
        if not any(h in lines[i] for h in HEADLINES):
            i += 1
            continue
        start = i
        while i < len(lines) and not re.match(r"^\s*repro\b", lines[i]):
            i += 1
        if i == len(lines):
            break
        indent = len(lines[i]) - len(lines[i].lstrip()) + 2  # the program sits 2 deeper than "repro"
        i += 1
        code = []
        while i < len(lines) and (
            (lines[i].startswith(" " * indent)
            and lines[i].strip())
            or (not lines[i].strip()
            and _continues(lines, i, indent))
        ):
            code.append(lines[i][indent:])
            i += 1
        found.append(Message("\n".join(lines[start:i]), "\n".join(code)))
    return found


def _continues(lines: list[str], i: int, indent: int) -> bool:
    """A blank line inside the program: the next non-blank line is still indented as the program."""
    rest = [line for line in lines[i:] if line.strip()]
    return bool(rest) and rest[0].startswith(" " * indent)


EPILOGUE = """
import numpy as _np
_e = _np.asarray(expected, dtype=_np.float64)
_a = _np.asarray(actual, dtype=_np.float64)
_same = _e.shape == _a.shape and _np.allclose(_e, _a, rtol=1e-5, atol=1e-6, equal_nan=True)
print('PLANTED-DIFFER', not _same)
"""


def run_repro(code: str, epilogue: str = EPILOGUE) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code + "\n" + epilogue],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _tail(text: str, n: int = 6000) -> str:
    return text[-n:]


# ---------------------------------------------------------------------------------------------------------
# What each planted bug's message must show
# ---------------------------------------------------------------------------------------------------------


def _pairs(padding_line: str) -> list[tuple[int, ...]]:
    """(total, before, after) per dim from a "padding  : ... resolves to dim 0: total 3 -> 1 before, 2 "
    "after"."""
    return [tuple(map(int, m)) for m in re.findall(r"total (\d+) -> (\d+) before, (\d+) after", padding_line)]


def _shapes(m: Message) -> tuple[tuple, tuple] | None:
    found = re.search(r"expected shape \(([\d, ]*)\), got \(([\d, ]*)\)", m.text)
    if not found:
        return None
    return tuple(int(v) for v in found[1].split(",") if v.strip()), tuple(
        int(v) for v in found[2].split(",") if v.strip()
    )


def _first_at(m: Message) -> tuple[str, str] | None:
    found = re.search(r"first at : \[[\d, ]*\]: expected (\S+), got (\S+)", m.text)
    return (found[1], found[2]) if found else None


def _window(m: Message) -> str:
    """The window section: from "window   :" up to the blank line before the repro."""
    found = re.search(r"window   : (.*?)\n\s*\n", m.text, re.DOTALL)
    return found[1] if found else ""


def _call_param(m: Message, name: str) -> tuple[int, ...] | None:
    found = re.search(rf"\b{name}=\(([\d, ]*)\)", m.line("call"))
    return tuple(int(v) for v in found[1].split(",") if v.strip()) if found else None


def explains_output_size_rounding(m: Message) -> bool:
    exp, got = re.search(r"expected : (\S+)", m.text), re.search(r"got      : (\S+)", m.text)
    return (
        "output_size on impl tests.planted.output_size_ceil does not conform" in m.text
        and "ceil_mode=False" in m.line("call")
        and "formula  : floor((n + pb + pa - d*(k-1) - 1)/s) + 1 = floor((" in m.text
        and exp is not None
        and got is not None
        and exp[1].isdigit()
        and got[1].isdigit()
        and int(got[1]) == int(exp[1]) + 1
    )


def explains_extra_window(m: Message) -> bool:
    shapes = _shapes(m)
    if not ("does not conform" in m.text and shapes and "shape    : dim 0: floor((" in m.text):
        return False
    want, got = shapes
    grown = [g - w for w, g in zip(want, got)]
    return len(want) == len(got) and max(grown) == 1 and min(grown) == 0


def explains_swapped_hw(m: Message) -> bool:
    kernel, stride = _call_param(m, "kernel_size"), _call_param(m, "stride")
    non_square = any(p is not None and len(p) == 2 and p[0] != p[1] for p in (kernel, stride))
    if not (non_square and "x (" in m.line("call")):
        return False
    if "on a valid case" in m.text:  # the swapped kernel no longer fits the input
        return "ValueError" in m.text
    shapes = _shapes(m)
    value_story = _first_at(m) is not None and "x[" in _window(m) and "spatial cells read" in _window(m)
    return "does not conform" in m.text and (value_story or (shapes is not None and shapes[0] != shapes[1]))


def explains_same_before(m: Message) -> bool:
    odd = [(t, b, a) for t, b, a in _pairs(m.line("padding")) if t % 2 == 1 and a == b + 1]
    return (
        "does not conform" in m.text
        and "padding='same'" in m.line("call")
        and m.line("padding").startswith("padding  : 'same' resolves to")
        and bool(odd)
        and _first_at(m) is not None
        and "spatial cells read" in _window(m)
    )


def explains_avg_divisor(m: Message) -> bool:
    call = m.line("call")
    return (
        "avg_pool on impl tests.planted.avg_counts_pad does not conform" in m.text
        and ("count_include_pad=False" in call or "ceil_mode=True" in call)
        and "divisor_override" not in call
        and "per-element fp error bound" in m.line("mismatch")
        and _first_at(m) is not None
        and re.search(r"\b(pad|out)\b", _window(m)) is not None
    )


def explains_zero_fill(m: Message) -> bool:
    first = _first_at(m)
    return (
        "max_pool on impl tests.planted.max_pad_zero does not conform" in m.text
        and "exact, NaN == NaN" in m.line("mismatch")
        and first is not None
        and first[1] == "0"
        and float(first[0]) < 0
        and re.search(r"\b(pad|out)\b", _window(m)) is not None
    )


def explains_nan_dropped(m: Message) -> bool:
    first = _first_at(m)
    return (
        "max_pool on impl tests.planted.nan_dropping_max does not conform" in m.text
        and first is not None
        and first[0] == "nan"
        and first[1] != "nan"
        and re.search(r"\bnan\b", _window(m).split("\n", 1)[-1]) is not None
    )


def explains_zero_pad_swap(m: Message) -> bool:
    return (
        "zero_pad on impl tests.planted.zero_pad_swapped does not conform" in m.text
        and any(b != a for _, b, a in _pairs(m.line("padding")))
        and "shape    : dim 0: pb + n + pa =" in m.text
        and _first_at(m) is not None
    )


def _reads(m: Message) -> str:
    """The reads section: which forward windows read the differing cell, and their cells."""
    found = re.search(r"reads    : (.*?)\n\s*\n", m.text, re.DOTALL)
    return found[1] if found else ""


def explains_tie_routing(m: Message) -> bool:
    """A window whose two cells hold the same maximum, and the gradient expected at the first of them."""
    first = _first_at(m)
    tied = any(len(values) != len(set(values))
               for values in (re.findall(r"x\[[\d, ]+\]=(\S+)", line) for line in _reads(m).split("\n")))
    return ("max_pool_backward on impl tests.planted_backward.max_ties_last does not conform" in m.text
            and first is not None and "forward windows that read x[" in _reads(m) and tied)


def explains_relu_at_zero(m: Message) -> bool:
    first = _first_at(m)
    return ("relu_backward on impl tests.planted_backward.relu_at_zero_passes does not conform" in m.text
            and first is not None and first[0] == "0" and first[1] != "0"
            and re.search(r"x\[[\d, ]+\] = 0,", _reads(m)) is not None)


def explains_repeat_by_stride(m: Message) -> bool:
    call = m.line("call")
    kernel, stride = _call_param(m, "kernel_size"), _call_param(m, "stride")
    reads = _reads(m)
    return ("avg_pool_backward on impl tests.planted_backward.avg_repeats_by_stride does not conform"
            in m.text and kernel is not None and (kernel != stride or "padding" in call)
            and _first_at(m) is not None and ("forward windows that read" in reads
                                               or "no forward window reads" in reads))


def explains_lp_zero_norm(m: Message) -> bool:
    """'expected 0, got nan' at a cell read by a window whose every cell is 0 (its norm is 0)."""
    first = _first_at(m)
    windows = (re.findall(r"x\[[\d, ]+\]=(\S+)", line) for line in _reads(m).split("\n"))
    zero_window = any(values and all(float(v) == 0 for v in values) for values in windows)
    return ("lp_pool_backward on impl tests.planted_backward.lp_zero_norm_nan does not conform" in m.text
            and first == ("0", "nan") and zero_window)


@dataclass(frozen=True)
class Scenario:
    module: str
    select: str  # -k
    explains: Callable[[Message], bool]
    what: str  # what the message must show, for the assertion text
    package: str = "tests.planted"

    @property
    def impl(self) -> str:
        return f"{self.package}.{self.module}"


SCENARIOS = {
    "output_size_ceil-output_size": Scenario(
        "output_size_ceil",
        "test_output_size",
        explains_output_size_rounding,
        "the call with ceil_mode=False, the floor formula with the numbers, got == expected + 1",
    ),
    "output_size_ceil-max_pool": Scenario(
        "output_size_ceil",
        "test_max_pool",
        explains_extra_window,
        "the floor shape formula per dim and 'expected shape ..., got ...' one window longer in one dim",
    ),
    "swapped_hw": Scenario(
        "swapped_hw",
        "test_max_pool or test_avg_pool",
        explains_swapped_hw,
        "a 2-D call with a non-square kernel or stride, and the first differing element with its window "
        "grid (or the differing shape, or the ValueError the swapped kernel raised)",
    ),
    "same_pad_before": Scenario(
        "same_pad_before",
        "test_max_pool or test_avg_pool",
        explains_same_before,
        "padding='same', \"'same' resolves to ... total <odd> -> b before, b+1 after\", first at, window",
    ),
    "avg_counts_pad": Scenario(
        "avg_counts_pad",
        "test_avg_pool",
        explains_avg_divisor,
        "count_include_pad=False or ceil_mode=True, the fp bound, first at, a window with pad/out cells",
    ),
    "max_pad_zero": Scenario(
        "max_pad_zero",
        "test_max_pool",
        explains_zero_fill,
        "exact comparison, 'expected <negative>, got 0', a window with pad/out cells",
    ),
    # test_max_pool alone catches this and same_pad_before in 20 of 20 seeds since each run checks at least
    # 20 NaN cases and 20 odd 'same' cases (bench/catch_table.py --select "test_max_pool and not backward")
    "nan_dropping_max": Scenario(
        "nan_dropping_max",
        "test_max_pool",
        explains_nan_dropped,
        "'expected nan, got <number>' and a nan in the window grid",
    ),
    "zero_pad_swapped": Scenario(
        "zero_pad_swapped",
        "test_zero_pad",
        explains_zero_pad_swap,
        "an asymmetric 'resolves to ... before, ... after', the shape sum, first at",
    ),
    "max_ties_last": Scenario(
        "max_ties_last",
        "test_max_pool_backward",
        explains_tie_routing,
        "first at, and the forward windows reading that cell with a tied maximum among their cells",
        "tests.planted_backward",
    ),
    "relu_at_zero_passes": Scenario(
        "relu_at_zero_passes",
        "test_relu_backward",
        explains_relu_at_zero,
        "'expected 0, got <g>' and 'x[...] = 0' for that element",
        "tests.planted_backward",
    ),
    "lp_zero_norm_nan": Scenario(
        "lp_zero_norm_nan",
        "test_lp_pool_backward",
        explains_lp_zero_norm,
        "'expected 0, got nan' and a forward window of zeros reading that cell",
        "tests.planted_backward",
    ),
    "avg_repeats_by_stride": Scenario(
        "avg_repeats_by_stride",
        "test_avg_pool_backward",
        explains_repeat_by_stride,
        "a call where kernel != stride, first at, and the forward windows reading that cell",
        "tests.planted_backward",
    ),
}


def _explaining(scenario: Scenario) -> tuple[Message, str]:
    """The message that explains the scenario's bug (asserting the run failed and has one)."""
    proc = run_suite(scenario.impl, scenario.select)
    where = f"--impl {scenario.impl} -k {scenario.select!r} --hypothesis-seed={SEED}"
    assert proc.returncode == 1, (
        f"the suite did not fail on the planted bug ({where}; rc={proc.returncode}):\n{_tail(proc.stdout)}"
    )
    found = messages(proc.stdout)
    assert found, f"no conformance message in the output ({where}):\n{_tail(proc.stdout)}"
    for m in found:
        assert m.repro.strip(), f"a message without a repro block ({where}):\n{m.text}"
    good = sorted((m for m in found if scenario.explains(m)), key=lambda m: "does not conform" not in m.text)
    assert good, (
        f"no message explains the planted bug ({where}); expected {scenario.what}. Messages:\n\n"
        + "\n\n".join(m.text for m in found)
    )
    return good[0], where


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_planted_bug_fails_with_an_explaining_message(name):
    _explaining(SCENARIOS[name])


@pytest.mark.parametrize("name", [n for n in SCENARIOS if not n.endswith("-output_size")])
def test_planted_bug_repro_runs_and_shows_the_difference(name):
    message, where = _explaining(SCENARIOS[name])
    proc = run_repro(message.repro)
    raised = re.search(r" raised (\w+(?:\.\w+)*): .* on a valid case", message.text)
    if raised:  # the target raised: the repro computes the reference, then raises the same on the target line
        exc = raised[1].rsplit(".", 1)[-1]
        last = proc.stderr.strip().split("\n")[-1]
        at = re.search(r'File "<string>", line (\d+)', proc.stderr)
        line = message.repro.split("\n")[int(at[1]) - 1] if at else ""
        assert proc.returncode != 0 and last.startswith(f"{exc}:") and line.startswith("actual = "), (
            f"the repro does not raise {exc} on the target's line "
            f"({where}):\n{message.repro}\n\n{proc.stderr}"
        )
        return
    assert proc.returncode == 0, f"the repro failed ({where}):\n{message.repro}\n\nstderr:\n{proc.stderr}"
    printed = proc.stdout.split("PLANTED-DIFFER")[0]
    assert printed.startswith("expected\n") and "\nactual\n" in printed, (
        f"the repro does not print expected and actual ({where}):\n{proc.stdout}"
    )
    assert "PLANTED-DIFFER True" in proc.stdout, (
        f"the repro's expected and actual agree ({where}):\n{message.repro}\n\n{proc.stdout}"
    )


def test_output_size_repro_prints_expected_and_actual():
    message, where = _explaining(SCENARIOS["output_size_ceil-output_size"])
    proc = run_repro(message.repro, epilogue="")
    assert proc.returncode == 0, f"the repro failed ({where}):\n{message.repro}\n\nstderr:\n{proc.stderr}"
    expected = re.search(r"expected : (\S+)", message.text)[1]
    got = re.search(r"got      : (\S+)", message.text)[1]
    assert proc.stdout.split("\n")[:2] == [f"expected {expected}", f"actual {got}"], proc.stdout


def test_reference_passes_the_same_runs():
    selects = sorted({s.select for s in SCENARIOS.values()})
    select = " or ".join(sorted({part for s in selects for part in s.split(" or ")}))
    proc = run_suite("reference", select)
    assert proc.returncode == 0, (
        f"--impl reference failed (-k {select!r}, --hypothesis-seed={SEED}):\n{_tail(proc.stdout)}"
    )
    for op in ("max_pool", "avg_pool", "zero_pad", "output_size"):
        assert re.search(rf"impl reference\s+{op}\s+\d+ passed", proc.stdout), proc.stdout
