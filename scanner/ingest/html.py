"""Web pages saved from a browser: "Save page as, complete", a plain saved `.html`, SingleFile.

Chrome and Firefox write `Page.html` beside a `Page_files/` folder holding the page's
pictures (Chrome renames some to `name.download`) and mark the page with
`<!-- saved from url=(NN)https://... -->`; SingleFile writes one `.html` with every picture
inlined as a `data:` URI and a header comment naming the address. Each page is a Post
(platform `web`, public), read by the shared extractor in `html_images`. A picture the page
shows but the save did not keep is still listed by address, so its texts are judged. A page
that asks for a login is out of scope and reported as skipped. Loose photos in the same
folder that no page shows are listed as files, as the folder adapter would.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from scanner.ingest.archive import Archive, FileArchive
from scanner.ingest.folder import is_image_name
from scanner.ingest.html_images import page_to_post, parse_page
from scanner.ingest.interface import IngestContext, IngestError
from scanner.model import Media, MediaRef, Post, Skipped

PAGE_SUFFIXES = (".html", ".htm", ".xhtml")
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html|<head|<body)", re.I | re.S)
_ASSET_DIR = re.compile(r"(^|/)[^/]*_files(/|$)")


def is_page_name(name: str) -> bool:
    """A saved page, not an HTML file the browser saved inside a page's `_files` folder."""
    base = posixpath.basename(name)
    return (
        name.lower().endswith(PAGE_SUFFIXES)
        and not base.startswith(".")
        and not _ASSET_DIR.search(posixpath.dirname(name) + "/")
    )


def looks_like_html(head: bytes) -> bool:
    head = head.lstrip(b"\xef\xbb\xbf")
    return bool(_HTML_START.match(head[:4096])) or b"<html" in head[:4096].lower()


class SavedPageAdapter:
    platform = "web"

    def detect(self, archive: Archive) -> bool:
        for name in archive.names():
            if is_page_name(name):
                try:
                    if looks_like_html(archive.read(name, limit=64 * 1024 * 1024)[:4096]):
                        return True
                except (IngestError, OSError):
                    continue
        return False

    def read(self, archive: Archive, ctx: IngestContext) -> Iterator[Post | Skipped]:
        for name in archive.names():
            if is_page_name(name):
                yield from self._page(archive, name, ctx)
        for name in archive.names():
            if not is_image_name(name) or _ASSET_DIR.search(posixpath.dirname(name) + "/"):
                continue
            locator = archive.locator(name)
            if locator in ctx.claimed:
                continue
            media = Media(
                locator=locator,
                ref=archive.ref(name),
                texts={"file_name": posixpath.basename(name)},
            )
            yield Post(platform="files", source=archive.path, locator=name, media=(media,))

    def _page(self, archive: Archive, name: str, ctx: IngestContext) -> Iterator[Post | Skipped]:
        where = archive.locator(name)
        try:
            data = archive.read(name)
        except (IngestError, OSError) as exc:
            yield Skipped(source=where, reason=str(exc))
            return
        if not looks_like_html(data[:4096]):
            yield Skipped(source=where, reason="named like a web page but is not HTML")
            return
        page = parse_page(data, None)
        if page.login_required:
            yield Skipped(
                source=where,
                reason="the page asks for a login; pages behind a login are out of scope",
            )
            return
        resolve = _local_resolver(archive, name, ctx)
        yield page_to_post(page, source=archive.path, locator=name, resolve_image=resolve)


def _local_resolver(archive: Archive, page: str, ctx: IngestContext):
    """An image address in a saved page -> the file the browser saved beside it."""
    folder = posixpath.dirname(page)
    stem = posixpath.splitext(posixpath.basename(page))[0]
    files_dir = posixpath.join(folder, f"{stem}_files")

    def resolve(src: str) -> tuple[MediaRef, str] | None:
        parts = urlsplit(src)
        candidates: list[str] = []
        if not parts.scheme and not parts.netloc:
            rel = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
            if not rel.startswith("../"):
                candidates += [rel, rel + ".download"]
        else:
            base = unquote(posixpath.basename(parts.path))
            if base:
                candidates += [
                    posixpath.join(files_dir, base),
                    posixpath.join(files_dir, base) + ".download",
                ]
        for c in candidates:
            if archive.has(c):
                return archive.ref(c), archive.locator(c)
            if isinstance(archive, FileArchive):
                beside = _beside(archive.path, c)
                if beside is not None:
                    return MediaRef(container=beside), beside
        return None

    return resolve


def _beside(page_path: str, rel: str) -> str | None:
    """A page given on its own: its `_files` folder is beside it on disk, not in the input."""
    root = os.path.dirname(os.path.abspath(page_path))
    full = os.path.normpath(os.path.join(root, rel))
    if os.path.commonpath([root, full]) != root or not os.path.isfile(full):
        return None
    return full


ADAPTER = SavedPageAdapter()
