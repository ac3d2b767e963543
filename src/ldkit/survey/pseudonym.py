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

import hashlib
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


_BLOCK = 64  # SHA-256's block size in bytes
_IPAD = bytes(x ^ 0x36 for x in range(256))
_OPAD = bytes(x ^ 0x5C for x in range(256))


def _hmac_sha256(secret: bytes):
    """HMAC-SHA256 of a message under ``secret`` (RFC 2104), the key schedule done once.

    The inner and outer padded-key states are hashed once and copied per message: the
    same digests as :func:`hmac.new`, a third faster than copying an ``hmac`` object
    (400,000 identifiers at 100,000 respondents).

    >>> import hmac
    >>> _hmac_sha256(b"k")(b"ana") == hmac.new(b"k", b"ana", "sha256").digest()
    True
    """
    key = hashlib.sha256(secret).digest() if len(secret) > _BLOCK else secret
    key = key.ljust(_BLOCK, b"\0")
    inner_copy = hashlib.sha256(key.translate(_IPAD)).copy
    outer_copy = hashlib.sha256(key.translate(_OPAD)).copy

    def mac(message: bytes) -> bytes:
        inner, outer = inner_copy(), outer_copy()
        inner.update(message)
        outer.update(inner.digest())
        return outer.digest()

    return mac


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
    uniques = np.asarray(uniques, dtype=object)
    keys = np.asarray([str(u).strip().casefold() for u in uniques], dtype=object)
    if np.array_equal(keys, uniques):  # already normalized: distinct as they are
        distinct, at = keys, codes
    else:
        key_codes, distinct = pd.factorize(keys)
        at = np.where(codes >= 0, key_codes[codes], -1)
    mac = _hmac_sha256(secret)
    hashed = [prefix + mac(k.encode("utf-8"))[:8].hex() if k else None for k in distinct]
    lookup = pd.array([*hashed, None], dtype="string")
    # codes of missing values are -1: the trailing None
    return pd.Series(lookup[at], index=values.index, name=values.name)
