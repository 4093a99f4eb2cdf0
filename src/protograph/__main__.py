"""`python -m protograph`: the same entry point as the `protograph` command."""

from .cli.main import main

main()
