"""Zip archives from outside (xlsx, ods, docx, evidence .zip), opened with their cost checked.

The central directory is checked before any member is read: number of members, the summed
uncompressed size and each member's compression ratio. A member is then read in chunks and
counted as it comes, since the sizes in the directory are the sender's word: zipfile stops at
the declared size, and `read_member` and `iter_member` stop at the caller's limit too.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from config.lib.untrusted.limits import FileRefused, Limits, mb, spaced

CHUNK = 4 << 20

# What zipfile raises on a damaged archive: zlib.error for a broken deflate stream,
# RuntimeError for an encrypted member, NotImplementedError for an unknown compression method.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    struct.error,
    OSError,
    ValueError,
    EOFError,
    OverflowError,
    NotImplementedError,
    RuntimeError,
)


class GuardedZip:
    """A checked zip archive. Use as a context manager; members are read only through it."""

    def __init__(self, stream: BinaryIO, *, filename: str, limits: Limits):
        self.filename = filename
        self.limits = limits
        try:
            self.archive = zipfile.ZipFile(stream)
            infos = self.archive.infolist()
        except ZIP_ERRORS as exc:
            raise self.damaged() from exc
        if len(infos) > limits.max_members:
            self.archive.close()
            raise FileRefused(
                f"Архив «{filename}» содержит {spaced(len(infos))} частей (допускается не более "
                f"{spaced(limits.max_members)}): такой файл не обрабатывается"
            )
        self.infos = {info.filename: info for info in infos}
        total = 0
        for info in infos:
            total += info.file_size
            if total > limits.max_uncompressed:
                self.archive.close()
                raise FileRefused(
                    f"Файл «{filename}» после распаковки занимает больше {mb(limits.max_uncompressed)} МБ: "
                    "такой файл не обрабатывается"
                )
            if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
                self.archive.close()
                raise FileRefused(
                    f"Файл «{filename}» сжат подозрительно сильно (часть «{info.filename}» в "
                    f"{info.file_size // max(info.compress_size, 1)} раз, допускается не более {limits.max_ratio}): "
                    "такой файл не обрабатывается"
                )

    def __enter__(self) -> GuardedZip:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.archive.close()

    def damaged(self) -> FileRefused:
        return FileRefused(f"Файл «{self.filename}» повреждён: архив не читается")

    def names(self) -> set[str]:
        return set(self.infos)

    def iter_member(self, name: str, *, limit: int, what: str = "") -> Iterator[bytes]:
        """The member's bytes in chunks; FileRefused once more than ``limit`` bytes came out."""
        info = self.infos[name]
        if info.file_size > limit:
            raise self._member_too_big(name, limit, what)
        seen = 0
        try:
            with self.archive.open(info) as member:
                while chunk := member.read(CHUNK):
                    seen += len(chunk)
                    if seen > limit:
                        raise self._member_too_big(name, limit, what)
                    yield chunk
        except ZIP_ERRORS as exc:
            raise self.damaged() from exc

    def read_member(self, name: str, *, limit: int, what: str = "") -> bytes:
        """The whole member, which must be at most ``limit`` bytes uncompressed."""
        return b"".join(self.iter_member(name, limit=limit, what=what))

    def head(self, name: str, size: int) -> bytes:
        """The first ``size`` bytes of a member (a `mimetype` that unpacks to gigabytes costs
        ``size`` bytes here)."""
        try:
            with self.archive.open(self.infos[name]) as member:
                return member.read(size)
        except ZIP_ERRORS as exc:
            raise self.damaged() from exc

    def _member_too_big(self, name: str, limit: int, what: str) -> FileRefused:
        return FileRefused(
            f"Часть «{name}» файла «{self.filename}»{f' ({what})' if what else ''} после распаковки больше "
            f"{mb(limit)} МБ: такой файл не обрабатывается"
        )
