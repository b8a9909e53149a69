"""The conformance report: one run's ledger (or several runs' reports) as JSON, Markdown and a static page.

`python -m conformance report --out DIR [-- PYTEST_ARGS...]` runs the suite in a subprocess with
`--conformance-json DIR/ledger.json --junitxml DIR/junit.xml`, streams its progress, and writes
`DIR/report.json`, `DIR/report.md` and `DIR/index.html`. `python -m conformance report --merge DIR1 DIR2
... --out DIR` combines the report.json of several runs (one per tox env) into one versions x ops matrix.

Cell status per (target, op): failed if any example failed, else diverged if any matched a recorded
divergence, else passed if any passed, else not_expressible (every drawn case was outside what the target
can express), else skipped (the target lacks the op or its package). An op a run did not select (for
example with `-k`) has no cell.
"""

from __future__ import annotations

import datetime as _dt
import html
import inspect
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import accuracy_view

SCHEMA = 1
COUNT_KEYS = ("passed", "diverged", "not_expressible", "failed")
# Display order, worst first; a cell takes the first status any of its examples had.
STATUSES = ("failed", "diverged", "passed", "not_expressible", "skipped")
STATUS_TEXT = {
    "passed": ("✓", "passed", "every example matched the spec"),
    "diverged": ("≈", "diverged", "some examples matched a recorded divergence, the rest the spec"),
    "failed": ("✗", "failed", "an example matched neither the spec nor a recorded divergence"),
    "not_expressible": ("∅", "not expressible", "no drawn case could be expressed with the target's API"),
    "skipped": ("–", "skipped", "the target has no such op, or its package is missing"),
    "not_run": ("·", "not run", "not selected in this run"),
}
SHORT = {"passed": "ok", "diverged": "div", "not_expressible": "n/e", "failed": "fail"}
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]|#x1B\[[0-9;]*m")
MATRIX_TEST = re.compile(r"^test_(?P<op>\w+)\[(?P<target>[\w.-]+)\]$")


# ----------------------------------------------------------------------------------------------- model

def cell_status(counts: dict[str, int], skip_reason: str | None = None) -> str:
    for status in ("failed", "diverged", "passed", "not_expressible"):
        if counts.get(status):
            return status
    return "skipped" if skip_reason is not None else "not_run"


def slug(*parts: str) -> str:
    text = "-".join(str(p) for p in parts).lower()
    return re.sub(r"[^a-z0-9_]+", "-", text).strip("-") or "x"


def strip_ansi(text: str | None) -> str | None:
    return None if text is None else ANSI.sub("", text)


def case_line(message: str | None) -> str | None:
    """The `call : ...` line of a failure message: the (shrunk) case as the suite describes it."""
    for line in (message or "").splitlines():
        stripped = line.strip()
        if stripped.startswith("call") and ":" in stripped:
            return stripped.split(":", 1)[1].strip()
    return None


def op_order(ops: Iterable[str]) -> list[str]:
    import reference

    known = list(reference.__all__)
    ops = set(ops)
    return [op for op in known if op in ops] + sorted(ops - set(known))


def spec_clauses(ops: Iterable[str]) -> dict[str, dict]:
    """The spec clause per op: the reference function's signature and docstring."""
    import reference

    out = {}
    for op in ops:
        fn = getattr(reference, op, None)
        if fn is None or not callable(fn):
            continue
        try:
            signature = f"reference.{op}{inspect.signature(fn)}"
        except (TypeError, ValueError):
            signature = f"reference.{op}(...)"
        module = inspect.getmodule(fn)
        out[op] = {"function": f"{fn.__module__}.{op}", "signature": signature,
                   "doc": inspect.getdoc(fn) or "",
                   "module_doc": (inspect.getdoc(module) or "") if module else ""}
    return out


def divergence_records(ids: Iterable[str] = (), target_names: Iterable[str] = ()) -> dict[str, dict]:
    """Registry entries, as data: those named in `ids` and every one recorded for `target_names`."""
    import numpy as np

    from .cases import reference_output
    from .divergences import registry

    ids, names = set(ids), set(target_names)
    out = {}
    for d in sorted(registry(), key=lambda d: (d.target, d.ops, d.id)):
        if d.id not in ids and d.target not in names:
            continue
        record = {"id": d.id, "target": d.target, "requires": dict(d.requires), "op": ", ".join(d.ops),
                  "ops": list(d.ops), "when": d.when,
                  "spec": d.spec, "behaviour": d.behaviour, "link": d.link}
        try:
            example = d.example()
            spec = reference_output(example)
            predicted = d.predict(example, spec)

            def show(a):
                a = np.asarray(a)
                a = a if a.dtype.kind in "iu" else a.astype(np.float64)
                return np.array2string(a, separator=", ", threshold=200).replace("\n", " ")

            record["example"] = {"case": example.describe(), "x": show(example.x), "spec": show(spec),
                                 "target": show(predicted)}
        except Exception as exc:  # an example that fails to evaluate must not sink the report
            record["example"] = {"error": f"{type(exc).__name__}: {exc}"}
        out[d.id] = record
    return out


def load_junit(path: str | Path) -> list[dict]:
    """The test cases of a JUnit XML file: name, outcome, time, message and hypothesis's replay hints."""
    path = Path(path)
    if not path.exists():
        return []
    tests = []
    for case in ET.parse(path).getroot().iter("testcase"):
        outcome, message, text = "passed", None, None
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}[child.tag]
                message = strip_ansi(child.get("message"))
                text = strip_ansi(child.text)
                break
        test = {"classname": case.get("classname", ""), "name": case.get("name", ""), "outcome": outcome,
                "time": float(case.get("time") or 0.0), "message": message}
        if outcome in ("failed", "error") and text:
            test["hypothesis"] = hypothesis_hints(text)
            test["details"] = text
        tests.append(test)
    return tests


def hypothesis_hints(text: str) -> dict:
    """From a failure's long text: hypothesis's draws of the shrunk case and its @reproduce_failure line."""
    lines = [re.sub(r"^E {0,7}", "", line) for line in text.splitlines()]
    draws = [line.strip() for line in lines if re.match(r"\s*Draw \d+", line)]
    blob = re.search(r"@reproduce_failure\([^)]*\)", text)
    return {"draws": draws, "reproduce_failure": blob.group(0) if blob else None}


def build_report(ledger: dict, junit: list[dict] | None = None, *, env: dict | None = None,
                 command: list[str] | None = None, exit_code: int | None = None) -> dict:
    """The report of one run, from its ledger (`Ledger.to_json`) and optionally its JUnit test cases."""
    # in name order, not the file's: the shards of a run list their tests in another order than the run
    junit = sorted(junit or [], key=lambda t: (t["classname"], t["name"]))
    labels = list(ledger.get("targets", {}))
    names = {label: info.get("name", label.split()[0]) for label, info in ledger.get("targets", {}).items()}
    for item in list(ledger.get("entries", [])) + list(ledger.get("skipped", [])):
        if item["target"] not in labels:
            labels.append(item["target"])
            names[item["target"]] = item["target"].split()[0]
    targets: dict[str, dict] = {}
    for label in labels:
        info = ledger.get("targets", {}).get(label)
        targets[label] = {"id": slug(label), "label": label, "name": names[label],
                          "versions": dict(info.get("versions", {})) if info else {},
                          "platform": (info or {}).get("platform", {}).get("described", ""),
                          "installed": info is not None, "env": (env or {}).get("name"), "ops": {},
                          "accuracy": []}
    for row in accuracy_view.accuracy_rows(ledger.get("accuracy", [])):
        if row["target"] in targets:
            targets[row["target"]]["accuracy"].append({k: v for k, v in row.items() if k != "target"})

    def cell(label: str, op: str) -> dict:
        return targets[label]["ops"].setdefault(op, {
            "status": "not_run", "counts": {}, "examples": 0, "divergences": [], "skip_reason": None,
            "param_classes": [], "tests": []})

    for entry in ledger.get("entries", []):
        counts = {k: int(v) for k, v in entry.get("counts", {}).items() if v}
        failure = None
        if entry.get("failure"):
            message = strip_ansi(entry["failure"])
            failure = {"case": case_line(message), "message": message}
        cell(entry["target"], entry["op"])["param_classes"].append({
            "param_class": entry["param_class"], "status": cell_status(counts), "counts": counts,
            "examples": sum(counts.values()), "divergences": list(entry.get("divergences", [])),
            "not_expressible_reasons": dict(entry.get("not_expressible_reasons", {})), "failure": failure,
            "interactions": dict(entry.get("interactions", {}))})
    for skip in ledger.get("skipped", []):
        cell(skip["target"], skip["op"])["skip_reason"] = skip["reason"]

    # JUnit: test outcomes per cell (a test can fail outside check_case, e.g. while drawing a case).
    by_name: dict[str, str] = {}
    for label, target in targets.items():
        by_name.setdefault(target["name"], label)
    other_tests = []
    for test in junit:
        match = MATRIX_TEST.match(test["name"])
        label = by_name.get(match["target"]) if match else None
        if (match is not None and label is not None
                and (match["op"] in targets[label]["ops"] or test["outcome"] != "skipped")):
            c = cell(label, match["op"])
            c["tests"].append({k: v for k, v in test.items() if k != "details"})
            if test["outcome"] in ("failed", "error"):
                _mark_final_failure(c, test)
        else:
            other_tests.append({k: v for k, v in test.items() if k != "details"})

    for target in targets.values():
        for c in target["ops"].values():
            c["param_classes"].sort(key=lambda pc: (STATUSES.index(pc["status"]), pc["param_class"]))
            total: Counter[str] = Counter()
            for pc in c["param_classes"]:
                total.update(pc["counts"])
            c["counts"] = {k: total[k] for k in COUNT_KEYS if total[k]}
            c["examples"] = sum(c["counts"].values())
            c["divergences"] = sorted({d for pc in c["param_classes"] for d in pc["divergences"]})
            hits: Counter[str] = Counter()
            for pc in c["param_classes"]:
                hits.update(pc.get("interactions", {}))
            c["interactions"] = dict(sorted(hits.items()))
            c["status"] = cell_status(c["counts"], c["skip_reason"])
            if any(t["outcome"] in ("failed", "error") for t in c["tests"]):
                c["status"] = "failed"
            if c["status"] == "not_run" and any(t["outcome"] == "skipped" for t in c["tests"]):
                c["status"] = "skipped"
                c["skip_reason"] = next(t["message"] for t in c["tests"] if t["outcome"] == "skipped")
        target["ops"] = {op: target["ops"][op] for op in op_order(target["ops"])}

    ops = op_order({op for t in targets.values() for op in t["ops"]})
    seen_ids = {d for t in targets.values() for c in t["ops"].values() for d in c["divergences"]}
    return {
        "schema": SCHEMA,
        "kind": "run",
        **({"shard": ledger["shard"]} if ledger.get("shard") else {}),
        "generated": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "env": env or {},
        "command": command,
        "exit_code": exit_code,
        "tests": _test_summary(junit),
        "ops": ops,
        "directions": {op: direction(op) for op in ops},
        "targets": list(targets.values()),
        "other_tests": other_tests,
        "spec": spec_clauses(ops),
        "divergences": divergence_records(seen_ids, {t["name"] for t in targets.values()}),
        "summary": _cell_summary(targets.values()),
    }


def _mark_final_failure(c: dict, test: dict) -> None:
    """Note which param class holds the case hypothesis reported (its shrunk case) and attach its hints."""
    hints = test.get("hypothesis") or {}
    shown = " ".join(hints.get("draws", []))
    for pc in c["param_classes"]:
        failure = pc.get("failure")
        if failure and failure.get("case") and failure["case"] in shown:
            failure["shrunk"] = True
            failure["hypothesis"] = hints
            return
    if not any(pc.get("failure") for pc in c["param_classes"]):
        # The test failed without a ledger record (an error outside the check): the test is the failure.
        c["param_classes"].insert(0, {
            "param_class": "(test)", "status": "failed", "counts": {}, "examples": 0, "divergences": [],
            "not_expressible_reasons": {},
            "failure": {"case": (hints.get("draws") or [None])[0], "message": test.get("details")
                        or test.get("message") or "", "shrunk": True, "hypothesis": hints}})


def _test_summary(junit: list[dict]) -> dict:
    counts = Counter(t["outcome"] for t in junit)
    return {"total": len(junit), **{k: counts[k] for k in ("passed", "failed", "error", "skipped")},
            "time": round(sum(t["time"] for t in junit), 3)}


def _cell_summary(targets: Iterable[dict]) -> dict:
    counts = Counter(c["status"] for t in targets for c in t["ops"].values())
    return {s: counts[s] for s in STATUSES if counts[s]}


def merge_reports(reports: list[dict], names: list[str] | None = None) -> dict:
    """One versions x ops matrix from several runs' reports: a column per (run, target)."""
    names = names or [f"run{i + 1}" for i in range(len(reports))]
    columns: list[dict] = []
    used: set[str] = set()
    spec: dict[str, dict] = {}
    divergences: dict[str, dict] = {}
    other_tests: list[dict] = []
    sources: list[dict[str, Any]] = []
    for report, name in zip(reports, names):
        env_name = (report.get("env") or {}).get("name") or name
        sources.append({"name": env_name, "source": name, "env": report.get("env"),
                        "command": report.get("command"), "exit_code": report.get("exit_code"),
                        "generated": report.get("generated"), "tests": report.get("tests")})
        for target in report.get("targets", []):
            column = json.loads(json.dumps(target))
            column["env"] = env_name
            column["id"] = cid = _unique(slug(target["label"]), used, slug(env_name, target["label"]))
            used.add(cid)
            columns.append(column)
        spec.update(report.get("spec", {}))
        divergences.update(report.get("divergences", {}))
        other_tests += [dict(t, env=env_name) for t in report.get("other_tests", [])]
    labels = Counter(c["label"] for c in columns)
    for column in columns:  # same label from two runs (the same versions twice): tell them apart by env
        label = column["label"]
        column["title"] = label if labels[label] == 1 else f"{label} [{column['env']}]"
    ops = op_order({op for c in columns for op in c["ops"]})
    codes = [s["exit_code"] for s in sources if s["exit_code"] is not None]
    return {
        "schema": SCHEMA,
        "kind": "merged",
        "generated": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "sources": sources,
        "env": {},
        "command": None,
        "exit_code": max(codes) if codes else None,
        "tests": {k: sum((s["tests"] or {}).get(k, 0) for s in sources)
                  for k in ("total", "passed", "failed", "error", "skipped", "time")},
        "ops": ops,
        "targets": columns,
        "other_tests": other_tests,
        "spec": {op: spec[op] for op in op_order(spec)},
        "divergences": dict(sorted(divergences.items(),
                                   key=lambda kv: (kv[1]["target"], kv[1]["op"], kv[0]))),
        "summary": _cell_summary(columns),
    }


def _unique(preferred: str, used: set[str], fallback: str) -> str:
    candidate = preferred if preferred not in used else fallback
    n = 2
    while candidate in used:
        candidate = f"{fallback}-{n}"
        n += 1
    return candidate


# ----------------------------------------------------------------------------------------------- text

def counts_text(counts: dict[str, int], *, short: bool = False) -> str:
    keys = [k for k in ("passed", "diverged", "not_expressible", "failed") if counts.get(k)]
    if short:
        return " · ".join(f"{counts[k]} {SHORT[k]}" for k in keys)
    return ", ".join(f"{counts[k]} {k.replace('_', ' ')}" for k in keys)


def title_of(target: dict) -> str:
    return target.get("title") or target["label"]


def _failures(report: dict):
    """(target, op, index, param class) for every failure with a message, the shrunk one first per cell."""
    for target in report["targets"]:
        for op, c in target["ops"].items():
            failing = [pc for pc in c["param_classes"] if pc.get("failure")]
            failing.sort(key=lambda pc: not pc["failure"].get("shrunk"))
            for i, pc in enumerate(failing):
                yield target, op, i, pc


def repro_anchor(target: dict, op: str, index: int = 0) -> str:
    return f"repro-{target['id']}-{slug(op)}-{index}"


def render_markdown(report: dict) -> str:
    targets, ops = report["targets"], report["ops"]
    out = ["# Conformance report", ""]
    out += _header_lines(report, markdown=True)
    out += ["", "| status | meaning |", "|---|---|"]
    out += [f"| {sym} {text} | {meaning} |" for sym, text, meaning in STATUS_TEXT.values()]
    out += ["", "## Matrix", "",
            ("Rows are ops, columns are targets; each cell gives the status and the examples "
             "run (ok = passed, div = matched a recorded divergence, n/e = not expressible "
             "on the target)."), ""]
    out += _md_matrix(targets, [op for op in ops if direction(op) == "forward"])
    backward = [op for op in ops if direction(op) == "backward"]
    if backward:
        out += ["", "## Gradient matrix", "",
                ("The backward passes: `<op>_backward` is the gradient of `<op>` for a drawn cotangent "
                 "(for conv, dense and conv_transpose, of x, weight or bias); same columns."), ""]
        out += _md_matrix(targets, backward)

    out += _interaction_lines(report)
    out += accuracy_view.markdown(targets, title_of)

    failures = list(_failures(report))
    if failures:
        out += ["", "## Failures", ""]
        for target, op, _i, pc in failures:
            f = pc["failure"]
            out += [f"### `{op}` on {title_of(target)}: {pc['param_class']}"
                    + (" (shrunk case)" if f.get("shrunk") else ""),
                    ""]
            if f.get("case"):
                out += [f"case: `{f['case']}`", ""]
            hints = f.get("hypothesis") or {}
            if hints.get("reproduce_failure"):
                out += [f"replay: `{hints['reproduce_failure']}`", ""]
            out += ["```", f["message"].rstrip(), "```", ""]

    if report["divergences"]:
        out += ["", "## Recorded divergences", ""]
        for d in report["divergences"].values():
            requires = ", ".join(f"{k} {v}" for k, v in d["requires"].items())
            out += [f"### `{d['id']}`", "", f"- **target**: {d['target']} ({requires})",
                    f"- **op**: `{d['op']}`", f"- **when**: {d['when']}", f"- **spec**: {d['spec']}",
                    f"- **instead**: {d['behaviour']}"]
            if d.get("link"):
                out.append(f"- **upstream**: {d['link']}")
            seen = [title_of(t) for t in targets if _hit(t, d)]
            if seen:
                out.append(f"- **seen on**: {', '.join(seen)}")
            out.append("")

    out += ["", "## Per parameter class", ""]
    for t in targets:
        out += [f"### {title_of(t)}", ""]
        if t.get("versions"):
            out += ["versions: " + ", ".join(f"{k} {v}" for k, v in t["versions"].items()), ""]
        if t.get("platform"):
            out += [f"platform: {t['platform']}", ""]
        for op, c in t["ops"].items():
            sym, text, _ = STATUS_TEXT[c["status"]]
            head = f"`{op}`: {sym} {text}" + (f", {c['examples']} examples ({counts_text(c['counts'])})"
                                              if c["examples"] else "")
            if c["skip_reason"] and not c["examples"]:
                head += f": {c['skip_reason']}"
            out.append(f"<details><summary>{html.escape(head)}</summary>")
            out += ["", "| parameter class | status | examples | notes |", "|---|---|---|---|"]
            for pc in c["param_classes"]:
                out.append(f"| {pc['param_class']} | {STATUS_TEXT[pc['status']][1]} | "
                           f"{counts_text(pc['counts'], short=True)} | {_md_escape(_pc_notes(pc))} |")
            out += ["", "</details>", ""]
    other = [t for t in report.get("other_tests", []) if t["outcome"] != "passed"]
    if report.get("other_tests"):
        out += ["", "## Other checks", "",
                (f"{len(report['other_tests']) - len(other)} of {len(report['other_tests'])} passed "
                 "(divergence examples, documented defaults, generated docs).")]
        for t in other:
            out.append(f"- {t['outcome']}: `{t['classname']}::{t['name']}`"
                       + (f" [{t['env']}]" if t.get("env") else "")
                       + (f": {_md_escape(_first_line(t.get('message')))}" if t.get("message") else ""))
    return "\n".join(out).rstrip() + "\n"


def direction(op: str) -> str:
    """'backward' for a gradient op (`<op>_backward`), else 'forward': the report's second axis."""
    return "backward" if op.endswith("_backward") else "forward"


def _md_matrix(targets: list[dict], ops: list[str]) -> list[str]:
    out = ["| op | " + " | ".join(_md_escape(title_of(t)) for t in targets) + " |",
           "|---|" + "---|" * len(targets)]
    for op in ops:
        row = [f"`{op}`"]
        for t in targets:
            c = t["ops"].get(op)
            if c is None:
                row.append(STATUS_TEXT["not_run"][0] + " not run")
                continue
            sym, text, _ = STATUS_TEXT[c["status"]]
            detail = counts_text(c["counts"], short=True)
            if c["divergences"]:
                detail += (" · " if detail else "") + ", ".join(f"`{d}`" for d in c["divergences"])
            row.append(f"{sym} **{text}**" + (f" ({detail})" if detail else ""))
        out.append("| " + " | ".join(row) + " |")
    return out


def interaction_table(report: dict) -> list[tuple[str, str, list[int | None]]]:
    """(op, interaction, checked cases per target: None where the target has no such count)."""
    rows = []
    for op in report["ops"]:
        names = sorted({n for t in report["targets"]
                        for n in (t["ops"].get(op) or {}).get("interactions", {})})
        for name in names:
            counts = [(t["ops"].get(op) or {}).get("interactions", {}).get(name) for t in report["targets"]]
            rows.append((op, name, counts))
    return rows


def _interaction_lines(report: dict) -> list[str]:
    rows = interaction_table(report)
    if not rows:
        return []
    out = ["", "## Interactions", "",
           "Checked cases that hit each interaction (where parameters meet and the result changes); "
           "the ci profile checks at least 20 of each per target that can express it.", ""]
    titles = [_md_escape(title_of(t)) for t in report["targets"]]
    out.append("| op | interaction | " + " | ".join(titles) + " |")
    out.append("|---|---|" + "---|" * len(report["targets"]))
    for op, name, counts in rows:
        cells = ["" if n is None else str(n) for n in counts]
        out.append(f"| `{op}` | {_md_escape(name)} | " + " | ".join(cells) + " |")
    return out


def _pc_notes(pc: dict) -> str:
    notes = []
    if pc["divergences"]:
        notes.append("divergence " + ", ".join(pc["divergences"]))
    if pc["not_expressible_reasons"]:
        notes.append("; ".join(f"{r} (x{n})" for r, n in pc["not_expressible_reasons"].items()))
    if pc.get("failure") and pc["failure"].get("case"):
        notes.append("failing case: " + pc["failure"]["case"])
    return "; ".join(notes)


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _hit(target: dict, d: dict) -> bool:
    """Did this run's target record divergence `d` on any of its ops?"""
    return any(d["id"] in target["ops"].get(op, {}).get("divergences", []) for op in d.get("ops", [d["op"]]))


def _spec_link(op: str, report: dict) -> str:
    code = f"<code>{_e(op)}</code>"
    return f'<a href="#spec-{slug(op)}">{code}</a>' if op in report["spec"] else code


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


def _header_lines(report: dict, *, markdown: bool) -> list[str]:
    lines = [f"Generated {report['generated']}."]
    tests = report.get("tests") or {}
    if tests.get("total"):
        lines.append(f"Tests: {tests['passed']} passed, {tests['failed']} failed, {tests['error']} errors, "
                     f"{tests['skipped']} skipped ({tests['time']:.1f} s in tests).")
    if report.get("exit_code") is not None:
        worst = " (the worst of the runs)" if report["kind"] == "merged" else ""
        lines.append(f"pytest exit code{worst}: {report['exit_code']}.")
    if report["kind"] == "merged":
        for s in report["sources"]:
            t = s.get("tests") or {}
            wall = ((s.get("env") or {}).get("wall_s"))
            lines.append(f"- run `{s['name']}`: exit {s['exit_code']}, {t.get('passed', 0)} passed, "
                         f"{t.get('failed', 0)} failed" + (f", {wall:.0f} s wall" if wall else ""))
    else:
        env = report.get("env") or {}
        if env:
            lines.append(f"Environment: {env.get('name') or '-'}, Python {env.get('python', '?')}, "
                         f"{env.get('platform', '?')}"
                         + (f", {env['wall_s']:.1f} s wall." if env.get("wall_s") else "."))
        if report.get("command"):
            lines.append(f"Command: `{shlex.join(report['command'])}`")
    return lines if not markdown else [line if line.startswith("- ") else line + "  " for line in lines]


# ----------------------------------------------------------------------------------------------- html

CSS = """
:root { --ink:#1d2433; --muted:#5b6475; --line:#d5d9e2; --bg:#f6f7f9;
  --passed:#1f7a3a; --passed-bg:#dcf2e1; --diverged:#8a5a00; --diverged-bg:#ffe7ad;
  --failed:#a4161a; --failed-bg:#fbd3d3; --ne:#4b4f7a; --ne-bg:#e3e5f3;
  --skipped:#6b7280; --skipped-bg:#eeeff1; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif;
  color: var(--ink); background: var(--bg); }
main { max-width: 1500px; margin: 0 auto; padding: 20px 28px 60px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 34px 0 10px; border-bottom: 2px solid var(--line);
  padding-bottom: 4px; }
h3 { font-size: 16px; margin: 8px 0 6px; } h3 code, h4 code { font-size: inherit; }
h4 { font-size: 14px; margin: 14px 0 4px; }
a { color: #1f4fa8; }
code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
.meta { color: var(--muted); margin: 0 0 2px; } .meta code { color: var(--ink); }
.banner { display: inline-block; padding: 4px 10px; border-radius: 4px; font-weight: 600; }
.banner.ok { background: var(--passed-bg); color: var(--passed); }
.banner.bad { background: var(--failed-bg); color: var(--failed); }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 10px 0 8px; padding: 8px 12px;
  background: #fff; border: 1px solid var(--line); border-radius: 6px; font-size: 12.5px; }
.legend span.item { display: inline-flex; align-items: center; gap: 6px; color: var(--muted); }
.legend span.note { flex-basis: 100%; font-size: 12px; }
.topline { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 18px; margin: 6px 0; }
ul.meta { margin: 2px 0 4px; padding-left: 20px; color: var(--muted); }
.chip { display: inline-block; min-width: 22px; padding: 1px 7px; border-radius: 4px; font-weight: 700;
  text-align: center; }
.st-passed { background: var(--passed-bg); } .st-passed .status, .chip.st-passed { color: var(--passed); }
.st-diverged { background: var(--diverged-bg); }
.st-diverged .status, .chip.st-diverged { color: var(--diverged); }
.st-failed { background: var(--failed-bg); } .st-failed .status, .chip.st-failed { color: var(--failed); }
.st-not_expressible { background: var(--ne-bg); }
.st-not_expressible .status, .chip.st-not_expressible { color: var(--ne); }
.st-skipped { background: repeating-linear-gradient(135deg, var(--skipped-bg) 0 6px,
  #f7f7f8 6px 12px); }
.st-skipped .status, .chip.st-skipped { color: var(--skipped); }
.st-not_run { background: #fff; } .st-not_run .status, .chip.st-not_run { color: #9aa0aa; }
.chip.st-skipped { background: var(--skipped-bg); }
.chip.st-not_run { border: 1px dashed #c4c8d0; }
.matrix-wrap { overflow-x: auto; }
table.matrix { border-collapse: separate; border-spacing: 3px; table-layout: fixed; min-width: 700px; }
table.matrix th { font-weight: 600; text-align: left; vertical-align: bottom; padding: 6px 8px;
  background: #fff; border: 1px solid var(--line); border-radius: 4px; }
table.matrix th .env { display: block; font-weight: 400; color: var(--muted); font-size: 12px; }
table.matrix th.op { vertical-align: middle; }
table.matrix th .envname::before { content: "run: "; }
table.matrix th.op a { text-decoration: none; font-family: "DejaVu Sans Mono", monospace; }
table.matrix th.op .doc { display: block; font-weight: 400; color: var(--muted); font-size: 11.5px; }
table.matrix td { position: relative; padding: 5px 38px 5px 8px; vertical-align: top; border-radius: 4px;
  border: 1px solid rgba(0,0,0,.06); }
td .head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0 10px; }
td .status { font-weight: 700; text-decoration: none; }
td .status:hover { text-decoration: underline; }
td .counts { font-size: 12px; color: var(--ink); }
td .reason { font-size: 12px; color: var(--muted); }
td a.spec { font-size: 11.5px; position: absolute; top: 7px; right: 8px; }
td .links { font-size: 11.5px; margin-top: 2px; display: flex; flex-wrap: wrap; gap: 2px 8px; }
td .links a { white-space: nowrap; }
td .links a.repro { color: var(--failed); font-weight: 700; }
td .links a.div { white-space: normal; }
section.block { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px;
  margin: 10px 0; }
section.block.cell { padding: 4px 12px; margin: 6px 0; }
section.block.cell h4 { margin: 4px 0; }
section.block:target, section.block.cell { padding: 4px 12px; margin: 6px 0; }
section.block.cell h4 { margin: 4px 0; }
section.block:target h3 { outline: 3px solid #f2c94c; }
pre { background: #f3f4f7; border: 1px solid var(--line); border-radius: 4px; padding: 8px 10px;
  overflow-x: auto; white-space: pre-wrap; word-break: break-word; margin: 6px 0; }
pre.repro { background: #fff8f8; border-color: #f0c2c2; }
dl.div { display: grid; grid-template-columns: 110px 1fr; gap: 3px 12px; margin: 6px 0; }
dl.div dt { color: var(--muted); } dl.div dd { margin: 0; }
table.pcs { border-collapse: collapse; margin: 6px 0 10px; width: 100%; }
table.pcs th, table.pcs td { border-bottom: 1px solid var(--line); padding: 3px 8px; text-align: left;
  vertical-align: top; font-size: 12.5px; }
table.pcs td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
details > summary { cursor: pointer; color: var(--muted); }
.toc { color: var(--muted); } .toc a { margin-right: 12px; }
.small { font-size: 12px; color: var(--muted); }
"""


def _e(text: Any) -> str:
    return html.escape("" if text is None else str(text))


def render_html(report: dict) -> str:
    targets, ops = report["targets"], report["ops"]
    failures = list(_failures(report))
    first_repro: dict[tuple[str, str], str] = {}
    for target, op, i, _pc in failures:
        first_repro.setdefault((target["id"], op), repro_anchor(target, op, i))
    h: list[str] = []
    title = "Conformance report" + (" (merged)" if report["kind"] == "merged" else "")
    h += ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
          '<meta name="viewport" content="width=device-width, initial-scale=1">',
          f"<title>{_e(title)}</title><style>{CSS}</style></head><body><main>"]
    h.append(f"<h1>{_e(title)}</h1>")
    meta = _header_lines(report, markdown=False)
    plain = [line for line in meta if not line.startswith(("Command:", "- "))]
    h.append(f'<p class="meta">{" · ".join(_inline_code(line.rstrip(".")) for line in plain)}</p>')
    runs = [line for line in meta if line.startswith("- ")]
    if runs:
        h.append('<ul class="meta">' + "".join(f"<li>{_inline_code(line)}</li>" for line in runs) + "</ul>")
    for line in meta:
        if line.startswith("Command:"):
            h.append(f'<p class="meta small">{_inline_code(line)}</p>')
    summary = report.get("summary", {})
    bad = summary.get("failed", 0) or (report.get("exit_code") not in (None, 0))
    parts = ", ".join(f"{n} {STATUS_TEXT[s][1]}" for s, n in summary.items())
    h.append(f'<div class="topline"><span class="banner {"bad" if bad else "ok"}">{"✗" if bad else "✓"} '
             f"{len(ops)} ops × {len(targets)} targets: {_e(parts) or 'no cells'}</span>")
    h.append('<span class="toc"><a href="#failures">failures</a>'
             '<a href="#accuracy">accuracy</a><a href="#divergences">divergences</a>'
             '<a href="#details">per parameter class</a>'
             '<a href="#other">other checks</a><a href="#spec">spec clauses</a></span></div>')

    # Legend and matrix
    h.append('<div class="legend" id="matrix">')
    for status, (sym, text, meaning) in STATUS_TEXT.items():
        h.append(f'<span class="item"><span class="chip st-{status}">{sym} {_e(text)}</span>'
                 f'{_e(meaning)}</span>')
    h.append('<span class="item note">examples per cell: ok = passed, div = matched a recorded divergence, '
             'n/e = not expressible, fail = failed (hypothesis counts every example it ran, shrinking '
             'included). Click a status for its parameter classes.</span></div>')
    width = 170 + 360 * len(targets)
    h.append(f'<div class="matrix-wrap"><table class="matrix" style="width: min(100%, {width}px)"><colgroup>'
             '<col style="width: 170px">' + "<col>" * len(targets)
             + '</colgroup><thead><tr><th class="op">op</th>')
    for t in targets:
        versions = ", ".join(f"{k} {v}" for k, v in t.get("versions", {}).items())
        merged_env = report["kind"] == "merged" and t.get("env")
        env = f'<span class="env envname">{_e(t["env"])}</span>' if merged_env else ""
        hidden = all(f"{k} {v}" in t["label"] or v in t["label"] for k, v in t.get("versions", {}).items())
        sub = f'<span class="env">{_e(versions)}</span>' if versions and not hidden else ""
        missing = "" if t.get("installed", True) else '<span class="env">not installed</span>'
        platform = f'<span class="env platform">{_e(t["platform"])}</span>' if t.get("platform") else ""
        h.append(f"<th>{_e(t['label'])}{env}{sub}{platform}{missing}</th>")
    h.append("</tr></thead><tbody>")
    for i, op in enumerate(ops):
        if direction(op) == "backward" and (i == 0 or direction(ops[i - 1]) == "forward"):
            h.append(f'<tr><th class="op" colspan="{len(targets) + 1}">gradients (backward passes)</th></tr>')
        spec = report["spec"].get(op)
        first = _e(_first_line(spec["doc"])) if spec else ""
        op_link = f'<a href="#spec-{slug(op)}" title="{first}">{_e(op)}</a>' if spec else _e(op)
        h.append(f'<tr><th class="op">{op_link}</th>')
        for t in targets:
            c = t["ops"].get(op)
            h.append(_html_cell(report, t, op, c, first_repro.get((t["id"], op))))
        h.append("</tr>")
    h.append("</tbody></table></div>")

    rows = interaction_table(report)
    if rows:
        h.append('<h2 id="interactions">Interactions</h2><p class="small">Checked cases that hit each '
                 "interaction (where parameters meet and the result changes).</p>")
        h.append('<table class="matrix"><thead><tr><th>op</th><th>interaction</th>'
                 + "".join(f"<th>{_e(title_of(t))}</th>" for t in targets) + "</tr></thead><tbody>")
        for op, name, counts in rows:
            h.append(f"<tr><td><code>{_e(op)}</code></td><td>{_e(name)}</td>"
                     + "".join(f"<td>{'' if n is None else n}</td>" for n in counts) + "</tr>")
        h.append("</tbody></table>")
    h += accuracy_view.html_section(targets, title_of)

    # Failures
    h.append('<h2 id="failures">Failures and repros</h2>')
    if not failures:
        h.append("<p>No failures.</p>")
    for target, op, i, pc in failures:
        f = pc["failure"]
        anchor = repro_anchor(target, op, i)
        shrunk = " (the shrunk case hypothesis reported)" if f.get("shrunk") else ""
        h.append(f'<section class="block" id="{anchor}"><h3><code>{_e(op)}</code> on {_e(title_of(target))}: '
                 f'{_e(pc["param_class"])}{shrunk}</h3>')
        if f.get("case"):
            h.append(f"<p>case: <code>{_e(f['case'])}</code></p>")
        hints = f.get("hypothesis") or {}
        if hints.get("reproduce_failure"):
            h.append(f"<p>replay with hypothesis: <code>{_e(hints['reproduce_failure'])}</code></p>")
        h.append(f'<p class="small"><a href="#spec-{slug(op)}">spec clause</a> · '
                 f'<a href="#cell-{target["id"]}-{slug(op)}">parameter classes</a></p>')
        pre = f'<pre class="repro">{_e(f["message"].rstrip())}</pre>'
        if f.get("shrunk") or i == 0:
            h.append(pre + "</section>")
        else:  # other parameter classes' last failures: there, but out of the way
            h.append(f"<details><summary>message and repro</summary>{pre}</details></section>")

    # Divergences
    h.append('<h2 id="divergences">Recorded divergences</h2>')
    if not report["divergences"]:
        h.append("<p>None recorded for these targets.</p>")
    for d in report["divergences"].values():
        seen = [t for t in targets if _hit(t, d)]
        requires = ", ".join(f"{k} {v}" for k, v in d["requires"].items())
        h.append(f'<section class="block" id="div-{slug(d["id"])}"><h3><code>{_e(d["id"])}</code></h3>'
                 '<dl class="div">'
                 f"<dt>target</dt><dd>{_e(d['target'])} ({_e(requires)})</dd>"
                 f'<dt>op</dt><dd>{", ".join(_spec_link(op, report) for op in d.get("ops", [d["op"]]))}</dd>'
                 f"<dt>when</dt><dd>{_e(d['when'])}</dd><dt>spec</dt><dd>{_e(d['spec'])}</dd>"
                 f"<dt>instead</dt><dd>{_e(d['behaviour'])}</dd>")
        if d.get("link"):
            h.append(f'<dt>upstream</dt><dd>{_linkify(d["link"])}</dd>')
        seen_on = _e(", ".join(title_of(t) for t in seen)) or "not hit by any example in this run"
        h.append(f"<dt>seen on</dt><dd>{seen_on}</dd>")
        ex = d.get("example") or {}
        if ex.get("case"):
            h.append(f"<dt>example</dt><dd><code>{_e(ex['case'])}</code><pre>x        = {_e(ex['x'])}\n"
                     f"spec     = {_e(ex['spec'])}\n{_e(d['target']):8} = {_e(ex['target'])}</pre></dd>")
        h.append("</dl></section>")

    # Per parameter class
    h.append('<h2 id="details">Per parameter class</h2>')
    for op in ops:
        h.append(f'<h3 id="op-{slug(op)}"><code>{_e(op)}</code> <span class="small">'
                 f'<a href="#spec-{slug(op)}">spec clause</a></span></h3>')
        for t in targets:
            c = t["ops"].get(op)
            if c is None:
                continue
            h.append(_html_details(report, t, op, c))

    # Other checks
    h.append('<h2 id="other">Other checks</h2>')
    other = report.get("other_tests", [])
    if not other:
        h.append("<p>None in this run.</p>")
    else:
        h.append('<table class="pcs"><tr><th>test</th><th>outcome</th><th>message</th></tr>')
        for t in other:
            status = {"passed": "passed", "failed": "failed", "error": "failed",
                      "skipped": "skipped"}[t["outcome"]]
            name = f"{t['classname']}::{t['name']}" + (f" [{t['env']}]" if t.get("env") else "")
            m = re.match(r"test_divergence_example\[(.+)\]", t["name"])
            if m and m[1] in report["divergences"]:
                name = f'<a href="#div-{slug(m[1])}">{_e(name)}</a>'
            else:
                name = _e(name)
            h.append(f'<tr><td><code>{name}</code></td><td><span class="chip st-{status}">'
                     f'{_e(t["outcome"])}</span></td><td>{_e(_first_line(t.get("message")))}</td></tr>')
        h.append("</table>")

    # Spec clauses
    h.append('<h2 id="spec">Spec clauses</h2><p class="small">The reference functions\' docstrings are '
             "the spec (<code>reference/</code>).</p>")
    for op in ops:
        spec = report["spec"].get(op)
        if not spec:
            continue
        h.append(f'<section class="block" id="spec-{slug(op)}"><h3><code>{_e(spec["signature"])}</code></h3>'
                 f'<pre>{_e(spec["doc"])}</pre>')
        if spec.get("module_doc"):
            h.append(f'<details><summary>notation ({_e(spec["function"].rsplit(".", 1)[0])})</summary>'
                     f'<pre>{_e(spec["module_doc"])}</pre></details>')
        h.append("</section>")
    h.append("</main></body></html>")
    return "\n".join(h) + "\n"


URL = re.compile(r"https?://[^\s,;<>\"']+")


def _linkify(text: str) -> str:
    """Escaped text with every URL in it made a link (a registry link may list several)."""
    out, last = [], 0
    for m in URL.finditer(text):
        url = m.group(0).rstrip(").")
        out += [_e(text[last:m.start()]), f'<a href="{_e(url)}">{_e(url)}</a>']
        last = m.start() + len(url)
    return "".join(out) + _e(text[last:])


def _inline_code(line: str) -> str:
    return re.sub(r"`([^`]*)`", lambda m: f"<code>{m[1]}</code>", _e(line)).lstrip("- ")


def _html_cell(report: dict, t: dict, op: str, c: dict | None, repro: str | None) -> str:
    if c is None:
        return '<td class="st-not_run"><span class="status">· not run</span></td>'
    status = c["status"]
    sym, text, _ = STATUS_TEXT[status]
    cell_anchor = f"cell-{t['id']}-{slug(op)}"
    parts = [f'<td class="st-{status}"><div class="head">'
             f'<a class="status" href="#{cell_anchor}">{sym} {_e(text)}</a>']
    if c["examples"]:
        parts.append(f'<span class="counts">{c["examples"]} ex: '
                     f'{_e(counts_text(c["counts"], short=True))}</span>')
    if c.get("skip_reason") and not c["examples"]:
        parts.append(f'<span class="reason">{_e(short_reason(c["skip_reason"], t))}</span>')
    if op in report["spec"]:
        parts.append(f'<a class="spec" href="#spec-{slug(op)}">spec</a>')
    parts.append("</div>")
    links = []
    if repro:
        links.append(f'<a class="repro" href="#{repro}">✗ repro: shrunk failing case</a>')
    for d in c["divergences"]:
        if d in report["divergences"]:
            links.append(f'<a class="div" href="#div-{slug(d)}">⚑ {_e(d)}</a>')
    if links:
        parts.append(f'<div class="links">{" ".join(links)}</div>')
    parts.append("</td>")
    return "".join(parts)


def short_reason(reason: str, target: dict) -> str:
    """A skip reason without the target's label in front (the column already names it)."""
    for prefix in (target["label"], target["name"]):
        if reason.startswith(prefix + " "):
            return reason[len(prefix) + 1:]
        if reason.startswith(prefix + ": "):
            return reason[len(prefix) + 2:]
    return reason


def _html_details(report: dict, t: dict, op: str, c: dict) -> str:
    sym, text, _ = STATUS_TEXT[c["status"]]
    anchor = f"cell-{t['id']}-{slug(op)}"
    head = f"{sym} {text}"
    if c["examples"]:
        head += f": {c['examples']} examples ({counts_text(c['counts'])})"
    if c.get("skip_reason") and not c["examples"]:
        head += f": {short_reason(c['skip_reason'], t)}"
    out = [(f'<section class="block cell" id="{anchor}"><h4>{_e(title_of(t))} '
            f'<span class="chip st-{c["status"]}">{_e(head)}</span></h4>')]
    if c["param_classes"]:
        is_open = " open" if c["status"] in ("failed", "diverged") else ""
        out.append(f"<details{is_open}><summary>{len(c['param_classes'])} parameter classes</summary>"
                   '<table class="pcs"><tr><th>parameter class</th><th>status</th><th>passed</th>'
                   "<th>diverged</th><th>not expr.</th><th>failed</th><th>notes</th></tr>")
        failing = [pc for pc in c["param_classes"] if pc.get("failure")]
        failing.sort(key=lambda pc: not pc["failure"].get("shrunk"))
        repro_of = {id(pc): repro_anchor(t, op, i) for i, pc in enumerate(failing)}
        for pc in c["param_classes"]:
            notes = []
            for d in pc["divergences"]:
                notes.append(f'<a href="#div-{slug(d)}">⚑ {_e(d)}</a>' if d in report["divergences"]
                             else _e(d))
            for reason, n in pc["not_expressible_reasons"].items():
                notes.append(f"{_e(reason)} (×{n})")
            if id(pc) in repro_of:
                notes.append(f'<a href="#{repro_of[id(pc)]}">repro</a>: '
                             f'<code>{_e(pc["failure"].get("case") or "")}</code>')
            nums = "".join(f'<td class="num">{pc["counts"].get(k, "") or ""}</td>' for k in COUNT_KEYS)
            out.append(f"<tr><td>{_e(pc['param_class'])}</td><td><span class=\"chip st-{pc['status']}\">"
                       f"{STATUS_TEXT[pc['status']][0]} {_e(STATUS_TEXT[pc['status']][1])}</span></td>{nums}"
                       f"<td>{'<br>'.join(notes)}</td></tr>")
        out.append("</table></details>")
    out.append("</section>")
    return "".join(out)


# ----------------------------------------------------------------------------------------------- files

def write_report(report: dict, out: str | Path) -> list[Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = {"report.json": json.dumps(report, indent=1, ensure_ascii=False) + "\n",
             "report.md": render_markdown(report), "index.html": render_html(report)}
    written = []
    for name, text in files.items():
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def report_from_dir(directory: str | Path) -> dict:
    """A run's report.json, or one built from its ledger.json (and junit.xml) if no report was written."""
    directory = Path(directory)
    if directory.is_file():
        return json.loads(directory.read_text(encoding="utf-8"))
    if (directory / "report.json").exists():
        return json.loads((directory / "report.json").read_text(encoding="utf-8"))
    if (directory / "ledger.json").exists():
        ledger = json.loads((directory / "ledger.json").read_text(encoding="utf-8"))
        return build_report(ledger, load_junit(directory / "junit.xml"), env={"name": directory.name})
    raise FileNotFoundError(f"{directory}: no report.json or ledger.json")


def _elapsed(start: float) -> str:
    s = int(time.monotonic() - start)
    return f"[{s // 60:3d}m{s % 60:02d}s]"


TEST_LINE = re.compile(r"[\w./\\-]+\.py::")


def stream(proc: subprocess.Popen, start: float, out=None) -> None:
    """Copy the child's output through as it comes, partial lines included, so the test pytest -v is running
    shows while it runs; each test's line starts with the elapsed time of the run."""
    import codecs

    out = out or sys.stdout
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pending, at_line_start = "", True
    if proc.stdout is None:
        raise ValueError("stream: the process must be started with stdout=subprocess.PIPE")
    fd = proc.stdout.fileno()
    while True:
        chunk = os.read(fd, 4096)
        text = decoder.decode(chunk, final=not chunk)
        for char in text:
            if not at_line_start:
                out.write(char)
                at_line_start = char == "\n"
                continue
            pending += char
            if TEST_LINE.match(pending):
                out.write(f"{_elapsed(start)} {pending}")
            elif char != "\n" and re.fullmatch(r"[\w./\\-]*(\.py:)?", pending):
                continue  # could still become a test's node id
            else:
                out.write(pending)
            at_line_start, pending = char == "\n", ""
        out.flush()
        if not chunk:
            out.write(pending)
            out.flush()
            return


def run(out: str | Path, pytest_args: list[str]) -> int:
    """Run the suite into `out`, stream its progress, write the report; returns pytest's exit code."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ledger_path, junit_path = out / "ledger.json", out / "junit.xml"
    for stale in (ledger_path, junit_path):
        stale.unlink(missing_ok=True)
    command = [sys.executable, "-m", "pytest", "--pyargs", "conformance",
               f"--conformance-json={ledger_path}", f"--junitxml={junit_path}", "-v", *pytest_args]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    print("conformance report: running " + shlex.join(command), flush=True)
    start = time.monotonic()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env) as proc:
        stream(proc, start)
        code = proc.wait()
    wall = time.monotonic() - start
    if not ledger_path.exists():
        print(f"conformance report: pytest exited {code} without writing {ledger_path}; no report",
              flush=True)
        return code or 1
    ledger = json.loads(ledger_path.read_text(encoding="utf-8"))
    named = next((var for var in ("CONFORMANCE_ENV", "TOX_ENV_NAME") if os.environ.get(var)), None)
    env_info = {"name": os.environ[named] if named else out.name, "named_by": named or "the --out directory",
                "python": platform.python_version(), "platform": platform.platform(terse=True),
                "wall_s": round(wall, 1)}
    report = build_report(ledger, load_junit(junit_path), env=env_info,
                          command=["python", "-m", "pytest", *command[3:]], exit_code=code)
    for path in write_report(report, out):
        print(f"conformance report: wrote {path}", flush=True)
    print(f"conformance report: {_summary_line(report)} in {wall:.1f} s; pytest exit code {code}", flush=True)
    return code


def merge(directories: list[str], out: str | Path) -> int:
    reports = [report_from_dir(d) for d in directories]
    names = [Path(d).name if Path(d).is_dir() else Path(d).parent.name for d in directories]
    try:
        runs = join_shards(list(zip(names, reports, directories)))
    except ValueError as err:
        print(f"conformance report: {err}", file=sys.stderr, flush=True)
        return 2
    shards = sum(1 for r in reports if r.get("shard"))
    whole = len(runs) == 1 and shards == len(reports)  # the shards of one run: that run's own report
    merged = runs[0][1] if whole else merge_reports([r for _, r in runs], [n for n, _ in runs])
    for path in write_report(merged, out):
        print(f"conformance report: wrote {path}", flush=True)
    joined = f" ({shards} of them shards, joined into their runs)" if shards else ""
    print(f"conformance report: merged {len(reports)} reports{joined}, {len(merged['targets'])} columns: "
          f"{_summary_line(merged)}", flush=True)
    return 0


def join_shards(reports: list[tuple[str, dict, str]]) -> list[tuple[str, dict]]:
    """The runs behind (name, report, directory) triples: the shards of one run (`--shard K/N` in one env:
    the same CONFORMANCE_ENV or tox env, or none) become that run's report, built from their ledgers and
    JUnit files as if it had run unsharded; other reports pass through. A run with a shard missing or given
    twice is a ValueError naming it."""
    from .ledger import Ledger

    pytest_no_tests = 5
    slots: list[tuple[str, dict | tuple[str, int]]] = []  # a report, or the key of the run its shards join
    groups: dict[tuple[str, int], list[tuple[int, dict, str]]] = {}
    for name, report, directory in reports:
        if not report.get("shard"):
            slots.append((name, report))
            continue
        k, n = (int(v) for v in report["shard"].split("/"))
        env_info = report.get("env") or {}
        # shards named by CONFORMANCE_ENV or tox belong to that env's run; unnamed ones (each named after
        # its --out directory) to the one unnamed run of N shards
        env = env_info.get("name", name) if env_info.get("named_by", "").isupper() else "sharded run"
        if (env, n) not in groups:
            slots.append((env, (env, n)))
        groups.setdefault((env, n), []).append((k, report, directory))
    joined: dict[tuple[str, int], dict] = {}
    for (env, n), shards in groups.items():
        shards.sort(key=lambda shard: shard[0])
        have = [k for k, _, _ in shards]
        if have != list(range(1, n + 1)):
            listed = ", ".join(f"{k}/{n}" for k in have)
            raise ValueError(f"the shards of {env} are {listed}; a whole run needs each of 1/{n} .. {n}/{n} "
                             "once")
        ledger, junit = Ledger(), []
        for _, _, directory in shards:
            path = Path(directory)
            if not (path / "ledger.json").exists():
                raise ValueError(f"{directory}: a shard's directory must hold the run's ledger.json (the "
                                 "report command writes it) to be joined")
            ledger.merge(json.loads((path / "ledger.json").read_text(encoding="utf-8")))
            junit += load_junit(path / "junit.xml")
        first = shards[0][1]
        env_info = dict(first.get("env") or {})
        if "wall_s" in env_info:  # the shards ran side by side: the run took as long as the slowest
            env_info["wall_s"] = max((s[1].get("env") or {}).get("wall_s", 0) for s in shards)
        command = _without_shard(first.get("command"))
        codes = [s[1]["exit_code"] for s in shards if s[1].get("exit_code") is not None]
        ran = [c for c in codes if c != pytest_no_tests] or codes  # a shard that drew no tests exits 5
        joined[(env, n)] = build_report(ledger.to_json(), junit, env=env_info, command=command,
                                        exit_code=max(ran) if ran else None)
    return [(name, joined[item] if isinstance(item, tuple) else item) for name, item in slots]


def _without_shard(command: list[str] | None) -> list[str] | None:
    if command is None:
        return None
    out: list[str] = []
    for arg in command:
        if out and out[-1] == "--shard":
            out.pop()
        elif not arg.startswith("--shard="):
            out.append(arg)
    return out


def _summary_line(report: dict) -> str:
    return ", ".join(f"{n} {STATUS_TEXT[s][1]}" for s, n in report.get("summary", {}).items()) or "no cells"
