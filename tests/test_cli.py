"""The xlree command on workbook files: analyze, refresh, help and refusals."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from xlree.book import OpenpyxlBook, inventory
from xlree.cli import main


@pytest.fixture(scope="module")
def analyzed(tmp_path_factory):
    out = tmp_path_factory.mktemp("analyze") / "study.xlsx"
    assert main(["analyze", "--out", str(out), "--quiet"]) == 0
    return out


def test_analyze_writes_every_sheet_in_order(analyzed):
    workbook = openpyxl.load_workbook(analyzed)
    assert workbook.sheetnames == [
        "About",
        "CMS",
        "Entropy",
        "RCA",
        "Trade",
        "Totals",
        "Segments",
        "Indicators",
        "IndicatorInfo",
        "Settings",
    ]
    counts = inventory(analyzed)["sheets"]
    assert counts["CMS"]["charts"] == 1
    assert counts["Entropy"]["charts"] == 3
    assert counts["RCA"]["charts"] == 3  # NRCA over time, one per product


def test_about_sheet_names_sources_and_parameters(analyzed):
    values = OpenpyxlBook(analyzed).read_values("About")
    text = " ".join(str(v) for row in values for v in row if v is not None)
    assert "CEPII BACI V202601 (Etalab 2.0)" in text
    assert "World Bank, World Development Indicators" in text
    assert "British Geological Survey (c) UKRI" in text
    assert "jepma" in text and "2008, 2011, 2015, 2019" in text
    assert "Only the eight largest exporters" in text


def test_summary_is_printed(tmp_path, capsys):
    out = tmp_path / "s.xlsx"
    assert main(["analyze", "--out", str(out), "--exporter", "CN"]) == 0
    printed = capsys.readouterr().out
    assert "CMS decomposition of CN's exports (jepma), USD million" in printed
    # 2008-2011, all segments: China's BACI exports rose by 3,433,249,915 USD.
    assert "3,433.2" in printed
    assert "resource endowment" in printed


def test_analyze_does_not_overwrite_without_force(analyzed, capsys):
    before = analyzed.read_bytes()
    assert main(["analyze", "--out", str(analyzed), "--quiet"]) == 2
    assert "exists; xlree does not overwrite files without asking" in (
        capsys.readouterr().err
    )
    assert analyzed.read_bytes() == before


def test_force_keeps_a_backup(tmp_path):
    out = tmp_path / "study.xlsx"
    out.write_bytes(b"an old file")
    assert main(["analyze", "--out", str(out), "--force", "--quiet"]) == 0
    assert (tmp_path / "study.bak.xlsx").read_bytes() == b"an old file"
    assert openpyxl.load_workbook(out).sheetnames[0] == "About"


def test_refresh_rewrites_results_and_keeps_the_rest(analyzed, tmp_path):
    copy = tmp_path / "copy.xlsx"
    copy.write_bytes(analyzed.read_bytes())
    workbook = openpyxl.load_workbook(copy)
    workbook.create_sheet("My notes")["A1"] = "keep me"
    workbook["CMS"]["A1"] = "stale"
    workbook.save(copy)
    assert main(["refresh", str(copy), "--only", "cms"]) == 0
    refreshed = openpyxl.load_workbook(copy)
    assert refreshed["My notes"]["A1"].value == "keep me"
    assert refreshed["CMS"]["A1"].value.startswith("Constant-market-share")
    assert (tmp_path / "copy.bak.xlsx").exists()


def test_bad_settings_cell_is_named(analyzed, tmp_path, capsys):
    copy = tmp_path / "bad.xlsx"
    workbook = openpyxl.load_workbook(analyzed)
    sheet = workbook["Trade"]
    sheet["E2"] = "lots"
    workbook.save(copy)
    assert main(["refresh", str(copy)]) == 2
    assert "Trade!E2" in capsys.readouterr().err


def test_help_documents_every_option(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["analyze", "--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    for option in (
        "--out",
        "--exporter",
        "--periods",
        "--first-year",
        "--last-year",
        "--cms-method",
        "--entropy-method",
        "--shift",
        "--nrca-variant",
        "--force",
    ):
        assert option in text


def test_bad_periods_are_explained(capsys):
    with pytest.raises(SystemExit):
        main(["analyze", "--periods", "2008;x"])
    assert "expected years separated by commas" in capsys.readouterr().err


def test_template_command_writes_the_shipped_workbook(tmp_path, capsys):
    out = tmp_path / "empty.xlsx"
    assert main(["template", "empty", "--out", str(out)]) == 0
    shipped = Path(__file__).resolve().parents[1] / "workbooks"
    assert out.read_bytes() == (shipped / "product_group_template.xlsx").read_bytes()
    assert main(["template", "empty", "--out", str(out)]) == 2
    assert "exists; xlree does not overwrite" in capsys.readouterr().err


def test_addin_build_refuses_to_overwrite_then_keeps_a_backup(tmp_path, capsys):
    out = tmp_path / "xlree.xlam"
    assert main(["addin", "build", "--out", str(out)]) == 0
    first = out.read_bytes()
    assert first[:2] == b"PK"
    assert main(["addin", "build", "--out", str(out)]) == 2
    assert "--out: " in capsys.readouterr().err
    assert main(["addin", "build", "--out", str(out), "--force"]) == 0
    assert (tmp_path / "xlree.bak.xlam").read_bytes() == first
    assert out.read_bytes() == first  # reproducible build


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--periods", "2005,2019"], "--first-year"),
        (
            ["--first-year", "2012", "--periods", "2008,2015"],
            "--periods: 2008 outside the years used",
        ),
        (["--first-year", "2015", "--last-year", "2010"], "is after --last-year"),
        (["--first-year", "2001"], "--first-year: the bundled data covers 2008-2019"),
        (["--out", "study.xlsm"], "--out: study.xlsm must end in .xlsx"),
        (["--out", "study.csv"], "--out: study.csv must end in .xlsx"),
    ],
)
def test_analyze_names_the_option_at_fault(
    arguments, message, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    assert main(["analyze", "--quiet", *arguments]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # refused before any file was written


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--shift", "nan", "expected a number between 0 and 1"),
        ("--shift", "-1", "expected a number between 0 and 1"),
        ("--exporter", "World", "expected a country's ISO2 code"),
        ("--periods", "2011,2008", "expected increasing years"),
    ],
)
def test_analyze_refuses_bad_values(option, value, message, capsys):
    with pytest.raises(SystemExit):
        main(["analyze", option, value])
    assert message in capsys.readouterr().err


def test_lowercase_exporter_is_accepted(tmp_path):
    out = tmp_path / "jp.xlsx"
    assert main(["analyze", "--out", str(out), "--exporter", "jp", "--quiet"]) == 0
    settings = dict(OpenpyxlBook(out).read_values("Settings")[1:])
    assert settings["exporter"] == "JP"


def test_unwritable_output_is_a_message_not_a_traceback(tmp_path, capsys):
    folder = tmp_path / "d.xlsx"
    folder.mkdir()
    assert main(["analyze", "--out", str(folder), "--force", "--quiet"]) == 2
    assert f"--out: {folder} is a folder" in capsys.readouterr().err
    assert main(["analyze", "--out", "/proc/xlree-test.xlsx", "--quiet"]) == 2
    assert "xlree: /proc/xlree-test.xlsx: cannot be written" in (
        capsys.readouterr().err
    )


def test_refresh_out_is_checked_before_any_work(analyzed, tmp_path, capsys):
    target = tmp_path / "taken.xlsx"
    target.write_text("someone's file")
    assert main(["refresh", str(analyzed), "--out", str(target)]) == 2
    assert "exists; xlree does not overwrite" in capsys.readouterr().err
    assert target.read_text() == "someone's file"
    assert main(["refresh", str(analyzed), "--out", str(tmp_path / "z.csv")]) == 2
    assert "must end in .xlsx" in capsys.readouterr().err


def test_default_periods_follow_the_years_chosen(tmp_path):
    out = tmp_path / "late.xlsx"
    assert main(["analyze", "--out", str(out), "--first-year", "2012", "--quiet"]) == 0
    settings = dict(OpenpyxlBook(out).read_values("Settings")[1:])
    assert settings["breaks"] == "2012, 2015, 2019"


def test_refresh_only_names_the_option(analyzed, capsys):
    assert main(["refresh", str(analyzed), "--only", "cms,foo"]) == 2
    assert "--only: expected names among cms, entropy, rca" in (capsys.readouterr().err)


def test_refresh_out_with_force_keeps_the_replaced_file(analyzed, tmp_path):
    target = tmp_path / "existing.xlsx"
    target.write_text("keep")
    assert main(["refresh", str(analyzed), "--out", str(target), "--force"]) == 0
    assert (tmp_path / "existing.bak.xlsx").read_text() == "keep"
    assert OpenpyxlBook(target).is_result_sheet("CMS")


def test_a_text_file_is_not_a_workbook(tmp_path, capsys):
    text = tmp_path / "t.txt"
    text.write_text("hi")
    assert main(["refresh", str(text)]) == 2
    assert "cannot be read as an Excel workbook" in capsys.readouterr().err


def test_filled_indicator_cells_carry_a_note(analyzed):
    # WDI reports no R&D expenditure for Malaysia in 2013 (gb.xpd.rsdv.gd.zs);
    # the indicator panel takes 2012's value and the sheet says so.
    sheet = openpyxl.load_workbook(analyzed)["Indicators"]
    header = [cell.value for cell in sheet[1]]
    notes = {
        (row[0].value, row[1].value, header[cell.column - 1]): cell.comment.text
        for row in sheet.iter_rows(min_row=2)
        for cell in row
        if cell.comment is not None
    }
    assert len(notes) == 13
    assert notes[("MY", 2013, "rd_expenditure")].startswith(
        "Not reported by WDI for 2013: the value of 2012"
    )
