"""Guards at the edge of the process: nothing reaches the network, and user files are read strictly.

Owns the process-wide network guard (``network``) and the strict reading of user files
(``input_files``: size limits, encodings, line numbers for errors).

May import: ``errors``, ``paths``. Imported by every layer above."""
