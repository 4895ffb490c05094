from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "mail"

    def ready(self):
        from mail.private import password_reset_context, private_template_register
        from mail.services import emails_fail_dropped
        from mopsboard.backups import jobs_dropped

        def fail_dropped(sender, signal, *, job_ids, **dropped):
            emails_fail_dropped(job_ids=job_ids)

        jobs_dropped.connect(fail_dropped, weak=False, dispatch_uid="mail.fail_dropped")
        private_template_register("mail/password_reset", password_reset_context)
