"""The live display of a batch on stderr: notebooks done, running, failed, time left."""

from __future__ import annotations

from typing import Any

__all__: list[str] = []  # used by ldkit.batch.schedule


class _BatchProgress:
    """Notebooks done, running and failed, and the time left, on stderr; or nothing."""

    def __init__(self, total: int, *, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled and total > 0
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> _BatchProgress:
        if self.enabled:
            from rich.progress import TextColumn

            from ldkit.runner import progress_bar

            self._bar = progress_bar(TextColumn("{task.fields[left]}"))
            self._bar.__enter__()
            self._task = self._bar.add_task("notebooks", total=self.total, left="")
        return self

    def update(self, done: int, running: int, failed: int, durations: list[float],
               parallel: int) -> None:
        if self._bar is None:
            return
        left = self._bar.tasks[0].total - done
        if durations and left > 0:
            seconds = sum(durations) / len(durations) * left / parallel
            eta = f"about {_span(seconds)} left"
        else:
            eta = "" if left <= 0 else "time left: estimating"
        self._bar.update(self._task, completed=done,
                         description=f"notebooks: {running} running, {failed} failed", left=eta)

    def skip(self, count: int) -> None:
        """Notebooks that will not run after a failure leave the total."""
        if self._bar is not None and count:
            self._bar.update(self._task, total=self._bar.tasks[0].total - count)

    def note(self, text: str) -> None:
        if self._bar is not None:
            self._bar.console.print(text, markup=False, highlight=False)

    def __exit__(self, *exc_info: Any) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc_info)


def _span(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
