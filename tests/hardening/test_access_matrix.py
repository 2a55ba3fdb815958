"""Access matrix (issue 8.1): every URL of the product, taken from the URL resolver so a new page
cannot be forgotten, opened by anonymous, each role, a director of another school and a methodist
of another municipality, with the expected status of each.

A new URL fails `test_every_url_has_a_matrix_entry` until it gets a row in MATRIX (and, if it takes
arguments, an entry in KWARGS). Rows that contradict the access rules are kept as the rule says and
run as strict xfails (`-BUG` ids): known access bugs; once one is fixed it XPASSes and fails, so its
row moves into the matrix proper."""

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.hardening.access_world import build_world, make_outsider

PEOPLE = ["anonymous", "methodist", "official", "director_a", "director_b", "viewer", "admin", "outsider"]


def resolver_names(patterns=None, namespace=None) -> set[str]:
    """Every named URL of the product as "namespace:name", without the Django admin."""
    names = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = pattern.namespace or namespace
            if namespace and pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}"
            names |= resolver_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


@pytest.fixture
def world(municipality, other_municipality, authority, school_a, other_school, methodist, director_a, regional_org):
    return build_world(
        municipality=municipality,
        other_municipality=other_municipality,
        authority=authority,
        school_a=school_a,
        other_school=other_school,
        methodist=methodist,
        director_a=director_a,
        regional=regional_org,
    )


@pytest.fixture
def people(methodist, official, director_a, director_b, viewer, admin_user, other_municipality):
    return {
        "anonymous": None,
        "methodist": methodist,
        "official": official,
        "director_a": director_a,
        "director_b": director_b,
        "viewer": viewer,
        "admin": admin_user,
        "outsider": make_outsider(other_municipality),
    }


def status_of(client, method, url):
    """The status a person gets. A POST is sent empty and undone afterwards (a savepoint rolled
    back), so that what one allowed person's POST changed does not decide the next person's answer."""
    if method == "get":
        response = client.get(url)
    else:
        with transaction.atomic():
            response = client.post(url, {})
            transaction.set_rollback(True)
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return "login"
    return response.status_code


KWARGS = {
    "password_reset_confirm": lambda w: {"uidb64": "MQ", "token": "set-password"},
    "schools:organization_detail": lambda w: {"pk": w["school"].pk},
    "roadmaps:detail": lambda w: {"pk": w["approved"].pk},
    "jobs:detail": lambda w: {"pk": w["job"].pk},
    "jobs:retry": lambda w: {"pk": w["job"].pk},
    "execution:action_toggle": lambda w: {"pk": w["assignment"].pk, "index": 0},
    "execution:notification_read": lambda w: {"pk": w["notification"].pk},
    "execution:dashboard_municipality": lambda w: {"pk": w["municipality"].pk},
    "execution:dashboard_roadmap": lambda w: {"pk": w["approved"].pk},
    "reports:file": lambda w: {"pk": w["report_file"].pk},
    "monitoring:organization": lambda w: {"pk": w["school"].pk},
    "monitoring:school_analysis": lambda w: {"pk": w["school"].pk},
    "monitoring:class_teachers": lambda w: {"pk": w["school"].pk},
    "monitoring:assessment_tasks": lambda w: {"pk": w["assessment"].pk},
    "monitoring:values_export": lambda w: {"fmt": "xlsx"},
    "region:export": lambda w: {"fmt": "xlsx"},
    "monitoring:zones_export": lambda w: {"pk": w["method"].pk, "fmt": "xlsx"},
    "monitoring:rule_delete": lambda w: {"pk": w["rule"].pk},
    "monitoring:campaign": lambda w: {"pk": w["campaign"].pk},
    "recommendations:detail": lambda w: {"pk": w["recommendation"].pk},
    "recommendations:sample": lambda w: {"pk": w["recommendation"].pk},
    "recommendations:report": lambda w: {"pk": w["answer"].pk},
    "recommendations:decide": lambda w: {"pk": w["answer"].pk},
    "recommendations:file": lambda w: {"pk": w["recommendation_file"].pk},
    "reports:recommendation_pdf": lambda w: {"pk": w["recommendation"].pk},
}
DRAFT_ROADMAP = ["update", "delete", "submit", "clear_flags", "section_add", "sections_reorder", "deadline_preview"]
APPROVED_ROADMAP = ["detail", "history", "versions", "amend", "copy"]
for _name in DRAFT_ROADMAP:
    KWARGS[f"roadmaps:{_name}"] = lambda w: {"pk": w["draft"].pk}
for _name in APPROVED_ROADMAP:
    KWARGS[f"roadmaps:{_name}"] = lambda w: {"pk": w["approved"].pk}
for _name in ["section_edit", "section_delete", "section_move", "section_generate", "measure_add", "measures_reorder"]:
    KWARGS[f"roadmaps:{_name}"] = lambda w: {"section_pk": w["draft_section"].pk}
for _name in ["measure_row", "measure_edit", "measure_delete", "measure_move", "measure_assign"]:
    KWARGS[f"roadmaps:{_name}"] = lambda w: {"measure_pk": w["draft_measure"].pk}
KWARGS["execution:accept"] = KWARGS["execution:return"] = lambda w: {"pk": w["submitted"].pk}
KWARGS["execution:reopen"] = lambda w: {"pk": w["accepted"].pk}
KWARGS["roadmaps:approve"] = KWARGS["roadmaps:return"] = lambda w: {"pk": w["on_approval"].pk}
KWARGS["reports:roadmap_import"] = KWARGS["reports:roadmap_import_word"] = lambda w: {"pk": w["draft"].pk}
for _name in ["assignment", "evidence_add", "submit", "achieved"]:
    KWARGS[f"execution:{_name}"] = lambda w: {"pk": w["assignment"].pk}
for _name in ["evidence_delete", "evidence_download"]:
    KWARGS[f"execution:{_name}"] = lambda w: {"pk": w["evidence"].pk}
for _name in ["roadmap", "roadmap_pdf", "roadmap_xlsx", "roadmap_docx", "roadmap_execution"]:
    KWARGS[f"reports:{_name}"] = lambda w: {"pk": w["approved"].pk}
for _name in ["order", "order_edit", "order_pdf", "order_docx", "order_sign"]:
    KWARGS[f"reports:{_name}"] = lambda w: {"pk": w["order"].pk}
KWARGS["public:municipality"] = lambda w: {"pk": w["municipality"].pk}
KWARGS["public:values"] = lambda w: {"pk": w["municipality"].pk, "fmt": "csv"}
KWARGS["public:file"] = KWARGS["reports:withdraw"] = lambda w: {"pk": w["publication"].pk}
KWARGS["reports:publish_file"] = lambda w: {"pk": w["report_file"].pk}
KWARGS["reports:publish_zoning"] = lambda w: {"pk": w["method"].pk}
KWARGS["cascade:dashboard"] = KWARGS["cascade:publish"] = lambda w: {"pk": w["regional"].pk}
KWARGS["cascade:measure"] = lambda w: {"pk": w["regional_measure"].pk}
for _name in ["zoning_pdf", "zoning_order", "effectiveness_pdf"]:
    KWARGS[f"reports:{_name}"] = lambda w: {"pk": w["method"].pk}
for _name in ["spravka", "spravka_conclusions", "spravka_regenerate", "spravka_approve", "spravka_pdf", "spravka_docx",
              "spravka_publish"]:  # fmt: skip
    KWARGS[f"reports:{_name}"] = lambda w: {"pk": w["spravka"].pk}
KWARGS["results:import_template"] = lambda w: {"format": "students"}
for _name in ["method", "method_approve", "method_compute"]:
    KWARGS[f"monitoring:{_name}"] = lambda w: {"pk": w["method"].pk}
for _name in ["method", "method_approve", "run"]:
    KWARGS[f"identification:{_name}"] = lambda w: {"pk": w["identification_method"].pk}
for _name in ["list", "list_print", "list_approve"]:
    KWARGS[f"identification:{_name}"] = lambda w: {"pk": w["identification_list"].pk}
KWARGS["identification:criterion_delete"] = lambda w: {"pk": w["identification_criterion"].pk}
for _name in ["import_detail", "import_confirm", "import_recheck", "import_columns", "import_file", "import_rejected"]:
    KWARGS[f"results:{_name}"] = lambda w: {"pk": w["import"].pk}


# --------------------------------------------------------------------------- expectations

LOGIN = "login"  # a redirect to the login page
STAFF = {"methodist", "official", "admin"}  # the municipality's authority and the administrator
LOGGED_IN = set(PEOPLE) - {"anonymous"}


def post(code):
    return ("post", code)


def expect(ok=200, **who):
    """A page read with GET: anonymous → login, everyone else `ok` unless named."""
    row = {person: ok for person in PEOPLE} | {"anonymous": LOGIN}
    return row | who


def public(ok=200, **who):
    return {person: ok for person in PEOPLE} | who


def action(allowed, ok=302, **refused):
    """A POST-only URL, sent an empty POST by everyone: the refused must be refused; the allowed get
    past the checks to the action's own answer `ok` (usually a redirect with the action's message
    about what is missing, 200 for a form shown again, 400 for a request that makes no sense)."""
    assert set(refused) | set(allowed) == LOGGED_IN, f"incomplete row: {sorted(LOGGED_IN - set(refused) - allowed)}"
    return {"anonymous": post(LOGIN)} | {p: post(ok) for p in allowed} | {p: post(code) for p, code in refused.items()}


DIRECTORS_404 = {"director_a": 404, "director_b": 404}
DIRECTORS_403 = {"director_a": 403, "director_b": 403}
# Pages of a draft roadmap: directors do not see drafts, the viewer may not change them.
DRAFT_FORM = expect(**DIRECTORS_404, viewer=403, outsider=404)
DRAFT_ACTION = action(STAFF, **DIRECTORS_404, viewer=403, outsider=404)
# Imports of results and the registry: the municipality's staff and the administrator only.
IMPORTS = expect(**DIRECTORS_403, viewer=403)
IMPORT_OBJECT = expect(**DIRECTORS_403, viewer=403, outsider=404)
# Work on an occurrence is the school's: only its director adds evidence, ticks actions, submits.
SCHOOL_REFUSED = {"methodist": 403, "official": 403, "director_b": 404, "viewer": 403, "admin": 403, "outsider": 404}
SCHOOL_WORK = action({"director_a"}, **SCHOOL_REFUSED)
# Accepting, returning and reopening an occurrence is the reviewer's (the authority's) decision.
REVIEW_REFUSED = {"director_a": 403, "director_b": 404, "viewer": 403, "outsider": 404}
REVIEW_ACTION = action(STAFF, **REVIEW_REFUSED)
# Returning and reopening need the reviewer's comment: an empty one is a bad request (400).
REVIEW_WITH_COMMENT = action(STAFF, ok=400, **REVIEW_REFUSED)

# name → expected status per person, and the rows that contradict the rules: {person: (rule, reason)}.
MATRIX: dict[str, tuple[dict, dict]] = {
    "home": (expect(), {}),
    "health": (public(), {}),
    "login": (public(302, anonymous=200), {}),
    "logout": (action(LOGGED_IN, ok=LOGIN), {}),
    "password_change": (expect(), {}),
    "password_change_done": (expect(), {}),
    "password_reset": (public(), {}),
    "password_reset_done": (public(), {}),
    "password_reset_confirm": (public(), {}),
    "password_reset_complete": (public(), {}),
    "schools:organization_list": (expect(), {}),
    "schools:organization_detail": (expect(director_b=404, outsider=404), {}),
    "registry:organizations": (IMPORTS, {}),
    "registry:export": (IMPORTS, {}),
    "registry:confirm": (action(STAFF | {"outsider"}, **DIRECTORS_403, viewer=403), {}),
    # Context data of schools: everyone who follows the analysis reads (a director only their own
    # school's rows); the municipality's staff load them and download the template.
    "context:page": (expect(), {}),
    "context:template": (IMPORTS, {}),
    "context:confirm": (action(STAFF | {"outsider"}, **DIRECTORS_403, viewer=403), {}),
    # Roadmaps: drafts are edited by the municipality's staff; only officials approve or return.
    "roadmaps:catalogue": (expect(), {}),
    "roadmaps:list": (expect(), {}),
    "roadmaps:create": (expect(**DIRECTORS_403, viewer=403), {}),
    "roadmaps:detail": (expect(outsider=404), {}),
    "roadmaps:history": (expect(outsider=404), {}),
    "roadmaps:versions": (expect(outsider=404), {}),
    "roadmaps:update": (DRAFT_FORM, {}),
    "roadmaps:section_edit": (DRAFT_FORM, {}),
    "roadmaps:measure_add": (DRAFT_FORM, {}),
    "roadmaps:measure_edit": (DRAFT_FORM, {}),
    "roadmaps:measure_assign": (DRAFT_FORM, {}),
    "roadmaps:deadline_preview": (expect(**DIRECTORS_404, outsider=404), {}),
    "roadmaps:measure_row": (expect(**DIRECTORS_404, outsider=404), {}),
    "roadmaps:delete": (DRAFT_ACTION, {}),
    "roadmaps:submit": (DRAFT_ACTION, {}),
    "roadmaps:clear_flags": (DRAFT_ACTION, {}),
    "roadmaps:section_add": (DRAFT_ACTION, {}),
    "roadmaps:sections_reorder": (DRAFT_ACTION, {}),
    "roadmaps:section_delete": (DRAFT_ACTION, {}),
    "roadmaps:section_move": (DRAFT_ACTION, {}),
    "roadmaps:section_generate": (DRAFT_ACTION, {}),
    "roadmaps:measures_reorder": (DRAFT_ACTION, {}),
    "roadmaps:measure_delete": (DRAFT_ACTION, {}),
    "roadmaps:measure_move": (DRAFT_ACTION, {}),
    "roadmaps:approve": (action({"official", "admin"}, methodist=403, **DIRECTORS_404, viewer=403, outsider=404), {}),
    "roadmaps:return": (action({"official", "admin"}, methodist=403, **DIRECTORS_404, viewer=403, outsider=404), {}),
    "roadmaps:amend": (action(STAFF, **DIRECTORS_403, viewer=403, outsider=404), {}),
    "roadmaps:copy": (action(STAFF, **DIRECTORS_403, viewer=403, outsider=404), {}),
    # The cascade of the region's approved roadmap: both municipalities are of its region, so the
    # outsider reads it too (their own row only); directors do not read regional roadmaps. Only the
    # region's staff (and administrators) bring it down; tests/roadmaps/test_cascade*.py has them.
    "cascade:dashboard": (expect(**DIRECTORS_404), {}),
    "cascade:measure": (expect(**DIRECTORS_404), {}),
    "cascade:publish": (
        action({"admin"}, methodist=403, official=403, **DIRECTORS_404, viewer=403, outsider=403),
        {},
    ),
    # Execution: a director sees only their organisation's occurrences and files.
    "execution:my": (expect(), {}),
    "execution:calendar": (expect(), {}),
    # Everyone's list is scoped by Assignment.for_user (a director sees the school's own).
    "execution:list": (expect(), {}),
    "execution:notifications": (expect(), {}),
    "execution:bell": (expect(), {}),
    # Everyone's own choices: no one's id in the address, so nobody reaches another's.
    "execution:notification_settings": (expect(), {}),
    "execution:dashboard": (expect(), {}),
    "execution:dashboard_roadmap": (expect(outsider=404), {}),
    "execution:dashboard_municipality": (expect(outsider=404), {}),
    "execution:assignment": (expect(director_b=404, outsider=404), {}),
    "execution:evidence_download": (expect(director_b=404, outsider=404), {}),
    # The review queue is the reviewers' work list; viewers follow execution on the dashboards.
    "execution:review": (expect(**DIRECTORS_403, viewer=403), {}),
    # Evidence is the school's own declaration: not even an administrator submits it on its behalf.
    "execution:evidence_add": (action({"director_a"}, ok=400, **SCHOOL_REFUSED), {}),  # no file: 400
    "execution:action_toggle": (SCHOOL_WORK, {}),
    "execution:submit": (SCHOOL_WORK, {}),
    # The achieved value is declared with the evidence: the same people as the evidence.
    "execution:achieved": (SCHOOL_WORK, {}),
    "execution:evidence_delete": (SCHOOL_WORK, {}),
    "execution:accept": (REVIEW_ACTION, {}),
    "execution:return": (REVIEW_WITH_COMMENT, {}),
    "execution:reopen": (REVIEW_WITH_COMMENT, {}),
    # Notifications and jobs are personal: somebody else's is 404.
    "execution:notification_read": (action({"director_a"}, **{p: 404 for p in LOGGED_IN - {"director_a"}}), {}),
    "execution:notifications_read_all": (action(LOGGED_IN), {}),
    "jobs:detail": (expect(404, methodist=200, admin=200), {}),
    "jobs:retry": (action({"methodist", "admin"}, **{p: 404 for p in LOGGED_IN - {"methodist", "admin"}}), {}),
    # Reports: whoever reads a roadmap gets its print forms; orders are the authority's.
    "reports:index": (expect(), {}),
    "reports:orders": (expect(), {}),
    "reports:roadmap": (expect(outsider=404), {}),
    # Documents are asked for with POST (a job renders and keeps them): whoever reads the roadmap.
    "reports:roadmap_pdf": (action(LOGGED_IN - {"outsider"}, outsider=404), {}),
    "reports:roadmap_xlsx": (action(LOGGED_IN - {"outsider"}, outsider=404), {}),
    "reports:roadmap_docx": (action(LOGGED_IN - {"outsider"}, outsider=404), {}),
    "reports:file": (expect(outsider=404), {}),
    "reports:roadmap_execution": (action(LOGGED_IN - {"outsider"}, ok=400, outsider=404), {}),  # no period: 400
    "reports:roadmap_import": (action(STAFF, ok=400, **DIRECTORS_404, viewer=403, outsider=404), {}),  # no file
    "reports:roadmap_import_new": (expect(**DIRECTORS_403, viewer=403), {}),
    "reports:roadmap_import_confirm": (action(STAFF | {"outsider"}, **DIRECTORS_403, viewer=403), {}),
    # «Загрузить из Word»: the same people as the Excel import (issue 14)
    "reports:roadmap_import_word": (action(STAFF, ok=400, **DIRECTORS_404, viewer=403, outsider=404), {}),  # no file
    "reports:roadmap_import_word_new": (expect(**DIRECTORS_403, viewer=403), {}),
    "reports:roadmap_import_word_preview": (action(STAFF | {"outsider"}, **DIRECTORS_403, viewer=403), {}),
    "reports:zoning_pdf": (action(STAFF | {"viewer"}, **DIRECTORS_403, outsider=404), {}),
    "reports:order": (expect(**DIRECTORS_404, outsider=404), {}),
    "reports:order_pdf": (action(STAFF | {"viewer"}, **DIRECTORS_404, outsider=404), {}),
    "reports:order_docx": (action(STAFF | {"viewer"}, **DIRECTORS_404, outsider=404), {}),
    "reports:order_create": (expect(**DIRECTORS_403, viewer=403), {}),
    "reports:order_edit": (expect(**DIRECTORS_404, viewer=403, outsider=404), {}),
    # The order approves a roadmap: only an official signs it (a methodist signs orders without roadmaps).
    "reports:order_sign": (action({"official", "admin"}, methodist=403, **DIRECTORS_404, viewer=403, outsider=404), {}),
    # Analysis: a director sees their own card; methods belong to the authority; only officials approve.
    "monitoring:overview": (expect(director_a=302, director_b=302), {}),  # directors are sent to their card
    "monitoring:organization": (expect(director_b=404, outsider=404), {}),
    # Analysis inside a school (issue 22 part 4): its director and its municipality's staff; the
    # regional viewer is refused (no rating of schools or teachers), another school's director and
    # another municipality's methodist do not find it.
    "monitoring:school_analysis": (expect(director_b=404, viewer=403, outsider=404), {}),
    "monitoring:class_teachers": (expect(director_b=404, viewer=403, outsider=404), {}),
    # A work's task maxima: the same federal work everywhere, entered by any authority's staff.
    "monitoring:assessment_tasks": (expect(**DIRECTORS_403, viewer=403), {}),
    "monitoring:objectivity": (expect(), {}),
    "monitoring:effectiveness": (expect(**DIRECTORS_403), {}),
    "monitoring:indicators": (expect(), {}),
    "monitoring:values_export": (expect(), {}),
    "monitoring:compute_indicators": (action(STAFF | {"outsider"}, **DIRECTORS_403, viewer=403), {}),
    "monitoring:target": (action(STAFF | {"outsider"}, **DIRECTORS_403, viewer=403), {}),
    "monitoring:methods": (expect(**DIRECTORS_403), {}),
    "monitoring:method": (expect(**DIRECTORS_403, outsider=404), {}),
    "monitoring:zones_export": (expect(**DIRECTORS_403, outsider=404), {}),
    "monitoring:method_approve": (
        action({"official", "admin"}, methodist=403, **DIRECTORS_404, viewer=403, outsider=404),
        {},
    ),
    # The world's method has no rules nor values yet: computing zones names what is missing (409).
    "monitoring:method_compute": (action(STAFF, ok=409, **DIRECTORS_404, viewer=403, outsider=404), {}),
    "monitoring:rule_delete": (action(STAFF, **DIRECTORS_404, viewer=403, outsider=404), {}),
    # «Показатели региона»: the region's staff, viewers and administrators; a municipality's staff see
    # only the region's value beside their own on the overview, directors not even that.
    # Self-assessment of the authority's mechanisms: whoever follows the municipality's execution
    # (its staff, an outsider their own municipality's, viewers, administrators), never directors;
    # a cell becomes a draft measure only by the municipality's staff (an empty POST names no cell: 404).
    "selfassessment:matrix": (expect(**DIRECTORS_403), {}),
    "selfassessment:measure": (action(STAFF | {"outsider"}, ok=404, **DIRECTORS_403, viewer=403), {}),
    "selfassessment:pdf": (action(STAFF | {"outsider", "viewer"}, **DIRECTORS_403), {}),
    "selfassessment:docx": (action(STAFF | {"outsider", "viewer"}, **DIRECTORS_403), {}),
    "selfassessment:region": (expect(methodist=403, official=403, **DIRECTORS_403, outsider=403), {}),
    "region:values": (expect(methodist=403, official=403, **DIRECTORS_403, outsider=403), {}),
    "region:export": (expect(methodist=403, official=403, **DIRECTORS_403, outsider=403), {}),
    # Clusters of schools and the deficit–resource map: the analysis of the authority (directors would
    # see other schools' context and zones); the municipality's staff compute and make pair measures.
    "clusters:page": (expect(**DIRECTORS_403), {}),
    "clusters:compute": (action(STAFF | {"outsider"}, **DIRECTORS_403, viewer=403), {}),
    "deficits:map": (expect(**DIRECTORS_403), {}),
    "deficits:pair": (action(STAFF | {"outsider"}, **DIRECTORS_403, viewer=403), {}),
    "monitoring:campaigns": (expect(), {}),
    "monitoring:campaign": (expect(director_b=404, outsider=404), {}),
    # ШНРО/ШНСУ identification: the municipality's staff write methods and run them, only officials
    # approve a method or a list; the viewer reads; a director sees only their own school's status on
    # its card (tests/monitoring/test_identification.py), none of these pages.
    "identification:methods": (expect(**DIRECTORS_403), {}),
    "identification:method": (expect(**DIRECTORS_403, outsider=404), {}),
    "identification:method_approve": (
        action({"official", "admin"}, methodist=403, **DIRECTORS_404, viewer=403, outsider=404),
        {},
    ),
    "identification:run": (action(STAFF, **DIRECTORS_404, viewer=403, outsider=404), {}),
    "identification:criterion_delete": (action(STAFF, **DIRECTORS_404, viewer=403, outsider=404), {}),
    "identification:list": (expect(**DIRECTORS_403, outsider=404), {}),
    "identification:list_print": (expect(**DIRECTORS_403, outsider=404), {}),
    "identification:list_approve": (
        action({"official", "admin"}, methodist=403, **DIRECTORS_404, viewer=403, outsider=404),
        {},
    ),
    # Addressed recommendations: the municipality's staff send and decide, the addressee's director
    # reports; another school's answer is not found.
    "recommendations:list": (expect(), {}),
    "recommendations:new": (expect(**DIRECTORS_403, viewer=403), {}),
    "recommendations:detail": (expect(director_b=404, outsider=404), {}),
    "recommendations:sample": (action(STAFF, director_a=403, director_b=404, viewer=403, outsider=404), {}),
    "recommendations:report": (
        action({"director_a"}, methodist=403, official=403, admin=403, viewer=403, director_b=404, outsider=404),
        {},
    ),
    "recommendations:decide": (action(STAFF, director_a=403, director_b=404, viewer=403, outsider=404), {}),
    "recommendations:file": (expect(director_b=404, outsider=404), {}),
    # The order on the results of zoning: drafted by the municipality's staff (the world's method is a
    # draft, so they are told it must be approved and computed first).
    "reports:effectiveness_pdf": (action(STAFF | {"viewer"}, **DIRECTORS_403, outsider=404), {}),
    "reports:zoning_order": (action(STAFF, **DIRECTORS_403, viewer=403, outsider=404), {}),
    "reports:recommendation_pdf": (action(STAFF | {"viewer"}, **DIRECTORS_403, outsider=404), {}),
    # The open page: anyone, logged in or not. Publishing: the municipality's officials (and the admin).
    "public:index": (public(), {}),
    "public:feed": (public(), {}),
    "public:municipality": (public(), {}),
    "public:values": (public(), {}),
    "public:file": (public(), {}),
    "reports:publications": (expect(**DIRECTORS_403, viewer=403), {}),
    "reports:publish_file": (
        action({"official", "admin"}, methodist=403, **DIRECTORS_403, viewer=403, outsider=404),
        {},
    ),
    "reports:publish_zoning": (
        action({"official", "admin"}, methodist=403, **DIRECTORS_404, viewer=403, outsider=404),
        {},
    ),
    "reports:publish_indicators": (
        action({"official", "admin"}, methodist=403, **DIRECTORS_403, viewer=403, outsider=403),
        {},
    ),
    "reports:withdraw": (action({"official", "admin"}, methodist=403, **DIRECTORS_404, viewer=403, outsider=404), {}),
    # Analytic reports (справки): the municipality's staff compose them, its officials approve and
    # publish; a director reads only an approved справка of their own school (the world's is the
    # municipality's draft: 404), the viewer reads and renders but changes nothing.
    "reports:spravki": (expect(), {}),
    "reports:spravka_new": (expect(**DIRECTORS_403, viewer=403), {}),
    "reports:spravka": (expect(**DIRECTORS_404, outsider=404), {}),
    "reports:spravka_conclusions": (action(STAFF, **DIRECTORS_404, viewer=403, outsider=404), {}),
    "reports:spravka_regenerate": (action(STAFF, **DIRECTORS_404, viewer=403, outsider=404), {}),
    "reports:spravka_approve": (
        action({"official", "admin"}, methodist=403, **DIRECTORS_404, viewer=403, outsider=404),
        {},
    ),
    "reports:spravka_pdf": (action(STAFF | {"viewer"}, **DIRECTORS_404, outsider=404), {}),
    "reports:spravka_docx": (action(STAFF | {"viewer"}, **DIRECTORS_404, outsider=404), {}),
    "reports:spravka_publish": (
        action({"official", "admin"}, methodist=403, **DIRECTORS_404, viewer=403, outsider=404),
        {},
    ),
    # Results imports: staff and the administrator only.
    "results:results": (IMPORTS, {}),
    "results:import_detail": (IMPORT_OBJECT, {}),
    "results:import_file": (IMPORT_OBJECT, {}),
    "results:import_rejected": (IMPORT_OBJECT, {}),
    "results:import_template": (IMPORTS, {}),
    "results:import_confirm": (action(STAFF, **DIRECTORS_403, viewer=403, outsider=404), {}),
    "results:import_recheck": (action(STAFF, **DIRECTORS_403, viewer=403, outsider=404), {}),
    "results:import_columns": (action(STAFF, **DIRECTORS_403, viewer=403, outsider=404), {}),
}


# The open page's URLs with what is not (or no longer) published: 404 for everyone, anonymous first.
HIDDEN = {
    "withdrawn document": ("public:file", lambda w: {"pk": w["hidden"]["withdrawn"].pk}),
    "a zoning summary is no file": ("public:file", lambda w: {"pk": w["hidden"]["zoning"].pk}),
    "municipality whose publication was withdrawn": (
        "public:municipality", lambda w: {"pk": w["hidden"]["taken_down"].pk}
    ),
    "values withdrawn": ("public:values", lambda w: {"pk": w["hidden"]["taken_down"].pk, "fmt": "json"}),
    "municipality that never published": ("public:municipality", lambda w: {"pk": w["hidden"]["never"].pk}),
    "values never published": ("public:values", lambda w: {"pk": w["hidden"]["never"].pk, "fmt": "csv"}),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(HIDDEN))
def test_unpublished_and_withdrawn_items_are_404_on_the_open_page(client_for, people, world, case):
    name, kwargs = HIDDEN[case]
    url = reverse(name, kwargs=kwargs(world))
    got = {person: status_of(client_for(people[person]), "get", url) for person in PEOPLE}
    assert got == dict.fromkeys(PEOPLE, 404), (case, got)


def test_the_open_index_and_feed_leave_out_what_is_not_published(client_for, world):
    client = client_for(None)
    for url in (reverse("public:index"), reverse("public:feed")):
        text = client.get(url).content.decode()
        assert "Марксовский" not in text and "Балаковский" not in text, url
        assert "Снятый с публикации документ" not in text and "Неопубликованный черновик" not in text, url
    page = client.get(reverse("public:municipality", args=[world["municipality"].pk])).content.decode()
    assert "Снятый с публикации документ" not in page and "Итоги зонирования" in page


def test_every_url_has_a_matrix_entry():
    names = resolver_names()
    missing, stale = sorted(names - MATRIX.keys()), sorted(MATRIX.keys() - names)
    assert not missing and not stale, f"URLs without a matrix entry: {missing}; entries of no URL: {stale}"


def check(client_for, people, world, name, rows) -> list[str]:
    url = reverse(name, kwargs=KWARGS.get(name, lambda w: {})(world))
    mismatches = []
    for person, exp in rows.items():
        method, code = exp if isinstance(exp, tuple) else ("get", exp)
        got = status_of(client_for(people[person]), method, url)
        if got != code:
            mismatches.append(f"{name} as {person}: expected {exp}, got {got}")
    return mismatches


def matrix_params():
    for name, (rows, bugs) in sorted(MATRIX.items()):
        yield pytest.param(name, {p: e for p, e in rows.items() if p not in bugs}, id=name)
        for person, (rule, reason) in bugs.items():
            mark = pytest.mark.xfail(strict=True, reason=reason)
            yield pytest.param(name, {person: rule}, marks=mark, id=f"{name}-{person}-BUG")


@pytest.mark.parametrize(("name", "rows"), list(matrix_params()))
def test_access(client_for, people, world, name, rows):
    mismatches = check(client_for, people, world, name, rows)
    assert not mismatches, "\n".join(mismatches)


# Pages and downloads of one object: for the people of our municipality the same object of the other
# municipality does not exist (the outsider's side of the same rule is in MATRIX).
FOREIGN = sorted(
    name
    for name, (rows, _) in MATRIX.items()
    if name in KWARGS and rows.get("outsider") == 404 and not name.startswith(("jobs:", "execution:notification"))
)


@pytest.mark.parametrize("name", FOREIGN)
def test_other_municipality_objects_are_404(client_for, people, world, name):
    own = MATRIX[name][0]
    # A director refused by role on every such object (403) may be refused before the lookup.
    rows = {
        person: 403 if own[person] == 403 else 404 for person in ("methodist", "official", "director_a", "director_b")
    }
    mismatches = check(client_for, people, world["foreign"], name, rows)
    assert not mismatches, "\n".join(mismatches)
