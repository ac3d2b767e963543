"""Capability model <-> the authoring workbook consultants fill in Excel.

Sheets (header in row 1, one record per row; header names are matched
case-insensitively, spaces and underscores alike):

=============  ================================================================
Model          Field | Value: rows id, name, version, description, default_scale
Scales         Scale ID | Scale name | Proficient from | Level | Label | Description
               (one row per level)
Domains        Domain ID | Name | Description
Capabilities   Capability ID | Name | Domain ID | Scale ID (blank: default) | Definition
Indicators     Capability ID | Level | Level label (ignored on reading) | Indicator
Roles          Role ID | Name | Family | Description
Requirements   Role ID | Capability ID | Required level | Weight (blank: 1)
Matrix         derived view (roles x capabilities): grey tab, protected, ignored on
               reading (edit sheet Requirements)
README         how to fill the workbook, ignored on reading
Level lists    hidden: per scale its level values and labels, the source of the
               level drop-downs of Indicators and Requirements
=============  ================================================================

Levels may be typed as the value (3) or the label (Advanced). Every problem
is reported at once with its sheet, row and column.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ldkit.capability.io_yaml import finish
from ldkit.capability.model import (
    STANDARD_SCALE,
    Capability,
    CapabilityModel,
    Domain,
    Level,
    Requirement,
    Role,
    Scale,
    _as_int,
)
from ldkit.errors import Location, Problem, UnsupportedFormatError
from ldkit.xlsx import Column, norm_header, read_sheet, readme_sheet, table_sheet

__all__ = ["SHEETS", "read_excel", "write_excel", "write_template"]


SHEETS: dict[str, tuple[Column, ...]] = {
    "Model": (
        Column("Field", "field", True, 16),
        Column("Value", "value", True, 80, wrap=True),
    ),
    "Scales": (
        Column("Scale ID", "scale_id", True, 16, aliases=("scale",)),
        Column("Scale name", "scale_name", width=26),
        Column("Proficient from", "proficient_from", width=16, aliases=("proficient",)),
        Column("Level", "level", True, 8, aliases=("value",)),
        Column("Label", "label", True, 16),
        Column("Description", "description", width=70, wrap=True),
    ),
    "Domains": (
        Column("Domain ID", "domain_id", True, 18, aliases=("domain", "id")),
        Column("Name", "name", True, 30),
        Column("Description", "description", width=70, wrap=True),
    ),
    "Capabilities": (
        Column("Capability ID", "capability_id", True, 26, aliases=("capability", "id")),
        Column("Name", "name", True, 30),
        Column("Domain ID", "domain_id", True, 18, aliases=("domain",)),
        Column("Scale ID", "scale_id", width=14, aliases=("scale",)),
        Column("Definition", "definition", width=70, wrap=True, aliases=("description",)),
    ),
    "Indicators": (
        Column("Capability ID", "capability_id", True, 26, aliases=("capability",)),
        Column("Level", "level", True, 8),
        Column("Level label", "level_label", width=14),
        Column("Indicator", "indicator", True, 90, wrap=True,
               aliases=("behavioural_indicator", "behavioral_indicator", "behaviour")),
    ),
    "Roles": (
        Column("Role ID", "role_id", True, 28, aliases=("role", "id")),
        Column("Name", "name", True, 32),
        Column("Family", "family", width=20, aliases=("job_family",)),
        Column("Description", "description", width=70, wrap=True),
    ),
    "Requirements": (
        Column("Role ID", "role_id", True, 28, aliases=("role",)),
        Column("Capability ID", "capability_id", True, 28, aliases=("capability",)),
        Column("Required level", "required_level", True, 15, aliases=("level",)),
        Column("Weight", "weight", width=10, aliases=("importance", "importance_weight")),
    ),
}

MODEL_FIELDS = ("id", "name", "version", "description", "default_scale")



class _SheetReader:
    """Reads the workbook's sheets into located records, collecting problems."""

    def __init__(self, path: Path) -> None:
        import openpyxl

        self.file = str(path)
        self.problems: list[Problem] = []
        try:
            self.wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several unrelated types
            raise UnsupportedFormatError(
                f"cannot be opened as an Excel workbook ({type(exc).__name__}: {exc})",
                location=Location(file=self.file),
                hint="save it from Excel as .xlsx",
            ) from exc

    def loc(self, sheet: str, row: int | None = None, column: str | None = None) -> Location:
        return Location(file=self.file, sheet=sheet, row=row, column=column)

    def records(self, sheet: str) -> list[tuple[int, dict[str, Any], dict[str, str]]] | None:
        """Rows of a sheet as (row number, {key: value}, {key: header}); None if absent."""
        if sheet not in self.wb.sheetnames:
            return None
        missing, headers, rows = read_sheet(self.wb[sheet], SHEETS[sheet])
        for c in missing:
            self.problems.append(Problem(
                f"has no column '{c.header}'", self.loc(sheet, 1, c.header),
                f"add a header '{c.header}' in row 1 (see the README sheet)"))
        return [(r, rec, headers) for r, rec in rows]

    def require(self, sheet: str, r: int, rec: dict, headers: dict, key: str) -> Any:
        value = rec.get(key)
        if value is None:
            self.problems.append(Problem(f"'{headers[key]}' is empty",
                                         self.loc(sheet, r, headers[key]), "fill in the cell"))
        return value

    def integer(self, sheet: str, r: int, headers: dict, key: str, raw: Any) -> int | None:
        value = _as_int(raw)
        if value is None and raw is not None:
            self.problems.append(Problem(f"'{raw}' is not a whole number",
                                         self.loc(sheet, r, headers[key]), "type e.g. 3"))
        return value

    def level(self, sheet: str, r: int, headers: dict, key: str, raw: Any,
              scale: Scale | None) -> int | None:
        if raw is None:
            return None
        value = scale.value_of(raw) if scale is not None else _as_int(raw)
        if value is None:
            options = (", ".join(f"{lv.value} {lv.label}" for lv in scale.levels)
                       if scale is not None else "a whole number")
            self.problems.append(Problem(f"level '{raw}' is not on the scale",
                                         self.loc(sheet, r, headers[key]), f"use {options}"))
        return value


def read_excel(path: str | Path) -> CapabilityModel:
    """Read a capability model from the authoring workbook.

    Raises
    ------
    ValidationError
        Listing every problem of the workbook, each with sheet, row and column.
    """
    from ldkit.io import existing_file

    p = existing_file(path)
    rd = _SheetReader(p)
    try:
        return _read(rd, p)
    finally:
        rd.wb.close()


def _read(rd: _SheetReader, p: Path) -> CapabilityModel:
    info: dict[str, Any] = {}
    for r, rec, headers in rd.records("Model") or []:
        key = norm_header(rec.get("field") or "")
        if key in MODEL_FIELDS:
            info[key] = rec.get("value")
        elif key:
            rd.problems.append(Problem(f"unknown field '{rec.get('field')}'",
                                       rd.loc("Model", r, headers["field"]),
                                       f"use one of {', '.join(MODEL_FIELDS)}"))

    # scales, grouped by id in order of appearance
    scale_rows = rd.records("Scales")
    scales: dict[str, dict[str, Any]] = {}
    for r, rec, headers in scale_rows or []:
        sid = rd.require("Scales", r, rec, headers, "scale_id")
        value = rd.integer("Scales", r, headers, "level",
                           rd.require("Scales", r, rec, headers, "level"))
        label = rd.require("Scales", r, rec, headers, "label")
        if sid is None:
            continue
        sid = str(sid)
        s = scales.setdefault(sid, {"name": None, "proficient": None, "levels": [], "row": r})
        s["name"] = s["name"] or rec.get("scale_name")
        if rec.get("proficient_from") is not None and s["proficient"] is None:
            s["proficient"] = rd.integer("Scales", r, headers, "proficient_from",
                                         rec["proficient_from"])
        if value is not None and label is not None:
            s["levels"].append(Level(value, str(label), str(rec.get("description") or "")))
    scale_objs = tuple(
        Scale(sid, str(s["name"] or sid), tuple(s["levels"]), s["proficient"],
              source=rd.loc("Scales", s["row"]))
        for sid, s in scales.items()
    ) or (STANDARD_SCALE,)
    default_scale = str(info.get("default_scale") or scale_objs[0].id)
    scale_by_id = {s.id: s for s in scale_objs}

    domains = []
    for r, rec, _ in rd.records("Domains") or []:
        did, name = rec.get("domain_id"), rec.get("name")
        domains.append(Domain(str(did or ""), str(name or ""), str(rec.get("description") or ""),
                              source=rd.loc("Domains", r)))

    caps: dict[str, dict[str, Any]] = {}
    cap_list: list[dict[str, Any]] = []
    for r, rec, _ in rd.records("Capabilities") or []:
        cid, name, dom = rec.get("capability_id"), rec.get("name"), rec.get("domain_id")
        entry = {
            "id": str(cid or ""), "name": str(name or ""), "domain": str(dom or ""),
            "scale": None if rec.get("scale_id") is None else str(rec["scale_id"]),
            "definition": str(rec.get("definition") or ""),
            "indicators": {}, "sources": {}, "row": r,
        }
        cap_list.append(entry)
        caps.setdefault(entry["id"], entry)

    for r, rec, headers in rd.records("Indicators") or []:
        cid = rd.require("Indicators", r, rec, headers, "capability_id")
        raw_level = rd.require("Indicators", r, rec, headers, "level")
        text = rd.require("Indicators", r, rec, headers, "indicator")
        if cid is None:
            continue
        cap = caps.get(str(cid))
        if cap is None:
            rd.problems.append(Problem(
                f"indicator for unknown capability '{cid}'",
                rd.loc("Indicators", r, headers["capability_id"]),
                "use an id from sheet 'Capabilities'"))
            continue
        scale = scale_by_id.get(cap["scale"] or default_scale)
        level = rd.level("Indicators", r, headers, "level", raw_level, scale)
        if level is None or text is None:
            continue
        if level in cap["indicators"]:
            rd.problems.append(Problem(
                f"second indicator for '{cid}' level {level}",
                rd.loc("Indicators", r, headers["level"]),
                "keep one indicator row per capability and level"))
            continue
        cap["indicators"][level] = str(text)
        cap["sources"][level] = rd.loc("Indicators", r)

    roles: dict[str, dict[str, Any]] = {}
    role_list: list[dict[str, Any]] = []
    for r, rec, _ in rd.records("Roles") or []:
        rid, name = rec.get("role_id"), rec.get("name")
        entry = {"id": str(rid or ""), "name": str(name or ""),
                 "family": str(rec.get("family") or ""),
                 "description": str(rec.get("description") or ""), "reqs": [], "row": r}
        role_list.append(entry)
        roles.setdefault(entry["id"], entry)

    for r, rec, headers in rd.records("Requirements") or []:
        rid = rd.require("Requirements", r, rec, headers, "role_id")
        cid = rd.require("Requirements", r, rec, headers, "capability_id")
        raw_level = rd.require("Requirements", r, rec, headers, "required_level")
        if rid is None or cid is None:
            continue
        role = roles.get(str(rid))
        if role is None:
            rd.problems.append(Problem(f"requirement of unknown role '{rid}'",
                                       rd.loc("Requirements", r, headers["role_id"]),
                                       "use an id from sheet 'Roles'"))
            continue
        cap = caps.get(str(cid))
        scale = scale_by_id.get((cap["scale"] if cap else None) or default_scale)
        level = rd.level("Requirements", r, headers, "required_level", raw_level, scale)
        weight_raw = rec.get("weight")
        weight = 1.0
        if weight_raw is not None:
            try:
                weight = float(weight_raw)
            except (TypeError, ValueError):
                rd.problems.append(Problem(f"weight '{weight_raw}' is not a number",
                                           rd.loc("Requirements", r, headers["weight"]),
                                           "type e.g. 1, 2 or 3, or leave it blank for 1"))
                continue
        if level is not None:
            role["reqs"].append(Requirement(str(cid), level, weight,
                                            source=rd.loc("Requirements", r)))

    version = info.get("version")
    model = CapabilityModel(
        id=str(info.get("id") or _slug(p.stem)),
        name=str(info.get("name") or p.stem),
        version="" if version is None else str(version),
        description=str(info.get("description") or ""),
        scales=scale_objs,
        default_scale=default_scale,
        domains=tuple(domains),
        capabilities=tuple(
            Capability(c["id"], c["name"], c["domain"], c["definition"], c["indicators"],
                       c["scale"], source=rd.loc("Capabilities", c["row"]),
                       indicator_sources=c["sources"])
            for c in cap_list
        ),
        roles=tuple(
            Role(x["id"], x["name"], x["family"], x["description"],
                 tuple(x["reqs"]) if roles.get(x["id"]) is x else (),
                 source=rd.loc("Roles", x["row"]))
            for x in role_list
        ),
        source=Location(file=rd.file),
        validate=False,
    )
    return finish(model, rd.problems, sheet_order=list(SHEETS))


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.\-]+", "-", text.strip()).strip("-").lower() or "model"


# -- writing ---------------------------------------------------------------------------

README_LINES = [
    ("ldkit capability model workbook", "title"),
    ("Fill the sheets below; one record per row, header in row 1. Do not rename headers.", ""),
    ("Check it with:  ldkit model validate THIS_FILE.xlsx  (lists every problem with its "
     "sheet, row and column).", ""),
    ("", ""),
    ("Model", "h"),
    ("Field | Value rows: id (short, no spaces), name, version, description, default_scale.", ""),
    ("Scales", "h"),
    ("One row per level: Scale ID, Scale name, Proficient from (lowest proficient level), "
     "Level (1, 2, ...), Label, Description. Several scales may be defined.", ""),
    ("Domains", "h"),
    ("Domain ID, Name, Description: the groups capabilities belong to.", ""),
    ("Capabilities", "h"),
    ("Capability ID, Name, Domain ID (from Domains), Scale ID (blank = default scale), "
     "Definition.", ""),
    ("Indicators", "h"),
    ("One observable behaviour per capability and level: Capability ID, Level (value or "
     "label), Indicator. 'Level label' is filled for reading comfort and ignored.", ""),
    ("Roles", "h"),
    ("Role ID, Name, Family (job family), Description.", ""),
    ("Requirements", "h"),
    ("One row per role and capability: Role ID, Capability ID, Required level (value or "
     "label), Weight (importance: 1 useful, 2 important, 3 critical; blank = 1).", ""),
    ("Matrix", "h"),
    ("Derived view of required levels (roles x capabilities), protected; edit sheet "
     "Requirements instead: the Matrix is regenerated each time ldkit writes the workbook "
     "and ignored on reading.", ""),
    ("Level drop-downs offer the values and labels of each capability's own scale.", ""),
    ("Ids: letters, digits, '_', '-' or '.', no spaces; e.g. account_planning.", ""),
]


def _rows_for(model: CapabilityModel) -> dict[str, list[tuple]]:
    def n(x: float) -> int | float:
        return int(x) if float(x).is_integer() else x

    model_rows = [("id", model.id), ("name", model.name), ("version", model.version),
                  ("description", model.description), ("default_scale", model.default_scale)]
    return {
        "Model": model_rows,
        "Scales": [(s.id, s.name, s.proficient, lv.value, lv.label, lv.description)
                   for s in model.scales for lv in s.levels],
        "Domains": [(d.id, d.name, d.description) for d in model.domains],
        "Capabilities": [(c.id, c.name, c.domain, c.scale, c.definition)
                         for c in model.capabilities],
        "Indicators": [
            (c.id, lv, model.scale(c.scale).label(lv) if c.scale in (None, *model.scale_ids)
             else "", c.indicators[lv])
            for c in model.capabilities for lv in sorted(c.indicators)
        ],
        "Roles": [(r.id, r.name, r.family, r.description) for r in model.roles],
        "Requirements": [(r.id, q.capability, q.level, n(q.weight))
                         for r in model.roles for q in r.requirements],
    }


def _list_validation(ws: Any, formula: str, cells: str | list[str], prompt: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1=formula, allow_blank=True,
                        showErrorMessage=True, showInputMessage=True)
    dv.error, dv.errorTitle = prompt, "Not allowed"
    dv.prompt, dv.promptTitle = prompt, "Choose from the list"
    for rng in [cells] if isinstance(cells, str) else cells:
        dv.add(rng)
    ws.add_data_validation(dv)


def _row_ranges(col: str, rows: list[int]) -> list[str]:
    """Contiguous runs of rows as ranges: [2, 3, 4, 7] -> ['B2:B4', 'B7']."""
    out: list[str] = []
    for r in sorted(rows):
        if out and out[-1][1] == r - 1:
            out[-1][1] = r
        else:
            out.append([r, r])
    return [f"{col}{a}" if a == b else f"{col}{a}:{col}{b}" for a, b in out]


LEVEL_LISTS = "Level lists"
ANY_SCALE = "(any scale)"


def _level_lists(wb: Any, model: CapabilityModel) -> dict[str, str]:
    """A hidden sheet with, per scale, its level values then its labels; the range of each.

    The level drop-downs point at these ranges (not at a typed list), so labels with
    commas and long scales fit, and Excel accepts a level typed as its label.
    """
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(LEVEL_LISTS)
    ws.sheet_state = "hidden"
    columns: list[tuple[str, list[Any]]] = [(sc.id, [*sc.values, *sc.labels])
                                            for sc in model.scales]
    if len(model.scales) > 1:  # rows added later may belong to any scale
        values = sorted({v for sc in model.scales for v in sc.values})
        labels = list(dict.fromkeys(lab for sc in model.scales for lab in sc.labels))
        columns.append((ANY_SCALE, [*values, *labels]))
    refs = {}
    for j, (name, items) in enumerate(columns, start=1):
        col = get_column_letter(j)
        ws.cell(row=1, column=j, value=name)
        for i, item in enumerate(items, start=2):
            cell = ws.cell(row=i, column=j, value=item)
            if cell.data_type == "f":  # a label starting with '=' is text
                cell.data_type = "s"
        refs[name] = f"'{LEVEL_LISTS}'!${col}$2:${col}${len(items) + 1}"
    return refs


def _level_validations(ws: Any, model: CapabilityModel, caps: list[str | None],
                       col: str, spare_to: int, refs: dict[str, str]) -> None:
    """Drop-down of the level values and labels of the scale of each row's capability.

    Rows below the data (for new records) offer every scale's levels when the
    model has several scales; reading checks the level against the row's scale.
    """
    by_scale: dict[str, list[int]] = {}
    for i, cid in enumerate(caps, start=2):
        try:
            sid = model.scale_of(cid).id if cid else model.default_scale
        except Exception:  # unknown capability: default scale
            sid = model.default_scale
        by_scale.setdefault(sid, []).append(i)
    spare = list(range(len(caps) + 2, spare_to + 1))
    spare_key = ANY_SCALE if ANY_SCALE in refs else model.default_scale
    by_scale.setdefault(spare_key, []).extend(spare)
    for sid, rows in by_scale.items():
        if not rows:
            continue
        scales = model.scales if sid == ANY_SCALE else (model.scale(sid),)
        legend = "; ".join(f"scale {sc.id}: " + ", ".join(f"{lv.value} {lv.label}"
                                                           for lv in sc.levels)
                           for sc in scales)
        _list_validation(ws, refs[sid], _row_ranges(col, rows),
                         f"A level value or label ({legend})"[:255])


def write_excel(model: CapabilityModel, path: str | Path) -> Path:
    """Write the formatted authoring workbook (atomically); return its path."""
    from openpyxl import Workbook
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Alignment

    from ldkit.io import atomic_path

    if Path(path).suffix.lower() != ".xlsx":
        raise UnsupportedFormatError(f"{path}: the workbook must have the extension .xlsx")
    wb = Workbook()
    readme_sheet(wb, README_LINES)
    data = _rows_for(model)
    spare = 500
    for sheet, spec in SHEETS.items():
        table_sheet(wb, sheet, [c.header for c in spec], data[sheet],
                    widths=[c.width for c in spec], wrap=[c.wrap for c in spec])
    last = max(spare, *(len(rows) + 200 for rows in data.values()))

    _list_validation(wb["Capabilities"], f"Domains!$A$2:$A${last}", f"C2:C{last}",
                     "A Domain ID from sheet Domains")
    _list_validation(wb["Capabilities"], f"Scales!$A$2:$A${last}", f"D2:D{last}",
                     "A Scale ID from sheet Scales, or blank for the default scale")
    _list_validation(wb["Indicators"], f"Capabilities!$A$2:$A${last}", f"A2:A{last}",
                     "A Capability ID from sheet Capabilities")
    _list_validation(wb["Requirements"], f"Roles!$A$2:$A${last}", f"A2:A{last}",
                     "A Role ID from sheet Roles")
    _list_validation(wb["Requirements"], f"Capabilities!$A$2:$A${last}", f"B2:B{last}",
                     "A Capability ID from sheet Capabilities")
    from openpyxl.worksheet.datavalidation import DataValidation

    weight = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                            allow_blank=True, showErrorMessage=True)
    weight.error = "Weight is a number >= 0: 1 useful, 2 important, 3 critical."
    weight.add(f"D2:D{last}")
    wb["Requirements"].add_data_validation(weight)
    refs = _level_lists(wb, model)
    _level_validations(wb["Indicators"], model, [row[0] for row in data["Indicators"]], "B",
                       last, refs)
    _level_validations(wb["Requirements"], model, [row[1] for row in data["Requirements"]],
                       "C", last, refs)

    # generated matrix view
    matrix_rows = []
    for r in model.roles:
        levels = {q.capability: q.level for q in r.requirements}
        matrix_rows.append([r.id, r.name, *(levels.get(c) for c in model.capability_ids)])
    ws = table_sheet(wb, "Matrix", ["Role ID", "Role", *model.capability_ids], matrix_rows,
                     widths=[28, 32, *[6] * len(model.capability_ids)])
    for (cell,) in ws.iter_cols(min_col=3, max_col=ws.max_column, min_row=1, max_row=1):
        cell.alignment = Alignment(text_rotation=90, horizontal="center")
    ws.row_dimensions[1].height = 150
    if model.roles and model.capabilities:
        from openpyxl.utils import get_column_letter

        rng = f"C2:{get_column_letter(2 + len(model.capabilities))}{len(model.roles) + 1}"
        ws.conditional_formatting.add(rng, ColorScaleRule(
            start_type="num", start_value=model.scale().min, start_color="F7FBFF",
            end_type="num", end_value=model.scale().max, end_color="08519C"))
    ws.cell(row=len(model.roles) + 3, column=1,
            value="Derived: generated by ldkit from sheet Requirements; edits here are "
                  "ignored (the sheet is protected, without a password).")
    ws.sheet_properties.tabColor = "A6A6A6"
    ws.protection.sheet = True  # derived: Excel refuses edits until unprotected

    order = wb.sheetnames
    wb.move_sheet(LEVEL_LISTS, offset=len(order) - 1 - order.index(LEVEL_LISTS))  # last
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


def write_template(path: str | Path) -> Path:
    """Write a blank authoring workbook: the standard scale, no domains, no roles."""
    blank = CapabilityModel(id="client-model", name="Client capability model", version="0.1")
    return write_excel(blank, path)
