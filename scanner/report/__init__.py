"""Report stage: pure formatters `render(report) -> str`, one module each, registered here."""

from __future__ import annotations

from collections.abc import Callable

from scanner.model import Report
from scanner.report import csv_format, json_format, table

FORMATTERS: dict[str, Callable[[Report], str]] = {
    "table": table.render,
    "json": json_format.render,
    "csv": csv_format.render,
}
