"""External code lists that ship with ijw (package data), used by the level-4 rules.

* ``cbs_gemeenten.csv``: the CBS gemeentecodes with their validity (TR378);
  loaded by :mod:`ijw.codelists.cbs`;
* ``wj001.csv``: what each retourcode means (WJ001), for summaries and reason
  files; loaded by :mod:`ijw.codelists.wj001`.
"""
