"""`ldkit roi CASE.yaml`: the result and the rules applied; errors in one line, exit 2."""

from __future__ import annotations

import textwrap

from ldkit.roi import EXAMPLE_CASE


def test_roi_prints_the_result_and_rules(cli):
    code, out, err = cli("roi", str(EXAMPLE_CASE), "--draws", "1000")
    assert code == 0 and err == ""
    assert out.startswith("Commercial excellence programme (EUR, 240 participants)")
    for line in ("  Participants' time                     295,200   52.3%            1,230",
                 "Benefit-cost ratio (BCR)          1.63",
                 "ROI                               62.8%",
                 "Net benefit                       EUR 354,875",
                 "Payback                           7.4 months",
                 "NPV (3 years at 8%)               EUR 955,010",
                 "Rules applied:"):
        assert line in out.splitlines(), line
    assert "  - No data, no improvement (principle 6): Key-account retention counts as 0." in out


def test_roi_help(cli):
    code, out, _ = cli("roi", "--help")
    assert code == 0 and "Usage: ldkit roi" in out


def test_roi_refuses_a_missing_isolation_share(cli, tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text(textwrap.dedent("""\
        program: Pilot
        participants: 10
        costs: [{category: delivery, item: Workshop, amount: 5000}]
        benefits:
          - {name: Sales, annual_improvement: 10000, value_per_unit: 1}
        """), encoding="utf-8")
    code, out, err = cli("roi", str(case))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "line 5" in err and "has no isolation share" in err
    assert "add 'isolation: {method: control group, share: 0.6}'" in err
