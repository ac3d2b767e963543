"""Demo time: ``ldkit demo`` against a plain papermill loop over the same notebooks.

Both build the same Demo Bio engagement (the starter capability models, the
synthetic survey exports, the follow-up wave and LMS completions) and then run
its seven notebooks (needs, capability model, plans, ROI, strategy, progress,
executive summary), each command a fresh process, timed in this same run:

- baseline: a Python process that writes the starter models and makes the
  engagement (``ldkit.demo.make_demo_engagement``), then a bash loop of
  ``papermill NB OUT -k <ldkit kernel> --cwd RUN -p engagement_dir ../.. -p run_dir .``,
  one notebook after the other (the notebooks as a consultant would run them by hand);
- ``ldkit demo``: the same, as the command a new user runs first.

Prints the wall time, the CPU time (the process and its children), the peak
memory (max RSS of the largest process) and the ratio to the loop of each, and the
load average (other processes slow both rows alike). Target: ``ldkit demo`` under
30 s on a 2-core machine.

Run:  .venv/bin/python benchmarks/demo_time.py
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

TARGET_S = 30.0

MAKE = """\
import sys
from pathlib import Path
from ldkit.demo import make_demo_engagement, write_starter_models

out = Path(sys.argv[1])
write_starter_models(out / "capability-models")
make_demo_engagement(out)
"""


def measure(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """(wall s, CPU s of the process and its children, peak RSS MB of the largest one)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    assert proc.stderr is not None
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{shlex.join(cmd[:3])} ... failed ({code}): {err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def loop_script(base: Path, kernel: str) -> str:
    """Make the engagement, then one papermill command per notebook, in order."""
    from ldkit.engagement.run import engagement_notebooks

    out = base / "loop"
    probe = base / "probe"  # the notebooks the template gives, to write the loop
    subprocess.run([sys.executable, "-c", "import sys; from ldkit.engagement import "
                    "new_engagement; new_engagement('Demo Bio', folder=sys.argv[1], "
                    "engagement_id='demo-bio')", str(probe)], check=True)
    names = [p.name for p in engagement_notebooks(probe / "demo-bio")]
    shutil.rmtree(probe)
    root = out / "demo-bio"
    run = root / "runs" / "loop"
    papermill = str(Path(sys.executable).with_name("papermill"))
    lines = ["set -e", shlex.join([sys.executable, "-c", MAKE, str(out)]),
             f"mkdir -p {shlex.quote(str(run))}"]
    for name in names:
        lines.append(shlex.join([papermill, str(root / "notebooks" / name), str(run / name),
                                 "-k", kernel, "--cwd", str(run), "--no-progress-bar",
                                 "-p", "engagement_dir", "../..", "-p", "run_dir", "."]))
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="write the outputs here and keep them")
    args = parser.parse_args()
    from ldkit.runner import ensure_kernel

    base = args.keep or Path(tempfile.mkdtemp(prefix="ldkit-demo-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    # one pseudonymization secret for both, as one consultant's machine would have
    env = {**os.environ, "LDKIT_SECRET": os.environ.get("LDKIT_SECRET", "demo-bench")}
    try:
        script = base / "loop.sh"
        script.write_text(loop_script(base, ensure_kernel()))
        ldkit = str(Path(sys.executable).with_name("ldkit"))
        print(f"{os.cpu_count()} CPUs; load average before: "
              + " ".join(f"{x:.1f}" for x in os.getloadavg()), flush=True)
        cases = {
            "papermill loop (baseline)": ["bash", str(script)],
            "ldkit demo": [ldkit, "demo", "--out", str(base / "demo")],
        }
        results = {}
        for name, cmd in cases.items():
            results[name] = measure(cmd, env)
            print(f"  {name}: {results[name][0]:.1f} s", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    loop = results["papermill loop (baseline)"][0]
    rows = [(name, f"{wall:.1f} s", f"{cpu:.1f} s", f"{rss:.0f} MB", f"{wall / loop:.2f}x",
             "" if "baseline" in name else ("ok" if wall < TARGET_S else "SLOW"))
            for name, (wall, cpu, rss) in results.items()]
    print(table(rows, ("run", "wall", "CPU", "peak RSS", "vs loop", f"< {TARGET_S:g} s")))
    print("load average after: " + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    demo = results["ldkit demo"][0]
    print(f"target: ldkit demo < {TARGET_S:g} s ({'ok' if demo < TARGET_S else 'MISSED'}: "
          f"{demo:.1f} s, {loop / demo:.1f}x faster than the loop)")


if __name__ == "__main__":
    main()
