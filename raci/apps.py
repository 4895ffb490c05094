from django.apps import AppConfig


class RaciConfig(AppConfig):
    name = "raci"
    verbose_name = "RACI"

    def ready(self):
        from backlog.filters import RESPONSIBLE_FILTERS
        from raci.filters import responsible_is_me, responsible_is_nobody

        # The board's "Responsible: me / nobody" is the RACI's rule, kept beside it.
        RESPONSIBLE_FILTERS.update(me=responsible_is_me, nobody=responsible_is_nobody)
