"""Checking cases against protocols: obligations and their due times (``deadlines``), the
generated SHACL shapes and the reference pySHACL engine (``validation``), the batch engine
(``batch``), running a caseload on either (``caseload``), the outcome of each duty
(``compliance``) and which protocol version was in force when a duty was triggered
(``in_force``: protocol lines, in-force dates, ``--protocol in-force``).

May import: ``cases``, ``store``, ``corpus``, ``guard``, ``errors``, ``paths``, ``progress``."""
