from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "mail"

    def ready(self):
        from mail.private import password_reset_context, private_template_register

        private_template_register("mail/password_reset", password_reset_context)
