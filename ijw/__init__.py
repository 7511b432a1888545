"""ijw: an engine for the iStandaarden iJw 3.2 message traffic of the Jeugdwet.

The library surface lives in :mod:`ijw.api`; the command line in :mod:`ijw.cli`.
"""

__version__ = "0.1.0"
