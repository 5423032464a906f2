"""One-command setups for the systems hotspots run (``dmr-edge setup TARGET``).

Each target module plans its changes first (files to write, with their exact contents, and
commands to run), so ``--dry-run`` shows exactly what a real run does, a second run finds
nothing left to do, and ``--undo`` puts back what the first run changed.
"""
