"""protograph: multi-agency child-safeguarding protocols as a knowledge graph.

Subpackages follow how data moves (docs/architecture.md; tests/test_architecture.py holds
the order and fails on an upward import or a cycle): ``errors``, ``paths``, ``progress`` at
the bottom; ``guard``; ``corpus``; ``cases`` and ``store``; ``checking`` and ``comparing``;
``reports`` and ``graphs``; ``frames`` (the notebook API); ``cli``.

The library API is imported lazily so that the CLI starts fast; import what you need:

    from protograph.corpus.loader import load_corpus
    corpus = load_corpus()
"""

__version__ = "0.1.0"
