"""The kinds of conflict, most serious first (the order of the report and of ``--kind``).
Kept apart from ``conflicts`` so that the command line can offer them without loading rdflib."""

KINDS = [
    "forbidden",
    "consent",
    "order",
    "deadline",
    "modality",
    "scope",
    "bearer",
    "recipient",
    "time-kind",
    "timescale",
    "threshold",
    "definition",
    "form",
    "absent",
]
