"""The one minimum-group-size rule (ldkit.disclosure): each case built by hand, then a property.

An attacker's view is recomputed with plain arithmetic: with a total shown, the
hidden groups of a parent add up to the total minus the shown groups; a single
hidden group (or a hidden lot of fewer than k people) is then recovered.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ldkit.disclosure import (
    COMPLEMENTARY,
    MARKER,
    SUPPRESSED,
    TOTAL,
    TOTAL_LOOKALIKE,
    Disclosure,
    check_min_group_size,
    check_table,
    group_label,
    hidden_mask,
    is_disclosive,
    legend,
    min_group_size_warning,
    suppress,
    suppress_cumulative,
)
from ldkit.errors import ParameterError


def _groups(sizes, *, total=True, label="group"):
    """A table of groups with a count ("applied") and a share, plus an optional total row."""
    rng = np.random.default_rng(1)
    applied = [int(rng.integers(0, s + 1)) for s in sizes]
    rows = [{label: f"g{i}", "n": s, "applied": a, "share": a / s if s else math.nan}
            for i, (s, a) in enumerate(zip(sizes, applied, strict=True))]
    if total:
        rows.append({label: TOTAL, "n": sum(sizes), "applied": sum(applied),
                     "share": sum(applied) / sum(sizes)})
    t = pd.DataFrame(rows)
    flags = [False] * len(sizes) + ([True] if total else [])
    return t, pd.Series(flags)


# --------------------------------------------------------------------------- primary


def test_primary_hides_values_and_the_count_by_default():
    t, flags = _groups([12, 3, 9])
    out = suppress(t, min_group_size=5, values=["applied", "share"], parent=[], total=flags)
    assert out[SUPPRESSED].tolist() == ["", "n < 5", COMPLEMENTARY, ""]
    assert out["share"].isna().tolist() == [False, True, True, False]
    assert out["applied"].isna().tolist() == [False, True, True, False]
    assert out["n"].isna().tolist() == [False, True, True, False]  # counts hidden: safe default
    assert t["n"].tolist() == [12, 3, 9, 24]  # input not modified


def test_show_counts_keeps_the_sizes_of_hidden_groups():
    t, flags = _groups([12, 3, 9])
    out = suppress(t, min_group_size=5, values=["share"], parent=[], total=flags,
                   show_counts=True)
    assert out["n"].tolist() == [12, 3, 9, 24]
    assert out["share"].isna().tolist() == [False, True, True, False]


def test_unrelated_rows_get_primary_suppression_only():
    t = pd.DataFrame({"capability": ["a", "b", "c"], "n": [3, 8, 9], "mean": [1.0, 2.0, 3.0]})
    out = suppress(t, min_group_size=5, values=["mean"])  # parent None: different measures
    assert out[SUPPRESSED].tolist() == ["n < 5", "", ""]


# --------------------------------------------------------------------------- complementary


def test_total_with_one_hidden_group_hides_the_smallest_sibling():
    t, flags = _groups([20, 2, 7, 6])
    out = suppress(t, min_group_size=5, values=["applied"], parent=[], total=flags)
    assert out[SUPPRESSED].tolist() == ["", "n < 5", "", COMPLEMENTARY, ""]
    # the attacker: total minus the shown groups is the hidden pair, 8 people
    shown = out.loc[[0, 2], "applied"].sum()
    assert out.loc[4, "applied"] - shown == t.loc[[1, 3], "applied"].sum()


def test_two_small_hidden_groups_adding_to_fewer_than_k_hide_a_third():
    t, flags = _groups([1, 2, 10, 30])
    out = suppress(t, min_group_size=5, values=["applied"], parent=[], total=flags)
    assert out[SUPPRESSED].tolist() == ["n < 5", "n < 5", COMPLEMENTARY, "", ""]


def test_siblings_without_a_total_row_are_protected_too():
    """The parent's total is usually shown in another table (segments 'All', evaluation)."""
    t, _ = _groups([9, 3, 8], total=False)
    out = suppress(t, min_group_size=5, values=["share"], parent=[])
    assert out[SUPPRESSED].tolist() == ["", "n < 5", COMPLEMENTARY]


def test_people_in_no_group_count_as_a_hidden_group():
    # total 20, groups 8 + 9: three people without a group value, recoverable from the total
    t = pd.DataFrame({"g": ["a", "b", TOTAL], "n": [8, 9, 20], "applied": [4, 5, 12]})
    out = suppress(t, min_group_size=5, values=["applied"], parent=[],
                   total=[False, False, True])
    assert out[SUPPRESSED].tolist() == [COMPLEMENTARY, "", ""]  # the smaller of 8 and 9
    # with a large remainder nothing more is needed
    t2 = pd.DataFrame({"g": ["a", "b", TOTAL], "n": [8, 3, 20], "applied": [4, 1, 12]})
    out2 = suppress(t2, min_group_size=5, values=["applied"], parent=[],
                    total=[False, False, True])
    assert out2[SUPPRESSED].tolist() == ["", "n < 5", ""]


def test_one_group_and_its_total_hides_the_total():
    t = pd.DataFrame({"g": ["a", "b", TOTAL], "n": [3, 0, 3], "applied": [1, 0, 1]})
    out = suppress(t, min_group_size=5, values=["applied"], parent=[],
                   total=[False, False, True])
    assert out["applied"].isna().tolist() == [True, True, True]  # the total is small too


def test_only_sibling_left_is_the_total_hidden_complementary():
    # one group of 3 hidden, the other group empty, total 9 (6 people in no group): the
    # hidden group plus the remainder make 9 people in two groups, so nothing else to hide
    t = pd.DataFrame({"g": ["a", "b", TOTAL], "n": [3, 0, 9], "applied": [1, 0, 5]})
    out = suppress(t, min_group_size=5, values=["applied"], parent=[],
                   total=[False, False, True])
    assert out[SUPPRESSED].tolist() == ["n < 5", "n < 5", ""]
    # total 4 over a single group of 3 and one of 0: the total is small itself
    t2 = pd.DataFrame({"g": ["a", "b", TOTAL], "n": [3, 0, 4], "applied": [1, 0, 2]})
    out2 = suppress(t2, min_group_size=5, values=["applied"], parent=[],
                    total=[False, False, True])
    assert out2["applied"].isna().all()


def test_no_primary_no_complementary():
    t, flags = _groups([5, 6, 7])
    out = suppress(t, min_group_size=5, values=["applied"], parent=[], total=flags)
    assert (out[SUPPRESSED] == "").all()
    assert out["n"].tolist() == [5, 6, 7, 18]


def test_group_literally_named_all_is_not_the_total():
    # a region called "All" (n 3) beside the real total; flags, not labels, say which is which
    t = pd.DataFrame({"region": ["All", "EU", "US", "All"], "n": [3, 9, 12, 24],
                      "mean": [1.0, 2.0, 3.0, 2.5]})
    out = suppress(t, min_group_size=5, values=["mean"], parent=[],
                   total=[False, False, False, True])
    assert out[SUPPRESSED].tolist() == ["n < 5", COMPLEMENTARY, "", ""]
    assert out.loc[3, "mean"] == 2.5  # the total stays
    assert group_label("All") == TOTAL_LOOKALIKE != TOTAL
    assert group_label("EU") == "EU"
    assert not is_disclosive(out, min_group_size=5, values=["mean"], parent=[],
                             total=[False, False, False, True])


def test_two_dimensional_role_by_capability_table():
    """Roles x capabilities: each capability's roles are siblings; the same role goes."""
    roles = {"kam": 12, "msl": 3, "rep": 8, "mgr": 15}
    rows = [{"capability": c, "role": r, "n": n, "mean_gap": 0.1 * n + j}
            for j, c in enumerate(["ap", "neg", "data"]) for r, n in roles.items()]
    t = pd.DataFrame(rows)
    out = suppress(t, min_group_size=5, values=["mean_gap"], parent=["capability"])
    for _, sub in out.groupby("capability"):
        assert dict(zip(sub["role"], sub[SUPPRESSED], strict=True)) == {
            "kam": "", "msl": "n < 5", "rep": COMPLEMENTARY, "mgr": ""}
    assert not is_disclosive(out, min_group_size=5, values=["mean_gap"], parent=["capability"])
    # without the complementary cell the audit finds it
    bare = t.assign(mean_gap=t["mean_gap"].where(t["n"] >= 5))
    found = check_table(bare, min_group_size=5, values=["mean_gap"], parent=["capability"])
    assert [f.rule for f in found] == ["recoverable"] * 3


def test_a_prior_marker_is_kept_and_protected():
    t = pd.DataFrame({"g": ["a", "b", "c"], "n": [9, 8, 7], "m": [1.0, 2.0, 3.0],
                      SUPPRESSED: ["", "hidden earlier", ""]})
    out = suppress(t, min_group_size=5, values=["m"], parent=[])
    assert out[SUPPRESSED].tolist() == ["", "hidden earlier", COMPLEMENTARY]
    assert hidden_mask(out).tolist() == [False, True, True]


# --------------------------------------------------------------------------- the audit predicate


def test_check_table_finds_a_small_group_shown():
    t = pd.DataFrame({"g": ["a", "b"], "n": [3, 9], "mean": [1.0, 2.0]})
    found = check_table(t, min_group_size=5)
    assert [(f.row, f.column, f.rule) for f in found] == [(0, "mean", "small group")]
    assert is_disclosive(t, min_group_size=5)
    assert "n = 3" in str(found[0])


def test_check_table_finds_the_application_rates_bug():
    """Issue 12: one group hidden, "All" and the others shown: All minus the rest."""
    t = pd.DataFrame({"group": ["kam", "msl", "rep", TOTAL], "n": [12, 3, 9, 24],
                      "applied_count": [6, pd.NA, 4, 11], "share_applied": [0.5, None, 0.44, 0.46]})
    found = check_table(t, min_group_size=5, values=["applied_count", "share_applied"],
                        parent=[], total=[False, False, False, True])
    assert [f.rule for f in found] == ["recoverable"]


def test_check_table_reads_rendered_markers():
    t = pd.DataFrame({"g": ["a", "b", "c"], "n": ["", "", "12"],
                      "mean": [MARKER, MARKER, "2.0"]})
    assert check_table(t, min_group_size=5, values=["mean"], parent=[]) == []
    t2 = pd.DataFrame({"g": ["a", "b"], "n": ["3", "12"], "mean": ["1.5", "2.0"]})
    assert is_disclosive(t2, min_group_size=5, values=["mean"])


def test_legend_and_markers():
    assert legend(5).startswith(f"{MARKER} : hidden, fewer than 5 respondents")
    assert "group size not shown" in legend(5)
    assert "group size" not in legend(5, counts_hidden=False)
    assert "worked out from the total" in Disclosure(4).legend()
    # a CSV round trip turns "" into NaN: still read as shown
    t = pd.DataFrame({SUPPRESSED: [np.nan, "n < 5", "complementary", ""]})
    assert hidden_mask(t).tolist() == [False, True, True, False]


# --------------------------------------------------------------------------- cumulative


def test_cumulative_snapshots_reveal_no_increment():
    t = pd.DataFrame({"program": ["p"] * 5 + ["q"] * 2, "month": [1, 2, 3, 4, 5, 1, 2],
                      "n": [2, 5, 7, 7, 11, 5, 6], "rate": [0.5] * 7})
    out = suppress_cumulative(t, values=["rate"], series=["program"], order="month")
    shown = out["rate"].notna().tolist()
    # p: 11 shown; 7 would reveal the last 4; 5 is 6 fewer, shown; 2 is small. q: 6, not 5
    assert shown == [False, True, False, False, True, False, True]
    assert out["n"].isna().tolist() == [not s for s in shown]
    assert t["n"][out["rate"].notna()].tolist() == [5, 11, 6]


# --------------------------------------------------------------------------- parameters


@pytest.mark.parametrize("bad", [True, False, 5.5, 5.0, "5", None, 0, -3])
def test_min_group_size_must_be_a_whole_number(bad):
    with pytest.raises(ParameterError, match="min_group_size"):
        check_min_group_size(bad)


def test_min_group_size_accepts_whole_numbers_and_warns_below_three():
    assert check_min_group_size(5) == 5
    assert check_min_group_size(np.int64(4)) == 4
    assert min_group_size_warning(3) is None
    assert "min_group_size is 2" in min_group_size_warning(2)
    assert "min_group_size is 1" in min_group_size_warning(1)
    with pytest.raises(ParameterError):
        Disclosure(min_group_size=True)


# --------------------------------------------------------------------------- property


@settings(max_examples=300, deadline=None)
@given(sizes=st.lists(st.integers(0, 30), min_size=1, max_size=7),
       extra=st.integers(0, 8), k=st.integers(2, 10), seed=st.integers(0, 10_000))
def test_property_no_hidden_value_recoverable(sizes, extra, k, seed):
    rng = np.random.default_rng(seed)
    applied = [int(rng.integers(0, s + 1)) for s in sizes]
    total_n = sum(sizes) + extra  # ``extra`` people have no group value
    total_applied = sum(applied) + int(rng.integers(0, extra + 1))
    t = pd.DataFrame({"g": [*(f"g{i}" for i in range(len(sizes))), TOTAL],
                      "n": [*sizes, total_n], "applied": [*applied, total_applied]})
    flags = [False] * len(sizes) + [True]
    out = suppress(t, min_group_size=k, values=["applied"], parent=[], total=flags)
    total_shown = not pd.isna(out.iloc[-1]["applied"])
    if total_n < k:
        assert not total_shown
    if any(0 < s < k for s in sizes) or 0 < extra < k:
        hidden = [i for i, s in enumerate(sizes) if s > 0 and pd.isna(out.loc[i, "applied"])]
        unknown = len(hidden) + (1 if extra > 0 else 0)
        if total_shown:
            assert unknown >= 2, (sizes, extra, k, out)
            assert sum(sizes[i] for i in hidden) + extra >= k
    for i, s in enumerate(sizes):
        if not pd.isna(out.loc[i, "applied"]):
            assert s >= k
    assert not is_disclosive(out.assign(n=t["n"]), min_group_size=k, values=["applied"],
                             parent=[], total=flags)


@settings(max_examples=150, deadline=None)
@given(roles=st.lists(st.integers(1, 20), min_size=2, max_size=6),
       drop=st.lists(st.integers(0, 3), min_size=3, max_size=3), k=st.integers(3, 8))
def test_property_two_dimensional(roles, drop, k):
    """Role x capability with per-capability sizes (some answers missing) and no total row."""
    rows = []
    for c, d in zip(["a", "b", "c"], drop, strict=True):
        for j, n in enumerate(roles):
            m = max(n - (d if j == 0 else 0), 0)
            rows.append({"capability": c, "role": f"r{j}", "n": m, "mean": float(m)})
    t = pd.DataFrame(rows)
    out = suppress(t, min_group_size=k, values=["mean"], parent=["capability"])
    for _, sub in out.assign(n0=t["n"]).groupby("capability"):
        hidden = sub[sub["mean"].isna() & (sub["n0"] > 0)]
        assert (sub.loc[sub["mean"].notna(), "n0"] >= k).all()
        if len(hidden):
            assert (len(hidden) >= 2 and hidden["n0"].sum() >= k) or \
                len(hidden) == (sub["n0"] > 0).sum()


def test_check_table_reads_a_rendered_table_on_its_own():
    """The audit's view: text cells, a total row, a group named "All (group)"."""
    leak = pd.DataFrame({"capability": ["AP"] * 4, "region": ["All (group)", "EU", "US", "All"],
                         "n": ["3", "9", "12", "24"], "mean gap": [MARKER, "1.20", "0.90", "1.0"]})
    found = check_table(leak, min_group_size=5, parent="auto")
    assert [(f.row, f.rule) for f in found] == [(0, "recoverable")]
    fixed = leak.assign(**{"mean gap": [MARKER, MARKER, "0.90", "1.0"], "n": ["", "", "12", "24"]})
    assert check_table(fixed, min_group_size=5, parent="auto") == []
    shown = leak.assign(**{"mean gap": ["40%", "1.20", "0.90", "1.0"]})
    assert [f.rule for f in check_table(shown, min_group_size=5, parent="auto")] == [
        "small group"]
