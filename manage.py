#!/usr/bin/env python
"""Django's command-line utility for mopsboard."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mopsboard.settings")
    from django.core.management import execute_from_command_line

    from mopsboard.database import use_embedded_database

    use_embedded_database()
    execute_from_command_line(sys.argv)
