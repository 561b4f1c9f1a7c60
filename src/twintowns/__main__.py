"""``python -m twintowns``: the command line (see :mod:`twintowns.cli`)."""

from twintowns.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
