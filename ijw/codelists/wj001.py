"""WJ001 Retourcode: what each code of LDT_RetourCode means, in the standard's own words.

The texts are the documentation of the enumeration in the release's
``basisschema.xsd`` (iJw 3.2), whitespace normalised. The official schema
documents 9355 too, which the WJ001 table itself lacks. Every member of
:class:`~ijw.messages.r3_2.codelists.RetourCode` has a meaning; a code
without one fails at import time.
"""

from __future__ import annotations

from ijw.messages.r3_2.codelists import RetourCode

MEANINGS: dict[RetourCode, str] = {
    RetourCode.R0001: 'Bericht is afgekeurd om technische redenen.',
    RetourCode.R0200: 'Geen opmerking over deze berichtklasse.',
    RetourCode.R0233: 'Berichtklasse is niet beoordeeld.',
    RetourCode.R0611: 'Het ingediende tarief komt niet overeen met het contractuele tarief',
    RetourCode.R8001: 'Declaratie is volledig toegewezen.',
    RetourCode.R8017: 'Van deze credit prestatie is geen debet prestatie bekend.',
    RetourCode.R8021: 'Referentienummer prestatie is reeds aangeleverd.',
    RetourCode.R8187: 'De prestatie hoort niet bij deze client.',
    RetourCode.R8214: (
        'DeclaratiePeriode is niet de kalendermaand die volgt op voorgaande '
        'DeclaratiePeriode terwijl iedere declaratieperiode zorg geleverd is.'),
    RetourCode.R8848: 'Dagtekening moet gelijk zijn aan of voor de systeemdatum liggen.',
    RetourCode.R9019: 'Het regie bericht kan niet gekoppeld worden aan een toewijzing.',
    RetourCode.R9056: 'Identificatie moet per berichtsoort uniek zijn voor de verzendende partij.',
    RetourCode.R9063: (
        'Het bericht kan niet verwerkt worden omdat geen eerder bericht ontvangen is.'),
    RetourCode.R9069: 'Er is geen actueel startbericht met dezelfde sleutel.',
    RetourCode.R9071: (
        'Het eerdere start bericht kan niet verwijderd worden omdat de zorg al beeindigd '
        'is'),
    RetourCode.R9074: 'Er is al een eerder bericht ontvangen met dezelfde sleutel.',
    RetourCode.R9307: (
        'Begindatum prestatie ligt niet tussen de ingangsdatum en einddatum toewijzing'),
    RetourCode.R9308: (
        'Einddatum prestatie ligt niet tussen de ingangsdatum en einddatum toewijzing'),
    RetourCode.R9319: 'De ProductPeriode valt niet geheel binnen een DeclaratiePeriode.',
    RetourCode.R9321: 'Het ingediende volume overschrijdt het toegewezen volume.',
    RetourCode.R9322: 'De som van de ingediende volumes overschrijdt het toegewezen volume',
    RetourCode.R9326: 'De actuele levering is nog niet gestopt met een Stopbericht.',
    RetourCode.R9332: 'Toewijzing heeft geen uniek nummer binnen wettelijk domein.',
    RetourCode.R9333: 'Declaratienummer is niet uniek',
    RetourCode.R9338: (
        'Niet iedere prestatie in een declaratiebericht is gerelateerd aan een toegewezen'
        ' product op basis van het toewijzingnummer'),
    RetourCode.R9339: (
        'ProductCategorie in de prestatie is niet gelijk aan ProductCategorie in het '
        'ToegewezenProduct.'),
    RetourCode.R9340: (
        'ProductCode in de Prestatie is niet gelijk aan ProductCode in het '
        'ToegewezenProduct.'),
    RetourCode.R9341: 'Eenheid in de Prestatie past niet bij Eenheid in het ToegewezenProduct',
    RetourCode.R9346: (
        "Eenheid is ongelijk is aan waarde 83 (Euro's), maar IngediendBedrag is niet "
        'gelijk aan GeleverdVolume vermenigvuldigd met (het onafgeronde) ProductTarief.'),
    RetourCode.R9347: (
        'ReferentieAanbieder is niet uniek voor de aanbieder binnen het wettelijk domein'),
    RetourCode.R9349: (
        'Het VOW bericht bevat niet alle actuele toegewezen producten van de client, '
        'hetzij in OngewijzigdProduct, hetzij in TeWijzigenProduct'),
    RetourCode.R9350: (
        'OngewijzigdProduct is niet gerelateerd aan een actueel toegewezen product op '
        'basis van het toewijzingnummer.'),
    RetourCode.R9351: (
        'TeWijzigenProduct is niet gerelateerd aan een actuele toewijzing op basis van '
        'ToewijzingNummer.'),
    RetourCode.R9355: (
        'ReferentieAanbieder in het antwoordbericht komt niet voor in een eerder verzoek '
        'om toewijzing of verzoek om wijziging'),
    RetourCode.R9357: (
        'GewensteIngangsdatum is kleiner dan of gelijk aan de dagtekening, maar niet '
        'gelijk aan de ingangsdatum van het originele ToegewezenProduct.'),
    RetourCode.R9359: 'Er is al een toewijzing gestuurd met deze ReferentieAanbieder.',
    RetourCode.R9360: 'Er is al een antwoordbericht met deze ReferentieAanbieder',
    RetourCode.R9361: 'Het product komt vaker voor met overlappende zorgperiodes.',
    RetourCode.R9365: (
        'Er komt al een antwoordbericht met dezelfde ReferentieAanbieder voor waar '
        'VerzoekAntwoord de waarde Nee heeft.'),
    RetourCode.R9366: 'ProductReferentie komt niet voor in een Declaratiebericht',
    RetourCode.R9367: (
        'De waarde komt niet overeen met de waarde uit heenbericht met gelijke '
        'ProductReferentie'),
    RetourCode.R9369: (
        'Budget is meegegeven, maar de som van GeleverdVolume in alle ingediende '
        'Prestaties passen niet binnen het toegewezen Budget.'),
    RetourCode.R9373: (
        'Budget is gewijzigd, maar GewensteIngangsdatum is niet gelijk aan die in de '
        'actuele toewijzing'),
    RetourCode.R9374: 'Er is al een verzoek onderhanden.',
    RetourCode.R9375: (
        'Omvang is gevuld, terwijl Product in toewijzing met ToewijzingNummer leeg is en '
        'Einddatum groter dan 31-12-2020 of leeg is'),
    RetourCode.R9379: (
        'ReferentieAanbieder refereert niet naar een verzoek om toewijzing of verzoek om '
        'wijziging, is onterecht gevuld'),
    RetourCode.R9384: 'Declaratie op toewijzing met RedenWijziging "13" (Verwijderd)',
    RetourCode.R9385: 'Toewijzing heeft goedgekeurde declaratieregels',
    RetourCode.R9387: (
        'Begindatum van de ProductPeriode is niet eerste dag van de kalendermaand waarop '
        'ProductPeriode betrekking heeft en Ingangsdatum van de toewijzing ligt niet '
        'later in deze betreffende maand'),
    RetourCode.R9388: (
        'Einddatum van de ProductPeriode is niet laatste dag van de kalendermaand waarop '
        'ProductPeriode betrekking heeft en Einddatum van de toewijzing ligt niet eerder '
        'in deze betreffende maand.'),
    RetourCode.R9389: 'Deze prestatie heeft een debetprestatie zonder bijbehorende creditprestatie',
    RetourCode.R9390: 'Er is al een Prestatie met gelijk ProductReferentie met waarde Credit',
    RetourCode.R9411: (
        'Omvang is leeg, terwijl Code in Product bij de toewijzing met ToewijzingNummer '
        'gevuld is.'),
    RetourCode.R9412: (
        'Omvang is niet leeg, terwijl Code in Product bij de toewijzing met '
        'ToewijzingNummer leeg is en einddatum groter dan 31-12-2020 of leeg is'),
    RetourCode.R9413: (
        'RedenBeeindiging heeft waarde 20, terwijl er al een ander StopProduct met '
        'hetzelfde Bsn, ToewijzingNummer, Begindatum en RedenBeeindiging waarde 20 is.'),
    RetourCode.R9414: (
        'Einddatum is niet >= aan Einddatum uit actuele StopProduct met gelijk Bsn, '
        'ToewijzingNummer en Begindatum'),
    RetourCode.R9415: (
        'Er is StopProduct met gelijk Bsn, ToewijzingNummer, Begindatum en '
        'RedenBeeindiging <> waarde 20'),
    RetourCode.RS300: 'Gemeentecode komt niet voor in de lijst van CBS.',
    RetourCode.RS329: 'ProductCode hoort niet bij de ProductCategorie.',
}

#: The codes of a retour that reject nothing: no remark, not assessed, granted in full.
NOT_A_REJECTION = frozenset({RetourCode.R0200, RetourCode.R0233, RetourCode.R8001})

_missing = set(RetourCode) - set(MEANINGS)
if _missing:  # a code added to the enum without its meaning
    raise TypeError(f"WJ001 meaning missing for {sorted(_missing)}")


def meaning(code: str) -> str:
    """The WJ001 text of ``code``, or an empty string for a code the release does not know."""
    try:
        return MEANINGS[RetourCode(code)]
    except ValueError:
        return ""
