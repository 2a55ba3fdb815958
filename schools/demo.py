"""The demo municipality: a realistic district of the Saratov region (seed 000 is its plan).

Idempotent: everything is found by its code or username and created only when missing.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from schools.models import Membership, Municipality, Organization, SchoolContext

DEMO_PASSWORD = "demo-password"
REGION = "Саратовская область"
MUNICIPALITY = "Новоузенский муниципальный район"

# (code, short name, settlement, rural, enrolment, head)
SCHOOLS = [
    (
        "sch640101",
        "МОУ «СОШ № 1 г. Новоузенска»",
        "г. Новоузенск, ул. Советская, 61",
        False,
        812,
        "Иванов Сергей Николаевич",
    ),
    (
        "sch640102",
        "МОУ «СОШ № 2 г. Новоузенска»",
        "г. Новоузенск, ул. Чапаева, 12",
        False,
        640,
        "Смирнова Ольга Александровна",
    ),
    (
        "sch640103",
        "МОУ «СОШ № 8 г. Новоузенска»",
        "г. Новоузенск, ул. Пролетарская, 3",
        False,
        705,
        "Белова Наталья Ивановна",
    ),
    (
        "sch640104",
        "МОУ «Лицей г. Новоузенска»",
        "г. Новоузенск, ул. Рабочая, 28",
        False,
        530,
        "Гусев Андрей Викторович",
    ),
    ("sch640105", "МОУ «СОШ с. Дюрметь»", "с. Дюрметь, ул. Школьная, 1", True, 118, "Ахмедова Галия Каримовна"),
    ("sch640106", "МОУ «СОШ с. Куриловка»", "с. Куриловка, ул. Центральная, 14", True, 164, "Петров Николай Фёдорович"),
    ("sch640107", "МОУ «СОШ п. Основной»", "п. Основной, ул. Мира, 5", True, 96, "Кравченко Ирина Сергеевна"),
    ("sch640108", "МОУ «СОШ с. Олоновка»", "с. Олоновка, ул. Школьная, 7", True, 143, "Дюсенова Айгуль Маратовна"),
    ("sch640109", "МОУ «СОШ с. Алгай»", "с. Алгай, ул. Победы, 2", True, 211, "Соколов Виктор Павлович"),
    (
        "sch640110",
        "МОУ «СОШ с. Петропавловка»",
        "с. Петропавловка, ул. Садовая, 9",
        True,
        87,
        "Морозова Светлана Юрьевна",
    ),
    ("sch640111", "МОУ «СОШ с. Чертанла»", "с. Чертанла, ул. Молодёжная, 3", True, 74, "Кенжегалиев Руслан Ержанович"),
    (
        "sch640112",
        "МОУ «СОШ с. Бессоновка»",
        "с. Бессоновка, ул. Школьная, 11",
        True,
        102,
        "Лебедева Татьяна Михайловна",
    ),
    ("sch640113", "МОУ «СОШ п. Горькое»", "п. Горькое, ул. Степная, 4", True, 58, "Зайцев Олег Геннадьевич"),
    (
        "sch640114",
        "МОУ «СОШ с. Новая Возвышенка»",
        "с. Новая Возвышенка, ул. Ленина, 20",
        True,
        91,
        "Фролова Елена Викторовна",
    ),
    ("sch640115", "МОУ «СОШ с. Радищево»", "с. Радищево, ул. Школьная, 2", True, 126, "Орлов Дмитрий Александрович"),
    ("sch640116", "МОУ «ООШ п. Южный»", "п. Южный, ул. Целинная, 1", True, 43, "Нургалиева Салтанат Бауржановна"),
    (
        "sch640117",
        "МОУ «ООШ с. Старая Чертанла»",
        "с. Старая Чертанла, ул. Речная, 6",
        True,
        38,
        "Васильева Надежда Петровна",
    ),
    ("sch640118", "МОУ «СОШ с. Пограничное»", "с. Пограничное, ул. Мира, 15", True, 134, "Ткаченко Юрий Иванович"),
    (
        "sch640119",
        "МОУ «СОШ с. Дмитриевка»",
        "с. Дмитриевка, ул. Школьная, 5",
        True,
        109,
        "Сергеева Марина Владимировна",
    ),
    (
        "sch640120",
        "МОУ «СОШ с. Крутоярка»",
        "с. Крутоярка, ул. Центральная, 8",
        True,
        81,
        "Абдрахманов Марат Кайратович",
    ),
    ("sch640121", "МОУ «ООШ с. Узень»", "с. Узень, ул. Набережная, 2", True, 47, "Никитина Людмила Андреевна"),
    (
        "sch640122",
        "МОУ «СОШ № 3 г. Новоузенска»",
        "г. Новоузенск, ул. Кирова, 40",
        False,
        588,
        "Павлов Игорь Валентинович",
    ),
]
PRESCHOOLS = [
    ("dou640201", "МДОУ «Детский сад № 1 „Солнышко“ г. Новоузенска»", "г. Новоузенск, ул. Ленина, 8", False),
    ("dou640202", "МДОУ «Детский сад № 2 „Колокольчик“ г. Новоузенска»", "г. Новоузенск, ул. Чапаева, 30", False),
    ("dou640203", "МДОУ «Детский сад № 4 „Ромашка“ г. Новоузенска»", "г. Новоузенск, ул. Садовая, 17", False),
    ("dou640204", "МДОУ «Детский сад „Теремок“ с. Куриловка»", "с. Куриловка, ул. Садовая, 2", True),
    ("dou640205", "МДОУ «Детский сад „Берёзка“ с. Алгай»", "с. Алгай, ул. Мира, 9", True),
    ("dou640206", "МДОУ «Детский сад „Радуга“ с. Дюрметь»", "с. Дюрметь, ул. Новая, 3", True),
]
SUPPLEMENTARY = [
    ("do640301", "МУ ДО «Дом детского творчества г. Новоузенска»", "г. Новоузенск, ул. Советская, 45", False),
    ("do640302", "МУ ДО «Детско-юношеская спортивная школа г. Новоузенска»", "г. Новоузенск, ул. Спортивная, 1", False),
]
NEIGHBOUR = "Ершовский муниципальный район"
NEIGHBOUR_SCHOOLS = [
    ("sch641101", "МОУ «СОШ № 1 г. Ершова»", "г. Ершов, ул. Интернациональная, 10", False, 690, "Ковалёв Пётр Ильич"),
    ("sch641102", "МОУ «СОШ с. Моховое»", "с. Моховое, ул. Школьная, 3", True, 77, "Рябова Алла Степановна"),
    ("sch641103", "МОУ «СОШ п. Новый»", "п. Новый, ул. Мира, 1", True, 65, "Данилов Артём Сергеевич"),
]

USERS = [
    # username, last, first, middle, role, organisation code, position
    (
        "official",
        "Разуваева",
        "Татьяна",
        "Викторовна",
        Membership.Role.OFFICIAL,
        "uo6401",
        "Начальник управления образования",
    ),
    (
        "methodist",
        "Кузнецова",
        "Елена",
        "Петровна",
        Membership.Role.METHODIST,
        "uo6401",
        "Методист управления образования",
    ),
    ("director", "Иванов", "Сергей", "Николаевич", Membership.Role.DIRECTOR, "sch640101", "Директор"),
    ("director2", "Смирнова", "Ольга", "Александровна", Membership.Role.DIRECTOR, "sch640102", "Директор"),
    ("viewer", "Григорьева", "Анна", "Сергеевна", Membership.Role.VIEWER, "min64", "Региональный координатор"),
    # the region's staff (issue 14): the regional roadmap and its cascade to the municipalities
    (
        "region_methodist",
        "Лаврова",
        "Ирина",
        "Олеговна",
        Membership.Role.METHODIST,
        "min64",
        "Консультант отдела оценки качества образования министерства",
    ),
    (
        "region_official",
        "Соколов",
        "Андрей",
        "Павлович",
        Membership.Role.OFFICIAL,
        "min64",
        "Заместитель министра образования Саратовской области",
    ),
    ("admin", "Администратор", "Системный", "", Membership.Role.ADMIN, "min64", "Администратор системы"),
]


def _organization(municipality, kind, code, short_name, address, rural, **extra) -> Organization:
    organization, _ = Organization.objects.get_or_create(
        municipality=municipality,
        code=code,
        defaults={
            "kind": kind,
            "short_name": short_name,
            "full_name": _full_name(short_name),
            "address": f"{municipality.region if municipality else REGION}, {address}",
            "is_rural": rural,
            **extra,
        },
    )
    return organization


def _full_name(short_name: str) -> str:
    replacements = {
        "МОУ": "Муниципальное общеобразовательное учреждение",
        "МДОУ": "Муниципальное дошкольное образовательное учреждение",
        "МУ ДО": "Муниципальное учреждение дополнительного образования",
        "СОШ": "средняя общеобразовательная школа",
        "ООШ": "основная общеобразовательная школа",
    }
    text = short_name
    for short, full in replacements.items():
        text = text.replace(short, full)
    return text


def _schools(municipality, rows, *, email_domain: str) -> None:
    for code, name, address, rural, enrolment, head in rows:
        _organization(
            municipality,
            Organization.Kind.SCHOOL,
            code,
            name,
            address,
            rural,
            enrolment=enrolment,
            head_name=head,
            head_position="Директор",
            email=f"{code}@{email_domain}",
            phone="8 (84562) 2-" + code[-2:] + "-" + code[-3:-1],
        )


@transaction.atomic
def load_demo_schools() -> dict[str, int]:
    before = Organization.objects.count(), get_user_model().objects.count()
    municipality, _ = Municipality.objects.get_or_create(region=REGION, name=MUNICIPALITY)
    _organization(
        municipality,
        Organization.Kind.AUTHORITY,
        "uo6401",
        "Управление образования администрации Новоузенского муниципального района",
        "г. Новоузенск, ул. Советская, 39",
        False,
        head_name="Разуваева Татьяна Викторовна",
        head_position="Начальник управления образования",
        email="uo@novouzensk.example",
    )
    _organization(
        municipality,
        Organization.Kind.METHODICAL,
        "mms6401",
        "Муниципальная методическая служба Новоузенского района",
        "г. Новоузенск, ул. Советская, 39",
        False,
    )
    _schools(municipality, SCHOOLS, email_domain="novouzensk.example")
    for code, name, address, rural in PRESCHOOLS:
        _organization(municipality, Organization.Kind.PRESCHOOL, code, name, address, rural)
    for code, name, address, rural in SUPPLEMENTARY:
        _organization(municipality, Organization.Kind.SUPPLEMENTARY, code, name, address, rural)
    neighbour, _ = Municipality.objects.get_or_create(region=REGION, name=NEIGHBOUR)
    _organization(
        neighbour,
        Organization.Kind.AUTHORITY,
        "uo6411",
        "Управление образования Ершовского района",
        "г. Ершов, ул. Интернациональная, 9",
        False,
    )
    _schools(neighbour, NEIGHBOUR_SCHOOLS, email_domain="ershov.example")
    ministry = _organization(
        None,
        Organization.Kind.REGIONAL,
        "min64",
        "Министерство образования Саратовской области",
        "г. Саратов, ул. Соляная, 32",
        False,
        region=REGION,
        head_name="Соколов Андрей Павлович",
        head_position="Заместитель министра образования Саратовской области",
    )
    if not ministry.region:  # loaded before organisations named their region
        ministry.region = REGION
        ministry.save(update_fields=["region"])

    users = get_user_model().objects
    for username, last, first, middle, role, org_code, position in USERS:
        user, created = users.get_or_create(
            username=username,
            defaults={
                "last_name": last,
                "first_name": f"{first} {middle}".strip(),
                "email": f"{username}@muko.example",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            if role == Membership.Role.ADMIN:
                user.is_staff = user.is_superuser = True
            user.save()
        organization = Organization.objects.get(code=org_code)
        Membership.objects.get_or_create(
            user=user, organization=organization, role=role, defaults={"position": position}
        )
    after = Organization.objects.count(), get_user_model().objects.count()
    return {"organizations": after[0] - before[0], "users": after[1] - before[1]}


#: The year of the demo's context data and clusters (2025/2026), as the demo's zoning method.
CONTEXT_YEAR = 2026


def demo_context(code: str, pupils: int, rural: bool) -> dict:
    """Plausible context of a demo school from its contingent: rural schools have small classes
    (often classes-комплекты), a share of children with ОВЗ that varies from school to school, and
    a vacancy or two where the school is far from town."""
    seed = int(code[-2:])
    per_class = 10 + seed % 5 if rural else 24 + seed % 4
    classes = max(9 if pupils >= 90 else 4, round(pupils / per_class))
    return {
        "pupils": pupils,
        "ovz_pupils": round(pupils * ((seed * 7) % 13 + 1) / 100),
        "is_rural": rural,
        "classes": classes,
        "teachers": max(6, round(pupils / (9 if rural else 15))),
        "vacancies": (seed % 3) if rural else (seed % 2),
    }


@transaction.atomic
def load_demo_context() -> dict[str, int]:
    """The demo municipality's schools' context data for the year (idempotent: a school that has
    its row keeps it)."""
    municipality = Municipality.objects.filter(region=REGION, name=MUNICIPALITY).first()
    if municipality is None:
        return {"context": 0}
    created = 0
    schools = {o.code: o for o in Organization.objects.filter(municipality=municipality).schools()}
    for code, _name, _address, rural, enrolment, _head in SCHOOLS:
        if code not in schools:
            continue
        _, was_created = SchoolContext.objects.get_or_create(
            organization=schools[code], year=CONTEXT_YEAR, defaults=demo_context(code, enrolment, rural)
        )
        created += was_created
    return {"context": created}


# What this app adds to `load_demo`, in order (the command runs the apps in INSTALLED_APPS order).
DEMO = [load_demo_schools, load_demo_context]
