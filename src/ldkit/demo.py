"""The demo: what ``make demo`` and ``ldkit demo`` produce.

1. Every starter capability model in every format ldkit speaks (YAML, the
   Excel authoring workbook, Moodle's competency-framework CSV), a heatmap of
   each, and the blank authoring template, under ``<out>/capability-models``.
2. A demo engagement for a fictional client, Demo Bio, under
   ``<out>/demo-bio``: scaffolded from the template, given synthetic inputs
   (Qualtrics self and manager exports with their codebooks, the
   pharma-commercial capability model), and run end to end with papermill:
   the HTML report, the Excel workbook and the PowerPoint deck land in
   ``<out>/demo-bio/deliverables``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["DEMO_CLIENT", "make_demo_engagement", "run_demo", "write_starter_models"]

DEMO_CLIENT = "Demo Bio"


def write_starter_models(out: str | Path) -> list[Path]:
    """Every starter model as YAML, workbook, Moodle CSV and heatmap; the blank template."""
    from ldkit.capability import starter, starters, write_template
    from ldkit.io import atomic_path

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in starters():
        model = starter(name)
        written.append(model.to_yaml(folder / f"{name}.yaml"))
        written.append(model.to_excel(folder / f"{name}.xlsx"))
        written.append(model.to_moodle_csv(folder / f"{name}.moodle.csv"))
        target = folder / f"{name}-heatmap.png"
        with atomic_path(target) as tmp:
            model.heatmap().savefig(tmp, dpi=120, format="png")
        written.append(target)
    written.append(write_template(folder / "capability-model-template.xlsx"))
    return written


def make_demo_engagement(folder: str | Path, *, n_employees: int = 240, seed: int = 11,
                         overwrite: bool = True, followup: bool = True) -> Path:
    """Scaffold the Demo Bio engagement with synthetic inputs; return its folder.

    ``followup``: also write the follow-up wave and the LMS completions of the issued
    plans (the plans are built once here for that), so a run shows the whole cycle.
    """
    import shutil

    from ldkit.capability import starter
    from ldkit.datasets import write_survey_exports
    from ldkit.engagement import load_engagement, new_engagement

    target = Path(folder) / "demo-bio"
    if target.exists() and overwrite:
        shutil.rmtree(target)
    root = new_engagement(DEMO_CLIENT, folder=folder, engagement_id="demo-bio")
    config = load_engagement(root)
    model = starter("pharma-commercial")
    model.to_yaml(root / config.inputs.capability_model)
    raw = root / "data" / "raw"
    exports = write_survey_exports(raw, layout="qualtrics", n_employees=n_employees, seed=seed,
                                   model=model)
    for made, wanted in ((exports.self_path, config.inputs.self_survey),
                         (exports.self_codebook, config.inputs.self_codebook),
                         (exports.manager_path, config.inputs.manager_survey),
                         (exports.manager_codebook, config.inputs.manager_codebook)):
        if made.resolve() != (root / wanted).resolve():
            made.replace(root / wanted)
    later = _later_phase_inputs(raw, n_employees=n_employees, seed=seed)
    set_inputs(root, {k: v.relative_to(root).as_posix() for k, v in later.items()})
    if followup:
        _followup(root, n_employees=n_employees, seed=seed)
    return root


DEMO_REVIEW = "2026-04-06"
"""The demo's progress review date: Demo Bio's plans run from January to early April."""


def _followup(root: Path, *, n_employees: int, seed: int) -> None:
    """The closing of the loop: the follow-up wave six months on and the LMS completions of
    the issued plans. The completions need the plans, so the needs analysis and the plans
    are built here once, in this process (the full run rebuilds them identically, with the
    personal plan documents, which the completions do not need and are not written here)."""
    from datetime import date

    from ldkit.engagement import phase_params
    from ldkit.needs.step import needs_analysis_step
    from ldkit.plans.step import learning_plans_step
    from ldkit.progress.demo import write_demo_followup

    needs_analysis_step(phase_params("needs", root))
    learning_plans_step(phase_params("plans", root).model_copy(update={"documents": []}))
    written = write_demo_followup(root, n_employees=n_employees, seed=seed,
                                  as_of=date.fromisoformat(DEMO_REVIEW))
    set_inputs(root, {k: v.relative_to(root).as_posix() for k, v in written.items()})
    set_notebook_parameters(root, "6-progress", {"as_of": DEMO_REVIEW})


def set_notebook_parameters(root: str | Path, notebook: str, values: dict[str, str]) -> Path:
    """Add ``notebooks: <notebook>: {key: value}`` entries to engagement.yaml (comments kept)."""
    import json

    from ldkit.engagement import CONFIG_FILE, load_engagement
    from ldkit.io import atomic_write_text

    path = Path(root) / CONFIG_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("notebooks:"))
    block = [f"  {notebook}:"] + [f"    {k}: {json.dumps(v)}" for k, v in values.items()]
    lines[start + 1:start + 1] = block
    atomic_write_text(path, "\n".join(lines) + "\n")
    load_engagement(root)
    return path


def _later_phase_inputs(raw: Path, *, n_employees: int, seed: int) -> dict[str, Path]:
    """Inputs of the phases after the needs analysis: catalog, ROI case, strategy."""
    import importlib.util

    from ldkit.plans import starter_catalog

    written = {"learning_catalog": starter_catalog("pharma-commercial").to_yaml(
        raw / "learning_catalog.yaml")}
    if importlib.util.find_spec("ldkit.roi.demo") is not None:
        from ldkit.roi.demo import write_demo_case

        written.update(write_demo_case(raw, n_learners=n_employees, seed=seed))
    if importlib.util.find_spec("ldkit.strategy.demo") is not None:
        from ldkit.strategy.demo import write_demo_strategy

        written.update(write_demo_strategy(raw, seed=seed))
    return written


def set_inputs(root: str | Path, values: dict[str, str]) -> Path:
    """Set ``inputs:`` entries of an engagement's ``engagement.yaml``, keeping its comments.

    Each ``key: value`` line under ``inputs:`` is rewritten in place (a key not
    yet present is added at the end of the block); the result is validated.
    """
    import re

    from ldkit.engagement import CONFIG_FILE, load_engagement
    from ldkit.io import atomic_write_text

    path = Path(root) / CONFIG_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("inputs:"))
    end = next((i for i in range(start + 1, len(lines))
                if lines[i] and not lines[i].startswith((" ", "#"))), len(lines))
    pending = dict(values)
    for i in range(start + 1, end):
        m = re.match(r"(\s+)(\w+):(\s*)(\"\"|\S+)?(\s*#.*)?$", lines[i])
        if m and m.group(2) in pending:
            value = pending.pop(m.group(2))
            comment = m.group(5) or ""
            lines[i] = f"{m.group(1)}{m.group(2)}: {value}{comment}"
    lines[end:end] = [f"  {k}: {v}" for k, v in pending.items()]
    atomic_write_text(path, "\n".join(lines) + "\n")
    load_engagement(root)
    return path


def run_demo(out: str | Path = "demo-output", *, progress: bool = True) -> list[Path]:
    """Write the demo outputs under ``out``; return the paths written (deliverables last).

    The notebooks' kernels are forked from a warm server (where possible) that imports
    its libraries while the demo's inputs are being made.
    """
    from ldkit.engagement import run_engagement
    from ldkit.kernels import warm_kernel_options

    warm_kernel_options(wait=False)  # the server imports meanwhile, on the other CPU
    written = write_starter_models(Path(out) / "capability-models")
    root = make_demo_engagement(out)
    report = run_engagement(root, force=True, progress=progress, kernels="fork")
    if not report.ok:
        from ldkit.errors import LdkitError

        failed = next(n for n in report.notebooks if n.status == "failed")
        raise LdkitError(f"the demo engagement failed in {failed.name}: {failed.error.message}",
                         hint=f"see the executed notebook in {report.run_dir}")
    written += sorted(p for p in (root / "deliverables").glob("*.*")
                      if not p.name.startswith("."))
    return written
