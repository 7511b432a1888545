"""Run the ijw command line from a source checkout: ``python cli.py --help``."""

from ijw.cli import main

if __name__ == "__main__":
    main()
