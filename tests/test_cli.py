"""The ldkit command: help everywhere, one-line errors with exit 2, model subcommands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from ldkit import __version__
from ldkit.capability import read_model

LDKIT = str(Path(sys.executable).with_name("ldkit"))


@pytest.mark.parametrize("args", [
    [], ["model"], ["model", "validate"], ["model", "convert"], ["model", "show"],
    ["model", "starter"], ["model", "starters"], ["model", "template"], ["model", "diff"],
    ["demo"], ["survey"], ["survey", "check"], ["survey", "score"], ["new"], ["run"],
    ["results"], ["audit"], ["check"], ["roi"], ["batch"], ["catalog"],
    ["catalog", "validate"], ["catalog", "convert"], ["catalog", "starter"],
    ["catalog", "template"],
])
def test_help_on_every_command(cli, args):
    code, out, _ = cli(*args, "--help")
    assert code == 0
    assert out.startswith("Usage: ldkit")


def test_version(cli):
    assert cli("--version") == (0, f"ldkit {__version__}\n", "")


def test_validate_ok_with_summary(cli, tmp_path, small_model):
    path = small_model.to_yaml(tmp_path / "m.yaml")
    code, out, err = cli("model", "validate", str(path))
    assert code == 0 and err == ""
    assert out.strip() == ("OK: Acme field force (acme, v2.1): 2 roles, 3 capabilities in "
                           "2 domains, 5 requirements, 2 scales")


def test_validate_prints_each_problem_with_sheet_and_row(cli, tmp_path, small_model):
    path = small_model.to_excel(tmp_path / "m.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Requirements"]["B3"] = "negotiation"
    wb["Capabilities"]["C2"] = "legal"
    wb["Indicators"]["B5"] = 9
    wb.save(path)
    code, out, err = cli("model", "validate", str(path))
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert lines == [
        f"{path}, sheet 'Capabilities', row 2: capability 'account_planning' is in unknown "
        "domain 'legal' (use a domain id: 'customer', 'science')",
        f"{path}, sheet 'Capabilities', row 2: capability 'account_planning' has no indicator "
        "for level 4 'Expert' (add one observable behaviour for every level of its scale)",
        f"{path}, sheet 'Indicators', row 5: capability 'account_planning' has an indicator "
        "for level 9, which is not on scale 'p4' (use one of [1, 2, 3, 4])",
        f"{path}, sheet 'Requirements', row 3: role 'rep' requires unknown capability "
        "'negotiation' (use a capability id: 'account_planning', 'clinical_acumen', "
        "'compliance')",
        f"4 problems in {path}.",
    ]


def test_warnings_are_printed_but_pass(cli, tmp_path, small_dict):
    from ldkit.capability import CapabilityModel

    small_dict["capabilities"][2]["indicators"] = {}
    path = CapabilityModel.from_dict(small_dict).to_yaml(tmp_path / "m.yaml")
    code, out, _ = cli("model", "validate", str(path))
    assert code == 0
    assert out.splitlines()[0].startswith("warning: ")
    assert out.splitlines()[-1].endswith("; 1 warning(s)")


@pytest.mark.parametrize(("args", "message"), [
    (["model", "validate", "absent.xlsx"], "error: absent.xlsx does not exist"),
    (["model", "convert", "absent.yaml", "x.xlsx"], "error: absent.yaml does not exist"),
    (["model", "validate", "model.docx"], "error: model.docx: cannot tell the capability model "
                                          "format from the extension '.docx'"),
    (["model", "starter", "oncology", "x.yaml"], "error: The 'name' parameter of starter"),
])
def test_errors_are_one_line_and_exit_2(cli, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "model.docx").write_text("x")
    code, _, err = cli(*args)
    assert code == 2
    assert err.startswith(message)
    assert err.count("\n") == 1 and "Traceback" not in err


def test_convert_between_all_formats(cli, tmp_path, small_model):
    src = small_model.to_yaml(tmp_path / "m.yaml")
    for target in ("m.xlsx", "m.csv", "back.yaml"):
        code, out, _ = cli("model", "convert", str(src), str(tmp_path / target))
        assert code == 0 and out.startswith(f"Wrote {tmp_path / target}")
        assert read_model(tmp_path / target) == small_model


def test_convert_of_a_broken_model_is_one_line(cli, tmp_path, small_dict):
    import yaml

    small_dict["roles"][0]["requires"]["ghost"] = 2
    small_dict["name"] = ""
    (tmp_path / "m.yaml").write_text(yaml.safe_dump(small_dict))
    code, _, err = cli("model", "convert", str(tmp_path / "m.yaml"),
                       str(tmp_path / "m.xlsx"))
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"error: 2 problems in capability model {tmp_path / 'm.yaml'}; first:")
    assert not (tmp_path / "m.xlsx").exists()


def test_show_matrix_and_role(cli, tmp_path, small_model):
    path = small_model.to_yaml(tmp_path / "m.yaml")
    code, out, _ = cli("model", "show", str(path))
    assert code == 0
    assert "Key Account Manager" in out and "C1 = Account planning [account_planning]" in out
    code, out, _ = cli("model", "show", str(path), "--role", "kam")
    assert code == 0
    assert "Key Account Manager (kam) - Commercial" in out
    assert "4 Expert" in out and "2 Competent" in out


def test_starters_starter_template(cli, tmp_path):
    code, out, _ = cli("model", "starters")
    assert code == 0 and [line.split()[0] for line in out.splitlines()] == [
        "digital-learning", "medical-affairs", "pharma-commercial"]
    code, _, _ = cli("model", "starter", "medical-affairs", str(tmp_path / "ma.xlsx"))
    assert code == 0 and read_model(tmp_path / "ma.xlsx").id == "medical-affairs"
    code, _, _ = cli("model", "template", str(tmp_path / "blank.xlsx"))
    assert code == 0 and read_model(tmp_path / "blank.xlsx").roles == ()


def test_diff_exit_codes(cli, tmp_path, small_model):
    a = small_model.to_yaml(tmp_path / "a.yaml")
    assert cli("model", "diff", str(a), str(a))[:2] == (0, "No changes.\n")
    b = small_model.replace(version="3").to_yaml(tmp_path / "b.yaml")
    code, out, _ = cli("model", "diff", str(a), str(b))
    assert code == 1
    assert out.splitlines() == ["changed model acme version: '2.1' -> '3'", "1 change(s)."]


def test_real_process_exit_code_and_no_traceback(tmp_path):
    """The installed console script, as a consultant runs it."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [\n")
    proc = subprocess.run([LDKIT, "model", "validate", str(bad)], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == (f"error: {bad}, line 2: is not valid YAML: while parsing a flow "
                           "node: expected the node content, but found '<stream end>' "
                           "(column 1) (check indentation and quote text that contains ': ')\n")


def test_cli_import_stays_light():
    """`ldkit --help` must not import pandas, matplotlib, openpyxl or nbformat."""
    code = ("import sys, ldkit.cli; heavy = {'pandas', 'matplotlib', 'openpyxl', 'nbformat', "
            "'papermill', 'numpy'} & set(sys.modules); print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


DATA = Path(__file__).parent / "data"


def test_survey_check_prints_counts_and_exclusions(cli, monkeypatch):
    monkeypatch.setenv("LDKIT_SECRET", "cli-test")
    code, out, _ = cli("survey", "check", str(DATA / "qualtrics_self.csv"),
                       "--codebook", str(DATA / "codebook_self.yaml"))
    assert code == 0
    assert out.splitlines()[0].endswith("qualtrics layout, utf-8; 7 rows read, 3 kept, "
                                        "4 excluded")  # row 9 loses one answer only
    for reason in ("survey preview", "partial response", "duplicate", "missing role",
                   "unmapped answer"):
        assert reason in out
    assert "ana@" not in out and "Ana" not in out


def test_survey_score_writes_tables(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("LDKIT_SECRET", "cli-test")
    model = tmp_path / "model.yaml"
    from ldkit.capability import starter

    starter("pharma-commercial").to_yaml(model)
    code, out, err = cli("survey", "score", str(DATA / "qualtrics_self.csv"),
                         "--codebook", str(DATA / "codebook_self.yaml"), "--model", str(model),
                         "--out", str(tmp_path / "out"), "--min-n", "1")
    assert code == 0, err
    names = {Path(line).name for line in out.splitlines()}
    assert {"gaps.csv", "person_gaps.csv", "counts.csv", "needs-analysis.xlsx"} <= names
    import pandas as pd

    gaps = pd.read_csv(tmp_path / "out" / "gaps.csv")
    kam = gaps[(gaps.role == "key_account_manager") & (gaps.capability == "account_planning")]
    assert kam[["n", "mean_self", "required_level"]].iloc[0].tolist() == [1, 3.0, 4]
    sheets = openpyxl.load_workbook(tmp_path / "out" / "needs-analysis.xlsx").sheetnames
    assert "person_gaps" not in sheets and "gaps" in sheets


def test_survey_errors_are_one_line(cli, tmp_path):
    bad = tmp_path / "export.csv"
    bad.write_text("a,b\n1,2\n")
    code, _, err = cli("survey", "check", str(bad), "--codebook",
                       str(DATA / "codebook_self.yaml"))
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"error: {bad}: is of an unknown layout")


def test_new_and_run_errors(cli, tmp_path):
    code, out, _ = cli("new", "Acme Pharma", "--dir", str(tmp_path))
    assert code == 0 and out.startswith(f"Created {tmp_path / 'acme-pharma'}")
    code, _, err = cli("run", str(tmp_path / "nowhere"))
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1
    code, out, _ = cli("run", str(tmp_path / "acme-pharma"))  # no inputs yet
    assert code == 1
    assert out.splitlines()[0].startswith("failed     1-needs-analysis")
    assert "does not exist" in out.splitlines()[0]


def test_results_audit_and_up_to_date_cli(cli, demo_run, tmp_path):
    root, _ = demo_run
    code, out, _ = cli("run", str(root))
    assert code == 0 and out.splitlines()[0].startswith("up to date 1-needs-analysis")
    code, out, _ = cli("results", str(root), "--out", str(tmp_path / "results.csv"))
    assert code == 0 and "rows_kept" in out
    import pandas as pd

    table = pd.read_csv(tmp_path / "results.csv")
    assert table.loc[table.name == "rows_kept", "value"].item() == "484"  # JSON text
    code, out, _ = cli("audit", str(root))
    assert code == 0 and out.startswith("Audit passed")
    assert "personal plan files checked: each names only its own learner" in out


def test_catalog_commands(cli, tmp_path, small_model):
    code, out, _ = cli("catalog", "starter", "pharma-commercial", tmp_path / "cat.xlsx")
    assert code == 0 and out.startswith("Wrote ")
    code, out, _ = cli("model", "starter", "pharma-commercial", tmp_path / "pc.yaml")
    code, out, _ = cli("catalog", "validate", tmp_path / "cat.xlsx", "--model",
                       tmp_path / "pc.yaml")
    assert code == 0
    assert out.startswith("OK: Catalog(name='Pharma commercial field force catalog', "
                          "53 activities, 2 programs")
    assert "experiential 71%/social 20%/formal 9%" in out
    code, out, _ = cli("catalog", "convert", tmp_path / "cat.xlsx", tmp_path / "cat.yaml")
    assert code == 0 and (tmp_path / "cat.yaml").exists()
    small_model.to_yaml(tmp_path / "small.yaml")  # another model: every capability unknown
    code, _, err = cli("catalog", "validate", tmp_path / "cat.yaml", "-m", tmp_path / "small.yaml")
    assert code == 2
    first = err.splitlines()[0]
    assert "cat.yaml, line" in first and "ce-essentials-elearning" in first
    assert "is not in model 'acme'" in first
    code, _, err = cli("catalog", "convert", tmp_path / "cat.yaml", tmp_path / "cat.pdf")
    assert code == 2 and err.startswith("error: ") and "use .yaml or .xlsx" in err
    code, out, _ = cli("catalog", "template", tmp_path / "blank.xlsx")
    assert code == 0 and (tmp_path / "blank.xlsx").exists()



def test_printed_tables_keep_short_columns_whole_and_wrap_long_text(monkeypatch, capsys):
    import pandas as pd

    from ldkit.cli import _print_table

    long = ("Learning plans: lms-assignments.csv carries pseudonyms, which no LMS can match: "
            "give inputs.lms_user_ids to write the LMS's own user ids")
    table = pd.DataFrame({"engagement": ["demo-bio", "demo-bio"],
                          "run": ["20261207-101204-1396"] * 2, "name": ["warning", "rows_read"],
                          "value": [long, "516"]})
    monkeypatch.setenv("COLUMNS", "200")
    _print_table("Recorded results", table)
    wide = capsys.readouterr().out
    assert "20261207-101204-1396" in wide and "┃ value" in wide
    assert " ".join(wide.split()).count("carries pseudonyms, which no LMS can match") == 1
    monkeypatch.setenv("COLUMNS", "72")
    _print_table("Recorded results", table)
    narrow = capsys.readouterr().out
    lines = narrow.splitlines()
    assert "demo-bio · 20261207-101204-1396 · warning" in lines
    assert max(len(line) for line in lines) <= 72
    # every word of the long text is printed whole, in order
    assert " ".join(narrow.split()).count(" ".join(long.split())) == 1
