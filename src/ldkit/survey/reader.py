"""read_survey: from a survey export as it comes to tidy, pseudonymous tables.

Every source row is accounted for: rows read = rows kept + rows excluded.
Exclusion reasons, in the order they are applied (the first that applies is
recorded): excluded by codebook (``exclude:``, with its reason), survey
preview, survey test, spam (Qualtrics response types and distribution
channel), partial response (Finished False, or the codebook's partial rule;
unless ``keep_partial``), missing respondent id, not on roster, missing role,
duplicate respondent (the latest response is kept).

An answer not on its scale (a label missing from the scale, a code outside
it) excludes that answer only: the respondent is kept, and ``excluded`` gets
a row naming the source row and the column (reason ``unmapped answer``). The
same unmapped answer in many rows means the codebook lacks a label: an error.

Names and e-mails are pseudonymized and dropped on load; a roster is joined
on its identifier before that.
"""

from __future__ import annotations

import ctypes
import itertools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ldkit._memory import large_arrays
from ldkit.codebook import Codebook, codebook_model_problems, read_codebook
from ldkit.errors import InputError, Problem, ValidationError
from ldkit.survey.layouts import CHANNEL_REASONS, RawExport, read_export, response_type_reason
from ldkit.survey.pseudonym import find_secret, pseudonymize

if TYPE_CHECKING:  # pragma: no cover
    from ldkit.codebook import Item

__all__ = ["DEFAULT_MIN_SHARE_ANSWERED", "EXCLUSION_REASONS", "SurveyData", "read_survey",
           "unknown_roles"]

EXCLUSION_REASONS = (
    "excluded by codebook",
    "survey preview",
    "survey test",
    "spam",
    "partial response",
    "missing respondent id",
    "not on roster",
    "missing role",
    "unmapped answer",  # an answer, not a row: the row is kept (column names the answer)
    "duplicate respondent",
)
ANSWER_REASONS = ("unmapped answer",)
#: For layouts without a Finished flag (SurveyMonkey, Microsoft Forms, Google Forms, tidy
#: without 'finished'), unless the codebook sets its own rule: a response answering fewer
#: than this share of the rating items is partial.
DEFAULT_MIN_SHARE_ANSWERED = 0.5
RESPONSE_COLUMNS = ["respondent_id", "person_id", "item", "capability", "dimension", "rater",
                    "value"]
FALSE_VALUES = {"false", "0", "no", "n", "f"}


class _Responses:
    """The ``responses`` field of :class:`SurveyData`: given as a DataFrame, or as the
    wide ratings of the rows read (:class:`_WideRatings`), stacked on first access and
    kept."""

    def __get__(self, obj: Any, owner: Any = None) -> pd.DataFrame:
        if obj is None:
            raise AttributeError("responses")  # a required field, without a default
        value = obj.__dict__["_responses"]
        if isinstance(value, _WideRatings):
            value = _stack_ratings([value])
            obj.__dict__["_responses"] = value
        return value

    def __set__(self, obj: Any, value: pd.DataFrame | _WideRatings) -> None:
        obj.__dict__["_responses"] = value
        obj.__dict__["_wide"] = value if isinstance(value, _WideRatings) else None


@dataclass(frozen=True)
class SurveyData:
    """A survey export read against its codebook.

    Attributes
    ----------
    responses : DataFrame
        One row per rating: respondent_id, person_id, item, capability,
        dimension, rater, value (float, on the codebook scale, reverse-scored
        items already reversed). Stacked from the answers read on first access
        (:func:`ldkit.needs.combine_surveys` stacks several surveys from there
        without building each survey's table).
    respondents : DataFrame
        One row per kept response: respondent_id, person_id, the codebook's
        attributes, submitted_at, duration_seconds, source_row. Never a name
        or an e-mail.
    excluded : DataFrame
        One row per source row not used, and one per answer not used (an
        answer not on its scale, its ``column`` named): source_row,
        respondent_id (pseudonym, if known), reason, detail, column ("" for a
        whole row).
    source : str
        The detected layout (``qualtrics``, ``qualtrics_legacy``,
        ``surveymonkey``, ``msforms``, ``googleforms``, ``tidy``).
    roster : DataFrame or None
        With a codebook ``roster:``, one row per person on it: person_id
        (pseudonym of the roster key), the roster attributes (identifying ones
        pseudonymized), responded (a kept response), respondent_id.
    """

    responses: pd.DataFrame = _Responses()  # type: ignore[assignment]
    respondents: pd.DataFrame
    excluded: pd.DataFrame
    source: str
    file: str
    encoding: str | None
    rows_read: int
    codebook: Codebook = field(repr=False)
    roster: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def rows_kept(self) -> int:
        return len(self.respondents)

    @property
    def rows_excluded(self) -> int:
        """Source rows excluded whole (answer-level exclusions are not rows)."""
        return int((self.excluded["column"] == "").sum())

    def counts(self) -> pd.DataFrame:
        """Rows read, kept, and excluded by reason (they reconcile), then answers excluded."""
        whole = self.excluded[self.excluded["column"] == ""]
        by_reason = whole["reason"].value_counts()
        rows = [("rows read", self.rows_read), ("rows kept", self.rows_kept)]
        rows += [(f"excluded: {r}", int(by_reason.get(r, 0))) for r in EXCLUSION_REASONS
                 if r not in ANSWER_REASONS]
        answers = self.excluded[self.excluded["column"] != ""]["reason"].value_counts()
        rows += [(f"answers excluded: {r}", int(answers.get(r, 0))) for r in ANSWER_REASONS]
        if self.roster is not None:
            rows += [("on roster", len(self.roster)),
                     ("on roster, responded", int(self.roster["responded"].sum()))]
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


def _factorize_cells(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize`` of a column of text cells, grouping the cells by string object.

    pandas' CSV parser gives the identical cells of a column one string object (per
    chunk of rows, and Python keeps one object per single character), so the 100,000
    cells of a rating column point to a handful of objects: grouping them by address
    (the object pointers of the array, read as integers) is a factorization of
    integers, four times faster than hashing 100,000 strings. The same text held by two
    objects keeps two codes: callers work out each code's text, to the same result.
    Missing cells (None, NaN), and columns of many distinct objects (identifiers), take
    ``pd.factorize``. Returns codes (-1: missing) and one object per code.
    """
    values = col.to_numpy() if isinstance(col, pd.Series) else np.asarray(col)
    if values.dtype == object and values.ndim == 1 and values.flags.c_contiguous and len(
            values):
        address = np.ctypeslib.as_array(
            (ctypes.c_ssize_t * len(values)).from_address(values.ctypes.data))
        codes, where = pd.factorize(address)
        if len(where) * 50 <= len(values):
            # the objects themselves, by address (alive: ``values`` holds them)
            objects = [ctypes.cast(int(a), ctypes.py_object).value for a in where]
            if all(isinstance(o, str) for o in objects):
                return codes, np.array([*objects, ""], dtype=object)[:-1]
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, np.asarray(uniques, dtype=object)


def clean_text(col: pd.Series, *, fold: bool = False) -> np.ndarray:
    """Trimmed (and case-folded) text of a column as an object array; missing -> "".

    Works on the distinct values only (a survey column has few), so it stays fast on
    100,000-row exports where a per-cell ``.str.strip()`` would not.
    """
    codes, uniques = _factorize_cells(col)
    cleaned = [str(u).strip() for u in uniques]
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
    if cb.roster is not None:
        wanted.append((cb.roster.match, None, "roster match"))
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
            names = {"qualtrics": "Qualtrics", "qualtrics_legacy": "Qualtrics legacy",
                     "surveymonkey": "SurveyMonkey", "msforms": "Microsoft Forms",
                     "googleforms": "Google Forms"}
            tried = "; ".join(f"{names[k]} (no {v})" for k, v in raw.tried.items()
                              if k in names)
            raise InputError(
                f"is of an unknown layout: not {tried}; nor a tidy export with the "
                f"codebook's id column '{cb.respondent.id}'",
                location=raw.location(), hint="give the layout with --source (qualtrics, "
                "qualtrics_legacy, surveymonkey, msforms, googleforms, tidy), or check the "
                "codebook's respondent id")
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


def _dedupe_codes(columns: list[pd.Series]) -> np.ndarray:
    """One integer per row for its values of ``columns`` after trimming and case
    folding (a missing cell as blank): rows with equal numbers are one person."""
    combined = np.zeros(len(columns[0]), dtype=np.int64)
    for col in columns:
        codes, uniques = _factorize_cells(col)
        texts = np.array([*(str(u).strip().casefold() for u in uniques), ""], dtype=object)
        text_codes, distinct = pd.factorize(texts)
        combined = pd.factorize(combined * len(distinct) + text_codes[codes])[0]
    return combined


def _map_answers(col: pd.Series, lookup: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """Values (NaN for blank) and a mask of non-blank answers that map to nothing."""
    codes, uniques = _factorize_cells(col)
    texts = (str(u).strip().casefold() for u in uniques)
    mapped = np.array([lookup.get(u, np.inf) if u != "" else np.nan for u in texts] + [np.nan],
                      dtype="float64")
    values = mapped[codes]
    bad = np.isinf(values)
    values[bad] = np.nan
    return values, bad


@large_arrays
def read_survey(
    path: str | Path,
    codebook: Codebook | str | Path,
    *,
    source: str = "auto",
    secret: str | bytes | None = None,
    keep_partial: bool = False,
    max_unmapped_share: float = 0.05,
    model: Any = None,
) -> SurveyData:
    """Read a survey export as it comes, against its codebook.

    Parameters
    ----------
    path : str or Path
        The export (.csv or .xlsx) as downloaded; it is never modified.
    codebook : Codebook, str or Path
        The codebook, or the path of its YAML or workbook.
    source : {"auto", "qualtrics", "qualtrics_legacy", "surveymonkey", "msforms", \
"googleforms", "tidy"}
        The layout; detected from the header rows by default.
    secret : str or bytes, optional
        Pseudonymization secret (see :mod:`ldkit.survey.pseudonym` for where it is
        found when not given).
    keep_partial : bool
        Keep partial responses (Qualtrics Finished False, or the codebook's rule).
    max_unmapped_share : float
        An unmapped answer is an excluded answer; but the same unmapped answer in the
        same column in more than this share of rows (and at least 3) means the
        codebook lacks a label, and raises an error instead.
    model : CapabilityModel, optional
        When given, a codebook item naming a capability the model lacks (or a
        ``roles:`` target that is not a model role) is an error.

    Returns
    -------
    SurveyData

    Raises
    ------
    InputError
        An unknown layout, a codebook column missing from the export, an answer
        label missing from its scale in many rows, an unknown response type, an
        ``exclude:`` entry matching no response, a bad roster; each names file,
        row and column.
    """
    from ldkit._params import check_number

    check_number("max_unmapped_share", max_unmapped_share, func="read_survey", low=0, high=1)
    cb = codebook if isinstance(codebook, Codebook) else read_codebook(codebook)
    if model is not None:
        model_problems = codebook_model_problems(cb, model)
        if model_problems:
            raise ValidationError(model_problems, what=f"codebook {cb.file or ''} against "
                                  "the model")
    raw = read_export(path, source=source)
    cols = _resolve_columns(raw, cb)
    roster = None
    if cb.roster is not None:
        from ldkit.survey.roster import read_roster

        roster = read_roster(cb.roster, codebook_file=cb.file)
    frame, n = raw.frame, len(raw.frame)
    secret_bytes = find_secret(secret, near=Path(path).parent)
    rows_arr = raw.rows.to_numpy()

    reason = np.full(n, None, dtype=object)
    detail = np.full(n, "", dtype=object)

    def exclude(mask: np.ndarray, why: str, text: Any = "") -> None:
        new = mask & (reason == None)  # noqa: E711 - elementwise on an object array
        reason[new] = why
        if isinstance(text, np.ndarray):
            detail[new] = text[new]
        else:
            detail[new] = text

    problems: list[Problem] = []
    # 1. the consultant's exclusions, by respondent id or e-mail
    if cb.exclude:
        _exclude_listed(raw, cb, cols, exclude, problems)
    # 2. tests and spam: Qualtrics response type, distribution channel
    if raw.status:
        status = clean_text(frame[raw.status])
        if raw.status_codes:
            for value in pd.unique(status):
                known, why = response_type_reason(value)
                if not known:
                    first = int(rows_arr[status == value][0])
                    problems.append(Problem(
                        f"response type '{value}' is not one Qualtrics documents",
                        raw.location(raw.status, first),
                        "expected IP Address, Survey Preview, Survey Test, Imported, Spam, "
                        "Offline or their codes (0, 1, 2, 4, 8, 16 and sums)"))
                elif why is not None:
                    exclude(status == value, why, f"{raw.status} = {value}")
        else:
            exclude(np.isin(status, raw.preview_values), "survey preview",
                    f"{raw.status} = {raw.preview_values[0] if raw.preview_values else ''}")
    if raw.channel:
        channel = clean_text(frame[raw.channel], fold=True)
        for value, why in CHANNEL_REASONS.items():
            exclude(channel == value, why, f"{raw.channel} = {value}")
    # 3. partial responses
    if not keep_partial:
        if raw.finished:
            finished = clean_text(frame[raw.finished], fold=True)
            exclude(np.isin(finished, list(FALSE_VALUES)),
                    "partial response", f"{raw.finished} = False")
        _exclude_partial(raw, cb, cols, exclude)
    # 4. who the respondent is
    id_col = cols[cb.respondent.id]
    # blank (after trimming) where the cell is: the pseudonym is missing exactly there
    respondent_id = pseudonymize(frame[id_col], secret_bytes, prefix="r")
    exclude(respondent_id.isna().to_numpy(), "missing respondent id",
            f"column '{id_col}' is blank")
    matched = None
    if roster is not None:
        match_col = cols[cb.roster.match]
        keys = clean_text(frame[match_col], fold=True)
        position = pd.Index(roster["key"]).get_indexer(keys)
        matched = position
        exclude(position < 0, "not on roster",
                f"'{match_col}' not found in roster column '{cb.roster.key}'")
    role_values, role_why = _role_source(frame, cb, cols, roster, matched)
    if role_values is not None:
        exclude(role_values == "", "missing role", role_why)
    if problems:
        raise ValidationError(problems, what=f"survey export {raw.file}")

    # answers -> numbers, item by item (one column each, rows as in the export); an answer
    # off its scale is dropped, not its row
    values = np.empty((n, len(cb.items)), dtype="float64", order="F")  # filled by column
    unmapped: dict[str, np.ndarray] = {}
    unmapped_problems: list[Problem] = []
    lookups = {s: _scale_lookup(cb, s) for s in cb.scales}
    for j, item in enumerate(cb.items):
        col = cols[item.column]
        lookup, low, high = lookups[item.scale]
        vals, bad = _map_answers(frame[col], lookup)
        if bad.any():
            answers = frame[col].to_numpy()[bad]
            counts = pd.Series(answers).value_counts()
            for answer, count in counts.items():
                if count >= 3 and count > max_unmapped_share * n:
                    first = int(rows_arr[bad][answers == answer][0])
                    unmapped_problems.append(Problem(
                        f"answer '{answer}' ({count} rows) is not on scale '{item.scale}' of "
                        f"item '{item.item}'", raw.location(col, first),
                        f"add '{answer}' to scale '{item.scale}' in the codebook (null for "
                        "'no answer')"))
            unmapped[item.item] = bad
        if item.reverse:
            vals = low + high - vals
        values[:, j] = vals
    if unmapped_problems:
        raise ValidationError(unmapped_problems, what=f"survey export {raw.file}")

    person_col = cols[cb.respondent.person_column]
    person_id = pseudonymize(frame[person_col], secret_bytes)
    submitted = _times(frame, raw.submitted)
    duration = _durations(frame, raw, submitted)

    # duplicates among the rows still in: keep the latest submission (then the last row)
    dedupe = [cols[c] for c in cb.respondent.dedupe_on] or [person_col]
    alive = reason == None  # noqa: E711
    pos = np.flatnonzero(alive)
    person = _dedupe_codes([frame[c] for c in dedupe])[alive]  # one number per person
    # by time (missing first: NaT is the smallest int64), then row; one lexsort on numbers
    by_time = np.lexsort((pos, submitted[alive].view("int64")))
    person, pos = person[by_time], pos[by_time]
    dup = pd.Series(person).duplicated(keep="last").to_numpy()
    if dup.any():
        kept_at = np.full(int(person.max()) + 1, -1)
        kept_at[person[~dup]] = pos[~dup]  # the last response of each person is kept
        mask = np.zeros(n, dtype=bool)
        mask[pos[dup]] = True
        text = np.full(n, "", dtype=object)
        text[pos[dup]] = [f"a later response of the same person is kept (row {rows_arr[k]})"
                          for k in kept_at[person[dup]]]
        exclude(mask, "duplicate respondent", text)

    keep = reason == None  # noqa: E711
    attributes = {name: clean_text(frame[cols[c]])[keep]
                  for name, c in cb.respondent.attributes.items()}
    if roster is not None:
        for name in cb.roster.attributes:
            column = roster[name].to_numpy(dtype=object)
            attributes[name] = column[matched[keep]]
            if name in cb.roster.pseudonymize:
                hashed = pseudonymize(pd.Series(attributes[name]), secret_bytes)
                attributes[name] = hashed.fillna("").to_numpy(dtype=object)
    for name, value in cb.respondent.constants.items():
        attributes[name] = np.full(int(keep.sum()), value, dtype=object)
    if cb.roles and "role" in attributes:
        mapping = {k.strip().casefold(): v for k, v in cb.roles.items()}
        attributes["role"] = np.array([mapping.get(str(v).strip().casefold(), v)
                                       for v in attributes["role"]], dtype=object)
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

    ratings = _WideRatings(cb.items, values[keep], respondent_id.to_numpy()[keep],
                           person_id.to_numpy()[keep])
    del values
    rid = respondent_id.to_numpy()
    parts = [pd.DataFrame({
        "source_row": rows_arr[~keep],
        "respondent_id": pd.array(rid[~keep], dtype="string"),
        "reason": reason[~keep],
        "detail": detail[~keep].astype(str),
        "column": "",
    })]
    for item in cb.items:  # answers dropped from kept rows, item by item
        if item.item not in unmapped:
            continue
        col = cols[item.column]
        hit = unmapped[item.item] & keep
        if hit.any():
            answers = frame[col].to_numpy()[hit]
            parts.append(pd.DataFrame({
                "source_row": rows_arr[hit],
                "respondent_id": pd.array(rid[hit], dtype="string"),
                "reason": "unmapped answer",
                "detail": [f"answer '{a}' in column '{col}' is not on scale '{item.scale}'; "
                           "that answer is left out" for a in answers],
                "column": col,
            }))
    excluded = pd.concat(parts, ignore_index=True).sort_values(
        ["source_row", "column"], kind="stable").reset_index(drop=True)
    excluded["reason"] = pd.Categorical(excluded["reason"], categories=EXCLUSION_REASONS)
    excluded["source_row"] = excluded["source_row"].astype("int64")
    roster_table = None
    if roster is not None:
        roster_table = _roster_table(roster, cb, secret_bytes, matched, keep, rid)
    return SurveyData(ratings, respondents.reset_index(drop=True), excluded, raw.layout,
                      raw.file, raw.encoding, n, cb, roster_table)


def _exclude_listed(raw: RawExport, cb: Codebook, cols: dict[str, str], exclude: Any,
                    problems: list[Problem]) -> None:
    """The codebook's ``exclude:`` entries, matched on the respondent id, the person
    column, the roster match column and identifier columns holding e-mails (never on
    names, which two people may share)."""
    mails = [c for c in cb.respondent.identifiers if "mail" in c.casefold()]
    names = [cb.respondent.id, cb.respondent.person_column, *mails]
    if cb.roster is not None:
        names.append(cb.roster.match)
    columns = list(dict.fromkeys(c for c in (cols.get(n) or raw.resolve(n) for n in names)
                                 if c is not None))
    texts = [clean_text(raw.frame[c], fold=True) for c in columns]
    for entry in cb.exclude:
        target = entry.value.casefold()
        mask = np.zeros(len(raw.frame), dtype=bool)
        for t in texts:
            mask |= t == target
        if not mask.any():
            problems.append(Problem(
                f"codebook excludes '{entry.value}', which matches no response",
                entry.source, f"it is looked for in {', '.join(repr(c) for c in columns)}"))
            continue
        exclude(mask, "excluded by codebook", entry.reason)


def _exclude_partial(raw: RawExport, cb: Codebook, cols: dict[str, str], exclude: Any) -> None:
    """The codebook's partial-response rule (or the default for layouts without Finished).

    Answered means any non-blank text, 'Not applicable' and off-scale answers
    included. Trailing blanks count the rating columns left blank after the last
    answered one, in the export's column order.
    """
    rule = cb.partial
    min_share, max_trailing = rule.min_share_answered, rule.max_trailing_blank
    if min_share is None and max_trailing is None:
        if raw.finished is not None:
            return
        min_share = DEFAULT_MIN_SHARE_ANSWERED
    order = {c: i for i, c in enumerate(raw.frame.columns)}
    columns = sorted(dict.fromkeys(cols[i.column] for i in cb.items), key=order.__getitem__)
    if not columns:
        return
    answered = np.column_stack([clean_text(raw.frame[c]) != "" for c in columns])
    k = answered.shape[1]
    n_answered = answered.sum(axis=1)
    if min_share is not None:
        short = n_answered < min_share * k
        text = np.array([f"{a} of {k} rating items answered (the rule asks at least "
                         f"{min_share:.0%})" for a in n_answered], dtype=object)
        exclude(short, "partial response", text)
    if max_trailing is not None:
        last = np.where(answered.any(axis=1), k - 1 - np.argmax(answered[:, ::-1], axis=1), -1)
        trailing = k - 1 - last
        stopped = trailing > max_trailing
        text = np.array([f"the last {t} of {k} rating items are blank (the rule allows "
                         f"{max_trailing})" for t in trailing], dtype=object)
        exclude(stopped, "partial response", text)


def _role_source(frame: pd.DataFrame, cb: Codebook, cols: dict[str, str],
                 roster: pd.DataFrame | None, matched: np.ndarray | None
                 ) -> tuple[np.ndarray | None, str]:
    """Each row's role text from the export or the roster, and why a blank is blank."""
    if "role" in cb.respondent.attributes:
        values = clean_text(frame[cols[cb.respondent.attributes["role"]]])
        why = f"column '{cols[cb.respondent.attributes['role']]}' is blank"
    elif roster is not None and "role" in cb.roster.attributes:
        known = roster["role"].to_numpy(dtype=object)
        values = np.where(matched >= 0, known[np.maximum(matched, 0)], "x").astype(object)
        why = f"the roster's '{cb.roster.attributes['role']}' is blank"
    else:
        return None, ""
    return np.asarray(values, dtype=object), why


def _roster_table(roster: pd.DataFrame, cb: Codebook, secret: bytes, matched: np.ndarray,
                  keep: np.ndarray, respondent_id: np.ndarray) -> pd.DataFrame:
    """One row per person on the roster: pseudonym, attributes, whether they responded."""
    responded_at = np.full(len(roster), -1)
    kept_rows = np.flatnonzero(keep)
    responded_at[matched[kept_rows]] = kept_rows
    table = pd.DataFrame({"person_id": pseudonymize(roster["key"], secret).astype("string")})
    for name in cb.roster.attributes:
        column = roster[name]
        if name in cb.roster.pseudonymize:
            column = pseudonymize(column, secret)
        table[name] = column.replace("", pd.NA).astype("string").to_numpy()
    if cb.roles and "role" in table.columns:
        mapping = {k.strip().casefold(): v for k, v in cb.roles.items()}
        table["role"] = table["role"].map(
            lambda v: mapping.get(str(v).strip().casefold(), v) if pd.notna(v) else v
        ).astype("string")
    table["responded"] = responded_at >= 0
    table["respondent_id"] = pd.array(
        [respondent_id[i] if i >= 0 else None for i in responded_at], dtype="string")
    return table


def unknown_roles(data: SurveyData, model: Any) -> pd.DataFrame:
    """Kept respondents whose role is not a role of the model (by id or name, any case).

    They get no gap scores; the table lists them so nobody is silently left out:
    respondent_id, source_row, role.
    """
    from ldkit.needs.gaps import _role_ids

    people = data.respondents
    if "role" not in people.columns:
        return pd.DataFrame({"respondent_id": pd.Series(dtype="string"),
                             "source_row": pd.Series(dtype="int64"),
                             "role": pd.Series(dtype="string")})
    ids = _role_ids(people, model)
    missing = ids.isna().to_numpy()
    return people.loc[missing, ["respondent_id", "source_row", "role"]].reset_index(drop=True)


def _times(frame: pd.DataFrame, column: str | None) -> np.ndarray:
    """Times of a column as local wall time (datetime64[ns]); blank or unreadable -> NaT.

    ISO 8601 text (Qualtrics, Microsoft Forms, tidy exports) is parsed in one pass
    (pandas' ISO 8601 parser trims each cell and reads a blank one as NaT); any other
    text (Google Forms, SurveyMonkey dates, a cell of spaces) goes the general way.
    """
    if column is None:
        return np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[ns]")
    try:
        parsed = pd.to_datetime(frame[column], format="ISO8601")
    except (ValueError, TypeError, OverflowError):
        text = pd.Series(clean_text(frame[column])).replace("", None)
        try:
            parsed = pd.to_datetime(text, format="ISO8601")
        except (ValueError, TypeError, OverflowError):
            # Google Forms writes '2026/04/06 9:12:03 AM GMT+2': keep the local wall time,
            # as the other layouts give it (dateutil would read 'GMT+2' with the POSIX
            # sign, as UTC-2)
            text = text.str.replace(r"\s*(?:GMT|UTC)[+-]\d{1,2}(?::?\d{2})?$", "", regex=True)
            parsed = pd.to_datetime(text, errors="coerce", format="mixed", dayfirst=False)
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed.to_numpy(dtype="datetime64[ns]")


def _durations(frame: pd.DataFrame, raw: RawExport, submitted: np.ndarray) -> np.ndarray:
    """Seconds per response: the layout's duration column, else submitted - started."""
    if raw.duration:
        return pd.to_numeric(pd.Series(clean_text(frame[raw.duration])),
                             errors="coerce").to_numpy(
            dtype="float64")
    if raw.started and raw.submitted:
        delta = submitted - _times(frame, raw.started)
        return delta.astype("timedelta64[ms]").astype("float64") / 1000.0
    return np.full(len(frame), np.nan)


@dataclass(frozen=True, eq=False)
class _WideRatings:
    """The ratings of the kept rows as read: a rows x items matrix, stacked on demand.

    ``values`` holds one column per codebook item (NaN: no rating), ``respondent_id``
    and ``person_id`` the pseudonyms of its rows. :func:`_stack_ratings` stacks one or
    several of them into the tidy ``responses`` table (one row per present rating,
    rows in order, each row's items in codebook order), once: a survey's
    ``responses`` and :func:`ldkit.needs.combine_surveys` both stack from here, so
    that 100,000 respondents x 180 items are never stacked twice.
    """

    items: tuple[Item, ...]
    values: np.ndarray
    respondent_id: np.ndarray
    person_id: np.ndarray


def _empty_responses() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64" if c == "value" else "string")
                         for c in RESPONSE_COLUMNS})


def _codes_dtype(n: int) -> type:
    """The smallest integer type of the codes of ``n`` categories (and -1)."""
    return np.int8 if n < 2**7 else np.int16 if n < 2**15 else np.int32 if n < 2**31 else (
        np.int64)


def _union_codes(parts: list[pd.Categorical]) -> tuple[pd.Index, type, list[np.ndarray | None]]:
    """Categories of ``union_categoricals(parts, ignore_order=True)`` (the first part's
    categories first, in their order, then each further part's new ones), the codes'
    dtype, and per part the lookup from its codes to union codes (None: the same)."""
    categories = parts[0].categories.append([p.categories for p in parts[1:]]).unique()
    dtype = _codes_dtype(len(categories))
    lookups: list[np.ndarray | None] = []
    for k, part in enumerate(parts):
        position = (np.arange(len(part.categories)) if k == 0 else
                    categories.get_indexer_for(part.categories))
        if np.array_equal(position, np.arange(len(position))):
            lookups.append(None)
        else:
            lookups.append(np.append(position, -1).astype(dtype))  # code -1 stays -1
    return categories, dtype, lookups


@dataclass(frozen=True, eq=False)
class _Stacked:
    """A table of stacked ratings and where its rows come from: per part (survey), the
    code of each row's person and of each item's capability in the table's categories."""

    frame: pd.DataFrame
    parts: list[_WideRatings]
    person_codes: list[np.ndarray]
    item_capability: list[np.ndarray]


def _stack_ratings(parts: list[_WideRatings]) -> pd.DataFrame | None:
    """The tidy ratings of several surveys stacked in order, built once from their wide
    matrices: the ``responses`` of each, stacked as :func:`ldkit.needs.combine_surveys`
    stacks them (categoricals over the union of their categories).

    Built on category codes (a respondent's code repeated over their ratings, an item's
    code over its respondents), never on strings: 100,000 respondents x 180 items make
    18 million rows. None where the categories of a column are of different kinds
    across the parts (the general way, ``union_categoricals``, decides then).
    """
    stacked = _stack_ratings_from(parts)
    return None if stacked is None else stacked.frame


def _stack_ratings_from(parts: list[_WideRatings], *, locked: bool = False
                        ) -> _Stacked | None:
    """:func:`_stack_ratings`, with where the rows come from; ``locked``: the values
    column read-only (see :func:`ldkit.needs.gaps._stack_unread`)."""
    if any(not p.items or not len(p.values) for p in parts):
        # no ratings in a part: its table is the empty one, whose columns are text
        return _Stacked(_empty_responses(), parts, [], []) if len(parts) == 1 else None
    present = [~np.isnan(p.values) for p in parts]
    with ThreadPoolExecutor(max_workers=2) as pool:
        # the numeric columns in the pool (numpy releases the GIL), the pseudonyms here
        values = pool.submit(_stack_values, parts, present)
        items = pool.submit(_stack_items, parts, present)
        per_row = np.concatenate([m.sum(axis=1) for m in present])  # ratings of each row
        columns: dict[str, Any] = {}
        for col in ("respondent_id", "person_id"):
            union = _pseudonym_union([getattr(p, col) for p in parts])
            if union is None:  # not plain text: each part's categories, then their union
                cats = [_pseudonym_categorical(getattr(p, col)) for p in parts]
                if len({str(c.categories.dtype) for c in cats}) > 1:
                    return None
                categories, _, lookups = _union_codes(cats)
                row_codes = [c.codes if lookup is None else lookup[c.codes]
                             for c, lookup in zip(cats, lookups, strict=True)]
            else:
                categories, row_codes = union
            if col == "person_id":
                person_codes = row_codes
            codes = np.concatenate(row_codes).astype(_codes_dtype(len(categories)), copy=False)
            columns[col] = pd.Categorical.from_codes(np.repeat(codes, per_row),
                                                     dtype=_distinct_dtype(categories),
                                                     validate=False)
        if items.result() is None:
            return None
        columns.update(items.result()[0])
        columns["value"] = values.result()
        columns["value"].flags.writeable = not locked
    frame = pd.DataFrame({c: columns[c] for c in RESPONSE_COLUMNS}, copy=False)
    return _Stacked(frame, parts, person_codes, items.result()[1])


def _distinct_dtype(categories: Any) -> pd.CategoricalDtype:
    """``pd.CategoricalDtype(categories)`` of categories known to be distinct (the
    uniques of a factorization), without pandas hashing 200,000 pseudonyms again to
    check it; the public constructor where pandas lacks that path."""
    fast = getattr(pd.CategoricalDtype, "_from_fastpath", None)
    if fast is not None:
        try:
            return fast(categories, False)
        except TypeError:  # pragma: no cover - a pandas with another signature
            pass
    return pd.CategoricalDtype(categories)


def _stack_values(parts: list[_WideRatings], present: list[np.ndarray]) -> np.ndarray:
    """The present values of the parts' matrices in row order, into one array, a block of
    rows at a time (no full-size temporary)."""
    out = np.empty(sum(int(m.sum()) for m in present))
    at, step = 0, 1 << 14
    for part, mask in zip(parts, present, strict=True):
        for start in range(0, len(mask), step):
            block = part.values[start:start + step][mask[start:start + step]]
            out[at:at + len(block)] = block
            at += len(block)
    return out


def _stack_items(parts: list[_WideRatings], present: list[np.ndarray]
                 ) -> tuple[dict[str, pd.Categorical], list[np.ndarray]] | None:
    """The item, capability, dimension and rater columns of :func:`_stack_ratings`: the
    item (a column of one part) of each rating numbered across the parts, once; its
    attributes by lookup. And per part the capability code of each item. None where
    their categories are of different kinds."""
    widths = [len(p.items) for p in parts]
    item_at = np.concatenate([
        np.broadcast_to(np.arange(offset, offset + width, dtype=np.int16), m.shape)[m]
        for offset, width, m in zip(np.cumsum([0, *widths]), widths, present, strict=False)])
    columns = {}
    for attr in ("item", "capability", "dimension", "rater"):
        cats = []
        for p in parts:
            labels = [getattr(i, attr) for i in p.items]
            uniques = list(dict.fromkeys(labels))
            cats.append(pd.Categorical.from_codes(
                np.array([uniques.index(x) for x in labels], dtype=np.int32),
                dtype=pd.CategoricalDtype(uniques), validate=False))
        if len({str(c.categories.dtype) for c in cats}) > 1:
            return None
        categories, dtype, lookups = _union_codes(cats)
        lookup = np.concatenate([c.codes if lk is None else lk[c.codes]
                                 for c, lk in zip(cats, lookups, strict=True)]).astype(dtype)
        columns[attr] = pd.Categorical.from_codes(lookup[item_at],
                                                  dtype=pd.CategoricalDtype(categories),
                                                  validate=False)
        if attr == "capability":
            item_capability = np.split(lookup.astype(np.int64), np.cumsum(widths)[:-1])
    return columns, item_capability


def _pseudonym_union(parts: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]] | None:
    """The categories and, per part, the codes of the union of ``_pseudonym_categorical``
    of each part (the first part's sorted pseudonyms, then each further part's new ones,
    sorted): one factorization of all parts at once. None if a value is not plain text
    or missing.
    """
    lengths = [len(p) for p in parts]
    codes, uniques = pd.factorize(np.concatenate(parts), use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)
    if not all(isinstance(u, str) and "\0" not in u for u in uniques):
        return None
    # uniques come in order of first appearance: those new in part k are one run of codes
    ends = np.cumsum(lengths)
    starts = ends - np.asarray(lengths)
    new_until = [0]
    for a, b in zip(starts, ends, strict=True):
        new_until.append(max(new_until[-1], int(codes[a:b].max()) + 1 if b > a else 0))
    order = np.concatenate([
        start + np.argsort(_sortable(uniques[start:stop]), kind="stable")
        for start, stop in itertools.pairwise(new_until)])
    rank = np.empty(len(uniques) + 1, dtype=_codes_dtype(len(uniques)))
    rank[order] = np.arange(len(order))
    rank[-1] = -1  # missing stays missing
    return uniques[order], [rank[codes[a:b]] for a, b in zip(starts, ends, strict=True)]


def _sortable(texts: np.ndarray) -> np.ndarray:
    """Text without NUL as fixed-width numpy strings that sort in code point order, as
    ``str`` does: bytes where it is all ASCII (pseudonyms are; a quarter of the memory
    to compare), else UCS-4."""
    try:
        return texts.astype("S")
    except UnicodeEncodeError:
        return texts.astype(str)


def _pseudonym_categorical(ids: np.ndarray) -> pd.Categorical:
    """``pd.Categorical(ids)`` of pseudonyms (text or missing), the distinct values sorted
    as fixed-width text by numpy rather than as Python objects (100,000 of them)."""
    codes, uniques = pd.factorize(ids, use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)
    if not all(isinstance(u, str) and "\0" not in u for u in uniques):
        return pd.Categorical(ids)  # not plain text: the general way
    order = np.argsort(uniques.astype(str), kind="stable")  # code point order, as str
    rank = np.empty(len(order) + 1, dtype=np.int64)
    rank[order] = np.arange(len(order))
    rank[-1] = -1  # missing stays missing
    return pd.Categorical.from_codes(rank[codes], dtype=pd.CategoricalDtype(uniques[order]),
                                     validate=False)
