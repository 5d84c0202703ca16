"""``python -m shrinkage``: the ``shrinkage`` command (``fit``, ``predict``, ``path``)."""

from .cli import main

if __name__ == "__main__":
    main(prog_name="python -m shrinkage")
