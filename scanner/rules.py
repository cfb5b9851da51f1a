"""The policy: load it strictly, run the registered checks, score and rank the posts.

Everything a school may tune is data in rules/default.toml; a school's own file given with
`--rules` overrides only what it names. Unknown keys, unknown check ids and wrong types are
errors that name the file, the key and the value.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.checks import REGISTRY
from scanner.checks.interface import Check, CheckContext
from scanner.model import Band, Finding, PostRisk, Skipped, post_key

BASE_KEYS = {"enabled", "severity", "points", "title", "explain", "fix", "variants"}
PEOPLE_DEFAULTS: Mapping[str, Any] = {"min_face_px": 24}
"""[people] min_face_px: the smallest face side (original pixels) that counts as identifiable;
the default is the smallest face the detector finds (docs/FACES.md)."""
SEVERITIES = {b.value for b in Band}


class PolicyError(Exception):
    """The policy file is wrong; the message names the file, the key and the value."""


@dataclass(frozen=True, kw_only=True)
class Variant:
    severity: Band
    points: int


@dataclass(frozen=True, kw_only=True)
class CheckPolicy:
    """One check's settings from the policy."""

    id: str
    enabled: bool
    severity: Band
    points: int
    title: str
    explain: str
    fix: str
    variants: Mapping[str, Variant] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Policy:
    """The whole policy: band thresholds and each check's settings."""

    sources: tuple[str, ...]
    bands: Mapping[Band, int]
    checks: Mapping[str, CheckPolicy]
    people: Mapping[str, Any] = field(default_factory=lambda: dict(PEOPLE_DEFAULTS))
    """Policy-wide settings on people in photos ([people]); every check sees them in options."""

    def band_for_score(self, score: int) -> Band:
        for band in (Band.CRITICAL, Band.HIGH, Band.MEDIUM, Band.LOW):
            if score >= self.bands[band]:
                return band
        return Band.NONE


def load_policy(default: Path, override: Path | None = None) -> Policy:
    """Read the default policy and, if given, a school's overrides on top of it."""
    raw = _read_toml(default)
    from scanner.resources import default_policy_path

    # The built-in policy is named as such: its install path means nothing to a governor.
    sources = ["the built-in policy" if default == default_policy_path() else str(default)]
    if override is not None:
        _merge(raw, _read_toml(override), str(override))
        sources.append(str(override))
    return _build(raw, " + ".join(sources), override or default)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise PolicyError(f"{path}: policy file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path}: not valid TOML ({exc})") from exc


def _merge(base: dict[str, Any], extra: Mapping[str, Any], where: str) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value, where)
        else:
            base[key] = value


def _err(path: Path, key: str, value: Any, why: str) -> PolicyError:
    return PolicyError(f"{path}: {key} = {value!r}: {why}")


def _build(raw: Mapping[str, Any], label: str, path: Path) -> Policy:
    unknown_top = set(raw) - {"bands", "checks", "people"}
    if unknown_top:
        k = sorted(unknown_top)[0]
        raise _err(path, k, raw[k], "unknown setting (expected [bands], [people] and [checks.*])")
    bands_raw = raw.get("bands", {})
    bands: dict[Band, int] = {}
    for name in ("critical", "high", "medium", "low"):
        v = bands_raw.get(name)
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise _err(path, f"bands.{name}", v, "must be a whole number of points, 0 or more")
        bands[Band(name)] = v
    for k in set(bands_raw) - {"critical", "high", "medium", "low"}:
        raise _err(path, f"bands.{k}", bands_raw[k], "unknown band")
    checks_raw: Mapping[str, Any] = raw.get("checks", {})
    for cid in checks_raw:
        if cid not in REGISTRY:
            raise _err(path, f"checks.{cid}", "...", "unknown check id (see `exposure-scan rules`)")
    missing = sorted(set(REGISTRY) - set(checks_raw))
    if missing:
        raise PolicyError(f"{path}: checks.{missing[0]} is missing from the default policy")
    checks = {cid: _check_policy(REGISTRY[cid], checks_raw[cid], path) for cid in REGISTRY}
    return Policy(
        sources=tuple(label.split(" + ")),
        bands=bands,
        checks=checks,
        people=_people(raw.get("people", {}), path),
    )


def _people(raw: Any, path: Path) -> dict[str, Any]:
    """[people]: settings every check shares, validated like a check's options."""
    if not isinstance(raw, dict):
        raise _err(path, "people", raw, "must be a table of settings")
    for key, value in raw.items():
        if key not in PEOPLE_DEFAULTS:
            raise _err(path, f"people.{key}", value, "unknown setting (known: min_face_px)")
    px = raw.get("min_face_px", PEOPLE_DEFAULTS["min_face_px"])
    if not isinstance(px, int) or isinstance(px, bool) or px < 1:
        raise _err(path, "people.min_face_px", px, "must be a whole number of pixels, 1 or more")
    return {"min_face_px": px}


def _severity(path: Path, key: str, value: Any) -> Band:
    if value not in SEVERITIES:
        raise _err(path, key, value, "must be one of none, low, medium, high, critical")
    return Band(value)


def _points(path: Path, key: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _err(path, key, value, "must be a whole number of points, 0 or more")
    return value


def _check_policy(chk: Check, raw: Mapping[str, Any], path: Path) -> CheckPolicy:
    prefix = f"checks.{chk.id}"
    for key, value in raw.items():
        if key not in BASE_KEYS and key not in chk.options:
            raise _err(path, f"{prefix}.{key}", value, "unknown setting for this check")
    options: dict[str, Any] = {}
    for key, default in chk.options.items():
        value = raw.get(key, default)
        if not _same_type(value, default):
            raise _err(
                path,
                f"{prefix}.{key}",
                value,
                f"must be {type(default).__name__} like the default {default!r}",
            )
        options[key] = value
    variants: dict[str, Variant] = {}
    for vname, vraw in (raw.get("variants") or {}).items():
        if vname not in chk.variants:
            raise _err(
                path,
                f"{prefix}.variants.{vname}",
                vraw,
                f"unknown variant (known: {', '.join(chk.variants) or 'none'})",
            )
        if not isinstance(vraw, dict) or set(vraw) - {"severity", "points"}:
            raise _err(
                path, f"{prefix}.variants.{vname}", vraw, "must be a table with severity and points"
            )
        variants[vname] = Variant(
            severity=_severity(path, f"{prefix}.variants.{vname}.severity", vraw.get("severity")),
            points=_points(path, f"{prefix}.variants.{vname}.points", vraw.get("points")),
        )
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise _err(path, f"{prefix}.enabled", enabled, "must be true or false")
    texts = {}
    for key in ("title", "explain", "fix"):
        v = raw.get(key)
        if not isinstance(v, str) or not v.strip():
            raise _err(path, f"{prefix}.{key}", v, "must be a non-empty text")
        texts[key] = v.strip()
    return CheckPolicy(
        id=chk.id,
        enabled=enabled,
        severity=_severity(path, f"{prefix}.severity", raw.get("severity")),
        points=_points(path, f"{prefix}.points", raw.get("points")),
        variants=variants,
        options=options,
        **texts,
    )


def _same_type(value: Any, default: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, float):
        return isinstance(value, int | float)
    return isinstance(value, type(default))


# ---------------------------------------------------------------- evaluation


def run_checks(
    base: CheckContext, policy: Policy, debug: bool = False
) -> tuple[list[Finding], list[Skipped]]:
    """Run every enabled check on one post; a crashing check is reported, not fatal."""
    findings: list[Finding] = []
    problems: list[Skipped] = []
    for cid, chk in REGISTRY.items():
        cp = policy.checks[cid]
        if not cp.enabled:
            continue
        ctx = CheckContext(
            post=base.post,
            media=base.media,
            names=base.names,
            as_of=base.as_of,
            options={**policy.people, **cp.options},
            copies=base.copies,
            show_names=base.show_names,
        )
        try:
            hits = list(chk.fn(ctx))
        except Exception as exc:
            if debug:
                raise
            problems.append(
                Skipped(
                    source=post_key(base.post),
                    reason=f"check {cid} failed: {type(exc).__name__}: {exc}",
                )
            )
            continue
        for hit in hits:
            variant = cp.variants.get(hit.variant) if hit.variant else None
            severity = variant.severity if variant else cp.severity
            if severity is Band.NONE:
                continue
            findings.append(
                Finding(
                    rule=cid,
                    severity=severity,
                    points=variant.points if variant else cp.points,
                    title=cp.title,
                    field=hit.field,
                    evidence=hit.evidence,
                    fix=cp.fix,
                    media=hit.media,
                    related=hit.related,
                )
            )
    return findings, problems


def score_post(
    ctx: CheckContext, findings: Iterable[Finding], policy: Policy, excerpt: str = ""
) -> PostRisk:
    """Score = sum of points; band = the higher of the score's band and the worst severity."""
    fs = tuple(sorted(findings, key=lambda f: (-f.severity.order, -f.points, f.rule)))
    score = sum(f.points for f in fs)
    band = policy.band_for_score(score)
    if fs and fs[0].severity.order > band.order:
        band = fs[0].severity
    return PostRisk(
        post=ctx.post, media=ctx.media, findings=fs, score=score, band=band, excerpt=excerpt
    )


def rank(risks: Iterable[PostRisk]) -> tuple[PostRisk, ...]:
    """Highest risk first; the school's own posts before reposts; ties by date, newest first."""

    def key(r: PostRisk) -> tuple[Any, ...]:
        created = r.post.created.timestamp() if r.post.created else 0.0
        return (not r.post.own_content, -r.band.order, -r.score, -created, post_key(r.post))

    ordered = sorted(risks, key=key)
    return tuple(
        PostRisk(
            post=r.post,
            media=r.media,
            findings=r.findings,
            score=r.score,
            band=r.band,
            rank=i,
            excerpt=r.excerpt,
        )
        for i, r in enumerate(ordered, start=1)
    )
