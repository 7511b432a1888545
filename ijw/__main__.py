"""``python -m ijw`` runs the command line."""

from ijw.cli import main

main()
