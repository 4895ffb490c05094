"""`mopsboard check`, `mopsboard migrate`, …: manage.py for an installed copy, which has no
manage.py (the console script in pyproject.toml; `python -m mopsboard` works too)."""

import os
import sys

from django.core.management import execute_from_command_line

from mopsboard.database import use_embedded_database


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mopsboard.settings")
    use_embedded_database()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
