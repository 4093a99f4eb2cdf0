"""Shared fixtures: the bundled corpus, loaded once per test session."""

from __future__ import annotations

from collections import Counter

import pytest

from protograph.corpus.loader import Corpus, load_corpus
from protograph.paths import sources_dir

SOURCES_MISSING = not sources_dir().is_dir()
needs_sources = pytest.mark.skipif(
    SOURCES_MISSING, reason=f"protocol source texts not found at {sources_dir()} (set PROTOGRAPH_SOURCES)"
)


@pytest.fixture(scope="session", autouse=True)
def _cache_of_compiled_protocols(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The cache of compiled protocols (corpus/cache.py) goes to the session's own folder,
    never the developer's home; tests that need another set their own."""
    import os

    if "PROTOGRAPH_CACHE_DIR" not in os.environ:
        os.environ["PROTOGRAPH_CACHE_DIR"] = str(tmp_path_factory.mktemp("protograph-cache"))


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    """Every bundled protocol and the ontology, as one Dataset."""
    return load_corpus()


@pytest.fixture(scope="module")
def browser():  # noqa: ANN201 - a playwright Browser
    """Debian's headless Chromium, driven by playwright (never a downloaded browser)."""
    from support import CHROMIUM, CHROMIUM_FLAGS, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


EXAMPLES_RUN = pytest.StashKey[Counter]()


@pytest.fixture(scope="session")
def examples_run(pytestconfig: pytest.Config) -> Counter:
    """Hypothesis examples run, per property; the counts are printed at the end of the run."""
    return pytestconfig.stash.setdefault(EXAMPLES_RUN, Counter())


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """Say how many examples each property-based test ran, so a reader sees what was tried."""
    counts = config.stash.get(EXAMPLES_RUN, None)
    if not counts:
        return
    terminalreporter.section("hypothesis examples run")
    for name, count in sorted(counts.items()):
        terminalreporter.write_line(f"{count:7,d}  {name}")
