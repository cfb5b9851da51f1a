"""Decode `data:` URIs, the way SingleFile pages inline their images."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote_to_bytes

from scanner.ingest.interface import IngestError


def decode_data_uri(uri: str, limit: int) -> bytes:
    """Return the bytes of a `data:` URI, refusing anything over `limit` bytes."""
    if not uri.startswith("data:") or "," not in uri:
        raise IngestError("inline image: not a data: URI")
    header, payload = uri[5:].split(",", 1)
    if len(payload) > limit * 4 // 3 + 4:
        raise IngestError("inline image: larger than the size limit")
    try:
        if header.endswith(";base64"):
            return base64.b64decode(payload, validate=False)
        return unquote_to_bytes(payload)
    except (binascii.Error, ValueError) as exc:
        raise IngestError(f"inline image: cannot be decoded ({exc})") from exc
