"""dmr-edge: keep a local SQLite copy of the public DMR databases fresh on small machines."""

__version__ = "0.1.0"
