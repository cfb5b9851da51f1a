"""How a check is written and registered.

A check is a function with a stable kebab-case id whose docstring is its documentation
(sections: What it finds / Why it matters for pupils / Example / Options / Fix). It looks
at one post in context and yields `Hit`s; the policy (rules/default.toml) decides the
severity, points and plain-words texts of each hit. A duplicate id or a missing docstring
section fails at import, so a broken check never ships silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scanner.model import AnalysedMedia, LinkedCopy, NameHit, Post

DOC_SECTIONS = ("What it finds", "Why it matters for pupils", "Example", "Options", "Fix")
_ID_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


@dataclass(frozen=True, kw_only=True)
class CheckContext:
    """Everything a check may look at for one post. Checks never see other stages' state."""

    post: Post
    media: tuple[AnalysedMedia, ...]
    names: tuple[NameHit, ...]
    """Every name found in the post's texts, its media's texts, file names and metadata."""
    as_of: date
    options: Mapping[str, Any]
    """This check's options from the policy (defaults filled in)."""
    copies: tuple[LinkedCopy, ...] = ()
    """Other published copies of this post's images (from the link stage)."""
    show_names: bool = False
    """Whether evidence may carry whole names; by default they are shortened (Amelia H.)."""

    def shown(self, name: str) -> str:
        """A name as evidence may show it."""
        if self.show_names:
            return name
        from scanner.analyse.names import shorten

        return shorten(name)

    @property
    def images(self) -> tuple[AnalysedMedia, ...]:
        return tuple(m for m in self.media if m.media.kind == "image")


@dataclass(frozen=True, kw_only=True)
class Hit:
    """One occurrence of what a check looks for.

    `variant` picks severity and points from the policy's variants for this check (e.g. the
    name kind `full` or `first`); None uses the check's own severity and points.
    """

    evidence: str
    field: str | None = None
    media: str | None = None
    variant: str | None = None
    related: tuple[str, ...] = ()


CheckFn = Callable[[CheckContext], Iterable[Hit]]


@dataclass(frozen=True, kw_only=True)
class Check:
    """A registered check: its id, function, documentation and option defaults."""

    id: str
    fn: CheckFn
    doc: str
    options: Mapping[str, Any] = field(default_factory=dict)
    variants: tuple[str, ...] = ()
    guidance: str = ""
    """Which practice of the guidance it enforces (G1..G7)."""

    @property
    def summary(self) -> str:
        """The first paragraph of 'What it finds'."""
        return " ".join(doc_section(self.doc, "What it finds").split("\n\n")[0].split())


REGISTRY: dict[str, Check] = {}


class CheckDefinitionError(Exception):
    """A check was registered wrongly (duplicate id, bad id, missing documentation)."""


def check(
    id: str,
    *,
    guidance: str,
    options: Mapping[str, Any] | None = None,
    variants: tuple[str, ...] = (),
) -> Callable[[CheckFn], CheckFn]:
    """Register a check under a stable id. Options are its tunable settings with defaults."""

    def register(fn: CheckFn) -> CheckFn:
        if not _ID_RE.match(id):
            raise CheckDefinitionError(f"check id {id!r} is not kebab-case")
        if id in REGISTRY:
            raise CheckDefinitionError(f"check id {id!r} is registered twice")
        doc = _dedent(fn.__doc__ or "")
        missing = [s for s in DOC_SECTIONS if not doc_section(doc, s)]
        if missing:
            raise CheckDefinitionError(f"check {id!r} docstring lacks: {', '.join(missing)}")
        REGISTRY[id] = Check(
            id=id,
            fn=fn,
            doc=doc,
            options=dict(options or {}),
            variants=variants,
            guidance=guidance,
        )
        return fn

    return register


def doc_section(doc: str, name: str) -> str:
    """The text under a `Name:` heading line of a check docstring."""
    lines = doc.splitlines()
    out: list[str] = []
    inside = False
    for line in lines:
        stripped = line.strip()
        if stripped.endswith(":") and stripped[:-1] in DOC_SECTIONS:
            inside = stripped[:-1] == name
            continue
        if inside:
            out.append(line)
    return "\n".join(out).strip()


def _dedent(doc: str) -> str:
    import inspect

    return inspect.cleandoc(doc)
