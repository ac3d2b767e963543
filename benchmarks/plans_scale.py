"""Learning plans at scale: 10,000 learners x 40 capabilities x a 300-activity catalog.

Generates (once, cached under benchmarks/results/) a synthetic capability model,
learning catalog and per-person gap table (``ldkit.plans.synthetic``: integer self
and manager ratings, 6 roles of 16 capabilities each, 8 programs), then measures,
each in a fresh process:

- baseline: ``build_plans`` as it was before the scale work (one integer program per
  distinct learner profile, solved in one process with HiGHS's default search), on
  the first ``--sample`` learners, extrapolated to all learners by the number of
  distinct profiles (solves take nearly all of its time);
- ldkit: ``build_plans`` of every learner with ``--workers`` processes, then every
  learner's HTML document with ``write_plan_documents``, and ``--papermill-sample``
  of the same documents rendered the way a notebook-per-learner workflow would: one
  papermill run of ``benchmarks/notebooks/plan_document.ipynb`` per learner.

Prints wall time of the build, peak memory (max RSS of the measuring process and of
its largest worker process), plans per second, the ratio to the baseline, and the CPU
time of the build (all processes; on a shared machine, CPU / workers is what the wall
time would be on idle cores).
Targets: plans built in under 30 s, documents at 200 or more per second, on a 2-core
machine.

Run:  .venv/bin/python benchmarks/plans_scale.py [--learners 10000] [--capabilities 40]
          [--activities 300] [--workers 2] [--sample 300] [--max-goals 3] [--serial]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _common import table

RESULTS = Path(__file__).parent / "results"
LEGACY_HIGHS_OPTIONS = {"mip_rel_gap": 0.0, "time_limit": 60.0, "presolve": True}
"""The HiGHS options of build_plans before the scale work (HiGHS's default search)."""


def generate(folder: Path, learners: int, capabilities: int, activities: int) -> None:
    """Write model.yaml, catalog.yaml and people.csv of the synthetic inputs (seed 0)."""
    from ldkit.plans.synthetic import make_plan_inputs

    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    inputs = make_plan_inputs(learners, n_capabilities=capabilities,
                              n_activities=activities, seed=0)
    inputs.model.to_yaml(folder / "model.yaml")
    inputs.catalog.to_yaml(folder / "catalog.yaml")
    inputs.people.to_csv(folder / "people.csv", index=False)
    print(f"generated {inputs} in {time.perf_counter() - start:.1f} s")


def profiles(goals) -> int:
    """Distinct learner profiles of a plan set: goal capabilities, current levels and
    priorities relative to the learner's smallest (what one integer program solves)."""
    import numpy as np

    level = np.floor(goals["current"].to_numpy() + 1e-9).clip(1)
    unit = goals.groupby("learner", sort=False)["priority"].transform("min")
    key = (goals["capability"].astype(str) + ":" + level.astype(int).astype(str) + ":"
           + (goals["priority"] / unit).round(9).astype(str))
    return key.groupby(goals["learner"], sort=False).agg("|".join).nunique()


def child(folder: Path, workers: int, sample: int, legacy: bool, max_goals: int,
          documents: int = 0) -> None:
    """Build the plans (of the first ``sample`` learners, if given); print JSON."""
    import resource

    import pandas as pd

    import ldkit.plans.build as build
    from ldkit.capability import read_model
    from ldkit.plans import PlanOptions, build_plans, read_catalog

    model = read_model(folder / "model.yaml")
    catalog = read_catalog(folder / "catalog.yaml")
    people = pd.read_csv(folder / "people.csv", dtype={"person_id": str})
    if sample:
        people = people[people["person_id"].isin(people["person_id"].unique()[:sample])]
    if legacy:
        legacy_solver(build)
    start, cpu = time.perf_counter(), time.process_time()
    plans = build_plans(people, catalog, model, options=PlanOptions(max_goals=max_goals),
                        workers=workers)
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    kids = children.ru_maxrss / 1024
    cpu += children.ru_utime + children.ru_stime
    counts = plans.status["status"].value_counts().to_dict()
    result = {"wall": wall, "cpu": cpu, "rss": own, "worker_rss": kids,
              "learners": len(plans.status), "profiles": profiles(plans.goals),
              "items": len(plans.items), "status": counts}
    if documents:
        result.update(render_documents(plans, model, documents))
        result["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def legacy_solver(build) -> None:
    """Make ``build`` solve as before the scale work: scipy.optimize.milp per program,
    HiGHS's default search."""
    from ldkit.plans import _highs

    build._HIGHS_OPTIONS = dict(LEGACY_HIGHS_OPTIONS)
    build.solve_binary = lambda *args, **kw: _highs.solve_binary(*args, reuse=False)


def check(folder: Path, count: int, max_goals: int) -> None:
    """Solve the first ``count`` distinct profiles both ways; print JSON of the objectives.

    Today's formulation (``_formulate``) solved the way it was before the scale work
    (scipy.optimize.milp, default HiGHS search) against what build_plans runs now.
    """
    import numpy as np
    import pandas as pd

    import ldkit.plans.build as build
    from ldkit.capability import read_model
    from ldkit.plans import PlanOptions, read_catalog
    from ldkit.plans._highs import solve_binary

    model = read_model(folder / "model.yaml")
    catalog = read_catalog(folder / "catalog.yaml")
    people = pd.read_csv(folder / "people.csv", dtype={"person_id": str})
    options = PlanOptions(max_goals=max_goals)
    cat, info = build._Catalog(catalog), build._ModelInfo(model)
    seen, worst, differ, cpu_old, cpu_new = set(), 0.0, 0, 0.0, 0.0
    for _, rows in people.groupby("person_id", sort=False):
        goals = build._learner_goals(
            rows["capability"].tolist(), rows["current"].to_numpy(float),
            rows["gap"].to_numpy(float), rows["required_level"].to_numpy(float),
            rows["weight"].to_numpy(float), None, info, {}, options.max_goals)
        needs = build._needs(goals)
        if not goals or needs in seen:
            continue
        seen.add(needs)
        milp = build._formulate(needs, cat, (), (), options)
        c = -milp.value
        start = time.process_time()
        old = solve_binary(c, milp.lb, milp.ub, milp.a, milp.low, milp.high,
                           LEGACY_HIGHS_OPTIONS, reuse=False)
        cpu_old += time.process_time() - start
        start = time.process_time()
        new = milp.solve()
        cpu_new += time.process_time() - start
        if (old is None) != (new is None):
            raise SystemExit(f"profile {needs}: feasible one way and not the other")
        if old is not None:
            gap = abs(float(c @ np.round(old)) - float(c @ new))
            worst = max(worst, gap)
            differ += not np.array_equal(np.round(old), new)
        if len(seen) >= count:
            break
    print(json.dumps({"profiles": len(seen), "worst": worst, "differ": differ,
                      "cpu_old": cpu_old, "cpu_new": cpu_new}))


def render_documents(plans, model, papermill_sample: int) -> dict:
    """Every learner's HTML document through ldkit, then ``papermill_sample`` of them
    through one papermill run of benchmarks/notebooks/plan_document.ipynb per learner."""
    import tempfile

    out = Path(tempfile.mkdtemp(prefix="ldkit-plan-docs-"))
    try:
        return _time_documents(plans, model, papermill_sample, out)
    finally:
        shutil.rmtree(out, ignore_errors=True)  # 10,000 documents: 180 MB a run


def _time_documents(plans: Any, model: Any, papermill_sample: int, out: Path) -> dict:
    import pickle

    import papermill

    from ldkit.plans import PlanSet, write_plan_documents
    from ldkit.runner import ensure_kernel

    start = time.perf_counter()
    written = write_plan_documents(plans, out / "ldkit", model=model, client="Benchmark",
                                   kinds=["html"])
    docs_wall = time.perf_counter() - start
    kernel = ensure_kernel()
    notebook = Path(__file__).parent / "notebooks" / "plan_document.ipynb"
    sample = plans.status["learner"].tolist()[:papermill_sample]
    inputs = []
    for learner in sample:  # each run reads only its own learner's plan (prepared untimed)
        one = PlanSet(*(getattr(plans, t)[getattr(plans, t)["learner"] == learner]
                        for t in ("goals", "items", "milestones", "status")), plans.options)
        path = out / f"{learner}.pkl"
        path.write_bytes(pickle.dumps((one, model)))
        inputs.append((learner, path))
    start = time.perf_counter()
    for learner, path in inputs:
        papermill.execute_notebook(str(notebook), str(out / f"{learner}.ipynb"),
                                   parameters={"plans_pickle": str(path), "learner": learner,
                                               "out": str(out / f"{learner}.html")},
                                   kernel_name=kernel, progress_bar=False)
    pm_wall = time.perf_counter() - start
    return {"docs": len(written["html"]), "docs_wall": docs_wall,
            "pm_docs": len(inputs), "pm_wall": pm_wall}


def run(folder: Path, workers: int, max_goals: int, sample: int = 0,
        legacy: bool = False, documents: int = 0) -> dict:
    """The child's JSON result, in a fresh process."""
    cmd = [sys.executable, __file__, "--child", str(folder), "--workers", str(workers),
           "--sample", str(sample), "--max-goals", str(max_goals),
           "--documents", str(documents)]
    cmd += ["--legacy"] if legacy else []
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--capabilities", type=int, default=40)
    parser.add_argument("--activities", type=int, default=300)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sample", type=int, default=300,
                        help="learners of the baseline run (extrapolated)")
    parser.add_argument("--max-goals", type=int, default=3,
                        help="PlanOptions.max_goals (default 3, the PlanOptions default)")
    parser.add_argument("--serial", action="store_true",
                        help="also time ldkit in one process on all learners")
    parser.add_argument("--papermill-sample", type=int, default=8,
                        help="documents also rendered by one papermill run per learner")
    parser.add_argument("--documents", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--legacy", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--check", type=int, default=300,
                        help="distinct profiles solved both ways to compare the optimum")
    parser.add_argument("--check-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.check_child:
        check(args.check_child, args.check, args.max_goals)
        return
    if args.child:
        child(args.child, args.workers, args.sample, args.legacy, args.max_goals,
              args.documents)
        return

    folder = RESULTS / f"plans-{args.learners}x{args.capabilities}x{args.activities}"
    if not (folder / "people.csv").exists():
        generate(folder, args.learners, args.capabilities, args.activities)
    print(f"{args.learners:,} learners x {args.capabilities} capabilities x "
          f"{args.activities}-activity catalog, max_goals={args.max_goals} ({folder})")

    proc = subprocess.run([sys.executable, __file__, "--check-child", str(folder), "--check",
                           str(args.check), "--max-goals", str(args.max_goals)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"optimality check failed:\n{proc.stderr}")
    chk = json.loads(proc.stdout.strip().splitlines()[-1])
    base = run(folder, 1, args.max_goals, sample=min(args.sample, args.learners), legacy=True)
    new = run(folder, args.workers, args.max_goals, documents=max(args.papermill_sample, 1))
    per_profile = base["wall"] / max(base["profiles"], 1)
    baseline = per_profile * new["profiles"]
    rows = [("baseline: 1 process, default HiGHS search "
             f"({base['learners']} learners, extrapolated)", new["learners"],
             new["profiles"], f"{baseline:.1f} s", f"{new['learners'] / baseline:,.0f}",
             f"{base['rss']:,.0f} MB", "1.00x")]
    measured = [(f"ldkit: build_plans, workers={args.workers}", new)]
    if args.serial:
        measured.append(("ldkit: build_plans, workers=1", run(folder, 1, args.max_goals)))
    for name, r in measured:
        rss = f"{r['rss']:,.0f} MB" + (f" + {r['worker_rss']:,.0f} MB per worker"
                                         if r["worker_rss"] > 1 else "")
        rows.append((name, r["learners"], r["profiles"], f"{r['wall']:.1f} s",
                     f"{r['learners'] / r['wall']:,.0f}", rss,
                     f"{r['wall'] / baseline:.2f}x"))
    print(table(rows, ("step", "learners", "profiles", "build wall", "plans/s", "peak RSS",
                       "vs baseline")))
    for name, r in measured:
        print(f"{name}: {r['cpu']:.1f} s of CPU ({r['cpu'] / max(r['profiles'], 1) * 1000:.1f} "
              f"ms per profile); on {args.workers} idle cores at best "
              f"{r['cpu'] / args.workers:.1f} s")
    print(f"baseline: {base['wall']:.1f} s for {base['profiles']} profiles of the first "
          f"{base['learners']} learners = {per_profile * 1000:.1f} ms per profile")
    print("plans:", new["status"], f"{new['items']:,} items")
    print(f"optimality: {chk['profiles']} distinct profiles solved with today's formulation "
          f"as before (scipy.optimize.milp, default search: {chk['cpu_old']:.1f} s CPU) and "
          f"as build_plans now ({chk['cpu_new']:.1f} s CPU, "
          f"{chk['cpu_old'] / max(chk['cpu_new'], 1e-9):.1f}x less): largest objective "
          f"difference {chk['worst']:.2g}; {chk['differ']} tie(s) broken the other way")
    if chk["worst"] > 1e-6:
        raise SystemExit("optimality check FAILED: an objective differs from today's")
    print(f"target: plans built in under 30 s ({'ok' if new['wall'] < 30 else 'MISSED'})")
    rate = new["docs"] / new["docs_wall"]
    pm_rate = new["pm_docs"] / new["pm_wall"]
    print(table([
        ("ldkit: write_plan_documents (HTML)", f"{new['docs']:,}", f"{new['docs_wall']:.1f} s",
         f"{rate:,.0f}", f"{rate / pm_rate:,.0f}x"),
        ("baseline: one papermill notebook per learner", new["pm_docs"],
         f"{new['pm_wall']:.1f} s", f"{pm_rate:.2f}", "1.00x"),
    ], ("documents", "count", "wall", "docs/s", "vs papermill")))
    print(f"target: 200 documents per second or more ({'ok' if rate >= 200 else 'MISSED'})")


if __name__ == "__main__":
    main()
