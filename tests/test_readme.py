"""README opens with the two commands a newcomer runs, and CI runs the README's test command."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _commands() -> list[str]:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").split("---")[0].splitlines()
    return [line.strip() for line in lines if line.startswith("    ")]


def test_readme_opens_with_a_setup_and_run_command_and_a_test_command():
    setup, test = _commands()
    assert "pip install" in setup and "protograph " in setup
    assert test == "python -m pytest"


def test_ci_runs_exactly_the_readme_test_command():
    _, test = _commands()
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    assert test in ci_lines
