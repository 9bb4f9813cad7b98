"""Run mltrack as ``python -m mltrack``."""

from mltrack.cli import main

main()
