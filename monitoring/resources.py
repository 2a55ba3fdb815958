"""Import/export of the monitoring tables an administrator keeps or downloads."""

from import_export import fields, resources

from monitoring.models import EgeMinScore, SchoolStat


class EgeMinScoreResource(resources.ModelResource):
    year = fields.Field(attribute="year", column_name="Год")
    subject = fields.Field(attribute="subject", column_name="Предмет")
    min_score = fields.Field(attribute="min_score", column_name="Минимальный балл")

    class Meta:
        model = EgeMinScore
        import_id_fields = ["year", "subject"]
        fields = ["year", "subject", "min_score"]
        skip_unchanged = True
        clean_model_instances = True


class SchoolStatResource(resources.ModelResource):
    assessment = fields.Field(attribute="assessment", column_name="Процедура")
    code = fields.Field(attribute="organization__code", column_name="Код ОО")
    organization = fields.Field(attribute="organization__short_name", column_name="Организация")

    class Meta:
        model = SchoolStat
        fields = [
            "assessment",
            "code",
            "organization",
            "source",
            "participants",
            "mark_2",
            "mark_3",
            "mark_4",
            "mark_5",
            "level_insufficient",
            "level_low",
            "level_base",
            "level_high",
            "lowered",
            "confirmed",
            "raised",
            "significant_mismatch",
            "mean_primary",
            "mean_test",
            "below_min",
            "over_60",
        ]
