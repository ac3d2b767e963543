"""Pseudonymization of personal identifiers: a keyed hash with a per-engagement secret.

The same identifier (an e-mail, an employee number) gives the same
pseudonym in every survey and wave of an engagement, so self and manager
ratings of one employee line up; without the secret the pseudonym cannot be
reversed or recomputed (HMAC-SHA256, RFC 2104). Identifiers are normalized
first (trimmed, case-folded), so ``Jose.Garcia@X.example`` and
``jose.garcia@x.example`` are one person.

Where the secret comes from, in order: the ``secret`` argument; the
environment variable ``LDKIT_SECRET``; a file ``.ldkit-secret`` in the
export's folder or one of its parents (``ldkit new`` creates one per
engagement, git-ignored); else a random secret for this Python session,
with a warning that ids will differ in the next session.
"""

from __future__ import annotations

import hmac
import os
import secrets
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["SECRET_ENV", "SECRET_FILE", "find_secret", "pseudonymize"]

SECRET_ENV = "LDKIT_SECRET"
SECRET_FILE = ".ldkit-secret"
_SESSION_SECRET: bytes | None = None


def find_secret(secret: str | bytes | None = None, *, near: str | Path | None = None) -> bytes:
    """The pseudonymization secret (see module docstring for the search order)."""
    global _SESSION_SECRET
    if secret is not None:
        return secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV].encode("utf-8")
    if near is not None:
        folder = Path(near).resolve()
        for candidate in [folder, *folder.parents]:
            path = candidate / SECRET_FILE
            if path.is_file():
                return path.read_bytes().strip()
    if _SESSION_SECRET is None:
        _SESSION_SECRET = secrets.token_bytes(32)
        warnings.warn(
            f"No pseudonymization secret: set {SECRET_ENV}, put a {SECRET_FILE} file in the "
            "engagement folder, or pass secret=...; using a random secret for this session, "
            "so pseudonymous ids will differ in the next session.",
            stacklevel=3,
        )
    return _SESSION_SECRET


def pseudonymize(values: pd.Series, secret: bytes, *, prefix: str = "p") -> pd.Series:
    """Keyed-hash pseudonyms of ``values`` (blank stays missing); same input, same output.

    Examples
    --------
    >>> import pandas as pd
    >>> ids = pseudonymize(pd.Series(["Ana@X.example", "ana@x.example ", ""]), b"k")
    >>> ids[0] == ids[1], pd.isna(ids[2]), len(ids[0])
    (True, True, 17)
    """
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    # distinct values, normalized; normalized duplicates share one hash
    keys = [str(u).strip().casefold() for u in np.asarray(uniques, dtype=object)]
    key_codes, distinct = pd.factorize(np.asarray(keys, dtype=object))
    keyed = hmac.new(secret, digestmod="sha256")  # the key schedule once, not per value

    def digest(key: str) -> str | None:
        if not key:
            return None
        mac = keyed.copy()
        mac.update(key.encode("utf-8"))
        return prefix + mac.hexdigest()[:16]

    hashed = [digest(k) for k in distinct]
    lookup = pd.array([*hashed, None], dtype="string")
    # codes of missing values are -1: the trailing None
    return pd.Series(lookup[np.where(codes >= 0, key_codes[codes], -1)], index=values.index,
                     name=values.name)
