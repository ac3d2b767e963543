"""Matrix, catalogue tables and the diff between two versions of a model."""

from __future__ import annotations

import pandas as pd

from ldkit.capability import CapabilityModel


def test_matrix_groups_capabilities_by_domain(small_model):
    m = small_model.matrix()
    assert list(m.index) == ["rep", "kam"]
    # customer domain first (account_planning, compliance), then science
    assert list(m.columns) == ["account_planning", "compliance", "clinical_acumen"]
    assert str(m.dtypes.iloc[0]) == "Int64"
    assert m.loc["kam"].tolist()[:2] == [4, 2]
    assert pd.isna(m.loc["kam", "clinical_acumen"])


def test_matrix_with_labels(small_model):
    m = small_model.matrix(labels=True)
    assert list(m.index) == ["Sales Representative", "Key Account Manager"]
    assert m.loc["Sales Representative", "Clinical acumen"] == 3


def test_capabilities_and_indicators_tables(small_model):
    caps = small_model.capabilities_table()
    assert caps.set_index("capability").loc["compliance", "scale"] == "yn"
    ind = small_model.indicators_table()
    assert len(ind) == 4 + 4 + 2
    row = ind[(ind.capability == "compliance") & (ind.level == 2)].iloc[0]
    assert (row.label, row.indicator) == ("Competent", "Promotes on label")


def test_diff_of_identical_models_is_empty(small_model):
    assert small_model.diff(small_model).empty


def test_diff_lists_each_change(small_dict, small_model):
    d = small_dict
    d["version"] = "2.2"
    d["scales"][0]["levels"][3]["label"] = "Master"
    d["capabilities"][0]["indicators"][2] = "Drafts a plan"
    d["capabilities"].append({"id": "negotiation", "name": "Negotiation", "domain": "customer",
                              "indicators": {1: "a", 2: "b", 3: "c", 4: "d"}})
    d["roles"][1]["requires"]["account_planning"] = {"level": 3, "weight": 3}
    d["roles"][1]["requires"]["negotiation"] = {"level": 2, "weight": 1}
    del d["roles"][0]["requires"]["clinical_acumen"]
    d["domains"][1]["description"] = "Evidence"
    new = CapabilityModel.from_dict(d)
    got = [tuple(r) for r in small_model.diff(new).itertuples(index=False)]
    assert got == [
        ("changed", "model", "acme", "version", "2.1", "2.2"),
        ("changed", "level", "p4/4", "label/description", ("Expert", "Shapes"),
         ("Master", "Shapes")),
        ("changed", "domain", "science", "description", "", "Evidence"),
        ("added", "capability", "negotiation", None, None, "Negotiation"),
        ("changed", "indicator", "account_planning/2", "text", "Writes a plan", "Drafts a plan"),
        ("changed", "requirement", "kam/account_planning", "level", 4, 3),
        ("added", "requirement", "kam/negotiation", None, None, 2),
        ("removed", "requirement", "rep/clinical_acumen", None, 3, None),
    ]
