"""Shared fixtures of the plans tests."""

from __future__ import annotations

import pandas as pd
import pytest

from ldkit.capability import CapabilityModel
from ldkit.plans import Activity, Catalog, PlanOptions, build_plans


@pytest.fixture(scope="module")
def small():
    """A one-capability model, a three-activity catalog and the plans of three people."""
    b = CapabilityModel.builder("m")
    b.domain("d", "D")
    b.capability("ap", "Account planning", domain="d",
                 indicators={1: "Follows a plan", 2: "Writes a plan", 3: "Plans complex accounts",
                             4: "Sets the standard"})
    b.role("rep", "Sales Representative", requires={"ap": (3, 2)})
    model = b.build()
    catalog = Catalog((
        Activity("ap-stretch", "Lead an account plan", ("ap",), 1, 3, "experiential",
                 "stretch assignment", 14, 0),
        Activity("ap-coach", "Account plan coaching", ("ap",), 1, 3, "social", "coaching", 4,
                 400),
        Activity("ap-course", "Account planning essentials", ("ap",), 1, 2, "formal",
                 "e-learning course", 2, 100),
    ), name="small")
    people = pd.DataFrame({"person_id": ["p1", "p2", "p3"], "capability": "ap",
                           "required_level": 3, "weight": 2.0, "current": [2.0, 3.0, 1.0],
                           "role": "rep"})
    people["gap"] = people["required_level"] - people["current"]
    tight = PlanOptions(cost_per_person=3000)
    plans = build_plans(people, catalog, model, options=tight)
    return model, plans

