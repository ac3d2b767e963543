"""ldkit.survey.pseudonym: pseudonyms recomputed independently with hmac (RFC 2104)."""

import hashlib
import hmac

import numpy as np
import pandas as pd

from ldkit.survey.pseudonym import pseudonymize


def expected(value, secret: bytes, prefix: str):
    key = str(value).strip().casefold()
    if not key:
        return pd.NA
    return prefix + hmac.new(secret, key.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def test_pseudonyms_are_the_keyed_hash_of_the_normalized_id():
    values = pd.Series(["Ana@X.example", " ana@x.example", "", None, np.nan, "  ", "Bob", 12,
                        "BOB ", "Ana@X.example"], index=range(100, 110), name="email")
    got = pseudonymize(values, b"engagement-key", prefix="r")
    want = [expected(v, b"engagement-key", "r") if not pd.isna(v) else pd.NA for v in values]
    assert got.index.tolist() == list(range(100, 110)) and got.name == "email"
    assert str(got.dtype) == "string"
    assert [None if pd.isna(x) else x for x in got] == [None if pd.isna(x) else x
                                                      for x in want]
    assert got[100] == got[101] == got[109] and got[106] == got[108]  # one person each
    assert got[100] != pseudonymize(values, b"another-key", prefix="r")[100]


def test_many_ids_match_the_direct_computation():
    ids = pd.Series([f"E{i:05d}@Client.example" for i in range(3000)] * 2)
    got = pseudonymize(ids, b"s")
    assert got.tolist() == [expected(v, b"s", "p") for v in ids]
