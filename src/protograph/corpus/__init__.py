"""The corpus: the ontology and the protocol versions, read into one RDF dataset, and what is
known about them without a case: duties, timescales, SERAF rules, the encoding checks, quotes
against the source texts, coverage of the normative sentences, the protocol list and the
count of each kind of fact (``catalogue``: for the bundled files, read without rdflib),
'did you mean …?' for misspelt ids (``suggest``), and the on-disk cache of what the encoding
files compile to, keyed by their sha256 (``cache``).

Owns the generated closed namespace (``namespace``), the loader, the SPARQL files' runner on
rdflib (``queries``; the ``.rq`` files stay data in ``protograph/queries/``, found by
``paths.queries_dir()``).

May import: ``guard``, ``errors``, ``paths``, ``progress``."""
