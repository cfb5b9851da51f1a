"""One HTML image extractor for every web-shaped source: saved pages, WARC pages, crawled
pages and the post bodies of a WordPress export.

A page is read once into `PageFacts`: its title, its address, its visible text, its links and
one `PageImage` per picture with every text that could carry a pupil's name (alt, title,
caption, the words right around it, the gallery it sits in) and every hint that a larger
original is served (srcset widths, an enclosing link to the image file, WordPress/Jetpack
`data-orig-file`, size-suffixed file names). `page_to_post` then turns a page into the same
`Post` every other adapter yields. Parsing uses beautifulsoup4 with the standard library's
parser, so no compiled parser is needed.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, Comment, Tag

from scanner.model import Audience, Media, MediaRef, PlatformFacts, Post

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".jfif", ".png", ".webp", ".gif", ".heic", ".heif", ".avif")
LAZY_SRC_ATTRS = ("data-src", "data-lazy-src", "data-original", "data-lazy", "data-url")
LAZY_SRCSET_ATTRS = ("data-srcset", "data-lazy-srcset")
PLACEHOLDER_DATA_URI_CHARS = 512
"""A `data:` URI shorter than this is a lazy-loading placeholder (a 1x1 GIF), not a photo."""
NEARBY_CHARS = 300
"""How much text right around an image counts as belonging to it."""
LOGIN_NOTE = (
    "This page asks for a login; pages behind a login are out of scope and were not checked."
)

_SIZE_SUFFIX = re.compile(r"^(?P<stem>.+?)-(?P<w>\d{2,5})x(?P<h>\d{2,5})(?P<ext>\.[A-Za-z0-9]+)$")
_SCALED = re.compile(r"^(?P<stem>.+?)-scaled(?P<ext>\.[A-Za-z0-9]+)$")
_WP_IMAGE_CLASS = re.compile(r"\bwp-image-(\d+)\b")
_SIZE_CLASS = re.compile(r"\bsize-([a-z0-9_-]+)\b")
_GALLERY_TOKENS = {
    "gallery",
    "wp-block-gallery",
    "blocks-gallery-grid",
    "tiled-gallery",
    "ngg-galleryoverview",
    "carousel",
    "slideshow",
    "swiper",
    "photo-grid",
}
"""Class names of gallery containers (any class ending in `-gallery` counts too); item
classes such as `gallery-item` deliberately do not."""
_CAPTION_SHORTCODE = re.compile(r"\[caption(?P<attrs>[^\]]*)\](?P<inner>.*?)\[/caption\]", re.S)
_SHORTCODE_IMAGE = re.compile(
    r"^\s*(?P<img>(?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(?P<rest>.*)$", re.S
)
_SHORTCODE_ATTR = re.compile(r'(\w+)\s*=\s*"([^"]*)"')
_SAVED_FROM = re.compile(r"saved from url=\(\d+\)(\S+)", re.I)
_SINGLEFILE_URL = re.compile(r"^\s*url:\s*(\S+)", re.M)
_BLOCKS = ("p", "li", "td", "dd", "dt", "figure", "blockquote", "div")
_HIDDEN = ("script", "style", "template", "noscript", "svg", "head")
_CHROME = ("nav", "header", "footer", "aside", "form")


@dataclass(frozen=True, kw_only=True)
class PageImage:
    """One picture on a page, with every text and size hint that belongs to it."""

    src: str
    """The image's address, resolved against the page's base URL (or as written if none);
    lazy-loading forms (`data-src`, `data-lazy-src`, `<noscript>` fallbacks) are resolved.
    A SingleFile page's inlined image is a `data:` URI."""
    alt: str = ""
    title: str = ""
    caption: str = ""
    """`<figcaption>`, a `[caption]` shortcode, or WordPress caption text beside the image."""
    nearby: str = ""
    """The short text right around the image (its paragraph, list item or cell)."""
    srcset: tuple[tuple[str, int], ...] = ()
    """(url, width in pixels) for each candidate in `srcset` / `data-srcset` / `<source>`;
    width 0 when the candidate gave a density (`2x`) and the width is not known."""
    orig_file: str | None = None
    """Jetpack/WordPress `data-orig-file`: the uploaded original."""
    orig_size: tuple[int, int] | None = None
    """`data-orig-size`: the uploaded original's width and height."""
    large_file: str | None = None
    """`data-large-file`."""
    image_meta: dict = field(default_factory=dict)
    """`data-image-meta`: camera, created_timestamp, caption, credit, ... as WordPress read
    them from the uploaded file."""
    wp_id: int | None = None
    """Attachment id from a `wp-image-N` class (or a Jetpack `data-attachment-id`)."""
    link_href: str | None = None
    """An enclosing `<a href>` that points at an image file (often the full-size original)."""
    width: int | None = None
    """The `width` attribute: the display size the page asks for, not the file's size."""
    height: int | None = None
    gallery: str | None = None
    """Key of the gallery the image belongs to (same key = same gallery), or None."""
    gallery_text: str = ""
    """Everything the gallery says in words (its heading, intro and every item's caption)."""
    size_class: str | None = None
    """WordPress's `size-full` / `size-large` / ... class: `full` means the file shown is the
    upload itself, so a `-300x200` in its name is part of its name, not a resize."""

    @property
    def file_name(self) -> str:
        """The image file's name as the address gives it ('' for an inlined image)."""
        if self.src.startswith("data:"):
            return ""
        return unquote(posixpath.basename(urlsplit(self.src).path))


@dataclass(frozen=True, kw_only=True)
class PageFacts:
    """What one HTML page shows: the unit every web-shaped adapter turns into a Post."""

    title: str = ""
    url: str | None = None
    """The page's own address: canonical link, the browser's 'saved from' comment, the
    SingleFile header, og:url, or the base URL it was read from."""
    text: str = ""
    """Visible text of the page's main content (menus, headers and footers left out)."""
    images: tuple[PageImage, ...] = ()
    links: tuple[str, ...] = ()
    login_required: bool = False
    """True when the page is a login or password form: out of scope, said so in the report."""
    saved_by: str | None = None
    """`browser` (Save page as), `singlefile`, or None when the page carries no such mark."""
    base: str | None = None
    """The address relative image paths are relative to (`<base href>`, else `url`), for
    naming pictures a saved page did not keep."""


# ------------------------------------------------------------------ parsing


def parse_page(html: bytes | str, base_url: str | None) -> PageFacts:
    """Read one HTML page. Never raises on malformed markup: browsers do not either."""
    if isinstance(html, bytes):
        html = _decode(html)
    comments_head = html[:4096]
    html = expand_caption_shortcodes(html)
    soup = BeautifulSoup(html, "html.parser")

    saved_from = _SAVED_FROM.search(comments_head)
    singlefile = None
    for c in soup.find_all(string=lambda s: isinstance(s, Comment), limit=5):
        if "SingleFile" in c:
            m = _SINGLEFILE_URL.search(c)
            singlefile = m.group(1) if m else ""
            break
    saved_by = "singlefile" if singlefile is not None else ("browser" if saved_from else None)

    base = base_url
    base_tag = soup.find("base", href=True)
    if base_url and isinstance(base_tag, Tag):
        base = urljoin(base_url, str(base_tag["href"]))

    url = (
        _attr(soup.find("link", rel="canonical"), "href")
        or (saved_from.group(1) if saved_from else None)
        or singlefile
        or _attr(soup.find("meta", property="og:url"), "content")
        or base_url
    )
    if url and base and not url.startswith(("http:", "https:")):
        url = urljoin(base, url)

    title_tag = soup.find("title")
    title = _clean(title_tag.get_text()) if title_tag else ""
    if not title:
        og = _attr(soup.find("meta", property="og:title"), "content")
        title = _clean(og or "")

    login = _login_required(soup, title)
    images = _images(soup, base)
    links = tuple(
        dict.fromkeys(_resolve(str(a["href"]), base) for a in soup.find_all("a", href=True))
    )
    text = _main_text(soup)
    return PageFacts(
        title=title,
        url=url or None,
        text=text,
        images=images,
        links=links,
        login_required=login,
        saved_by=saved_by,
        base=_absolute_base(base_tag, base, url),
    )


def _absolute_base(base_tag: object, base: str | None, url: str | None) -> str | None:
    href = _attr(base_tag, "href")
    if href and href.startswith(("http:", "https:")):
        return href
    return base or (url if url and url.startswith(("http:", "https:")) else None)


def expand_caption_shortcodes(html: str) -> str:
    """Turn WordPress `[caption]...[/caption]` shortcodes into `<figure>`/`<figcaption>`.

    Post bodies in a WordPress export (and pages from old themes that leak them) keep the
    shortcode: `[caption id="attachment_7" caption="..."]<a><img></a> Text[/caption]`.
    """
    if "[caption" not in html:
        return html

    def repl(m: re.Match[str]) -> str:
        attrs = dict(_SHORTCODE_ATTR.findall(m.group("attrs")))
        inner = m.group("inner")
        im = _SHORTCODE_IMAGE.match(inner)
        if im is None:
            return inner
        caption = attrs.get("caption") or im.group("rest").strip()
        img = im.group("img")
        return f'<figure class="wp-caption">{img}<figcaption>{caption}</figcaption></figure>'

    return _CAPTION_SHORTCODE.sub(repl, html)


def _decode(data: bytes) -> str:
    """Bytes to text: BOM, then a declared charset, then UTF-8, then Windows-1252."""
    from bs4.dammit import EncodingDetector, UnicodeDammit

    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    declared = EncodingDetector.find_declared_encoding(data[:4096], is_html=True)
    dammit = UnicodeDammit(
        data, [e for e in (declared, "utf-8", "windows-1252") if e], is_html=True
    )
    return dammit.unicode_markup or data.decode("utf-8", errors="replace")


def _attr(tag: object, name: str) -> str | None:
    if isinstance(tag, Tag) and tag.get(name):
        value = tag.get(name)
        return " ".join(value) if isinstance(value, list) else str(value)
    return None


def _classes(tag: Tag) -> str:
    value = tag.get("class") or []
    return " ".join(value) if isinstance(value, list) else str(value)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _resolve(url: str, base: str | None) -> str:
    url = url.strip()
    if not base or url.startswith("data:"):
        return url
    return urljoin(base, url)


def _int(value: object) -> int | None:
    try:
        return int(str(value).strip().removesuffix("px"))
    except (TypeError, ValueError):
        return None


def parse_srcset(value: str) -> list[tuple[str, str]]:
    """Split a `srcset` into (url, descriptor) pairs, following the HTML parsing rules.

    URLs may contain commas (Jetpack's `?fit=1650%2C646` is escaped, but `data:` URIs and
    hand-written URLs are not), so candidates are split on whitespace first, not on commas.
    """
    out: list[tuple[str, str]] = []
    i, n = 0, len(value)
    while i < n:
        while i < n and (value[i].isspace() or value[i] == ","):
            i += 1
        if i >= n:
            break
        j = i
        while j < n and not value[j].isspace():
            j += 1
        url = value[i:j]
        descriptor = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            k = j
            while k < n and value[k] != ",":
                k += 1
            descriptor = value[j:k].strip()
            j = k
        if url:
            out.append((url, descriptor))
        i = j + 1 if j < n and value[j] == "," else j
    return out


def _srcset_widths(value: str, base: str | None, width_attr: int | None) -> list[tuple[str, int]]:
    out = []
    for url, desc in parse_srcset(value):
        desc = desc.strip().lower()
        width = 0
        if desc.endswith("w"):
            width = _int(desc[:-1]) or 0
        elif desc.endswith("x") and width_attr:
            try:
                width = round(float(desc[:-1]) * width_attr)
            except ValueError:
                width = 0
        out.append((_resolve(url, base), width))
    return out


def _is_placeholder(src: str | None) -> bool:
    if not src:
        return True
    if src.startswith("data:"):
        return len(src) < PLACEHOLDER_DATA_URI_CHARS
    name = posixpath.basename(urlsplit(src).path).lower()
    return any(
        w in name for w in ("blank.", "spacer.", "placeholder", "lazy_placeholder", "pixel.")
    )


def _is_image_url(url: str) -> bool:
    if url.startswith("data:image/"):
        return True
    return urlsplit(url).path.lower().endswith(IMAGE_EXTENSIONS)


def _inside(tag: Tag, name: str) -> Tag | None:
    for parent in tag.parents:
        if isinstance(parent, Tag) and parent.name == name:
            return parent
    return None


def _images(soup: BeautifulSoup, base: str | None) -> tuple[PageImage, ...]:
    """Every picture on the page, lazy forms resolved and `<noscript>` copies merged."""
    found: list[PageImage] = []
    seen: dict[str, int] = {}
    galleries: dict[int, str] = {}
    for img in soup.find_all("img"):
        noscript = _inside(img, "noscript")
        if noscript is not None:
            fallback = _noscript_fallback(img, noscript, base, found, seen)
            if fallback is None:
                continue
            image = fallback
        else:
            image = _image(img, base, galleries)
        if image is None:
            continue
        if image.src in seen:
            continue
        seen[image.src] = len(found)
        found.append(image)
    return tuple(i for i in found if not (i.src.startswith("data:") and _is_placeholder(i.src)))


def _noscript_fallback(
    img: Tag, noscript: Tag, base: str | None, found: list[PageImage], seen: dict[str, int]
) -> PageImage | None:
    """A `<noscript><img></noscript>` beside a lazy image: fill the lazy image's gap."""
    image = _image(img, base, {}, host=noscript)
    if image is None or image.src in seen:
        return None
    prev = noscript.find_previous_sibling("img")
    if isinstance(prev, Tag):
        for i, other in enumerate(found):
            if other.src.startswith("data:") and len(other.src) < PLACEHOLDER_DATA_URI_CHARS:
                found[i] = _replace_src(other, image)
                seen[image.src] = i
                return None
    return image


def _replace_src(lazy: PageImage, real: PageImage) -> PageImage:
    from dataclasses import replace

    return replace(lazy, src=real.src, srcset=lazy.srcset or real.srcset)


def _image(
    img: Tag, base: str | None, galleries: dict[int, str], host: Tag | None = None
) -> PageImage | None:
    """One `<img>` as a PageImage, or None for a tracking pixel or an image with no source."""
    width, height = _int(img.get("width")), _int(img.get("height"))
    if width == 1 and height == 1:
        return None
    raw_src = _attr(img, "src")
    lazy = next((_attr(img, a) for a in LAZY_SRC_ATTRS if _attr(img, a)), None)
    src = raw_src
    if lazy and (_is_placeholder(raw_src) or not (raw_src or "").startswith("data:")):
        src = lazy
    srcset: list[tuple[str, int]] = []
    for name in ("srcset", *LAZY_SRCSET_ATTRS):
        value = _attr(img, name)
        if value:
            srcset.extend(_srcset_widths(value, base, width))
    picture = _inside(img, "picture")
    if picture is not None:
        for source in picture.find_all("source"):
            value = _attr(source, "srcset") or _attr(source, "data-srcset")
            if value:
                srcset.extend(_srcset_widths(value, base, width))
    if not src and srcset:
        src = max(srcset, key=lambda c: c[1])[0]
    if not src:
        return None
    src = _resolve(src, base)

    orig_size = None
    size_attr = _attr(img, "data-orig-size")
    if size_attr and "," in size_attr:
        w, h = (_int(p) for p in size_attr.split(",", 1))
        if w and h:
            orig_size = (w, h)
    meta: dict = {}
    meta_attr = _attr(img, "data-image-meta")
    if meta_attr:
        try:
            loaded = json.loads(meta_attr)
            meta = loaded if isinstance(loaded, dict) else {}
        except ValueError:
            meta = {}
    wp = _WP_IMAGE_CLASS.search(_classes(img))
    wp_id = int(wp.group(1)) if wp else _int(img.get("data-attachment-id"))

    anchor = _inside(img, "a")
    link_href = None
    if anchor is not None and anchor.get("href"):
        href = _resolve(str(anchor["href"]), base)
        if _is_image_url(href):
            link_href = href

    anchor_el = host or img
    caption = _caption(anchor_el)
    gallery_el = _gallery(anchor_el)
    gallery_key = None
    gallery_text = ""
    if gallery_el is not None:
        gallery_key = galleries.setdefault(
            id(gallery_el), _attr(gallery_el, "id") or f"gallery-{len(galleries) + 1}"
        )
        gallery_text = _gallery_text(gallery_el)

    return PageImage(
        src=src,
        alt=_clean(_attr(img, "alt") or ""),
        title=_clean(_attr(img, "title") or _attr(img, "data-image-title") or ""),
        caption=caption,
        nearby=_nearby(anchor_el, caption),
        srcset=tuple(dict.fromkeys(srcset)),
        orig_file=_resolve(o, base) if (o := _attr(img, "data-orig-file")) else None,
        orig_size=orig_size,
        large_file=_resolve(lf, base) if (lf := _attr(img, "data-large-file")) else None,
        image_meta=meta,
        wp_id=wp_id,
        link_href=link_href,
        width=width,
        height=height,
        gallery=gallery_key,
        gallery_text=gallery_text,
        size_class=size.group(1) if (size := _SIZE_CLASS.search(_classes(img))) else None,
    )


def _caption(img: Tag) -> str:
    """figcaption of the enclosing figure, or WordPress caption text of the enclosing item."""
    for parent in img.parents:
        if not isinstance(parent, Tag) or parent.name in ("body", "html"):
            break
        if parent.name == "figure":
            cap = parent.find("figcaption")
            if isinstance(cap, Tag):
                return _clean(cap.get_text(" "))
        classes = _classes(parent)
        if re.search(r"\b(wp-caption|gallery-item|gallery-icon|blocks-gallery-item)\b", classes):
            cap = parent.find(class_=re.compile(r"caption"))
            if isinstance(cap, Tag) and cap is not img:
                return _clean(cap.get_text(" "))
        if parent.name in ("article", "section", "main"):
            break
    return ""


def _nearby(img: Tag, caption: str) -> str:
    """The short text of the block holding the image, and of a short block right after it."""
    block = None
    for parent in img.parents:
        if not isinstance(parent, Tag) or parent.name in ("body", "html", "main", "article"):
            break
        if len(parent.find_all("img", limit=2)) > 1:
            break  # the block also holds other pictures: its text is not this one's alone
        if parent.name in _BLOCKS:
            block = parent
            break
    parts: list[str] = []
    if block is not None:
        own = _clean(block.get_text(" "))
        if own and len(own) <= NEARBY_CHARS:
            parts.append(own)
        nxt = None if caption else block.find_next_sibling()
        if isinstance(nxt, Tag) and nxt.name in ("p", "div", "span", "em", "small"):
            after = _clean(nxt.get_text(" "))
            if after and len(after) <= NEARBY_CHARS // 2 and not nxt.find("img"):
                parts.append(after)
    text = " ".join(p for p in parts if p and p != caption)
    return text[:NEARBY_CHARS]


def _gallery(img: Tag) -> Tag | None:
    for parent in img.parents:
        if not isinstance(parent, Tag) or parent.name in ("body", "html"):
            return None
        tokens = _classes(parent).lower().split()
        if any(t in _GALLERY_TOKENS or t.endswith("-gallery") for t in tokens):
            return parent
    return None


def _gallery_text(gallery: Tag) -> str:
    """What a gallery says in words: its own text, plus a short heading or intro before it."""
    texts = []
    prev = gallery.find_previous_sibling()
    if isinstance(prev, Tag) and not prev.find("img"):
        intro = _clean(prev.get_text(" "))
        if intro and len(intro) <= 2 * NEARBY_CHARS:
            texts.append(intro)
    texts.append(_clean(gallery.get_text(" ")))
    return " ".join(t for t in texts if t)


def _main_text(soup: BeautifulSoup) -> str:
    """Visible text of the page's main content, without menus, scripts and footers."""
    root = (
        soup.find("main")
        or soup.find(attrs={"role": "main"})
        or soup.find("article")
        or soup.find("body")
        or soup
    )
    parts: list[str] = []
    for s in root.find_all(string=True):
        if isinstance(s, Comment):
            continue
        skip = False
        for parent in s.parents:
            if parent is root:
                break
            if parent.name in _HIDDEN or (
                parent.name in _CHROME and root.name in ("body", "[document]")
            ):
                skip = True
                break
        if not skip and s.strip():
            parts.append(s.strip())
    return _clean(" ".join(parts))


def _login_required(soup: BeautifulSoup, title: str) -> bool:
    """A login page, or a WordPress password-protected post: out of scope."""
    if soup.find(class_="post-password-form") or soup.find(id="loginform"):
        return True
    password = soup.find("input", attrs={"type": re.compile("^password$", re.I)})
    if password is None:
        return False
    form = _inside(password, "form")
    hint = " ".join(
        [title, _attr(form, "action") or "", _attr(form, "id") or "", _attr(form, "class") or ""]
    ).lower()
    return bool(re.search(r"log ?in|sign ?in|password|auth|account|portal", hint))


# ------------------------------------------------------------------ sizes and originals


def declared_size(url: str) -> tuple[int, int] | None:
    """The pixel size an image address declares: `photo-300x200.jpg` or Jetpack's
    `?resize=W,H` / `?fit=W,H`; None when the address says nothing about size."""
    if url.startswith("data:"):
        return None
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    for key in ("resize", "fit"):
        if key in query:
            nums = [_int(v) for v in re.split(r"[,x]", query[key][-1])]
            if len(nums) == 2 and nums[0] and nums[1]:
                return nums[0], nums[1]
    m = _SIZE_SUFFIX.match(unquote(posixpath.basename(parts.path)))
    if m:
        return int(m.group("w")), int(m.group("h"))
    return None


def wordpress_original_candidates(url: str) -> tuple[str, ...]:
    """Where WordPress keeps the original of a resized upload: `photo-300x200.jpg` ->
    `photo.jpg` and `photo-scaled.jpg`; `photo-scaled.jpg` -> `photo.jpg`."""
    if url.startswith("data:"):
        return ()
    parts = urlsplit(url)
    folder, name = posixpath.split(parts.path)
    m = _SIZE_SUFFIX.match(name)
    if m:
        stem, ext = m.group("stem"), m.group("ext")
        names = [f"{stem}{ext}", f"{stem}-scaled{ext}"]
    else:
        s = _SCALED.match(name)
        if not s:
            return ()
        names = [f"{s.group('stem')}{s.group('ext')}"]
    return tuple(parts._replace(path=posixpath.join(folder, n), query="").geturl() for n in names)


@dataclass(frozen=True, kw_only=True)
class OriginalCandidate:
    """A larger original that a page's image hints is on the server."""

    shown: str
    """The address the page shows."""
    url: str
    """The address of the candidate original."""
    width: int | None = None
    height: int | None = None
    how: str
    """Plain words on how the page gives it away ('data-orig-file', 'srcset', ...)."""


def original_candidates(image: PageImage) -> tuple[OriginalCandidate, ...]:
    """Every address that may serve a larger original of this image, best evidence first.

    The crawler confirms a candidate with one request (within its politeness limits) and
    writes what it fetched into the WARC, so the scan of that WARC finds the original there.
    """
    shown = shown_size(image)
    out: list[OriginalCandidate] = []

    def add(url: str | None, size: tuple[int, int] | None, how: str) -> None:
        if not url or url == image.src or any(c.url == url for c in out):
            return
        if (
            size
            and shown
            and size[0] <= shown[0]
            and size[1] <= shown[1]
            and how != "data-orig-file"
        ):
            return
        out.append(
            OriginalCandidate(
                shown=image.src,
                url=url,
                width=size[0] if size else None,
                height=size[1] if size else None,
                how=how,
            )
        )

    add(image.orig_file, image.orig_size or declared_size(image.orig_file or ""), "data-orig-file")
    if image.srcset:
        url, w = max(image.srcset, key=lambda c: c[1])
        if w and (shown is None or w > shown[0]):
            add(url, _with_height(w, image, shown), "srcset")
    if image.link_href:
        add(image.link_href, declared_size(image.link_href), "link to the image file")
    if image.large_file:
        add(image.large_file, declared_size(image.large_file), "data-large-file")
    resized = image.size_class != "full"
    for url in wordpress_original_candidates(image.src) if resized else ():
        add(url, None, "WordPress keeps the uploaded original beside resized copies")
    return tuple(out)


def shown_size(image: PageImage) -> tuple[int, int] | None:
    """The pixel size of the file the page shows, when the page or its address says so."""
    size = declared_size(image.src)
    if size:
        return size
    for url, w in image.srcset:
        if url == image.src and w:
            return w, _with_height(w, image, None)[1]
    if image.orig_file and image.orig_file == image.src and image.orig_size:
        return image.orig_size
    return None


def _with_height(width: int, image: PageImage, shown: tuple[int, int] | None) -> tuple[int, int]:
    ratio_src = (
        image.orig_size
        or shown
        or ((image.width, image.height) if image.width and image.height else None)
    )
    if ratio_src and ratio_src[0]:
        return width, round(width * ratio_src[1] / ratio_src[0])
    return width, 0


# ------------------------------------------------------------------ page -> Post


def page_to_post(
    page: PageFacts,
    *,
    source: str,
    locator: str,
    resolve_image: Callable[[str], tuple[MediaRef, str] | None],
    platform: str = "web",
) -> Post:
    """One page as one Post: every picture a Media with its own texts and size facts.

    `resolve_image(src)` finds an image's bytes in the archive (a saved page's `_files`
    folder, a WARC response); an image it cannot find is still listed, by address, so its
    texts are judged. A page behind a login carries a note and no media.
    """
    texts: dict[str, str] = {}
    if page.title:
        texts["title"] = page.title
    if page.text:
        texts["body"] = page.text
    audience = Audience.PUBLIC if platform == "web" else Audience.UNKNOWN
    if page.login_required:
        return Post(
            platform=platform,
            source=source,
            locator=locator,
            url=page.url,
            audience=Audience.PRIVATE,
            texts=texts,
            notes=(LOGIN_NOTE,),
        )
    media: list[Media] = []
    seen: set[str] = set()
    inline = 0
    for image in page.images:
        if image.src.startswith("data:"):
            inline += 1
            ref: MediaRef | None = MediaRef(container=source, data_uri=image.src)
            where = f"{locator}#inline-image-{inline}"
        else:
            found = resolve_image(image.src)
            ref, where = found if found else (None, _absolute(image.src, page.base))
        if where in seen:
            continue
        seen.add(where)
        media.append(
            Media(
                locator=where,
                ref=ref,
                texts=image_texts(image),
                platform_facts=image_platform_facts(image, resolve_image),
            )
        )
    return Post(
        platform=platform,
        source=source,
        locator=locator,
        url=page.url,
        audience=audience,
        texts=texts,
        media=tuple(media),
    )


def _absolute(src: str, base: str | None) -> str:
    """A picture the source did not keep, named by its full web address where known."""
    if base and not urlsplit(src).scheme:
        return urljoin(base, src)
    return src


def image_texts(image: PageImage) -> dict[str, str]:
    """The texts that belong to one picture, by field: alt, title, caption, nearby, gallery,
    file name. Empty fields are left out."""
    texts = {
        "alt": image.alt,
        "title": image.title,
        "caption": image.caption,
        "nearby": image.nearby,
        "gallery": image.gallery_text,
        "file_name": image.file_name,
    }
    meta_caption = str(image.image_meta.get("caption") or "").strip()
    if meta_caption:
        texts["description"] = meta_caption
    return {k: v for k, v in texts.items() if v}


def image_platform_facts(
    image: PageImage, resolve_image: Callable[[str], tuple[MediaRef, str] | None] | None = None
) -> PlatformFacts | None:
    """Sizes and a larger original the page declares; None when it declares nothing.

    When `resolve_image` finds the original in the archive, its locator is recorded, which
    turns a 'likely' exposed original into a confirmed one.
    """
    shown = shown_size(image)
    candidates = original_candidates(image)
    best = candidates[0] if candidates else None
    found = None
    if resolve_image is not None:
        for c in candidates:
            hit = resolve_image(c.url)
            if hit is not None:
                best, found = c, hit[1]
                break
    camera = str(image.image_meta.get("camera") or "").strip() or None
    if shown is None and best is None and camera is None:
        return None
    return PlatformFacts(
        width=shown[0] if shown else None,
        height=shown[1] if shown and shown[1] else None,
        camera=camera,
        original_url=best.url if best else None,
        original_width=best.width if best else None,
        original_height=best.height if best else None,
        original_locator=found,
        original_how=best.how if best else None,
    )
