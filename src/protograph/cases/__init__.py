"""Cases: reading case timelines and caseloads (YAML, RDF, CSV), pseudonymising them, and
generating synthetic caseloads.

May import: ``corpus`` (the vocabulary a case is checked against), ``guard``, ``errors``,
``paths``, ``progress``. Never ``checking`` (a case is read before anything checks it)."""
