"""External code lists that ship with ijw (package data), used by the level-4 rules.

* ``cbs_gemeenten.csv``: the CBS gemeentecodes with their validity (TR378);
  loaded by :mod:`ijw.codelists.cbs`.
"""
