"""The report command: report.json / report.md / index.html from a ledger, merging runs, and one real run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conformance.__main__ import main
from conformance.report import build_report, load_junit, write_report

ROOT = Path(__file__).resolve().parents[1]
TORCH = "torch 2.13.0+cpu"
KERAS = "keras 3.15.1 (tensorflow 2.21.0)"
KERAS_OLD = "keras 3.6.0 (tensorflow 2.17.1)"

FAILURE = """max_pool on keras 3.15.1 (tensorflow 2.21.0) does not conform to the spec

  call     : max_pool(x (1, 1, 2) float32, kernel_size=(2,), stride=(2,)) [channels_first]
  first at : [0, 0, 0]: expected nan, got 1 <b>not html</b>

  repro (the reference and the exact program the target ran):
    import numpy as np
    import reference
"""


def fake_ledger(keras_label: str = KERAS) -> dict:
    """One run's ledger as Ledger.to_json writes it, with every status."""
    return {
        "targets": {TORCH: {"name": "torch", "versions": {"torch": "2.13.0+cpu"}},
                    keras_label: {"name": "keras", "versions": {"keras": keras_label.split()[1]}}},
        "entries": [
            {"target": TORCH, "op": "max_pool", "param_class": "1d valid float32", "counts": {"passed": 7},
             "divergences": [], "not_expressible_reasons": {}, "failure": None},
            {"target": TORCH, "op": "max_pool", "param_class": "2d same ceil float64",
             "counts": {"passed": 2, "not_expressible": 1}, "divergences": [],
             "not_expressible_reasons": {"torch pads at most half the kernel": 1}, "failure": None},
            {"target": TORCH, "op": "lp_pool", "param_class": "1d explicit float64",
             "counts": {"passed": 3, "diverged": 4}, "divergences": ["torch-lp-pool-no-abs"],
             "not_expressible_reasons": {}, "failure": None},
            {"target": keras_label, "op": "max_pool", "param_class": "1d valid float32",
             "counts": {"passed": 5, "failed": 3}, "divergences": [], "not_expressible_reasons": {},
             "failure": "\x1b[1m" + FAILURE.replace(KERAS, keras_label) + "\x1b[0m"},
            {"target": keras_label, "op": "max_pool", "param_class": "2d same float32",
             "counts": {"passed": 2}, "divergences": [], "not_expressible_reasons": {}, "failure": None},
            {"target": keras_label, "op": "avg_pool", "param_class": "1d valid dilated float32",
             "counts": {"not_expressible": 6}, "divergences": [],
             "not_expressible_reasons": {"Keras pooling has no dilation": 6}, "failure": None},
        ],
        "skipped": [{"target": keras_label, "op": "lp_pool", "reason": f"{keras_label} has no lp_pool"},
                    {"target": "impl", "op": "max_pool", "reason": "impl: no --impl module given"}],
    }


JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites name="pytest tests">\
<testsuite name="pytest" errors="0" failures="2" skipped="1" tests="6" time="3.2">
<testcase classname="conformance.test_pooling" name="test_max_pool[torch]" time="1.0"/>
<testcase classname="conformance.test_pooling" name="test_max_pool[keras]" time="1.5">
<failure message="AssertionError: max_pool on keras does not conform">E   AssertionError: max_pool ...
E   Draw 1 (case): &lt;case max_pool(x (1, 1, 2) float32, kernel_size=(2,), stride=(2,)) [channels_first]&gt;
E   You can reproduce this test case by temporarily adding @reproduce_failure('6.170.17', b'AXic') \
as a decorator on your test function</failure>
</testcase>
<testcase classname="conformance.test_pooling" name="test_lp_pool[keras]" time="0.0">
<skipped type="pytest.skip" message="keras 3.15.1 (tensorflow 2.21.0) has no lp_pool">skip</skipped>\
</testcase>
<testcase classname="conformance.test_conv" name="test_conv[torch]" time="0.2">
<failure message="hypothesis.errors.InvalidArgument: bad strategy">\
E   hypothesis.errors.InvalidArgument: bad strategy</failure>
</testcase>
<testcase classname="conformance.test_divergences" name="test_divergence_example[torch-lp-pool-no-abs]" \
time="0.3"/>
<testcase classname="conformance.test_divergences" name="test_generated_docs_are_current[divergences.md]" \
time="0.1"/>
</testsuite></testsuites>
"""


class Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.tags: set[str] = set()
        self.srcs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])
        if "src" in attrs or (tag == "link" and "href" in attrs):
            self.srcs.append(attrs.get("src") or attrs.get("href"))


def parse(page: str) -> Anchors:
    parser = Anchors()
    parser.feed(page)
    return parser


def written(tmp_path: Path, name: str = "run", keras_label: str = KERAS, env: str = "tf221-keras315") -> Path:
    junit = tmp_path / f"{name}-junit.xml"
    junit.write_text(JUNIT)
    report = build_report(fake_ledger(keras_label), load_junit(junit), env={"name": env, "wall_s": 12.5},
                          command=["python", "-m", "pytest", "--pyargs", "conformance"], exit_code=1)
    out = tmp_path / name
    write_report(report, out)
    return out


def cells(report: dict) -> dict[tuple[str, str], dict]:
    return {(t.get("title") or t["label"], op): c for t in report["targets"] for op, c in t["ops"].items()}


def test_report_json_statuses_counts_and_failures(tmp_path):
    out = written(tmp_path)
    report = json.loads((out / "report.json").read_text())
    by = cells(report)
    assert by[(TORCH, "max_pool")]["status"] == "passed"
    assert by[(TORCH, "max_pool")]["counts"] == {"passed": 9, "not_expressible": 1}
    assert by[(TORCH, "max_pool")]["examples"] == 10
    assert by[(TORCH, "lp_pool")]["status"] == "diverged"
    assert by[(TORCH, "lp_pool")]["divergences"] == ["torch-lp-pool-no-abs"]
    assert by[(KERAS, "avg_pool")]["status"] == "not_expressible"
    assert by[(KERAS, "lp_pool")]["status"] == "skipped"
    assert by[(KERAS, "lp_pool")]["skip_reason"] == f"{KERAS} has no lp_pool"
    assert by[("impl", "max_pool")]["status"] == "skipped"
    # a test that failed outside check_case (no ledger record) still fails its cell
    assert by[(TORCH, "conv")]["status"] == "failed"
    assert "bad strategy" in by[(TORCH, "conv")]["param_classes"][0]["failure"]["message"]

    keras_max = by[(KERAS, "max_pool")]
    assert keras_max["status"] == "failed"
    assert keras_max["counts"] == {"passed": 7, "failed": 3}
    failing = keras_max["param_classes"][0]
    assert failing["status"] == "failed" and failing["param_class"] == "1d valid float32"
    failure = failing["failure"]
    assert failure["case"] == "max_pool(x (1, 1, 2) float32, kernel_size=(2,), stride=(2,)) [channels_first]"
    assert failure["shrunk"] is True
    assert failure["hypothesis"]["reproduce_failure"] == "@reproduce_failure('6.170.17', b'AXic')"
    assert "\x1b" not in failure["message"] and "repro (the reference" in failure["message"]

    torch = next(t for t in report["targets"] if t["label"] == TORCH)
    assert torch["versions"] == {"torch": "2.13.0+cpu"} and torch["installed"] is True
    assert next(t for t in report["targets"] if t["label"] == "impl")["installed"] is False
    assert report["exit_code"] == 1
    assert report["tests"] == {"total": 6, "passed": 3, "failed": 2, "error": 0, "skipped": 1, "time": 3.1}
    assert [t["name"] for t in report["other_tests"]] == [
        "test_divergence_example[torch-lp-pool-no-abs]", "test_generated_docs_are_current[divergences.md]"]
    assert report["summary"] == {"failed": 2, "diverged": 1, "passed": 1, "not_expressible": 1, "skipped": 2}
    assert report["ops"][:3] == ["max_pool", "avg_pool", "lp_pool"]  # the reference's order
    assert "max_pool" in report["spec"] and "NaN propagates" in report["spec"]["max_pool"]["doc"]
    assert report["divergences"]["torch-lp-pool-no-abs"]["op"] == "lp_pool"


def test_report_markdown_has_the_matrix_and_details(tmp_path):
    md = (written(tmp_path) / "report.md").read_text()
    assert f"| op | {TORCH} | {KERAS} | impl |" in md
    assert "| `max_pool` | ✓ **passed** (9 ok · 1 n/e) | ✗ **failed** (7 ok · 3 fail) | – **skipped** |" in md
    assert "`torch-lp-pool-no-abs`" in md and "## Recorded divergences" in md
    assert "### `max_pool` on keras 3.15.1 (tensorflow 2.21.0): 1d valid float32 (shrunk case)" in md
    assert "@reproduce_failure('6.170.17', b'AXic')" in md
    assert "Keras pooling has no dilation (x6)" in md


def test_report_html_links_resolve_and_sections_exist(tmp_path):
    page = (written(tmp_path) / "index.html").read_text()
    parsed = parse(page)
    assert len(parsed.ids) == len(set(parsed.ids)), "duplicate anchors"
    internal = [h[1:] for h in parsed.hrefs if h.startswith("#")]
    missing = sorted(set(internal) - set(parsed.ids))
    assert not missing, f"links to anchors that do not exist: {missing}"
    # self-contained: inline CSS, no scripts, no external assets
    assert "script" not in parsed.tags and not parsed.srcs and "<style>" in page
    # every matrix cell links to its op's spec clause, rendered in the page from the docstring
    assert "spec-max_pool" in parsed.ids and "#spec-max_pool" in parsed.hrefs
    assert "Padding acts as -inf, so it never wins" in page
    # the diverged cell links to the divergence explanation, rendered from the registry
    assert "#div-torch-lp-pool-no-abs" in parsed.hrefs and "div-torch-lp-pool-no-abs" in parsed.ids
    from conformance.divergences import registry

    entry = next(d for d in registry() if d.id == "torch-lp-pool-no-abs")
    for text in (entry.when, entry.spec, entry.behaviour):
        assert text.replace("'", "&#x27;").replace("<", "&lt;") in page
    # the failed cell links to the repro, and the repro section holds the escaped failure message
    repro = next(h for h in parsed.hrefs if h.startswith("#repro-") and "keras" in h)
    start = page.index(f'id="{repro[1:]}"')
    section = page[start:page.index("</section>", start)]
    assert "max_pool(x (1, 1, 2) float32" in section and "&lt;b&gt;not html&lt;/b&gt;" in section
    assert "<pre" in section
    # colour-coded cells and a legend
    for status in ("passed", "diverged", "failed", "not_expressible", "skipped"):
        assert f'<td class="st-{status}">' in page
        assert f'class="chip st-{status}"' in page


def test_merge_gives_one_matrix_with_every_env(tmp_path):
    first = written(tmp_path, "tf221-keras315")
    second = written(tmp_path, "tf217-keras3", keras_label=KERAS_OLD, env="tf217-keras3")
    assert main(["report", "--merge", str(first), str(second), "--out", str(tmp_path / "merged")]) == 0
    merged = json.loads((tmp_path / "merged" / "report.json").read_text())
    assert merged["kind"] == "merged"
    assert [s["name"] for s in merged["sources"]] == ["tf221-keras315", "tf217-keras3"]
    titles = [t["title"] for t in merged["targets"]]
    # torch appears in both runs with the same version: told apart by env
    assert titles == [f"{TORCH} [tf221-keras315]", KERAS, "impl [tf221-keras315]",
                      f"{TORCH} [tf217-keras3]", KERAS_OLD, "impl [tf217-keras3]"]
    assert len({t["id"] for t in merged["targets"]}) == len(titles)
    by = cells(merged)
    assert by[(KERAS, "max_pool")]["status"] == "failed" and by[(KERAS_OLD, "max_pool")]["status"] == "failed"
    assert by[(KERAS_OLD, "avg_pool")]["status"] == "not_expressible"
    assert merged["ops"] == json.loads((first / "report.json").read_text())["ops"]
    assert merged["exit_code"] == 1

    page = (tmp_path / "merged" / "index.html").read_text()
    parsed = parse(page)
    assert not sorted({h[1:] for h in parsed.hrefs if h.startswith("#")} - set(parsed.ids))
    assert len(parsed.ids) == len(set(parsed.ids))
    assert KERAS_OLD in page and KERAS in page and page.count('<tr><th class="op"><a') == len(merged["ops"])
    md = (tmp_path / "merged" / "report.md").read_text()
    assert f"| {KERAS} | impl [tf221-keras315] | {TORCH} [tf217-keras3] | {KERAS_OLD} |" in md


def test_merge_accepts_a_run_dir_with_only_a_ledger(tmp_path):
    run = tmp_path / "tox-env"
    run.mkdir()
    (run / "ledger.json").write_text(json.dumps(fake_ledger()))
    assert main(["report", "--merge", str(run), "--out", str(tmp_path / "out")]) == 0
    merged = json.loads((tmp_path / "out" / "report.json").read_text())
    assert merged["sources"][0]["name"] == "tox-env"
    assert cells(merged)[(KERAS, "max_pool")]["status"] == "failed"


def test_report_end_to_end(tmp_path):
    """One real run of the command on the reference as its own impl (a few seconds)."""
    out = tmp_path / "rep"
    env = dict(os.environ)
    env.pop("CONFORMANCE_IMPL", None)
    done = subprocess.run(
        [sys.executable, "-m", "conformance", "report", "--out", str(out), "--", "--impl", "reference",
         "--frameworks", "impl", "--hypothesis-profile", "dev", "-k", "max_pool or output_size"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASSED" in done.stdout and "m0" in done.stdout  # progress lines, with the elapsed time
    for name in ("report.json", "report.md", "index.html", "ledger.json", "junit.xml"):
        assert (out / name).exists(), name
    report = json.loads((out / "report.json").read_text())
    impl = next(t for t in report["targets"] if t["name"] == "impl")
    assert impl["ops"]["max_pool"]["status"] == "passed"
    assert impl["ops"]["max_pool"]["examples"] > 0
    assert impl["platform"] and impl["platform"] in (out / "index.html").read_text()  # the column names it
    assert impl["ops"]["output_size"]["status"] == "passed"
    assert report["exit_code"] == 0 and report["tests"]["failed"] == 0
    assert "avg_pool" not in impl["ops"]  # deselected by -k: no cell
    assert "spec-max_pool" in (out / "index.html").read_text()


@pytest.mark.parametrize("argv", [["report", "--merge", "x", "--out", "y", "--", "-k", "z"], ["report"]])
def test_report_usage_errors(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2


def test_forward_and_backward_are_an_axis_of_the_report():
    """Gradient ops get a direction in the JSON, a matrix of their own in report.md and a row group in the
    page, after the forward ops."""
    from conformance.report import render_html, render_markdown

    entry = {"param_class": "1d valid float32", "counts": {"passed": 4}, "divergences": [],
             "not_expressible_reasons": {}, "failure": None}
    ledger = {"targets": {TORCH: {"name": "torch", "versions": {"torch": "2.13.0+cpu"}}},
              "entries": [{"target": TORCH, "op": op, **entry} for op in ("max_pool_backward", "max_pool")],
              "skipped": []}
    report = build_report(ledger)
    assert report["ops"] == ["max_pool", "max_pool_backward"]
    assert report["directions"] == {"max_pool": "forward", "max_pool_backward": "backward"}
    md = render_markdown(report)
    matrix, gradients = md.split("## Matrix")[1].split("## Gradient matrix")
    assert "| `max_pool` |" in matrix and "max_pool_backward" not in matrix
    assert "| `max_pool_backward` | ✓ **passed** (4 ok) |" in gradients
    page = render_html(report)
    assert page.index("gradients (backward passes)") < page.index('href="#spec-max_pool_backward"')
