"""Read PHP-serialised values, as WordPress stores `_wp_attachment_metadata`.

The parsing itself is `phpserialize` (a small, long-stable port of PHP's own functions). This
module only makes it safe for hostile exports: PHP objects are refused (never instantiated),
nesting and size are capped, and a string whose byte count was broken by a charset
conversion (a common WordPress migration accident) is repaired once before giving up.
"""

from __future__ import annotations

import re
from typing import Any

import phpserialize

MAX_SERIALISED_CHARS = 1_000_000
"""Attachment metadata is a few kilobytes; anything this large is not read."""
MAX_DEPTH = 32

_STRING = re.compile(r's:\d+:"(.*?)";(?=[}sidbaN]|$)', re.S)


def php_unserialize(text: str) -> Any | None:
    """The value, with PHP arrays as dicts, or None when it is not safely readable."""
    text = text.strip()
    if not text or len(text) > MAX_SERIALISED_CHARS or not _shallow_enough(text):
        return None
    for attempt in (text, _fix_lengths(text)):
        try:
            return phpserialize.loads(attempt.encode("utf-8"), decode_strings=True, array_hook=dict)
        except (ValueError, TypeError, KeyError, IndexError, RecursionError, UnicodeError):
            continue
    return None


def _fix_lengths(text: str) -> str:
    """Recount every `s:N:"..."` in UTF-8 bytes (exports re-encoded after serialising)."""

    def recount(m: re.Match[str]) -> str:
        body = m.group(1)
        return f's:{len(body.encode("utf-8"))}:"{body}";'

    return _STRING.sub(recount, text)


def _shallow_enough(text: str) -> bool:
    """Refuse deep nesting before parsing, so a crafted value cannot exhaust the stack."""
    depth = 0
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "s" and text.startswith("s:", i):
            m = re.match(r"s:(\d+):\"", text[i : i + 24])
            if m:
                i += m.end() + int(m.group(1)) + 1
                continue
        if c == "{":
            depth += 1
            if depth > MAX_DEPTH:
                return False
        elif c == "}":
            depth -= 1
        i += 1
    return True
