"""Shared fixtures: small models built in code, and the packaged starters."""

from __future__ import annotations

import copy

import pytest

from ldkit.capability import CapabilityModel, starter

SMALL = {
    "id": "acme",
    "name": "Acme field force",
    "version": "2.1",
    "description": "A small model for tests.",
    "default_scale": "p4",
    "scales": [
        {"id": "p4", "name": "Four levels", "proficient": 3, "levels": [
            {"value": 1, "label": "Foundational", "description": "Learns"},
            {"value": 2, "label": "Intermediate", "description": "Does"},
            {"value": 3, "label": "Advanced", "description": "Leads"},
            {"value": 4, "label": "Expert", "description": "Shapes"},
        ]},
        {"id": "yn", "name": "Two levels", "proficient": 2, "levels": [
            {"value": 1, "label": "Not yet", "description": ""},
            {"value": 2, "label": "Competent", "description": ""},
        ]},
    ],
    "domains": [
        {"id": "customer", "name": "Customer", "description": "Customers"},
        {"id": "science", "name": "Science", "description": ""},
    ],
    "capabilities": [
        {"id": "account_planning", "name": "Account planning", "domain": "customer",
         "definition": "Plans accounts.",
         "indicators": {1: "Follows a plan", 2: "Writes a plan", 3: "Plans complex accounts",
                        4: "Sets the planning standard"}},
        {"id": "clinical_acumen", "name": "Clinical acumen", "domain": "science",
         "definition": "Knows the data.",
         "indicators": {1: "Recites key data", 2: "Explains trials", 3: "Debates evidence",
                        4: "Trains others on evidence"}},
        {"id": "compliance", "name": "Compliance", "domain": "customer", "scale": "yn",
         "definition": "Stays on label.",
         "indicators": {1: "Needs reminders", 2: "Promotes on label"}},
    ],
    "roles": [
        {"id": "rep", "name": "Sales Representative", "family": "Commercial",
         "description": "Calls on HCPs.",
         "requires": {"account_planning": {"level": 2, "weight": 2},
                      "clinical_acumen": {"level": 3, "weight": 1},
                      "compliance": {"level": 2, "weight": 3}}},
        {"id": "kam", "name": "Key Account Manager", "family": "Commercial", "description": "",
         "requires": {"account_planning": {"level": 4, "weight": 3},
                      "compliance": {"level": 2, "weight": 3}}},
    ],
}


@pytest.fixture
def small_dict() -> dict:
    """The dictionary layout of a small valid model (a fresh copy per test)."""
    return copy.deepcopy(SMALL)


@pytest.fixture
def small_model(small_dict) -> CapabilityModel:
    return CapabilityModel.from_dict(small_dict)


@pytest.fixture(scope="session")
def pharma() -> CapabilityModel:
    return starter("pharma-commercial")


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """The Demo Bio engagement, scaffolded and run once (real papermill kernels)."""
    from ldkit.demo import make_demo_engagement
    from ldkit.engagement import run_engagement

    root = make_demo_engagement(tmp_path_factory.mktemp("engagements"))
    report = run_engagement(root, progress=False)
    return root, report


@pytest.fixture
def cli(capsys):
    """Run the ``ldkit`` command in-process: ``cli(*args) -> (exit code, stdout, stderr)``."""
    from ldkit.cli import main

    def run(*args):
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return code, out, err

    return run
