"""Bad inputs in bounded time and memory: a far-away used range, an alias bomb, a big CSV.

Each measure runs in a fresh process (wall time and peak RSS of that process):

- ``read_table`` of a 20,000 x 8 workbook whose used range reaches XFD1048576 (one
  formatted empty cell), against the same workbook without it (baseline);
  optionally (``--pandas``) ``pandas.read_excel`` of the far workbook, the reader
  the issue saw end in MemoryError;
- ``load_yaml`` of a "billion laughs" alias bomb (9 levels of 9 aliases), against
  loading a small catalog (baseline);
- ``read_table`` of a 200,000 x 8 CSV, against ``pandas.read_csv(dtype=str)``.

Targets: the far workbook within 1.5x of the baseline and under 500 MB peak; the
alias bomb refused within 2x of the small YAML; the CSV within 5x of pandas.

Run:  .venv/bin/python benchmarks/input_hardening.py [--rows 20000] [--pandas]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import table

READ_TABLE = "import sys; from ldkit.tables import read_table; print(read_table(sys.argv[1]).shape)"
READ_EXCEL = ("import sys, pandas as pd; print(pd.read_excel(sys.argv[1], dtype=str).shape)")
READ_CSV = ("import sys, pandas as pd; "
            "print(pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False).shape)")
LOAD_YAML = ("import sys\nfrom ldkit.yamlio import load_yaml\nfrom ldkit.errors import "
             "InputError\ntry:\n    load_yaml(sys.argv[1]); print('loaded')\n"
             "except InputError as e:\n    print('refused:', e.message[:60])")


def run(code: str, path: Path) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) and output of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=os.environ.copy())
    out = proc.stdout.read().decode(errors="replace").strip().splitlines()
    _, _status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, (out[-1] if out else "")


def workbooks(folder: Path, rows: int) -> tuple[Path, Path]:
    import openpyxl

    paths = []
    for far in (False, True):
        wb = openpyxl.Workbook(write_only=False)
        ws = wb.active
        ws.append([f"col{i}" for i in range(8)])
        for r in range(rows):
            ws.append([f"L{r}", r, r * 0.5, "text", None, r % 7, "x" * 10, r])
        if far:
            ws["XFD1048576"].number_format = "0.00"
        path = folder / ("far.xlsx" if far else "plain.xlsx")
        wb.save(path)
        paths.append(path)
    return paths[0], paths[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--pandas", action="store_true",
                        help="also time pandas.read_excel on the far workbook (slow)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ldkit-bench-"))
    plain, far = workbooks(folder, args.rows)
    bomb = folder / "bomb.yaml"
    bomb.write_text('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi",
                                                                  strict=True)))
    small = folder / "small.yaml"
    small.write_text("activities:\n" + "".join(
        f"  - {{id: a{i}, title: A{i}, hours: {i}}}\n" for i in range(20)))
    big_csv = folder / "big.csv"
    with big_csv.open("w", encoding="utf-8", newline="") as f:
        f.write(",".join(f"col{i}" for i in range(8)) + "\r\n")
        for r in range(200_000):
            f.write(f'L{r},{r},{r * 0.5},text,"a, b",{r % 7},xxxxxxxxxx,{r}\r\n')

    measures = [
        ("xlsx plain: read_table (baseline)", READ_TABLE, plain, None),
        ("xlsx used range to XFD1048576: read_table", READ_TABLE, far, (0, 1.5)),
        ("small YAML: load_yaml (baseline)", LOAD_YAML, small, None),
        ("alias bomb: load_yaml", LOAD_YAML, bomb, (2, 2.0)),
        ("200k-row CSV: pandas.read_csv (baseline)", READ_CSV, big_csv, None),
        ("200k-row CSV: read_table", READ_TABLE, big_csv, (4, 5.0)),
    ]
    if args.pandas:
        measures.append(("xlsx used range to XFD1048576: pandas.read_excel", READ_EXCEL, far,
                         (0, None)))
    results, rows = [], []
    for name, code, path, target in measures:
        wall, peak, out = run(code, path)
        results.append(wall)
        ratio, verdict = "", ""
        if target is not None:
            base = results[target[0]]
            ratio = f"{wall / base:.2f}x"
            if target[1] is not None:
                verdict = "ok" if wall / base <= target[1] else "SLOW"
        rows.append((name, f"{wall:.2f} s", f"{peak:.0f} MB", ratio, verdict, out[:50]))
    print(table(rows, ("measure", "wall", "peak RSS", "vs baseline", "target", "output")))
    print("target: far workbook <= 1.5x plain and < 500 MB; alias bomb <= 2x small YAML; "
          "CSV read_table <= 5x pandas.read_csv")


if __name__ == "__main__":
    main()
