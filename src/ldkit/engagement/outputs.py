"""Each phase owns its outputs: staged while it runs, replaced as a whole when it succeeds.

A phase writes its processed folder (tables and figures) and its deliverables
into a staging folder beside the real ones. When the step returns in scope,
:meth:`Stage.commit` swaps them in: the phase's previous processed folder and
every deliverable it owns (by the registry's patterns) are removed, the new
ones moved into place. So nothing stale survives a rerun (a segment no longer
asked for, the plan of a person no longer planned), other phases' outputs are
never touched, a failing step leaves the last good outputs, and a phase out
of scope writes and deletes nothing.

Staging folders and temporary files of a run that was killed are removed by
:func:`remove_leftovers` at the start of the next run.
"""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Stage", "owned_deliverables", "phase_step", "remove_leftovers", "staged_outputs"]

_STAGE_PREFIX = ".stage-"


@dataclass
class Stage:
    """The staging folders of one phase run."""

    root: Path
    phase: str
    processed: Path
    deliverables: Path

    def commit(self) -> list[Path]:
        """Replace the phase's outputs by the staged ones; return what now exists."""
        from ldkit.engagement.phases import get_phase

        phase = get_phase(self.phase)
        final = self.root / "data" / "processed" / phase.processed
        written: list[Path] = []
        _replace_dir(self.processed, final)
        deliverables = self.root / "deliverables"
        owned = owned_deliverables(self.root, self.phase)
        staged = sorted(self.deliverables.iterdir()) if self.deliverables.is_dir() else []
        if staged or owned:
            deliverables.mkdir(parents=True, exist_ok=True)
        new_names = {p.name for p in staged}
        for old in owned:
            if old.name not in new_names:
                _remove(old)
        for item in staged:
            target = deliverables / item.name
            if item.is_dir():
                _replace_dir(item, target)
            else:
                os.replace(item, target)
            written.append(target)
        self.discard()
        return written

    def discard(self) -> None:
        """Remove the staging folders (nothing of the phase's real outputs changes)."""
        for folder in (self.processed, self.deliverables):
            if folder.exists():
                shutil.rmtree(folder, ignore_errors=True)


def owned_deliverables(root: str | Path, phase: str) -> list[Path]:
    """The deliverables (files and folders under ``deliverables/``) that ``phase`` owns."""
    from ldkit.engagement.phases import get_phase

    root = Path(root)
    folder = root / "deliverables"
    if not folder.is_dir():
        return []
    patterns = [p.format(stem=root.resolve().name) for p in get_phase(phase).deliverables]
    return sorted(p for p in folder.iterdir()
                  if not p.name.startswith(".") and any(fnmatch.fnmatch(p.name, pat)
                                                        for pat in patterns))


def _replace_dir(new: Path, target: Path) -> None:
    """Move folder ``new`` to ``target``, replacing what was there."""
    target.parent.mkdir(parents=True, exist_ok=True)
    trash = None
    if target.exists():
        trash = target.with_name(f"{_STAGE_PREFIX}old-{target.name}-{secrets.token_hex(4)}")
        os.replace(target, trash)
    if new.exists():
        os.replace(new, target)
    if trash is not None:
        _remove(trash)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink()


@contextlib.contextmanager
def staged_outputs(root: str | Path, phase: str) -> Iterator[Stage]:
    """Staging folders for ``phase``; discarded if the block raises (commit is explicit)."""
    from ldkit.engagement.phases import get_phase

    root = Path(root).resolve()
    info = get_phase(phase)
    token = secrets.token_hex(4)
    processed = root / "data" / "processed" / f"{_STAGE_PREFIX}{info.processed}-{token}"
    deliverables = root / "deliverables" / f"{_STAGE_PREFIX}{phase}-{token}"
    created = [p for p in (root / "data", root / "data" / "processed", root / "deliverables")
               if not p.exists()]
    processed.mkdir(parents=True)
    deliverables.mkdir(parents=True)
    stage = Stage(root, phase, processed, deliverables)
    try:
        yield stage
    finally:
        stage.discard()
        for folder in reversed(created):  # out of scope: not even an empty folder is left
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()


def _in_scope(result: Any) -> bool:
    """A step result says whether its phase was in scope (``in_scope`` or ``empty``)."""
    if hasattr(result, "in_scope"):
        return bool(result.in_scope)
    if hasattr(result, "empty"):
        return not bool(result.empty)
    return True


def phase_step(phase: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a step function ``f(params)`` so that its phase owns its outputs.

    The step runs with parameters that write into a staging folder; when it
    returns in scope, its outputs replace the previous ones as a whole; when it
    is out of scope or raises, nothing changes.
    """

    def decorate(step: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(step)
        def run(params: Any, *args: Any, **kwargs: Any) -> Any:
            if getattr(params, "_stage", None) is not None:  # already staged by a caller
                return step(params, *args, **kwargs)
            with staged_outputs(params.root, phase) as stage:
                result = step(params.staged(stage, phase), *args, **kwargs)
                if _in_scope(result):
                    stage.commit()
                    result = _restage(result, stage, params.root, phase)
            return result

        return run

    return decorate


def _restage(result: Any, stage: Stage, root: Path, phase: str) -> Any:
    """The result with its paths moved from the staging folders to their final places."""
    import dataclasses

    from ldkit.engagement.phases import get_phase

    final_processed = root / "data" / "processed" / get_phase(phase).processed
    final_deliverables = root / "deliverables"

    def move(value: Any) -> Any:
        if isinstance(value, Path):
            for old, new in ((stage.processed, final_processed),
                             (stage.deliverables, final_deliverables)):
                with contextlib.suppress(ValueError):
                    return new / value.relative_to(old)
            return value
        if isinstance(value, dict):
            return {k: move(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(move(v) for v in value)
        return value

    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        changes = {f.name: move(getattr(result, f.name)) for f in dataclasses.fields(result)
                   if f.init}
        return dataclasses.replace(result, **changes)
    return move(result)


def remove_leftovers(root: str | Path) -> list[Path]:
    """Remove staging folders and temporary files a killed run left; return them."""
    root = Path(root)
    removed = []
    for base in (root / "data" / "processed", root / "deliverables"):
        if not base.is_dir():
            continue
        for path in list(base.rglob(f"{_STAGE_PREFIX}*")):
            if path.exists() or path.is_symlink():
                _remove(path)
                removed.append(path)
        for path in list(base.rglob(".*.tmp")):
            if path.exists():
                _remove(path)
                removed.append(path)
    return removed
