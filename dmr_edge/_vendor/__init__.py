"""Third-party code carried unmodified, for systems whose packages lack it.

``tomli/``: tomli 2.3.0 (MIT, see ``tomli/LICENSE``), the pure-Python source files of
https://pypi.org/project/tomli/2.3.0/ (sdist sha256
64be704a875d2a59753d80ee8a533c3fe183e3f06807ff7dc2232938ccb01549), unchanged. It is the
TOML reader of last resort on Python < 3.11 when no ``tomli`` is installed: Debian
bullseye (Pi-Star, Raspberry Pi OS legacy) has Python 3.9 and no python3-tomli package.
2.3.0 is the newest tomli that parses TOML 1.0.0, the version the ``tomllib`` of Python
3.11 to 3.13 parses (2.4.0 moved to TOML 1.1.0), so a configuration means the same on
every supported Python. See ``dmr_edge.config`` for the import order.
"""
