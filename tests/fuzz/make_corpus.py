"""Write the corpus of small bad input files for ldkit's readers, and say what each must give.

Each case is a file (bytes written exactly as a user or a vendor tool would
leave them) plus the reader that reads it and the one acceptable outcome:

- ``accept``: the reader returns, and ``check(result)`` asserts the numbers
  or text it must give (computed independently here, never read back from
  ldkit); or
- ``locate``: the reader raises an ldkit error whose location names the file
  and, where the case has one, the ``line``, ``row``, ``sheet`` or
  ``offset`` (byte offset) of the problem, with a hint.

Anything else (another exception type, a traceback, a hang, a wrong value)
fails ``tests/fuzz/test_corpus.py``. Run as a script to write the files and
print the counts::

    python tests/fuzz/make_corpus.py OUT_FOLDER
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["CASES", "Case", "write_corpus"]


@dataclass(frozen=True)
class Case:
    """One corpus file: its name, bytes (or a builder), reader, and expected outcome."""

    name: str
    reader: str                      # key of READERS in test_corpus.py
    content: bytes | Callable[[Path], None]
    outcome: str                     # "accept" or "locate"
    where: tuple[str, ...] = ()      # for "locate": line, row, sheet, offset
    message: str = ""                # for "locate": a phrase the message must hold
    check: Callable[[Any], None] | None = field(default=None, compare=False)
    options: dict = field(default_factory=dict, compare=False)


def _xlsx(sheets: dict[str, list[list[Any]]], *, hidden: tuple[str, ...] = (),
          merge: str | None = None, cell: tuple[str, Any] | None = None,
          number_format: str | None = None) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        import openpyxl

        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for title, rows in sheets.items():
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
            if title in hidden:
                ws.sheet_state = "hidden"
        ws = wb.worksheets[-1]
        if merge:
            ws.merge_cells(merge)
        if cell:
            ws[cell[0]] = cell[1]
            if number_format:
                ws[cell[0]].number_format = number_format
        wb.save(path)
    return build


def _truncated_xlsx(path: Path) -> None:
    _xlsx({"Data": [["id", "score"]] + [[f"L{i}", i] for i in range(50)]})(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _xlsx_as_csv(path: Path) -> None:
    real = path.with_name(path.name + ".xlsx")
    _xlsx({"Data": [["id"], ["L1"]]})(real)
    real.replace(path)


def _junk() -> bytes:
    rng = random.Random(13)
    return bytes(rng.randrange(256) for _ in range(2048))


def _rows(table: Any, column: str) -> list[str]:
    return table[column].tolist()


def _eq(expected: Any, get: Callable[[Any], Any]) -> Callable[[Any], None]:
    def check(result: Any) -> None:
        got = get(result)
        assert got == expected, f"{got!r} != {expected!r}"
    return check


BOMB = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi",
                                                              strict=True))).encode()
NAMES = "שרה כהן 👩‍🔬 Zoë Müller e\u0301"  # RTL, emoji with ZWJ, combining accent
CATALOG = ("activities:\n"
           "  - {id: a, title: A, capabilities: [c], levels: [1, 2], modality: formal, "
           "format: workshop, hours: 2%s}\n"
           "  - {id: b, title: B, capabilities: [c], levels: [1, 2], modality: formal, "
           "format: workshop, hours: 3%s}\n")
CASE = ("program: Pilot\nparticipants: %s\ncosts:\n"
        "  - {category: delivery, item: Workshop, amount: %s}\n"
        "benefits:\n  - {name: Margin, annual_improvement: 60000, value_per_unit: 1,\n"
        "     isolation: {method: control group, share: 1.0}}\n")

CASES: list[Case] = [
    # -- text tables ------------------------------------------------------------------------
    Case("empty.csv", "table", b"", "locate", message="is empty"),
    Case("bom_only.csv", "table", b"\xef\xbb\xbf", "locate", message="is empty"),
    Case("header_only.csv", "table", b"learner_id,score\r\n", "accept",
         check=_eq((0, ["learner_id", "score"]), lambda t: (len(t), list(t.columns)))),
    Case("truncated_mid_row.csv", "table", b"id,a,b,c\nL1,1,2,3\nL2,4,5", "accept",
         check=_eq({2: ["L1", "1", "2", "3"], 3: ["L2", "4", "5", ""]},
                   lambda t: {k: v.tolist() for k, v in t.iterrows()})),
    Case("binary_junk.csv", "table", _junk(), "locate", ("offset",)),
    Case("nul_bytes.csv", "table", b"id,score\n\x00\x00\x00\x00\x00\x00\x00\n", "locate",
         ("offset",), message="binary data"),
    Case("xlsx_named.csv", "table", _xlsx_as_csv, "locate", message="is an Excel workbook"),
    Case("csv_named.xlsx", "table", b"id,score\nL1,3\n", "locate",
         message="not an Excel workbook"),
    Case("old_binary.xlsx", "table", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,
         "locate", message=".xls"),
    Case("utf16_no_bom.csv", "table", "id;name\r\nL1;Zoë\r\n".encode("utf-16-le"), "accept",
         check=_eq(["Zoë"], lambda t: _rows(t, "name"))),
    Case("utf16_be_no_bom.csv", "table", "id\tname\nL1\tZoë\n".encode("utf-16-be"), "accept",
         check=_eq(["Zoë"], lambda t: _rows(t, "name"))),
    Case("utf16_bom.csv", "table", "id,name\r\nL1,Zoë\r\n".encode("utf-16"), "accept",
         check=_eq(["Zoë"], lambda t: _rows(t, "name"))),
    Case("utf16_odd_length.csv", "table", "id,name\nL1,Zo".encode("utf-16-le") + b"\x00",
         "locate", ("offset",)),
    Case("latin1.csv", "table", "id,name\nL1,Ångström café\n".encode("latin-1"), "accept",
         check=_eq(["Ångström café"], lambda t: _rows(t, "name"))),
    Case("cp1252.csv", "table", "id;note\nL1;€ 5 – “ok”\n".encode("cp1252"), "accept",
         check=_eq(["€ 5 – “ok”"], lambda t: _rows(t, "note"))),
    Case("cp1252_undefined.csv", "table", b"id,name\nL1,Zo\x81\n", "locate", ("offset",),
         message="tried UTF-8, UTF-16, cp1252, Latin-1"),
    Case("utf8_then_cp1252.csv", "table",
         "id,name\nL1,Zoë\n".encode() + "L2,Zoë\n".encode("cp1252"), "locate", ("offset",),
         message="not in one encoding"),
    Case("mixed_line_endings_multiline.csv", "table",
         b'id,comment,score\r\nL1,"one\r\ntwo\nthree\rfour",3\nL2,"a, b",4\r\nL3,x,5\r',
         "accept", check=_eq((["L1", "L2", "L3"], ["3", "4", "5"], [2, 6, 7]),
                             lambda t: (_rows(t, "id"), _rows(t, "score"), list(t.index)))),
    Case("duplicate_columns.csv", "table", b"id,score,Score\nL1,1,2\n", "locate", ("row",),
         message="appears twice"),
    Case("blank_header_with_data.csv", "table", b"id,,x\nL1,1,2\n", "locate", ("row",)),
    Case("row_too_long.csv", "table", b"id,score\nL1,1\nL2,2,3\n", "locate", ("row",)),
    Case("unclosed_quote.csv", "table", b'id,c\nL1,ok\nL2,"never closed\nL3,x\n', "locate",
         ("row",)),
    Case("very_long_string.csv", "table", b"id,text\nL1," + b"x" * 1_000_000 + b"\n", "accept",
         check=_eq(1_000_000, lambda t: len(t.loc[2, "text"]))),
    Case("rtl_emoji_combining.csv", "table", f"id,name\nL1,{NAMES}\n".encode(), "accept",
         check=_eq([NAMES], lambda t: _rows(t, "name"))),
    Case("semicolon_decimal_comma.csv", "table", b"id;score\nL1;3,5\nL2;4\n", "accept",
         check=_eq(["3,5", "4"], lambda t: _rows(t, "score"))),
    Case("only_delimiters.csv", "table", b",,,\n,,,\n", "locate", message="no header"),
    # -- workbooks --------------------------------------------------------------------------
    Case("hidden_first_sheet.xlsx", "table",
         _xlsx({"Stale": [["id", "score"], ["OLD", 1]], "Export": [["id", "score"],
                                                                   ["L1", 4], ["L2", 2.5]]},
               hidden=("Stale",)), "accept",
         check=_eq((["L1", "L2"], ["4", "2.5"]), lambda t: (_rows(t, "id"), _rows(t, "score")))),
    Case("missing_sheet.xlsx", "table", _xlsx({"Data": [["id"], ["L1"]]}), "locate",
         (), message="has no sheet 'Responses'", options={"sheet": "Responses"}),
    Case("merged_cells.xlsx", "table",
         _xlsx({"Data": [["region", "id"], ["EU", "L1"], [None, "L2"]]}, merge="A2:A3"),
         "locate", ("sheet", "row"), message="merged"),
    Case("formula_no_cache.xlsx", "table",
         _xlsx({"Data": [["id", "score"], ["L1", 2], ["L2", "=B2*2"]]}), "locate",
         ("sheet", "row"), message="cell B3 holds a formula"),
    Case("duplicate_columns.xlsx", "table", _xlsx({"Data": [["id", "id"], ["L1", "L2"]]}),
         "locate", ("sheet", "row"), message="appears twice"),
    Case("serial_dates.xlsx", "table",
         _xlsx({"Data": [["id", "when"], ["L1", 46082]]}, cell=("B2", 46082),
               number_format="yyyy-mm-dd"), "accept",
         # Excel's day 0 is 1899-12-30 (1900 counted as a leap year)
         check=_eq([(dt.date(1899, 12, 30) + dt.timedelta(days=46082)).isoformat()],
                   lambda t: _rows(t, "when"))),
    Case("blank_rows.xlsx", "table",
         _xlsx({"Data": [["id", "score"], ["L1", 1], [None, None], [None, None], ["L2", 2]]}),
         "accept", check=_eq([2, 5], lambda t: list(t.index))),
    Case("far_stray_cell.xlsx", "table",
         _xlsx({"Data": [["id", "score"], ["L1", 1]]}, cell=("XFD1048576", "x")), "locate",
         ("sheet", "row"), message="right of the header"),
    Case("far_used_range.xlsx", "table",
         _xlsx({"Data": [["id", "score"], ["L1", 1]]}, cell=("XFD1048576", None),
               number_format="0.00"), "accept",
         check=_eq((1, ["id", "score"]), lambda t: (len(t), list(t.columns)))),
    Case("truncated.xlsx", "table", _truncated_xlsx, "locate",
         message="cannot be opened as an Excel workbook"),
    Case("empty_sheet.xlsx", "table", _xlsx({"Data": []}), "locate", ("sheet",),
         message="is empty"),
    # -- YAML -------------------------------------------------------------------------------
    Case("duplicate_key.yaml", "yaml", b"min_group_size: 5\nscope: [needs]\nmin_group_size: 1\n",
         "locate", ("line",), message="written twice, on line 1 and on line 3"),
    Case("tabs.yaml", "yaml", b"a:\n\tb: 1\n", "locate", ("line",), message="tab"),
    Case("alias_bomb.yaml", "yaml", BOMB, "locate", ("line",), message="aliases expand"),
    Case("recursive_alias.yaml", "yaml", b"a: &a [1, *a]\n", "locate", ("line",)),
    Case("python_tag.yaml", "yaml", b"a: !!python/object/apply:os.system ['echo pwned']\n",
         "locate", ("line",), message="is not allowed"),
    Case("python_name_tag.yaml", "yaml", b"a: !!python/name:builtins.eval\n", "locate",
         ("line",), message="is not allowed"),
    Case("unclosed_quote.yaml", "yaml", b'a: 1\nb: "open\nc: 2\n', "locate", ("line",)),
    Case("two_documents.yaml", "yaml", b"a: 1\n---\nb: 2\n", "locate", ("line",)),
    Case("deep_nesting.yaml", "yaml", b"[" * 3000 + b"]" * 3000, "locate", ()),
    Case("utf16_no_bom.yaml", "yaml", "name: Zoë\nlevels: [1, 2]\n".encode("utf-16-le"),
         "accept", check=_eq({"name": "Zoë", "levels": [1, 2]}, lambda d: d)),
    Case("cp1252.yaml", "yaml", "name: Café – 5 €\n".encode("cp1252"), "accept",
         check=_eq({"name": "Café – 5 €"}, lambda d: d)),
    Case("binary.yaml", "yaml", _junk(), "locate", ("offset",)),
    # -- catalogs, ROI cases, codebooks -----------------------------------------------------
    Case("catalog_text_hours.yaml", "catalog", (CATALOG % ("", "")).replace(
        "hours: 3", 'hours: "3"').encode(), "locate", ("line",),
         message="hours must be a number"),
    Case("catalog_cyclic.yaml", "catalog", (CATALOG % (", prerequisites: [b]",
                                                       ", prerequisites: [a]")).encode(),
         "locate", ("line",), message="prerequisite cycle"),
    Case("catalog_alias_bomb.yaml", "catalog", BOMB + b"activities: *i\n", "locate",
         ("line",), message="aliases expand"),
    Case("catalog_ok.yaml", "catalog", (CATALOG % ("", "")).encode(), "accept",
         check=_eq([2.0, 3.0], lambda c: [a.hours for a in c.activities])),
    Case("catalog_empty.yaml", "catalog", b"", "locate", message="learning catalog"),
    Case("roi_zero_participants.yaml", "roi", (CASE % (0, 20000)).encode(), "locate",
         ("line",), message="'participants' is 0"),
    Case("roi_bool_participants.yaml", "roi", (CASE % ("yes", 20000)).encode(), "locate",
         ("line",), message="whole number, got True"),
    Case("roi_nan_cost.yaml", "roi", (CASE % (20, ".nan")).encode(), "locate", ("line",),
         message="finite"),
    Case("roi_negative_cost.yaml", "roi", (CASE % (20, -5)).encode(), "locate", ("line",),
         message="negative"),
    Case("roi_huge_cost.yaml", "roi", (CASE % (20, "1e400")).encode(), "locate", ("line",)),
    Case("roi_low_above_high.yaml", "roi", (CASE % (20, "20000, range: [30000, 10000]")
                                            ).encode(), "locate", ("line",),
         message="low end 30000 is above the high end 10000"),
    Case("roi_zero_cost.yaml", "roi", (CASE % (20, 0)).encode(), "accept",
         check=_eq(0.0, lambda c: c.costs.total)),
    Case("roi_ok.yaml", "roi", (CASE % (20, 20000)).encode(), "accept",
         check=_eq((3.0, 200.0), lambda c: (c.roi().bcr, c.roi().roi_pct))),
    Case("codebook_text_duration.yaml", "codebook",
         b"respondent: {id: ResponseId}\nscales: {p: {Low: 1, High: 2}}\n"
         b"items:\n  - {column: Q1, item: q1, capability: c, scale: p}\n"
         b"options: {min_duration_seconds: fast}\n", "locate", ("line",),
         message="min_duration_seconds"),
    Case("codebook_duplicate_key.yaml", "codebook",
         b"respondent: {id: ResponseId}\nscales: {p: {Low: 1, High: 2}}\n"
         b"items:\n  - {column: Q1, item: q1, capability: c, scale: p, scale: q}\n", "locate",
         ("line",), message="written twice"),
]


def write_corpus(folder: str | Path) -> list[tuple[Case, Path]]:
    """Write every case's file into ``folder``; return (case, path) pairs."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for case in CASES:
        path = out / case.name
        if callable(case.content):
            case.content(path)
        else:
            path.write_bytes(case.content)
        written.append((case, path))
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    written = write_corpus(argv[0])
    accept = sum(c.outcome == "accept" for c, _ in written)
    print(f"{len(written)} cases written to {argv[0]}: {accept} to accept, "
          f"{len(written) - accept} to refuse with a located error")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
