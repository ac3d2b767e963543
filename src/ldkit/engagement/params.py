"""The public base of every phase's parameters, and the engagement's folder layout.

Every phase of an engagement (needs analysis, capability model, learning plans,
ROI, strategy, progress, summary) validates its parameters into a subclass of
:class:`PhaseParams`, so the paths are computed in one place::

    data/raw/                       inputs as received (never written)
    data/processed/<phase folder>/  the tables a phase writes
    data/processed/<phase folder>/figures/   its figures
    deliverables/                   client deliverables (a phase owns some of them)

A phase writes only through :attr:`PhaseParams.out`, :attr:`PhaseParams.figures`
and :attr:`PhaseParams.deliverables_dir`; while a phase runs these point into a
staging folder (:mod:`ldkit.engagement.outputs`), and the phase's previous
outputs are replaced as a whole only when it succeeds. Another phase's tables
are read through :meth:`PhaseParams.processed_of` (the registry knows the
folders), never by a literal path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StrictInt

from ldkit.errors import InputError, InputFileNotFoundError, Location

__all__ = ["PhaseParams", "known_kinds", "processed_dir", "save_figure"]


def processed_dir(root: str | Path, phase: str) -> Path:
    """The processed folder of ``phase`` (a registry name) in the engagement ``root``."""
    from ldkit.engagement.phases import get_phase

    return Path(root) / "data" / "processed" / get_phase(phase).processed


class PhaseParams(BaseModel):
    """Parameters every phase has: the client, the engagement folder, the minimum group size.

    ``engagement_dir`` may be relative: it is resolved against the working folder
    of the kernel (the notebook's own folder in JupyterLab, the run folder under
    ``ldkit run``), so an executed copy acts on the engagement it lies in.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    client: str = Field(min_length=1)
    engagement_dir: str = "."
    min_group_size: StrictInt = Field(default=5, ge=1)
    locale: str = "en-GB"

    _stage: Any = PrivateAttr(default=None)
    _phase: str | None = PrivateAttr(default=None)

    @property
    def root(self) -> Path:
        return Path(self.engagement_dir).resolve()

    def path(self, relative: str, *, must_exist: bool = True) -> Path:
        """An input path inside the engagement; a missing input is an error naming it.

        A path that resolves outside the engagement folder (``..``, an absolute path,
        a symbolic link) is an error unless ``engagement.yaml`` says
        ``allow_outside_inputs: true``.
        """
        from ldkit.engagement.config import resolve_input

        p = resolve_input(self.root, relative)
        if must_exist and not p.exists():
            raise InputFileNotFoundError(p, hint="check engagement.yaml 'inputs:' and data/raw/")
        return p

    def shown(self, path: str | Path) -> str:
        """``path`` as outputs record it: relative to the engagement folder when inside
        it (``data/raw/lms.csv``), so outputs do not depend on where the folder lies."""
        resolved = Path(path).resolve()
        try:
            return resolved.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    # -- where this phase writes (staged while it runs) --------------------------------------

    @property
    def phase(self) -> str:
        from ldkit.engagement.phases import phase_of_params

        return self._phase or phase_of_params(type(self)).name

    @property
    def out(self) -> Path:
        """This phase's processed folder (staged while the phase runs)."""
        if self._stage is not None:
            return self._stage.processed
        return processed_dir(self.root, self.phase)

    @property
    def figures(self) -> Path:
        """This phase's figures folder."""
        return self.out / "figures"

    @property
    def deliverables_dir(self) -> Path:
        """Where this phase writes its deliverables (staged while the phase runs)."""
        if self._stage is not None:
            return self._stage.deliverables
        return self.root / "deliverables"

    def processed_of(self, phase: str) -> Path:
        """Another phase's processed folder (as its last successful run left it)."""
        return processed_dir(self.root, phase)

    @property
    def processed(self) -> Path:
        """The engagement's ``data/processed`` folder (read-only use: see :attr:`out`)."""
        return self.root / "data" / "processed"

    def staged(self, stage: Any, phase: str) -> PhaseParams:
        """A copy of these parameters that writes into ``stage``."""
        copy = self.model_copy()
        copy._stage = stage
        copy._phase = phase
        return copy

    def missing_input(self, key: str, what: str) -> InputError:
        return InputError(f"{what} is required: inputs.{key} in engagement.yaml is empty",
                          location=Location(file=str(self.root / "engagement.yaml"),
                                            field=f"inputs.{key}"),
                          hint=f"name the file under inputs: {key}: data/raw/...")


def known_kinds(value: list[str], allowed: tuple[str, ...], what: str) -> list[str]:
    """``value`` when every item is one of ``allowed``; else a ValueError naming the first
    unknown one (pydantic turns it into a located problem)."""
    unknown = [v for v in value if v not in allowed]
    if unknown:
        raise ValueError(f"unknown {what} {unknown[0]!r}; use {' or '.join(allowed)}")
    return value


def save_figure(figure: Any, path: Path) -> Path:
    """Write a matplotlib figure as PNG atomically; return the path."""
    from ldkit.io import atomic_path

    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        figure.savefig(tmp, dpi=150, format="png")
    return path
