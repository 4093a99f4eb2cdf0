"""The board's views: who owes what to whom, by when, as a networkx graph (``duty_graph``) and
one self-contained offline HTML page (``page``); and the question-first timeline, when an event
happens who must do what by when (``timeline`` builds it, ``timeline_page`` draws it).

May import: ``comparing`` (a version diff colours the graph), ``checking`` (working-day
arithmetic places a deadline in its column), ``store``, ``corpus``, ``errors``, ``paths``.
Never ``reports``, a sibling."""
