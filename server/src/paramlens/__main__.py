"""`python -m paramlens`: the same entry point as the `paramlens` console script."""

from paramlens.cli import main

raise SystemExit(main())
