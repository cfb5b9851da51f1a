"""CSV report: one row per finding, for spreadsheets and action lists."""

from __future__ import annotations

import csv
import io

from scanner.model import Report
from scanner.report.common import faces_total, related_text

COLUMNS = (
    "rank",
    "band",
    "score",
    "platform",
    "source",
    "locator",
    "url",
    "created",
    "audience",
    "faces",
    "rule",
    "severity",
    "points",
    "field",
    "media",
    "evidence",
    "fix",
    "related",
)


def render(report: Report) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in report.posts:
        p = r.post
        for f in r.findings:
            w.writerow(
                [
                    r.rank,
                    r.band.value,
                    r.score,
                    p.platform,
                    p.source,
                    p.locator,
                    p.url or "",
                    p.created.isoformat() if p.created else "",
                    p.audience.value,
                    "" if faces_total(r) is None else faces_total(r),
                    f.rule,
                    f.severity.value,
                    f.points,
                    f.field or "",
                    f.media or "",
                    f.evidence,
                    f.fix,
                    related_text(f),
                ]
            )
    return out.getvalue()
