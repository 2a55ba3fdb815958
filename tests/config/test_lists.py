"""One pager and one filter form for every list page (issue 19, part 10): the pager's links keep
the filters and the page's other pager, the filter form swaps its list by htmx, and no template
carries a copy of either."""

from pathlib import Path

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _pager(query: str, **context) -> str:
    request = RequestFactory().get("/monitoring/objectivity/" + query)
    return render_to_string("partials/pager.html", {**context}, request=request)


def test_links_keep_the_filters_and_the_other_pager():
    page = Paginator(range(250), 100).get_page(2)
    html = _pager("?municipality=3&year=2024&kdr_page=2&page=2", page=page)
    assert 'href="?municipality=3&amp;year=2024&amp;kdr_page=2&amp;page=1">Назад' in html
    assert 'href="?municipality=3&amp;year=2024&amp;kdr_page=2&amp;page=3">Вперёд' in html
    assert "стр. 2 из 3<" in html


def test_the_second_pager_of_a_page_changes_only_its_own_parameter():
    page = Paginator(range(250), 100).get_page(1)
    html = _pager("?year=2024&page=3", page=page, param="kdr_page", count=True)
    assert 'href="?year=2024&amp;page=3&amp;kdr_page=2">Вперёд' in html
    assert "Назад" not in html
    assert "(строк: 250)" in html


def test_a_single_page_has_no_pager():
    assert _pager("", page=Paginator(range(5), 100).get_page(1)).strip() == ""


def test_no_template_copies_the_pager():
    copies = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if "pagination" in path.read_text(encoding="utf-8") and path.name != "pager.html"
    ]
    assert copies == []
    assert [p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("pager.html")] == ["partials/pager.html"]


LISTS = {
    "roadmaps:list": ("#roadmap-rows", ["q", "status", "year", "direction"]),
    "schools:organization_list": ("#organization-table", ["q", "municipality", "kind", "is_rural"]),
    "execution:my": ("#my-table", ["state", "month", "direction"]),
    "execution:review": ("#review-table", ["month", "direction", "roadmap", "organization"]),
}


@pytest.mark.parametrize("name", LISTS)
def test_every_list_page_filters_through_the_one_form(name, methodist, client_for):
    target, fields = LISTS[name]
    html = client_for(methodist).get(reverse(name) + "?page=1").content.decode()
    assert f'hx-get="{reverse(name)}" hx-target="{target}"' in html
    for field in fields:
        assert f'for="id_{field}"' in html, field
        assert f'name="{field}"' in html, field
    assert ('from:#id_q, change"' in html) == ("q" in fields)  # the search box filters while typing


def test_a_filter_keeps_its_value_and_says_it_in_russian(methodist, client_for, school_b):
    html = client_for(methodist).get(reverse("schools:organization_list") + "?is_rural=true&q=Дюр").content.decode()
    assert '<option value="true" selected>да</option>' in html
    assert 'value="Дюр"' in html and 'type="search"' in html
    assert "Unknown" not in html and "Неизвестно" not in html


def test_no_template_copies_the_filter_form():
    """The overview's tile filters (municipality, method, zone, sort) are not a form of fields and
    stay its own."""
    copies = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if 'method="get" hx-get=' in path.read_text(encoding="utf-8")
    ]
    assert sorted(copies) == ["monitoring/analysis/overview.html", "partials/filter_form.html"]
