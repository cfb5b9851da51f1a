"""The shared HTML image extractor: every form a picture and its words take in a page."""

from __future__ import annotations

import base64
from pathlib import Path

from scanner.ingest.html_images import (
    LOGIN_NOTE,
    PageImage,
    declared_size,
    original_candidates,
    page_to_post,
    parse_page,
    parse_srcset,
    wordpress_original_candidates,
)
from scanner.model import Audience, MediaRef

BASE = "https://www.oakfield-primary.example/news/sports/"
BIG_DATA_URI = "data:image/jpeg;base64," + base64.b64encode(b"\xff\xd8" + b"x" * 900).decode()


def _one(html: str, base: str | None = BASE) -> PageImage:
    (image,) = parse_page(html, base).images
    return image


def test_srcset_urls_with_commas_and_density_descriptors() -> None:
    value = "a.jpg?fit=1650%2C646 1650w, b,c.jpg 300w,data:image/png;base64,AAA= 2x"
    assert parse_srcset(value) == [
        ("a.jpg?fit=1650%2C646", "1650w"),
        ("b,c.jpg", "300w"),
        ("data:image/png;base64,AAA=", "2x"),
    ]
    image = _one('<img src="s.jpg" width="200" srcset="s.jpg 1x, s@2x.jpg 2x">')
    assert image.srcset == ((BASE + "s.jpg", 200), (BASE + "s@2x.jpg", 400))


def test_lazy_loading_forms_resolve_to_the_real_picture() -> None:
    placeholder = "data:image/gif;base64,R0lGODlhAQABAAAAACw="
    assert _one(f'<img src="{placeholder}" data-src="/a.jpg">').src.endswith("/a.jpg")
    assert _one('<img data-lazy-src="b.jpg">').src == BASE + "b.jpg"
    lazy_set = _one('<img data-srcset="c-300.jpg 300w, c-900.jpg 900w">')
    assert lazy_set.src == BASE + "c-900.jpg"
    assert lazy_set.srcset == ((BASE + "c-300.jpg", 300), (BASE + "c-900.jpg", 900))
    # The <noscript> copy fills the lazy image's gap: one picture, not two.
    merged = parse_page(
        f'<p><img class="lazy" src="{placeholder}"><noscript><img src="d.jpg" alt="x">'
        "</noscript></p>",
        BASE,
    ).images
    assert [i.src for i in merged] == [BASE + "d.jpg"]
    # A SingleFile page inlines the real picture in src and may keep the old data-src.
    assert _one(f'<img src="{BIG_DATA_URI}" data-src="https://cdn/x.jpg">').src == BIG_DATA_URI


def test_placeholders_and_tracking_pixels_are_not_pictures() -> None:
    page = parse_page(
        '<img src="data:image/gif;base64,R0lGOD"><img src="/t.gif" width="1" height="1">'
        "<img alt='no source'>",
        BASE,
    )
    assert page.images == ()


def test_picture_sources_join_the_srcset() -> None:
    image = _one(
        '<picture><source srcset="p-1600.webp 1600w" type="image/webp">'
        '<img src="p-400.jpg" srcset="p-400.jpg 400w"></picture>'
    )
    assert dict(image.srcset) == {BASE + "p-400.jpg": 400, BASE + "p-1600.webp": 1600}
    (candidate,) = original_candidates(image)
    assert (candidate.url, candidate.width, candidate.how) == (BASE + "p-1600.webp", 1600, "srcset")


def test_jetpack_and_wordpress_attributes() -> None:
    image = _one(
        '<a href="/wp-content/uploads/2024/06/run.jpg"><img data-attachment-id="57"'
        ' data-orig-file="https://i0.wp.com/s/run.jpg?fit=3000%2C2000" data-orig-size="3000,2000"'
        ' data-large-file="https://i0.wp.com/s/run.jpg?fit=1024%2C683"'
        ' data-image-meta=\'{"camera":"Canon EOS 80D","caption":"Sprint final"}\''
        ' src="https://i0.wp.com/s/run.jpg?resize=300%2C200" class="size-medium wp-image-57"'
        ' width="300" height="200"></a>'
    )
    assert image.wp_id == 57 and image.size_class == "medium"
    assert image.orig_size == (3000, 2000)
    assert image.orig_file == "https://i0.wp.com/s/run.jpg?fit=3000%2C2000"
    assert image.large_file.endswith("fit=1024%2C683")
    assert image.image_meta["camera"] == "Canon EOS 80D"
    assert (
        image.link_href == "https://www.oakfield-primary.example/wp-content/uploads/2024/06/run.jpg"
    )
    assert (image.width, image.height) == (300, 200)
    hows = [c.how for c in original_candidates(image)]
    assert hows[0] == "data-orig-file" and "link to the image file" in hows
    # A link to a page is not a link to the image file.
    assert _one('<a href="/news/"><img src="x.jpg"></a>').link_href is None


def test_captions_in_every_form() -> None:
    assert _one(
        "<figure><img src=a.jpg><figcaption>Year 5 choir</figcaption></figure>"
    ).caption == ("Year 5 choir")
    classic = '<div class="wp-caption"><img src=a.jpg><p class="wp-caption-text">Relay</p></div>'
    assert _one(classic).caption == "Relay"
    gallery = (
        '<dl class="gallery-item"><dt class="gallery-icon"><img src=a.jpg></dt>'
        '<dd class="wp-caption-text gallery-caption">Tug of war</dd></dl>'
    )
    assert _one(gallery).caption == "Tug of war"
    trailing = (
        '[caption id="attachment_7" width="300"]<a href="a.jpg"><img src="a.jpg"></a>'
        " Sack race[/caption]"
    )
    assert _one(trailing).caption == "Sack race"
    old_style = '[caption id="attachment_8" caption="Egg and spoon"]<img src="b.jpg" />[/caption]'
    assert _one(old_style).caption == "Egg and spoon"


def test_text_beside_a_picture_and_gallery_text() -> None:
    page = parse_page(
        "<main><p>Intro paragraph about the day.</p>"
        "<p><img src=a.jpg> Charlie wins</p>"
        "<h3>Well done to Oliver and Isla</h3>"
        '<div class="wp-block-gallery"><figure><img src=b.jpg></figure>'
        "<figure><img src=c.jpg><figcaption>Finish line</figcaption></figure></div></main>",
        BASE,
    )
    a, b, c = page.images
    assert a.nearby == "Charlie wins" and a.gallery is None
    assert b.gallery == c.gallery is not None
    assert b.gallery_text == "Well done to Oliver and Isla Finish line"
    assert c.caption == "Finish line"


def test_page_address_title_links_and_text() -> None:
    saved = parse_page(
        "<!-- saved from url=(0034)https://www.oakfield.example/news/ -->\n"
        "<html><head><title> News  </title></head><body><nav>Menu</nav>"
        '<p>Hello <a href="/about/">about</a></p><script>var x="hidden"</script></body></html>',
        None,
    )
    assert saved.url == "https://www.oakfield.example/news/"
    assert saved.saved_by == "browser"
    assert saved.title == "News"
    assert saved.text == "Hello about"
    assert saved.links == ("/about/",)  # no base: as written
    canonical = parse_page(
        '<link rel="canonical" href="/news/sports/"><img src="img/a.jpg">',
        "https://www.oakfield.example/?p=12",
    )
    assert canonical.url == "https://www.oakfield.example/news/sports/"
    assert canonical.images[0].src == "https://www.oakfield.example/img/a.jpg"
    based = parse_page('<base href="https://cdn.example/site/"><img src="img/a.jpg">', BASE)
    assert based.images[0].src == "https://cdn.example/site/img/a.jpg"
    singlefile = parse_page(
        "<html><!--\n Page saved with SingleFile \n url: https://www.oakfield.example/trip/ \n"
        " saved date: Tue Jun 04 2024\n--><head></head><body></body></html>",
        None,
    )
    assert (singlefile.url, singlefile.saved_by) == (
        "https://www.oakfield.example/trip/",
        "singlefile",
    )


def test_encoding_declared_in_the_page_is_honoured() -> None:
    html = '<html><head><meta charset="windows-1252"><title>Zoë’s trip</title></head></html>'
    assert parse_page(html.encode("windows-1252"), None).title == "Zoë’s trip"


def test_login_and_password_protected_pages_are_recognised() -> None:
    login = parse_page(
        '<title>Sign in</title><form action="/login"><input type="password"></form>', BASE
    )
    assert login.login_required
    protected = parse_page('<form class="post-password-form"><input type="password"></form>', BASE)
    assert protected.login_required
    assert not parse_page("<form><input type='search'></form><img src=a.jpg>", BASE).login_required
    post = page_to_post(login, source="s", locator="login.html", resolve_image=lambda _: None)
    assert post.notes == (LOGIN_NOTE,) and post.media == ()


def test_size_hints_and_wordpress_originals() -> None:
    assert declared_size("https://s/u/photo-300x200.jpg") == (300, 200)
    assert declared_size("https://i0.wp.com/s/p.png?resize=1025%2C401&ssl=1") == (1025, 401)
    assert declared_size("https://s/u/photo.jpg") is None
    assert wordpress_original_candidates("https://s/u/2024/06/photo-300x200.jpg?v=2") == (
        "https://s/u/2024/06/photo.jpg",
        "https://s/u/2024/06/photo-scaled.jpg",
    )
    assert wordpress_original_candidates("https://s/u/photo-scaled.jpg") == (
        "https://s/u/photo.jpg",
    )
    # A full-size picture whose own name ends in -580x300 is not a resized copy.
    full = _one('<img class="size-full wp-image-9" src="image-alignment-580x300.jpg">')
    assert original_candidates(full) == ()
    # A srcset whose largest entry is what is shown exposes nothing larger.
    same = _one(
        '<img src="a-800x600.jpg" srcset="a-800x600.jpg 800w, a-400x300.jpg 400w"'
        ' class="size-full">'
    )
    assert original_candidates(same) == ()


def test_page_to_post_resolves_pictures_and_confirms_originals() -> None:
    page = parse_page(
        "<title>Sports</title><main><p>Sports day</p>"
        '<a href="big.jpg"><img src="small-300x200.jpg" alt="Runners"></a>'
        f'<img src="{BIG_DATA_URI}" alt="inline"></main>',
        BASE,
    )
    files = {BASE + "small-300x200.jpg": "site!small", BASE + "big.jpg": "site!big"}

    def resolve(url: str):
        return (MediaRef(container="site", member=url), files[url]) if url in files else None

    post = page_to_post(page, source="site", locator=BASE, resolve_image=resolve)
    assert post.platform == "web" and post.audience is Audience.PUBLIC
    assert post.texts == {"title": "Sports", "body": "Sports day"}
    small, inline = post.media
    assert small.locator == "site!small" and small.texts["alt"] == "Runners"
    assert small.texts["file_name"] == "small-300x200.jpg"
    pf = small.platform_facts
    assert (pf.width, pf.height) == (300, 200)
    assert (pf.original_url, pf.original_locator) == (BASE + "big.jpg", "site!big")
    assert inline.locator == f"{BASE}#inline-image-1"
    assert inline.ref.data_uri == BIG_DATA_URI
    assert "file_name" not in inline.texts


def test_real_lazy_image_page(real_exports: Path) -> None:
    page = real_exports / "html_snapshots/mozilla__readability/test/test-pages/lazy-image-3"
    facts = parse_page((page / "source.html").read_bytes(), None)
    assert facts.title == "Lazy Load with Alt includes jpg/png/webp extensions"
    assert [i.src.rsplit(".", 1)[-1] for i in facts.images] == ["jpg", "png"]
    assert all(i.src.startswith("https://p3-juejin.byteimg.com/") for i in facts.images)
    assert all(i.alt == "performance.jpg" for i in facts.images)


def test_real_wordpress_page_images(real_exports: Path) -> None:
    page = real_exports / "html_snapshots/mozilla__readability/test/test-pages/wordpress"
    facts = parse_page((page / "source.html").read_bytes(), "https://wptavern.com/")
    jetpack = [i for i in facts.images if i.orig_file]
    assert [i.wp_id for i in jetpack] == [57913, 67214, 67216]
    first = jetpack[0]
    assert first.orig_size == (1650, 646)
    assert max(w for _, w in first.srcset) == 1650
    assert first.image_meta["camera"] == ""
    assert not facts.login_required
