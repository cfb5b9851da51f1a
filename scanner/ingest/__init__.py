"""Ingest stage: the user's inputs -> Post[] (and Skipped[] for what cannot be read)."""

from __future__ import annotations

from collections.abc import Sequence

from scanner.ingest.archive import Archive, FolderArchive, open_input
from scanner.ingest.detect import detect
from scanner.ingest.interface import IngestContext, IngestError
from scanner.model import MediaRef, Post, Skipped


def _resolver(archives: Sequence[Archive]):
    """Find an export-relative path in whichever input holds it (split exports)."""
    exact: dict[str, Archive] = {}
    by_base: dict[str, list[str]] = {}
    for a in archives:
        for name in a.names():
            if name not in exact:
                exact[name] = a
                by_base.setdefault(name.rsplit("/", 1)[-1], []).append(name)

    def resolve(member: str) -> tuple[MediaRef, str] | None:
        member = member.lstrip("/")
        a = exact.get(member)
        if a is None:
            suffix = "/" + member
            for name in by_base.get(member.rsplit("/", 1)[-1], ()):
                if name.endswith(suffix):
                    a, member = exact[name], name
                    break
        if a is None:
            return None
        return a.ref(member), a.locator(member)

    return resolve


def _nested_zips(archive: Archive) -> list[Archive]:
    """Zips inside a folder given as input (e.g. sample_exports/ holding an export zip beside a
    photos folder) are read as inputs of their own when an adapter recognises their content."""
    if not isinstance(archive, FolderArchive):
        return []
    from scanner.ingest.folder import is_image_name

    found: list[Archive] = []
    for member in archive.names():
        if is_image_name(member):
            continue
        full = archive.root / member
        try:
            with open(full, "rb") as fh:
                if fh.read(4) != b"PK\x03\x04":
                    continue
            nested = open_input(str(full))
        except (OSError, IngestError) as exc:
            archive.refused.append(Skipped(source=str(full), reason=_reason(exc, str(full))))
            continue
        if detect(nested) is not None:  # a .docx is a zip too: only exports count
            found.append(nested)
    return found


def ingest(paths: Sequence[str], debug: bool = False) -> tuple[list[Post], list[Skipped]]:
    """Read every input. One unreadable input or file becomes a Skipped, never a crash."""
    archives: list[Archive] = []
    skipped: list[Skipped] = []
    for path in paths:
        try:
            archives.append(open_input(path))
        except IngestError as exc:
            skipped.append(Skipped(source=path, reason=_reason(exc, path)))
    archives += [nested for a in list(archives) for nested in _nested_zips(a)]
    ctx = IngestContext(resolve=_resolver(archives))
    posts: list[Post] = []
    for archive in archives:
        skipped.extend(archive.refused)
        adapter = detect(archive)
        if adapter is None:
            skipped.append(
                Skipped(
                    source=archive.path,
                    reason="not a recognised export, web archive or image folder",
                )
            )
            continue
        try:
            for item in adapter.read(archive, ctx):
                if isinstance(item, Skipped):
                    skipped.append(item)
                else:
                    posts.append(item)
                    ctx.claimed.update(m.locator for m in item.media)
        except IngestError as exc:
            if debug:
                raise
            skipped.append(Skipped(source=archive.path, reason=_reason(exc, archive.path)))
    return posts, skipped


def _reason(exc: Exception, path: str) -> str:
    text = str(exc)
    prefix = f"{path}: "
    return text[len(prefix) :] if text.startswith(prefix) else text
