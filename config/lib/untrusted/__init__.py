"""The one guarded way to open a file that came from outside.

Every reader of uploaded files (results, the organisations registry, data collection, roadmap
import, evidence sniffing) opens them here. Sizes, archive members, compression ratios, cell
counts, DTDs and formulas are checked before anything is read whole; spreadsheets are streamed
row by row, archive members read in bounded chunks; every refusal is a `FileRefused` whose
Russian message names the limit. See `limits.Limits` for the numbers.
"""

from config.lib.untrusted.archive import GuardedZip
from config.lib.untrusted.limits import DEFAULT, FileRefused, Limits
from config.lib.untrusted.tables import Table, open_table

__all__ = ["DEFAULT", "FileRefused", "GuardedZip", "Limits", "Table", "open_table"]
