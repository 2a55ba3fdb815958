"""Demo execution: an approved roadmap of the demo municipality made partly executed, idempotently."""

import io

from django.contrib.auth import get_user_model
from pypdf import PdfReader

from roadmaps.execution.demo import load_demo_execution, tiny_pdf
from roadmaps.execution.state import with_state
from roadmaps.models import Assignment, Evidence, ReviewDecision, Roadmap
from schools.demo import load_demo_schools
from schools.models import Organization
from tests.roadmaps.execution_factories import make_assignment, make_measure, make_roadmap, make_section


def test_nothing_without_an_approved_roadmap(db):
    load_demo_schools()
    make_roadmap(Organization.objects.get(code="uo6401"), status=Roadmap.Status.DRAFT)
    result = load_demo_execution()
    assert set(result.values()) == {0}
    assert not Evidence.objects.exists()


def test_tiny_pdf_is_a_valid_pdf():
    reader = PdfReader(io.BytesIO(tiny_pdf(["Протокол № 5", "MOU SOSh"])))
    assert len(reader.pages) == 1
    assert "Protokol" in reader.pages[0].extract_text()


def test_demo_roadmap_becomes_partly_executed_once(db):
    load_demo_schools()
    authority = Organization.objects.get(code="uo6401")
    roadmap = make_roadmap(authority)
    section = make_section(roadmap)
    schools = list(Organization.objects.filter(code__startswith="sch6401").order_by("code")[:6])
    for i in range(5):
        measure = make_measure(section, number=str(i + 1), order=i)
        for j, school in enumerate(schools):
            make_assignment(measure, school, due=-60 + i * 25 + j)
    first = load_demo_execution()
    assert first["accepted"] > 0 and first["submitted"] > 0 and first["returned"] > 0
    assert first["evidence"] == Evidence.objects.count() > 0
    states = set(with_state(Assignment.objects.all()).values_list("state", flat=True))
    assert {"accepted", "submitted", "returned", "overdue", "planned"} <= states
    evidence = Evidence.objects.first()
    with evidence.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    returned = Assignment.objects.filter(status="returned").first()
    assert ReviewDecision.objects.filter(assignment=returned, decision="returned").exclude(comment="").exists()
    director = get_user_model().objects.get(username="director")
    assert Evidence.objects.filter(uploaded_by=director).exists()

    snapshot = (
        Evidence.objects.count(),
        ReviewDecision.objects.count(),
        list(Assignment.objects.values_list("status")),
    )
    second = load_demo_execution()
    assert set(second.values()) == {0}
    after = (Evidence.objects.count(), ReviewDecision.objects.count(), list(Assignment.objects.values_list("status")))
    assert after == snapshot
