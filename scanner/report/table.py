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


def _breakable(text: str, n: int) -> str:
    """Break words longer than n (paths, URLs) with newlines, after a / or _ where possible,
    so a narrow column can wrap them instead of the table being cut off."""
    out = []
    for word in text.replace("\n", "\n ").split(" "):
        while len(word) > n:
            cut = max(word.rfind("/", 0, n), word.rfind("_", 0, n), word.rfind("›", 0, n))
            cut = cut + 1 if cut > n // 3 else n
            out.append(word[:cut] + "\n")
            word = word[cut:]
        out.append(word + " ")
    return "".join(out).replace("\n ", "\n").rstrip(" ")


def _where(r: PostRisk, n: int = 38) -> Text:
    """Where to find the item, then the start of its text so the user recognises it."""
    p = r.post
    if p.url:
        place = p.url
    elif p.platform == "files":
        place = r.media[0].media.locator if r.media else p.locator
    else:
        place = f"{p.source} › {p.locator}"
    text = Text(_breakable(place, n))
    if r.excerpt:
        short = r.excerpt if len(r.excerpt) <= 80 else r.excerpt[:79] + "…"
        text.append("\n" + _breakable(f"“{short}”", n), style="italic")
    return text


def _reasons(r: PostRisk, n: int = 60) -> str:
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


WIDE = 110
"""Below this many columns the short columns are stacked, so nothing is cut off."""


def build_table(report: Report, width: int = 140) -> Table:
    """The ranked table; on a narrow terminal band/score and platform/date/faces stack."""
    t = Table(
        title="Pupil-image exposure: posts ranked by risk", show_lines=True, title_justify="left"
    )
    wide = width >= WIDE
    t.add_column("#", justify="right", no_wrap=True)
    if wide:
        t.add_column("Band", no_wrap=True)
        t.add_column("Score", justify="right", no_wrap=True)
        t.add_column("Platform", overflow="fold")
        t.add_column("Date", no_wrap=True)
        t.add_column("Faces", justify="right", no_wrap=True)
    else:
        t.add_column("Risk", no_wrap=True)
        t.add_column("Item", no_wrap=True)
    # The two text columns share what is left (1:2) and wrap; long paths are pre-broken.
    spare = max(40, width - (67 if wide else 40))
    where_w, why_w = spare // 3, spare - spare // 3
    t.add_column("Where", overflow="fold", width=where_w)
    t.add_column("Why, and what to do", overflow="fold", width=why_w)
    shown = [r for r in report.posts if r.findings][:MAX_ROWS]
    for r in shown:
        faces = faces_total(r)
        band = Text(r.band.value.upper(), style=BAND_STYLE[r.band])
        platform = r.post.platform + ("" if r.post.own_content else " (repost)")
        date = r.post.created.date().isoformat() if r.post.created else "—"
        face_text = "—" if faces is None else str(faces)
        if wide:
            cells = [band, str(r.score), platform, date, face_text]
        else:
            risk = band + Text(f"\n{r.score} points")
            cells = [risk, f"{platform}\n{date}\nfaces: {face_text}"]
        t.add_row(str(r.rank), *cells, _where(r, where_w), _breakable(_reasons(r), why_w))
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
        console.print(build_table(report, console.width))
    else:
        console.print("No risks found in what was scanned.")
    for line in skipped_lines(report):
        console.print(Text(line, style="yellow"))
    console.print(Text(summary_line(report), style="bold"))
    console.print(
        f"Judged as of {report.as_of} with {report.policy}. Names are "
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
