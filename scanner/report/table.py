"""The ranked risk table for a terminal (rich); plain text when written to a file."""

from __future__ import annotations

import io
import os

from rich.console import Console
from rich.table import Table
from rich.text import Text

from scanner.model import Band, PostRisk, Report
from scanner.report.common import faces_total, related_text

BAND_STYLE = {
    Band.CRITICAL: "bold white on red",
    Band.HIGH: "bold red",
    Band.MEDIUM: "yellow",
    Band.LOW: "cyan",
    Band.NONE: "dim",
}
MAX_ROWS = 200


def _where(r: PostRisk) -> Text:
    """Where to find the item, then the start of its text so the user recognises it."""
    p = r.post
    if p.url:
        place = p.url
    elif p.platform == "files":
        place = r.media[0].media.locator if r.media else p.locator
    else:
        place = f"{p.source} › {p.locator}"
    text = Text(place)
    if r.excerpt:
        short = r.excerpt if len(r.excerpt) <= 80 else r.excerpt[:79] + "…"
        text.append(f"\n“{short}”", style="italic")
    return text


def _reasons(r: PostRisk) -> str:
    lines = []
    for f in r.findings[:4]:
        lines.append(f"• {f.title}: {f.evidence}")
        if f.related:
            lines.append(f"  same photo also in: {related_text(f)}")
    if len(r.findings) > 4:
        lines.append(f"• … and {len(r.findings) - 4} more")
    if r.findings:
        lines.append(f"→ {r.findings[0].fix}")
    return "\n".join(lines)


def build_table(report: Report) -> Table:
    t = Table(
        title="Pupil-image exposure: posts ranked by risk", show_lines=True, title_justify="left"
    )
    t.add_column("#", justify="right")
    t.add_column("Band")
    t.add_column("Score", justify="right")
    t.add_column("Platform")
    t.add_column("Date")
    t.add_column("Faces", justify="right")
    t.add_column("Where", overflow="fold", max_width=38)
    t.add_column("Why, and what to do", overflow="fold", min_width=40)
    shown = [r for r in report.posts if r.findings][:MAX_ROWS]
    for r in shown:
        faces = faces_total(r)
        t.add_row(
            str(r.rank),
            Text(r.band.value.upper(), style=BAND_STYLE[r.band]),
            str(r.score),
            r.post.platform + ("" if r.post.own_content else " (repost)"),
            r.post.created.date().isoformat() if r.post.created else "—",
            "—" if faces is None else str(faces),
            _where(r),
            _reasons(r),
        )
    return t


def summary_line(report: Report) -> str:
    s = report.stats
    bands = s.get("bands", {})
    parts = [f"{s.get('items', 0)} items", f"{s.get('images', 0)} images"]
    if s.get("videos"):
        parts.append(f"{s['videos']} videos")
    band_txt = ", ".join(f"{bands.get(b, 0)} {b}" for b in ("critical", "high", "medium", "low"))
    text = f"Scanned {', '.join(parts)}: {band_txt}; {bands.get('none', 0)} with nothing to fix"
    text += f"; {len(report.skipped)} skipped."
    if len([r for r in report.posts if r.findings]) > MAX_ROWS:
        text += f" Table shows the top {MAX_ROWS}; use --format csv or json for all."
    return text


def skipped_lines(report: Report) -> list[str]:
    return [f"Skipped {s.source}: {s.reason}" for s in report.skipped]


def print_to(console: Console, report: Report) -> None:
    """Print the table, the skipped list and the summary to a console."""
    if any(r.findings for r in report.posts):
        console.print(build_table(report))
    else:
        console.print("No risks found in what was scanned.")
    for line in skipped_lines(report):
        console.print(Text(line, style="yellow"))
    console.print(Text(summary_line(report), style="bold"))
    console.print(
        f"Judged as of {report.as_of} with policy {report.policy}. Names are "
        + ("shown in full." if report.show_names else "shortened (use --show-names).")
    )


def render(report: Report) -> str:
    """Plain-text table for a file (no colour codes)."""
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=int(os.environ.get("COLUMNS", "140")),
        no_color=True,
        color_system=None,
        force_terminal=False,
    )
    print_to(console, report)
    return buf.getvalue()
