"""Text repair shared by the Meta adapters (Facebook, Instagram).

Meta's JSON exports write each UTF-8 byte of a string as its own \\u00XX escape, so
"tilføjet" arrives as "tilfÃ¸jet". Repair is per string: re-encode as Latin-1 and decode as
UTF-8, and keep the original when that is not a clean round trip (a genuine "Ã" stays).
"""

from __future__ import annotations

from typing import Any


def fix_mojibake(text: str) -> str:
    """Undo UTF-8-read-as-Latin-1 in one string; leave correct text untouched."""
    if not text or text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def fix_tree(value: Any) -> Any:
    """Repair every string in a parsed JSON value (keys too)."""
    if isinstance(value, str):
        return fix_mojibake(value)
    if isinstance(value, list):
        return [fix_tree(v) for v in value]
    if isinstance(value, dict):
        return {fix_mojibake(k): fix_tree(v) for k, v in value.items()}
    return value
