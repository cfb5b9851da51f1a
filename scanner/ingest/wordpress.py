"""WordPress export (WXR, the XML from Tools > Export), with or without its uploads folder.

Each post and page is a Post; the pictures it shows (`<img>`, `[caption]` shortcodes,
Gutenberg image and gallery blocks, `[gallery]` shortcodes, the featured image) are linked
to their attachments, whose alt text, caption, description, title and file name travel with
them. `_wp_attachment_metadata` gives each file's pixel size, its resized copies and the
camera facts WordPress read at upload; `original_image` says a larger original stays on the
server. When the image files are beside the XML (an uploads folder, or a second input) they
are analysed; when not, the facts the export records are still judged. An attachment that no
post shows is still public at its address, so it is listed on its own; image files in the
input that no attachment accounts for are listed as loose files.

The XML is parsed with defusedxml: an export that declares entities (an expansion bomb, an
external file) is refused, never expanded.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import unquote, urlsplit

import defusedxml
from defusedxml.ElementTree import iterparse

from scanner.ingest.archive import Archive, FileArchive, FolderArchive, ZipArchive
from scanner.ingest.folder import is_image_name
from scanner.ingest.html_images import (
    PageImage,
    image_texts,
    parse_page,
    wordpress_original_candidates,
)
from scanner.ingest.interface import IngestContext, IngestError
from scanner.ingest.phpdata import php_unserialize
from scanner.model import Audience, Media, MediaRef, PlatformFacts, Post, Skipped

WXR_NAMESPACE = "wordpress.org/export/"
KNOWN_WXR_VERSIONS = ("1.0", "1.1", "1.2")
SKIP_TYPES = {
    "nav_menu_item",
    "revision",
    "customize_changeset",
    "custom_css",
    "oembed_cache",
    "user_request",
    "wp_global_styles",
    "wp_navigation",
    "wp_template",
    "wp_template_part",
    "wp_font_family",
    "wp_font_face",
}
"""Post types that are site machinery, never something a visitor reads."""
NOT_PUBLISHED = {"draft", "pending", "auto-draft", "trash"}
FILES_MISSING_NOTE = (
    "The image files were not in the export: judged from what the export records "
    "(sizes, captions, alt text)."
)
_GALLERY_SHORTCODE = re.compile(r"\[gallery(?P<attrs>[^\]]*)\]")
_IDS = re.compile(r'ids\s*=\s*"([\d,\s]+)"')


@dataclass(kw_only=True)
class _Item:
    """One `<item>` of the export, as plain strings."""

    title: str = ""
    link: str = ""
    pub_date: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_id: int = 0
    post_date_gmt: str = ""
    status: str = ""
    parent: int = 0
    post_type: str = ""
    password: str = ""
    attachment_url: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class Attachment:
    """An uploaded file as the export describes it."""

    id: int
    url: str
    title: str = ""
    caption: str = ""
    description: str = ""
    alt: str = ""
    attached_file: str = ""
    parent: int = 0
    width: int | None = None
    height: int | None = None
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)
    """File name of each resized copy -> its pixel size."""
    original_image: str | None = None
    """File name of the pre-scaling original WordPress keeps (`original_image`)."""
    camera: str | None = None
    taken_at: datetime | None = None
    meta_caption: str = ""
    credit: str = ""

    @property
    def folder_url(self) -> str:
        return self.url.rsplit("/", 1)[0]

    @property
    def file_name(self) -> str:
        return unquote(posixpath.basename(urlsplit(self.url).path))


class WordPressAdapter:
    platform = "wordpress"

    def detect(self, archive: Archive) -> bool:
        return any(True for _ in _wxr_members(archive))

    def read(self, archive: Archive, ctx: IngestContext) -> Iterator[Post | Skipped]:
        for member in _wxr_members(archive):
            yield from _read_export(archive, member, ctx)
        # Uploads no attachment accounts for (and photos beside the export) are still
        # files someone published or keeps: listed as loose files, as the folder adapter would.
        for name in archive.names():
            locator = archive.locator(name)
            if is_image_name(name) and locator not in ctx.claimed:
                media = Media(
                    locator=locator,
                    ref=archive.ref(name),
                    texts={"file_name": posixpath.basename(name)},
                )
                yield Post(platform="files", source=archive.path, locator=name, media=(media,))


def _wxr_members(archive: Archive) -> Iterator[str]:
    for name in archive.names():
        if not name.lower().endswith(".xml"):
            continue
        head = _head(archive, name)
        if b"<rss" in head and WXR_NAMESPACE.encode() in head:
            yield name


def _head(archive: Archive, member: str, size: int = 4096) -> bytes:
    """The first bytes of a member, without reading a whole export to recognise it."""
    try:
        if isinstance(archive, FolderArchive):
            with open(archive.root / member, "rb") as fh:
                return fh.read(size)
        if isinstance(archive, FileArchive):
            with open(archive.path, "rb") as fh:
                return fh.read(size)
        if isinstance(archive, ZipArchive):
            with zipfile.ZipFile(archive.path) as zf, zf.open(member) as fh:
                return fh.read(size)
        return archive.read(member)[:size]
    except (IngestError, OSError, KeyError, zipfile.BadZipFile):
        return b""


def _local(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, name = tag[1:].split("}", 1)
        return ns, name
    return "", tag


def _parse(data: bytes) -> tuple[dict[str, str], list[_Item]]:
    """Channel facts and items, read incrementally so a big export stays small in memory."""
    channel: dict[str, str] = {}
    items: list[_Item] = []
    depth = 0
    for event, elem in iterparse(io.BytesIO(data), events=("start", "end")):
        ns, name = _local(elem.tag)
        if event == "start":
            depth += 1
            continue
        depth -= 1
        if name == "item":
            items.append(_item(elem))
            elem.clear()
        elif depth == 2 and name in ("title", "link", "wxr_version", "base_site_url"):
            channel.setdefault(name, (elem.text or "").strip())
    return channel, items


def _item(elem: Any) -> _Item:
    it = _Item()
    for child in elem:
        ns, name = _local(child.tag)
        text = child.text or ""
        if name == "title":
            it.title = text.strip()
        elif name == "link":
            it.link = text.strip()
        elif name == "pubDate":
            it.pub_date = text.strip()
        elif name == "creator":
            it.creator = text.strip()
        elif name == "encoded":
            if "excerpt" in ns:
                it.excerpt = text
            else:
                it.content = text
        elif name == "post_id":
            it.post_id = _int(text) or 0
        elif name == "post_date_gmt":
            it.post_date_gmt = text.strip()
        elif name == "status":
            it.status = text.strip()
        elif name == "post_parent":
            it.parent = _int(text) or 0
        elif name == "post_type":
            it.post_type = text.strip()
        elif name == "post_password":
            it.password = text.strip()
        elif name == "attachment_url":
            it.attachment_url = text.strip()
        elif name == "postmeta":
            key = value = ""
            for m in child:
                _, mname = _local(m.tag)
                if mname == "meta_key":
                    key = (m.text or "").strip()
                elif mname == "meta_value":
                    value = m.text or ""
            if key:
                it.meta[key] = value
        elif name == "category" and child.get("domain") == "post_tag":
            it.tags.append(text.strip())
    return it


def _int(text: object) -> int | None:
    try:
        return int(str(text).strip())
    except (TypeError, ValueError):
        return None


def _read_export(archive: Archive, member: str, ctx: IngestContext) -> Iterator[Post | Skipped]:
    where = archive.locator(member)
    try:
        data = archive.read(member)
        channel, items = _parse(data)
    except defusedxml.DefusedXmlException:
        yield Skipped(
            source=where,
            reason="WordPress export declares XML entities (which can be used to attack the "
            "computer reading it); refused, not read",
        )
        return
    except SyntaxError as exc:  # xml.etree.ElementTree.ParseError
        yield Skipped(source=where, reason=f"WordPress export is not well-formed XML ({exc})")
        return
    except (IngestError, OSError) as exc:
        yield Skipped(source=where, reason=str(exc))
        return
    version = channel.get("wxr_version", "")
    if not items and version not in KNOWN_WXR_VERSIONS:
        yield Skipped(source=where, reason=f"unrecognised wordpress layout: {member}")
        return
    site = channel.get("title", "") or None
    base = channel.get("link") or channel.get("base_site_url") or None
    export = _Export(archive=archive, ctx=ctx, items=items)
    for item in items:
        if item.post_type == "attachment" or item.post_type in SKIP_TYPES:
            continue
        yield export.post(item, site, base)
    for att in export.attachments.values():
        if att.id not in export.shown:
            yield export.attachment_post(att, site)


class _Export:
    """One export's attachments and the lookups that link pictures in posts to them."""

    def __init__(self, *, archive: Archive, ctx: IngestContext, items: list[_Item]) -> None:
        self.archive = archive
        self.ctx = ctx
        self.items = {i.post_id: i for i in items}
        self.attachments: dict[int, Attachment] = {}
        self.by_url: dict[str, tuple[Attachment, str]] = {}
        self.shown: set[int] = set()
        for item in items:
            if item.post_type == "attachment" or (
                item.attachment_url or "_wp_attachment_metadata" in item.meta
            ):
                att = attachment(item, self.items)
                if att is not None:
                    self.attachments[att.id] = att
                    self._index(att)

    def _index(self, att: Attachment) -> None:
        self.by_url.setdefault(_url_key(att.url), (att, att.file_name))
        for name in (*att.sizes, att.original_image or ""):
            if name:
                self.by_url.setdefault(_url_key(f"{att.folder_url}/{name}"), (att, name))

    def find(self, image: PageImage) -> Attachment | None:
        if image.wp_id is not None and image.wp_id in self.attachments:
            return self.attachments[image.wp_id]
        hit = self.by_url.get(_url_key(image.src))
        if hit:
            return hit[0]
        for cand in wordpress_original_candidates(image.src):
            hit = self.by_url.get(_url_key(cand))
            if hit:
                return hit[0]
        return None

    def resolve(self, url: str) -> tuple[MediaRef, str] | None:
        """An image address -> its file in the export's folder or in another input."""
        if url.startswith("data:"):
            return None
        path = unquote(urlsplit(url).path)
        rel = path.split("/uploads/", 1)[1] if "/uploads/" in path else path.lstrip("/")
        if not rel:
            return None
        for candidate in (f"wp-content/uploads/{rel}", f"uploads/{rel}", rel):
            hit = self.ctx.resolve(candidate)
            if hit is not None:
                return hit
        return None

    def claim_copies(self, att: Attachment) -> None:
        """Resized copies in an uploads folder belong to their attachment, not to 'files'."""
        for name in (att.file_name, *att.sizes, att.original_image or ""):
            if name:
                hit = self.resolve(f"{att.folder_url}/{name}")
                if hit is not None:
                    self.ctx.claimed.add(hit[1])

    # ---------------------------------------------------------------- posts

    def post(self, item: _Item, site: str | None, base: str | None) -> Post:
        page = parse_page(item.content, item.link or base) if item.content.strip() else None
        media: list[Media] = []
        seen: set[str] = set()

        atts: set[int] = set()

        def add(image: PageImage | None, att: Attachment | None) -> None:
            if image is None and (att is None or att.id in atts):
                return  # a featured or gallery picture the post body already shows
            m = self.media_for(image, att)
            if att is not None:
                atts.add(att.id)
            if m.locator not in seen:
                seen.add(m.locator)
                media.append(m)

        for image in page.images if page else ():
            add(image, self.find(image))
        for att in self._gallery_attachments(item):
            add(None, att)
        thumb = _int(item.meta.get("_thumbnail_id", ""))
        if thumb and thumb in self.attachments:
            add(None, self.attachments[thumb])
        if item.post_id in self.attachments:  # an item carrying its own image metadata
            add(None, self.attachments[item.post_id])

        texts: dict[str, str] = {}
        if item.title:
            texts["title"] = item.title
        if page and page.text:
            texts["body"] = page.text
        excerpt = parse_page(item.excerpt, None).text if item.excerpt.strip() else ""
        if excerpt:
            texts["excerpt"] = excerpt
        if item.tags:
            texts["tags"] = ", ".join(item.tags)
        audience, notes = _audience(item)
        if any(m.ref is None for m in media):
            notes = (*notes, FILES_MISSING_NOTE)
        return Post(
            platform="wordpress",
            source=self.archive.path,
            locator=f"{item.post_type or 'post'} {item.post_id}",
            url=item.link or None,
            created=_date(item),
            account=site,
            audience=audience,
            texts=texts,
            media=tuple(media),
            notes=notes,
        )

    def attachment_post(self, att: Attachment, site: str | None) -> Post:
        """A media-library file no post shows: still public at its address."""
        parent = self.items.get(att.parent)
        audience, notes = _audience(parent) if parent else (Audience.PUBLIC, ())
        if audience is not Audience.PUBLIC:
            notes = (*notes, "The file itself is still reachable by anyone with its address.")
        media = self.media_for(None, att)
        if media.ref is None:
            notes = (*notes, FILES_MISSING_NOTE)
        item = self.items.get(att.id)
        return Post(
            platform="wordpress",
            source=self.archive.path,
            locator=f"attachment {att.id}",
            url=att.url or None,
            created=_date(item) if item else None,
            account=site,
            audience=audience,
            texts={"title": att.title} if att.title else {},
            media=(media,),
            notes=notes,
        )

    def _gallery_attachments(self, item: _Item) -> list[Attachment]:
        out: list[Attachment] = []
        for m in _GALLERY_SHORTCODE.finditer(item.content):
            ids = _IDS.search(m.group("attrs"))
            if ids:
                wanted = [_int(x) for x in ids.group(1).split(",")]
                out.extend(self.attachments[i] for i in wanted if i in self.attachments)
            else:
                out.extend(a for a in self.attachments.values() if a.parent == item.post_id)
        return out

    def media_for(self, image: PageImage | None, att: Attachment | None) -> Media:
        """One picture: what the post shows, with its attachment's texts and sizes."""
        if att is not None:
            self.shown.add(att.id)
            self.claim_copies(att)
        src = image.src if image else (att.url if att else "")
        shown_name = unquote(posixpath.basename(urlsplit(src).path))
        hit = self.resolve(src)
        ref, locator = hit if hit else (None, src)
        texts = image_texts(image) if image else {}
        if att is not None:
            for key, value in (
                ("alt", att.alt),
                ("title", att.title),
                ("caption", att.caption),
                ("description", att.description),
                ("credit", att.credit),
                ("file_name", "" if image else att.file_name),
            ):
                if value and value not in texts.get(key, ""):
                    texts[key] = f"{texts[key]} · {value}" if texts.get(key) else value
            if att.meta_caption and att.meta_caption not in texts.get("description", ""):
                texts["embedded_caption"] = att.meta_caption
        return Media(
            locator=locator,
            ref=ref,
            texts=texts,
            platform_facts=self.facts(att, shown_name, image) if att else _page_facts(image),
        )

    def facts(self, att: Attachment, shown_name: str, image: PageImage | None) -> PlatformFacts:
        """The shown file's size and the larger original the server keeps, if any."""
        if shown_name in att.sizes:
            width, height = att.sizes[shown_name]
        elif shown_name == att.file_name or not shown_name:
            width, height = att.width, att.height
        else:
            width = height = None
        orig_url = orig_w = orig_h = orig_how = None
        if att.original_image:
            orig_url = f"{att.folder_url}/{att.original_image}"
            orig_how = "WordPress kept the original upload (original_image)"
        elif shown_name and shown_name != att.file_name:
            orig_url, orig_w, orig_h = att.url, att.width, att.height
            orig_how = "the full-size upload is on the server beside this resized copy"
        if orig_url and orig_w and width and orig_w <= width:
            orig_url = orig_w = orig_h = orig_how = None
        found = self.resolve(orig_url) if orig_url else None
        return PlatformFacts(
            width=width,
            height=height,
            camera=att.camera,
            taken_at=att.taken_at,
            original_url=orig_url,
            original_width=orig_w,
            original_height=orig_h,
            original_locator=found[1] if found else None,
            original_how=orig_how,
        )


def _page_facts(image: PageImage | None) -> PlatformFacts | None:
    if image is None:
        return None
    from scanner.ingest.html_images import image_platform_facts

    return image_platform_facts(image)


def attachment(item: _Item, items: dict[int, _Item]) -> Attachment | None:
    """An attachment from its item and its PHP-serialised metadata."""
    meta = php_unserialize(item.meta.get("_wp_attachment_metadata", "")) or {}
    if not isinstance(meta, dict):
        meta = {}
    attached = item.meta.get("_wp_attached_file", "").strip() or str(meta.get("file") or "")
    url = item.attachment_url.strip()
    if not url and attached:
        url = f"{_site_root(item)}/wp-content/uploads/{attached}"
    if not url:
        return None
    sizes: dict[str, tuple[int, int]] = {}
    raw_sizes = meta.get("sizes")
    if isinstance(raw_sizes, dict):
        for size in raw_sizes.values():
            if isinstance(size, dict) and size.get("file"):
                w, h = _int(size.get("width")), _int(size.get("height"))
                if w and h:
                    sizes[str(size["file"])] = (w, h)
    image_meta = meta.get("image_meta") if isinstance(meta.get("image_meta"), dict) else {}
    taken = _int(image_meta.get("created_timestamp"))
    return Attachment(
        id=item.post_id,
        url=url,
        title=item.title if item.post_type == "attachment" else "",
        caption=_text(item.excerpt) if item.post_type == "attachment" else "",
        description=_text(item.content) if item.post_type == "attachment" else "",
        alt=item.meta.get("_wp_attachment_image_alt", "").strip(),
        attached_file=attached,
        parent=item.parent,
        width=_int(meta.get("width")),
        height=_int(meta.get("height")),
        sizes=sizes,
        original_image=str(meta["original_image"]) if meta.get("original_image") else None,
        camera=str(image_meta.get("camera") or "").strip() or None,
        taken_at=datetime.fromtimestamp(taken, UTC) if taken else None,
        meta_caption=str(image_meta.get("caption") or "").strip(),
        credit=str(image_meta.get("credit") or "").strip(),
    )


def _site_root(item: _Item) -> str:
    parts = urlsplit(item.link or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


def _text(html: str) -> str:
    if not html.strip():
        return ""
    if "<" not in html and "&" not in html:
        return " ".join(html.split())
    return parse_page(html, None).text


def _url_key(url: str) -> str:
    """Compare image addresses without scheme, query or `www.`."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    return f"{host}{unquote(parts.path)}"


def _audience(item: _Item) -> tuple[Audience, tuple[str, ...]]:
    status = item.status
    if status == "publish":
        if item.password:
            return Audience.PRIVATE, ("Password-protected: visible to anyone given the password.",)
        return Audience.PUBLIC, ()
    if status == "private":
        return Audience.PRIVATE, ("Private: visible to the site's logged-in editors only.",)
    if status == "future":
        return Audience.PUBLIC, ("Scheduled: it will be public on its publication date.",)
    if status in NOT_PUBLISHED:
        words = {"trash": "in the bin", "pending": "awaiting review"}.get(status, "a draft")
        return Audience.PRIVATE, (f"Not published ({words}).",)
    return Audience.UNKNOWN, ()


def _date(item: _Item) -> datetime | None:
    gmt = item.post_date_gmt
    if gmt and not gmt.startswith("0000"):
        try:
            return datetime.strptime(gmt, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
        except ValueError:
            pass
    if item.pub_date:
        try:
            return parsedate_to_datetime(item.pub_date).astimezone(UTC)
        except (TypeError, ValueError):
            return None
    return None


ADAPTER = WordPressAdapter()
