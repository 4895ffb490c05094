"""Rate counts skip PostgreSQL's write-ahead log.

Every API call and intake form counts a hit, and a commit that wrote to a logged table
waits for the log to reach the disk. A count is worth nothing after a crash (PostgreSQL
empties an unlogged table then, which only restarts the current windows), so the hit
need not wait for the disk.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("mopsboard", "0001_rate_counts")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE mopsboard_ratecount SET UNLOGGED",
            reverse_sql="ALTER TABLE mopsboard_ratecount SET LOGGED",
        )
    ]
