"""Duty graphs: who owes what to whom, by when, as a networkx graph (``duty_graph``) and
as one self-contained offline HTML page (``page``).

May import: ``comparing`` (a version diff colours the graph), ``store``, ``corpus``,
``errors``, ``paths``. Never ``reports``, a sibling."""
