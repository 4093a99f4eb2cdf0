"""`python -m protograph`: the same entry point as the `protograph` command."""

from .cli import main

main()
