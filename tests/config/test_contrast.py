"""Status you can see: every coloured badge, tile and heat-map cell carries its text at WCAG AA
contrast (4.5:1), computed from the stylesheet every page loads and from the heat map's palette."""

import re
from pathlib import Path

import pytest

from monitoring.analysis.svg import FILL, TEXT

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "app.css"
DARK = "#212529"  # Bootstrap's body text: the colour of a badge or tile that sets none


def luminance(hex_colour: str) -> float:
    digits = hex_colour.lstrip("#")
    digits = "".join(d * 2 for d in digits) if len(digits) == 3 else digits
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def css_rules() -> dict[str, str]:
    text = CSS.read_text()
    variables = dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", text))
    rules = {}
    for selector, body in re.findall(r"([.\w-]+)\s*\{([^}]*)\}", text):
        rules[selector] = re.sub(r"var\((--[\w-]+)\)", lambda m: variables[m.group(1)], body)
    return rules


def colour_of(body: str, prop: str) -> str | None:
    match = re.search(rf"(?<![-\w]){prop}:\s*(#(?:[0-9a-fA-F]{{6}}|[0-9a-fA-F]{{3}})\b)", body)
    return match.group(1) if match else None


COLOURED = [".zone-red", ".zone-yellow", ".zone-green", ".zone-none", ".sa-full", ".sa-partial", ".sa-none", *(
    f".roadmap-status-{state}" for state in ("draft", "on_approval", "approved", "archived")
)]  # fmt: skip


@pytest.mark.parametrize("selector", COLOURED)
def test_badges_and_tiles_meet_aa_contrast(selector):
    rules = css_rules()
    background = colour_of(rules[selector], "background")
    base = rules.get(".roadmap-status", "") if selector.startswith(".roadmap-status") else ""
    text = colour_of(rules[selector], "color") or colour_of(base, "color") or DARK
    assert background, f"{selector} has no background of its own"
    assert contrast(background, text) >= 4.5, f"{selector}: {background} / {text} = {contrast(background, text):.2f}"


@pytest.mark.parametrize("zone", ["red", "yellow", "green", "no_data", None])
def test_heat_map_cells_meet_aa_contrast(zone):
    assert contrast(FILL[zone], TEXT.get(zone, DARK)) >= 4.5


def test_the_old_pale_green_fails_so_the_check_can_fail():
    assert contrast("#5cb85c", "#ffffff") < 4.5
