"""The report's accuracy view: per target x op x dtype the grade with the largest and median error in ulps,
and per op an inline SVG of each target's error distribution (no external assets)."""

from __future__ import annotations

import html
import math

from .accuracy import BINS_PER_OCTAVE, GRADE_RULES, bin_upper, grade, median_ulps

GRADE_COLOURS = {"correctly rounded": "#1f7a3a", "faithful": "#3c8d2f", "accumulation": "#1f4fa8",
                 "working-format accumulation": "#8a5a00", "beyond": "#a4161a"}
# the chart's ulp axis: quarter octaves from 2^-10 to 2^20 ulps, exact answers left of it, non-finite right
LOW, HIGH = -10 * BINS_PER_OCTAVE, 20 * BINS_PER_OCTAVE


def accuracy_rows(records: list[dict]) -> list[dict]:
    """A ledger's accuracy records (Ledger.to_json()["accuracy"]) with their grade and median."""
    rows = []
    for r in records:
        row = {**r, "grade": grade(r, r["dtype"], r["op"]), "median_ulps": median_ulps(r["histogram"])}
        # JSON has no inf or NaN: a non-finite error (a NaN or inf where a number was due) is null
        rows.append({k: None if isinstance(v, float) and not math.isfinite(v) else v for k, v in row.items()})
    return rows


def colour(grade_name: str) -> str:
    return GRADE_COLOURS.get(grade_name, GRADE_COLOURS["accumulation"])


def ulps_text(v: float | None) -> str:
    return "non-finite" if v is None else f"{v:.3g}"


def cell_text(row: dict) -> str:
    return (f"{row['grade']}: max {ulps_text(row['max_ulps'])}, "
            f"median ≤ {ulps_text(row['median_ulps'])} ulps "
            f"({row['elements']} elements)")


def keys(targets: list[dict]) -> list[tuple[str, str]]:
    """The (op, dtype) rows any target measured, in op order then dtype."""
    seen = {(r["op"], r["dtype"]) for t in targets for r in t.get("accuracy", [])}
    order = [op for t in targets for op in t["ops"]]
    return sorted(seen, key=lambda k: (order.index(k[0]) if k[0] in order else len(order), k[1]))


def markdown(targets: list[dict], title) -> list[str]:
    rows = keys(targets)
    if not rows:
        return []
    out = ["", "## Accuracy", "",
           "Measured error of every checked element of a summing or elementwise-function op, in ulps of the "
           "output format at the exact answer, and the grade it earns (README, Tolerances): "
           + "; ".join(f"**{g}**: {rule}" for g, rule in GRADE_RULES.items()) + ".", "",
           "| op | dtype | " + " | ".join(title(t) for t in targets) + " |",
           "|---|---|" + "---|" * len(targets)]
    for op, dtype in rows:
        cells = []
        for t in targets:
            row = next((r for r in t.get("accuracy", []) if r["op"] == op and r["dtype"] == dtype), None)
            cells.append(cell_text(row) if row else "")
        out.append(f"| `{op}` | {dtype} | " + " | ".join(cells) + " |")
    return out


def _e(text: object) -> str:
    return html.escape(str(text))


def chart(op: str, strips: list[tuple[str, dict]]) -> str:
    """One op's error distributions, a strip per (target, dtype): bar height is the share of elements in
    each quarter-octave bin, scaled to the strip's fullest bin."""
    label_w, bar_w, strip_h = 260, 3, 26
    plot_w = (HIGH - LOW + 1) * bar_w + 3 * bar_w * 2
    width, height = label_w + plot_w + 10, 24 + strip_h * len(strips) + 18

    def x_of(name: str) -> float:
        if name == "exact":
            return label_w
        if name == "inf":
            return label_w + plot_w - 2 * bar_w
        index = min(max(int(name), LOW), HIGH)
        return label_w + 3 * bar_w + (index - LOW) * bar_w

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="error distribution of {_e(op)} per target" style="font: 11px sans-serif">']
    # 0.5 and 1 ulp lie one octave apart: their labels lean away from each other
    for ulps, text, anchor in ((0.5, "½ ", "end"), (1.0, " 1", "start"), (2.0**4, "16", "middle"),
                               (2.0**10, "1024 ulps", "middle")):
        x = x_of(str(round(BINS_PER_OCTAVE * math.log2(ulps)))) + bar_w
        parts.append(f'<line x1="{x}" y1="14" x2="{x}" y2="{height - 16}" stroke="#c4c8d0" '
                     'stroke-dasharray="2,2"/>')
        parts.append(f'<text x="{x}" y="11" text-anchor="{anchor}" fill="#5b6475">{text}</text>')
    for i, (label, row) in enumerate(strips):
        top = 18 + i * strip_h
        parts.append(f'<text x="{label_w - 6}" y="{top + strip_h - 9}" text-anchor="end" fill="#1d2433">'
                     f"{_e(label)}</text>")
        parts.append(f'<line x1="{label_w}" y1="{top + strip_h - 4}" x2="{label_w + plot_w}" '
                     f'y2="{top + strip_h - 4}" stroke="#d5d9e2"/>')
        hist = row["histogram"]
        fullest = max(hist.values()) if hist else 1
        fill = colour(row["grade"])
        for name, count in sorted(hist.items(), key=lambda kv: bin_upper(kv[0])):
            h = max(1.0, (strip_h - 6) * count / fullest)
            parts.append(f'<rect x="{x_of(name)}" y="{top + strip_h - 4 - h:.1f}" width="{bar_w}" '
                         f'height="{h:.1f}" fill="{fill}"><title>{_e(label)}: {count} elements '
                         f"≤ {ulps_text(bin_upper(name))} ulps</title></rect>")
    parts.append(f'<text x="{label_w}" y="{height - 3}" fill="#5b6475">exact</text>')
    parts.append(f'<text x="{label_w + plot_w}" y="{height - 3}" text-anchor="end" fill="#5b6475">'
                 "error in ulps (log scale) → non-finite</text>")
    parts.append("</svg>")
    return "".join(parts)


def html_section(targets: list[dict], title) -> list[str]:
    rows = keys(targets)
    if not rows:
        return ['<h2 id="accuracy">Accuracy</h2><p>No summing or elementwise-function op was checked in this '
                "run.</p>"]
    h = ['<h2 id="accuracy">Accuracy</h2>',
         '<p class="small">Measured error of every checked element of a summing or elementwise-function op, '
         "in ulps of the output format at the exact answer. Grades: "
         + "; ".join(f'<b style="color:{colour(g)}">{_e(g)}</b>: {_e(rule)}'
                     for g, rule in GRADE_RULES.items())
         + ". Median to within a quarter octave.</p>",
         '<table class="pcs"><tr><th>op</th><th>dtype</th>'
         + "".join(f"<th>{_e(title(t))}</th>" for t in targets) + "</tr>"]
    for op, dtype in rows:
        h.append(f"<tr><td><code>{_e(op)}</code></td><td>{_e(dtype)}</td>")
        for t in targets:
            row = next((r for r in t.get("accuracy", []) if r["op"] == op and r["dtype"] == dtype), None)
            if row is None:
                h.append("<td></td>")
                continue
            h.append(f'<td><b style="color:{colour(row["grade"])}">{_e(row["grade"])}</b><br>'
                     f'<span class="small">max {ulps_text(row["max_ulps"])}, median ≤ '
                     f'{ulps_text(row["median_ulps"])} ulps; {row["elements"]} elements</span></td>')
        h.append("</tr>")
    h.append("</table>")
    for op in dict.fromkeys(op for op, _ in rows):
        strips = [(f"{title(t)} · {r['dtype']}", r) for t in targets for r in t.get("accuracy", [])
                  if r["op"] == op]
        h.append(f'<h3 id="accuracy-{_e(op)}"><code>{_e(op)}</code></h3><div class="matrix-wrap">'
                 + chart(op, strips) + "</div>")
    return h
