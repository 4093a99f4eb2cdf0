"""protograph: multi-agency child-safeguarding protocols as a knowledge graph.

The library API is imported lazily so that the CLI starts fast; import what you need:

    from protograph.corpus.loader import load_corpus
    corpus = load_corpus()
"""

__version__ = "0.1.0"
