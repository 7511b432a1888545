"""Level-4 (externe bron) rules against the product code list: TR381.

The list is an outside source, asked through
:meth:`ijw.rules.context.RuleContext.product_known`; the store is not
queried. See :mod:`ijw.codelists.products` for the list itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from ijw.errors import Level
from ijw.messages import Message
from ijw.messages.base import code_value
from ijw.messages.r3_2.codelists import RetourCode
from ijw.rules import Hit, Loc, rule
from ijw.rules.context import RuleContext

EXTERNAL = Level.EXTERNAL


def _named(product: Any, loc: Loc, on: date) -> Iterator[tuple[Loc, str, str, date]]:
    """A CDT_Product that names a code: (location of the code, categorie, code, date)."""
    if product is not None and product.code:
        yield (*loc, "product", "code"), str(code_value(product.categorie)), product.code, on


def _products(message: Message) -> Iterator[tuple[Loc, str, str, date]]:
    """Every product code the message names, with the date it is for."""
    kind = message.message_type
    if kind == "JW323":
        body: Any = getattr(message, "declaratie")  # noqa: B009
        for i, declared in enumerate(body.clienten):
            for j, p in enumerate(declared.prestaties):
                yield (("declaratie", "clienten", i, "prestaties", j, "product_code"),
                       str(code_value(p.product_categorie)), p.product_code,
                       p.product_periode.begindatum)
        return
    client: Any = getattr(message, "client")  # noqa: B009
    if kind == "JW301":
        for i, p in enumerate(client.toegewezen_producten):
            yield from _named(p.product, ("client", "toegewezen_producten", i), p.ingangsdatum)
    elif kind == "JW315":
        for i, p in enumerate(client.aangevraagde_producten):
            yield from _named(p.product, ("client", "aangevraagde_producten", i),
                              p.toewijzing_ingangsdatum)
    elif kind in ("JW305", "JW307"):
        field = "start_producten" if kind == "JW305" else "stop_producten"
        for i, p in enumerate(getattr(client, field)):
            yield from _named(p.product, ("client", field, i), p.begindatum)
    elif kind == "JW317":
        for i, p in enumerate(client.verzoek.nieuwe_producten):
            yield from _named(p.product, ("client", "verzoek", "nieuwe_producten", i),
                              p.gewenste_ingangsdatum)


@rule("TR381", RetourCode.RS329, EXTERNAL, ("JW301", "JW305", "JW307", "JW315", "JW317", "JW323"))
def tr381_code_fits_category(message: Message, ctx: RuleContext) -> Iterator[Hit]:
    """The ProductCode belongs to the ProductCategorie on the product code list in use.

    TR381 (S329, externe bron), IV075: "ProductCode vullen met een code die,
    volgens de gehanteerde productcodelijst, past bij de ProductCategorie".

    Which list is "gehanteerd" is agreed in the contract between gemeente and
    aanbieder: the national list (021) or the gemeente's own. ijw reads no
    contracts; the operator states the contracted list by setting
    ``IJW_PRODUCTCODES`` to it, one list for the gemeente and all its
    aanbieders. That list is the contract: a code that is not on it for its
    category, valid on the date the product is for, is rejected, whatever the
    category. Without it the shipped national list applies, and it speaks only
    for the categories it has codes for: the national list has none for
    31-38 (2015), 54 (jeugd-ggz) and 55 (landelijk ingekochte zorg), whose
    codes come from other agreements, so a code in those categories is not
    judged (no evidence is no rejection at level 4).

    An aspecific product (Categorie without Code, IV075) and a generic one (no
    Product) name no code: nothing to check here; whether a declared code fits
    the toegewezen category is TR339/TR340. A TeWijzigenProduct of a 317
    names no product (only the ToewijzingNummer of the gemeente's own 301),
    so only NieuwProduct is checked there.

    The date a code must be valid on: the Ingangsdatum of a ToegewezenProduct
    (301), the ToewijzingIngangsdatum of an AangevraagdProduct (315), the
    Begindatum of a start or stop line (305, 307), the GewensteIngangsdatum of
    a NieuwProduct (317), the ProductPeriode's Begindatum of a prestatie
    (323; a prestatie-class finding, so the 325 rejects that prestatie with
    S329). A 301 is the gemeente's own message: it is registered and the
    finding reported as a warning.
    """
    for loc, categorie, code, on in _products(message):
        if not ctx.product_known(categorie, code, on):
            yield Hit(loc, f"ProductCode {code} is not a code of ProductCategorie "
                           f"{categorie} on the product code list in use")
