"""Reports: rows rendered as a table, Markdown, JSON or CSV (``formats``), and the reports
built on them: a protocol's summary, its coverage of its source text, a SERAF score, the
timescales, validation findings, the caseload report, and the policy reports (conflicts,
diffs, timescales side by side) as Markdown or HTML pages; what
every case report explains once (``explain``: review dates, the legend of statuses).

May import: ``checking``, ``comparing``, ``cases``, ``store``, ``corpus``, ``errors``,
``paths``, ``progress``. Never ``graphs``, a sibling. Reports render what the layers below
computed; they never run a check themselves."""
