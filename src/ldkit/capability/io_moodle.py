"""Capability model <-> Moodle competency-framework CSV (admin tool ``tool_lpimportcsv``).

Moodle imports a framework from a CSV of 14 columns, in this order
(``framework_importer::list_required_headers``)::

    Parent ID number, ID number, Short name, Description, Description format,
    Scale values, Scale configuration, Rule type (optional),
    Rule outcome (optional), Rule config (optional),
    Cross-referenced competency ID numbers, Exported ID (optional),
    Is framework, Taxonomy

Older Moodle releases wrote 12 columns (no cross-references, no exported
id); both layouts are read by their header names.

How the model maps onto it:

- the first row is the framework (``Is framework`` = 1): ID number = model id,
  Short name = model name, Scale values = the default scale's labels, and
  Scale configuration = ``[{"scaleid": "<scale id>"}, {"id": 1,
  "scaledefault": 1, "proficient": 0}, ...]``: one entry per level, the
  lowest level is the default, levels from ``Scale.proficient`` up are
  proficient. Taxonomy = ``domain,competency``.
- each domain is a top-level competency; each capability a competency whose
  parent is its domain. A capability rated on another scale carries that
  scale in its own Scale values / configuration.
- descriptions are HTML (format 1). A capability's description holds its
  definition and its behavioural indicators as a list (``Level 2: ...``).
  The framework's description holds the model description, the scales
  (value, label, description) and the role requirements as tables: Moodle
  frameworks have no roles, so they travel as readable tables there, and
  :func:`read_moodle_csv` reads them back into the same model.

Frameworks written by Moodle or by hand can be deeper. Reading maps each
depth of the competency tree to one ldkit part, given by ``levels`` (see
:data:`LEVEL_ROLES`); by default a tree of depth 2 is domain > capability,
depth 3 domain > capability > indicator, and deeper trees put groups above
(``group`` competencies only organise the tree and are listed in the mapping,
not in the model). Child competencies read as behavioural indicators describe
the capability's proficient level and the levels above it; the levels below
read "Not yet: ..." the same behaviours. :func:`read_moodle_framework` returns
the model with the mapping of every competency and the choices made.

Moodle reads the CSV with PHP's ``fgetcsv`` (``csv_import_reader``), where a
backslash escapes the next character and is kept: the writer writes fields as
PHP's ``fputcsv`` does (a quote after a backslash is not doubled), writes
backslashes in HTML as ``&#92;``, and refuses a short name, ID number or scale
field that ``fgetcsv`` cannot read back (a backslash before a quote or at the
end) or that Moodle would cut at 100 characters. A plain field starting with
``=``, ``+``, ``-``, ``@``, tab or carriage return is prefixed with ``'`` (OWASP
CSV injection) and the prefix is removed again on reading.

References: moodle/moodle, admin/tool/lpimportcsv/classes/framework_importer.php,
framework_exporter.php, tests/fixtures/example.csv; lib/csvlib.class.php
(``csv_import_reader::load_csv_content``); php-src ext/standard/file.c
(``php_fgetcsv``, ``php_fputcsv``); OWASP, "CSV Injection".
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ldkit.capability.io_yaml import finish
from ldkit.capability.model import (
    Capability,
    CapabilityModel,
    Domain,
    Level,
    Requirement,
    Role,
    Scale,
    _as_int,
)
from ldkit.errors import InputError, Location, Problem, ValidationError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "LEVEL_ROLES",
    "MOODLE_COLUMNS",
    "MOODLE_MAX_NAME",
    "MoodleFramework",
    "decode_moodle_text",
    "read_moodle_csv",
    "read_moodle_framework",
    "write_moodle_csv",
]

MOODLE_COLUMNS = (
    "Parent ID number",
    "ID number",
    "Short name",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross-referenced competency ID numbers",
    "Exported ID (optional)",
    "Is framework",
    "Taxonomy",
)
# The 12 columns of older Moodle releases (framework_importer's own comment).
MOODLE_COLUMNS_12 = tuple(c for c in MOODLE_COLUMNS
                          if c not in ("Cross-referenced competency ID numbers",
                                       "Exported ID (optional)"))
LEVEL_ROLES = ("group", "domain", "capability", "indicator")
MOODLE_MAX_NAME = 100  # framework_importer: shorten_text(..., 100) on ID number and short name
FORMAT_HTML = 1
TAXONOMY = "domain,competency"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_KEYS = ("parent", "idnumber", "shortname", "description", "format", "scalevalues",
         "scaleconfig", "ruletype", "ruleoutcome", "ruleconfig", "related", "exportid",
         "isframework", "taxonomy")


def _header_key(name: str) -> str:
    """``Parent ID number`` / ``Parent id number`` / ``parentidnumber`` -> one key."""
    text = re.sub(r"\(optional\)", "", name.casefold())
    text = re.sub(r"[^a-z]", "", text)
    return {"crossreferencedcompetencyidnumbers": "related", "relatedidnumbers": "related",
            "exportedid": "exportid", "exportid": "exportid", "parentidnumber": "parent",
            "idnumber": "idnumber", "shortname": "shortname", "description": "description",
            "descriptionformat": "format", "scalevalues": "scalevalues",
            "scaleconfiguration": "scaleconfig", "ruletype": "ruletype",
            "ruleoutcome": "ruleoutcome", "ruleconfig": "ruleconfig",
            "isframework": "isframework", "taxonomy": "taxonomy",
            "taxonomies": "taxonomy"}.get(text, "")


def _e(text: Any) -> str:
    """HTML-escape text for a description; backslashes as ``&#92;`` (see module notes)."""
    return html.escape(str(text), quote=False).replace("\\", "&#92;")


def _table(cls: str, title: str, header: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>" for row in rows)
    return (f'<table class="{cls}" title="{html.escape(title)}"><tr>{head}</tr>{body}</table>')


def _scale_config(scale: Scale) -> str:
    entries: list[dict[str, Any]] = [{"scaleid": scale.id}]
    for i, lv in enumerate(scale.levels, start=1):
        entries.append({
            "id": i,
            "scaledefault": int(i == 1),
            "proficient": int(scale.proficient is not None and lv.value >= scale.proficient),
        })
    return json.dumps(entries, separators=(",", ":"))


def _scale_values(scale: Scale) -> str:
    return ",".join(lv.label for lv in scale.levels)


def _framework_description(model: CapabilityModel) -> str:
    parts = []
    if model.description:
        parts.append(f'<p class="ldkit-description">{_e(model.description)}</p>')
    if model.version:
        parts.append(f'<p class="ldkit-version">Version {_e(model.version)}</p>')
    for s in model.scales:
        parts.append(f'<p class="ldkit-scale-name">Scale {_e(s.name)} '
                     f"(proficient from {s.proficient})</p>")
        parts.append(_table("ldkit-scale", s.id, ["Value", "Label", "Description"],
                            [[lv.value, lv.label, lv.description] for lv in s.levels]))
    rows: list[list[Any]] = []
    for r in model.roles:  # a role without requirements keeps its place with a blank row
        head = [r.id, r.name, r.family, r.description]
        rows += [[*head, q.capability, q.level, q.weight] for q in r.requirements]
        rows += [] if r.requirements else [[*head, "", "", ""]]
    parts.append(_table("ldkit-roles", "Role requirements",
                        ["Role ID", "Role", "Family", "Role description", "Capability ID",
                         "Required level", "Weight"], rows))
    return "".join(parts)


def _capability_description(c: Capability, scale: Scale) -> str:
    items = "".join(
        f"<li><strong>Level {lv} ({_e(scale.label(lv))})</strong>: {_e(c.indicators[lv])}</li>"
        for lv in sorted(c.indicators)
    )
    definition = f"<p>{_e(c.definition)}</p>" if c.definition else ""
    return definition + (f'<ul class="ldkit-indicators">{items}</ul>' if items else "")


# -- Moodle's CSV dialect (PHP fputcsv / fgetcsv with the backslash escape) -------------


def _php_field(value: str) -> str:
    """One field as PHP's ``fputcsv`` writes it (what Moodle's own exporter writes)."""
    if not any(ch in value for ch in ',"\\\n\r\t '):
        return value
    out, escaped = ['"'], False
    for ch in value:
        if ch == "\\":
            escaped = True
        elif not escaped and ch == '"':
            out.append('"')
        else:
            escaped = False
        out.append(ch)
    out.append('"')
    return "".join(out)


def _php_rows(text: str) -> list[tuple[int, list[str]]]:
    """Records as Moodle's ``csv_import_reader`` reads them: (first line, fields).

    ``load_csv_content`` drops the BOM, turns CR LF and CR into LF and trims the
    text; PHP's ``fgetcsv`` then reads with ``"`` as enclosure and ``\\`` as escape:
    inside quotes a backslash keeps itself and the next character (so ``\\"`` does
    not end the field), a doubled quote is one quote, text after the closing
    quote is appended, and spaces before an opening quote are skipped. An empty
    line gives no fields.
    """
    text = re.sub(r"\r\n?", "\n", text.removeprefix("\ufeff")).strip()
    rows: list[tuple[int, list[str]]] = []
    i, n, line = 0, len(text), 1
    while i < n:
        first, fields = line, []
        if text[i] == "\n":
            rows.append((first, []))
            i, line = i + 1, line + 1
            continue
        while True:
            j = i
            while j < n and text[j] in " \t\v\f":
                j += 1
            if j < n and text[j] == '"':
                i, buf, state = j + 1, [], 0
                while i < n:
                    ch = text[i]
                    if state == 2:
                        if ch != '"':
                            break  # the closing quote
                        buf.append('"')
                        state = 0
                    elif state == 1:
                        buf.append(ch)
                        state = 1 if ch == "\n" else 0
                    elif ch == '"':
                        state = 2
                    else:
                        buf.append(ch)
                        state = 1 if ch == "\\" else 0
                    line += ch == "\n"
                    i += 1
                while i < n and text[i] not in ",\n":  # text after the closing quote
                    buf.append(text[i])
                    i += 1
                fields.append("".join(buf))
            else:
                j = i
                while j < n and text[j] not in ",\n":
                    j += 1
                fields.append(text[i:j])
                i = j
            if i < n and text[i] == ",":
                i += 1
                continue
            break
        rows.append((first, fields))
        if i < n:  # the line end
            i, line = i + 1, line + 1
    return rows


def _unreadable(value: str) -> bool:
    """True if ``fgetcsv`` cannot read this field back as written by ``fputcsv``."""
    return bool(re.search(r'\\"|\\$', value))


def _neutral(value: str) -> str:
    """OWASP CSV injection: a field that a spreadsheet would run as a formula gets a ``'``."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _unneutral(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_START) else value


def decode_moodle_text(raw: bytes, *, file: str | None = None) -> tuple[str, str]:
    """Decode a framework file: UTF-8 with or without BOM, UTF-16 with BOM, cp1252, Latin-1.

    Returns the text and the encoding used. Bytes that are not UTF-8 are read
    as Windows-1252 when they use its characters in 0x80-0x9F (curly quotes,
    dashes, euro), else as Latin-1 (the two agree on every other byte).
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    if b"\x00" in raw:
        raise InputError("is binary or UTF-16 text without a byte-order mark",
                         location=Location(file=file),
                         hint="export the framework from Moodle again (it writes UTF-8)")
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise InputError(f"starts with a UTF-8 byte-order mark but byte {exc.start + 3} "
                             "is not UTF-8", location=Location(file=file),
                             hint="save the file as UTF-8 again") from exc
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if any(0x80 <= b <= 0x9F for b in raw):
        try:
            return raw.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    return raw.decode("latin-1"), "latin-1"


def write_moodle_csv(model: CapabilityModel, path: str | Path) -> Path:
    """Write the model as a Moodle competency-framework import CSV (UTF-8).

    Raises
    ------
    ValidationError
        Listing every row Moodle would misread: a scale label with a comma, a
        domain and a capability sharing an id, an ID number or short name over
        100 characters (Moodle cuts them), a plain field with a backslash before
        a quote or at its end (PHP's ``fgetcsv`` misreads it).
    """
    from ldkit.io import atomic_write_text

    bad = [Problem(f"scale '{s.id}' label '{lv.label}' contains a comma, which Moodle's "
                   "scale values cannot hold", s.source, "rename the label")
           for s in model.scales for lv in s.levels if "," in lv.label]
    clash = set(model.domain_ids) & set(model.capability_ids)
    bad += [Problem(f"'{i}' is both a domain and a capability id; Moodle needs unique ID "
                    "numbers", None, "rename one") for i in sorted(clash)]

    default = model.scale()
    rows: list[list[Any]] = [[
        "", model.id, model.name, _framework_description(model), FORMAT_HTML,
        _scale_values(default), _scale_config(default), "", "", "", "", "", 1, TAXONOMY,
    ]]
    # Exported IDs number domains, then capabilities in model order, so that reading
    # back restores the model's order although Moodle lists children under parents.
    n_domains = len(model.domains)
    position = {c.id: n_domains + i for i, c in enumerate(model.capabilities, start=1)}
    for exported, d in enumerate(model.domains, start=1):
        desc = f"<p>{_e(d.description)}</p>" if d.description else ""
        rows.append(["", d.id, d.name, desc, FORMAT_HTML, "", "", "", 0, "null", "",
                     exported, "", ""])
        for c in model.capabilities:
            if c.domain != d.id:
                continue
            scale = model.scale(c.scale)
            own = c.scale is not None
            rows.append([
                d.id, c.id, c.name, _capability_description(c, scale), FORMAT_HTML,
                _scale_values(scale) if own else "", _scale_config(scale) if own else "",
                "", 0, "null", "", position[c.id], "", "",
            ])
    plain = [0, 1, 2, 5, 6, 13]  # Parent ID number, ID number, Short name, Scale values/config
    for r, row in enumerate(rows, start=2):
        for k in plain:
            value = str(row[k])
            where = Location(file=str(path), row=r, column=MOODLE_COLUMNS[k])
            if _unreadable(value):
                bad.append(Problem(f"{MOODLE_COLUMNS[k]} {value!r} has a backslash before a "
                                   "quote or at its end, which Moodle's CSV reader misreads",
                                   where, "remove or move the backslash"))
            row[k] = _neutral(value)
        for k in (1, 2):
            if len(row[k]) > MOODLE_MAX_NAME:
                bad.append(Problem(
                    f"{MOODLE_COLUMNS[k]} '{row[k][:40]}...' has {len(row[k])} characters; "
                    f"Moodle cuts it to {MOODLE_MAX_NAME}",
                    Location(file=str(path), row=r, column=MOODLE_COLUMNS[k]),
                    f"shorten it to at most {MOODLE_MAX_NAME} characters"))
    if bad:
        raise ValidationError(bad, what=f"Moodle export of '{model.id}'")
    lines = [",".join(_php_field(str(v)) for v in row) for row in [list(MOODLE_COLUMNS), *rows]]
    return atomic_write_text(path, "\n".join(lines) + "\n")


class _Html(HTMLParser):
    """Pulls paragraphs, tables and indicator list items out of our own HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[tuple[str | None, str]] = []
        self.tables: list[tuple[dict[str, str | None], list[list[str]]]] = []
        self.items: list[tuple[str, str]] = []  # (strong text, rest)
        self._text: list[str] | None = None
        self._strong: list[str] | None = None
        self._p_class: str | None = None
        self._row: list[str] | None = None
        self.all_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p":
            self._text, self._p_class = [], dict(attrs).get("class")
        elif tag == "table":
            self.tables.append((dict(attrs), []))
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._text = []
        elif tag == "li":
            self._text, self._strong = [], None
        elif tag == "strong" and self._text is not None:
            self._strong, self._text = [], []

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and self._text is not None:
            self.paragraphs.append((self._p_class, "".join(self._text)))
            self._text = None
        elif tag in ("td", "th") and self._row is not None and self._text is not None:
            self._row.append("".join(self._text))
            self._text = None
        elif tag == "tr" and self._row is not None and self.tables:
            self.tables[-1][1].append(self._row)
            self._row = None
        elif tag == "strong" and self._strong is not None:
            self._strong, self._text = ["".join(self._text or [])], []
        elif tag == "li" and self._text is not None:
            self.items.append(("".join(self._strong or []), "".join(self._text)))
            self._text, self._strong = None, None

    def handle_data(self, data: str) -> None:
        self.all_text.append(data)
        if self._text is not None:
            self._text.append(data)


def _parse(html_text: str) -> _Html:
    parser = _Html()
    parser.feed(html_text or "")
    parser.close()
    return parser


def _plain(doc: _Html, collapse: bool) -> str:
    text = ("\n" if collapse else "").join(t for c, t in doc.paragraphs if c is None)
    if not text and not doc.items and not doc.tables:
        text = "".join(doc.all_text)
    return " ".join(text.split()) if collapse else text


def _levels(levels: Sequence[str] | str | None, depth: int) -> tuple[str, ...]:
    if levels is None:
        base = ("capability",) if depth <= 1 else ("domain", "capability")
        if depth >= 3:
            base = ("group",) * (depth - 3) + ("domain", "capability", "indicator")
        return base
    roles = tuple(x.strip() for x in (levels.split(",") if isinstance(levels, str) else levels))
    from ldkit._params import param_error

    expected = ("a list of group, domain, capability, indicator from the top level down, "
                "e.g. 'group,domain,capability,indicator'")
    ok = (all(x in LEVEL_ROLES for x in roles) and roles.count("capability") == 1
          and roles.count("domain") <= 1 and roles.count("indicator") <= 1)
    if ok:
        cap = roles.index("capability")
        ok = (all(x == "group" for x in roles[:cap] if x != "domain")
              and ("domain" not in roles or roles.index("domain") < cap)
              and roles[cap + 1:] in ((), ("indicator",)))
    if not ok:
        raise param_error("levels", "read_moodle_csv", expected, levels)
    return roles


@dataclass(frozen=True, eq=False)
class MoodleFramework:
    """A Moodle framework as read: the model, what each competency became, the choices.

    ``mapping`` has one row per competency of the file (``row``, ``id_number``,
    ``short_name``, ``parent``, ``depth``, ``role``, ``becomes``); ``levels`` is
    the part of the model each depth of the tree was read as; ``note`` says it
    in one line for the consultant.
    """

    model: CapabilityModel
    mapping: pd.DataFrame = field(repr=False)
    levels: tuple[str, ...]
    encoding: str
    layout: str
    note: str


def read_moodle_csv(path: str | Path, *,
                    levels: Sequence[str] | str | None = None) -> CapabilityModel:
    """Read a capability model from a Moodle competency-framework CSV.

    Parameters
    ----------
    path
        A framework CSV written by Moodle (*Import/Export competency framework*),
        by hand in its layout, or by :func:`write_moodle_csv`.
    levels
        The ldkit part each depth of the competency tree becomes, from the top:
        ``group``, ``domain``, ``capability``, ``indicator`` (a sequence or a
        comma-separated string). Default by the tree's depth: 1 capability,
        2 domain > capability, 3 domain > capability > indicator, deeper trees
        add groups on top. See :func:`read_moodle_framework` for the mapping of
        every competency.
    """
    return read_moodle_framework(path, levels=levels).model


def read_moodle_framework(path: str | Path, *,
                          levels: Sequence[str] | str | None = None) -> MoodleFramework:
    """Read a Moodle framework CSV with the mapping of every competency.

    Parameters as :func:`read_moodle_csv`.

    Examples
    --------
    >>> from ldkit.capability.io_moodle import read_moodle_framework
    >>> fw = read_moodle_framework("tests/data/moodle/oecd_example.csv")  # doctest: +SKIP
    >>> fw.levels  # doctest: +SKIP
    ('group', 'domain', 'capability', 'indicator')
    """
    import pandas as pd

    from ldkit.io import existing_file

    p = existing_file(path)
    file = str(p)
    text, encoding = decode_moodle_text(p.read_bytes(), file=file)
    records = _php_rows(text)
    header = records[0][1] if records else []
    keys = [_header_key(h) for h in header]
    need = ("parent", "idnumber", "shortname", "isframework")
    if not all(k in keys for k in need):
        missing = [MOODLE_COLUMNS[_KEYS.index(k)] for k in need if k not in keys]
        older = (" (the older 12-column layout has the same names without "
                 "'Cross-referenced competency ID numbers' and 'Exported ID')"
                 if len(header) == len(MOODLE_COLUMNS_12) else "")
        raise InputError(
            f"is not a Moodle competency-framework CSV (expected {len(MOODLE_COLUMNS)} "
            f"columns: {', '.join(MOODLE_COLUMNS[:3])}, ...; missing "
            f"{', '.join(repr(m) for m in missing)}){older}",
            location=Location(file=file, row=1),
            hint="export the framework from Moodle (Site administration > Competencies > "
                 "Export competency framework)")
    col = {k: i for i, k in reversed(list(enumerate(keys))) if k}
    layout = (f"{len(MOODLE_COLUMNS)} columns" if "related" in col and "exportid" in col
              else f"{len(header)} columns (older Moodle layout)")

    problems: list[Problem] = []

    def get(row: list[str], key: str) -> str:
        i = col.get(key)
        value = row[i] if i is not None and i < len(row) else ""
        return _unneutral(value) if key in ("parent", "idnumber", "shortname", "scalevalues",
                                            "taxonomy") else value

    frame: tuple[int, list[str]] | None = None
    comps: list[tuple[int, list[str]]] = []
    for r, (_, row) in enumerate(records[1:], start=2):  # the row a spreadsheet shows
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(Problem(
                f"has {len(row)} fields but the header has {len(header)} (Moodle refuses the "
                "whole file)", Location(file=file, row=r),
                "check the quotes of this row: a backslash before a quote does not end a field"))
        if get(row, "isframework").strip() not in ("", "0"):
            if frame is not None:
                problems.append(Problem("a second framework row ('Is framework' = 1)",
                                        Location(file=file, row=r, column="Is framework"),
                                        "keep one framework per file"))
            frame = (r, row)
        else:
            comps.append((r, row))
    if frame is None:
        raise InputError("has no framework row ('Is framework' = 1)",
                         location=Location(file=file, column="Is framework"))

    fr, frow = frame
    fdoc = _parse(get(frow, "description"))
    ldkit_written = any((a.get("class") or "").startswith("ldkit-") for a, _ in fdoc.tables)
    collapse = not ldkit_written
    scale_tables = [(attrs.get("title") or "", body) for attrs, body in fdoc.tables
                    if attrs.get("class") == "ldkit-scale"]
    scale_heads = [t for c, t in fdoc.paragraphs if c == "ldkit-scale-name"]

    def scale_from(values: str, config: str, r: int) -> Scale:
        where = Location(file=file, row=r, column="Scale configuration")
        try:
            cfg = json.loads(config) if config.strip() else [{}]
        except json.JSONDecodeError:
            problems.append(Problem("Scale configuration is not JSON", where,
                                    'write it as Moodle does: [{"scaleid":"2"},{"id":2,'
                                    '"scaledefault":1,"proficient":1}]'))
            cfg = [{}]
        if not isinstance(cfg, list) or not all(isinstance(e, dict) for e in cfg):
            problems.append(Problem("Scale configuration is not a list of objects", where))
            cfg = [{}]
        sid = str(cfg[0].get("scaleid", "scale")) if cfg else "scale"
        labels = [v.strip() for v in values.split(",") if v.strip()]
        proficient = [_as_int(e.get("id")) for e in cfg[1:] if e.get("proficient")]
        proficient = [p for p in proficient if p is not None]
        return Scale(sid, sid, tuple(Level(i, lab) for i, lab in enumerate(labels, start=1)),
                     min(proficient) if proficient else None,
                     source=Location(file=file, row=r))

    scales: dict[str, Scale] = {}

    def add_scale(s: Scale) -> str:
        """Keep one scale per id; a different scale under a taken id gets a suffix."""
        sid, n = s.id, 1
        while sid in scales and scales[sid].labels != s.labels:
            n += 1
            sid = f"{s.id}-{n}"
        if sid not in scales:
            scales[sid] = Scale(sid, s.name if sid == s.id else sid, s.levels, s.proficient,
                                source=s.source)
        return sid

    for i, (sid, body) in enumerate(scale_tables):
        lvls = tuple(Level(_as_int(v) or 0, lab, desc) for v, lab, desc in body[1:])
        head = scale_heads[i] if i < len(scale_heads) else ""
        name, proficient = sid, None
        if head.endswith(")") and "(proficient from " in head:
            name = head[len("Scale "):head.rindex(" (proficient from ")]
            proficient = _as_int(head[head.rindex(" ") + 1:-1])
        scales[sid] = Scale(sid, name, lvls, proficient, source=Location(file=file, row=fr))
    default = scale_from(get(frow, "scalevalues"), get(frow, "scaleconfig"), fr)
    default_id = default.id if default.id in scales else add_scale(default)

    # -- the competency tree ---------------------------------------------------------
    by_id: dict[str, tuple[int, list[str]]] = {}
    for r, row in comps:
        cid = get(row, "idnumber").strip()
        where = Location(file=file, row=r, column="ID number")
        if not cid:
            problems.append(Problem("competency without an ID number", where,
                                    "Moodle skips it; give it an ID number"))
        elif cid in by_id:
            problems.append(Problem(f"duplicate ID number '{cid}' (also row {by_id[cid][0]})",
                                    where, "ID numbers must be unique in a framework"))
        else:
            by_id[cid] = (r, row)

    def depth_of(cid: str) -> int | None:
        seen, d = {cid}, 1
        parent = get(by_id[cid][1], "parent").strip()
        while parent:
            if parent not in by_id or parent in seen:
                return None
            seen.add(parent)
            d += 1
            parent = get(by_id[parent][1], "parent").strip()
        return d

    depth: dict[str, int] = {}
    for cid, (r, row) in by_id.items():
        d = depth_of(cid)
        if d is None:
            parent = get(row, "parent").strip()
            problems.append(Problem(
                f"competency '{cid}' has parent '{parent}', which is not in the file "
                "(or the parents form a loop)",
                Location(file=file, row=r, column="Parent ID number"),
                "use the ID number of a competency of this framework, or leave it empty"))
        else:
            depth[cid] = d
    max_depth = max(depth.values(), default=1)
    # ldkit writes domain > capability (indicators in the description), whatever the depth
    roles = _levels(levels, 2 if ldkit_written and levels is None else max_depth)

    def role_at(d: int) -> str:
        if d <= len(roles):
            return roles[d - 1]
        return "indicator" if roles[-1] == "indicator" else "deeper"

    def ancestor(cid: str, role: str) -> str | None:
        parent = get(by_id[cid][1], "parent").strip()
        while parent:
            if role_at(depth[parent]) == role:
                return parent
            parent = get(by_id[parent][1], "parent").strip()
        return None

    domains: list[Domain] = []
    caps: list[tuple[int | None, int, str, dict[str, Any]]] = []
    behaviours: dict[str, list[str]] = {}
    becomes: dict[str, str] = {}
    framework_domain = False
    for cid, (r, row) in by_id.items():
        if cid not in depth:
            becomes[cid] = "not read (parent missing)"
            continue
        where = Location(file=file, row=r)
        role = role_at(depth[cid])
        name, doc = get(row, "shortname").strip(), _parse(get(row, "description"))
        if role == "group":
            becomes[cid] = "group (organises the tree; not a part of the model)"
        elif role == "domain":
            domains.append(Domain(cid, name, _plain(doc, collapse), source=where))
            becomes[cid] = f"domain '{cid}'"
        elif role == "capability":
            dom = ancestor(cid, "domain")
            if dom is None:
                dom, framework_domain = get(frow, "idnumber").strip(), True
            sid = None
            if get(row, "scalevalues").strip():
                sid = add_scale(scale_from(get(row, "scalevalues"), get(row, "scaleconfig"), r))
            indicators: dict[int, str] = {}
            for strong, rest in doc.items:
                words = strong.split()
                level = _as_int(words[1]) if len(words) > 1 and words[0] == "Level" else None
                if level is None:
                    problems.append(Problem(f"indicator '{strong}' has no level number",
                                            where.with_(column="Description")))
                    continue
                indicators[level] = rest[2:] if rest.startswith(": ") else rest.strip()
            caps.append((_as_int(get(row, "exportid")), len(caps), cid, {
                "name": name, "domain": dom, "definition": _plain(doc, collapse),
                "indicators": indicators, "scale": sid, "source": where}))
            behaviours[cid] = []
            becomes[cid] = f"capability '{cid}' in domain '{dom}'"
        elif role == "indicator":
            cap = ancestor(cid, "capability")
            text = _plain(doc, True) or name
            if cap is None:
                becomes[cid] = "not read (no capability above it)"
                problems.append(Problem(f"behavioural indicator '{cid}' has no capability "
                                        "above it", where.with_(column="Parent ID number")))
            else:
                behaviours.setdefault(cap, []).append(text)
                becomes[cid] = f"behavioural indicator of '{cap}'"
        else:
            becomes[cid] = "not read (deeper than the levels given)"
            problems.append(Problem(
                f"competency '{cid}' is at depth {depth[cid]}, deeper than the "
                f"{len(roles)} levels given ({','.join(roles)})",
                where.with_(column="Parent ID number"),
                "give one more level, e.g. end the levels with 'indicator'"))
    if framework_domain:
        domains.insert(0, Domain(get(frow, "idnumber").strip(), get(frow, "shortname").strip(),
                                 source=Location(file=file, row=fr)))

    all_scales = dict(scales)
    capabilities = []
    for _, _, cid, c in sorted(caps, key=lambda t: (t[0] is None, t[0] or 0, t[1])):
        found = behaviours.get(cid) or []
        if found and not c["indicators"]:
            scale = all_scales[c["scale"] or default_id]
            text = "; ".join(b.rstrip(" .;") for b in found) + "."
            c["indicators"] = {lv: text if scale.proficient is None or lv >= scale.proficient
                               else f"Not yet: {text}" for lv in scale.values}
        capabilities.append(Capability(cid, **c))

    roles_read: dict[str, dict[str, Any]] = {}
    for attrs, body in fdoc.tables:
        if attrs.get("class") != "ldkit-roles":
            continue
        for cells in body[1:]:
            rid, rname, family, rdesc, cap, level, weight = (cells + [""] * 7)[:7]
            role = roles_read.setdefault(rid, {"name": rname, "family": family,
                                               "description": rdesc, "reqs": []})
            if cap:
                role["reqs"].append(Requirement(cap, _as_int(level) or 0, float(weight),
                                                source=Location(file=file, row=fr)))
    version = "".join(t for c, t in fdoc.paragraphs if c == "ldkit-version")
    model = CapabilityModel(
        id=get(frow, "idnumber").strip(),
        name=get(frow, "shortname").strip(),
        version=version[len("Version "):] if version.startswith("Version ") else "",
        description="".join(t for c, t in fdoc.paragraphs if c == "ldkit-description")
        or _plain(fdoc, collapse),
        scales=tuple(scales.values()),
        default_scale=default_id,
        domains=tuple(domains),
        capabilities=tuple(capabilities),
        roles=tuple(Role(rid, x["name"], x["family"], x["description"], tuple(x["reqs"]),
                         source=Location(file=file, row=fr))
                    for rid, x in roles_read.items()),
        source=Location(file=file),
        validate=False,
    )
    model = finish(model, problems)

    mapping = pd.DataFrame(
        [{"row": r, "id_number": get(row, "idnumber").strip(),
          "short_name": get(row, "shortname").strip(), "parent": get(row, "parent").strip(),
          "depth": depth.get(get(row, "idnumber").strip()),
          "role": role_at(depth[c]) if (c := get(row, "idnumber").strip()) in depth else "",
          "becomes": becomes.get(get(row, "idnumber").strip(), "not read")}
         for r, row in comps],
        columns=["row", "id_number", "short_name", "parent", "depth", "role", "becomes"])
    counts = mapping["role"].value_counts()
    empty = [d.id for d in domains if not any(c.domain == d.id for c in capabilities)]
    note = (f"Moodle framework '{model.id}' ({layout}, {encoding}): {len(mapping)} "
            f"competencies, depth {max_depth}, read as {' > '.join(roles)}"
            f"{'' if levels is not None else ' (the default for this depth)'}: "
            + ", ".join(f"{int(counts.get(k, 0))} {k}" for k in LEVEL_ROLES if counts.get(k))
            + (f"; capabilities put in domain '{model.id}' (the framework)"
               if framework_domain else "")
            + (f"; {len(empty)} domains without capabilities ({', '.join(empty[:5])})"
               if empty else "")
            + ". Other levels: read_moodle_csv(..., levels='group,domain,capability,indicator').")
    return MoodleFramework(model, mapping, roles, encoding, layout, note)
