"""Shared helpers of the benchmark scripts: timing and reporting."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Sequence


def median_wall(cmd: Sequence[str], *, repeat: int = 15, warmup: int = 2) -> float:
    """Median wall time in seconds of running ``cmd`` to completion."""
    for _ in range(warmup):
        subprocess.run(cmd, check=True, capture_output=True)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def table(rows: list[tuple], header: tuple) -> str:
    """A plain fixed-width table."""
    cells = [tuple(str(c) for c in header)] + [tuple(str(c) for c in r) for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
