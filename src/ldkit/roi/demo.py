"""Synthetic ROI inputs of the fictional client Demo Bio (tests, demos, notebooks).

:func:`write_demo_case` writes what a consultant holds at the end of a
commercial-excellence programme for sales representatives and key account
managers: the business case (``roi_case.yaml``, the commented
:data:`ldkit.roi.EXAMPLE_CASE`) and the learners' pre/post assessment scores
(``assessments.csv``) with reaction ratings and the 90-day application
follow-up. Learner ids are pseudonymous; no real person's data.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ldkit._params import check_number

__all__ = ["example_case", "make_assessments", "write_demo_case"]


def example_case():
    """The example case shipped with ldkit (Demo Bio's commercial-excellence programme).

    Examples
    --------
    >>> example_case().program
    'Commercial excellence programme'
    """
    from ldkit.roi.case import EXAMPLE_CASE, read_case

    return read_case(EXAMPLE_CASE)


def make_assessments(n_learners: int = 240, *, seed: int = 11) -> pd.DataFrame:
    """Pre/post scores of ``n_learners`` learners, as an LMS or assessment tool exports them.

    About four in five are sales representatives, the rest key account managers.
    Pre-test scores centre on 58/100; the post-test closes about 45% of the gap
    to 100 (a medium normalized gain), with noise. The data carry the dirt of
    real exports: a few learners skipped the post-test (blank), one row is a
    duplicate, two learners scored 100 on the pre-test, and about one in ten
    did not answer the 90-day follow-up (``applied`` blank).

    Examples
    --------
    >>> df = make_assessments(40, seed=1)
    >>> list(df.columns)
    ['learner_id', 'role', 'reaction', 'pre_score', 'post_score', 'applied']
    """
    check_number("n_learners", n_learners, func="make_assessments", low=10, high=100_000,
                 integer=True)
    check_number("seed", seed, func="make_assessments", low=0, integer=True)
    rng = np.random.default_rng(seed)
    n = int(n_learners)
    ids = [f"L-{v:06X}" for v in rng.choice(16**6, size=n, replace=False)]
    role = np.where(rng.random(n) < 0.79, "Sales Representative", "Key Account Manager")
    pre = np.clip(np.round(rng.normal(58, 12, n)), 15, 100)
    pre[:2] = 100  # at the ceiling: no individual gain is defined
    gain = np.clip(rng.normal(0.45, 0.18, n), -0.2, 1.0)
    post = np.clip(np.round(pre + gain * (100 - pre) + rng.normal(0, 3, n)), 0, 100)
    reaction = np.clip(np.round(rng.normal(4.2, 0.7, n)), 1, 5).astype(int)
    applied = np.where(rng.random(n) < 0.72, "yes", "no").astype(object)
    applied[rng.random(n) < 0.1] = ""
    frame = pd.DataFrame({"learner_id": ids, "role": role, "reaction": reaction,
                          "pre_score": pre.astype(int).astype(object),
                          "post_score": post.astype(int).astype(object), "applied": applied})
    skipped = rng.choice(np.arange(2, n), size=max(1, n // 40), replace=False)
    frame.loc[skipped, "post_score"] = ""
    duplicate = frame.iloc[[n // 2]]
    return pd.concat([frame, duplicate], ignore_index=True)


def write_demo_case(raw: str | Path, *, n_learners: int = 240, seed: int = 11
                    ) -> dict[str, Path]:
    """Write Demo Bio's ROI case and assessment scores into ``raw``.

    Parameters
    ----------
    raw : str or Path
        The folder (an engagement's ``data/raw``); created if needed.
    n_learners : int
        Learners in the programme (the case's participants).
    seed : int
        Seed of the synthetic assessment scores.

    Returns
    -------
    dict
        ``{"roi_case": <raw>/roi_case.yaml, "assessments": <raw>/assessments.csv}``.

    Examples
    --------
    >>> import tempfile
    >>> paths = write_demo_case(tempfile.mkdtemp(), n_learners=60)
    >>> sorted(p.name for p in paths.values())
    ['assessments.csv', 'roi_case.yaml']
    """
    from ldkit.io import atomic_path, atomic_write_text
    from ldkit.roi.case import EXAMPLE_CASE

    check_number("n_learners", n_learners, func="write_demo_case", low=10, high=100_000,
                 integer=True)
    folder = Path(raw)
    folder.mkdir(parents=True, exist_ok=True)
    text = EXAMPLE_CASE.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^participants: \d+", f"participants: {int(n_learners)}", text, count=1)
    case_path = atomic_write_text(folder / "roi_case.yaml", text)
    scores = make_assessments(n_learners, seed=seed)
    target = folder / "assessments.csv"
    with atomic_path(target) as tmp:
        scores.to_csv(tmp, index=False)
    return {"roi_case": case_path, "assessments": target}
