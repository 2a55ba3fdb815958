from django.apps import AppConfig


class RoadmapsConfig(AppConfig):
    name = "roadmaps"
    verbose_name = "Дорожные карты"

    def ready(self):
        # The home page lists what waits for whom; schools hold the panels, the apps fill them.
        from roadmaps import home
        from roadmaps.execution import home as execution_home

        home.register()
        execution_home.register()
