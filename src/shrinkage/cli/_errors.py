"""The errors the command reports in one line, and the exit codes it uses."""

from __future__ import annotations

EXIT_ERROR = 1
EXIT_USAGE = 2


class UserError(Exception):
    """A problem with what the user gave (a file, a column, an option): no traceback.

    ``code`` is the exit status: 2 for a command line that cannot be run as
    written (usage), 1 for anything else.
    """

    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.code = code
