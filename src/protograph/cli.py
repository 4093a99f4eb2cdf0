"""The protograph command line (placeholder until the commands land)."""

import click


@click.group()
def main() -> None:
    """protograph: compare, validate and explore child-safeguarding protocols."""
