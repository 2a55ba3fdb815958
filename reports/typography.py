"""Russian typography for printed documents: « » quotes, non-breaking spaces after № and
before units, initials kept with the surname, dashes; and cells whose text has paragraphs and
«- » dash lists turned into HTML blocks."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

NBSP = "\u00a0"

_UNITS = (
    r"%|чел\.?|человек|руб\.?|тыс\.?|млн\.?|ч\.|час(?:а|ов)?|мин\.?|г\.|гг\.|год(?:а|у)?|лет|шт\.?|ед\.?|"
    r"балл(?:а|ов)?|дн(?:я|ей)?\.?|мес\.?|кв\.?|раз(?:а)?|ОО|класс(?:а|ов)?"
)
_NUMBER_UNIT = re.compile(rf"(\d)\s+({_UNITS})(?=$|[\s,.;:)»])")
_NUMBER_SIGN = re.compile(r"(№|§)\s*(?=\S)")
_INITIALS_BEFORE = re.compile(r"\b([А-ЯЁ]\.)\s?([А-ЯЁ]\.)\s+(?=[А-ЯЁ][а-яё])")
_INITIALS_AFTER = re.compile(r"([А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)\s+([А-ЯЁ]\.)\s?([А-ЯЁ]\.)")
_DASH = re.compile(r"(\S)\s+[-–—]\s+(?=\S)")
_QUOTES = re.compile(r'"([^"\n]*)"')
# Two full stops where one sentence ends on an abbreviation or an initial («Разуваевой Т.В..»);
# an ellipsis («...») is left alone.
_DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")


def full_stop(text: str) -> str:
    """`text` as a finished sentence: one full stop at its end, never two (a name that ends
    with an initial, «Т.В.», or an item typed with its own stop already ends the sentence)."""
    text = text.rstrip()
    if not text or text.endswith((".", "!", "?", "…")):
        return text
    return f"{text}."


def typograph(text: str) -> str:
    """Plain text in, plain text out with Russian typography applied (idempotent)."""
    if not text:
        return ""
    text = _QUOTES.sub(lambda m: f"«{m.group(1)}»", text)
    text = _NUMBER_SIGN.sub(lambda m: m.group(1) + NBSP, text)
    text = _NUMBER_UNIT.sub(lambda m: m.group(1) + NBSP + m.group(2), text)
    text = _INITIALS_BEFORE.sub(lambda m: m.group(1) + m.group(2) + NBSP, text)
    text = _INITIALS_AFTER.sub(lambda m: m.group(1) + NBSP + m.group(2) + m.group(3), text)
    text = _DASH.sub(lambda m: m.group(1) + NBSP + "— ", text)
    text = _DOUBLE_STOP.sub(".", text)
    return text


def _is_dash_item(line: str) -> bool:
    return line.startswith(("- ", "– ", "— ", "• "))


def split_blocks(text: str) -> list[tuple[str, object]]:
    """[("p", "paragraph"), ("ul", ["item", …]), …] from text with paragraphs and «- » lists."""
    blocks: list[tuple[str, object]] = []
    for raw in (text or "").replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        if _is_dash_item(line):
            item = line[2:].strip()
            if blocks and blocks[-1][0] == "ul":
                blocks[-1][1].append(item)
            else:
                blocks.append(("ul", [item]))
        else:
            blocks.append(("p", line))
    return blocks


def cell_html(text: str) -> SafeString:
    """Escaped HTML for a table cell: one <p> per paragraph, dash lists as <ul class="dash">."""
    parts = []
    for kind, value in split_blocks(text):
        if kind == "p":
            parts.append(f"<p>{escape(typograph(value))}</p>")
        else:
            items = "".join(f"<li>{escape(typograph(item))}</li>" for item in value)
            parts.append(f'<ul class="dash">{items}</ul>')
    return mark_safe("".join(parts))  # every piece above is escaped


def lines_html(lines: list[str]) -> SafeString:
    return mark_safe("".join(f"<p>{escape(typograph(line))}</p>" for line in lines if line))
