"""PEPPOL BIS 3 CII documents derived from the EN 16931 CII examples (the corpus has no valid PEPPOL CII invoice):
the PEPPOL specification and business process, electronic addresses for seller and buyer, and the parties in one
country (DK or NO, so the national rules apply). Only derivations the official rules accept become bases."""
import re

SPEC = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROCESS = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"


def _endpoint(party_xml, value):
    if "<ram:URIUniversalCommunication>" in party_xml:
        return party_xml
    uri = f'<ram:URIUniversalCommunication><ram:URIID schemeID="0088">{value}</ram:URIID></ram:URIUniversalCommunication>'
    # Schema order: … PostalTradeAddress, URIUniversalCommunication, SpecifiedTaxRegistration.
    m = re.search(r"</ram:PostalTradeAddress>", party_xml)
    if m:
        return party_xml[:m.end()] + uri + party_xml[m.end():]
    m = re.search(r"<ram:SpecifiedTaxRegistration>|</ram:(?:Seller|Buyer)TradeParty>", party_xml)
    return party_xml[:m.start()] + uri + party_xml[m.start():]


def derive(text, country):
    """The EN 16931 CII document `text` declared PEPPOL BIS 3, its parties in `country`; None when it is no CII."""
    if "CrossIndustryInvoice" not in text[:3000]:
        return None
    t = re.sub(r"(<ram:GuidelineSpecifiedDocumentContextParameter>\s*<ram:ID>)[^<]*", r"\g<1>" + SPEC, text, count=1)
    if "BusinessProcessSpecifiedDocumentContextParameter" not in t:
        t = t.replace("<ram:GuidelineSpecifiedDocumentContextParameter>",
                      f"<ram:BusinessProcessSpecifiedDocumentContextParameter><ram:ID>{PROCESS}</ram:ID>"
                      "</ram:BusinessProcessSpecifiedDocumentContextParameter><ram:GuidelineSpecifiedDocumentContextParameter>", 1)
    for role, gln in (("Seller", "5790000435975"), ("Buyer", "5790000435982")):
        m = re.search(rf"<ram:{role}TradeParty>[\s\S]*?</ram:{role}TradeParty>", t)
        if m:
            t = t[:m.start()] + _endpoint(m.group(0), gln) + t[m.end():]
    for role in ("Seller", "Buyer"):
        m = re.search(rf"<ram:{role}TradeParty>[\s\S]*?</ram:{role}TradeParty>", t)
        if m:
            party = re.sub(r"<ram:CountryID>[A-Z]{2}</ram:CountryID>", f"<ram:CountryID>{country}</ram:CountryID>", m.group(0), count=1)
            t = t[:m.start()] + party + t[m.end():]
    # PEPPOL-EN16931-R003: a buyer reference or an order reference.
    if "<ram:BuyerReference>" not in t and "<ram:BuyerOrderReferencedDocument>" not in t:
        t = t.replace("<ram:ApplicableHeaderTradeAgreement>", "<ram:ApplicableHeaderTradeAgreement><ram:BuyerReference>4711</ram:BuyerReference>", 1)
    # PEPPOL-EN16931-R002: one note on document level.
    m = re.search(r"<rsm:ExchangedDocument>[\s\S]*?</rsm:ExchangedDocument>", t)
    if m:
        notes = list(re.finditer(r"<ram:IncludedNote>[\s\S]*?</ram:IncludedNote>", m.group(0)))
        doc = m.group(0)
        for n in reversed(notes[1:]):
            doc = doc[:n.start()] + doc[n.end():]
        t = t[:m.start()] + doc + t[m.end():]
    if country == "DK":
        # DK-R-002/DK-R-014: the seller's legal entity, a CVR number with schemeID 0184.
        m = re.search(r"<ram:SellerTradeParty>[\s\S]*?</ram:SellerTradeParty>", t)
        party = m.group(0)
        legal = '<ram:SpecifiedLegalOrganization><ram:ID schemeID="0184">12345674</ram:ID></ram:SpecifiedLegalOrganization>'
        if "<ram:SpecifiedLegalOrganization>" in party:
            party = re.sub(r"<ram:SpecifiedLegalOrganization>\s*<ram:ID[^>]*>[^<]*</ram:ID>", legal.replace("</ram:SpecifiedLegalOrganization>", ""), party, count=1)
        else:
            at = re.search(r"<ram:DefinedTradeContact>|<ram:PostalTradeAddress>|<ram:URIUniversalCommunication>|<ram:SpecifiedTaxRegistration>|</ram:SellerTradeParty>", party)
            party = party[:at.start()] + legal + party[at.start():]
        t = t[:m.start()] + party + t[m.end():]
        # DK-R-005: the payment means codes Danish suppliers may use (30 is not one; 58 is).
        t = re.sub(r"(<ram:SpecifiedTradeSettlementPaymentMeans>\s*<ram:TypeCode>)30(</ram:TypeCode>)", r"\g<1>58\2", t)
    return t
