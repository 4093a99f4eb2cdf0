"""Check protocol encodings: parse, encoding shapes, undefined shared terms, timescales, quotes.

    python tools/check_encoding.py protocols/4lscb-met-2013.ttl [more.ttl ...]

Prints every problem, one a line, and exits 1 if there are any."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from rdflib import Graph  # noqa: E402

from protograph.corpus.encoding_checks import all_problems  # noqa: E402
from protograph.corpus.loader import ontology_files, parse_file  # noqa: E402
from protograph.errors import ProtographError  # noqa: E402


def main(paths: list[str]) -> int:
    ontology = Graph()
    for path in ontology_files():
        parse_file(path, ontology)
    failed = False
    for name in paths:
        path = Path(name)
        try:
            graph = parse_file(path)
            problems = all_problems(graph, ontology, path)
        except ProtographError as exc:
            print(exc)
            failed = True
            continue
        for problem in problems:
            print(f"{path}: {problem}")
        facts = len(set(graph.subjects()))
        print(f"{path}: {len(problems)} problem(s); {len(graph)} triples, {facts} subjects")
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
