"""Declension of people's names and positions for the text of orders (приказы).

An order says «Назначить ответственным … заместителю начальника Разуваевой Т.В.» (dative),
«Контроль за исполнением настоящего приказа оставить за начальником управления образования
Мухиным В.Г.» (instrumental), «по представлению директора …» (genitive). Names are declined by
pytrovich (the petrovich rules: surnames, first names, patronymics, double surnames); positions by
pymorphy3: the head noun of the position and the adjectives before it change, everything after
the head noun is already in the genitive («заместитель начальника управления образования») and
stays as written; «И.о.», «Врио» and the like are abbreviations of a participle phrase and keep
the whole position unchanged («и.о. директора»).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pytrovich.detector import PetrovichGenderDetector
from pytrovich.enums import Case, Gender, NamePart
from pytrovich.maker import PetrovichDeclinationMaker

NOMINATIVE, GENITIVE, DATIVE, ACCUSATIVE, INSTRUMENTAL = "nomn", "gent", "datv", "accs", "ablt"
CASES = (NOMINATIVE, GENITIVE, DATIVE, ACCUSATIVE, INSTRUMENTAL)
_PETROVICH_CASE = {
    GENITIVE: Case.GENITIVE,
    DATIVE: Case.DATIVE,
    ACCUSATIVE: Case.ACCUSATIVE,
    INSTRUMENTAL: Case.INSTRUMENTAL,
}

MALE, FEMALE = "male", "female"

# Abbreviations that stand for «исполняющий обязанности», «временно исполняющий обязанности»:
# the position after them is already in the genitive, and the abbreviation itself does not change.
_FROZEN_PREFIXES = ("и.о.", "и. о.", "врио", "вр.и.о.", "вр. и. о.")
_INITIALS = re.compile(r"^(?:[А-ЯЁ]\.\s?){1,2}$")
_FEMALE_SURNAME_ENDINGS = ("ова", "ева", "ёва", "ина", "ына", "ая", "яя", "ская", "цкая")


@lru_cache(maxsize=1)
def _maker() -> PetrovichDeclinationMaker:
    return PetrovichDeclinationMaker()


@lru_cache(maxsize=1)
def _detector() -> PetrovichGenderDetector:
    return PetrovichGenderDetector()


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@dataclass(frozen=True)
class PersonName:
    """A name as written in a document, split into its parts (initials kept as they are)."""

    last: str
    first: str = ""
    middle: str = ""
    initials: str = ""
    initials_first: bool = False  # «Т.В. Разуваева» rather than «Разуваева Т.В.»

    def render(self, last: str | None = None, first: str | None = None, middle: str | None = None) -> str:
        last = last if last is not None else self.last
        if self.initials:
            return f"{self.initials} {last}" if self.initials_first else f"{last} {self.initials}"
        parts = [last, first if first is not None else self.first, middle if middle is not None else self.middle]
        return " ".join(p for p in parts if p)


def parse_name(text: str) -> PersonName:
    """«Т.В. Разуваева», «Разуваева Т.В.», «Разуваева Т. В.», «Разуваева Татьяна Викторовна»."""
    text = " ".join(text.replace("\u00a0", " ").split())
    if not text:
        return PersonName(last="")
    match = re.match(r"^((?:[А-ЯЁ]\.\s?){1,2})\s*(\S.*)$", text)
    if match:
        return PersonName(last=match.group(2).strip(), initials=match.group(1).replace(" ", ""), initials_first=True)
    match = re.match(r"^(\S+)\s+((?:[А-ЯЁ]\.\s?){1,2})$", text)
    if match:
        return PersonName(last=match.group(1), initials=match.group(2).replace(" ", ""))
    words = text.split(" ")
    if len(words) == 1:
        return PersonName(last=words[0])
    if len(words) == 2:
        return PersonName(last=words[0], first=words[1])
    return PersonName(last=words[0], first=words[1], middle=" ".join(words[2:]))


def guess_gender(name: PersonName) -> str:
    """From the patronymic or first name when written out, otherwise from the surname's ending."""
    if name.middle or name.first:
        try:
            detected = _detector().detect(firstname=name.first or None, middlename=name.middle or None)
            if detected == Gender.FEMALE:
                return FEMALE
            if detected == Gender.MALE:
                return MALE
        except Exception:  # the detector knows no such name: fall back to the surname
            pass
    last = name.last.split("-")[-1].lower()
    return FEMALE if last.endswith(_FEMALE_SURNAME_ENDINGS) else MALE


def _decline_part(part: NamePart, gender: str, case: str, word: str) -> str:
    if not word:
        return word
    g = Gender.FEMALE if gender == FEMALE else Gender.MALE
    return _maker().make(part, g, _PETROVICH_CASE[case], word)


def decline_name(text: str, case: str, gender: str | None = None) -> str:
    """Decline a person's full name or «surname + initials» into `case` (gent, datv, accs, ablt)."""
    if case == NOMINATIVE or not text.strip():
        return " ".join(text.split())
    if case not in _PETROVICH_CASE:
        raise ValueError(f"Неизвестный падеж: {case}")
    name = parse_name(text)
    gender = gender or guess_gender(name)
    last = _decline_part(NamePart.LASTNAME, gender, case, name.last)
    if name.initials:
        return name.render(last=last)
    first = _decline_part(NamePart.FIRSTNAME, gender, case, name.first)
    middle = _decline_part(NamePart.MIDDLENAME, gender, case, name.middle)
    return name.render(last=last, first=first, middle=middle)


def _match_case(template: str, word: str) -> str:
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _inflect_word(word: str, case: str, *, want_noun: bool) -> tuple[str, str]:
    """Inflect one word; return (new word, 'noun' | 'adj' | 'other')."""
    if "-" in word and not word.startswith("-"):
        pieces = word.split("-")
        results = [_inflect_word(piece, case, want_noun=want_noun) for piece in pieces]
        kind = "noun" if any(k == "noun" for _, k in results) else results[0][1]
        return "-".join(w for w, _ in results), kind
    core = word.strip(",.;:")
    trail = word[len(core) :]
    if not core or not re.fullmatch(r"[А-Яа-яЁё]+", core):
        return word, "other"
    for parse in _morph().parse(core.lower()):
        tag = parse.tag
        if "nomn" not in tag or "plur" in tag and "Pltm" not in tag:
            continue
        if tag.POS in ("ADJF", "PRTF"):
            inflected = parse.inflect({case})
            if inflected:
                return _match_case(core, inflected.word) + trail, "adj"
        if tag.POS == "NOUN":
            inflected = parse.inflect({case})
            if inflected:
                return _match_case(core, inflected.word) + trail, "noun"
    return word, "other"


def decline_position(text: str, case: str) -> str:
    """«начальник управления образования» → «начальнику управления образования» (datv);
    «Первый заместитель директора» → «Первым заместителем директора» (ablt); «И.о. директора»
    does not change."""
    text = " ".join(text.replace("\u00a0", " ").split())
    if case == NOMINATIVE or not text:
        return text
    lowered = text.lower()
    if lowered.startswith(_FROZEN_PREFIXES):
        return text
    words = text.split(" ")
    out: list[str] = []
    for index, word in enumerate(words):
        new, kind = _inflect_word(word, case, want_noun=True)
        if kind == "other":
            # a word we cannot place (a number, an abbreviation): the head noun is not found yet,
            # so keep the rest as written rather than guess
            out.extend(words[index:])
            break
        out.append(new)
        if kind == "noun":
            out.extend(words[index + 1 :])
            break
    return " ".join(out)


def person_phrase(position: str, name: str, case: str, gender: str | None = None) -> str:
    """«заместителю начальника Разуваевой Т.В.» — the position then the name, both declined."""
    parts = [decline_position(position, case) if position else "", decline_name(name, case, gender) if name else ""]
    return " ".join(p for p in parts if p)


def lower_first(text: str) -> str:
    """Positions start lowercase inside a sentence unless they begin with an abbreviation («МБОУ»)."""
    if not text:
        return text
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return text
    if first.lower().startswith(("и.о.", "врио")):
        return "и.о." + text[4:] if first.lower().startswith("и.о.") else text[:1].lower() + text[1:]
    return text[:1].lower() + text[1:]
