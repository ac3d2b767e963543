"""Gap to requirement per person, then per role and capability (hand-computed numbers)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ldkit.capability import CapabilityModel, ScaleMapping
from ldkit.errors import InputError, ParameterError
from ldkit.needs import gap_table, person_gaps, unmatched_roles


@pytest.fixture
def model() -> CapabilityModel:
    b = CapabilityModel.builder("m")
    b.domain("d", "D")
    for cap in ("ap", "co"):
        b.capability(cap, cap.upper(), domain="d", indicators={i: "x" for i in range(1, 5)})
    b.role("kam", "Key Account Manager", requires={"ap": (4, 3), "co": (3, 2)})
    b.role("rep", "Sales Representative", requires={"ap": (2, 1)})
    return b.build()


def ratings(rows):
    return pd.DataFrame(rows, columns=["person_id", "capability", "dimension", "rater", "value"])


def test_person_gaps_combines_raters(model):
    r = ratings([
        ("p1", "ap", "proficiency", "self", 3), ("p1", "ap", "proficiency", "manager", 2),
        ("p1", "ap", "importance", "self", 5), ("p1", "co", "proficiency", "self", 3),
        ("p2", "ap", "proficiency", "manager", 3),
    ])
    people = pd.DataFrame({"person_id": ["p1", "p2"], "role": ["Key Account Manager", "rep"]})
    g = person_gaps(r, people, model).set_index(["person_id", "capability"])
    p1 = g.loc[("p1", "ap")]
    # current = (3 + 2) / 2 = 2.5; gap = 4 - 2.5 = 1.5
    assert (p1.role, p1.required_level, p1.weight, p1.current, p1.gap, p1.below) == (
        "kam", 4, 3.0, 2.5, 1.5, True)
    assert (p1.self, p1.manager, p1.importance) == (3, 2, 5)
    assert np.isnan(p1.peer)
    co = g.loc[("p1", "co")]
    assert (co.current, co.gap, co.below) == (3, 0, False)
    p2 = g.loc[("p2", "ap")]  # role given by id; only the manager rated
    assert (p2.role, p2.current, p2.gap, p2.below) == ("rep", 3, -1, False)


def test_rater_weights(model):
    r = ratings([("p1", "ap", "proficiency", "self", 4), ("p1", "ap", "proficiency", "manager", 1)])
    people = pd.DataFrame({"person_id": ["p1"], "role": ["kam"]})
    g = person_gaps(r, people, model, rater_weights={"self": 1, "manager": 2})
    assert g.loc[g.capability == "ap", "current"].item() == 2.0  # (4 + 2*1) / 3
    g = person_gaps(r, people, model, rater_weights={"self": 0, "manager": 1})
    assert g.loc[g.capability == "ap", "current"].item() == 1.0


def test_scale_map_puts_a_five_point_survey_on_the_model_scale(model):
    r = ratings([("p1", "ap", "proficiency", "self", 5)])
    people = pd.DataFrame({"person_id": ["p1"], "role": ["kam"]})
    g = person_gaps(r, people, model, scale_map=ScaleMapping.linear((1, 5), (1, 4)))
    assert g.loc[g.capability == "ap", "current"].item() == 4.0


def test_unmatched_roles(model):
    people = pd.DataFrame({"person_id": ["a", "b", "c"], "role": ["CEO", "kam", None]})
    table = unmatched_roles(people, model)
    assert dict(zip(table.role, table.n, strict=True)) == {"CEO": 1, "(blank)": 1}


def test_bad_input(model):
    people = pd.DataFrame({"person_id": ["p1"], "role": ["kam"]})
    with pytest.raises(InputError, match="no column 'capability'"):
        person_gaps(pd.DataFrame({"person_id": []}), people, model)
    with pytest.raises(InputError, match="no column 'role'"):
        person_gaps(ratings([]), people.drop(columns="role"), model)
    with pytest.raises(ParameterError, match="rater_weights"):
        person_gaps(ratings([]), people, model, rater_weights={"boss": 1})
    with pytest.raises(ParameterError, match="must be a number in"):
        person_gaps(ratings([]), people, model, rater_weights={"self": -1})


def test_gap_table_suppresses_small_groups(model):
    rows = []
    for i in range(6):  # six KAMs, all rated by self; three by managers
        rows.append((f"k{i}", "ap", "proficiency", "self", 2 + i % 2))
        if i < 3:
            rows.append((f"k{i}", "ap", "proficiency", "manager", 2))
    for i in range(3):  # three reps: below the minimum group size
        rows.append((f"r{i}", "ap", "proficiency", "self", 1))
    people = pd.DataFrame({"person_id": [f"k{i}" for i in range(6)] + [f"r{i}" for i in range(3)],
                           "role": ["kam"] * 6 + ["rep"] * 3})
    g = person_gaps(ratings(rows), people, model)
    t = gap_table(g, min_n=5).set_index(["role", "capability"])
    # rep (3) is hidden; kam, its only sibling, too: else rep = the capability total - kam
    assert t.loc[("kam", "ap")].suppressed == "complementary"
    assert np.isnan(t.loc[("kam", "ap")].mean_gap) and pd.isna(t.loc[("kam", "ap")].n)
    kam = gap_table(g[g["role"] == "kam"], min_n=5).set_index(["role", "capability"]).loc[
        ("kam", "ap")]
    # currents: k0 (2+2)/2=2, k1 (3+2)/2=2.5, k2 2, k3 3, k4 2, k5 3 -> mean 14.5/6
    assert kam.n == 6
    assert kam.mean_current == pytest.approx(14.5 / 6)
    assert kam.mean_gap == pytest.approx(4 - 14.5 / 6)
    assert kam.share_below == 1.0
    assert kam.priority == pytest.approx((4 - 14.5 / 6) * 3)
    assert kam.mean_self == pytest.approx(2.5)
    assert np.isnan(kam.mean_manager) and pd.isna(kam.n_manager)  # rater group below threshold
    assert kam.suppressed == ""
    rep = t.loc[("rep", "ap")]
    assert pd.isna(rep.n) and rep.suppressed == "n < 5"  # the size of a hidden group: blank
    assert gap_table(g, min_n=5, show_counts=True).set_index(["role", "capability"]).loc[
        ("rep", "ap")].n == 3
    assert np.isnan(rep.mean_gap) and np.isnan(rep.mean_self)
    assert rep.required_level == 2  # the model's requirement is not survey data
    # co: no rating at all for anyone -> n = 0, suppressed
    assert gap_table(g, min_n=5, show_counts=True).set_index(["role", "capability"]).loc[
        ("kam", "co")].n == 0


def _plain_person_gaps(r: pd.DataFrame, people: pd.DataFrame, model: CapabilityModel,
                       weights: dict[str, float]) -> pd.DataFrame:
    """person_gaps recomputed the plain way: a groupby-mean per source, merges, nanmean."""
    lookup = {k.casefold(): r.id for r in model.roles for k in (r.id, r.name)}
    who = people[["person_id"]].assign(
        role=people["role"].astype("string").str.strip().str.casefold().map(lookup))
    who = who.dropna(subset=["role"])
    req = model.requirements()[["role", "capability", "domain", "required_level", "weight"]]
    out = who.merge(req, on="role")
    r = r.dropna(subset=["value"])
    for name, sub in [*((s, r[(r.dimension == "proficiency") & (r.rater == s)])
                        for s in ("self", "manager", "peer")),
                      ("importance", r[r.dimension == "importance"])]:
        mean = sub.groupby(["person_id", "capability"])["value"].mean().rename(name)
        out = out.merge(mean.reset_index(), on=["person_id", "capability"], how="left")
    num = sum(out[s].fillna(0) * weights[s] for s in ("self", "manager", "peer"))
    den = sum(out[s].notna() * weights[s] for s in ("self", "manager", "peer"))
    out["current"] = (num / den).where(den > 0)
    out["gap"] = out["required_level"] - out["current"]
    return out


def test_person_gaps_against_a_plain_groupby_and_merge(model):
    rng = np.random.default_rng(3)
    people_ids = [f"p{i}" for i in range(40)]
    rows = []
    for _ in range(600):  # repeats: several ratings of one person, capability and source
        rows.append((rng.choice([*people_ids, "ghost"]),  # 'ghost' is not in people
                     rng.choice(["ap", "co", "zz"]),  # 'zz' is not in the model
                     rng.choice(["proficiency", "importance"]),
                     rng.choice(["self", "manager", "peer"]),
                     float(rng.integers(1, 5)) if rng.random() > 0.05 else np.nan))
    r = ratings(rows)
    roles = rng.choice(["kam", "Sales Representative", " KEY ACCOUNT MANAGER ", "nurse", None],
                       size=len(people_ids))
    people = pd.DataFrame({"person_id": people_ids, "role": roles})
    people = pd.concat([people, people.iloc[[3]]], ignore_index=True)  # a person twice
    weights = {"self": 1.0, "manager": 2.0, "peer": 0.0}
    got = person_gaps(r, people, model, rater_weights=weights)
    want = _plain_person_gaps(r, people, model, weights)
    assert len(got) == len(want) > 0
    for col in ("person_id", "role", "capability", "domain"):
        assert got[col].astype(str).tolist() == want[col].astype(str).tolist()
    for col in ("required_level", "weight", "self", "manager", "peer", "importance",
                "current", "gap"):
        np.testing.assert_allclose(got[col].to_numpy(float), want[col].to_numpy(float),
                                   rtol=1e-12, equal_nan=True, err_msg=col)
    below = got["below"]
    assert below.isna().tolist() == want["current"].isna().tolist()
    assert (below.dropna() == (want["current"] < want["required_level"])[below.notna()]).all()
    # the same from the stacked categorical table combine_surveys gives
    cat = r.astype({c: "category" for c in ("person_id", "capability", "dimension", "rater")})
    pd.testing.assert_frame_equal(person_gaps(cat, people, model, rater_weights=weights), got)


@pytest.mark.parametrize("by", [("role", "capability"), ("capability", "role"), ("domain",),
                                ("role", "domain", "capability")])
def test_gap_table_on_categorical_keys_equals_a_plain_groupby(by):
    """Categorical keys take a one-integer-key grouping: the same groups, in the same
    order (first appearance), the same numbers as a plain groupby on text keys."""
    rng = np.random.default_rng(11)
    n = 3000
    roles = pd.Categorical(rng.choice(["kam", "rep", "msl", None], n, p=[.4, .3, .25, .05]),
                           categories=["msl", "kam", "rep", "unused"])
    caps = pd.Categorical(rng.choice(["ap", "co", "sm"], n),
                          categories=["sm", "co", "ap", "zz"])
    level = rng.integers(1, 5, n)
    self_, manager = rng.integers(1, 5, n).astype(float), rng.integers(1, 5, n).astype(float)
    manager[rng.random(n) < 0.3] = np.nan
    current = np.where(np.isnan(manager), self_, (self_ + manager) / 2)
    g = pd.DataFrame({"person_id": [f"p{i}" for i in range(n)], "role": roles,
                      "capability": caps, "domain": pd.Categorical(np.where(
                          np.asarray(caps) == "ap", "d1", "d2"), categories=["d2", "d1"]),
                      "required_level": level, "weight": 2.0, "self": self_,
                      "manager": manager, "peer": np.nan, "current": current,
                      "gap": level - current, "below": pd.array(current < level, "boolean")})
    keys = list(by)
    got = gap_table(g, by=keys, min_n=1)
    text = g.astype({k: object for k in keys})  # the general way: a groupby on text keys
    want = gap_table(text, by=keys, min_n=1)
    pd.testing.assert_frame_equal(got.astype({k: want[k].dtype for k in keys}), want)
    for k in keys:
        assert got[k].dtype == g[k].dtype
    plain = text.groupby(keys, sort=False).agg(n=("current", "count"),
                                               mean_gap=("gap", "mean"),
                                               mean_manager=("manager", "mean"),
                                               n_manager=("manager", "count")).reset_index()
    assert got[keys].astype(str).values.tolist() == plain[keys].astype(str).values.tolist()
    np.testing.assert_array_equal(got["n"].to_numpy(float), plain["n"].to_numpy(float))
    np.testing.assert_allclose(got["mean_gap"], plain["mean_gap"], rtol=0, atol=0)
    np.testing.assert_allclose(got["mean_manager"], plain["mean_manager"], rtol=0, atol=0)
