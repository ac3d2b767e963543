"""The workbench notebooks as stored: widgets render on opening, opening does not modify them."""

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("0*.ipynb"))
WIDGETS = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"


def _views(nb):
    return [o["data"][WIDGETS]["model_id"] for c in nb.cells if c.cell_type == "code"
            for o in c.outputs if WIDGETS in o.get("data", {})]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_widget_view_has_its_stored_state(path):
    nb = nbformat.read(path, as_version=4)
    views = _views(nb)
    state = nb.metadata.get("widgets", {}).get(STATE, {}).get("state", {})
    assert all(v in state for v in views)  # JupyterLab renders them before the notebook runs
    if path.stem in ("03-learning-plans", "04-roi-explorer", "05-strategy-tracking"):
        assert views, "the explorer's widgets are in the stored outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_kernel_metadata_is_what_jupyter_writes_on_opening(path):
    from jupyter_client.kernelspec import KernelSpecManager

    nb = nbformat.read(path, as_version=4)
    spec = KernelSpecManager().get_kernel_spec("python3")
    assert nb.metadata["kernelspec"] == {"display_name": spec.display_name,
                                         "language": spec.language, "name": "python3"}
    # the kernel's full language_info, as the kernel_info reply gives it
    assert {"codemirror_mode", "file_extension", "mimetype", "name", "nbconvert_exporter",
            "pygments_lexer", "version"} <= set(nb.metadata["language_info"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_stored_traceback(path):
    nb = nbformat.read(path, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if "Traceback" in o.get("text", "")]
