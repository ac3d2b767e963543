"""Re-execute workbench notebooks in place, storing their outputs (for nbval).

Usage::

    python -m ldkit._notebooks notebooks/00-getting-started.ipynb [...]

Each notebook runs with the ``python3`` kernel in its own folder and is written
back with its outputs and the state of its widgets (so that ipywidgets render
when the notebook is opened, before it is run). Cell execution timestamps are
dropped (execution counts are kept); the kernelspec and language_info are kept
as the kernel reports them, which is what Jupyter writes on opening, so opening
a notebook does not mark it modified.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from nbformat import NotebookNode

__all__ = ["KERNEL", "TIMEOUT", "execute_notebook", "main", "normalize"]

KERNEL = "python3"
TIMEOUT = 600  # seconds per cell



def normalize(nb: NotebookNode) -> None:
    """Drop volatile metadata (cell execution times) from a notebook node, in place."""
    for cell in nb.cells:
        cell.metadata.pop("execution", None)


def execute_notebook(path: str | Path, *, timeout: int = TIMEOUT) -> Path:
    """Execute one notebook in its folder and write it back with outputs."""
    import nbformat
    from nbclient import NotebookClient

    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=KERNEL,
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        store_widget_state=True,  # widgets render when the notebook is opened
    )
    client.execute()
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec(KERNEL)  # what Jupyter writes on opening
    nb.metadata["kernelspec"] = {"display_name": spec.display_name, "language": spec.language,
                                 "name": KERNEL}
    normalize(nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Execute every notebook named on the command line; 0 on success."""
    paths = list(sys.argv[1:] if argv is None else argv)
    if not paths:
        print("usage: python -m ldkit._notebooks NOTEBOOK.ipynb [...]", file=sys.stderr)
        return 2
    for name in paths:
        print(f"executing {name}", file=sys.stderr)
        execute_notebook(name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
