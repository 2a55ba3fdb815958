"""Who may download, import and prepare orders: only people who may read a roadmap get its
PDF/XLSX (404 otherwise), only the municipality's methodists and officials write."""

from datetime import date

import pytest
from django.urls import reverse

from config.jobs.models import Job
from reports.models import ReportFile
from reports.testing import build_roadmap
from roadmaps.models import Order, Roadmap
from roadmaps.services import order_save
from roadmaps.xlsx import roadmap_xlsx_bytes
from schools.models import Membership, Organization
from tests.conftest import make_user

DOWNLOADS = ["reports:roadmap", "reports:roadmap_pdf", "reports:roadmap_xlsx"]
DOCUMENTS = {"reports:roadmap_pdf", "reports:roadmap_xlsx"}  # asked for with POST: a job renders them


def request(client, name, pk):
    """The print page is read with GET; a document is asked for with POST and answered with a
    redirect to its job or its kept file."""
    if name in DOCUMENTS:
        return client.post(reverse(name, args=[pk]))
    return client.get(reverse(name, args=[pk]))


@pytest.fixture
def outsider(other_municipality):
    authority = Organization.objects.create(
        municipality=other_municipality,
        code="uo2",
        kind=Organization.Kind.AUTHORITY,
        short_name="УО Ершов",
        full_name="УО Ершов",
    )
    return make_user("outsider", authority, Membership.Role.METHODIST)


@pytest.fixture
def people(methodist, official, director_a, director_b, viewer, outsider):
    return {
        "methodist": methodist,
        "official": official,
        "director_a": director_a,
        "director_b": director_b,
        "viewer": viewer,
        "outsider": outsider,
    }


@pytest.mark.parametrize("name", DOWNLOADS)
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("methodist", 200),
        ("official", 200),
        ("director_a", 200),
        ("director_b", 200),
        ("viewer", 200),
        ("outsider", 404),
    ],
)
def test_approved_roadmap_downloads(client_for, people, roadmap, name, who, expected):
    response = request(client_for(people[who]), name, roadmap.pk)
    if name in DOCUMENTS and expected == 200:
        job = Job.objects.get(created_by=people[who])
        assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("name", DOWNLOADS)
def test_anonymous_is_sent_to_login(client_for, roadmap, name):
    response = request(client_for(None), name, roadmap.pk)
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize(("who", "expected"), [("methodist", 302), ("director_a", 404), ("director_b", 404)])
def test_directors_do_not_see_drafts(client_for, people, authority, who, expected):
    draft = build_roadmap(authority, status=Roadmap.Status.DRAFT)
    assert client_for(people[who]).post(reverse("reports:roadmap_pdf", args=[draft.pk])).status_code == expected


def _upload(client, roadmap, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile("plan.xlsx", data, content_type="application/octet-stream")
    return client.post(reverse("reports:roadmap_import", args=[roadmap.pk]), {"file": file})


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("methodist", 200),
        ("official", 200),
        ("director_a", 404),
        ("director_b", 404),
        ("viewer", 403),
        ("outsider", 404),
    ],
)
def test_import_into_draft_only_for_the_municipality_staff(client_for, people, authority, who, expected):
    """Directors do not even see drafts (404); the viewer sees but may not write (403)."""
    draft = build_roadmap(authority, status=Roadmap.Status.DRAFT)
    response = _upload(client_for(people[who]), draft, roadmap_xlsx_bytes(draft))
    assert response.status_code == expected


@pytest.mark.parametrize(("who", "expected"), [("methodist", 200), ("director_a", 403), ("viewer", 403)])
def test_import_from_an_approved_roadmap_only_for_staff(client_for, people, roadmap, who, expected):
    response = _upload(client_for(people[who]), roadmap, roadmap_xlsx_bytes(roadmap))
    assert response.status_code == expected


def test_preview_then_confirm_replaces_the_draft_and_keeps_the_source(client_for, methodist, authority):
    draft = build_roadmap(authority, status=Roadmap.Status.DRAFT, sections=1, measures=2)
    bigger = build_roadmap(authority, status=Roadmap.Status.DRAFT, sections=3, measures=2)
    client = client_for(methodist)
    preview = _upload(client, draft, roadmap_xlsx_bytes(bigger))
    page = preview.content.decode()
    assert "Содержимое черновика" in page and 'Мероприятий</dt><dd class="col-sm-9">6' in page
    assert draft.sections.count() == 1
    token = preview.context["token"]
    response = client.post(reverse("reports:roadmap_import_confirm"), {"token": token})
    assert response.status_code == 302 and draft.sections.count() == 3
    source = ReportFile.objects.get(roadmap=draft, kind=ReportFile.Kind.ROADMAP_IMPORT)
    assert source.params["measures"] == 6
    # the same token cannot be used twice
    again = client.post(reverse("reports:roadmap_import_confirm"), {"token": token})
    assert again.status_code == 302 and ReportFile.objects.filter(kind=ReportFile.Kind.ROADMAP_IMPORT).count() == 1


def test_another_person_cannot_confirm_a_staged_import(client_for, methodist, official, director_a, authority):
    draft = build_roadmap(authority, status=Roadmap.Status.DRAFT)
    token = _upload(client_for(methodist), draft, roadmap_xlsx_bytes(draft)).context["token"]
    response = client_for(director_a).post(reverse("reports:roadmap_import_confirm"), {"token": token})
    assert response.status_code == 403 and not ReportFile.objects.exists()  # directors never import
    response = client_for(official).post(reverse("reports:roadmap_import_confirm"), {"token": token})
    assert response.status_code == 302 and not ReportFile.objects.exists()  # not in their session


def test_bad_workbook_shows_every_problem_and_changes_nothing(client_for, methodist, authority):
    draft = build_roadmap(authority, status=Roadmap.Status.DRAFT)
    response = _upload(client_for(methodist), draft, b"garbage")
    assert response.status_code == 400
    assert "не является книгой Excel" in response.content.decode()
    assert draft.sections.count() == 2


def test_import_from_approved_roadmap_creates_a_new_draft(client_for, methodist, roadmap):
    client = client_for(methodist)
    preview = _upload(client, roadmap, roadmap_xlsx_bytes(roadmap))
    assert preview.status_code == 200 and "Будет создан новый черновик" in preview.content.decode()
    assert Roadmap.objects.count() == 1  # the preview writes nothing
    response = client.post(reverse("reports:roadmap_import_confirm"), {"token": preview.context["token"]})
    assert response.status_code == 302
    new = Roadmap.objects.exclude(pk=roadmap.pk).get()
    assert new.status == Roadmap.Status.DRAFT and new.owner == roadmap.owner


def make_order(by, authority, roadmap, status=Order.Status.DRAFT):
    order = order_save(
        by=by, organization=authority, number="5", date=date(2022, 8, 27), title="Об утверждении", roadmaps=[roadmap]
    )
    Order.objects.filter(pk=order.pk).update(status=status)
    return order


@pytest.mark.parametrize(
    ("who", "expected"),
    [("methodist", 302), ("official", 302), ("director_a", 404), ("viewer", 302), ("outsider", 404)],
)
def test_draft_order_pdf(client_for, people, methodist, authority, roadmap, who, expected):
    order = make_order(methodist, authority, roadmap)
    assert client_for(people[who]).post(reverse("reports:order_pdf", args=[order.pk])).status_code == expected


def test_directors_read_signed_orders(client_for, director_a, methodist, authority, roadmap):
    order = make_order(methodist, authority, roadmap, status=Order.Status.SIGNED)
    assert client_for(director_a).get(reverse("reports:order", args=[order.pk])).status_code == 200


@pytest.mark.parametrize(
    ("who", "expected"),
    [("methodist", 200), ("official", 200), ("director_a", 403), ("director_b", 403), ("viewer", 403)],
)
def test_only_authority_staff_create_orders(client_for, people, who, expected):
    assert client_for(people[who]).get(reverse("reports:order_create")).status_code == expected


def test_methodist_creates_an_order_through_the_form(client_for, methodist, authority):
    roadmap = build_roadmap(authority, status=Roadmap.Status.ON_APPROVAL)
    response = client_for(methodist).post(
        reverse("reports:order_create"),
        {
            "organization": authority.pk,
            "number": "158",
            "date": "2022-08-27",
            "title": "Об утверждении планов мероприятий",
            "roadmaps": [roadmap.pk],
            "responsible": "заместитель начальника; Разуваева Т.В.; провести мониторинг",
            "control_position": "начальник управления образования",
            "control_name": "Мухин В.Г.",
            "signatory_position": "Начальник управления",
            "signatory_name": "В.Г. Мухин",
        },
    )
    assert response.status_code == 302
    order = Order.objects.get()
    assert list(order.approved.values_list("roadmap_id", "appendix_number")) == [(roadmap.pk, 1)]
    page = client_for(methodist).get(reverse("reports:order", args=[order.pk])).content.decode()
    assert "Заместителю начальника Разуваевой Т.В. провести мониторинг." in page
    assert "начальником управления образования Мухиным В.Г." in page


def test_order_form_names_the_bad_line(client_for, methodist, authority):
    response = client_for(methodist).post(
        reverse("reports:order_create"),
        {"organization": authority.pk, "date": "2022-08-27", "title": "Т", "responsible": "только должность"},
    )
    assert response.status_code == 400
    assert "Ответственные, строка 1 «только должность»" in response.content.decode()


def test_methodist_cannot_approve_other_municipality_roadmap_in_an_order(client_for, methodist, authority, outsider):
    foreign = build_roadmap(Organization.objects.get(code="uo2"))
    response = client_for(methodist).post(
        reverse("reports:order_create"),
        {"organization": authority.pk, "date": "2022-08-27", "title": "Т", "roadmaps": [foreign.pk]},
    )
    assert response.status_code == 400 and not Order.objects.filter(title="Т").exists()


def test_background_render_keeps_the_file_for_those_who_may_read_it(
    client_for, methodist, outsider, roadmap, django_capture_on_commit_callbacks
):
    client = client_for(methodist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:roadmap_pdf", args=[roadmap.pk]))
    job = Job.objects.get()
    assert response.status_code == 302 and job.status == Job.Status.SUCCEEDED
    report = ReportFile.objects.get()
    assert (
        report.roadmap == roadmap and report.pages >= 1 and job.result_url == reverse("reports:file", args=[report.pk])
    )
    download = client.get(job.result_url)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert client_for(outsider).get(job.result_url).status_code == 404


def test_lists_use_a_fixed_number_of_queries(client_for, methodist, authority, django_assert_max_num_queries):
    for code in ("1.1", "1.2", "1.3"):
        roadmap = build_roadmap(authority, code=code, sections=1, measures=1)
        make_order(methodist, authority, roadmap)
    client = client_for(methodist)
    client.get(reverse("reports:index"))
    # 7 = session, user, memberships, the list itself, and the session save (savepoint, update, release)
    with django_assert_max_num_queries(7):
        assert client.get(reverse("reports:orders")).status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(reverse("reports:index")).status_code == 200


@pytest.mark.parametrize(
    ("who", "expected"),
    [("methodist", 200), ("official", 200), ("viewer", 403), ("director_a", 404), ("outsider", 404)],
)
def test_only_the_municipality_staff_edit_an_order(client_for, people, methodist, authority, roadmap, who, expected):
    order = make_order(methodist, authority, roadmap)
    assert client_for(people[who]).get(reverse("reports:order_edit", args=[order.pk])).status_code == expected


def test_official_edits_then_signs_and_the_order_freezes(client_for, official, methodist, authority):
    roadmap = build_roadmap(authority, status=Roadmap.Status.ON_APPROVAL)
    order = make_order(methodist, authority, roadmap)
    client = client_for(official)
    response = client.post(
        reverse("reports:order_edit", args=[order.pk]),
        {
            "organization": authority.pk,
            "number": "160",
            "date": "2022-08-28",
            "title": "Новый заголовок",
            "roadmaps": [roadmap.pk],
        },
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.number, order.title) == ("160", "Новый заголовок")
    client.post(reverse("reports:order_sign", args=[order.pk]))
    order.refresh_from_db()
    roadmap.refresh_from_db()
    assert order.status == Order.Status.SIGNED
    assert (roadmap.status, roadmap.approval_order) == (Roadmap.Status.APPROVED, order)
    response = client.get(reverse("reports:order_edit", args=[order.pk]))
    assert response.status_code == 302  # back to the order with «Подписанный приказ не изменяется»


def test_director_cannot_sign(client_for, director_a, methodist, authority, roadmap):
    order = make_order(methodist, authority, roadmap, status=Order.Status.SIGNED)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.DRAFT)
    assert client_for(director_a).post(reverse("reports:order_sign", args=[order.pk])).status_code == 404


def test_a_new_upload_drops_the_unconfirmed_one(client_for, methodist, authority):
    from django.core.files.storage import default_storage

    draft = build_roadmap(authority, status=Roadmap.Status.DRAFT)
    client = client_for(methodist)
    first = _upload(client, draft, roadmap_xlsx_bytes(draft)).context["token"]
    assert default_storage.exists(f"reports/imports/{first}.xlsx")
    second = _upload(client, draft, roadmap_xlsx_bytes(draft)).context["token"]
    assert not default_storage.exists(f"reports/imports/{first}.xlsx")
    assert client.post(reverse("reports:roadmap_import_confirm"), {"token": first}).status_code == 302
    assert not ReportFile.objects.exists()
    client.post(reverse("reports:roadmap_import_confirm"), {"token": second})
    assert ReportFile.objects.filter(kind=ReportFile.Kind.ROADMAP_IMPORT).count() == 1
