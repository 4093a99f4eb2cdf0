"""The direct engine (the shapes' constraints evaluated in Python from the compiled plan) and
the shapes engine (the constraint queries themselves, on pyoxigraph) agree finding for
finding, obligation for obligation; the compiled plan travels to a worker process; and the
on-disk cache of compiled protocols is never stale, never holds case data, and survives
being corrupted."""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from protograph.cases.reading import read_any_case
from protograph.cases.synthetic import caseload
from protograph.checking.batch import validate_batch, validate_shapes
from protograph.checking.direct import validate_chunk
from protograph.checking.plan import compile_plan, load_checking_corpus, plan_for
from protograph.corpus.loader import RestoredCorpus, load_corpus
from protograph.paths import data_dir, sources_dir

DATA = Path(__file__).parent / "data" / "cases"
HOUR = timedelta(hours=1)
PROTOCOL = "lincs-tc-2023"


def _everything(results):
    """Findings, obligations (with due and owed-from times) and not-applicable reasons."""
    return [
        (
            r.case.id,
            r.protocol,
            [f.as_row() for f in r.findings],
            [(o.id, o.due, o.arises, o.note) for o in r.obligations],
            [(c.duty.id, why) for c, why in r.not_applicable],
        )
        for r in results
    ]


def test_direct_and_shapes_engines_agree_on_every_case_in_tests(corpus):
    cases = [read_any_case(p) for p in sorted(DATA.glob("*.yaml"))]
    direct = validate_batch(corpus, cases, corpus.ids(), HOUR)
    shapes = validate_shapes(corpus, cases, corpus.ids(), HOUR)
    assert sum(len(r.findings) for r in shapes) > 50
    assert _everything(direct) == _everything(shapes)


def test_direct_and_shapes_engines_agree_on_a_generated_caseload(corpus):
    cases = caseload(400, seed=11)
    direct = validate_batch(corpus, cases, corpus.ids(), HOUR)
    shapes = validate_shapes(corpus, cases, corpus.ids(), HOUR)
    found = [f for r in shapes for f in r.findings]
    assert {f.status for f in found} == {"late", "not recorded", "open"}
    assert len(found) > 1000
    assert _everything(direct) == _everything(shapes)


def test_a_pickled_plan_validates_a_chunk_without_the_corpus(corpus):
    plan = compile_plan(corpus, corpus.ids())
    data = pickle.dumps(plan)
    assert len(data) < 500_000  # small enough to send to every worker process
    cases = caseload(60, seed=5)
    restored = pickle.loads(data)
    chunked = validate_chunk(restored, cases[:25], tolerance=HOUR) + validate_chunk(
        restored, cases[25:], tolerance=HOUR
    )
    assert _everything(chunked) == _everything(validate_batch(corpus, cases, corpus.ids(), HOUR))
    assert restored.protocols == corpus.ids()
    assert restored == plan == plan_for(protocols=corpus.ids()) == plan_for(protocols=corpus.ids())  # cold, warm


def _corpus_copy(folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(data_dir("protocols") / f"{PROTOCOL}.ttl", folder)
    shutil.copy(sources_dir() / f"{PROTOCOL}.txt", folder)
    return folder


def _labels(corpus) -> list[str]:
    return [c.duty.label for c in compile_plan(corpus, [PROTOCOL]).checks(PROTOCOL)]


def test_the_cache_serves_a_warm_run_and_never_a_stale_protocol(tmp_path, monkeypatch):
    monkeypatch.setenv("PROTOGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    folder = _corpus_copy(tmp_path / "protocols")
    cold = load_checking_corpus([folder], bundled=False)
    assert not isinstance(cold, RestoredCorpus)
    assert len(list((tmp_path / "cache").glob("compiled-*"))) == 1
    warm = load_checking_corpus([folder], bundled=False)
    assert isinstance(warm, RestoredCorpus)  # served from the cache ...
    assert _labels(warm) == _labels(cold)
    assert "graphs" not in warm.__dict__  # ... without parsing the protocol
    # Edit one checkable duty's label in the protocol file: the next run sees the edit.
    old = _labels(cold)[0]
    path = folder / f"{PROTOCOL}.ttl"
    text = path.read_text(encoding="utf-8")
    assert text.count(f'"{old}"') == 1
    path.write_text(text.replace(f'"{old}"', f'"{old} (edited)"'), encoding="utf-8")
    edited = load_checking_corpus([folder], bundled=False)
    assert not isinstance(edited, RestoredCorpus)
    assert _labels(edited)[0] == f"{old} (edited)"
    assert _labels(load_checking_corpus([folder], bundled=False))[0] == f"{old} (edited)"
    assert _labels(edited) == _labels(load_corpus([folder], bundled=False))


def test_a_corrupt_cache_is_rebuilt_and_a_disabled_one_is_never_written(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("PROTOGRAPH_CACHE_DIR", str(cache))
    folder = _corpus_copy(tmp_path / "protocols")
    expected = _labels(load_checking_corpus([folder], bundled=False))
    (written,) = cache.glob("compiled-*")
    for garbage in (b"", b"not a pickle", written.read_bytes()[:100]):
        written.write_bytes(garbage)
        rebuilt = load_checking_corpus([folder], bundled=False)
        assert not isinstance(rebuilt, RestoredCorpus)
        assert _labels(rebuilt) == expected
        assert isinstance(load_checking_corpus([folder], bundled=False), RestoredCorpus)
    shutil.rmtree(cache)
    monkeypatch.setenv("PROTOGRAPH_NO_CACHE", "1")
    assert _labels(load_checking_corpus([folder], bundled=False)) == expected
    assert not cache.exists()


def test_the_cache_holds_no_case_data_and_gives_the_same_output(tmp_path):
    case = DATA / "case-017-uasc-trafficked.yaml"
    env_base = {"PATH": str(Path(sys.executable).parent), "HOME": str(tmp_path / "home")}
    command = [str(Path(sys.executable).with_name("protograph")), "validate", str(case), "--format", "json"]

    def run(**env: str) -> str:
        done = subprocess.run(command, env={**env_base, **env}, capture_output=True, text=True, timeout=300)
        assert done.returncode in (0, 1), done.stderr
        return done.stdout

    cache = tmp_path / "cache"
    uncached = run(PROTOGRAPH_NO_CACHE="1")
    assert run(PROTOGRAPH_CACHE_DIR=str(cache)) == uncached  # cold: compiled and written
    assert run(PROTOGRAPH_CACHE_DIR=str(cache)) == uncached  # warm: restored
    written = sorted(p.name.split("-")[0] for p in cache.iterdir())
    assert written == ["compiled", "vocabulary"]
    assert "case-017" in uncached
    for path in cache.iterdir():
        content = path.read_bytes()
        for marker in ("case-017", "2024-03-0"):  # the case id, and its events' dates
            assert marker.encode() not in content, path
    assert not (tmp_path / "home").exists()


@pytest.mark.parametrize("engine", ["batch", "shapes"])
def test_the_cli_engines_give_the_reference_findings(engine, tmp_path):
    case = DATA / "case-017-uasc-trafficked.yaml"
    base = [sys.executable, "-m", "protograph", "validate", str(case), "--format", "json"]
    env = {"PATH": str(Path(sys.executable).parent), "PROTOGRAPH_CACHE_DIR": str(tmp_path)}
    runs = [
        subprocess.run([*base, "--engine", e], env=env, capture_output=True, text=True) for e in (engine, "reference")
    ]
    assert runs[0].returncode == runs[1].returncode
    assert runs[0].stdout == runs[1].stdout
