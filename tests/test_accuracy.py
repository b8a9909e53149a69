"""Meta tests of the measured accuracy: ulps, bins, grades, the ledger's merge and the report's view."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import ml_dtypes
import numpy as np
import pytest

from conformance.accuracy import Accuracy, grade, histogram_of, measure, median_ulps
from conformance.accuracy_view import accuracy_rows, chart, html_section, markdown
from conformance.cases import Case, reference_output
from conformance.compare import error_bound, ulp
from conformance.ledger import Ledger
from conformance.report import build_report


@pytest.mark.parametrize("dtype, value, spacing", [
    ("float16", 1.0, 2.0**-10), ("float16", 1.9, 2.0**-10), ("float16", 2.0, 2.0**-9),
    ("float16", 0.0, 2.0**-24), ("float16", 3e-6, 2.0**-24),  # subnormal: the fixed spacing
    ("bfloat16", 1.0, 2.0**-7), ("bfloat16", -300.0, 2.0**1), ("float32", 1.0, 2.0**-23),
    ("float64", 1.0, 2.0**-52),
])
def test_ulp_is_the_spacing_of_the_format_at_the_value(dtype, value, spacing):
    assert float(ulp(np.array(value), dtype)) == spacing


def test_ulp_agrees_with_nextafter_across_binades():
    x = np.geomspace(1e-7, 6e4, 500).astype(np.float16)
    x = x[x > 0]
    step = np.nextafter(x, np.float16(np.inf)) - x
    assert (ulp(x.astype(np.float64), "float16") == step.astype(np.float64)).all()
    b = np.geomspace(1e-30, 1e30, 300).astype(ml_dtypes.bfloat16)
    up = np.array([np.nextafter(np.float32(v), np.float32(np.inf)) for v in b.astype(np.float32)])
    # bfloat16's next value: the float32 spacing times 2^16 (7 fraction bits instead of 23)
    step = (up - b.astype(np.float32)).astype(np.float64) * 2**16
    assert (ulp(b.astype(np.float64), "bfloat16") == step).all()


def test_bins_are_quarter_octaves_with_exact_and_nonfinite_apart():
    hist = histogram_of(np.array([0.0, 0.5, 0.51, 1.0, 1.0, np.inf, np.nan, 3.0]))
    # bin i holds (2^((i-1)/4), 2^(i/4)]: 0.5 = 2^(-4/4) closes bin -4, 0.51 opens bin -3, 1.0 closes bin 0,
    # 3.0 lies in (2^(6/4), 2^(7/4)] = (2.83, 3.36]
    assert hist == {"exact": 1, "-4": 1, "-3": 1, "0": 2, "7": 1, "inf": 2}


def test_median_is_the_upper_edge_of_the_middle_bin():
    assert median_ulps({"exact": 3}) == 0.0
    assert median_ulps({"exact": 1, "-4": 2}) == 0.5
    assert median_ulps({"-4": 1, "4": 5}) == 2.0
    assert median_ulps({"exact": 2, "inf": 1}) == 0.0
    assert np.isnan(median_ulps({}))


def _record(max_ulps: float, beyond_default: int = 0, beyond_judged: int = 0) -> dict:
    return {"max_ulps": max_ulps, "beyond_default": beyond_default, "beyond_judged": beyond_judged}


@pytest.mark.parametrize("record, dtype, expected", [
    (_record(0.5), "float16", "correctly rounded"),
    (_record(0.9), "float16", "faithful"),
    (_record(3.0), "float16", "float32 accumulation"),
    (_record(3.0), "float64", "float64 accumulation"),
    (_record(40.0, beyond_default=2), "float16", "working-format accumulation"),
    (_record(0.1, beyond_judged=1), "float16", "beyond"),
])
def test_grade_follows_the_worst_element(record, dtype, expected):
    assert grade(record, dtype, "avg_pool") == expected


def test_an_elementwise_function_has_no_accumulator_to_name():
    assert grade(_record(3.0), "float16", "sigmoid") == "within the bound"
    assert grade(_record(3.0), "float16", "tanh_backward") == "within the bound"


def _avg_case(x: np.ndarray) -> Case:
    return Case("avg_pool", x, kernel_size=(x.shape[-1],))


def test_measure_a_correctly_rounded_and_a_working_format_average():
    x = np.r_[2048, np.ones(255)].reshape(1, 1, 256).astype(np.float16)
    case = _avg_case(x)
    exact = reference_output(case)
    tight, loose = error_bound(case, exact), error_bound(case, exact, computes_in="float16")
    rounded = measure(exact, exact.astype(np.float16), "float16", tight, tight)
    assert rounded is not None and rounded.max_ulps <= 0.5 and rounded.beyond_default == 0
    # float16 accumulation: every +1 rounds away, the mean is 2048/256 = 8 instead of 8.996
    working = measure(exact, np.full((1, 1, 1), 8, np.float16), "float16", loose, tight)
    assert working is not None
    assert working.max_ulps == pytest.approx((8.99609375 - 8) / 2.0**-7)
    assert working.beyond_default == 1 and working.beyond_judged == 0
    assert 0 < working.max_fraction <= 1


def test_measure_skips_nonfinite_answers_and_unchecked_elements():
    exact = np.array([1.0, np.nan, np.inf, 2.0])
    got = np.array([1.0, 5.0, np.inf, 7.0], np.float32)
    bound = np.full(4, 1e-6)
    m = measure(exact, got, "float32", bound, bound, checked=np.array([True, True, True, False]))
    assert m is not None and m.elements == 1 and m.max_ulps == 0
    assert measure(exact[1:3], got[1:3], "float32", bound[:2], bound[:2]) is None


def test_a_nan_where_a_number_was_due_is_nonfinite_and_beyond():
    bound = np.array([1e-6])
    m = measure(np.array([1.0]), np.array([np.nan], np.float32), "float32", bound, bound)
    assert m is not None and m.histogram == {"inf": 1} and m.beyond_judged == 1


def test_ledger_merges_accuracy_from_workers():
    exact = np.array([1.0, 2.0])
    bound = np.full(2, 1e-5)
    m = measure(exact, np.array([1.0, 2.0 + 2.0**-22], np.float32), "float32", bound, bound)
    assert m is not None
    one, two, joined = Ledger(), Ledger(), Ledger()
    one.measured("t", "avg_pool", "float32", m, "float32")
    two.measured("t", "avg_pool", "float32", m, "float32")
    joined.merge(json.loads(json.dumps(one.to_json())))
    joined.merge(json.loads(json.dumps(two.to_json())))
    record = joined.accuracy[("t", "avg_pool", "float32")]
    # 2 + 2^-22 is one float32 ulp off: bin 0, (2^-1/4, 1]
    assert record.elements == 4 and record.cases == 2 and record.histogram == {"exact": 2, "0": 2}
    direct = Accuracy()
    direct.add(m, "float32")
    direct.add(m, "float32")
    assert record.to_json() == direct.to_json()


def _ledger_with_accuracy() -> dict:
    ledger = Ledger()
    ledger.targets["torch 2.13.0+cpu"] = {"name": "torch", "versions": {"torch": "2.13.0+cpu"}}
    ledger.record("torch 2.13.0+cpu", "avg_pool", "1d float16", "passed")
    exact = np.array([1.0, 3.0])
    m = measure(exact, np.array([1.0, np.nan], np.float16), "float16", np.full(2, 1e-3), np.full(2, 1e-3))
    assert m is not None
    ledger.measured("torch 2.13.0+cpu", "avg_pool", "float16", m, "float32")
    return ledger.to_json()


def test_report_carries_grades_as_valid_json_and_renders_a_chart():
    report = build_report(_ledger_with_accuracy())
    rows = report["targets"][0]["accuracy"]
    assert rows[0]["grade"] == "beyond" and rows[0]["max_ulps"] is None  # non-finite: null, not Infinity
    json.loads(json.dumps(report, allow_nan=False))
    svg = chart("avg_pool", [("torch · float16", rows[0])])
    ET.fromstring(svg)  # well-formed, self-contained
    assert "<rect" in svg
    assert any("Accuracy" in line for line in html_section(report["targets"], lambda t: t["label"]))
    md = "\n".join(markdown(report["targets"], lambda t: t["label"]))
    assert "| `avg_pool` | float16 | beyond: max non-finite" in md


def test_accuracy_rows_grade_each_record():
    rows = accuracy_rows([{"target": "t", "op": "conv", "dtype": "bfloat16", "elements": 1, "cases": 1,
                           "histogram": {"-8": 1}, "max_ulps": 0.25, "max_fraction": 0.1, "beyond_default": 0,
                           "beyond_judged": 0, "computes_in": ["float32"]}])
    assert rows[0]["grade"] == "correctly rounded" and rows[0]["median_ulps"] == 0.25
