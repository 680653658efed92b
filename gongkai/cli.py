"""The `gongkai` console command.

`gongkai check ...` runs the annual-report checker without Django (no settings, no database),
so researchers can use it as a plain CLI. `gongkai systemcheck` is Django's own `check`. Every
other sub-command is a Django management command (`gongkai migrate`, `gongkai demo`, …).
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "check":
        from gongkai.checker.cli import main as check_main

        return check_main(argv[2:]) or 0
    if len(argv) > 1 and argv[1] == "systemcheck":
        argv[1] = "check"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
