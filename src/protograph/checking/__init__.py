"""Checking cases against protocols: obligations and their due times (``deadlines``), the
SHACL shapes generated from duties (``shapes``), the reference pySHACL engine
(``validation``), the compiled plan of each protocol's checkable duties and its on-disk cache
(``plan``), the direct engine that evaluates the shapes' constraints in Python from the plan,
chunk by chunk (``direct``), the batch entry and the shapes engine on pyoxigraph or a server
(``batch``), running a caseload on any of them (``caseload``), the outcome of each duty
(``compliance``) and which protocol version was in force when a duty was triggered
(``in_force``: protocol lines, in-force dates, ``--protocol in-force``); and everything
``protograph check`` asks of a protocol's encoding (``protocol_checks``, with the limits a
duty's words name that its scope lacks, ``scope_limits``).

May import: ``cases``, ``store``, ``corpus``, ``guard``, ``errors``, ``paths``, ``progress``."""
