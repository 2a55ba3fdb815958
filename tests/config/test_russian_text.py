"""Russian everywhere a person looks (issue 20): every page of the demo municipality, as every
demo login, shows no code, no «None» and no number with a decimal point.

The demo is loaded once for the module, the way `make run` loads it, inside a transaction that is
rolled back at the end. For each login the test starts at «/» and follows every link and htmx
`hx-get` of the site (GET only), at most a few addresses per view, and reads what a person sees:
the text (without <script>, <style> and <template>), the options of menus and the attributes
shown on hover or read aloud (title, aria-label, placeholder, alt, the value of a button).

What fails, with the login, the address and the words around it:

* «None» — Python's empty value printed as a word;
* a code: a snake_case identifier (`vpr_share_2`), or any Latin word outside ALLOWED_LATIN, the
  short list of abbreviations and names a Russian reader meets as they are. Addresses, e-mails
  and file names are people's data and are not read as words; codes of organisations such as
  «sch640101» are logins of ФИС ОКО, written with digits, and are not words either;
* a number printed with a decimal point where a value is meant (the product writes «8,9 %»).
  A point also separates the parts of a measure's number («1.2.3.»), a date («01.09.2026») and
  a version, so only these are values: a number with a fraction followed by «%» («8.9 %»), a
  number below one («0.9», never a measure's number or a date), and a number with a fraction
  that fills a right-aligned table cell or a chart label on its own (where the product puts
  values). Each of them must not continue with another «.digits» (then it is a numbering);
* a noun of PLURALS after a number in the wrong form («3 принятых строк», «1 мероприятий»): the
  form config.lib.russian.plural gives. Only where the count is the subject or the object — after
  a preposition («из 21 строки», «для 5 школ») the case is another and the word is not checked;
* Python's notation of a list or a dictionary («['…']», «{'2026': …}»).

Text inside <code> is a code on purpose — one a person types into a file (an organisation's
code, the key of an indicator in a collection workbook) — and is checked for «None» and numbers
only.
"""

from __future__ import annotations

import functools
import os
import re
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client, TestCase
from django.urls import Resolver404, resolve

from config.lib.russian import plural
from schools.demo import USERS

# Abbreviations and names a Russian reader meets in Latin letters. Keep it short: every entry is
# a word people see in the product on purpose.
ALLOWED_LATIN = {
    # file formats a person downloads or uploads
    "PDF", "XLSX", "XLS", "DOCX", "DOC", "CSV", "ZIP", "ODS", "ODT", "PNG", "JPG", "JPEG",
    # programmes people name in Latin letters
    "Excel", "Word",
    # «E-mail» on forms
    "mail",
    # the prefix of ФИС ОКО logins, named in the results' help («код ОО в ФИС ОКО (sch…)»)
    "sch",
}  # fmt: skip
# Roman numerals («I полугодие», «XXI век») and single letters: the variables of a formula
# («N(отметка = 2) / N × 100») and the results' formats A and B.
ROMAN_OR_LETTER = re.compile(r"^(?:[IVXLC]+|[A-Za-z])$")

NONE = re.compile(r"\bNone\b")
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
LATIN_WORD = re.compile(r"(?<![\w@.\-])[A-Za-z]+(?![\w@])")
# People's data written in Latin letters: addresses, e-mails, file names, domains.
NOT_WORDS = re.compile(
    r"https?://\S+|www\.\S+|(?<![\w.+-])[\w.+-]+@[\w.-]+"
    r"|(?<![\w.-])[\w.-]+\.(?:pdf|xlsx|xls|docx|doc|csv|zip|ods|odt|png|jpe?g|txt|ru|рф|com|org|net)\b",
    re.IGNORECASE,
)
DOT_PERCENT = re.compile(r"(?<![\d.])\d+\.\d+(?![.\d])\s?%")
BELOW_ONE = re.compile(r"(?<![\d.,])0\.\d+(?![.\d])")
LONE_DECIMAL = re.compile(r"^[−-]?\d+\.\d+$")

# Nouns counted on the pages, in the three forms of config.lib.russian.plural (1, 2–4, 5…).
PLURALS = [
    ("строка", "строки", "строк"),
    ("мероприятие", "мероприятия", "мероприятий"),
    ("школа", "школы", "школ"),
    ("организация", "организации", "организаций"),
    ("файл", "файла", "файлов"),
    ("документ", "документа", "документов"),
    ("результат", "результата", "результатов"),
    ("участник", "участника", "участников"),
    ("назначение", "назначения", "назначений"),
    ("правило", "правила", "правил"),
    ("показатель", "показателя", "показателей"),
    ("раздел", "раздела", "разделов"),
    ("уведомление", "уведомления", "уведомлений"),
    ("приказ", "приказа", "приказов"),
    ("запись", "записи", "записей"),
    ("день", "дня", "дней"),
    ("муниципалитет", "муниципалитета", "муниципалитетов"),
]
FORMS = {form: forms for forms in PLURALS for form in forms}
PREPOSITIONS = {
    "из", "от", "до", "для", "без", "у", "около", "после", "с", "со", "в", "во", "на", "по", "о", "об", "к", "за",
    "через", "при", "над", "под", "между", "более", "менее", "чем",
}  # fmt: skip
WORD_BEFORE = re.compile(r"([а-яё]+)\s+$", re.IGNORECASE)
COUNTED = re.compile(
    r"(?<![\d.,:/№-])(?<!№ )(?<!№\xa0)(?P<count>\d+)(?![\d.,:/])\s+"
    r"(?:[а-яё]+(?:ых|их)\s+)?(?P<noun>" + "|".join(sorted(FORMS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
PYTHON_REPR = re.compile(r"[\[{(]'|'[\]})]|'\s*:\s*'|\bobject at 0x")
TEXT, VALUE, CODE = "text", "value", "code"  # what a piece of text is (VisibleText)
SKIPPED_PREFIXES = ("/admin/", "/accounts/logout/", "/static/", "/media/", "/health/")
DOWNLOADS = (".pdf", ".xlsx", ".xls", ".docx", ".csv", ".zip")
PER_VIEW = 3  # addresses per view (url_name), so a list of 30 roadmaps does not cost 30 pages
PAGE_LIMIT = 300  # per login: a guard against a loop of ever new addresses


@dataclass
class Page:
    """What a person sees on one page: its text pieces, its links and its htmx loads."""

    texts: list[tuple[str, str]] = field(default_factory=list)  # (text, VALUE / CODE / TEXT)
    links: list[str] = field(default_factory=list)
    htmx: list[str] = field(default_factory=list)


class VisibleText(HTMLParser):
    """Collects visible text, the attributes people see, and the addresses a page leads to."""

    HIDDEN = {"script", "style", "template"}
    ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.hidden = 0
        self.stack: list[tuple[str, str]] = []  # (tag, what its text is: VALUE, CODE or TEXT)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.HIDDEN:
            self.hidden += 1
            return
        if self.hidden:
            return
        for name in self.ATTRIBUTES:
            if attrs.get(name):
                self.page.texts.append((attrs[name], TEXT))
        if tag == "input" and attrs.get("type") in {"submit", "button", "reset"} and attrs.get("value"):
            self.page.texts.append((attrs["value"], TEXT))
        if tag == "a" and attrs.get("href"):
            self.page.links.append(attrs["href"])
        if attrs.get("hx-get"):
            self.page.htmx.append(attrs["hx-get"])
        if tag not in self.VOID:
            classes = (attrs.get("class") or "").split()
            if tag == "code" or (self.stack and self.stack[-1][1] == CODE):
                kind = CODE
            elif tag == "text" or (tag in {"td", "th"} and "text-end" in classes):
                kind = VALUE
            else:
                kind = TEXT
            self.stack.append((tag, kind))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID and tag not in self.HIDDEN and not self.hidden and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
            return
        if self.hidden:
            return
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if self.hidden or not data.strip():
            return
        self.page.texts.append((" ".join(data.split()), self.stack[-1][1] if self.stack else TEXT))


def read(html: str) -> Page:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser.page


@functools.cache  # the menu, headings and table headers repeat on every page: each is read once
def problems(text: str, kind: str = TEXT) -> tuple[str, ...]:
    """What is wrong with one piece of visible text, as «what: snippet»."""
    found = []
    if NONE.search(text):
        found.append("«None»")
    if kind != CODE:
        words = NOT_WORDS.sub(" ", text)
        found += [f"код «{match}»" for match in SNAKE.findall(words)]
        latin = set(LATIN_WORD.findall(SNAKE.sub(" ", words))) - {"None"}  # said once, above
        found += [
            f"латиница «{word}»"
            for word in sorted(latin)
            if word not in ALLOWED_LATIN and not ROMAN_OR_LETTER.match(word)
        ]
    numbers = DOT_PERCENT.findall(text) + BELOW_ONE.findall(text)
    if kind == VALUE and LONE_DECIMAL.match(text.strip()):
        numbers.append(text.strip())
    found += [f"число с точкой «{number}»" for number in dict.fromkeys(numbers)]
    for match in COUNTED.finditer(text):
        before = WORD_BEFORE.search(text, max(0, match.start() - 20), match.start())
        if before and before[1].lower() in PREPOSITIONS:
            continue
        expected = plural(int(match["count"]), *FORMS[match["noun"].lower()])
        if match["noun"].lower() != expected:
            found.append(f"«{match[0].strip()}» вместо «{expected}»")
    if PYTHON_REPR.search(text):
        found.append("запись Python")
    return tuple(found)


def test_the_rules_catch_codes_none_and_dotted_values_but_not_numbering_or_data():
    """The checker itself: what it must catch (the defects of issue 20) and what it must let be."""
    caught = [
        ("vpr_share_2", TEXT),
        ("по «vpr_journal_mi» (убывание)", TEXT),
        ("Региональный координатор · None", TEXT),
        ("0.9", VALUE),
        ("0.9", TEXT),
        ("«2»: 6 (0.9%)", TEXT),
        ("8.9 %", TEXT),
        ("12.5", VALUE),
        ("Показатель kdr_below_base", TEXT),
        ("состояние: draft → on_approval", TEXT),
        ("None", CODE),
        ("Импортировать 3 принятых строк", TEXT),
        ("Назначено 1 мероприятий", TEXT),
        ("21 строк", TEXT),
        ("→ {'2026': '0,337'}", TEXT),
        ("['Протокол', 'Приказ']", TEXT),
    ]
    passed = [
        ("8,9 %", VALUE),
        ("Мероприятие 1.2.3. Провести", TEXT),
        ("1.2", TEXT),
        ("срок 01.09.2026", TEXT),
        ("10:30", VALUE),
        ("Скачать PDF и XLSX", TEXT),
        ("файл vpr_2025_math.xlsx загружен", TEXT),
        ("почта school_1@mail.ru", TEXT),
        ("sch640101", VALUE),
        ("I полугодие, XXI век", TEXT),
        ("E-mail", TEXT),
        ("N(k) / N × 100", TEXT),
        ("https://edu.gov.ru/some_page", TEXT),
        ("vpr_share_2", CODE),
        ("Импортировать 3 принятые строки", TEXT),
        ("21 строка, 22 школы, 25 мероприятий, 11 файлов", TEXT),
        ("в 3 строках; из 21 строки; для 5 школ", TEXT),
        ("приказ № 5 мероприятия", TEXT),
        ("01.09.2026 5 дней", TEXT),
        ("«Школа» — название", TEXT),
    ]
    assert [text for text, kind in caught if not problems(text, kind)] == []
    assert [(text, problems(text, kind)) for text, kind in passed if problems(text, kind)] == []


def test_the_reader_sees_attributes_options_and_svg_but_not_scripts():
    page = read(
        '<nav aria-label="breadcrumb"><a href="/x/">Дальше</a></nav><script>var a_b = 0.5;</script>'
        '<select><option>по «vpr_share_2»</option></select><input type="submit" value="Save">'
        '<input type="hidden" value="on_approval"><template><p>None</p></template>'
        '<svg><text>0.9</text></svg><table><tr><td class="text-end">12.5</td><td>1.2</td></tr></table>'
        '<p><code>kdr_below_base</code> <span hx-get="/part/">ещё</span></p>'
    )
    assert page.texts == [
        ("breadcrumb", TEXT),
        ("Дальше", TEXT),
        ("по «vpr_share_2»", TEXT),
        ("Save", TEXT),
        ("0.9", VALUE),
        ("12.5", VALUE),
        ("1.2", TEXT),
        ("kdr_below_base", CODE),
        ("ещё", TEXT),
    ]
    assert page.links == ["/x/"] and page.htmx == ["/part/"]


@pytest.fixture(scope="module")
def demo_logins(django_db_setup, django_db_blocker):
    """The demo municipality, loaded once for the module (as `make run` does) and rolled back after.

    Jobs the demo enqueues with on_commit run at the end of loading, as they would after commit."""
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True), open(os.devnull, "w") as devnull:
            call_command("load_demo", force=True, stdout=devnull)
        yield [username for username, *_ in USERS]
        transaction.set_rollback(True)


def same_site(base: str, href: str) -> str | None:
    """The address `href` leads to on this site, or None (other sites, downloads, admin, logout…)."""
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in {"", "http"} or parts.netloc not in {"", "testserver"}:
        return None
    if parts.path.startswith(SKIPPED_PREFIXES) or parts.path.lower().endswith(DOWNLOADS):
        return None
    query = parse_qs(parts.query)
    if any(name in query for name in ("format", "download", "export")):
        return None
    if any(not number.isdigit() or int(number) > 2 for number in query.get("page", [])):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def view_name(url: str) -> str | None:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return match.view_name


def crawl(username: str) -> tuple[list[str], int]:
    """Every page `username` can reach from «/», with what is wrong on each; and how many pages."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    queue: deque[tuple[str, bool]] = deque([("/", False)])
    seen: set[str] = {"/"}
    per_view: Counter[str] = Counter()
    failures: list[str] = []
    pages = 0
    while queue and pages < PAGE_LIMIT:
        url, partial = queue.popleft()
        headers = {"HX-Request": "true"} if partial else {}
        try:
            response = client.get(url, headers=headers)
        except Exception as error:  # a server error is a defect a person meets, too
            failures.append(f"{username} {url}: ошибка {type(error).__name__}: {error}")
            continue
        if response.status_code in {301, 302, 303, 307, 308}:
            target = same_site(url, response["Location"])
            if target and target not in seen:
                seen.add(target)
                queue.append((target, False))
            continue
        if not response["Content-Type"].startswith("text/html") or response.streaming:
            continue
        pages += 1
        html = response.content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S)
        if not partial and (title is None or "<" in title.group(1) or not title.group(1).strip()):
            failures.append(f"{username} {url}: заголовок окна пуст или содержит разметку")
        page = read(html)
        for text, value in page.texts:
            for problem in problems(text, value):
                failures.append(f"{username} {url}: {problem} в «{text[:160]}»")
        for href, is_partial in [(href, False) for href in page.links] + [(href, True) for href in page.htmx]:
            target = same_site(url, href)
            if target is None or target in seen:
                continue
            seen.add(target)
            name = view_name(target)
            if name is None or per_view[name] >= PER_VIEW:
                continue
            per_view[name] += 1
            queue.append((target, is_partial))
    return failures, pages


@pytest.mark.django_db
def test_every_page_as_every_login_is_russian(demo_logins):
    failures, counts = [], {}
    for username in demo_logins:
        found, counts[username] = crawl(username)
        failures += found
    assert all(count > 3 for count in counts.values()), f"Слишком мало страниц обойдено: {counts}"
    unique = list(dict.fromkeys(failures))
    assert not unique, f"{len(unique)} нерусских мест на страницах ({counts}):\n" + "\n".join(unique)
