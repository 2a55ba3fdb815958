from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Мониторинг"

    def ready(self):
        # A measure can be assigned to the organisations of a zone: roadmaps list the groups that
        # apps above them offer, without importing them.
        from monitoring.analysis.selectors import zone_group_choices, zone_group_members
        from roadmaps.groups import GroupSource, group_source_register

        group_source_register(GroupSource(name="zone", choices=zone_group_choices, members=zone_group_members))

        # A measure's target may be compared with an indicator's value: roadmaps ask the registry.
        from monitoring.targets import target_indicator_choices, target_indicator_values
        from roadmaps.attainment import IndicatorSource, indicator_source_register

        indicator_source_register(IndicatorSource(choices=target_indicator_choices, values=target_indicator_values))

        # The home page lists what waits for whom; schools hold the panels, the apps fill them.
        from monitoring import home

        home.register()
