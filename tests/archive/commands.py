"""Running the management commands as a user would, for the tests."""
from io import StringIO

from django.core.management import CommandError, call_command


def run(command: str, *args) -> tuple[int, str]:
    """Run ``command``; return (exit status, what it printed). A command that ends
    with ``CommandError(returncode=1)`` gives status 1; any other error is raised."""
    out = StringIO()
    try:
        call_command(command, *map(str, args), stdout=out)
    except CommandError as error:
        if not error.returncode:
            raise
        return error.returncode, out.getvalue()
    return 0, out.getvalue()
