"""Batch throughput: ``ldkit batch`` against a shell loop of the ``papermill`` command.

Builds (in a temporary folder) 4 synthetic engagements of 6 notebooks each; every
notebook imports pandas, matplotlib and ldkit, reads the engagement's
``data/raw/self.csv`` (2,000 rows), computes Cronbach's alpha and a groupby,
saves a figure and records two results. Then runs the same 24 notebooks, each
command in a fresh process, timed in this same run:

- baseline: a bash loop of ``papermill NB OUT -k <ldkit kernel> --cwd ENG -p ...``,
  one notebook after the other (what a practice scripts by hand);
- ``ldkit batch --workers 2 --kernels fresh``: worker processes, one new kernel
  process per notebook;
- ``ldkit batch --workers 2``: the same, each kernel forked from a warm process
  (on Linux).

Prints the wall time, notebooks per minute, the ratio to the loop, CPU time and
the peak memory (max RSS of the largest process) of each. Target: ``ldkit batch``
at least 4x the loop's notebooks per minute on a 2-core machine, and at least 30% of
the CPU bound below.

CPU bound: the notebooks' own work, measured by executing their code cells in one
warm interpreter (imports done, no kernel, no papermill), summed over the 24 runs
and divided by the 2 workers, is the shortest wall time any 2-worker runner could
reach; the fraction of that bound the batch reaches is printed too. So is the
floor of running each notebook in a kernel of its own: ``ldkit batch`` over the
same notebooks with their work cell emptied (imports kept). Other
processes on the machine slow every row alike: the load average is printed.

Run:  .venv/bin/python benchmarks/batch_throughput.py [--engagements 4] [--notebooks 6]
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import table

IDLE = "ldkit batch, notebooks without their work"
TARGET_RATIO = 4.0
BOUND_TARGET = 0.30
WORKERS = 2

PARAMETERS = """\
client: str = "Client"  # client display name
engagement_dir: str = ".."  # engagement folder
self_survey: str = "data/raw/self.csv"  # the survey export
"""

IMPORTS = """\
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from ldkit import record
from ldkit.needs import cronbach_alpha

root = Path(engagement_dir)
"""

WORK = """\
data = pd.read_csv(root / self_survey)
items = [c for c in data.columns if c.startswith("q")][{first}:{first} + 4]
alpha = cronbach_alpha(data[items]).alpha
means = data.groupby("role")[items].mean()
fig, ax = plt.subplots(figsize=(4, 3))
means.plot.bar(ax=ax)
out = root / "data" / "processed"
out.mkdir(parents=True, exist_ok=True)
fig.savefig(out / "figure-{number}.png", dpi=72)
plt.close(fig)
record("alpha_{number}", round(float(alpha), 4))
record("top_role_{number}", str(means.mean(axis=1).idxmax()))
"""


def make_engagements(base: Path, n_engagements: int, n_notebooks: int, *,
                     work: str = WORK) -> list[Path]:
    """Synthetic engagements: engagement.yaml, notebooks, a 2,000-row survey export each."""
    import nbformat
    import numpy as np
    import pandas as pd
    import yaml

    roots = []
    for e in range(n_engagements):
        root = base / f"client-{e + 1}"
        (root / "notebooks").mkdir(parents=True)
        (root / "data" / "raw").mkdir(parents=True)
        rng = np.random.default_rng(e)
        level = rng.integers(1, 5, size=(2000, 1))
        answers = np.clip(level + rng.integers(-1, 2, size=(2000, 12)), 1, 4)
        frame = pd.DataFrame(answers, columns=[f"q{i + 1}" for i in range(12)])
        frame.insert(0, "role", rng.choice(["rep", "kam", "msl", "manager"], size=2000))
        frame.to_csv(root / "data" / "raw" / "self.csv", index=False)
        (root / "engagement.yaml").write_text(yaml.safe_dump(
            {"client": f"Client {e + 1}", "engagement_id": f"client-{e + 1}"}))
        for n in range(n_notebooks):
            nb = nbformat.v4.new_notebook()
            nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                         "language": "python"}
            params = nbformat.v4.new_code_cell(PARAMETERS)
            params.metadata["tags"] = ["parameters"]
            nb.cells = [nbformat.v4.new_markdown_cell(f"# Step {n + 1}"), params,
                        nbformat.v4.new_code_cell(IMPORTS),
                        nbformat.v4.new_code_cell(work.format(first=n % 8, number=n + 1))]
            nbformat.write(nb, root / "notebooks" / f"{n + 1}-step.ipynb")
        roots.append(root)
    return roots


def loop_script(roots: list[Path], kernel: str, out: Path) -> str:
    """The bash loop: one papermill command per notebook, in order."""
    papermill = str(Path(sys.executable).with_name("papermill"))
    lines = ["set -e"]
    for root in roots:
        for nb in sorted((root / "notebooks").glob("*.ipynb")):
            target = out / root.name / nb.name
            target.parent.mkdir(parents=True, exist_ok=True)
            args = [papermill, str(nb), str(target), "-k", kernel, "--cwd", str(root),
                    "--no-progress-bar", "-p", "client", root.name,
                    "-p", "engagement_dir", str(root), "-p", "self_survey", "data/raw/self.csv"]
            lines.append(shlex.join(args))
    return "\n".join(lines) + "\n"


def measure(cmd: list[str]) -> tuple[float, float, float]:
    """(wall s, CPU s of the process and its children, peak RSS MB of the largest one)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        assert proc.stderr is not None
        raise SystemExit(f"{cmd[0]} ... failed ({code}): {proc.stderr.read().decode()[-2000:]}")
    proc.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def compute_bound(roots: list[Path]) -> float:
    """Seconds of the notebooks' own work: their code cells exec'd in this warm process."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot
    import nbformat
    import pandas  # noqa: F401

    import ldkit.needs
    import ldkit.records  # noqa: F401

    total = 0.0
    for root in roots:
        for path in sorted((root / "notebooks").glob("*.ipynb")):
            cells = [c.source for c in nbformat.read(path, as_version=4).cells
                     if c.cell_type == "code"]
            namespace: dict = {}
            exec(cells[0], namespace)  # the parameters, then the values a run gives
            namespace.update(client=root.name, engagement_dir=str(root))
            start = time.perf_counter()
            for source in cells[1:]:
                exec(source, namespace)
            total += time.perf_counter() - start
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engagements", type=int, default=4)
    parser.add_argument("--notebooks", type=int, default=6)
    parser.add_argument("--keep", type=Path, help="build the engagements here and keep them")
    args = parser.parse_args()
    from ldkit.runner import ensure_kernel

    base = args.keep or Path(tempfile.mkdtemp(prefix="ldkit-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    try:
        roots = make_engagements(base / "engagements", args.engagements, args.notebooks)
        runs = args.engagements * args.notebooks
        kernel = ensure_kernel()
        script = base / "loop.sh"
        script.write_text(loop_script(roots, kernel, base / "loop-out"))
        ldkit = str(Path(sys.executable).with_name("ldkit"))
        batch = [ldkit, "batch", *map(str, roots), "--workers", str(WORKERS),
                 "--out", str(base)]
        print(f"{len(roots)} engagements x {args.notebooks} notebooks = {runs} runs; "
              f"{os.cpu_count()} CPUs; load average before: "
              + " ".join(f"{x:.1f}" for x in os.getloadavg()), flush=True)
        measure(["bash", "-c", script.read_text().splitlines()[1]])  # warm the file cache
        cases = {
            "papermill loop (baseline)": ["bash", str(script)],
            "ldkit batch, fresh kernels": [*batch, "--kernels", "fresh"],
            "ldkit batch": batch,
        }
        idle = make_engagements(base / "idle", args.engagements, args.notebooks, work="pass\n")
        cases[IDLE] = [ldkit, "batch", *map(str, idle), "--workers", str(WORKERS),
                       "--out", str(base)]
        results = {}
        for name, cmd in cases.items():
            results[name] = measure(cmd)
            print(f"  {name}: {results[name][0]:.1f} s", flush=True)
        bound = compute_bound(roots)
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    base_rate = runs / results["papermill loop (baseline)"][0] * 60
    idle_wall = results.pop(IDLE)[0]
    rows = []
    for name, (wall, cpu, rss) in results.items():
        rate = runs / wall * 60
        rows.append((name, f"{wall:.1f} s", f"{rate:.1f}", f"{rate / base_rate:.1f}x",
                     f"{cpu:.1f} s", f"{rss:.0f} MB",
                     "" if "baseline" in name else
                     ("ok" if rate / base_rate >= TARGET_RATIO else "SLOW")))
    print(table(rows, ("runner", "wall", "notebooks/min", "vs loop", "CPU", "peak RSS",
                       f">= {TARGET_RATIO:g}x")))
    bound_wall = bound / WORKERS
    bound_rate = runs / bound_wall * 60
    batch_rate = runs / results["ldkit batch"][0] * 60
    print(f"CPU bound: the notebooks' own work takes {bound:.1f} s in one warm process; "
          f"on {WORKERS} workers at best {bound_wall:.1f} s = {bound_rate:.0f} notebooks/min. "
          f"ldkit batch reaches {batch_rate / bound_rate:.0%} of it "
          f"(the rest is kernel start-up, papermill and the batch's own start).")
    print(f"Floor of a kernel per notebook: the same batch with each notebook's work removed "
          f"(imports kept) takes {idle_wall:.1f} s (the server's imports, then a kernel and "
          f"papermill per notebook); a runner paying that cannot pass "
          f"{bound_wall / (idle_wall + bound_wall):.0%} of the CPU bound.")
    ratio = batch_rate / base_rate
    share = batch_rate / bound_rate
    print(f"target: ldkit batch >= {TARGET_RATIO:g}x the loop "
          f"({'ok' if ratio >= TARGET_RATIO else 'MISSED'}: {ratio:.1f}x), "
          f">= {BOUND_TARGET:.0%} of the CPU bound "
          f"({'ok' if share >= BOUND_TARGET else 'MISSED'}: {share:.0%})")


if __name__ == "__main__":
    main()
