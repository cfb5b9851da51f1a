"""How fast WordPress exports and saved pages are read, against floors measured in the same run.

Not a test: prints ratios. The floors are the least any reader must do: for a WXR, one
defusedxml parse of the whole file; for a page, one BeautifulSoup parse with the same parser.
Our readers add attachment linking, PHP metadata, captions, galleries and size hints on top.

    python bench/web_ingest.py [--posts 2000] [--pages 50]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from bs4 import BeautifulSoup  # noqa: E402
from defusedxml.ElementTree import fromstring  # noqa: E402
from fixtures import wordpress_export as wp  # noqa: E402

from scanner.ingest import ingest  # noqa: E402
from scanner.ingest.html_images import parse_page  # noqa: E402


def big_export(posts: int) -> str:
    """The fixture school's items repeated under new ids: every post with a caption,
    a gallery and a featured image, every attachment with serialised metadata."""
    items = []
    for n in range(posts):
        shift = 1000 * (n + 1)
        for text in wp.export_items():
            text = text.replace("<wp:post_id>", f"<wp:post_id>{shift}")
            for old in ("101", "104", "105", "102", "103"):
                text = text.replace(f"wp-image-{old}", f"wp-image-{shift}{old}")
                text = text.replace(
                    f"_thumbnail_id]]></wp:meta_key><wp:meta_value><![CDATA[{old}",
                    f"_thumbnail_id]]></wp:meta_key><wp:meta_value><![CDATA[{shift}{old}",
                )
            items.append(text)
    return wp.wxr(items)


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=2000)
    ap.add_argument("--pages", type=int, default=50)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "big.xml"
        xml.write_text(big_export(args.posts), encoding="utf-8")
        data = xml.read_bytes()
        floor = best_of(lambda: fromstring(data))
        ours = best_of(lambda: ingest([str(xml)]))
        n = len(ingest([str(xml)])[0])
        print(
            f"WXR {len(data) / 1e6:.1f} MB, {n} items: defusedxml parse {floor:.2f} s, "
            f"ingest {ours:.2f} s, ratio {ours / floor:.1f}x"
        )
    snapshots = REPO.parent / "shared/real_exports/html_snapshots/mozilla__readability"
    page = snapshots / "test/test-pages/wordpress/source.html"
    if page.is_file():
        html = page.read_bytes()
        floor = best_of(lambda: [BeautifulSoup(html, "html.parser") for _ in range(args.pages)])
        ours = best_of(
            lambda: [parse_page(html, "https://wptavern.com/") for _ in range(args.pages)]
        )
        print(
            f"page {len(html) / 1e3:.0f} kB x{args.pages}: "
            f"soup parse {floor / args.pages * 1e3:.0f} ms, "
            f"parse_page {ours / args.pages * 1e3:.0f} ms per page, ratio {ours / floor:.2f}x"
        )


if __name__ == "__main__":
    main()
