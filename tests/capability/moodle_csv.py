"""An independent re-implementation of how Moodle reads a CSV upload (for tests only).

Moodle's ``csv_import_reader::load_csv_content`` (lib/csvlib.class.php) converts the
text to UTF-8, drops the BOM, turns CR LF / CR into LF, trims the text, reads every
record with PHP's ``fgetcsv($fp, 0, ',', '"')`` (escape ``\\``), drops empty lines,
refuses the file if a record's field count differs from the header's, then stores
the records with ``fputcsv`` and reads them again with ``fgetcsv``.
``framework_importer`` then cuts ID number and short name to 100 characters.

The two PHP functions are ported line by line from php-src ext/standard/file.c
(``php_fgetcsv``: states 0 normal, 1 escaped, 2 after a quote; ``php_fputcsv``),
reading line by line as PHP does, unlike the character loop of ldkit's reader.
"""

from __future__ import annotations

import re

__all__ = ["fgetcsv_lines", "fputcsv", "moodle_reads"]


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def fgetcsv_lines(text: str) -> list[list[str] | None]:
    """Every ``fgetcsv`` call on ``text`` (``None`` for an empty line)."""
    lines, out, k = _lines(text), [], 0
    while k < len(lines):
        buf = lines[k]
        k += 1
        line_end = buf.rstrip("\r\n")
        ending = buf[len(line_end):]
        if line_end == "":
            out.append(None)
            continue
        fields: list[str] = []
        pos = 0
        while True:
            # leading white space is skipped only before an enclosure
            t = pos
            while t < len(line_end) and line_end[t] != "," and line_end[t].isspace():
                t += 1
            if t < len(line_end) and line_end[t] == '"':
                pos = t
            if pos < len(line_end) and line_end[pos] == '"':
                pos += 1
                field, state = "", 0
                while True:
                    if pos >= len(line_end):  # end of this line inside the enclosure
                        if state == 2:
                            break
                        field += line_end[pos:] + ending
                        if k >= len(lines):
                            break  # unterminated: the rest is the field
                        buf = lines[k]
                        k += 1
                        line_end = buf.rstrip("\r\n")
                        ending = buf[len(line_end):]
                        pos = 0
                        if state == 1:
                            state = 1  # the first character of the next line is escaped
                        continue
                    ch = line_end[pos]
                    if state == 1:
                        field += ch
                        state = 0
                    elif state == 2:
                        if ch != '"':
                            break
                        field += '"'
                        state = 0
                    elif ch == '"':
                        state = 2
                    else:
                        field += ch
                        if ch == "\\":
                            state = 1
                    pos += 1
                while pos < len(line_end) and line_end[pos] != ",":  # after the enclosure
                    field += line_end[pos]
                    pos += 1
                fields.append(field)
            else:
                end = line_end.find(",", pos)
                end = len(line_end) if end < 0 else end
                fields.append(line_end[pos:end])
                pos = end
            if pos < len(line_end) and line_end[pos] == ",":
                pos += 1
                continue
            break
        out.append(fields)
    return out


def fputcsv(fields: list[str]) -> str:
    """PHP ``fputcsv($fp, $fields, ',', '"')`` with the default escape ``\\``."""
    parts = []
    for value in fields:
        if any(c in value for c in ',"\\\n\r\t '):
            s, escaped = '"', False
            for ch in value:
                if ch == "\\":
                    escaped = True
                elif not escaped and ch == '"':
                    s += '"'
                else:
                    escaped = False
                s += ch
            parts.append(s + '"')
        else:
            parts.append(value)
    return ",".join(parts) + "\n"


def moodle_reads(raw: bytes) -> list[list[str]]:
    """The records Moodle's framework importer works on (header first).

    Raises ValueError where Moodle shows ``csvweirdcolumns`` (field counts differ).
    """
    text = raw.decode("utf-8").removeprefix("\ufeff")
    text = re.sub(r"\r\n?", "\n", text).strip()
    first = [r for r in fgetcsv_lines(text) if r is not None and r != [""]]
    if any(len(r) != len(first[0]) for r in first):
        raise ValueError("csvweirdcolumns")
    stored = "".join(fputcsv(r) for r in first)
    second = [r for r in fgetcsv_lines(stored) if r is not None]
    return second
