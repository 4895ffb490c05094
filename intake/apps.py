from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"

    def ready(self):
        from intake.tracking import requests_link_context
        from mail.private import private_template_register

        # The link to all a requester's requests is written as the email is sent.
        private_template_register("intake/requests_link", requests_link_context)
