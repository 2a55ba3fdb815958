"""What an uploaded file may cost before anything is read whole, and the refusal that names it.

Every number here bounds memory or time of one upload. Together they keep the process of any
upload under about 300 MB, whatever the file: spreadsheets are streamed row by row, archive
members are read in chunks and counted as they come (a declared size can lie), and the formats
that a library loads whole (.xls, .ods) are admitted only up to a cell count that fits.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


class FileRefused(Exception):
    """An uploaded file is not read: the message is Russian and names the file and the limit."""


def mb(size: int) -> str:
    """Bytes as Russian megabytes with one decimal: 1,5."""
    return f"{size / (1 << 20):.1f}".replace(".", ",")


def spaced(number: int) -> str:
    """12 345 678 with thin spaces, as Russian text writes large numbers."""
    return f"{number:,}".replace(",", " ")


@dataclass(frozen=True, slots=True)
class Limits:
    #: The file itself.
    max_bytes: int = 200 << 20
    #: Members of an archive (xlsx, ods, docx, zip evidence) and their summed uncompressed size.
    max_members: int = 10_000
    max_uncompressed: int = 1 << 30
    #: Compression ratio above which a member larger than ``ratio_floor`` is a bomb. Real sheets
    #: compress 10–25 times, repetitive ones up to ~50; deflate bombs reach 1000.
    max_ratio: int = 250
    ratio_floor: int = 10 << 20
    #: Cells (empty ones between written cells included) one sheet may produce when streamed.
    max_cells: int = 64_000_000
    #: Cells of a sheet a library loads whole (.xls, .ods): 3 million cells take ~150 MB there.
    max_loaded_cells: int = 3_000_000
    #: Uncompressed text of the shared-strings table, kept in memory while a sheet is read.
    max_shared_strings: int = 64 << 20
    #: Bytes of XML that one row (or one string) may take.
    max_element_bytes: int = 16 << 20

    def but(self, **changes) -> Limits:
        return replace(self, **changes)


DEFAULT = Limits()
