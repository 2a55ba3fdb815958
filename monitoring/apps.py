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

        # The home page lists what waits for whom; schools hold the panels, the apps fill them.
        from monitoring import home

        home.register()
