"""The demo's clusters and good practices (loaded by monitoring.demo after the zones): the demo
municipality's schools clustered by contingent terciles × rural location, and a good practice
recorded by a green school on each rule that has a red one, so that the deficit–resource map shows
pairs. Idempotent."""

from django.contrib.auth import get_user_model
from django.db import transaction

from monitoring.clusters.services import clustering_compute
from monitoring.models import Clustering, Colour, Zone, ZoningMethod
from roadmaps.models import Assignment, Evidence, EvidenceKind, Roadmap
from schools.demo import CONTEXT_YEAR, MUNICIPALITY
from schools.models import Municipality, SchoolContext

PRACTICE_TITLES = [
    "Лучшая практика: система подготовки к ВПР по математике через групповые консультации",
    "Лучшая практика: внутришкольная система оценки качества и работа с результатами",
    "Лучшая практика: наставничество молодых педагогов и взаимопосещение уроков",
]
#: at most this many schools record a practice in the demo
PRACTICES = 3


@transaction.atomic
def load_demo_clusters() -> dict[str, int]:
    created = {"кластеризаций": 0, "лучших практик": 0}
    municipality = Municipality.objects.filter(name=MUNICIPALITY).first()
    methodist = get_user_model().objects.filter(username="methodist").first()
    if municipality is None or methodist is None:
        return created
    context = SchoolContext.objects.filter(organization__municipality=municipality, year=CONTEXT_YEAR)
    if context.exists() and not Clustering.objects.filter(municipality=municipality, year=CONTEXT_YEAR).exists():
        clustering_compute(
            municipality=municipality, year=CONTEXT_YEAR, variables=["pupils", "rural"], bands=3, by=methodist
        )
        created["кластеризаций"] = 1
    created["лучших практик"] = _good_practices(municipality, methodist)
    return created


def _good_practices(municipality, methodist) -> int:
    """On each rule with a red school, the green school with the best value records a practice on
    one of its occurrences of an approved roadmap (the map's resource), up to PRACTICES schools."""
    kind = EvidenceKind.objects.filter(code="best_practice").first()
    method = (
        ZoningMethod.objects.filter(municipality=municipality, computed_at__isnull=False)
        .order_by("-status", "-year")
        .first()
    )
    if kind is None or method is None:
        return 0
    done = set(
        Evidence.objects.filter(kind=kind, assignment__organization__municipality=municipality).values_list(
            "assignment__organization_id", flat=True
        )
    )
    if len(done) >= PRACTICES:
        return 0
    zones = list(Zone.objects.filter(method=method).select_related("organization"))
    chosen = []
    for rule in method.rules.order_by("order", "pk"):
        items = [(zone, next((i for i in zone.explanation if i.get("rule") == rule.pk), None)) for zone in zones]
        if not any(item and item.get("colour") == Colour.RED for _, item in items):
            continue
        greens = sorted(
            ((zone, item) for zone, item in items if item and item.get("colour") == Colour.GREEN),
            key=lambda pair: -(pair[1].get("value") or 0),
        )
        for zone, _item in greens:
            if zone.organization_id not in done and zone.organization_id not in chosen:
                chosen.append(zone.organization_id)
                break
    created = 0
    for organization_id in chosen[: PRACTICES - len(done)]:
        assignment = (
            Assignment.objects.filter(
                organization_id=organization_id, measure__section__roadmap__status=Roadmap.Status.APPROVED
            )
            .exclude(status=Assignment.Status.RETURNED)
            .order_by("due_date", "pk")
            .first()
        )
        if assignment is None:
            continue
        Evidence.objects.create(
            assignment=assignment,
            kind=kind,
            title=PRACTICE_TITLES[created % len(PRACTICE_TITLES)],
            link=f"https://{assignment.organization.code}.novouzensk.example/luchshaya-praktika",
            uploaded_by=methodist,
        )
        created += 1
    return created
