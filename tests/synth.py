"""Synthetic iJw 3.2 messages for demos, tests and benchmarks.

Providers are fictitious (AGB codes 99990001...), BSNs come only from the
range reserved for test environments (999900006-999999990) and pass the
elfproef. Nothing here describes a real person.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from stdnum.nl import bsn as stdnum_bsn

from ijw.messages import Message, message_class
from ijw.writing import write

GEMEENTE = "0363"
AANBIEDERS = ("99990001", "99990002", "99990003")
VERSIE = {"basisschema_xsd_versie": "1.0.0", "bericht_xsd_versie": "1.0.0"}


@cache
def test_bsns() -> tuple[str, ...]:
    """Every BSN in the test range that passes the elfproef, ascending."""
    return tuple(
        str(n) for n in range(999_900_006, 999_999_991) if stdnum_bsn.is_valid(str(n))
    )


def bsn(i: int) -> str:
    """The ``i``-th test BSN."""
    pool = test_bsns()
    return pool[i % len(pool)]


def _header(message_type: str, afzender: str, ontvanger: str, ident: str, day: date
            ) -> dict[str, Any]:
    return {
        "bericht_code": message_class(message_type).code,
        "afzender": afzender,
        "ontvanger": ontvanger,
        "bericht_identificatie": {"identificatie": ident, "dagtekening": day},
        "xsd_versie": VERSIE,
    }


def _person(number: int) -> dict[str, Any]:
    return {
        "bsn": bsn(number),
        "geboortedatum": {"datum": date(2012, 1, 1) + timedelta(days=number % 3000)},
        "geslacht": str(number % 3),
        "naam": {"geslachtsnaam": {"achternaam": f"Testkind{number}"}, "voorletters": "T"},
    }


def jw315(client: int, aanbieder: str, ident: str, day: date, refs: list[str],
          start: date, end: date | None = None, product: tuple[str, str] = ("54", "54001")
          ) -> Message:
    """A verzoek om toewijzing with one product per reference."""
    products = [
        {
            "referentie_aanbieder": ref,
            "product": {"categorie": product[0], "code": product[1]},
            "toewijzing_ingangsdatum": start,
            "toewijzing_einddatum": end,
            "omvang": {"volume": 10, "eenheid": "04", "frequentie": "4"},
            "verwijzer": {"type": "02", "zorgverlener_code": "01999999"},
        }
        for ref in refs
    ]
    return message_class("JW315").model_validate({
        "header": _header("JW315", aanbieder, GEMEENTE, ident, day),
        "client": {**_person(client), "aangevraagde_producten": products},
    })


@dataclass(frozen=True)
class Toewijzing:
    """One ToegewezenProduct for :func:`jw301`."""

    nummer: int
    start: date
    end: date | None
    ref: str | None = None
    product: tuple[str, str] | None = ("54", "54001")
    decided: date = date(2023, 1, 1)
    at: time = time(9, 0)
    reden: str | None = None


def jw301(client: int, aanbieder: str, ident: str, day: date, products: list[Toewijzing],
          gemeente: str = GEMEENTE) -> Message:
    """A toewijzing of one or more products to ``aanbieder``."""
    person = _person(client)
    person["naam"] = {**person["naam"], "naam_gebruik": "1"}
    return message_class("JW301").model_validate({
        "header": _header("JW301", gemeente, aanbieder, ident, day),
        "client": {
            **person,
            "contactgegevens": [{"soort": "01", "adres": {
                "huis": {"huisnummer": 1}, "postcode": "1000AA", "land_code": "NL"}}],
            "toegewezen_producten": [
                {
                    "toewijzing_nummer": p.nummer,
                    "referentie_aanbieder": p.ref,
                    "product": ({"categorie": p.product[0], "code": p.product[1]}
                                if p.product else None),
                    "toewijzingsdatum": p.decided,
                    "toewijzingstijd": p.at,
                    "ingangsdatum": p.start,
                    "einddatum": p.end,
                    "reden_wijziging": p.reden,
                    "omvang": ({"volume": 10, "eenheid": "04", "frequentie": "4"}
                               if p.product and p.product[1] else None),
                    "budget": None if p.product else 100_000,
                }
                for p in products
            ],
        },
    })


def _care(kind: str, client: int, aanbieder: str, ident: str, day: date, nummer: int | None,
          begin: date, status: str = "1", end: date | None = None, reden: str = "31",
          product: tuple[str, str] | None = ("54", "54001")) -> Message:
    line: dict[str, Any] = {
        "toewijzing_nummer": nummer,
        "product": {"categorie": product[0], "code": product[1]} if product else None,
        "begindatum": begin,
        "status_aanlevering": status,
    }
    if kind == "JW307":
        line.update(reden_beeindiging=reden, einddatum=end)
        field = "stop_producten"
    else:
        field = "start_producten"
    return message_class(kind).model_validate({
        "header": _header(kind, aanbieder, GEMEENTE, ident, day),
        "client": {**_person(client), field: [line]},
    })


def jw305(client: int, aanbieder: str, ident: str, day: date, nummer: int | None, begin: date,
          status: str = "1", product: tuple[str, str] | None = ("54", "54001")) -> Message:
    """A start zorg for one toewijzing."""
    return _care("JW305", client, aanbieder, ident, day, nummer, begin, status, product=product)


def jw307(client: int, aanbieder: str, ident: str, day: date, nummer: int | None, begin: date,
          end: date, reden: str = "31", status: str = "1",
          product: tuple[str, str] | None = ("54", "54001")) -> Message:
    """A stop zorg for one start."""
    return _care("JW307", client, aanbieder, ident, day, nummer, begin, status, end, reden,
                 product)


def jw319(aanbieder: str, ident: str, day: date, ref: str, antwoord: str = "1",
          reden: str | None = "3") -> Message:
    """An antwoordbericht on one verzoek."""
    return message_class("JW319").model_validate({
        "header": _header("JW319", GEMEENTE, aanbieder, ident, day),
        "antwoord": {"referentie_aanbieder": ref, "verzoek_antwoord": antwoord,
                     "reden_afwijzing_verzoek": reden if antwoord == "1" else None},
    })


@dataclass(frozen=True)
class Prestatie:
    """One Prestatie for :func:`jw323`: ``volume`` units of ``tarief`` eurocents."""

    ref: str
    nummer: int
    client: int = 1
    begin: date = date(2026, 3, 1)
    end: date = date(2026, 3, 31)
    product: tuple[str, str] = ("54", "54001")
    volume: int = 10
    eenheid: str = "04"
    tarief: int | None = 5_000
    bedrag: int | None = None  # default: volume x tarief
    credit: bool = False
    vorig: str | None = None


def jw323(aanbieder: str, ident: str, day: date, prestaties: list[Prestatie],
          period: tuple[date, date] = (date(2026, 3, 1), date(2026, 3, 31)),
          nummer: str | None = None, total: int | None = None,
          gemeente: str = GEMEENTE) -> Message:
    """A declaratie of ``aanbieder`` over ``period`` (one calendar month).

    Prestaties are grouped per client in the order given; the total is the signed
    sum of the prestaties unless ``total`` (signed eurocents) says otherwise.
    """
    clients: dict[int, list[dict[str, Any]]] = {}
    signed_sum = 0
    for p in prestaties:
        amount = p.bedrag if p.bedrag is not None else p.volume * (p.tarief or 0)
        signed_sum += -amount if p.credit else amount
        clients.setdefault(p.client, []).append({
            "product_referentie": {"referentie_nummer": p.ref,
                                   "vorig_referentie_nummer": p.vorig},
            "toewijzing_nummer": p.nummer,
            "product_categorie": p.product[0],
            "product_code": p.product[1],
            "product_periode": {"begindatum": p.begin, "einddatum": p.end},
            "geleverd_volume": p.volume,
            "eenheid": p.eenheid,
            "product_tarief": p.tarief,
            "ingediend_bedrag": {"bedrag": amount, "debet_credit": "C" if p.credit else "D"},
        })
    value = signed_sum if total is None else total
    return message_class("JW323").model_validate({
        "header": _header("JW323", aanbieder, gemeente, ident, day),
        "declaratie": {
            "declaratie_nummer": nummer or ident.replace("-", "")[:12],
            "declaratie_periode": {"begindatum": period[0], "einddatum": period[1]},
            "declaratie_dagtekening": day,
            "totaal_ingediend_bedrag": {"totaal_bedrag": abs(value),
                                        "debet_credit": "C" if value < 0 else "D"},
            "clienten": [{"bsn": bsn(c), "prestaties": items} for c, items in clients.items()],
        },
    })


def aanbieder(n: int) -> str:
    """The ``n``-th fictitious provider (AGB 9999xxxx); the first three are :data:`AANBIEDERS`."""
    return f"9999{n + 1:04d}"


def traject(i: int, base: date = date(2023, 3, 1), providers: int = len(AANBIEDERS)
            ) -> Iterator[tuple[str, Message]]:
    """The four messages of one client's trajectory: 315, 301, 305, 307."""
    agb = aanbieder(i % providers)
    day = base + timedelta(days=i % 200)
    ref = f"REF{i:08d}"
    start = day + timedelta(days=7)
    yield f"jw315-{i}.xml", jw315(i, agb, f"V{i:010d}", day, [ref], start)
    yield f"jw301-{i}.xml", jw301(i, agb, f"T{i:010d}", day + timedelta(days=2),
                                  [Toewijzing(100_000 + i, start, start + timedelta(days=180),
                                              ref, decided=day + timedelta(days=2))])
    yield f"jw305-{i}.xml", jw305(i, agb, f"S{i:010d}", start + timedelta(days=1),
                                  100_000 + i, start)
    yield f"jw307-{i}.xml", jw307(i, agb, f"E{i:010d}", start + timedelta(days=100),
                                  100_000 + i, start, start + timedelta(days=90))


def write_corpus(folder: Path, clients: int, offset: int = 0,
                 providers: int = len(AANBIEDERS)) -> list[Path]:
    """Write ``4 * clients`` message files (full trajectories) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(offset, offset + clients):
        for name, message in traject(i, providers=providers):
            path = folder / name
            path.write_bytes(write(message, stamp=False, validate=False))
            paths.append(path)
    return paths


#: Toewijzingen of the declaratie corpus are numbered from here (trajectories use 100,000+).
DECLARATIE_NUMMER = 900_000


def _month(first: date, months: int) -> tuple[date, date]:
    """The calendar month ``months`` after the one starting on ``first``: (first day, last day)."""
    year, month = divmod(first.month - 1 + months, 12)
    begin = date(first.year + year, month + 1, 1)
    nyear, nmonth = divmod(month + 1, 12)
    return begin, date(first.year + year + nyear, nmonth + 1, 1) - timedelta(days=1)


def declaraties(clients: int, offset: int = 0, months: int = 6, per_declaratie: tuple[int, int]
                = (5, 50), providers: int = len(AANBIEDERS), first: date = date(2024, 1, 1)
                ) -> Iterator[tuple[str, Message]]:
    """A declaratie traffic: one 301 per client, then monthly 323s per provider.

    Client ``offset + i`` gets toewijzing ``DECLARATIE_NUMMER + offset + i`` from its
    provider, running ``months`` calendar months from ``first``. Each month every
    provider declares one prestatie per client (a full month, 10 hours of 50 euros),
    in 323s of ``per_declaratie`` prestaties (the sizes cycle through the range),
    dated the 5th of the next month. Every prestatie passes the rules.
    """
    end = _month(first, months - 1)[1]
    by_provider: dict[str, list[int]] = {}
    for i in range(offset, offset + clients):
        agb = aanbieder(i % providers)
        by_provider.setdefault(agb, []).append(i)
        yield f"jw301-d{i}.xml", jw301(i, agb, f"TD{i:09d}", first - timedelta(days=10), [
            Toewijzing(DECLARATIE_NUMMER + i, first, end, decided=first - timedelta(days=10))])
    low, high = per_declaratie
    size = low
    for m in range(months):
        begin, last = _month(first, m)
        day = last + timedelta(days=5)
        for agb, members in sorted(by_provider.items()):
            start = 0
            while start < len(members):
                chunk = members[start:start + size]
                start += len(chunk)
                size = low + (size - low + 7) % (high - low + 1)
                ident = f"D{m:02d}{chunk[0]:08d}"
                yield f"jw323-{ident}.xml", jw323(agb, ident, day, [
                    Prestatie(f"P{m:02d}{i:09d}", DECLARATIE_NUMMER + i, client=i, begin=begin,
                              end=last) for i in chunk], period=(begin, last))


def write_declaraties(folder: Path, clients: int, offset: int = 0, months: int = 6,
                      providers: int = len(AANBIEDERS), first: date = date(2024, 1, 1)
                      ) -> list[Path]:
    """Write the messages of :func:`declaraties` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, message in declaraties(clients, offset, months, providers=providers,
                                     first=first):
        path = folder / name
        path.write_bytes(write(message, stamp=False, validate=False))
        paths.append(path)
    return paths
