"""Start-up time of the ldkit command against a bare Python interpreter.

Prints the median wall time of ``ldkit --help`` and ``ldkit --version``, of
``python -c pass`` (the baseline, measured in the same run), the ratio to
the baseline, and the peak memory (max RSS) of each, and a ``target:`` line.
Target: under 0.3 s.

Run:  .venv/bin/python benchmarks/cli_startup.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import median_wall, table

TARGET_S = 0.3


def peak_rss_mb(cmd: list[str]) -> float:
    """Max RSS of one run of ``cmd`` in MB, from that child's own rusage."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    py = sys.executable
    ldkit = [str(Path(py).with_name("ldkit"))]
    cases = {
        "python -c pass (baseline)": [py, "-c", "pass"],
        "ldkit --help": [*ldkit, "--help"],
        "ldkit --version": [*ldkit, "--version"],
    }
    results = {name: median_wall(cmd, repeat=args.repeat) for name, cmd in cases.items()}
    base = results["python -c pass (baseline)"]
    rows = []
    for name, cmd in cases.items():
        t = results[name]
        rows.append((name, f"{t * 1000:.0f} ms", f"{t / base:.1f}x", f"{peak_rss_mb(cmd):.0f} MB",
                     "" if name.startswith("python") else ("ok" if t < TARGET_S else "SLOW")))
    print(table(rows, ("command", "median wall", "vs baseline", "peak RSS", f"< {TARGET_S}s")))
    slowest = max(t for name, t in results.items() if not name.startswith("python"))
    print(f"target: ldkit starts in < {TARGET_S} s "
          f"({'ok' if slowest < TARGET_S else 'MISSED'}: slowest {slowest * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
