"""Command line entry point: ``python -m databuild --sources DIR --out DIR --report DIR``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from databuild.build import run
from databuild.outlines import write_outlines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m databuild", description=__doc__)
    parser.add_argument("--sources", required=True, type=Path, help="raw sources folder")
    parser.add_argument("--out", required=True, type=Path, help="package data folder to write")
    parser.add_argument("--report", required=True, type=Path, help="quality report folder")
    args = parser.parse_args(argv)
    run(args.sources, args.out, args.report)
    write_outlines(args.out)  # country outlines for twintowns.maps (issue #8)
    return 0


if __name__ == "__main__":
    sys.exit(main())
