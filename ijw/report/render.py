"""Gathering the report's figures and rendering them as one self-contained HTML file.

The page is rendered with Jinja2 from ``templates/report.html.j2`` (shipped in
the package); its styles and its charts (inline SVG, :mod:`ijw.report.charts`)
are inside the file, so it opens from a mail attachment without a network.
Only counts and sums appear in it, never a BSN.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ijw.declarations import DeclarationMonth
from ijw.report import charts
from ijw.report.queries import PackFigures, ReportFigures

# --------------------------------------------------------------------------- charts


def _traffic_chart(figures: ReportFigures) -> str:
    months = sorted({t.month for t in figures.traffic})
    types = sorted({t.message_type for t in figures.traffic})
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for t in figures.traffic:
        counts[(t.message_type, t.month)] += t.messages
    series = {kind: [counts[(kind, m)] for m in months] for kind in types}
    return charts.stacked_bars("traffic", months, series, ylabel="messages")


def _timeliness_chart(figures: ReportFigures) -> str:
    kinds = [t.kind for t in figures.timeliness]
    series = {"on time": [t.on_time for t in figures.timeliness],
              "late": [t.late for t in figures.timeliness],
              "no answer yet": [t.unanswered for t in figures.timeliness]}
    return charts.stacked_bars("timeliness", kinds, series, ylabel="heenberichten",
                               horizontal=True)


def _rejections_chart(figures: ReportFigures) -> str:
    by_code: dict[str, int] = defaultdict(int)
    for c in figures.rejections_by_code:
        by_code[c.code] += c.retours
    codes = sorted(by_code, key=lambda c: (-by_code[c], c))
    return charts.stacked_bars("rejections", codes, {"retours": [by_code[c] for c in codes]},
                               ylabel="retours with this code", horizontal=True,
                               empty="no rejections in this period")


def _providers_chart(figures: ReportFigures) -> str:
    providers = [p.aanbieder for p in figures.rejections_by_provider]
    series = {"accepted": [p.received - p.rejected for p in figures.rejections_by_provider],
              "rejected": [p.rejected for p in figures.rejections_by_provider]}
    return charts.stacked_bars("providers", providers, series, ylabel="heenberichten received",
                               horizontal=True)


def _pack_chart(pack: PackFigures, index: int) -> str:
    providers = sorted({c.aanbieder for c in pack.counts})
    keys = sorted({(c.regime or "-", c.status) for c in pack.counts})
    counts = {(c.aanbieder, c.regime or "-", c.status): c.decisions for c in pack.counts}
    series = {f"{regime}: {status}": [counts.get((p, regime, status), 0) for p in providers]
              for regime, status in keys}
    return charts.stacked_bars(f"pack{index}", providers, series, ylabel="decisions",
                               horizontal=True, empty="no decisions stored for this pack")


def _declaraties_chart(figures: ReportFigures) -> str:
    months = sorted({d.month_iso for d in figures.declaraties})
    submitted: dict[str, int] = defaultdict(int)
    approved: dict[str, int] = defaultdict(int)
    for d in figures.declaraties:
        submitted[d.month_iso] += d.submitted_amount
        approved[d.month_iso] += d.approved_amount
    series = {"submitted": [submitted[m] / 100 for m in months],
              "approved": [approved[m] / 100 for m in months]}
    return charts.grouped_bars("declaraties", months, series, ylabel="euro",
                               empty="no declaraties in this period")


# --------------------------------------------------------------------------- the page


def euro(cents: int) -> str:
    """Eurocents for people: ``€ 1.234,56`` (Dutch notation, a minus for credits)."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}€ {whole:,}".replace(",", ".") + f",{rest:02d}"


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("ijw.report", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["euro"] = euro
    env.filters["percent"] = lambda x: f"{100 * x:.1f}%"
    return env


def render_html(figures: ReportFigures) -> str:
    """The report as one HTML document."""
    declaraties_by_provider: dict[str, list[DeclarationMonth]] = defaultdict(list)
    for d in figures.declaraties:
        declaraties_by_provider[d.aanbieder].append(d)
    months: dict[str, list[DeclarationMonth]] = defaultdict(list)
    for d in figures.declaraties:
        months[d.month_iso].append(d)
    traffic_types = sorted({t.message_type for t in figures.traffic})
    traffic_months = sorted({t.month for t in figures.traffic})
    traffic_counts: dict[tuple[str, str], int] = defaultdict(int)
    for t in figures.traffic:
        traffic_counts[(t.month, t.message_type)] += t.messages
    template = _environment().get_template("report.html.j2")
    return template.render(
        f=figures,
        charts={
            "traffic": Markup(_traffic_chart(figures)),  # noqa: S704 - our own SVG
            "timeliness": Markup(_timeliness_chart(figures)),  # noqa: S704
            "rejections": Markup(_rejections_chart(figures)),  # noqa: S704
            "providers": Markup(_providers_chart(figures)),  # noqa: S704
            "declaraties": Markup(_declaraties_chart(figures)),  # noqa: S704
        },
        pack_charts=[Markup(_pack_chart(p, i))  # noqa: S704
                     for i, p in enumerate(figures.packs)],
        traffic_types=traffic_types, traffic_months=traffic_months,
        traffic_counts=traffic_counts,
        declaraties_by_provider=sorted(declaraties_by_provider.items()),
        declaratie_months=sorted(months.items()),
    )


def write_report(figures: ReportFigures, out: Path) -> Path:
    """Render ``figures`` into the file ``out`` (written whole, then renamed into place)."""
    html = render_html(figures)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.tmp")
    partial.write_text(html, encoding="utf-8")
    partial.replace(out)
    return out
