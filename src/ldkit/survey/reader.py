"""read_survey: from a survey export as it comes to tidy, pseudonymous tables.

Every source row is accounted for: rows read = rows kept + rows excluded.
Exclusion reasons, in the order they are applied (the first that applies is
recorded): survey preview, partial response (unless ``keep_partial``),
missing respondent id, missing role, unmapped answer (a label not in its
scale or a code outside it), duplicate respondent (the latest response is
kept). Names and e-mails are pseudonymized and dropped on load.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ldkit.codebook import Codebook, read_codebook
from ldkit.errors import InputError, Problem, ValidationError
from ldkit.survey.layouts import RawExport, read_export
from ldkit.survey.pseudonym import find_secret, pseudonymize

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.codebook import Item

__all__ = ["EXCLUSION_REASONS", "SurveyData", "read_survey"]

EXCLUSION_REASONS = (
    "survey preview",
    "partial response",
    "missing respondent id",
    "missing role",
    "unmapped answer",
    "duplicate respondent",
)
RESPONSE_COLUMNS = ["respondent_id", "person_id", "item", "capability", "dimension", "rater",
                    "value"]
FALSE_VALUES = {"false", "0", "no", "n", "f"}


@dataclass(frozen=True)
class SurveyData:
    """A survey export read against its codebook.

    Attributes
    ----------
    responses : DataFrame
        One row per rating: respondent_id, person_id, item, capability,
        dimension, rater, value (float, on the codebook scale, reverse-scored
        items already reversed).
    respondents : DataFrame
        One row per kept response: respondent_id, person_id, the codebook's
        attributes, submitted_at, duration_seconds, source_row. Never a name
        or an e-mail.
    excluded : DataFrame
        One row per source row not used: source_row, respondent_id (pseudonym,
        if known), reason, detail.
    source : str
        The detected layout (``qualtrics``, ``qualtrics_legacy``,
        ``surveymonkey``, ``msforms``, ``tidy``).
    """

    responses: pd.DataFrame
    respondents: pd.DataFrame
    excluded: pd.DataFrame
    source: str
    file: str
    encoding: str | None
    rows_read: int
    codebook: Codebook = field(repr=False)

    @property
    def rows_kept(self) -> int:
        return len(self.respondents)

    def counts(self) -> pd.DataFrame:
        """Rows read, kept, and excluded by reason (one row each; they reconcile)."""
        by_reason = self.excluded["reason"].value_counts()
        rows = [("rows read", self.rows_read), ("rows kept", self.rows_kept)]
        rows += [(f"excluded: {r}", int(by_reason.get(r, 0))) for r in EXCLUSION_REASONS]
        return pd.DataFrame(rows, columns=["count", "n"])

    def wide(self, *, dimension: str = "proficiency", rater: str | None = None) -> pd.DataFrame:
        """Respondents x items table of values for one dimension (and rater)."""
        r = self.responses
        mask = r["dimension"] == dimension
        if rater is not None:
            mask &= r["rater"] == rater
        sub = r[mask]
        table = sub.pivot_table(index="respondent_id", columns="item", values="value",
                                aggfunc="first", observed=True)
        order = [i.item for i in self.codebook.items if i.item in table.columns]
        return table[order]


def clean_text(col: pd.Series, *, fold: bool = False) -> np.ndarray:
    """Trimmed (and case-folded) text of a column as an object array; missing -> "".

    Works on the distinct values only (a survey column has few), so it stays fast on
    100,000-row exports where a per-cell ``.str.strip()`` would not.
    """
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    cleaned = [str(u).strip() for u in np.asarray(uniques, dtype=object)]
    if fold:
        cleaned = [u.casefold() for u in cleaned]
    return np.array([*cleaned, ""], dtype=object)[codes]


def _resolve_columns(raw: RawExport, cb: Codebook) -> dict[str, str]:
    """Codebook column names -> export columns; every missing one reported at once."""
    wanted: list[tuple[str, Any, str]] = [(cb.respondent.id, None, "respondent id")]
    if cb.respondent.person:
        wanted.append((cb.respondent.person, None, "respondent person"))
    wanted += [(col, None, f"attribute '{name}'") for name, col in cb.respondent.attributes.items()]
    wanted += [(col, None, "identifier") for col in cb.respondent.identifiers]
    wanted += [(col, None, "dedupe column") for col in cb.respondent.dedupe_on]
    wanted += [(i.column, i.source, f"item '{i.item}'") for i in cb.items]
    found: dict[str, str] = {}
    problems: list[Problem] = []
    for name, where, what in wanted:
        col = raw.resolve(name)
        if col is not None:
            found[name] = col
            continue
        if name in raw.ambiguous or name.casefold() in raw.ambiguous:
            problems.append(Problem(f"codebook {what} column '{name}' matches several columns",
                                    raw.location(name, 1), "use the field id instead"))
            continue
        close = get_close_matches(name, [str(c) for c in raw.frame.columns], n=3, cutoff=0.6)
        hint = f"did you mean {', '.join(repr(c) for c in close)}?" if close else (
            f"the export has columns like {', '.join(map(repr, list(raw.frame.columns)[:5]))}")
        in_codebook = f" ({where})" if where is not None else ""
        problems.append(Problem(f"codebook {what}{in_codebook} names column '{name}', which is "
                                f"not in the export ({raw.layout} layout)",
                                raw.location(name, 1), hint))
    if problems:
        if cb.respondent.id not in found and raw.layout == "tidy":
            raise InputError(
                "is of an unknown layout: not Qualtrics (no ResponseId/StartDate), "
                "SurveyMonkey (no Respondent ID/Collector ID), Microsoft Forms (no ID/Start "
                f"time/Completion time), nor a tidy export with the codebook's id column "
                f"'{cb.respondent.id}'",
                location=raw.location(), hint="check the file and the codebook's respondent id")
        raise ValidationError(problems, what=f"codebook against {raw.file}")
    return found


def _scale_lookup(cb: Codebook, scale: str) -> tuple[dict[str, float], float, float]:
    """Answer text -> value for a scale: labels (any case) and numeric codes on the scale."""
    mapping = cb.scales[scale]
    lookup: dict[str, float] = {}
    values = [v for v in mapping.values() if v is not None]
    for label, value in mapping.items():
        lookup[label.strip().casefold()] = np.nan if value is None else float(value)
    for v in values:
        for text in {f"{v:g}", f"{v:.1f}", str(v)}:
            lookup.setdefault(text, float(v))
    return lookup, min(values), max(values)


def _map_answers(col: pd.Series, lookup: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """Values (NaN for blank) and a mask of non-blank answers that map to nothing."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    texts = (str(u).strip().casefold() for u in np.asarray(uniques, dtype=object))
    mapped = np.array([lookup.get(u, np.inf) if u != "" else np.nan for u in texts] + [np.nan],
                      dtype="float64")
    values = mapped[codes]
    bad = np.isinf(values)
    values[bad] = np.nan
    return values, bad


def read_survey(
    path: str | Path,
    codebook: Codebook | str | Path,
    *,
    source: str = "auto",
    secret: str | bytes | None = None,
    keep_partial: bool = False,
    max_unmapped_share: float = 0.05,
) -> SurveyData:
    """Read a survey export as it comes, against its codebook.

    Parameters
    ----------
    path : str or Path
        The export (.csv or .xlsx) as downloaded; it is never modified.
    codebook : Codebook, str or Path
        The codebook, or the path of its YAML or workbook.
    source : {"auto", "qualtrics", "qualtrics_legacy", "surveymonkey", "msforms", "tidy"}
        The layout; detected from the header rows by default.
    secret : str or bytes, optional
        Pseudonymization secret (see :mod:`ldkit.survey.pseudonym` for where it is
        found when not given).
    keep_partial : bool
        Keep responses marked unfinished (Qualtrics Finished False).
    max_unmapped_share : float
        An unmapped answer is an excluded row; but the same unmapped answer in the
        same column in more than this share of rows (and at least 3) means the
        codebook lacks a label, and raises an error instead.

    Returns
    -------
    SurveyData

    Raises
    ------
    InputError
        An unknown layout, a codebook column missing from the export, an answer
        label missing from its scale in many rows; each names file, row and column.
    """
    from ldkit._params import check_number

    check_number("max_unmapped_share", max_unmapped_share, func="read_survey", low=0, high=1)
    cb = codebook if isinstance(codebook, Codebook) else read_codebook(codebook)
    raw = read_export(path, source=source)
    cols = _resolve_columns(raw, cb)
    frame, n = raw.frame, len(raw.frame)
    secret_bytes = find_secret(secret, near=Path(path).parent)

    reason = np.full(n, None, dtype=object)
    detail = np.full(n, "", dtype=object)

    def exclude(mask: np.ndarray, why: str, text: Any = "") -> None:
        new = mask & (reason == None)  # noqa: E711 - elementwise on an object array
        reason[new] = why
        if isinstance(text, np.ndarray):
            detail[new] = text[new]
        else:
            detail[new] = text

    if raw.status:
        status = clean_text(frame[raw.status])
        exclude(np.isin(status, raw.preview_values), "survey preview",
                f"{raw.status} = {raw.preview_values[0]}")
    if raw.finished and not keep_partial:
        finished = clean_text(frame[raw.finished], fold=True)
        exclude(np.isin(finished, list(FALSE_VALUES)),
                "partial response", f"{raw.finished} = False")
    id_col = cols[cb.respondent.id]
    exclude(clean_text(frame[id_col]) == "", "missing respondent id",
            f"column '{id_col}' is blank")
    if "role" in cb.respondent.attributes:
        role_col = cols[cb.respondent.attributes["role"]]
        exclude(clean_text(frame[role_col]) == "", "missing role",
                f"column '{role_col}' is blank")

    # answers -> numbers, item by item
    values: dict[str, np.ndarray] = {}
    unmapped_problems: list[Problem] = []
    lookups = {s: _scale_lookup(cb, s) for s in cb.scales}
    for item in cb.items:
        col = cols[item.column]
        lookup, low, high = lookups[item.scale]
        vals, bad = _map_answers(frame[col], lookup)
        if bad.any():
            answers = frame[col].to_numpy()[bad]
            counts = pd.Series(answers).value_counts()
            for answer, count in counts.items():
                if count >= 3 and count > max_unmapped_share * n:
                    first = int(raw.rows.to_numpy()[bad][answers == answer][0])
                    unmapped_problems.append(Problem(
                        f"answer '{answer}' ({count} rows) is not on scale '{item.scale}' of "
                        f"item '{item.item}'", raw.location(col, first),
                        f"add '{answer}' to scale '{item.scale}' in the codebook (null for "
                        "'no answer')"))
            text = np.array([f"answer '{a}' in column '{col}' is not on scale '{item.scale}'"
                             for a in frame[col].to_numpy()], dtype=object)
            exclude(bad, "unmapped answer", text)
        if item.reverse:
            vals = low + high - vals
        values[item.item] = vals
    if unmapped_problems:
        raise ValidationError(unmapped_problems, what=f"survey export {raw.file}")

    person_col = cols[cb.respondent.person_column]
    respondent_id = pseudonymize(frame[id_col], secret_bytes, prefix="r")
    person_id = pseudonymize(frame[person_col], secret_bytes)
    submitted = _times(frame, raw.submitted)
    duration = _durations(frame, raw)

    # duplicates among the rows still in: keep the latest submission (then the last row)
    dedupe = [cols[c] for c in cb.respondent.dedupe_on] or [person_col]
    alive = reason == None  # noqa: E711
    keys = pd.DataFrame({c: clean_text(frame[c], fold=True)[alive] for c in dedupe},
                        index=frame.index[alive])
    order = pd.DataFrame({"t": submitted[alive], "pos": np.flatnonzero(alive)})
    order.index = keys.index
    ranked = pd.concat([keys, order], axis=1).sort_values(["t", "pos"], na_position="first")
    dup = ranked.duplicated(subset=dedupe, keep="last")
    if dup.any():
        kept = ranked.drop_duplicates(subset=dedupe, keep="last")[[*dedupe, "pos"]]
        pairs = ranked.loc[dup, [*dedupe, "pos"]].merge(
            kept.rename(columns={"pos": "kept_pos"}), on=dedupe, how="left")
        rows_arr = raw.rows.to_numpy()
        mask = np.zeros(n, dtype=bool)
        mask[pairs["pos"].to_numpy()] = True
        text = np.full(n, "", dtype=object)
        text[pairs["pos"].to_numpy()] = [
            f"a later response of the same person is kept (row {rows_arr[k]})"
            for k in pairs["kept_pos"].to_numpy()]
        exclude(mask, "duplicate respondent", text)

    keep = reason == None  # noqa: E711
    attributes = {name: clean_text(frame[cols[c]])[keep]
                  for name, c in cb.respondent.attributes.items()}
    respondents = pd.DataFrame({
        "respondent_id": respondent_id.to_numpy()[keep],
        "person_id": person_id.to_numpy()[keep],
        **attributes,
        "submitted_at": submitted[keep],
        "duration_seconds": duration[keep],
        "source_row": raw.rows.to_numpy()[keep],
    })
    for name in attributes:
        respondents[name] = respondents[name].replace("", pd.NA).astype("string")
    respondents["respondent_id"] = respondents["respondent_id"].astype("string")
    respondents["person_id"] = respondents["person_id"].astype("string")

    responses = _melt(cb.items, values, keep, respondent_id.to_numpy(), person_id.to_numpy())
    excluded = pd.DataFrame({
        "source_row": raw.rows.to_numpy()[~keep],
        "respondent_id": pd.array(respondent_id.to_numpy()[~keep], dtype="string"),
        "reason": pd.Categorical(reason[~keep], categories=EXCLUSION_REASONS),
        "detail": detail[~keep].astype(str),
    })
    return SurveyData(responses, respondents.reset_index(drop=True), excluded, raw.layout,
                      raw.file, raw.encoding, n, cb)


def _times(frame: pd.DataFrame, column: str | None) -> np.ndarray:
    if column is None:
        return np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[ns]")
    parsed = pd.to_datetime(pd.Series(clean_text(frame[column])).replace("", None),
                            errors="coerce",
                            format="mixed", dayfirst=False)
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed.to_numpy(dtype="datetime64[ns]")


def _durations(frame: pd.DataFrame, raw: RawExport) -> np.ndarray:
    if raw.duration:
        return pd.to_numeric(pd.Series(clean_text(frame[raw.duration])),
                             errors="coerce").to_numpy(
            dtype="float64")
    if raw.started and raw.submitted:
        delta = _times(frame, raw.submitted) - _times(frame, raw.started)
        return delta.astype("timedelta64[ms]").astype("float64") / 1000.0
    return np.full(len(frame), np.nan)


def _melt(items: tuple[Item, ...], values: dict[str, np.ndarray], keep: np.ndarray,
          respondent_id: np.ndarray, person_id: np.ndarray) -> pd.DataFrame:
    """Stack the item columns of the kept rows into one row per present rating."""
    n_keep = int(keep.sum())
    if not items or n_keep == 0:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "value" else "string")
                             for c in RESPONSE_COLUMNS})
    matrix = np.column_stack([values[i.item][keep] for i in items])  # kept rows x items
    present = ~np.isnan(matrix)
    row_idx, item_idx = np.nonzero(present)  # row-major: respondent by respondent
    cat = pd.Categorical.from_codes

    def categorical(attr: str) -> pd.Categorical:
        labels = [getattr(i, attr) for i in items]
        uniques = list(dict.fromkeys(labels))
        codes = np.array([uniques.index(x) for x in labels], dtype=np.int16)[item_idx]
        return cat(codes, categories=uniques)

    rid = pd.Categorical(respondent_id[keep])
    pid = pd.Categorical(person_id[keep])
    return pd.DataFrame({
        "respondent_id": pd.Categorical.from_codes(rid.codes[row_idx], rid.categories),
        "person_id": pd.Categorical.from_codes(pid.codes[row_idx], pid.categories),
        "item": categorical("item"),
        "capability": categorical("capability"),
        "dimension": categorical("dimension"),
        "rater": categorical("rater"),
        "value": matrix[present],
    })
