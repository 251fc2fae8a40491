"""Worksheet functions, called as Excel would call them through xlwings.

Every call goes through ``standin.call`` (tests/xlwings_standin.py), which
hands a function what xlwings hands it on Windows and checks that the result
is a rectangle of plain Python values.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import inspect
import logging
import sys
import types
from pathlib import Path

import numpy as np
import pytest
import xlwings

from tests.reference_data import ELSAYED_MATRIX, ELSAYED_WEIGHTS
from xlree import cms, entropy, rca, udfs
from xlree._udf_support import WIZARD_LIMIT, to_cells

_spec = importlib.util.spec_from_file_location(
    "xlwings_standin", Path(__file__).with_name("xlwings_standin.py")
)
standin = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("xlwings_standin", standin)
_spec.loader.exec_module(standin)
call, OMITTED, ExcelError = standin.call, standin.OMITTED, standin.ExcelError

FUNCTIONS = [getattr(udfs, name) for name in udfs.__all__]

# The core's hand-derived CMS example (tests/test_cms.py, every step written
# out there): products a, b in rows, markets US, JP in columns.
Q0 = [[10, 20], [5, 15]]
Q1 = [[18, 22], [6, 30]]
W0 = [[100, 100], [50, 150]]
W1 = [[150, 120], [50, 200]]

ELSAYED = ELSAYED_MATRIX

PANEL = [
    ["reserves", "exports", "import dependence"],
    [44.0, 500.0, 0.1],
    [1.4, 80.0, 0.9],
    [3.3, 150.0, 0.2],
    [12.0, 95.0, 0.5],
]
EXPORTS = [[30, 20, 5], [10, 40, 0], [60, 10, 25]]


def message(result):
    """The text of a 1 x 1 error result."""
    assert len(result) == 1 and len(result[0]) == 1
    return result[0][0]


# --- published and hand-derived cases ----------------------------------------


def test_entropy_weights_reproduce_elsayed_2017():
    names = ["c1", "c2", "c3", "c4", "c5"]
    result = call(udfs.ENTROPY_WEIGHTS, [names, *ELSAYED], OMITTED, 0, "proportion")
    assert result[0] == names
    np.testing.assert_allclose(result[1], ELSAYED_WEIGHTS, atol=1e-6)


def test_rca_reproduces_wikipedia_brazil_soybeans_2010():
    # Wikipedia, "Revealed comparative advantage" (example section): soybeans
    # were 0.35 % of world trade (USD 42 bn) in 2010; Brazil exported USD 11 bn
    # of them out of USD 140 bn: RCA = 7.9 / 0.35 = 22.
    result = call(udfs.RCA, [[11]], [[140]], [[42]], 42 / 0.0035)
    assert len(result) == 1 and len(result[0]) == 1
    assert round(result[0][0]) == 22


def test_cms_effects_reproduce_the_washington_shift_share_table():
    # G. Krumme, "Shift & Share Table with Excel Explanations", University of
    # Washington, Geography 350: national growth effect 290, composition
    # effect -80, differential effect 420 for the region "Holukuluku" (the
    # same case as tests/test_cms.py; nation scaled to 10,000 jobs). One
    # column: the world (the nation) as one market.
    region_1985 = [[500.0], [100.0], [200.0], [200.0]]
    region_1995 = [[1000.0], [100.0], [250.0], [280.0]]
    nation_1985 = [[1000.0], [2000.0], [4000.0], [3000.0]]
    nation_1995 = [[1100.0], [2400.0], [5200.0], [4200.0]]
    result = call(
        udfs.CMS_EFFECTS,
        region_1985,
        region_1995,
        nation_1985,
        nation_1995,
        "leamer-stern",
    )
    effects = {row[0]: row[1] for row in result[1:]}
    assert effects["world growth"] == pytest.approx(290)
    assert effects["commodity composition"] == pytest.approx(-80)
    assert effects["competitiveness"] == pytest.approx(420)
    assert effects["total change"] == pytest.approx(630)


def test_cms_effects_table_leamer_stern():
    result = call(udfs.CMS_EFFECTS, Q0, Q1, W0, W1, "Leamer-Stern")
    assert result[0] == ["effect", "value", "share"]
    effects = {row[0]: row[1] for row in result[1:]}
    assert effects["world growth"] == pytest.approx(15.0, abs=1e-12)
    assert effects["commodity composition"] == pytest.approx(0.5, abs=1e-12)
    assert effects["market distribution"] == pytest.approx(-1.5, abs=1e-12)
    assert effects["competitiveness"] == pytest.approx(12.0, abs=1e-12)
    assert result[-1] == ["total change", 26.0, 1.0]
    assert [row[0] for row in result[1:]] == (
        cms.cms_decompose(Q0, Q1, W0, W1, "leamer-stern").table()["effect"].tolist()
    )


@pytest.mark.parametrize("method", cms.METHODS)
def test_cms_effects_equal_the_core_and_add_up(method):
    result = call(udfs.CMS_EFFECTS, Q0, Q1, W0, W1, method)
    table = cms.cms_decompose(Q0, Q1, W0, W1, method).table()
    np.testing.assert_allclose([row[1] for row in result[1:]], table["value"])
    leaves = table["level"] == "effect"
    values = np.array([row[1] for row in result[1:]])
    assert values[leaves.to_numpy()].sum() == pytest.approx(26.0, abs=1e-12)


def test_rca_family_equals_the_core():
    arrays = np.array(EXPORTS, dtype=float)
    np.testing.assert_allclose(call(udfs.RCA, EXPORTS), rca.rca(arrays))
    np.testing.assert_allclose(call(udfs.RSCA, EXPORTS), rca.rsca(arrays))
    normalized = np.array(call(udfs.NORM_RCA, EXPORTS))
    np.testing.assert_allclose(normalized, rca.normalized_rca(arrays))
    # Yu, Cai & Leung (2009): with the matrix's own sums rows and columns sum to 0.
    np.testing.assert_allclose(normalized.sum(axis=0), 0, atol=1e-15)
    np.testing.assert_allclose(normalized.sum(axis=1), 0, atol=1e-15)


def test_nrca_relative_and_product():
    scores = [[0.8], [0.4], [0.6]]
    rca_values = rca.rca(np.array(EXPORTS, dtype=float))
    relative = call(udfs.NRCA, EXPORTS, scores)
    np.testing.assert_allclose(relative, rca_values * np.c_[[0.8, 0.4, 0.6]] / 0.6)
    product = call(udfs.NRCA, EXPORTS, [[0.8, 0.4, 0.6]], *[OMITTED] * 3, "product")
    np.testing.assert_allclose(product, rca_values * np.c_[[0.8, 0.4, 0.6]])


def test_market_share_with_a_row_of_world_totals_and_a_full_range():
    world_row = [[100, 80, 50]]
    by_row = call(udfs.MARKET_SHARE, EXPORTS, world_row)
    assert by_row[0] == pytest.approx([0.3, 0.25, 0.1])
    assert by_row[2] == pytest.approx([0.6, 0.125, 0.5])
    full = call(udfs.MARKET_SHARE, EXPORTS, [[100, 80, 50]] * 3)
    assert full == by_row


def test_tc_index_values_and_no_trade_is_blank():
    assert call(udfs.TC_INDEX, [[30, 0, 5]], [[10, 0, 15]]) == [[0.5, "", -0.5]]


# --- orientation ---------------------------------------------------------------


def test_a_row_a_column_and_a_single_cell_keep_their_shape():
    assert call(udfs.TC_INDEX, [[3, 1]], [[1, 1]]) == [[0.5, 0.0]]
    assert call(udfs.TC_INDEX, [[3], [1]], [[1], [1]]) == [[0.5], [0.0]]
    assert call(udfs.TC_INDEX, 3, 1) == [[0.5]]
    assert call(udfs.RCA, [[2, 6]]) == [[1.0, 1.0]]
    assert call(udfs.RCA, [[2], [6]]) == [[1.0], [1.0]]


def test_cms_single_column_is_the_world_as_one_market():
    column = [[row[0] + row[1]] for row in Q0]
    args = [[[a + b] for a, b in m] for m in (Q0, Q1, W0, W1)]
    assert column == args[0]
    result = call(udfs.CMS_EFFECTS, *args)
    core = cms.cms_decompose(*(np.array(m, dtype=float)[:, 0] for m in args))
    np.testing.assert_allclose([row[1] for row in result[1:]], core.table()["value"])


def test_entropy_weights_spill_a_row_and_scores_a_column():
    weights = call(udfs.ENTROPY_WEIGHTS, PANEL[1:])
    assert len(weights) == 1 and len(weights[0]) == 3
    assert sum(weights[0]) == pytest.approx(1.0, abs=1e-12)
    scores = call(udfs.ENTROPY_SCORES, PANEL[1:])
    assert [len(row) for row in scores] == [1, 1, 1, 1]
    core = entropy.entropy_weights(np.array(PANEL[1:]))
    np.testing.assert_allclose([row[0] for row in scores], core.scores, rtol=1e-14)


def test_names_row_heads_the_weights_and_the_scores():
    weights = call(udfs.ENTROPY_WEIGHTS, PANEL)
    assert weights[0] == PANEL[0]
    assert weights[1] == call(udfs.ENTROPY_WEIGHTS, PANEL[1:])[0]
    scores = call(udfs.ENTROPY_SCORES, PANEL)
    assert scores[0] == ["score"] and len(scores) == len(PANEL)


def test_directions_as_a_row_or_a_column_or_signs():
    as_row = call(udfs.ENTROPY_WEIGHTS, PANEL, [[1, 1, -1]])
    as_column = call(udfs.ENTROPY_WEIGHTS, PANEL, [[1], [1], [-1]])
    as_signs = call(udfs.ENTROPY_WEIGHTS, PANEL, [["+", "+", "-"]])
    assert as_row == as_column == as_signs
    core = entropy.entropy_weights(np.array(PANEL[1:]), directions=[1, 1, -1])
    np.testing.assert_allclose(as_row[1], core.weights, rtol=1e-14)


# --- blanks --------------------------------------------------------------------


@pytest.mark.parametrize("blank", [None, ""])
def test_blank_cell_in_entropy_data_leaves_its_sample_out(blank, caplog):
    data = [row[:] for row in PANEL]
    data[2][1] = blank
    with caplog.at_level(logging.WARNING, logger="xlree._udf_support"):
        scores = call(udfs.ENTROPY_SCORES, data)
    assert scores[2] == [""]
    assert "left out of the weights" in caplog.text and ": 3." in caplog.text
    without = [PANEL[0], PANEL[1], *PANEL[3:]]
    assert call(udfs.ENTROPY_WEIGHTS, data) == call(udfs.ENTROPY_WEIGHTS, without)


@pytest.mark.parametrize("blank", [None, ""])
def test_blank_cell_in_cms_is_no_trade(blank):
    q0 = [[10, blank], [5, 15]]
    w0 = [[100, blank], [50, 150]]
    zeros = call(udfs.CMS_EFFECTS, [[10, 0], [5, 15]], Q1, [[100, 0], [50, 150]], W1)
    assert call(udfs.CMS_EFFECTS, q0, Q1, w0, W1) == zeros


def test_blank_export_cell_gives_a_blank_rca_cell():
    result = call(udfs.RCA, [[30, None], [10, 40]])
    assert result[0][1] == ""
    assert all(type(value) is float for value in (result[0][0], *result[1]))


@pytest.mark.parametrize("blank", [OMITTED, None, "", [[None]], [[""]]])
def test_blank_optional_argument_means_the_default(blank):
    assert call(udfs.CMS_EFFECTS, Q0, Q1, W0, W1, blank) == call(
        udfs.CMS_EFFECTS, Q0, Q1, W0, W1, "jepma"
    )
    default = call(udfs.ENTROPY_WEIGHTS, PANEL)
    assert call(udfs.ENTROPY_WEIGHTS, PANEL, blank, blank, blank) == default
    explicit = call(
        udfs.ENTROPY_WEIGHTS, PANEL, [[1, 1, 1]], entropy.DEFAULT_SHIFT, "minmax"
    )
    assert explicit == default
    assert call(udfs.NRCA, EXPORTS, [[1], [2], [3]], blank, blank, blank, blank) == (
        call(udfs.NRCA, EXPORTS, [[1], [2], [3]], *[OMITTED] * 3, "relative")
    )


def test_shift_zero_is_not_blank():
    zero = call(udfs.ENTROPY_WEIGHTS, PANEL[1:], OMITTED, 0)
    core = entropy.entropy_weights(np.array(PANEL[1:]), shift=0)
    np.testing.assert_allclose(zero[0], core.weights, rtol=1e-14)
    assert zero != call(udfs.ENTROPY_WEIGHTS, PANEL[1:])


# --- input errors ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("abc", "'abc'"),
        (True, "True"),
        (dt.date(2020, 3, 1), "datetime.datetime(2020, 3, 1, 0, 0)"),
        (ExcelError("#N/A"), "'#N/A'"),
    ],
)
def test_text_bool_date_or_error_cell_is_named_with_its_position(cell, shown):
    data = [row[:] for row in PANEL]
    data[2][1] = cell  # row 3 of the range (the names are row 1), column 2
    expected = f"xlree: data: expected a number at row 3, column 2, got {shown}."
    assert message(call(udfs.ENTROPY_WEIGHTS, data)) == expected
    exports = [row[:] for row in EXPORTS]
    exports[1][2] = cell
    assert message(call(udfs.RCA, exports)) == (
        f"xlree: exports: expected a number at row 2, column 3, got {shown}."
    )
    assert message(call(udfs.CMS_EFFECTS, Q0, Q1, W0, [[1, 2], [cell, 3]])) == (
        f"xlree: world_t1: expected a number at row 2, column 1, got {shown}."
    )


@pytest.mark.parametrize(
    ("function", "args", "expected"),
    [
        (
            udfs.CMS_EFFECTS,
            (Q0, Q1, W0, W1, "shift-share"),
            "xlree: method: expected one of 'jepma', 'leamer-stern', "
            "'leamer-stern-market', 'symmetric', got 'shift-share'.",
        ),
        (
            udfs.CMS_EFFECTS,
            (Q0, Q1, W0, [[1, 2, 3]]),
            "xlree: world_t1: expected the shape of exports_t0 (2 rows x 2 "
            "columns), got (1 rows x 3 columns).",
        ),
        (
            udfs.ENTROPY_WEIGHTS,
            (PANEL, [[1, 1]]),
            "xlree: directions: expected 3 directions (one per indicator), got 2.",
        ),
        (
            udfs.ENTROPY_WEIGHTS,
            (PANEL, [[1, 1], [1, 1]]),
            "xlree: directions: expected one row or one column, got 2 rows x 2 "
            "columns.",
        ),
        (
            udfs.ENTROPY_WEIGHTS,
            (PANEL, OMITTED, "small"),
            "xlree: shift: expected a number at row 1, column 1, got 'small'.",
        ),
        (
            udfs.ENTROPY_WEIGHTS,
            (PANEL[:1],),
            "xlree: data: only a row of names; add the samples below it.",
        ),
        (
            udfs.RCA,
            (EXPORTS, [[100, 100]]),
            "xlree: country_totals: expected 3 value(s) (one per row of exports), "
            "got 2.",
        ),
        (
            udfs.RCA,
            (EXPORTS, [[1, 2], [3, 4]]),
            "xlree: country_totals: expected one row or one column (one per row of "
            "exports), got 2 rows x 2 columns.",
        ),
        (
            udfs.RCA,
            (EXPORTS, OMITTED, OMITTED, [[1, 2]]),
            "xlree: world_total: expected a single cell, got 1 rows x 2 columns.",
        ),
        (
            udfs.NRCA,
            (EXPORTS, [[1], [2], [3]], *[OMITTED] * 3, "absolute"),
            "xlree: variant: expected one of 'relative', 'product', got 'absolute'.",
        ),
        (
            udfs.TC_INDEX,
            ([[1, 2]], [[1], [2]]),
            "xlree: imports: expected the shape of exports (1 rows x 2 columns), "
            "got (2 rows x 1 columns).",
        ),
    ],
)
def test_input_errors_are_one_line_that_names_the_argument(function, args, expected):
    text = message(call(function, *args))
    assert text == expected
    assert "\n" not in text and len(text) <= WIZARD_LIMIT


def test_core_errors_reach_the_cell_as_its_message():
    text = message(call(udfs.CMS_EFFECTS, Q0, Q1, [[1, 100], [50, 150]], W1))
    assert text.startswith("xlree: ") and "exports_t0" in text
    assert message(call(udfs.RCA, [[-1, 2]])) == (
        "xlree: exports: trade values cannot be negative; found -1 at row 1, column 1."
    )


def test_refusals_are_logged_with_their_traceback(caplog):
    with caplog.at_level(logging.INFO, logger="xlree._udf_support"):
        call(udfs.RCA, [["abc"]])
    record = caplog.records[-1]
    assert record.exc_info is not None and "RCA" in record.getMessage()


def test_unexpected_exception_never_reaches_excel(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(rca, "rca", broken)
    with caplog.at_level(logging.ERROR, logger="xlree._udf_support"):
        result = call(udfs.RCA, EXPORTS)
    assert message(result) == (
        "xlree: RCA failed (RuntimeError: disk on fire second line); the xlwings "
        "log has the details."
    )
    assert caplog.records[-1].exc_info[0] is RuntimeError
    assert "Traceback" in caplog.text


# --- results -------------------------------------------------------------------


def test_nan_is_blank_and_infinity_is_num_text():
    assert to_cells(np.array([[1.5, np.nan], [np.inf, -np.inf]])) == [
        [1.5, ""],
        ["#NUM!", "#NUM!"],
    ]
    cells = to_cells([["a", np.float64(np.nan), np.int64(2), np.bool_(True)]])
    assert cells == [["a", "", 2, True]]
    assert [type(value) for value in cells[0]] == [str, str, int, bool]


def test_cms_share_is_blank_when_nothing_changed():
    result = call(udfs.CMS_EFFECTS, Q0, Q0, W0, W1)
    assert result[-1] == ["total change", 0.0, ""]
    assert {row[2] for row in result[1:]} == {""}


def test_rca_of_an_exporter_with_no_exports_is_blank(caplog):
    with caplog.at_level(logging.WARNING, logger="xlree._udf_support"):
        result = call(udfs.RCA, [[30, 20], [0, 0]])
    assert result[1] == ["", ""]
    assert "row 2 exported nothing" in caplog.text


def test_large_range_results_are_plain_floats():
    rng = np.random.default_rng(7)
    data = rng.uniform(1, 100, size=(2_000, 5)).tolist()
    scores = call(udfs.ENTROPY_SCORES, data)
    assert len(scores) == 2_000 and {type(row[0]) for row in scores} == {float}


# --- results depend only on the arguments ---------------------------------------


def test_same_arguments_same_result_and_inputs_untouched():
    data = [row[:] for row in PANEL]
    first = call(udfs.ENTROPY_WEIGHTS, data, [[1, 1, -1]])
    call(udfs.ENTROPY_WEIGHTS, ELSAYED, OMITTED, 0, "proportion")
    call(udfs.CMS_EFFECTS, Q0, Q1, W0, W1, "symmetric")
    assert call(udfs.ENTROPY_WEIGHTS, data, [[1, 1, -1]]) == first
    assert data == PANEL


# --- registration metadata -------------------------------------------------------


def test_every_function_has_wizard_help_and_the_category():
    assert {f.__name__ for f in FUNCTIONS} == {
        "CMS_EFFECTS",
        "ENTROPY_WEIGHTS",
        "ENTROPY_SCORES",
        "RCA",
        "RSCA",
        "NORM_RCA",
        "NRCA",
        "MARKET_SHARE",
        "TC_INDEX",
    }
    for function in FUNCTIONS:
        spec = function.excel_spec
        assert spec.name == function.__name__ and spec.category == "xlree"
        assert 20 < len(spec.help) <= WIZARD_LIMIT
        parameters = list(inspect.signature(function).parameters)
        assert list(spec.arguments) == parameters, function.__name__
        for name, argument in spec.arguments.items():
            assert 10 < len(argument.doc) <= WIZARD_LIMIT, (function.__name__, name)
        # The Python docstring stays the full numpydoc text.
        assert "Parameters\n    ----------" in function.__doc__


@pytest.fixture
def windows_xlwings(monkeypatch):
    """xlwings' Windows decorators, importable here with pywin32 stubbed out."""
    stubs = {
        "pythoncom": {
            "CoInitialize": lambda: None,
            "IID_IDispatch": None,
            "CoMarshalInterThreadInterfaceInStream": None,
        },
        "pywintypes": {},
        "win32com": {},
        "win32com.client": {"Dispatch": None},
    }
    for name, attributes in stubs.items():
        module = types.ModuleType(name)
        module.__dict__.update(attributes)
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.delitem(sys.modules, "xlwings.udfs", raising=False)
    windows = importlib.import_module("xlwings.udfs")
    monkeypatch.setattr(xlwings, "func", windows.xlfunc)
    monkeypatch.setattr(xlwings, "arg", windows.xlarg)
    monkeypatch.setattr(xlwings, "ret", windows.xlret)
    yield windows
    sys.modules.pop("xlwings.udfs", None)


def test_windows_decorators_register_name_category_help_and_options(windows_xlwings):
    # A fresh copy of xlree.udfs, decorated by the Windows implementation.
    path = Path(udfs.__file__)
    spec = importlib.util.spec_from_file_location("xlree_udfs_on_windows", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in udfs.__all__:
        function = getattr(module, name)
        info = function.__xlfunc__
        excel = function.excel_spec
        assert info["name"] == name and info["category"] == "xlree"
        assert info["ret"]["doc"] == excel.help  # the wizard's description
        assert info["volatile"] is False and info["async_mode"] is None
        assert [arg["name"] for arg in info["args"]] == list(excel.arguments)
        for arg in info["args"]:
            wanted = excel.arguments[arg["name"]]
            assert arg["doc"] == wanted.doc
            assert arg["options"]["err_to_str"] is True
            assert arg["options"].get("ndim") == wanted.options.get("ndim")
        optional = [arg for arg in info["args"] if "optional" in arg]
        assert all(arg["optional"] is None for arg in optional)
    assert module.RCA.__xlfunc__["args"][0]["options"]["ndim"] == 2
