"""The report for policy staff: one self-contained HTML file with charts and totals.

:mod:`ijw.report.queries` reads the figures (aggregates in the database, typed
results), :mod:`ijw.report.charts` draws them as inline SVG and
:mod:`ijw.report.render` puts them into the page (``templates/``). The library
entry point is :func:`ijw.api.report`; the command is ``ijw report``.
"""
