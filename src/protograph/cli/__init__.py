"""The ``protograph`` command line: a thin entry point (``main``) and one module per group of
commands. Each command parses its arguments, calls one library function that a notebook can
call too, picks a renderer and sets the exit status.

May import every layer below; nothing imports it."""

from .main import main

__all__ = ["main"]
