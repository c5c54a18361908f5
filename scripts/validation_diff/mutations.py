"""Single mutations of valid e-invoices, made on the text so that everything else stays byte for byte.

Each operator finds a place in the document (an element by local name, whatever its prefix) and changes one thing:
arithmetic (amounts off by a cent or a unit, negated, more decimals), VAT categories, rates and exemption reasons,
code lists (currency, unit, country, type codes, payment means, schemes), identifiers, dates, payment means,
allowances and charges (removed, duplicated), empty and padded values, and legal variants that must stay valid
(whitespace between elements, another namespace prefix, an added comment). A mutant is (label, text).
"""
import re


def _leaf(name):
    # <pfx:Name attrs>value</pfx:Name> with a value that holds no element
    return re.compile(r"<((?:[\w.-]+:)?)" + name + r"(\s[^>]*)?>([^<]*)</\1" + name + r">")


def _block(name):
    return re.compile(r"<((?:[\w.-]+:)?)" + name + r"(\s[^>]*)?>.*?</\1" + name + r">", re.S)


def _replace_span(text, m, group, new):
    return text[: m.start(group)] + new + text[m.end(group):]


def _money(v, delta):
    try:
        from decimal import Decimal
        d = Decimal(v.strip())
        scale = max(2, -d.as_tuple().exponent) if d.as_tuple().exponent < 0 else 2
        return f"{(d + Decimal(delta)):.{scale}f}"
    except Exception:  # noqa: BLE001
        return None


UBL_AMOUNTS = ["PayableAmount", "TaxExclusiveAmount", "TaxInclusiveAmount", "LineExtensionAmount", "TaxAmount",
               "TaxableAmount", "AllowanceTotalAmount", "ChargeTotalAmount", "PrepaidAmount", "PayableRoundingAmount",
               "Amount", "PriceAmount", "BaseAmount"]
CII_AMOUNTS = ["LineTotalAmount", "ChargeTotalAmount", "AllowanceTotalAmount", "TaxBasisTotalAmount", "TaxTotalAmount",
               "GrandTotalAmount", "DuePayableAmount", "TotalPrepaidAmount", "CalculatedAmount", "BasisAmount",
               "ActualAmount", "ChargeAmount", "RoundingAmount"]


def _value_ops(syntax):
    """(label, element, function(value) -> new value or None)."""
    amounts = CII_AMOUNTS if syntax == "cii" else UBL_AMOUNTS
    ops = []
    for a in amounts:
        ops += [
            (f"{a}+0.01", a, lambda v: _money(v, "0.01")),
            (f"{a}+1", a, lambda v: _money(v, "1")),
            (f"{a}-1", a, lambda v: _money(v, "-1")),
            (f"{a} negated", a, lambda v: None if v.strip().startswith("-") else "-" + v.strip()),
            (f"{a} three decimals", a, lambda v: (_money(v, "0") or "") + "1" if "." in (_money(v, "0") or "") else None),
            (f"{a} padded", a, lambda v: f" {v.strip()} "),
            (f"{a} one decimal", a, lambda v: _one_decimal(v)),
            (f"{a} empty", a, lambda v: ""),
        ]
    if syntax == "cii":
        cat, rate, reason, reasoncode = "CategoryCode", "RateApplicablePercent", "ExemptionReason", "ExemptionReasonCode"
        ops += [
            ("IssueDate no format", None, None),
            ("TypeCode MVA", "TypeCode", lambda v: "MVA" if v.strip() == "VAT" else None),
            ("TypeCode 381", "TypeCode", lambda v: "381" if v.strip() == "380" else None),
            ("TypeCode 999", "TypeCode", lambda v: "999" if v.strip() in ("380", "381") else None),
            ("DateTimeString padded", "DateTimeString", lambda v: f" {v.strip()} "),
            ("DateTimeString 13th month", "DateTimeString", lambda v: v.strip()[:4] + "13" + v.strip()[6:] if len(v.strip()) == 8 else None),
            ("DateTimeString dashed", "DateTimeString", lambda v: f"{v.strip()[:4]}-{v.strip()[4:6]}-{v.strip()[6:]}" if len(v.strip()) == 8 else None),
            ("InvoiceCurrencyCode XXX", "InvoiceCurrencyCode", lambda v: "XXX"),
            ("InvoiceCurrencyCode padded", "InvoiceCurrencyCode", lambda v: f" {v.strip()} "),
            ("CountryID XX", "CountryID", lambda v: "XX"),
            ("CountryID lower", "CountryID", lambda v: v.strip().lower()),
            ("TypeCode(payment) 1", "TypeCode", lambda v: "1" if v.strip() in ("30", "31", "58", "49", "59", "42") else None),
            ("TypeCode(payment) 58", "TypeCode", lambda v: "58" if v.strip() in ("30", "31", "42") else None),
            ("ID empty", "ID", lambda v: ""),
            ("GlobalID check digit", "GlobalID", _bump_last_digit),
            ("Content empty", "Content", lambda v: ""),
            ("BilledQuantity+1", "BilledQuantity", lambda v: _money(v, "1")),
            ("ChargeIndicator flipped", "Indicator", lambda v: {"true": "false", "false": "true"}.get(v.strip())),
            ("ReasonCode 999", "ReasonCode", lambda v: "999"),
        ]
    else:
        cat, rate, reason, reasoncode = "ID", "Percent", "TaxExemptionReason", "TaxExemptionReasonCode"
        ops += [
            ("IssueDate with zone", "IssueDate", lambda v: v.strip() + "+01:00"),
            ("IssueDate 13th month", "IssueDate", lambda v: v.strip()[:5] + "13" + v.strip()[7:]),
            ("IssueDate padded", "IssueDate", lambda v: f" {v.strip()} "),
            ("DueDate with zone", "DueDate", lambda v: v.strip() + "Z"),
            ("DueDate before issue", "DueDate", lambda v: "2000-01-01"),
            ("DocumentCurrencyCode XXX", "DocumentCurrencyCode", lambda v: "XXX"),
            ("DocumentCurrencyCode padded", "DocumentCurrencyCode", lambda v: f" {v.strip()} "),
            ("DocumentCurrencyCode other", "DocumentCurrencyCode", lambda v: "SEK" if v.strip() != "SEK" else "NOK"),
            ("InvoiceTypeCode 381", "InvoiceTypeCode", lambda v: "381"),
            ("InvoiceTypeCode 999", "InvoiceTypeCode", lambda v: "999"),
            ("InvoiceTypeCode 383", "InvoiceTypeCode", lambda v: "383"),
            ("CreditNoteTypeCode 380", "CreditNoteTypeCode", lambda v: "380"),
            ("IdentificationCode XX", "IdentificationCode", lambda v: "XX"),
            ("IdentificationCode padded", "IdentificationCode", lambda v: f" {v.strip()} "),
            ("PaymentMeansCode 1", "PaymentMeansCode", lambda v: "1"),
            ("PaymentMeansCode 58", "PaymentMeansCode", lambda v: "58"),
            ("PaymentMeansCode 93", "PaymentMeansCode", lambda v: "93"),
            ("PaymentMeansCode ZZZ", "PaymentMeansCode", lambda v: "ZZZ"),
            ("PaymentID empty", "PaymentID", lambda v: ""),
            ("PaymentID letters", "PaymentID", lambda v: "ABC" + v.strip()),
            ("InstructionID other", "InstructionID", lambda v: "73" if v.strip() != "73" else "71"),
            ("EndpointID check digit", "EndpointID", _bump_last_digit),
            ("EndpointID padded", "EndpointID", lambda v: f" {v.strip()} "),
            ("CompanyID check digit", "CompanyID", _bump_last_digit),
            ("CompanyID letters", "CompanyID", lambda v: v.strip() + "X"),
            ("ID empty", "ID", lambda v: ""),
            ("Note empty", "Note", lambda v: ""),
            ("BuyerReference empty", "BuyerReference", lambda v: ""),
            ("Name empty", "Name", lambda v: ""),
            ("RegistrationName empty", "RegistrationName", lambda v: ""),
            ("InvoicedQuantity+1", "InvoicedQuantity", lambda v: _money(v, "1")),
            ("CreditedQuantity+1", "CreditedQuantity", lambda v: _money(v, "1")),
            ("BaseQuantity 2", "BaseQuantity", lambda v: "2"),
            ("ChargeIndicator flipped", "ChargeIndicator", lambda v: {"true": "false", "false": "true"}.get(v.strip())),
            ("ChargeIndicator TRUE", "ChargeIndicator", lambda v: v.strip().upper()),
            ("AllowanceChargeReasonCode 999", "AllowanceChargeReasonCode", lambda v: "999"),
            ("MultiplierFactorNumeric 50", "MultiplierFactorNumeric", lambda v: "50"),
            ("UBLVersionID 2.2", "UBLVersionID", lambda v: "2.2"),
            ("CustomizationID OIOUBL-2.3", "CustomizationID", lambda v: "OIOUBL-2.3" if "OIOUBL" in v else None),
            ("ProfileID other", "ProfileID", lambda v: "urn:www.nesubl.eu:profiles:profile99:ver2.0" if "nesubl" in v else "urn:fdc:peppol.eu:2017:poacc:billing:99:1.0"),
            ("TaxScheme ID other", "TaxTypeCode", lambda v: "ZZZ"),
            ("Percent 24", "Percent", lambda v: "24" if v.strip() not in ("0", "0.00", "24") else None),
        ]
    ops += [
        (f"{cat} → S", cat, lambda v: "S" if v.strip() in "ZEAEKGOLM" and len(v.strip()) <= 2 and v.strip() != "S" else None),
        (f"{cat} → Z", cat, lambda v: "Z" if v.strip() in ("S", "E", "AE", "K", "G", "O") else None),
        (f"{cat} → E", cat, lambda v: "E" if v.strip() in ("S", "Z", "AE") else None),
        (f"{cat} → AE", cat, lambda v: "AE" if v.strip() in ("S", "Z", "E") else None),
        (f"{cat} → K", cat, lambda v: "K" if v.strip() in ("S", "Z", "E") else None),
        (f"{cat} → O", cat, lambda v: "O" if v.strip() in ("S", "Z", "E") else None),
        (f"{cat} → ZeroRated", cat, lambda v: "ZeroRated" if v.strip() == "StandardRated" else None),
        (f"{cat} → StandardRated", cat, lambda v: "StandardRated" if v.strip() in ("ZeroRated", "ReverseCharge") else None),
        (f"{cat} → ReverseCharge", cat, lambda v: "ReverseCharge" if v.strip() == "StandardRated" else None),
        (f"{cat} padded", cat, lambda v: f" {v.strip()} " if v.strip() in ("S", "Z", "E", "AE", "StandardRated") else None),
        (f"{rate} 0", rate, lambda v: "0" if v.strip() not in ("0", "0.00") else None),
        (f"{rate} 25", rate, lambda v: "25" if v.strip() in ("0", "0.00") else None),
        (f"{rate} padded", rate, lambda v: f" {v.strip()} "),
        (f"{reason} empty", reason, lambda v: ""),
        (f"{reasoncode} XX", reasoncode, lambda v: "VATEX-XX"),
    ]
    return ops


def _one_decimal(v):
    s = v.strip()
    if "." in s and s.endswith("0") and len(s.split(".")[1]) == 2:
        return s[:-1]
    return None


def _bump_last_digit(v):
    s = v.strip()
    if not s or not s[-1].isdigit():
        return None
    return s[:-1] + str((int(s[-1]) + 1) % 10)


def _attr_ops(syntax):
    """(label, attribute, function(value) -> new value or None)."""
    return [
        ("currencyID XXX", "currencyID", lambda v: "XXX"),
        ("currencyID padded", "currencyID", lambda v: f" {v.strip()} "),
        ("currencyID other", "currencyID", lambda v: "SEK" if v.strip() != "SEK" else "NOK"),
        ("unitCode XYZ", "unitCode", lambda v: "XYZ"),
        ("unitCode padded", "unitCode", lambda v: f" {v.strip()} "),
        ("schemeID XXXX", "schemeID", lambda v: "XXXX"),
        ("schemeID padded", "schemeID", lambda v: f" {v.strip()} "),
        ("schemeID 0088", "schemeID", lambda v: "0088" if v.strip() != "0088" else "0184"),
        ("schemeID GLN", "schemeID", lambda v: "GLN" if v.strip() != "GLN" else "DK:CVR"),
        ("schemeID FC", "schemeID", lambda v: "FC" if v.strip() == "VA" else None),
        ("format 610", "format", lambda v: "610" if v.strip() == "102" else None),
        ("listID other", "listID", lambda v: v.strip() + "X"),
    ]


REMOVABLE_UBL = ["cbc:ProfileID", "cbc:CustomizationID", "cbc:BuyerReference", "cbc:DueDate", "cbc:Note", "cbc:TaxPointDate",
                 "cbc:TaxExclusiveAmount", "cbc:TaxInclusiveAmount", "cbc:PayableAmount", "cbc:LineExtensionAmount",
                 "cbc:TaxExemptionReason", "cbc:TaxExemptionReasonCode", "cbc:PaymentID", "cbc:InstructionID",
                 "cbc:AllowanceChargeReason", "cbc:AllowanceChargeReasonCode", "cbc:EndpointID", "cbc:CompanyID",
                 "cbc:RegistrationName", "cbc:UBLVersionID", "cbc:DocumentCurrencyCode", "cbc:InvoiceTypeCode",
                 "cbc:Percent", "cbc:PriceAmount", "cbc:Name", "cbc:ID", "cbc:ElectronicMail",
                 "cac:PaymentMeans", "cac:PayeeFinancialAccount", "cac:AllowanceCharge", "cac:Contact", "cac:PostalAddress",
                 "cac:PartyLegalEntity", "cac:PartyTaxScheme", "cac:Delivery", "cac:OrderReference", "cac:PaymentTerms",
                 "cac:TaxSubtotal", "cac:Price", "cac:Item", "cac:ClassifiedTaxCategory", "cac:InvoiceLine", "cac:CreditNoteLine",
                 "cac:PartyIdentification", "cac:PartyName", "cac:FinancialInstitutionBranch"]
REMOVABLE_CII = ["ram:BuyerReference", "ram:DueDateDateTime", "ram:IncludedNote", "ram:ExemptionReason", "ram:ExemptionReasonCode",
                 "ram:PaymentReference", "ram:SpecifiedTradeSettlementPaymentMeans", "ram:SpecifiedTradeAllowanceCharge",
                 "ram:SpecifiedTaxRegistration", "ram:PostalTradeAddress", "ram:DefinedTradeContact", "ram:ApplicableTradeTax",
                 "ram:IncludedSupplyChainTradeLineItem", "ram:SpecifiedLegalOrganization", "ram:GlobalID", "ram:URIUniversalCommunication",
                 "ram:PayeePartyCreditorFinancialAccount", "ram:SpecifiedTradePaymentTerms", "ram:TaxTotalAmount", "ram:GrandTotalAmount",
                 "ram:LineTotalAmount", "ram:DuePayableAmount", "ram:TaxBasisTotalAmount", "ram:RateApplicablePercent",
                 "ram:GuidelineSpecifiedDocumentContextParameter", "ram:BusinessProcessSpecifiedDocumentContextParameter",
                 "ram:BuyerOrderReferencedDocument", "ram:ActualDeliverySupplyChainEvent", "ram:Name", "ram:IBANID", "ram:ProprietaryID"]
DUPLICABLE_UBL = ["cac:AllowanceCharge", "cac:TaxTotal", "cac:TaxSubtotal", "cac:InvoiceLine", "cac:CreditNoteLine", "cbc:Note",
                  "cac:PaymentMeans", "cac:LegalMonetaryTotal", "cac:PartyTaxScheme", "cac:Contact"]
DUPLICABLE_CII = ["ram:SpecifiedTradeAllowanceCharge", "ram:ApplicableTradeTax", "ram:IncludedSupplyChainTradeLineItem",
                  "ram:IncludedNote", "ram:SpecifiedTradeSettlementPaymentMeans", "ram:SpecifiedTaxRegistration",
                  "ram:SpecifiedTradeSettlementHeaderMonetarySummation"]


def mutants(text, syntax, per_op=2):
    """Every single mutation of `text` (at most `per_op` places per operator): [(label, new text)]."""
    out = []
    seen = {text}

    def add(label, new):
        if new is not None and new not in seen:
            seen.add(new)
            out.append((label, new))

    for label, elem, fn in _value_ops(syntax):
        if elem is None:
            if label == "IssueDate no format":
                m = re.search(r'(<udt:DateTimeString)\s+format="102"', text)
                if m:
                    add(label, text[: m.end(1)] + text[m.end():])
            continue
        n = 0
        for m in _leaf(elem).finditer(text):
            if n >= per_op:
                break
            try:
                nv = fn(m.group(3))
            except Exception:  # noqa: BLE001
                nv = None
            if nv is None or nv == m.group(3):
                continue
            n += 1
            add(f"{label}#{n}", _replace_span(text, m, 3, nv))
    for label, attr, fn in _attr_ops(syntax):
        n = 0
        for m in re.finditer(r"\s" + attr + r'="([^"]*)"', text):
            if n >= per_op:
                break
            nv = fn(m.group(1))
            if nv is None or nv == m.group(1):
                continue
            n += 1
            add(f"{label}#{n}", _replace_span(text, m, 1, nv))
        m = re.search(r"\s" + attr + r'="[^"]*"', text)
        if m and label.endswith("XXX") or label == "schemeID XXXX":
            if m:
                add(f"{attr} removed", text[: m.start()] + text[m.end():])
    for name in (REMOVABLE_CII if syntax == "cii" else REMOVABLE_UBL):
        local = name.split(":")[1]
        pat = _block(local)
        ms = list(pat.finditer(text))
        for k, m in enumerate(ms[:per_op]):
            add(f"remove {name}#{k + 1}", text[: m.start()] + text[m.end():])
    for name in (DUPLICABLE_CII if syntax == "cii" else DUPLICABLE_UBL):
        local = name.split(":")[1]
        m = _block(local).search(text)
        if m:
            add(f"duplicate {name}", text[: m.end()] + m.group(0) + text[m.end():])
    # Legal variants: the same document written differently must keep its verdict.
    add("variant: comment", re.sub(r"(<\?xml[^>]*\?>)?", lambda m: (m.group(0) or "") + "<!-- bilag -->", text, count=1))
    add("variant: indented", re.sub(r">\s*<", ">\n    <", text))
    if syntax != "cii":
        add("variant: other prefixes", _reprefix(text, {"cbc": "b", "cac": "a"}))
    else:
        add("variant: other prefixes", _reprefix(text, {"ram": "r", "udt": "u"}))
    return out


def _reprefix(text, mapping):
    for old, new in mapping.items():
        if f"xmlns:{new}=" in text:
            return None
        text = re.sub(r"(</?)" + old + r":", r"\1" + new + ":", text)
        text = text.replace(f"xmlns:{old}=", f"xmlns:{new}=")
    return text
