import re
from functools import lru_cache


@lru_cache(maxsize=512)
def _compile(pattern: str, escape: str | None) -> re.Pattern:
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if escape and char == escape and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
        i += 1
    return re.compile("".join(out), re.DOTALL | re.IGNORECASE)


def like(pattern, value, escape=None):
    """SQLite LIKE(pattern, value[, escape]) with Unicode case folding."""
    if pattern is None or value is None:
        return None
    return _compile(str(pattern), escape).fullmatch(str(value)) is not None
