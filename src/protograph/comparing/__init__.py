"""Comparing protocols: where they conflict (``conflicts``) and what changed between two
versions (``diff``), answered by the query files on a store.

May import: ``store``, ``corpus``, ``guard``, ``errors``, ``paths``, ``progress``."""
