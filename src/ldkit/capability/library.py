"""The starter library: capability models shipped with ldkit."""

from __future__ import annotations

from importlib import resources

from ldkit._params import check_choice
from ldkit.capability.model import CapabilityModel

__all__ = ["starter", "starter_path", "starters"]

_PACKAGE = "ldkit.capability"
_FOLDER = "starter_models"


def starters() -> list[str]:
    """Names of the starter models, e.g. ``['digital-learning', 'medical-affairs', ...]``."""
    folder = resources.files(_PACKAGE).joinpath(_FOLDER)
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir()
                  if p.name.endswith(".yaml"))


def starter_path(name: str):
    """The packaged YAML file of a starter model."""
    check_choice("name", name, starters(), func="starter")
    return resources.files(_PACKAGE).joinpath(_FOLDER, f"{name}.yaml")


def starter(name: str) -> CapabilityModel:
    """A starter capability model by name (see :func:`starters`).

    Examples
    --------
    >>> model = starter("medical-affairs")
    >>> "medical_science_liaison" in model.role_ids
    True
    """
    from ldkit.capability.io_yaml import read_yaml

    with resources.as_file(starter_path(name)) as path:
        return read_yaml(path)
