"""The 6-progress step on a small Demo Bio engagement, its numbers recomputed independently.

The engagement is scaffolded by ``make_demo_engagement``; the needs and plans
steps run in-process; ``write_demo_followup`` adds the follow-up wave, the
SuccessFactors export of the plan completions and the manager roster. The
headline numbers are then recomputed from the raw files with plain pandas.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from ldkit.progress.step import ProgressParams, progress_step

AS_OF = "2026-04-06"


@pytest.fixture(scope="module")
def engagement(tmp_path_factory):
    from ldkit.demo import make_demo_engagement
    from ldkit.plans.step import LearningPlansParams, learning_plans_step
    from ldkit.progress.demo import write_demo_followup
    from ldkit.steps import NeedsAnalysisParams, needs_analysis_step

    root = make_demo_engagement(tmp_path_factory.mktemp("progress"), n_employees=120, seed=5)
    common = {"client": "Demo Bio", "engagement_dir": str(root),
              "capability_model": "data/raw/capability_model.yaml"}
    needs_analysis_step(NeedsAnalysisParams(
        **common, self_survey="data/raw/self.csv", self_codebook="data/raw/codebook_self.yaml",
        manager_survey="data/raw/manager.csv", manager_codebook="data/raw/codebook_manager.yaml"))
    learning_plans_step(LearningPlansParams(
        **common, learning_catalog="data/raw/learning_catalog.yaml", documents=[]))
    written = write_demo_followup(root, n_employees=120, seed=5,
                                  as_of=pd.Timestamp(AS_OF).date())
    inputs = {k: v.relative_to(root).as_posix() for k, v in written.items()}
    params = ProgressParams(**common, as_of=AS_OF, **inputs)
    return root, written, progress_step(params)


def test_outputs_written(engagement):
    root, _, step = engagement
    out = root / "data" / "processed" / "progress"
    for name in ("plan_progress", "capability_change", "plan_activities", "progress_by_role",
                 "progress_by_region", "overdue_activities", "wave_accounting",
                 "change_by_completion", "lms_counts", "lms_exclusions"):
        assert (out / f"{name}.csv").exists(), name
    assert (root / "data" / "processed" / "progress" / "figures" / "capability-change.png").exists()
    assert (root / "data" / "processed" / "progress" / "figures" / "progress-status.png").exists()
    numbers = json.loads((out / "findings.json").read_text())
    assert numbers == step.numbers
    assert step.in_scope


def test_statuses_recomputed_from_the_raw_export(engagement):
    root, written, step = engagement
    items = pd.read_csv(root / "data/processed/plans/items.csv", parse_dates=["due"])
    lms = pd.read_csv(written["plan_completions"], encoding="utf-8-sig", dtype=str,
                      keep_default_na=False)
    done = lms[(lms["Completion Status"] == "COMPLETE") & (lms["Completion Date"] != "")].copy()
    done["date"] = pd.to_datetime(done["Completion Date"], format="%m/%d/%Y")
    done = done[done["date"] <= AS_OF]
    pairs = set(zip(done["User ID"], done["Item ID"], strict=True))
    items["completed"] = [(lr, a) in pairs for lr, a in zip(items["learner"], items["activity"],
                                                              strict=True)]
    items["is_due"] = items["due"] <= AS_OF
    per = items.groupby("learner").agg(planned=("activity", "size"),
                                       completed=("completed", "sum"),
                                       due=("is_due", "sum"),
                                       overdue=("is_due", lambda s: int(
                                           (s & ~items.loc[s.index, "completed"]).sum())))
    status = np.select([per["completed"] == per["planned"],
                        (per["completed"] == 0) & (per["due"] > 0), per["overdue"] > 0],
                       ["done", "not started", "behind"], "on track")
    expected = pd.Series(status).value_counts()
    numbers = step.numbers
    for s in ("done", "on track", "behind", "not started"):
        assert numbers[f"learners_{s.replace(' ', '_')}"] == int(expected.get(s, 0)), s
    assert numbers["learners_with_plan"] == len(per)
    assert numbers["activities_overdue"] == int(per["overdue"].sum())
    # every status occurs in the demo (some learners behind, some not started)
    assert min(expected.get(s, 0) for s in ("done", "on track", "behind", "not started")) > 0
    # every LMS row accounted for
    counts = dict(zip(step.progress.counts["count"], step.progress.counts["n"], strict=True))
    assert counts["rows read"] == len(lms)
    assert counts["rows read"] == counts["completions counted"] + len(step.progress.excluded)


def test_capability_change_recomputed_from_the_surveys(engagement):
    root, written, step = engagement
    from ldkit.capability import read_model
    from ldkit.needs import combine_surveys, person_gaps
    from ldkit.survey import read_survey
    from ldkit.survey.pseudonym import find_secret

    secret = find_secret(near=root)
    model = read_model(root / "data/raw/capability_model.yaml")
    surveys = [read_survey(written["followup_self_survey"], written["followup_self_codebook"],
                           secret=secret),
               read_survey(written["followup_manager_survey"],
                           written["followup_manager_codebook"], secret=secret)]
    after = person_gaps(*combine_surveys(*surveys), model)
    before = pd.read_csv(root / "data/processed/needs/person_gaps.csv", dtype={"person_id": str})
    both = before.merge(after, on=["person_id", "capability"], suffixes=("_b", "_a"))
    both = both.dropna(subset=["manager_b", "manager_a"])
    change = step.waves.change
    shown = change[(change["role"] == "All") & (change["rater"] == "manager")
                   & change["mean_change"].notna()]
    assert len(shown) >= 5
    for row in shown.itertuples():
        sub = both[both["capability"] == row.capability]
        diff = (sub["manager_a"] - sub["manager_b"]).to_numpy()
        assert row.n_pairs == len(diff)
        assert row.mean_change == pytest.approx(diff.mean())
        assert row.mean_before == pytest.approx(sub["manager_b"].mean())
        assert row.d_z == pytest.approx(diff.mean() / diff.std(ddof=1))
    people_b, people_a = set(before["person_id"]), set(after["person_id"])
    acc = dict(zip(step.waves.accounting["measure"], step.waves.accounting["n"], strict=True))
    assert acc["paired"] == len(people_b & people_a)
    assert acc["left (baseline only)"] == len(people_b - people_a) > 0
    assert acc["joined (follow-up only)"] == len(people_a - people_b) > 0


def test_no_group_under_the_minimum_size_in_any_table(engagement):
    root, _, _ = engagement
    out = root / "data" / "processed" / "progress"
    checked = 0
    for name, n_col, values in (
            ("capability_change", "n_pairs", ["mean_before", "mean_after", "mean_change", "d_z",
                                              "ci_low", "ci_high", "share_gap_closed"]),
            ("progress_by_role", "learners", ["done", "on track", "behind", "not started",
                                              "share_behind"]),
            ("progress_by_region", "learners", ["done", "behind", "share_behind"]),
            ("overdue_activities", "learners", ["due", "completed", "overdue", "share_overdue"]),
            ("change_by_completion", "n_people", ["mean_change", "ci_low", "ci_high"])):
        table = pd.read_csv(out / f"{name}.csv")
        small = table[(table[n_col] < 5) | (table["suppressed"] == "n < 5")]
        assert small[values].isna().all().all(), name
        assert small[n_col].isna().all(), name  # hidden sizes are hidden too
        checked += len(small)
        assert (table.loc[table["suppressed"].isna(), n_col] >= 5).all(), name
    change = pd.read_csv(out / "capability_change.csv")
    few = change[change["n_below_before"].fillna(0) < 5]
    assert few["share_gap_closed"].isna().all()
    assert checked > 0  # the demo has small groups, and they are hidden


def test_manager_lists_are_personal_files_outside_the_report(engagement):
    root, _, step = engagement
    folder = root / "deliverables" / "follow-up"
    files = sorted(folder.glob("*.csv"))
    assert files and len(files) == step.numbers["manager_lists"]
    assert all(f.stem.startswith("m") and "@" not in f.stem for f in files)
    table = pd.read_csv(files[0], encoding="utf-8-sig")
    assert {"learner", "status", "activity", "title", "due", "days_overdue"} <= set(table)
    assert set(table["status"]) <= {"behind", "not started"}
    assert not table.astype(str).apply(lambda s: s.str.contains("@")).any().any()
    learners = set(pd.read_csv(root / "data/processed/progress/plan_progress.csv")["learner"])
    assert set(table["learner"]) <= learners


def test_report_sections_pass_the_audit(engagement, tmp_path):
    from ldkit.audit import audit_deliverables
    from ldkit.deliverables import Report, render_deck, render_html, render_workbook
    from ldkit.progress.report import monthly_progress_section, progress_sections

    root, _, step = engagement
    findings, sections = progress_sections(root, {})
    assert [s.title for s in sections] == ["Plan progress", "Capability growth since the baseline"]
    assert any("association, not an effect" in f for f in findings)
    assert f"{step.numbers['learners_done']} of {step.numbers['learners_with_plan']}" in findings[0]
    page = monthly_progress_section(root, {})
    report = Report("Demo Bio", "Progress", key_findings=tuple(findings),
                    sections=(*sections, page))
    render_html(report, tmp_path / "r.html")
    render_workbook(report, tmp_path / "r.xlsx")
    render_deck(report, tmp_path / "r.pptx")
    assert audit_deliverables(tmp_path).empty


def test_out_of_scope_writes_nothing(tmp_path):
    step = progress_step(ProgressParams(client="x", engagement_dir=str(tmp_path),
                                        capability_model="m.yaml"))
    assert not step.in_scope
    assert not (tmp_path / "data").exists()


def test_bad_parameters_are_refused():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="as_of"):
        ProgressParams(client="x", capability_model="m.yaml", as_of="March")
    with pytest.raises(ValidationError):
        ProgressParams(client="x", capability_model="m.yaml", lms_learner_ids="emails")
