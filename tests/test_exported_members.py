"""The public API is explicit: every name in __all__ exists, and tests import as users do."""

import importlib

import pytest

import ldkit

MODULES = [
    "ldkit", "ldkit.errors", "ldkit.io", "ldkit.cli", "ldkit.demo", "ldkit.capability",
    "ldkit.capability.model", "ldkit.capability.validate", "ldkit.capability.io_yaml",
    "ldkit.capability.io_excel", "ldkit.capability.io_moodle", "ldkit.capability.views",
    "ldkit.capability.scales", "ldkit.capability.library", "ldkit.capability.plot",
    "ldkit.capability.build", "ldkit.capability.files", "ldkit.codebook", "ldkit.datasets",
    "ldkit.survey", "ldkit.survey.layouts", "ldkit.survey.reader", "ldkit.survey.pseudonym",
    "ldkit.survey.quality", "ldkit.needs", "ldkit.needs.gaps", "ldkit.needs.segments",
    "ldkit.needs.agreement", "ldkit.needs.borich", "ldkit.needs.reliability",
    "ldkit.needs.scoring", "ldkit.needs.plots", "ldkit._notebooks", "ldkit.deliverables",
    "ldkit.audit", "ldkit.runner", "ldkit.records", "ldkit.engagement", "ldkit.steps",
    "ldkit.report", "ldkit.check", "ldkit.plans", "ldkit.plans.catalog",
    "ldkit.plans.build", "ldkit.plans.synthetic", "ldkit.plans.cohort",
    "ldkit.plans.documents", "ldkit.plans.step",
    "ldkit.plans.report", "ldkit.plans.plots", "ldkit.xlsx",
    "ldkit.strategy", "ldkit.strategy.goals", "ldkit.strategy.portfolio", "ldkit.strategy.raci",
    "ldkit.strategy.io", "ldkit.strategy.actuals", "ldkit.strategy.tracking",
    "ldkit.strategy.review", "ldkit.strategy.plots", "ldkit.strategy.report",
    "ldkit.strategy.step", "ldkit.strategy.demo",
    "ldkit.roi", "ldkit.roi.costs", "ldkit.roi.benefits", "ldkit.roi.phillips",
    "ldkit.roi.finance", "ldkit.roi.sensitivity", "ldkit.roi.appraisal", "ldkit.roi.model",
    "ldkit.roi.case", "ldkit.roi.plots", "ldkit.roi.step", "ldkit.roi.report", "ldkit.roi.demo",
    "ldkit.evaluation", "ldkit.batch", "ldkit.batch.report", "ldkit.batch.schedule",
    "ldkit.kernels", "ldkit.disclosure", "ldkit.yamlio", "ldkit.tables",
    "ldkit.engagement", "ldkit.engagement.config", "ldkit.engagement.phases",
    "ldkit.engagement.params", "ldkit.engagement.outputs", "ldkit.engagement.run",
    "ldkit.engagement.summary", "ldkit.engagement.audit", "ldkit.engagement.check",
    "ldkit.needs.step", "ldkit.needs.report", "ldkit.capability.step",
    "ldkit.vocabulary", "ldkit.layout",
]


@pytest.mark.parametrize("name", MODULES)
def test_all_names_exist(name):
    module = importlib.import_module(name)
    assert module.__all__, f"{name} has an empty __all__"
    for member in module.__all__:
        assert hasattr(module, member), f"{name}.{member} is in __all__ but missing"


def test_version():
    assert ldkit.__version__.count(".") == 2


def test_unknown_attribute():
    with pytest.raises(AttributeError):
        ldkit.no_such_thing  # noqa: B018
