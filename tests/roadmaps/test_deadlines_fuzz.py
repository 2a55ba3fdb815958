"""Property tests of the deadline parser: whatever the text, a valid structure and never an error."""

import json
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from roadmaps.deadlines import UNDATED_KINDS, DeadlineKind, ParsedDeadline, parse_deadline

CORPUS_PATH = Path(__file__).resolve().parents[2].parent / "shared" / "domain" / "deadlines.txt"
CORPUS = CORPUS_PATH.read_text(encoding="utf-8").splitlines()

PERIODS = [
    (date(2022, 8, 1), date(2023, 7, 31)),
    (date(2021, 9, 1), date(2022, 12, 31)),
    (date(2020, 1, 1), date(2022, 12, 31)),
]
DASHES = ["-", "–", "—", " - ", " – "]
DEADLINE_ALPHABET = "абвгдежзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗИКЛМНОПРСТУФЯё0123456789 .,;:()-–—№" + "IVXCaceopг\u00a0\t"

periods = st.sampled_from(PERIODS) | st.builds(
    lambda start, days: (start, start + timedelta(days=days)),
    st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31)),
    st.integers(min_value=0, max_value=3000),
)
texts = st.text(max_size=600) | st.text(alphabet=DEADLINE_ALPHABET, max_size=120)


@st.composite
def mutated_corpus_lines(draw):
    text = draw(st.sampled_from(CORPUS))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        operation = draw(st.sampled_from(["insert", "delete", "case", "dash", "space"]))
        position = draw(st.integers(min_value=0, max_value=len(text)))
        if operation == "insert":
            text = text[:position] + draw(st.characters() | st.sampled_from(DEADLINE_ALPHABET)) + text[position:]
        elif operation == "delete" and text:
            position = min(position, len(text) - 1)
            text = text[:position] + text[position + 1 :]
        elif operation == "case":
            text = draw(st.sampled_from([text.upper(), text.lower(), text.swapcase(), text.title()]))
        elif operation == "dash":
            text = text.replace("-", draw(st.sampled_from(DASHES)))
        else:
            text = text[:position] + " " + text[position:]
    return text


def assert_valid(parsed: ParsedDeadline, text: str) -> None:
    assert isinstance(parsed, ParsedDeadline)
    assert parsed.text == text
    assert parsed.kind in set(DeadlineKind)
    assert isinstance(parsed.remark, str)
    if parsed.kind in UNDATED_KINDS:
        assert parsed.occurrences == ()
    else:
        assert parsed.occurrences
    for occurrence in parsed.occurrences:
        assert occurrence.start <= occurrence.end
        assert occurrence.due >= occurrence.start
    starts = [(o.start, o.end, o.due) for o in parsed.occurrences]
    assert starts == sorted(starts)
    assert ParsedDeadline.from_json(json.loads(json.dumps(parsed.to_json()))) == parsed
    assert isinstance(parsed.summary(), str)


@settings(max_examples=300, deadline=None)
@given(text=texts, period=periods)
def test_any_text_gives_a_valid_structure(text, period):
    assert_valid(parse_deadline(text, period_start=period[0], period_end=period[1]), text)


@settings(max_examples=300, deadline=None)
@given(text=mutated_corpus_lines(), period=periods)
def test_mutated_corpus_lines_give_a_valid_structure(text, period):
    assert_valid(parse_deadline(text, period_start=period[0], period_end=period[1]), text)


@settings(max_examples=300, deadline=None)
@given(
    text=st.sampled_from(CORPUS),
    dash=st.sampled_from(["-", "–", "—", "‒", "−"]),
    case=st.sampled_from([str.upper, str.lower, str.title, str.swapcase]),
    spaces=st.sampled_from([" ", "  ", "\u00a0", " \t "]),
    period=st.sampled_from(PERIODS),
)
def test_dashes_case_and_spacing_do_not_change_the_result(text, dash, case, spaces, period):
    def parsed(value):
        result = parse_deadline(value, period_start=period[0], period_end=period[1])
        return result.kind, result.occurrences, result.recurrence, result.remark.casefold().replace(" ", "")

    variant = spaces + case(text.replace("-", dash)).replace(" ", spaces) + spaces
    assert parsed(variant) == parsed(text)
