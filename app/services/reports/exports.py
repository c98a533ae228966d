"""Report tables as files: CSV that Excel opens with the Chinese intact, and one workbook with a sheet per table."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.services.reports.tables import MONEY, PERCENT, RATING, Table, export_value

# Excel reads a CSV as the system's ANSI code page unless it starts with a UTF-8 byte-order mark.
BOM = "\ufeff"
_FORMATS = {MONEY: "#,##0.00", RATING: "0.00", PERCENT: "0.0"}
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _values(table: Table) -> list[list]:
    return [[export_value(value, column.kind) for value, column in zip(row, table.columns, strict=True)]
            for row in table.rows]


def _inert(value: object) -> object:
    # Names are typed by staff: one starting like a formula must not run when the file is opened.
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_inert(column.title) for column in table.columns])
    writer.writerows([[_inert(value) for value in row] for row in _values(table)])
    return (BOM + buffer.getvalue()).encode("utf-8")


def _sheet_title(title: str, taken: set[str]) -> str:
    # Excel allows 31 characters and no []:*?/\ in a sheet name, and each name once.
    base = _SHEET_FORBIDDEN.sub(" ", title)[:31].strip() or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def to_xlsx(tables: list[Table], heading: str = "") -> bytes:
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_title(table.title, taken))
        sheet.append([column.title for column in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in _values(table):
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # openpyxl would store it as a formula
        for index, column in enumerate(table.columns, start=1):
            letter = get_column_letter(index)
            if column.kind in _FORMATS:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = _FORMATS[column.kind]
            # Wide enough for the title; CJK characters take about two Latin widths.
            width = sum(2 if ord(ch) >= 0x2E80 else 1 for ch in column.title)
            sheet.column_dimensions[letter].width = max(10, min(width + 2, 40))
        sheet.freeze_panes = "B2"
        if heading:
            sheet.oddHeader.center.text = heading
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
