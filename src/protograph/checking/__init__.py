"""Checking cases against protocols: obligations and their due times (``deadlines``), the
generated SHACL shapes and the reference pySHACL engine (``validation``), the compiled plan
of each protocol's checkable duties and its on-disk cache (``plan``), the direct engine that
evaluates the shapes' constraints in Python from the plan, chunk by chunk (``direct``), the
batch entry and the shapes engine on pyoxigraph or a server (``batch``), running a caseload
on any of them (``caseload``), the outcome of each duty
(``compliance``) and which protocol version was in force when a duty was triggered
(``in_force``: protocol lines, in-force dates, ``--protocol in-force``).

May import: ``cases``, ``store``, ``corpus``, ``guard``, ``errors``, ``paths``, ``progress``."""
