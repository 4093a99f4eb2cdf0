"""Checking cases against protocols: obligations and their due times (``deadlines``), the
generated SHACL shapes and the reference pySHACL engine (``validation``), the batch engine
(``batch``), running a caseload on either (``caseload``) and the outcome of each duty
(``compliance``).

May import: ``cases``, ``store``, ``corpus``, ``guard``, ``errors``, ``paths``, ``progress``."""
