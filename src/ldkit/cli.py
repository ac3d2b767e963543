"""The ``ldkit`` command: a thin translator over the package.

Each command parses its arguments, calls one public function, and prints.
An :class:`ldkit.errors.LdkitError` becomes one line on stderr and exit
code 2, without a traceback. Heavy modules (pandas, matplotlib, openpyxl)
are imported inside the commands that need them, so ``ldkit --help``
starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ldkit._version import __version__
from ldkit.errors import LdkitError, ValidationError

__all__ = ["app", "main"]

app = typer.Typer(
    name="ldkit",
    help="ldkit: capability models, needs analysis and L&D deliverables for consultants.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain help: rich's help renderer costs ~130 ms of imports
)
model_app = typer.Typer(
    help="Capability models: validate, convert, show, starters, template, diff.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(model_app, name="model")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ldkit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True,
                     help="Print the ldkit version and exit."),
    ] = False,
) -> None:
    """ldkit: capability models, needs analysis and L&D deliverables for consultants."""


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _print_problems(exc: ValidationError, *, file: str | None = None) -> None:
    err = _console(stderr=True)
    for p in exc.problems:
        err.print(str(p), markup=False)
    n = len(exc.problems)
    err.print(f"{n} problem{'s' if n != 1 else ''}{f' in {file}' if file else ''}.", markup=False)


@model_app.command("validate")
def model_validate(
    file: Annotated[Path, typer.Argument(help="Model file: .yaml, .xlsx or Moodle .csv.")],
) -> None:
    """Check a capability model; print every problem with its sheet, row and column.

    Exits 0 if the model is valid (warnings are printed), 2 if it has errors.
    """
    from ldkit.capability import read_model

    try:
        model = read_model(file)
    except ValidationError as exc:
        _print_problems(exc, file=str(file))
        raise typer.Exit(2) from None
    out = _console()
    warnings = [p for p in model.problems() if p.severity != "error"]
    for p in warnings:
        out.print(str(p), markup=False)
    out.print(f"OK: {model.summary()}"
              + (f"; {len(warnings)} warning(s)" if warnings else ""), markup=False)


@model_app.command("convert")
def model_convert(
    source: Annotated[Path, typer.Argument(help="Input model: .yaml, .xlsx or Moodle .csv.")],
    target: Annotated[Path, typer.Argument(help="Output: .yaml, .xlsx, or .csv for Moodle.")],
) -> None:
    """Convert a capability model between YAML, the Excel workbook and Moodle CSV."""
    from ldkit.capability import read_model, write_model

    model = read_model(source)
    written = write_model(model, target)
    typer.echo(f"Wrote {written} ({model.summary()})")


@model_app.command("show")
def model_show(
    file: Annotated[Path, typer.Argument(help="Model file: .yaml, .xlsx or Moodle .csv.")],
    role: Annotated[str | None, typer.Option("--role", "-r",
                                             help="Show one role's requirements.")] = None,
) -> None:
    """Print a model: the role x capability matrix, or one role's requirements."""
    import pandas as pd
    from rich.table import Table

    from ldkit.capability import read_model

    model = read_model(file)
    out = _console()
    out.print(model.summary(), markup=False)
    if role is not None:
        r = model.role(role)
        table = Table(title=f"{r.name} ({r.id}){f' - {r.family}' if r.family else ''}")
        for col in ("Domain", "Capability", "Required level", "Weight"):
            table.add_column(col)
        req = model.requirements().query("role == @r.id")
        for row in req.itertuples():
            table.add_row(row.domain_name, row.capability_name,
                          f"{row.required_level} {row.required_label}", f"{row.weight:g}")
        out.print(table)
        return
    matrix = model.matrix()
    table = Table(title="Required level by role (rows) and capability (columns)")
    table.add_column("Role")
    for i, _ in enumerate(matrix.columns, start=1):
        table.add_column(f"C{i}", justify="center")
    for rid, row in matrix.iterrows():
        table.add_row(model.role(str(rid)).name,
                      *("" if pd.isna(v) else str(v) for v in row))
    out.print(table)
    for i, cid in enumerate(matrix.columns, start=1):
        out.print(f"C{i} = {model.capability(str(cid)).name} [{cid}]", markup=False)


@model_app.command("starter")
def model_starter(
    name: Annotated[str, typer.Argument(help="Starter name; see 'ldkit model starters'.")],
    out: Annotated[Path, typer.Argument(help="Output: .yaml, .xlsx, or .csv for Moodle.")],
) -> None:
    """Write a starter capability model from the library to a file."""
    from ldkit.capability import starter, write_model

    model = starter(name)
    typer.echo(f"Wrote {write_model(model, out)} ({model.summary()})")


@model_app.command("starters")
def model_starters() -> None:
    """List the starter capability models shipped with ldkit."""
    from ldkit.capability import starter, starters

    for name in starters():
        typer.echo(f"{name:20s} {starter(name).summary()}")


@model_app.command("template")
def model_template(
    out: Annotated[Path, typer.Argument(help="Output workbook (.xlsx).")],
) -> None:
    """Write a blank authoring workbook with the standard four-level scale."""
    from ldkit.capability import write_template

    typer.echo(f"Wrote {write_template(out)}")


@model_app.command("diff")
def model_diff(
    old: Annotated[Path, typer.Argument(help="Earlier version of the model.")],
    new: Annotated[Path, typer.Argument(help="Later version of the model.")],
) -> None:
    """List what changed between two versions of a model (exit 1 if anything did)."""
    from ldkit.capability import read_model

    changes = read_model(old).diff(read_model(new))
    if changes.empty:
        typer.echo("No changes.")
        return
    for row in changes.itertuples():
        what = f"{row.entity} {row.key}" + (f" {row.field}" if row.field else "")
        if row.change == "changed":
            typer.echo(f"changed {what}: {row.old!r} -> {row.new!r}")
        else:
            typer.echo(f"{row.change} {what}")
    typer.echo(f"{len(changes)} change(s).")
    raise typer.Exit(1)


catalog_app = typer.Typer(
    help="Learning catalogs: validate against a capability model, convert, starters, template.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(catalog_app, name="catalog")


@catalog_app.command("validate")
def catalog_validate(
    file: Annotated[Path, typer.Argument(help="Catalog file: .yaml or .xlsx.")],
    model: Annotated[Path | None, typer.Option(
        "--model", "-m", help="Capability model to check capabilities and levels against.")
    ] = None,
) -> None:
    """Check a learning catalog; print every problem with its line or sheet, row and column.

    Exits 0 if the catalog is valid, 2 if it has errors.
    """
    from ldkit.capability import read_model
    from ldkit.plans import read_catalog

    try:
        catalog = read_catalog(file)
        if model is not None:
            catalog.check(read_model(model))
    except ValidationError as exc:
        _print_problems(exc, file=str(file))
        raise typer.Exit(2) from None
    hours = catalog.table().groupby("modality")["hours"].sum()
    mix = "/".join(f"{m} {hours.get(m, 0) / hours.sum():.0%}"
                   for m in ("experiential", "social", "formal")) if hours.sum() else "no hours"
    _console().print(f"OK: {catalog!r}; hours by modality: {mix}", markup=False)


@catalog_app.command("convert")
def catalog_convert(
    source: Annotated[Path, typer.Argument(help="Catalog to read (.yaml or .xlsx).")],
    target: Annotated[Path, typer.Argument(help="Catalog to write (.yaml or .xlsx).")],
) -> None:
    """Convert a catalog between YAML and the Excel workbook (format from the extension)."""
    from ldkit.errors import UnsupportedFormatError
    from ldkit.plans import read_catalog

    catalog = read_catalog(source)
    suffix = target.suffix.lower()
    if suffix in (".yaml", ".yml"):
        written = catalog.to_yaml(target)
    elif suffix == ".xlsx":
        written = catalog.to_excel(target)
    else:
        raise UnsupportedFormatError(f"{target}: cannot write a catalog as '{suffix}'",
                                     hint="use .yaml or .xlsx")
    typer.echo(f"Wrote {written}")


@catalog_app.command("starter")
def catalog_starter(
    name: Annotated[str, typer.Argument(help="Starter catalog, e.g. pharma-commercial.")],
    out: Annotated[Path, typer.Argument(help="Output file (.yaml or .xlsx).")],
) -> None:
    """Write a starter catalog (it matches the starter capability model of that name)."""
    from ldkit.plans import starter_catalog

    catalog = starter_catalog(name)
    written = catalog.to_excel(out) if out.suffix.lower() == ".xlsx" else catalog.to_yaml(out)
    typer.echo(f"Wrote {written}")


@catalog_app.command("template")
def catalog_template(
    out: Annotated[Path, typer.Argument(help="Output workbook (.xlsx).")],
) -> None:
    """Write a blank, documented catalog workbook."""
    from ldkit.plans import write_catalog_template

    typer.echo(f"Wrote {write_catalog_template(out)}")


survey_app = typer.Typer(
    help="Survey exports: check data quality, score the needs analysis.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(survey_app, name="survey")


def _cell(value) -> str:
    import pandas as pd

    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""  # None, NaN, NaT and pd.NA (a blank respondent id) alike
    return f"{value:.3g}" if isinstance(value, float) else str(value)


SHORT_COLUMN = 24
"""Columns of printed tables whose every cell is at most this wide never wrap."""


def _print_table(title: str, table) -> None:
    """A table on the console: short columns (names, ids, counts) at their width, long
    text wrapped in the room left; where that room is under 30 characters (a narrow
    terminal, a pipe), each row as a block: its short cells on one line, then each
    long cell indented below."""
    from rich.table import Table

    out = _console()
    columns = [str(c) for c in table.columns]
    cells = [[_cell(v) for v in row] for row in table.itertuples(index=False)]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    short = [w <= SHORT_COLUMN for w in widths]
    room = out.width - sum(w + 3 for w, s in zip(widths, short, strict=True) if s) - 1
    if not all(short) and room < 30 * short.count(False):
        import textwrap

        out.print(title, markup=False)
        for row in cells:
            out.print(" · ".join(v for v, s in zip(row, short, strict=True) if s and v),
                      markup=False)
            for name, v, s in zip(columns, row, short, strict=True):
                if not s and v:
                    out.print(textwrap.fill(f"{name}: {v}", width=max(out.width - 2, 20),
                                            initial_indent="  ", subsequent_indent="    "),
                              markup=False)
        return
    view = Table(title=title, title_justify="left")
    for name, width, is_short in zip(columns, widths, short, strict=True):
        if is_short:
            view.add_column(name, no_wrap=True, min_width=width)
        else:
            view.add_column(name, ratio=1, overflow="fold")
    for row in cells:
        view.add_row(*row)
    out.print(view, markup=False)


@survey_app.command("check")
def survey_check(
    export: Annotated[Path, typer.Argument(help="Survey export (.csv or .xlsx) as downloaded.")],
    codebook: Annotated[Path, typer.Option("--codebook", "-c",
                                           help="Codebook (.yaml or .xlsx).")],
    source: Annotated[str, typer.Option(help="Layout: auto, qualtrics, qualtrics_legacy, "
                                             "surveymonkey, msforms, googleforms, tidy.")
                      ] = "auto",
    model: Annotated[Path | None, typer.Option(
        "--model", "-m", help="Capability model: list respondents whose role it lacks, and "
        "refuse codebook items for capabilities it lacks.")] = None,
) -> None:
    """Read an export against its codebook and print the data-quality report.

    Counts in, kept and excluded by reason (they reconcile), straight-lining and
    speeding flags, and the reliability (Cronbach's alpha) of each scale. Every
    problem of the codebook or export is printed, one line each (exit 2).
    """
    from ldkit.survey import read_survey
    from ldkit.survey.quality import quality_report
    from ldkit.survey.reader import unknown_roles

    capability_model = None
    if model is not None:
        from ldkit.capability import read_model

        capability_model = read_model(model)
    try:
        data = read_survey(export, codebook, source=source, model=capability_model)
    except ValidationError as exc:
        _print_problems(exc, file=str(export))
        raise typer.Exit(2) from None
    typer.echo(f"{export}: {data.source} layout, {data.encoding or 'xlsx'}; "
               f"{data.rows_read} rows read, {data.rows_kept} kept, {data.rows_excluded} "
               "excluded")
    _print_table("Data quality", quality_report(data))
    if len(data.excluded):
        _print_table("Excluded rows and answers", data.excluded)
    if capability_model is not None:
        lost = unknown_roles(data, capability_model)
        if len(lost):
            _print_table(f"Respondents whose role is not in the model ({len(lost)}; they get "
                         "no gap scores)", lost)


@survey_app.command("score")
def survey_score(
    exports: Annotated[list[Path], typer.Argument(help="Survey exports, e.g. self and manager.")],
    codebook: Annotated[list[Path], typer.Option(
        "--codebook", "-c", help="Codebook per export, in the same order (or one for all).")],
    model: Annotated[Path, typer.Option("--model", "-m", help="Capability model file.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the tables.")],
    min_n: Annotated[int, typer.Option(help="Minimum group size of every aggregate.")] = 5,
) -> None:
    """Score a needs analysis; write its tables as CSV and an Excel workbook."""
    from ldkit.capability import read_model
    from ldkit.errors import ParameterError
    from ldkit.needs.scoring import score_needs, write_needs_tables
    from ldkit.survey import read_survey

    if len(codebook) not in (1, len(exports)):
        raise ParameterError(f"give one --codebook per export ({len(exports)}) or one for all; "
                             f"got {len(codebook)}")
    books = codebook if len(codebook) == len(exports) else codebook * len(exports)
    capability_model = read_model(model)
    surveys = [read_survey(e, c, model=capability_model)
               for e, c in zip(exports, books, strict=True)]
    result = score_needs(surveys, capability_model, min_n=min_n)
    for path in write_needs_tables(result, out):
        typer.echo(str(path))


@app.command("demo")
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the demo outputs.")] = Path(
        "demo-output"),
) -> None:
    """Run the demo: starter models in every format, and the Demo Bio engagement end to end.

    Scaffolds a demo engagement for a fictional client with synthetic survey exports,
    runs its notebooks with papermill, and prints where the deliverables are.
    """
    from ldkit.demo import run_demo

    for path in run_demo(out):
        typer.echo(str(path))
    plans = out / "demo-bio" / "deliverables" / "plans"
    if plans.is_dir():
        documents = len(list(plans.glob("*.html"))) - 1  # less the index
        typer.echo(f"{plans}/index.html: {documents} personal learning plans (HTML and Word), "
                   "lms-assignments.csv")
    typer.echo(f"Demo deliverables are in {out}/demo-bio/deliverables/")


@app.command("new")
def new(
    client: Annotated[str, typer.Argument(help="Client display name, e.g. 'Acme Pharma'.")],
    template: Annotated[Path | None, typer.Option(
        "--from", help="Template folder (default: the template shipped with ldkit).")] = None,
    folder: Annotated[Path, typer.Option("--dir", help="Parent folder of engagements.")] = Path(
        "engagements"),
    engagement_id: Annotated[str | None, typer.Option(
        "--id", help="Engagement id (default: from the client name).")] = None,
) -> None:
    """Scaffold a client engagement: engagement.yaml, notebooks, secret, .gitignore."""
    from ldkit.engagement import new_engagement

    root = new_engagement(client, template=template, folder=folder, engagement_id=engagement_id)
    typer.echo(f"Created {root}")
    typer.echo(f"Next: put the client's inputs in {root}/data/raw/, check {root}/engagement.yaml,"
               f" then run: ldkit run {root}")


@app.command("run")
def run(
    engagement: Annotated[Path, typer.Argument(help="Engagement folder.")],
    only: Annotated[str | None, typer.Option(help="Run only this notebook (name).")] = None,
    force: Annotated[bool, typer.Option(help="Run even if nothing changed.")] = False,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Exit 1 if the run ends with any warning.")] = False,
    workers: Annotated[int | None, typer.Option(
        help="Notebooks run at once where the phases allow (default: 2, 1 on one CPU).")
    ] = None,
) -> None:
    """Execute the engagement's notebooks in order (papermill) and build its deliverables.

    Parameters come from engagement.yaml and are checked against every phase before
    any kernel starts. Executed notebooks and a manifest go to runs/<run-id>/. The run
    ends with the deliverables written and the warnings to read before sending them.
    """
    from ldkit.engagement import run_engagement

    report = run_engagement(engagement, only=only, force=force, progress=True, workers=workers)
    for nb in report.notebooks:
        line = f"{nb.status:10s} {nb.name:28s} {nb.duration:6.1f} s"
        if nb.error:
            line += f"  {nb.error.message}"
        typer.echo(line)
    typer.echo(f"Run folder: {report.run_dir}")
    _print_health(report.outputs, report.warnings)
    if not report.ok:
        raise typer.Exit(1)
    if strict and report.warnings:
        typer.echo(f"--strict: {len(report.warnings)} warning(s)", err=True)
        raise typer.Exit(1)


def _print_health(outputs, warnings) -> None:
    if outputs:
        typer.echo("Deliverables:")
        for item in outputs:
            typer.echo(f"  {item}")
    if warnings:
        typer.echo(f"Warnings ({len(warnings)}), read before sending:")
        for w in warnings:
            typer.echo(f"  - {w}")
    else:
        typer.echo("Warnings: none")


@app.command("results")
def results(
    engagements: Annotated[list[Path], typer.Argument(
        help="Engagement folders, or batch-<id>.json files written by ldkit batch.")],
    out: Annotated[Path | None, typer.Option(help="Also write the table as CSV.")] = None,
) -> None:
    """Print the key results recorded by the latest successful run of each engagement.

    A batch file gives the results of the runs of that batch, with each engagement's folder.
    """
    import pandas as pd

    from ldkit.engagement import run_results

    def read(path: Path):
        if path.suffix == ".json" and not path.is_dir():
            from ldkit.batch import batch_results

            return batch_results(path)
        return run_results(path)

    table = pd.concat([read(e) for e in engagements], ignore_index=True)
    _print_table("Recorded results", table)
    if out is not None:
        from ldkit.io import atomic_path

        with atomic_path(out) as tmp:
            table.to_csv(tmp, index=False)
        typer.echo(f"Wrote {out}")


@app.command("batch")
def batch(
    engagements: Annotated[list[Path], typer.Argument(help="Engagement folders.")],
    workers: Annotated[int | None, typer.Option(
        help="Notebooks run at once (default: the number of CPUs).")] = None,
    only: Annotated[str | None, typer.Option(
        help="Run only this notebook of each engagement (name).")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds one notebook may run.")] = 3600.0,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Rerun only what failed or whose inputs changed.")] = False,
    executor: Annotated[str, typer.Option(
        help="local (worker processes here) or dask (a Dask cluster: ldkit[dask]).")] = "local",
    scheduler: Annotated[str | None, typer.Option(
        help="Dask scheduler address, e.g. tcp://host:8786 (default: a local cluster).")] = None,
    kernels: Annotated[str, typer.Option(
        help="auto, fork (from a warm process; Linux) or fresh.")] = "auto",
    out: Annotated[Path, typer.Option(
        help="Folder for the batch summary batch-<id>.json.")] = Path("."),
    strict: Annotated[bool, typer.Option(
        "--strict", help="Exit 1 if any engagement ends with a warning.")] = False,
) -> None:
    """Run the notebooks of many engagements concurrently; a summary of all at the end.

    Each engagement runs its notebooks in order, each in a fresh kernel; a failure stops
    only its own engagement. Exits 1 if any engagement failed or could not run.
    """
    from ldkit.batch import notebook_outcome, run_batch

    report = run_batch(engagements, workers=workers, only=only, timeout=timeout,
                       resume=resume, executor=executor, scheduler=scheduler,
                       kernels=kernels, out=out, progress=True)
    skipped = [e.given for e in report.engagements if e.status == "up to date"]
    if skipped:
        typer.echo(f"Skipped {len(skipped)} up-to-date engagement(s), inputs unchanged since "
                   f"their last successful run: {', '.join(skipped)}")
    for e in report.engagements:
        if e.reused:
            typer.echo(f"{e.given}: {e.message}")
    table = report.summary()[["folder", "engagement", "status", "notebooks", "failed notebook",
                              "cell", "duration_s"]]
    table["cell"] = table["cell"].astype(object).where(table["cell"].notna(), None)
    _print_table("Batch " + report.batch_id, table.rename(columns={"duration_s": "seconds"}))
    for e in report.engagements:
        bad = e.failed_notebook
        if bad is not None and bad.error is not None:
            typer.echo(f"{e.given}: {bad.name} {notebook_outcome(bad)}: {bad.error.message}"
                       + (f" (executed copy: {bad.output})" if bad.output else ""))
        elif e.status == "not run":
            typer.echo(f"{e.given}: not run: {e.message}")
    for e in report.engagements:
        for w in e.warnings:
            typer.echo(f"{e.given}: warning: {w}")
    for note in report.notes:
        typer.echo(f"note: {note}")
    counts = ", ".join(f"{n} {status}" for status, n in report.counts().items())
    typer.echo(f"{len(report.engagements)} engagement(s): {counts}")
    if report.path is not None:
        typer.echo(f"Batch summary: {report.path}")
        typer.echo(f"Key results of all engagements: ldkit results {report.path}")
    if not report.ok:
        raise typer.Exit(1)
    if strict and any(e.warnings for e in report.engagements):
        typer.echo("--strict: warnings in " + ", ".join(
            e.given for e in report.engagements if e.warnings), err=True)
        raise typer.Exit(1)


@app.command("audit")
def audit(
    engagement: Annotated[Path, typer.Argument(help="Engagement folder.")],
) -> None:
    """Scan the deliverables for personal identifiers and groups below the minimum size.

    The per-person plan documents are audited too: each may name its own learner only.
    Words allowed in engagement.yaml (audit: {allow: [...]}) are listed. Exits 2 if
    anything is found, naming the file and where in it.
    """
    from ldkit.audit import check_audit
    from ldkit.engagement.audit import audit_engagement
    from ldkit.engagement.config import load_engagement

    config = load_engagement(engagement)
    result = audit_engagement(engagement)
    for w in result.warnings:
        typer.echo(f"warning: {w}", err=True)
    if result.allowed:
        typer.echo("Allowed by engagement.yaml (audit.allow): " + ", ".join(result.allowed))
    if len(result.findings):
        _print_table("Audit findings", result.findings)
    check_audit(result.findings)
    typer.echo(f"Audit passed: no personal identifier and no group under "
               f"{config.min_group_size} in {engagement / 'deliverables'}"
               + (f" ({result.personal_files} personal plan files checked: each names only "
                  "its own learner)" if result.personal_files else ""))


@app.command("check")
def check(
    engagement: Annotated[Path, typer.Argument(help="Engagement folder.")],
    against: Annotated[str | None, typer.Option(
        help="Baseline run id (folder under runs/); default: the latest successful run.")] = None,
    nbval: Annotated[bool, typer.Option(help="Also compare notebook outputs with nbval.")] = True,
) -> None:
    """Rerun an engagement and report what changed against a baseline run (exit 1 if any)."""
    from ldkit.check import check_engagement

    result = check_engagement(engagement, against=against, nbval=nbval, progress=True)
    typer.echo(f"Baseline {result.baseline.name}, rerun {result.rerun.name}")
    if result.nbval_passed is not None:
        typer.echo("nbval: outputs " + ("unchanged" if result.nbval_passed else "CHANGED"))
        if not result.nbval_passed:
            typer.echo(result.nbval_output)
    if len(result.changes):
        _print_table("Recorded results that changed", result.changes)
    else:
        typer.echo("Recorded results: unchanged")
    if result.changed:
        raise typer.Exit(1)


@app.command("roi")
def roi(
    case: Annotated[Path, typer.Argument(
        help="ROI business case (.yaml); the layout is in ldkit/roi/example_case.yaml.")],
    draws: Annotated[int | None, typer.Option(
        help="Monte Carlo draws (default: the case's, else 10,000).")] = None,
    seed: Annotated[int | None, typer.Option(
        help="Monte Carlo seed (default: the case's, else 0).")] = None,
) -> None:
    """Compute a programme's ROI from a business case; print it with the rules applied.

    Prints costs by category, benefits with their adjustments, BCR, ROI %, net benefit,
    payback, NPV and IRR when the case gives years, the probability that ROI > 0, options,
    staffing, and "Rules applied:". A case that breaks a conservative rule (a benefit
    without an isolation share, an unadjusted estimate) is refused with what to add.
    """
    from ldkit.roi import analyse_case, read_case
    from ldkit.roi.report import text_summary

    typer.echo(text_summary(analyse_case(read_case(case), draws=draws, seed=seed)))


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app, turn LdkitError into one line and exit 2."""
    try:
        app(args=argv, prog_name="ldkit", standalone_mode=True)
    except LdkitError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        sys.exit(2)
    except OSError as exc:  # the file system refused: full disk, permission, a folder...
        print(f"error: {_os_error_line(exc)}", file=sys.stderr)
        sys.exit(2)


_OS_HINTS = {
    "ENOSPC": "free some disk space and run again (the last good outputs are kept)",
    "EACCES": "check the permissions of the file or folder",
    "EPERM": "check the permissions of the file or folder",
    "ENOTDIR": "a part of the path is a file, not a folder: check the path",
    "EISDIR": "the path is a folder: give a file",
    "ENOENT": "check the path",
    "EROFS": "the file system is read-only: write elsewhere",
}


def _os_error_line(exc: OSError) -> str:
    """One located line for an operating-system error (no traceback)."""
    import errno

    where = exc.filename if exc.filename is not None else ""
    if exc.filename2 is not None:
        where = f"{where} -> {exc.filename2}"
    what = exc.strerror or exc.__class__.__name__
    name = errno.errorcode.get(exc.errno or 0, "")
    hint = _OS_HINTS.get(name)
    return f"{where}: {what}" + (f" (hint: {hint})" if hint else "") if where else \
        what + (f" (hint: {hint})" if hint else "")


if __name__ == "__main__":  # pragma: no cover
    main()
