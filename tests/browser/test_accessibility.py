"""Status you can read (issue 20): axe-core, from npm, audits the main pages of every demo role
against WCAG 2 A and AA; a serious or critical violation fails the test with its rule, the
elements and the page. axe is injected by the test only — no page of the product serves it.

The audited pages are the ones each person's menu offers, plus the first card each list leads
to (a roadmap, an organisation, a school's monitoring card, a zoning method, an assignment)."""

import re
from pathlib import Path

import pytest

from tests.browser.conftest import login

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ROLES = ["admin", "official", "methodist", "director", "viewer", "region_methodist", "region_official"]
BLOCKING = {"serious", "critical"}

# From a list page, the first link to one of its items: (list path, item path pattern).
CARDS = [
    ("/roadmaps/", r"^/roadmaps/\d+/$"),
    ("/organizations/", r"^/organizations/\d+/$"),
    ("/monitoring/", r"^/monitoring/card/\d+/$"),
    ("/monitoring/methods/", r"^/monitoring/methods/\d+/$"),
    ("/execution/", r"^/execution/occurrence/\d+/$"),
    ("/execution/review/", r"^/execution/occurrence/\d+/$"),
    ("/monitoring/recommendations/", r"^/monitoring/recommendations/\d+/$"),
]

RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' ')),
  }));
}"""


def settle(page) -> None:
    """The page and what htmx loads into it (the bell, lazy blocks) are in place."""
    page.wait_for_load_state("load")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def axe_violations(page) -> list[dict]:
    """Serious and critical WCAG 2 A/AA violations on the page as it stands."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text())
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in BLOCKING]


def menu_paths(page) -> list[str]:
    return page.evaluate(
        "[...document.querySelectorAll('#main-nav a.nav-link[href], #main-nav a.dropdown-item[href]')]"
        ".filter(a => a.origin === location.origin && a.getAttribute('href') !== '#')"
        ".map(a => a.pathname).filter(p => !p.startsWith('/admin/'))"
    )


def first_link(page, pattern: str) -> str | None:
    paths = page.evaluate(
        "[...document.querySelectorAll('main a[href]')].filter(a => a.origin === location.origin).map(a => a.pathname)"
    )
    return next((path for path in paths if re.match(pattern, path)), None)


def pages_of(page) -> list[str]:
    """The menu's pages and the first card behind each list this person can open."""
    paths = dict.fromkeys(["/", *menu_paths(page), "/monitoring/recommendations/"])
    for list_path, pattern in CARDS:
        response = page.goto(list_path)
        if response.status != 200:
            continue
        if card := first_link(page, pattern):
            paths[card] = None
    return list(paths)


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        pytest.fail(f"нет {AXE}: выполните `npm ci` (make assets), axe-core ставится из npm")
    return AXE


def audit_role(browser, base_url: str, role: str) -> list[str]:
    # bypass_csp: the product's CSP rightly forbids inline scripts; only the test injects axe.
    context = browser.new_context(
        locale="ru-RU", base_url=base_url, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        login(page, role)
        paths = pages_of(page)
        assert len(paths) >= 5, f"{role}: слишком мало страниц для проверки: {paths}"
        found = []
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, f"{role}: {path} → {response.status}"
            settle(page)
            for violation in axe_violations(page):
                targets = "; ".join(violation["targets"][:12])
                found.append(
                    f"{role} {path}: {violation['id']} ({violation['impact']}: {violation['help']}) — {targets}"
                )
        return found
    finally:
        context.close()


def test_main_pages_of_every_role_have_no_serious_accessibility_violations(browser, live_server, demo, axe_source):
    # One test for all roles: the demo loads once (it takes most of the time), a context per role.
    found = [line for role in ROLES for line in audit_role(browser, live_server.url, role)]
    assert not found, f"нарушения доступности ({len(found)}):\n" + "\n".join(found)
