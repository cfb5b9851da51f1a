"""Safe, read-only access to what the user gave: a folder, a zip, or a single file.

Zips are read in place, never extracted. A member whose path is absolute or climbs out
with `..` is refused (it becomes a `Skipped`), and sizes are capped so that a decompression
bomb cannot exhaust memory. Nothing here ever writes to an input.
"""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path, PurePosixPath

from scanner.ingest.interface import IngestError
from scanner.model import MediaRef, Skipped

MAX_MEMBER_BYTES = 256 * 1024 * 1024
"""Largest single file we will read; larger members are refused, not truncated."""
MAX_COMPRESSION_RATIO = 200
"""A zip member that inflates more than this (and past 10 MB) is treated as a zip bomb."""


def unsafe_member_reason(name: str) -> str | None:
    """Why a zip member's path is unsafe to use, or None if it is fine."""
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "has an absolute path inside the zip; refused for safety"
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if ".." in parts:
        return "has a '..' path that points outside the zip; refused for safety"
    return None


class Archive:
    """A read-only view of one input as a set of files with posix relative paths."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.refused: list[Skipped] = []

    @property
    def label(self) -> str:
        """Short name for messages."""
        return os.path.basename(self.path.rstrip("/")) or self.path

    def names(self) -> list[str]:
        raise NotImplementedError

    def size(self, member: str) -> int:
        raise NotImplementedError

    def read(self, member: str, limit: int = MAX_MEMBER_BYTES) -> bytes:
        raise NotImplementedError

    def ref(self, member: str) -> MediaRef:
        return MediaRef(container=self.path, member=member)

    def locator(self, member: str) -> str:
        """What the user sees: `export.zip!path/in/zip` or the file's path."""
        raise NotImplementedError

    def has(self, member: str) -> bool:
        return member in self._name_set()

    def _name_set(self) -> frozenset[str]:
        cached = getattr(self, "_names_cache", None)
        if cached is None:
            cached = frozenset(self.names())
            self._names_cache = cached
        return cached

    def read_text(self, member: str) -> str:
        """Read a text member as UTF-8 (with or without BOM)."""
        return self.read(member).decode("utf-8-sig", errors="replace")


class FolderArchive(Archive):
    """A folder on disk; links are not followed out of it."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.root = Path(path)
        self._names: list[str] | None = None

    def names(self) -> list[str]:
        if self._names is None:
            found: list[str] = []
            for dirpath, dirnames, filenames in os.walk(self.root, followlinks=False):
                dirnames.sort()
                for fn in sorted(filenames):
                    full = Path(dirpath, fn)
                    try:
                        if not stat.S_ISREG(full.lstat().st_mode):
                            continue
                    except OSError:
                        continue
                    found.append(full.relative_to(self.root).as_posix())
            self._names = found
        return self._names

    def size(self, member: str) -> int:
        return (self.root / member).stat().st_size

    def read(self, member: str, limit: int = MAX_MEMBER_BYTES) -> bytes:
        full = self.root / member
        size = full.stat().st_size
        if size > limit:
            raise IngestError(f"{self.locator(member)}: file is {size:,} bytes, over the limit")
        with open(full, "rb") as fh:
            return fh.read()

    def locator(self, member: str) -> str:
        return str(self.root / member)


class ZipArchive(Archive):
    """A zip read in place. Unsafe members are refused and listed in `refused`."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        try:
            zf = _open_zip(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise IngestError(f"{path}: not a readable zip file ({exc})") from exc
        self._infos: dict[str, zipfile.ZipInfo] = {}
        for info in zf.infolist():
            if info.is_dir():
                continue
            reason = unsafe_member_reason(info.filename)
            if reason:
                self.refused.append(Skipped(source=f"{path}!{info.filename}", reason=reason))
                continue
            self._infos[info.filename] = info

    def names(self) -> list[str]:
        return list(self._infos)

    def size(self, member: str) -> int:
        return self._infos[member].file_size

    def read(self, member: str, limit: int = MAX_MEMBER_BYTES) -> bytes:
        info = self._infos.get(member)
        if info is None:
            raise IngestError(f"{self.locator(member)}: not in the zip")
        check_zip_member(info, self.locator(member), limit)
        return _read_capped(_open_zip(self.path), info, limit, self.locator(member))

    def locator(self, member: str) -> str:
        return f"{self.path}!{member}"


class FileArchive(Archive):
    """A single file given directly (an image, a JSON, a saved page, a WARC)."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.member = os.path.basename(path)

    def names(self) -> list[str]:
        return [self.member]

    def size(self, member: str) -> int:
        return os.path.getsize(self.path)

    def read(self, member: str, limit: int = MAX_MEMBER_BYTES) -> bytes:
        size = os.path.getsize(self.path)
        if size > limit:
            raise IngestError(f"{self.path}: file is {size:,} bytes, over the limit")
        with open(self.path, "rb") as fh:
            return fh.read()

    def ref(self, member: str) -> MediaRef:
        return MediaRef(container=self.path, member=None)

    def locator(self, member: str) -> str:
        return self.path


def check_zip_member(info: zipfile.ZipInfo, locator: str, limit: int) -> None:
    """Refuse a member whose declared size or compression ratio marks it as a bomb."""
    if info.file_size > limit:
        raise IngestError(f"{locator}: declares {info.file_size:,} bytes, over the limit")
    if info.file_size > 10 * 1024 * 1024 and info.file_size > MAX_COMPRESSION_RATIO * max(
        info.compress_size, 1
    ):
        raise IngestError(
            f"{locator}: compressed {info.compress_size:,} bytes inflate to "
            f"{info.file_size:,}; looks like a zip bomb, not read"
        )


def _read_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, locator: str) -> bytes:
    """Read a member but stop at the limit whatever its header claims."""
    with zf.open(info) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise IngestError(f"{locator}: inflates past {limit:,} bytes; not read")
    return data


def _open_zip(path: str) -> zipfile.ZipFile:
    """One open ZipFile per zip per process: opening a big zip's directory is not free.

    Keyed by process id and absolute path: a ZipFile inherited through fork shares its file
    offset with the parent's, so concurrent reads would corrupt each other.
    """
    return _open_zip_for(os.getpid(), os.path.abspath(path))


@lru_cache(maxsize=32)
def _open_zip_for(pid: int, path: str) -> zipfile.ZipFile:
    return zipfile.ZipFile(path)


def open_input(path: str) -> Archive:
    """Open what the user gave, choosing folder, zip or single file by content."""
    p = Path(path)
    if not p.exists():
        raise IngestError(f"{path}: no such file or folder")
    if p.is_dir():
        return FolderArchive(path)
    try:
        with open(p, "rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        raise IngestError(f"{path}: cannot be read ({exc.strerror})") from exc
    if head[:2] == b"PK" and zipfile.is_zipfile(p):
        return ZipArchive(path)
    return FileArchive(path)


def read_ref(ref: MediaRef, limit: int = MAX_MEMBER_BYTES) -> bytes:
    """Read a media's bytes again from its reference (used inside worker processes)."""
    if ref.data_uri is not None:
        from scanner.ingest.datauri import decode_data_uri

        return decode_data_uri(ref.data_uri, limit)
    if ref.record_offset is not None:
        from scanner.ingest.warc import read_payload

        return read_payload(ref.container, ref.record_offset, limit)
    if ref.member is None:
        return FileArchive(ref.container).read("", limit)
    container = Path(ref.container)
    if container.is_dir():
        return FolderArchive(ref.container).read(ref.member, limit)
    zf = _open_zip(ref.container)
    try:
        info = zf.getinfo(ref.member)
    except KeyError as exc:
        raise IngestError(f"{ref.container}!{ref.member}: not in the zip") from exc
    locator = f"{ref.container}!{ref.member}"
    check_zip_member(info, locator, limit)
    return _read_capped(zf, info, limit, locator)


def iter_members(archive: Archive, suffixes: tuple[str, ...]) -> Iterator[str]:
    """Members whose names end with one of the suffixes (case-insensitive)."""
    for name in archive.names():
        if name.lower().endswith(suffixes):
            yield name
