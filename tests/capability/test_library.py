"""The starter library shipped in the package."""

from __future__ import annotations

import pytest

from ldkit.capability import starter, starters
from ldkit.errors import ParameterError


def test_starter_names():
    assert starters() == ["digital-learning", "medical-affairs", "pharma-commercial"]


def test_digital_learning_roles_and_capabilities():
    m = starter("digital-learning")
    names = {r.name for r in m.roles}
    assert {"Digital Learning Strategist", "Digital Learning Project Manager",
            "LMS Administrator", "Learning Product Manager", "Performance Consultant",
            "Learning Experience Designer", "Learning Data Analyst", "Community Manager",
            "Content Producer"} <= names
    assert {"needs_analysis", "program_design", "platform_evaluation", "change_management",
            "business_case_analysis", "vendor_management", "rfp_technical_specification",
            "user_experience_analysis", "project_management", "lms_administration",
            "product_management", "data_analytics", "community_social_design",
            "content_production"} <= set(m.capability_ids)


def test_pharma_and_medical():
    pharma = starter("pharma-commercial")
    assert {"sales_representative", "key_account_manager", "cell_therapy_account_manager",
            "first_line_sales_manager"} <= set(pharma.role_ids)
    assert {"executive_presence", "scientific_clinical_acumen", "account_planning",
            "customer_engagement", "compliance"} <= set(pharma.capability_ids)
    # a KAM plans accounts at a higher level than a representative
    assert (pharma.role("key_account_manager").requirement("account_planning").level
            > pharma.role("sales_representative").requirement("account_planning").level)
    assert "medical_science_liaison" in starter("medical-affairs").role_ids


@pytest.mark.parametrize("name", ["digital-learning", "medical-affairs", "pharma-commercial"])
def test_one_indicator_per_level(name):
    m = starter(name)
    for c in m.capabilities:
        assert sorted(c.indicators) == m.scale_of(c.id).values, c.id
        assert all(len(text.split()) >= 6 for text in c.indicators.values()), c.id


def test_unknown_starter():
    with pytest.raises(ParameterError, match="'digital-learning', 'medical-affairs'"):
        starter("oncology")
