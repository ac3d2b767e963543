"""Capability model <-> Moodle competency-framework CSV (admin tool ``tool_lpimportcsv``).

Moodle imports a framework from a CSV of 14 columns, in this order
(``framework_importer::list_required_headers``)::

    Parent ID number, ID number, Short name, Description, Description format,
    Scale values, Scale configuration, Rule type (optional),
    Rule outcome (optional), Rule config (optional),
    Cross-referenced competency ID numbers, Exported ID (optional),
    Is framework, Taxonomy

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

Reference: moodle/moodle, admin/tool/lpimportcsv/classes/framework_importer.php
and framework_exporter.php.
"""

from __future__ import annotations

import csv
import html
import io
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

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

__all__ = ["MOODLE_COLUMNS", "read_moodle_csv", "write_moodle_csv"]

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
FORMAT_HTML = 1
TAXONOMY = "domain,competency"


def _e(text: Any) -> str:
    return html.escape(str(text), quote=False)


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


def write_moodle_csv(model: CapabilityModel, path: str | Path) -> Path:
    """Write the model as a Moodle competency-framework import CSV (UTF-8)."""
    from ldkit.io import atomic_write_text

    bad = [Problem(f"scale '{s.id}' label '{lv.label}' contains a comma, which Moodle's "
                   "scale values cannot hold", s.source, "rename the label")
           for s in model.scales for lv in s.levels if "," in lv.label]
    clash = set(model.domain_ids) & set(model.capability_ids)
    bad += [Problem(f"'{i}' is both a domain and a capability id; Moodle needs unique ID "
                    "numbers", None, "rename one") for i in sorted(clash)]
    if bad:
        raise ValidationError(bad, what=f"Moodle export of '{model.id}'")

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
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(MOODLE_COLUMNS)
    writer.writerows(rows)
    return atomic_write_text(path, buf.getvalue())


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
        if self._text is not None:
            self._text.append(data)


def _parse(html_text: str) -> _Html:
    parser = _Html()
    parser.feed(html_text or "")
    parser.close()
    return parser


def read_moodle_csv(path: str | Path) -> CapabilityModel:
    """Read a model from a Moodle framework CSV as written by :func:`write_moodle_csv`.

    Frameworks exported from Moodle itself read too (domains are the top-level
    competencies, capabilities their children); roles, level descriptions and
    the model version only travel in files ldkit wrote.
    """
    from ldkit.io import existing_file

    p = existing_file(path)
    file = str(p)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("is not UTF-8 text", location=Location(file=file),
                         hint="export the framework from Moodle as UTF-8") from exc
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or len(rows[0]) < len(MOODLE_COLUMNS):
        raise InputError(
            f"is not a Moodle competency-framework CSV (expected {len(MOODLE_COLUMNS)} "
            f"columns: {', '.join(MOODLE_COLUMNS[:3])}, ...)",
            location=Location(file=file, row=1))
    problems: list[Problem] = []
    frame: tuple[int, list[str]] | None = None
    comps: list[tuple[int, list[str]]] = []
    for r, row in enumerate(rows[1:], start=2):
        row = row + [""] * (len(MOODLE_COLUMNS) - len(row))
        if not any(cell.strip() for cell in row):
            continue
        if row[12].strip() not in ("", "0", "false"):
            frame = (r, row)
        else:
            comps.append((r, row))
    if frame is None:
        raise InputError("has no framework row ('Is framework' = 1)",
                         location=Location(file=file, column="Is framework"))

    fr, frow = frame
    fdoc = _parse(frow[3])
    scale_tables = [(attrs.get("title") or "", body) for attrs, body in fdoc.tables
                    if attrs.get("class") == "ldkit-scale"]
    scale_heads = [t for c, t in fdoc.paragraphs if c == "ldkit-scale-name"]

    def scale_from(values: str, config: str, r: int) -> Scale | None:
        try:
            cfg = json.loads(config) if config.strip() else [{}]
        except json.JSONDecodeError:
            problems.append(Problem("Scale configuration is not JSON",
                                    Location(file=file, row=r, column="Scale configuration")))
            cfg = [{}]
        sid = str(cfg[0].get("scaleid", "scale")) if cfg else "scale"
        labels = [v.strip() for v in values.split(",") if v.strip()]
        proficient = [_as_int(e.get("id")) for e in cfg[1:] if e.get("proficient")]
        proficient = [p for p in proficient if p is not None]
        return Scale(sid, sid, tuple(Level(i, lab) for i, lab in enumerate(labels, start=1)),
                     min(proficient) if proficient else None,
                     source=Location(file=file, row=r))

    scales: dict[str, Scale] = {}
    for i, (sid, body) in enumerate(scale_tables):
        levels = tuple(Level(_as_int(v) or 0, lab, desc) for v, lab, desc in body[1:])
        head = scale_heads[i] if i < len(scale_heads) else ""
        name, proficient = sid, None
        if head.endswith(")") and "(proficient from " in head:
            name = head[len("Scale "):head.rindex(" (proficient from ")]
            proficient = _as_int(head[head.rindex(" ") + 1:-1])
        scales[sid] = Scale(sid, name, levels, proficient, source=Location(file=file, row=fr))
    default = scale_from(frow[5], frow[6], fr)
    if default is not None and default.id not in scales:
        scales[default.id] = default

    domains, caps = [], []
    for r, row in comps:
        where = Location(file=file, row=r)
        parent, cid, name, desc = row[0].strip(), row[1].strip(), row[2].strip(), row[3]
        doc = _parse(desc)
        plain = "".join(t for c, t in doc.paragraphs if c is None)
        if not parent:
            domains.append(Domain(cid, name, plain, source=where))
            continue
        sid = None
        if row[5].strip():
            own = scale_from(row[5], row[6], r)
            sid = own.id
            scales.setdefault(own.id, own)
        indicators: dict[int, str] = {}
        for strong, rest in doc.items:
            words = strong.split()
            level = _as_int(words[1]) if len(words) > 1 and words[0] == "Level" else None
            if level is None:
                problems.append(Problem(f"indicator '{strong}' has no level number",
                                        where.with_(column="Description")))
                continue
            indicators[level] = rest[2:] if rest.startswith(": ") else rest.strip()
        caps.append((_as_int(row[11]), len(caps),
                     Capability(cid, name, parent, plain, indicators, sid, source=where)))
    caps.sort(key=lambda t: (t[0] is None, t[0] or 0, t[1]))

    roles: dict[str, dict[str, Any]] = {}
    for attrs, body in fdoc.tables:
        if attrs.get("class") != "ldkit-roles":
            continue
        for cells in body[1:]:
            rid, rname, family, rdesc, cap, level, weight = (cells + [""] * 7)[:7]
            role = roles.setdefault(rid, {"name": rname, "family": family,
                                          "description": rdesc, "reqs": []})
            if cap:
                role["reqs"].append(Requirement(cap, _as_int(level) or 0, float(weight),
                                                source=Location(file=file, row=fr)))
    version = "".join(t for c, t in fdoc.paragraphs if c == "ldkit-version")
    model = CapabilityModel(
        id=frow[1].strip(),
        name=frow[2].strip(),
        version=version[len("Version "):] if version.startswith("Version ") else "",
        description="".join(t for c, t in fdoc.paragraphs if c == "ldkit-description")
        or "".join(t for c, t in fdoc.paragraphs if c is None),
        scales=tuple(scales.values()),
        default_scale=default.id if default else None,
        domains=tuple(domains),
        capabilities=tuple(c for _, _, c in caps),
        roles=tuple(Role(rid, x["name"], x["family"], x["description"], tuple(x["reqs"]),
                         source=Location(file=file, row=fr)) for rid, x in roles.items()),
        source=Location(file=file),
        validate=False,
    )
    return finish(model, problems)
