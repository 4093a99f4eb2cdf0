"""SPARQL stores: the embedded engines (pyoxigraph, rdflib) that run the query files, and a
SPARQL 1.1 server (``endpoint``) the corpus and a caseload can be loaded into.

May import: ``corpus``, ``guard``, ``errors``, ``paths``, ``progress``."""
