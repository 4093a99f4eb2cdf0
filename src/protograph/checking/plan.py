"""The compiled plan: what every protocol's duties compile to, paid for once.

Reading which duties a case timeline can check (deadlines.checkable_duties: duties, evidence,
scope, timing, severity and its reason, with provision and quote) costs an rdflib parse of the
encodings and several SPARQL queries a protocol. A ``Plan`` holds the result for the chosen
protocols: small, picklable, and all the direct engine (direct.validate_chunk) needs, so a
worker process validates its chunk of a caseload from the plan alone, without the corpus.

``load_checking_corpus`` gives a corpus whose compiled values come from the on-disk cache
(corpus/cache.py) when the encoding files are unchanged: a warm ``validate`` then parses no
Turtle for the protocols at all (the graphs load only if something asks for them).

For a caseload cut into chunks (cases are independent):

    plan = compile_plan(corpus, protocols)          # or plan_for(corpus_dirs, protocols)
    results = direct.validate_chunk(plan, chunk, tolerance=tolerance)   # in any process

and ``pickle.dumps(plan)`` is what a worker process receives (about 120 KB for the five
bundled protocols). A worker that also renders findings (reports need the protocol versions)
can call ``load_checking_corpus(corpus_dirs, bundled=...)`` itself: warm, it restores the
corpus's compiled values from the cache in milliseconds, without parsing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..corpus.loader import Corpus
from .deadlines import Checkable, checkability

PLAN_CACHE = "compiled"


@dataclass(frozen=True)
class Plan:
    """The checkable duties of each compiled protocol, in document order."""

    compiled: dict[str, tuple[Checkable, ...]]
    _messages: dict[int, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def protocols(self) -> list[str]:
        """The ids of the compiled protocols, sorted."""
        return sorted(self.compiled)

    def checks(self, protocol_id: str) -> list[Checkable]:
        """One protocol's checkable duties (KeyError for a protocol not compiled)."""
        return list(self.compiled[protocol_id])

    def messages(self) -> dict[int, tuple[str, ...]]:
        """Each checkable duty's constraint messages (one per requirement of its evidence),
        keyed by id(check): computed once a process, never pickled (ids do not survive it)."""
        if not self._messages:
            from .shapes import constraint_message

            for checks in self.compiled.values():
                for check in checks:
                    self._messages[id(check)] = tuple(constraint_message(check, e) for e in check.evidence)
        return self._messages

    def __getstate__(self) -> dict[str, object]:
        return {"compiled": self.compiled}

    def __setstate__(self, state: dict[str, object]) -> None:
        object.__setattr__(self, "compiled", state["compiled"])
        object.__setattr__(self, "_messages", {})


def compile_plan(corpus: Corpus, protocols: Sequence[str] | None = None) -> Plan:
    """The plan of the chosen protocols (every loaded one when None) from a loaded corpus;
    from a corpus given by load_checking_corpus this reads no RDF."""
    chosen = sorted(set(protocols if protocols is not None else corpus.ids()))
    for protocol_id in chosen:
        corpus.info(protocol_id)  # an unknown id is one clear line
    return Plan({p: tuple(c for c in checkability(corpus, p) if isinstance(c, Checkable)) for p in chosen})


def plan_for(corpus_dirs: Sequence[Path] = (), protocols: Sequence[str] | None = None, *, bundled: bool = True) -> Plan:
    """The plan of the chosen protocols of the corpus these folders give (as ``--corpus`` and
    ``--no-bundled`` do), from the cache when the encoding files are unchanged."""
    return compile_plan(load_checking_corpus(corpus_dirs, bundled=bundled), protocols)


def _memo_keys(protocol_ids: list[str]) -> list[object]:
    """The derived values a validation run asks of a corpus: cached, they spare it the parse."""
    return ["in-force-versions", *(k for p in protocol_ids for k in (("checkability", p), ("duties", p)))]


def load_checking_corpus(corpus_dirs: Sequence[Path] = (), *, bundled: bool = True) -> Corpus:
    """The corpus for validation: restored from the cache when every encoding file, and the
    code that compiles them, is as it was (corpus/cache.py), else loaded and compiled, and
    the cache written for the next run. Loading the same files as load_corpus, it fails as
    load_corpus does; a cache that cannot be read or written is ignored."""
    from ..corpus import cache
    from ..corpus.loader import RestoredCorpus, encoding_files, load_corpus

    def load() -> Corpus:
        return load_corpus(list(corpus_dirs), bundled=bundled)

    folder = cache.cache_dir()
    if folder is None:
        return load()
    key = cache.fingerprint(encoding_files(corpus_dirs, bundled=bundled), f"bundled={bundled}")
    cached = cache.read(PLAN_CACHE, key)
    if isinstance(cached, dict) and isinstance(cached.get("protocols"), dict) and isinstance(cached.get("memo"), dict):
        return RestoredCorpus(cached["protocols"], dict(cached["memo"]), load)
    corpus = load()
    from .in_force import versions

    versions(corpus)
    for protocol_id in corpus.ids():
        checkability(corpus, protocol_id)
    memo = {k: corpus._memo[k] for k in _memo_keys(corpus.ids()) if k in corpus._memo}
    cache.write(PLAN_CACHE, key, {"protocols": corpus.protocols, "memo": memo})
    return corpus
