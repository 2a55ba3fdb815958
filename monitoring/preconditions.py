"""What the computations of monitoring need, each check returning None or the Russian message that
names what is missing and the command or page that supplies it (see config.lib.preconditions)."""

from monitoring.models import Assessment, EgeMinScore, IndicatorDefinition, IndicatorValue, ZoningMethod


def indicator_catalogue() -> str | None:
    """Indicators, zoning rules, the heat map and collection campaigns are all built on it."""
    if IndicatorDefinition.objects.exists():
        return None
    return (
        "Справочник показателей пуст: выполните python manage.py load_indicators "
        "(загружает показатели из monitoring/data/indicators.yaml)."
    )


def ege_min_scores(year: int) -> str | None:
    """The share of ЕГЭ participants below the minimum is counted against the year's minimum
    scores: without them it would read 0 % rather than «unknown»."""
    has_scores = Assessment.objects.filter(
        kind=Assessment.Kind.EGE, year=year, scale=Assessment.Scale.TEST_SCORES
    ).exists()
    if not has_scores or EgeMinScore.objects.filter(year=year).exists():
        return None
    return (
        f"Минимальные баллы ЕГЭ за {year} год не заведены, а без них доля не преодолевших минимальный "
        "порог не считается: выполните python manage.py load_ege_min_scores или добавьте баллы "
        "в администрировании («Минимальные баллы ЕГЭ»)."
    )


def zoning_rules(method: ZoningMethod) -> str | None:
    if method.rules.exists():
        return None
    return (
        f"В методике зонирования «{method.title}» нет правил: добавьте правила на странице методики "
        "(«Мониторинг» → «Методики зонирования»)."
    )


def indicator_values(method: ZoningMethod) -> str | None:
    """Zones are read from the indicators of the method's year: computed before the zones."""
    year = method.year
    if IndicatorValue.objects.filter(year=year, municipality_id=method.municipality_id).exists():
        return None
    return (
        f"Показатели за {year - 1}/{year} учебный год не рассчитаны: загрузите результаты оценочных процедур "
        f"(страница «Результаты») и рассчитайте показатели — кнопка «Пересчитать показатели» на странице "
        f"«Мониторинг» или python manage.py compute_indicators --year {year}."
    )
