"""JSON report: the whole result, documented in docs/REPORT.md."""

from __future__ import annotations

import json

from scanner.model import Report
from scanner.report.common import report_dict


def render(report: Report) -> str:
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
