"""`python -m scanner` runs the command-line tool."""

from scanner.cli import main

raise SystemExit(main())
