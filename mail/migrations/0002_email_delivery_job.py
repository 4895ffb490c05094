"""One delivery job per batch of emails: each email names the job that delivers it.

Emails still queued keep the job already waiting for them, which from now on finds its
email by this column rather than by its argument.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0001_initial"),
        ("procrastinate", "0041_post_retry_failed_job"),
    ]

    operations = [
        migrations.AddField(
            model_name="email",
            name="job_id",
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="email",
            index=models.Index(
                condition=models.Q(("status", "queued")),
                fields=["job_id"],
                name="email_queued_by_job",
            ),
        ),
        migrations.RunSQL(
            [
                """
                UPDATE mail_email SET job_id = job.id
                FROM procrastinate_jobs job
                WHERE job.task_name = 'mail.tasks.deliver'
                  AND job.status IN ('todo', 'doing')
                  AND (job.args ->> 'email_id')::bigint = mail_email.id
                """,
                """
                UPDATE procrastinate_jobs SET args = '{}'
                WHERE task_name = 'mail.tasks.deliver' AND status = 'todo'
                """,
            ],
            migrations.RunSQL.noop,
        ),
    ]
