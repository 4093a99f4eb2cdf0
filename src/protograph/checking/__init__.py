"""Checking cases against protocols: obligations and their due times (``deadlines``), the
SHACL shapes generated from duties (``shapes``), the reference pySHACL engine
(``validation``), the batch engine (``batch``), running a caseload on either (``caseload``),
the outcome of each duty (``compliance``) and which protocol version was in force when a duty
was triggered (``in_force``: protocol lines, in-force dates, ``--protocol in-force``); and
everything ``protograph check`` asks of a protocol's encoding (``protocol_checks``, with the
limits a duty's words name that its scope lacks, ``scope_limits``).

May import: ``cases``, ``store``, ``corpus``, ``guard``, ``errors``, ``paths``, ``progress``."""
