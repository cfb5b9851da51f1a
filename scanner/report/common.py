"""Plain values shared by every formatter, so all outputs say the same thing."""

from __future__ import annotations

from typing import Any

from scanner import __version__
from scanner.model import AnalysedMedia, Finding, PostRisk, Report


def media_dict(m: AnalysedMedia) -> dict[str, Any]:
    f = m.facts
    faces = f.faces if f else None
    return {
        "locator": m.media.locator,
        "kind": m.media.kind,
        "width": f.width if f else None,
        "height": f.height if f else None,
        "format": f.format if f else None,
        "bytes": f.bytes if f else None,
        "phash": f.phash if f else None,
        "faces": faces.count if faces else None,
        "analysed": f is not None,
    }


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "severity": f.severity.value,
        "points": f.points,
        "title": f.title,
        "field": f.field,
        "evidence": f.evidence,
        "fix": f.fix,
        "media": f.media,
        "related": list(f.related),
    }


def related_text(f: Finding) -> str:
    """The other posts of a finding's photo group, in a few words each ("; " between)."""
    out = []
    for key in f.related:
        source, _, locator = key.partition("::")
        name = source.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
        out.append(f"{name} › {locator}" if locator else name)
    return "; ".join(out)


def faces_total(r: PostRisk) -> int | None:
    """Faces across the post's analysed images; None when no detector ran on any."""
    counts = [m.facts.faces.count for m in r.media if m.facts and m.facts.faces is not None]
    return sum(counts) if counts else None


def post_dict(r: PostRisk) -> dict[str, Any]:
    p = r.post
    return {
        "rank": r.rank,
        "platform": p.platform,
        "source": p.source,
        "locator": p.locator,
        "url": p.url,
        "created": p.created.isoformat() if p.created else None,
        "audience": p.audience.value,
        "own_content": p.own_content,
        "score": r.score,
        "band": r.band.value,
        "faces": faces_total(r),
        "text_excerpt": r.excerpt,
        "notes": list(p.notes),
        "media": [media_dict(m) for m in r.media],
        "findings": [finding_dict(f) for f in r.findings],
    }


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "tool": "exposure-scan",
        "version": __version__,
        "as_of": report.as_of,
        "policy": report.policy,
        "inputs": list(report.inputs),
        "names_shown": report.show_names,
        "summary": dict(report.stats),
        "posts": [post_dict(r) for r in report.posts],
        "skipped": [{"source": s.source, "reason": s.reason} for s in report.skipped],
    }
