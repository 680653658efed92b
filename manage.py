#!/usr/bin/env python
"""Plain Django entry point. The `gongkai` console command wraps the same commands, except that
`gongkai check` is the annual-report checker (Django's own system check: `gongkai systemcheck`)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
