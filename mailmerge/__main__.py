"""`python -m mailmerge` runs the `hagaki` command."""

from mailmerge.cli import main

main()
