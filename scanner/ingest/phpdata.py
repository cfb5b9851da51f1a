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

_TOKEN = re.compile(r's:(\d+):"|[{}]')
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
    """Refuse deep nesting before parsing, so a crafted value cannot exhaust the stack.

    Jumps over string bodies by their declared length, so a `{` inside a caption is not
    counted; a wrong length only makes the estimate rougher, never unsafe.
    """
    depth = 0
    pos = 0
    while (m := _TOKEN.search(text, pos)) is not None:
        if m.group(1) is not None:
            pos = m.end() + int(m.group(1)) + 1
            continue
        depth += 1 if m.group(0) == "{" else -1
        if depth > MAX_DEPTH:
            return False
        pos = m.end()
    return True
