"""External code lists that ship with ijw (package data), used by the level-4 rules.

* ``cbs_gemeenten.csv``: the CBS gemeentecodes with their validity (TR378);
  loaded by :mod:`ijw.codelists.cbs`;
* ``jw_producten.csv``: the national product codes of the Jeugdwet per category
  (TR381), replaced by an operator's contract list through ``IJW_PRODUCTCODES``;
  loaded by :mod:`ijw.codelists.products`;
* ``wj001.csv``: what each retourcode means (WJ001), for summaries and reason
  files; loaded by :mod:`ijw.codelists.wj001`.
"""
