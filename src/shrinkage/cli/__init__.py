"""The ``shrinkage`` command: ``shrinkage fit``, ``shrinkage predict``, ``shrinkage path``.

:func:`main` is the entry point (``[project.scripts]`` and ``python -m
shrinkage``). It is the error boundary: what a user can get wrong is
printed as one line ``error: ...`` on stderr with exit status 1 (2 for a
command line that cannot run as written), never a traceback, unless
``--debug`` is given.
"""

from __future__ import annotations

import sys
import warnings
from typing import Any

from ._errors import EXIT_ERROR, EXIT_USAGE, UserError

__all__ = ["UserError", "main"]


MAX_MESSAGE = 600
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C


def _one_line(message: str) -> str:
    """Whitespace folded; a library message listing thousands of values is cut."""
    text = " ".join(str(message).split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 5] + " ..."


def _print_error(message: str) -> None:
    from rich.console import Console

    Console(stderr=True, highlight=False, soft_wrap=True).print(
        f"[bold red]error:[/bold red] {_one_line(message)}", markup=True, emoji=False
    )


def _show_warning(message: Any, category: Any, filename: str, lineno: int,
                  file: Any = None, line: Any = None) -> None:
    """Library warnings (e.g. a solver that did not converge) as one line each."""
    print(f"warning: {_one_line(str(message))}", file=sys.stderr)


def main(argv: list[str] | None = None, prog_name: str = "shrinkage") -> None:
    """Run the command with ``argv`` (default ``sys.argv[1:]``) and exit with its status."""
    try:
        from ..io import ModelFileError
        from ._app import STATE, app
    except KeyboardInterrupt:
        _print_error("interrupted.")
        sys.exit(EXIT_INTERRUPTED)

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        import typer.main

        command = typer.main.get_command(app)
    except KeyboardInterrupt:  # Ctrl-C while the libraries load: no traceback either
        _print_error("interrupted.")
        sys.exit(EXIT_INTERRUPTED)
    with warnings.catch_warnings():
        warnings.simplefilter("once")
        warnings.showwarning = _show_warning
        try:
            status = command.main(args=args, prog_name=prog_name, standalone_mode=False)
            if status == EXIT_INTERRUPTED:
                # click turns a KeyboardInterrupt inside the command into this
                # status (after the command's own clean-up ran): say so.
                _print_error("interrupted.")
        except (UserError, ModelFileError) as exc:
            if STATE["debug"]:
                raise
            _print_error(str(exc))
            sys.exit(getattr(exc, "code", EXIT_ERROR))
        except KeyboardInterrupt:
            _print_error("interrupted.")
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # The reader went away (`shrinkage predict ... | head`): stop quietly,
            # and keep Python from complaining when it flushes stdout at exit.
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_ERROR)
        except Exception as exc:
            if STATE["debug"] or "--debug" in args:
                raise
            usage = getattr(exc, "format_message", None)
            if usage is not None and hasattr(exc, "exit_code"):  # click's usage errors
                ctx = getattr(exc, "ctx", None)
                hint = f" (see: {ctx.command_path} --help)" if ctx is not None else ""
                _print_error(f"{usage()}{hint}")
                sys.exit(EXIT_USAGE if exc.exit_code == 2 else exc.exit_code)
            _print_error(
                f"unexpected {type(exc).__name__}: {exc}. This is a bug in shrinkage: "
                "run again with --debug for the traceback and report it."
            )
            sys.exit(EXIT_ERROR)
    sys.exit(status if isinstance(status, int) else 0)
