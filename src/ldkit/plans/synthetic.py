"""Synthetic inputs for learning plans: a capability model, a catalog and a gap table.

Tests, the scale benchmark and tutorials need learning-plan inputs of any size
that look like a client's: this module makes them, seeded, from nothing (no real
person or catalog is involved). The three parts fit together:

- :func:`make_model`: a capability model of ``n_capabilities`` capabilities
  (default 40) in five domains on the four-level proficiency scale, with one
  behavioural indicator per level, and ``n_roles`` roles (default 6), each
  requiring about 40% of the capabilities (mostly of its own domains) at levels
  2-4 with weights 1-3;
- :func:`make_catalog`: a catalog of ``n_activities`` activities (default 300)
  for that model: per capability an e-learning course, a stretch assignment,
  coaching, a workshop that needs the course first, job shadowing, an expert
  project that needs the workshop, mentoring, and so on, cycling through ten
  formats, with level ranges that cover every current level below the top of
  the scale; hours and costs typical of each format (hours about 70%
  experiential, 15% social, 15% formal); about one activity in five also
  develops a second capability of the same domain; programs of two or three
  capabilities each with a pre-assessment, core items, electives, a
  post-assessment and a capstone;
- :func:`make_person_gaps`: ``n_learners`` learners in the layout of
  :func:`ldkit.needs.person_gaps` (same columns and dtypes): a role each, a
  self rating and (for 85%) a manager rating per required capability, integer
  codes on the scale; current = mean of the ratings present, gap = required -
  current.

:func:`make_plan_inputs` makes all three at once.

Examples
--------
>>> inputs = make_plan_inputs(50, seed=3)
>>> inputs
PlanInputs(50 learners, 40 capabilities, 6 roles, 300 activities, 8 programs)
>>> sorted(inputs.catalog.table()["modality"].unique())
['experiential', 'formal', 'social']
>>> inputs.people.columns.tolist()[:6]
['person_id', 'role', 'capability', 'domain', 'required_level', 'weight']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ldkit._params import check_number, param_error
from ldkit.plans.catalog import Activity, Catalog, Program

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.capability import CapabilityModel

__all__ = ["PlanInputs", "make_catalog", "make_model", "make_person_gaps", "make_plan_inputs"]

PERSON_GAP_COLUMNS = ["person_id", "role", "capability", "domain", "required_level", "weight",
                      "self", "manager", "peer", "importance", "current", "gap", "below"]

_DOMAINS = (
    ("science", "Scientific and medical", (
        "Scientific and clinical acumen", "Clinical trial literacy", "Disease area expertise",
        "Real-world evidence", "Medical information handling", "Health economics",
        "Pharmacovigilance awareness", "Scientific storytelling")),
    ("customer", "Customer engagement", (
        "Customer engagement", "Stakeholder mapping", "Objection handling",
        "Virtual engagement", "Omnichannel orchestration", "Patient-centricity",
        "Treatment-centre onboarding", "Key opinion leader partnering")),
    ("business", "Business acumen", (
        "Account planning", "Territory business analytics", "Market access knowledge",
        "Forecasting", "Contracting and tenders", "Budget management", "Launch excellence",
        "Competitive intelligence")),
    ("integrity", "Integrity and compliance", (
        "Compliance", "Data privacy", "Promotional review", "Ethical decision making",
        "Quality and GxP", "Anti-bribery practice", "Adverse-event reporting",
        "Responsible use of AI")),
    ("leadership", "Leadership and collaboration", (
        "Executive presence", "Cross-functional collaboration", "Coaching others",
        "Change leadership", "Negotiation", "Decision making under uncertainty",
        "Inclusive leadership", "Project leadership")),
)
_ROLES = (
    ("medical_science_liaison", "Medical Science Liaison", "Medical", ("science", "customer")),
    ("sales_representative", "Sales Representative", "Commercial", ("customer", "business")),
    ("key_account_manager", "Key Account Manager", "Commercial", ("business", "customer")),
    ("market_access_manager", "Market Access Manager", "Access", ("business", "science")),
    ("compliance_partner", "Compliance Business Partner", "Integrity",
     ("integrity", "leadership")),
    ("first_line_manager", "First-Line Sales Manager", "Commercial",
     ("leadership", "customer")),
    ("medical_advisor", "Medical Advisor", "Medical", ("science", "integrity")),
    ("brand_manager", "Brand Manager", "Marketing", ("business", "leadership")),
)

# (format, modality, current levels it suits, hours range, cost range, core, prerequisite:
# index of the template it needs within the same capability, title pattern)
_TEMPLATES = (
    ("e-learning course", "formal", (1, 2), (1.5, 3.0), (60, 250), True, None,
     "{name} essentials"),
    ("stretch assignment", "experiential", (1, 3), (10.0, 18.0), (0, 0), True, None,
     "Lead a {lname} assignment"),
    ("coaching", "social", (1, 3), (3.0, 6.0), (200, 600), False, None,
     "Coaching on {lname}"),
    ("workshop", "formal", (2, 3), (3.0, 7.0), (400, 1200), False, 0,
     "{name}: advanced workshop"),
    ("job shadowing", "experiential", (1, 2), (8.0, 14.0), (0, 500), False, None,
     "Shadow an expert in {lname}"),
    ("stretch assignment", "experiential", (3, 3), (12.0, 20.0), (0, 1500), False, 3,
     "Expert project: {lname} across the region"),
    ("mentoring", "social", (2, 3), (3.0, 6.0), (0, 300), False, None,
     "{name} mentoring circle"),
    ("community of practice", "social", (2, 3), (4.0, 8.0), (0, 0), False, None,
     "{name} community of practice"),
    ("podcast", "formal", (1, 3), (0.5, 2.0), (0, 40), False, None,
     "{name} podcast series"),
    ("video", "formal", (1, 2), (0.5, 1.5), (0, 60), False, None, "{name} in ten minutes"),
)
_CLOSING_PER_PROGRAM = 3  # pre-assessment, post-assessment, capstone
_PROGRAM_SIZE = 3  # capabilities per program


@dataclass(frozen=True, eq=False)
class PlanInputs:
    """A synthetic capability model, catalog and gap table that fit together.

    Attributes
    ----------
    model : CapabilityModel
    catalog : Catalog
    people : DataFrame
        Per person and required capability, as :func:`ldkit.needs.person_gaps`
        returns it.
    """

    model: CapabilityModel
    catalog: Catalog
    people: pd.DataFrame

    def __repr__(self) -> str:
        return (f"PlanInputs({self.people['person_id'].nunique()} learners, "
                f"{len(self.model.capabilities)} capabilities, {len(self.model.roles)} roles, "
                f"{len(self.catalog.activities)} activities, "
                f"{len(self.catalog.programs)} programs)")


def _check_seed(seed: object, func: str) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise param_error("seed", func, "a non-negative integer", seed)
    return int(seed)


def _capability_names(n: int) -> list[tuple[str, str, str]]:
    """(id, name, domain) of n capabilities, dealt to the domains in turn."""
    out = []
    per_domain = [list(names) for _, _, names in _DOMAINS]
    for i in range(n):
        d = i % len(_DOMAINS)
        k = i // len(_DOMAINS)
        base = per_domain[d][k % len(per_domain[d])]
        name = base if k < len(per_domain[d]) else f"{base} {k // len(per_domain[d]) + 1}"
        cid = name.lower().replace("-", " ").replace(" ", "_")
        out.append((cid, name, _DOMAINS[d][0]))
    return out


def make_model(*, n_capabilities: int = 40, n_roles: int = 6, seed: int = 0
               ) -> CapabilityModel:
    """A synthetic capability model: five domains, ``n_capabilities``, ``n_roles``.

    Parameters
    ----------
    n_capabilities : int, default 40
        Capabilities, dealt to the five domains in turn (at least 5).
    n_roles : int, default 6
        Roles (1 to 8). Each requires about 40% of the capabilities (at least 3):
        three in four from its own two domains, at level 3 mostly (2 to 4), with
        weight 1 to 3.
    seed : int, default 0
        The same seed gives the same model.

    Returns
    -------
    CapabilityModel
        Validated; on the four-level proficiency scale, with one indicator per
        capability and level.

    Examples
    --------
    >>> model = make_model(n_capabilities=10, n_roles=2)
    >>> model.role_ids
    ['medical_science_liaison', 'sales_representative']
    >>> len(model.requirements())
    8
    """
    from ldkit.capability import CapabilityModel

    func = "make_model"
    check_number("n_capabilities", n_capabilities, func=func, low=5, integer=True)
    check_number("n_roles", n_roles, func=func, low=1, high=len(_ROLES), integer=True)
    rng = np.random.default_rng(_check_seed(seed, func))
    b = CapabilityModel.builder("synthetic", f"Synthetic model ({n_capabilities} capabilities)",
                                description="Generated by ldkit.plans.synthetic; not a client's.")
    for did, dname, _ in _DOMAINS:
        b.domain(did, dname)
    caps = _capability_names(n_capabilities)
    labels = ("Foundational", "Intermediate", "Advanced", "Expert")
    for cid, name, did in caps:
        b.capability(cid, name, domain=did, definition=f"{name} in a pharma organization.",
                     indicators={lv: f"{labels[lv - 1]} {name.lower()}" for lv in range(1, 5)})
    domain_of = np.array([d for _, _, d in caps])
    k = max(3, round(0.4 * n_capabilities))
    for rid, rname, family, home in _ROLES[:n_roles]:
        own = np.flatnonzero(np.isin(domain_of, home))
        other = np.flatnonzero(~np.isin(domain_of, home))
        n_own = min(len(own), round(0.75 * k))
        picked = np.concatenate([rng.choice(own, n_own, replace=False),
                                 rng.choice(other, min(len(other), k - n_own), replace=False)])
        levels = rng.choice([2, 3, 4], size=len(picked), p=[0.25, 0.55, 0.2])
        weights = rng.choice([1.0, 2.0, 3.0], size=len(picked), p=[0.3, 0.4, 0.3])
        b.role(rid, rname, family=family,
               requires={caps[i][0]: (int(lv), float(w))
                         for i, lv, w in sorted(zip(picked, levels, weights, strict=True))})
    return b.build()


def make_catalog(model: CapabilityModel, *, n_activities: int = 300, seed: int = 0,
                 currency: str = "EUR") -> Catalog:
    """A synthetic learning catalog for ``model``: activities and programs.

    Parameters
    ----------
    model : CapabilityModel
        The capabilities the activities develop (levels on each capability's scale).
    n_activities : int, default 300
        Activities in all, program assessments and capstones included; at least
        four per capability plus three per program.
    seed : int, default 0
        The same model and seed give the same catalog.
    currency : str, default "EUR"

    Returns
    -------
    Catalog
        One program per three capabilities of a domain (two for a remainder of
        two; at most one program per five capabilities), each with a
        pre-assessment, two core items, three electives, a post-assessment and a
        capstone; the other activities cycle
        per capability through ten formats (e-learning essentials, stretch
        assignment, coaching, advanced workshop after the essentials, job
        shadowing, expert project after the workshop, mentoring, community of
        practice, podcast, video), each suiting current levels that keep
        every level below the scale's top covered. About one activity in five
        also develops a second capability of the same domain. Valid against
        ``model`` (``catalog.check(model)`` passes).

    Examples
    --------
    >>> model = make_model(n_capabilities=10, n_roles=2)
    >>> catalog = make_catalog(model, n_activities=50)
    >>> catalog
    Catalog(name='Synthetic catalog', 50 activities, 2 programs, currency='EUR')
    >>> [a.format for a in catalog.activities[:4]]
    ['e-learning course', 'e-learning course', 'e-learning course', 'e-learning course']
    """
    from ldkit.capability import CapabilityModel

    func = "make_catalog"
    if not isinstance(model, CapabilityModel):
        raise param_error("model", func, "a CapabilityModel", type(model).__name__)
    caps = [c for c in model.capabilities]
    n_caps = len(caps)
    by_domain: dict[str, list[int]] = {}
    for i, c in enumerate(caps):
        by_domain.setdefault(c.domain, []).append(i)
    groups = [ids[k:k + _PROGRAM_SIZE] for ids in by_domain.values()
              for k in range(0, len(ids), _PROGRAM_SIZE) if len(ids[k:k + _PROGRAM_SIZE]) > 1]
    n_programs = min(len(groups), n_caps // 5)
    low = 4 * n_caps + _CLOSING_PER_PROGRAM * n_programs
    check_number("n_activities", n_activities, func=func, low=low, integer=True)
    rng = np.random.default_rng(_check_seed(seed, func))
    n_develop = n_activities - _CLOSING_PER_PROGRAM * n_programs
    top = {c.id: int(model.scale_of(c.id).max) for c in caps}
    bottom = {c.id: int(model.scale_of(c.id).min) for c in caps}

    per_cap: dict[str, list[Activity]] = {c.id: [] for c in caps}
    activities: list[Activity] = []
    for j in range(n_develop):  # round j // n_caps of template, capability j % n_caps
        c = caps[j % n_caps]
        t = j // n_caps
        fmt, modality, (lo, hi), hours, cost, core, needs, title = \
            _TEMPLATES[t % len(_TEMPLATES)]
        lo = max(lo + bottom[c.id] - 1, bottom[c.id])
        hi = min(hi + bottom[c.id] - 1, top[c.id] - 1)
        lo = min(lo, hi)
        capabilities = (c.id,)
        mates = [i for i in by_domain[c.domain] if caps[i].id != c.id]
        if mates and t % len(_TEMPLATES) not in (0, 1) and rng.random() < 0.2:
            capabilities = (c.id, caps[int(rng.choice(mates))].id)
        h = float(np.round(rng.uniform(*hours) * 2) / 2)
        price = float(np.round(rng.uniform(*cost) / 10) * 10)
        prereq: tuple[str, ...] = ()
        if needs is not None and t < len(_TEMPLATES) and len(per_cap[c.id]) > needs:
            prereq = (per_cap[c.id][needs].id,)
        suffix = f" ({t // len(_TEMPLATES) + 1})" if t >= len(_TEMPLATES) else ""
        aid = f"{c.id}-{fmt.split()[0]}-{t + 1}".replace("_", "-")
        a = Activity(aid, title.format(name=c.name, lname=c.name.lower()) + suffix,
                     capabilities, int(lo), int(hi), modality, fmt, max(h, 0.5), price,
                     provider="Synthetic Academy", core=core and t < len(_TEMPLATES),
                     prerequisites=prereq,
                     capacity=16 if fmt == "workshop" else None)
        per_cap[c.id].append(a)
        activities.append(a)

    programs: list[Program] = []
    for p, group in enumerate(groups[:n_programs]):
        members = [caps[i] for i in group]
        ids = [c.id for c in members]
        slug = f"program-{p + 1:02d}"
        title = f"{members[0].name} program"
        pre = Activity(f"{slug}-pre-assessment", f"{title}: self and manager assessment (pre)",
                       tuple(ids), 1, 4, "formal", "assessment", 1.0,
                       float(np.round(rng.uniform(0, 100) / 10) * 10), provider="Synthetic Academy")
        post = Activity(f"{slug}-post-assessment",
                        f"{title}: self and manager assessment (post)", tuple(ids), 1, 4,
                        "formal", "assessment", 1.0, pre.cost, provider="Synthetic Academy")
        cap = Activity(f"{slug}-capstone", f"{title}: capstone review with a leadership panel",
                       tuple(ids), 2, 4, "formal", "capstone", 3.0,
                       float(np.round(rng.uniform(300, 800) / 10) * 10),
                       provider="Synthetic Academy")
        activities.extend((pre, post, cap))
        pool = [a for c in ids for a in per_cap[c]]
        core = [per_cap[c][0].id for c in ids[:2] if per_cap[c]]
        electives = [a.id for a in pool if a.id not in core][:3]
        programs.append(Program(slug, title, tuple(ids), pre_assessment=pre.id,
                                core=tuple(core), electives=tuple(electives),
                                post_assessment=post.id, capstone=cap.id))
    return Catalog(tuple(activities), programs=tuple(programs), name="Synthetic catalog",
                   currency=currency)


def make_person_gaps(model: CapabilityModel, n_learners: int, *, seed: int = 0,
                     manager_share: float = 0.85, unrated_share: float = 0.01
                     ) -> pd.DataFrame:
    """A synthetic gap table of ``n_learners`` in the layout of ``person_gaps``.

    Parameters
    ----------
    model : CapabilityModel
        Roles and their requirements.
    n_learners : int
        Learners (at least 1), ids ``L00001``, ``L00002``, ...; roles drawn at
        random (equal chances).
    seed : int, default 0
        The same model, size and seed give the same table.
    manager_share : float, default 0.85
        Share of learner-capability pairs that also have a manager rating.
    unrated_share : float, default 0.01
        Share of pairs without any rating (current and gap NaN, below NA).

    Returns
    -------
    DataFrame
        The columns and dtypes of :func:`ldkit.needs.person_gaps`: person_id,
        role, capability, domain (categoricals), required_level, weight, self,
        manager, peer (all NaN), importance, current, gap, below. A true level
        per learner and capability is drawn around the requirement (learner
        effect and noise, a mean gap of about half a level); self ratings run
        a little above it, manager ratings around it, both integer codes on
        the scale; current is their mean, gap = required - current.

    Examples
    --------
    >>> model = make_model(n_capabilities=10, n_roles=2)
    >>> people = make_person_gaps(model, 3, seed=1)
    >>> people.groupby("person_id").size().tolist()
    [4, 4, 4]
    >>> one = people[people["person_id"] == "L00001"]
    >>> one[["capability", "required_level", "self", "manager", "current", "gap"]]
                    capability  required_level  self  manager  current  gap
    0      customer_engagement               4   4.0      4.0      4.0  0.0
    1         account_planning               3   2.0      3.0      2.5  0.5
    2  clinical_trial_literacy               2   2.0      1.0      1.5  0.5
    3      stakeholder_mapping               4   4.0      4.0      4.0  0.0
    """
    from ldkit.capability import CapabilityModel

    func = "make_person_gaps"
    if not isinstance(model, CapabilityModel):
        raise param_error("model", func, "a CapabilityModel", type(model).__name__)
    check_number("n_learners", n_learners, func=func, low=1, integer=True)
    check_number("manager_share", manager_share, func=func, low=0, high=1)
    check_number("unrated_share", unrated_share, func=func, low=0, high=1)
    rng = np.random.default_rng(_check_seed(seed, func))
    req = model.requirements()
    if req.empty:
        raise param_error("model", func, "a model whose roles require capabilities", model.id)
    role_ids = [r for r in model.role_ids if (req["role"] == r).any()]
    role_of = rng.integers(0, len(role_ids), size=n_learners)
    blocks = {r: req[req["role"] == r] for r in role_ids}
    sizes = np.array([len(blocks[r]) for r in role_ids])[role_of]
    person = np.repeat(np.arange(n_learners), sizes)
    parts = [blocks[role_ids[k]] for k in role_of]
    rows = pd.concat(parts, ignore_index=True)
    n = len(rows)
    required = rows["required_level"].to_numpy(dtype="int64")
    weight = rows["weight"].to_numpy(dtype="float64")
    scale_min = np.array([model.scale_of(c).min for c in model.capability_ids], dtype=float)
    scale_max = np.array([model.scale_of(c).max for c in model.capability_ids], dtype=float)
    cap_index = pd.Categorical(rows["capability"], categories=model.capability_ids).codes
    lo, hi = scale_min[cap_index], scale_max[cap_index]
    ability = rng.normal(0.0, 0.5, size=n_learners)[person]
    true = required - 0.6 + ability + rng.normal(0.0, 0.7, size=n)
    self_ = np.clip(np.rint(true + 0.3 + rng.normal(0.0, 0.5, size=n)), lo, hi)
    manager = np.clip(np.rint(true + rng.normal(0.0, 0.5, size=n)), lo, hi)
    manager[rng.random(n) >= manager_share] = np.nan
    unrated = rng.random(n) < unrated_share
    self_[unrated] = np.nan
    manager[unrated] = np.nan
    importance = np.clip(np.rint(weight + 1.5 + rng.normal(0.0, 0.8, size=n)), 1, 5)
    importance[unrated] = np.nan
    rated = (~np.isnan(self_)).astype(float) + ~np.isnan(manager)
    with np.errstate(invalid="ignore", divide="ignore"):
        current = (np.nan_to_num(self_) + np.nan_to_num(manager)) / rated
    gap = required - current
    below = pd.array(current < required, dtype="boolean")
    below[np.isnan(current)] = pd.NA
    width = max(5, len(str(n_learners)))
    ids = np.array([f"L{i + 1:0{width}d}" for i in range(n_learners)], dtype=object)
    out = pd.DataFrame({
        "person_id": pd.array(ids[person], dtype="string"),
        "role": pd.Categorical(rows["role"], categories=model.role_ids),
        "capability": pd.Categorical(rows["capability"], categories=model.capability_ids),
        "domain": pd.Categorical(rows["domain"], categories=model.domain_ids),
        "required_level": required,
        "weight": weight,
        "self": self_,
        "manager": manager,
        "peer": np.full(n, np.nan),
        "importance": importance,
        "current": current,
        "gap": gap,
        "below": below,
    })
    return out[PERSON_GAP_COLUMNS]


def make_plan_inputs(n_learners: int = 1000, *, n_capabilities: int = 40, n_roles: int = 6,
                     n_activities: int = 300, seed: int = 0) -> PlanInputs:
    """A model, a catalog for it and the gap table of ``n_learners``, from one seed.

    Parameters are those of :func:`make_model`, :func:`make_catalog` and
    :func:`make_person_gaps`; each part draws from its own stream of ``seed``, so
    more learners do not change the model or the catalog.

    Examples
    --------
    >>> make_plan_inputs(20, n_capabilities=10, n_roles=2, n_activities=60)
    PlanInputs(20 learners, 10 capabilities, 2 roles, 60 activities, 2 programs)
    """
    seed = _check_seed(seed, "make_plan_inputs")
    model = make_model(n_capabilities=n_capabilities, n_roles=n_roles, seed=seed)
    catalog = make_catalog(model, n_activities=n_activities, seed=seed + 1)
    people = make_person_gaps(model, n_learners, seed=seed + 2)
    return PlanInputs(model, catalog, people)
