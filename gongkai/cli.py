"""The `gongkai` console command.

`gongkai check ...` runs the report checker without Django (no settings, no database), so
researchers can use it as a plain CLI. Every other sub-command is a Django management command.
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "check" and "--help-django" not in argv:
        from gongkai.checker.cli import main as check_main

        return check_main(argv[2:]) or 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
