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


def _places(matches, fn, group, skip, per_op):
    """The places an operator changes: (k, match, new value) for the k-th match it applies to, after the first
    `skip` of them, at most `per_op`."""
    k = n = 0
    for m in matches:
        if n >= per_op:
            return
        try:
            nv = fn(m.group(group))
        except Exception:  # noqa: BLE001
            nv = None
        if nv is None or nv == m.group(group):
            continue
        k += 1
        if k <= skip:
            continue
        n += 1
        yield k, m, nv


def _replace_span(text, m, group, new):
    return text[: m.start(group)] + new + text[m.end(group):]


def _money(v, delta, factor=1):
    try:
        from decimal import Decimal
        d = Decimal(v.strip())
        scale = max(2, -d.as_tuple().exponent) if d.as_tuple().exponent < 0 else 2
        return f"{(d * factor + Decimal(delta)):.{scale}f}"
    except Exception:  # noqa: BLE001
        return None


UBL_AMOUNTS = ["PayableAmount", "TaxExclusiveAmount", "TaxInclusiveAmount", "LineExtensionAmount", "TaxAmount",
               "TaxableAmount", "AllowanceTotalAmount", "ChargeTotalAmount", "PrepaidAmount", "PayableRoundingAmount",
               "Amount", "PriceAmount", "BaseAmount"]
CII_AMOUNTS = ["LineTotalAmount", "ChargeTotalAmount", "AllowanceTotalAmount", "TaxBasisTotalAmount", "TaxTotalAmount",
               "GrandTotalAmount", "DuePayableAmount", "TotalPrepaidAmount", "CalculatedAmount", "BasisAmount",
               "ActualAmount", "ChargeAmount", "RoundingAmount"]


def _amount_ops(syntax, table):
    """Each (label suffix, function) of `table` on every amount element of the syntax."""
    amounts = CII_AMOUNTS if syntax == "cii" else UBL_AMOUNTS
    return [(a + suffix, a, fn) for a in amounts for suffix, fn in table]


def _value_ops(syntax):
    """(label, element, function(value) -> new value or None)."""
    ops = _amount_ops(syntax, [
        ("+0.01", lambda v: _money(v, "0.01")),
        ("+1", lambda v: _money(v, "1")),
        ("-1", lambda v: _money(v, "-1")),
        (" negated", lambda v: None if v.strip().startswith("-") else "-" + v.strip()),
        (" three decimals", lambda v: (_money(v, "0") or "") + "1" if "." in (_money(v, "0") or "") else None),
        (" padded", lambda v: f" {v.strip()} "),
        (" one decimal", lambda v: _one_decimal(v)),
        (" empty", lambda v: ""),
    ])
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


def _extra_value_ops(syntax):
    """The held-out kinds (`--set holdout`): other mutations of the same classes, never tuned on."""
    ops = _amount_ops(syntax, [
        ("-0.01", lambda v: _money(v, "-0.01")),
        ("+100", lambda v: _money(v, "100")),
        (" times 10", lambda v: _scaled(v, 10)),
        (" leading plus", lambda v: None if v.strip().startswith(("-", "+")) else "+" + v.strip()),
        (" leading zeros", lambda v: "00" + v.strip() if not v.strip().startswith("-") else None),
        (" trailing space", lambda v: v.strip() + " "),
        (" four decimals", lambda v: (_money(v, "0") or "") + "00" if "." in (_money(v, "0") or "") else None),
        (" no decimals", lambda v: v.strip().split(".")[0] if v.strip().endswith(".00") else None),
        (" letters", lambda v: "12,50"),
    ])
    if syntax == "cii":
        cat, rate, reason = "CategoryCode", "RateApplicablePercent", "ExemptionReason"
        ops += [
            ("DateTimeString 30 February", "DateTimeString", lambda v: v.strip()[:4] + "0230" if len(v.strip()) == 8 else None),
            ("DateTimeString with time", "DateTimeString", lambda v: v.strip() + "1200" if len(v.strip()) == 8 else None),
            ("InvoiceCurrencyCode lower", "InvoiceCurrencyCode", lambda v: v.strip().lower()),
            ("InvoiceCurrencyCode DKK", "InvoiceCurrencyCode", lambda v: "DKK" if v.strip() != "DKK" else "NOK"),
            ("CountryID padded", "CountryID", lambda v: f" {v.strip()} "),
            ("CountryID XK", "CountryID", lambda v: "XK"),
            ("TypeCode(payment) 30", "TypeCode", lambda v: "30" if v.strip() in ("31", "58", "42", "49", "59") else None),
            ("TypeCode(payment) padded", "TypeCode", lambda v: f" {v.strip()} " if v.strip() in ("30", "31", "58", "42", "49", "59") else None),
            ("TypeCode 383", "TypeCode", lambda v: "383" if v.strip() in ("380", "381") else None),
            ("Name empty", "Name", lambda v: ""),
            ("Name padded", "Name", lambda v: f"  {v.strip()}  "),
            ("GlobalID letters", "GlobalID", lambda v: v.strip() + "X"),
            ("ID check digit", "ID", _bump_last_digit),
            ("Reason empty", "Reason", lambda v: ""),
            ("ReasonCode padded", "ReasonCode", lambda v: f" {v.strip()} "),
            ("IBANID empty", "IBANID", lambda v: ""),
            ("IBANID padded", "IBANID", lambda v: f" {v.strip()} "),
            ("BilledQuantity negated", "BilledQuantity", lambda v: None if v.strip().startswith("-") else "-" + v.strip()),
            ("BasisQuantity 2", "BasisQuantity", lambda v: "2"),
            ("Indicator padded", "Indicator", lambda v: f" {v.strip()} "),
            ("Indicator 1", "Indicator", lambda v: {"true": "1", "false": "0"}.get(v.strip())),
            ("Description empty", "Description", lambda v: ""),
        ]
    else:
        cat, rate, reason = "ID", "Percent", "TaxExemptionReason"
        ops += [
            ("IssueDate 30 February", "IssueDate", lambda v: v.strip()[:5] + "02-30"),
            ("IssueDate with time", "IssueDate", lambda v: v.strip() + "T00:00:00"),
            ("DueDate 13th month", "DueDate", lambda v: v.strip()[:5] + "13" + v.strip()[7:]),
            ("DueDate padded", "DueDate", lambda v: f" {v.strip()} "),
            ("TaxPointDate with zone", "TaxPointDate", lambda v: v.strip() + "Z"),
            ("ActualDeliveryDate 13th month", "ActualDeliveryDate", lambda v: v.strip()[:5] + "13" + v.strip()[7:]),
            ("DocumentCurrencyCode lower", "DocumentCurrencyCode", lambda v: v.strip().lower()),
            ("DocumentCurrencyCode DKK", "DocumentCurrencyCode", lambda v: "DKK" if v.strip() != "DKK" else "NOK"),
            ("InvoiceTypeCode padded", "InvoiceTypeCode", lambda v: f" {v.strip()} "),
            ("InvoiceTypeCode 386", "InvoiceTypeCode", lambda v: "386"),
            ("CreditNoteTypeCode 381 padded", "CreditNoteTypeCode", lambda v: f" {v.strip()} "),
            ("IdentificationCode lower", "IdentificationCode", lambda v: v.strip().lower()),
            ("IdentificationCode XK", "IdentificationCode", lambda v: "XK"),
            ("PaymentMeansCode 30", "PaymentMeansCode", lambda v: "30" if v.strip() != "30" else "31"),
            ("PaymentMeansCode 31", "PaymentMeansCode", lambda v: "31" if v.strip() != "31" else "42"),
            ("PaymentMeansCode 49", "PaymentMeansCode", lambda v: "49"),
            ("PaymentMeansCode padded", "PaymentMeansCode", lambda v: f" {v.strip()} "),
            ("PaymentID padded", "PaymentID", lambda v: f" {v.strip()} "),
            ("PaymentID check digit", "PaymentID", _bump_last_digit),
            ("InstructionID 75", "InstructionID", lambda v: "75" if v.strip() != "75" else "73"),
            ("InstructionID padded", "InstructionID", lambda v: f" {v.strip()} "),
            ("EndpointID letters", "EndpointID", lambda v: v.strip() + "X"),
            ("EndpointID empty", "EndpointID", lambda v: ""),
            ("CompanyID padded", "CompanyID", lambda v: f" {v.strip()} "),
            ("CompanyID empty", "CompanyID", lambda v: ""),
            ("ID padded", "ID", lambda v: f" {v.strip()} "),
            ("ID check digit", "ID", _bump_last_digit),
            ("Note padded", "Note", lambda v: f"  {v.strip()}  "),
            ("Name padded", "Name", lambda v: f"  {v.strip()}  "),
            ("RegistrationName padded", "RegistrationName", lambda v: f"  {v.strip()}  "),
            ("ElectronicMail empty", "ElectronicMail", lambda v: ""),
            ("InvoicedQuantity negated", "InvoicedQuantity", lambda v: None if v.strip().startswith("-") else "-" + v.strip()),
            ("InvoicedQuantity padded", "InvoicedQuantity", lambda v: f" {v.strip()} "),
            ("BaseQuantity 0", "BaseQuantity", lambda v: "0"),
            ("BaseQuantity padded", "BaseQuantity", lambda v: f" {v.strip()} "),
            ("ChargeIndicator padded", "ChargeIndicator", lambda v: f" {v.strip()} "),
            ("ChargeIndicator 1", "ChargeIndicator", lambda v: {"true": "1", "false": "0"}.get(v.strip())),
            ("AllowanceChargeReasonCode padded", "AllowanceChargeReasonCode", lambda v: f" {v.strip()} "),
            ("AllowanceChargeReason empty", "AllowanceChargeReason", lambda v: ""),
            ("MultiplierFactorNumeric padded", "MultiplierFactorNumeric", lambda v: f" {v.strip()} "),
            ("UBLVersionID padded", "UBLVersionID", lambda v: f" {v.strip()} "),
            ("CustomizationID padded", "CustomizationID", lambda v: f" {v.strip()} "),
            ("ProfileID padded", "ProfileID", lambda v: f" {v.strip()} "),
            ("TaxTypeCode padded", "TaxTypeCode", lambda v: f" {v.strip()} "),
            ("Percent 12.5", "Percent", lambda v: "12.5" if v.strip() not in ("0", "0.00") else None),
            ("AccountingCost empty", "AccountingCost", lambda v: ""),
            ("Description empty", "Description", lambda v: ""),
        ]
    ops += [
        (f"{cat} lower", cat, lambda v: v.strip().lower() if v.strip() in ("S", "Z", "E", "AE", "K", "G", "O") else None),
        (f"{cat} → G", cat, lambda v: "G" if v.strip() in ("S", "Z", "E") else None),
        (f"{cat} → L", cat, lambda v: "L" if v.strip() in ("S", "Z") else None),
        (f"{cat} → XX", cat, lambda v: "XX" if v.strip() in ("S", "Z", "E", "AE", "StandardRated", "ZeroRated") else None),
        (f"{rate} negated", rate, lambda v: None if v.strip().startswith("-") or v.strip() in ("0", "0.00") else "-" + v.strip()),
        (f"{rate} three decimals", rate, lambda v: v.strip() + ".001" if "." not in v else v.strip() + "001"),
        (f"{reason} padded", reason, lambda v: f"  {v.strip()}  "),
    ]
    return ops


def _extra_attr_ops(syntax):
    return [
        ("currencyID lower", "currencyID", lambda v: v.strip().lower()),
        ("currencyID empty", "currencyID", lambda v: ""),
        ("unitCode lower", "unitCode", lambda v: v.strip().lower()),
        ("unitCode EA", "unitCode", lambda v: "EA" if v.strip() != "EA" else "C62"),
        ("schemeID lower", "schemeID", lambda v: v.strip().lower()),
        ("schemeID empty", "schemeID", lambda v: ""),
        ("schemeID 0184", "schemeID", lambda v: "0184" if v.strip() != "0184" else "0088"),
        ("schemeID DK:CVR", "schemeID", lambda v: "DK:CVR" if v.strip() != "DK:CVR" else "GLN"),
        ("schemeID VA", "schemeID", lambda v: "VA" if v.strip() == "FC" else None),
        ("listID padded", "listID", lambda v: f" {v.strip()} "),
        ("listAgencyID other", "listAgencyID", lambda v: v.strip() + "9"),
        ("format padded", "format", lambda v: f" {v.strip()} "),
    ]


REMOVABLE_UBL_EXTRA = ["cbc:IssueDate", "cbc:TaxCurrencyCode", "cbc:AccountingCost", "cbc:ActualDeliveryDate", "cbc:PayableRoundingAmount",
                       "cbc:AllowanceTotalAmount", "cbc:ChargeTotalAmount", "cbc:PrepaidAmount", "cbc:TaxAmount", "cbc:TaxableAmount",
                       "cbc:ChargeIndicator", "cbc:Amount", "cbc:BaseAmount", "cbc:MultiplierFactorNumeric", "cbc:InvoicedQuantity",
                       "cbc:IdentificationCode", "cbc:CityName", "cbc:PostalZone", "cbc:StreetName", "cbc:PaymentMeansCode",
                       "cac:TaxCategory", "cac:TaxScheme", "cac:Country", "cac:AccountingSupplierParty", "cac:AccountingCustomerParty",
                       "cac:LegalMonetaryTotal", "cac:TaxTotal", "cac:InvoicePeriod", "cac:AdditionalDocumentReference",
                       "cac:SellersItemIdentification", "cac:StandardItemIdentification", "cac:CommodityClassification",
                       "cac:PayerFinancialAccount", "cac:PaymentMandate", "cac:CardAccount", "cac:DeliveryLocation", "cbc:Description"]
REMOVABLE_CII_EXTRA = ["ram:InvoiceCurrencyCode", "ram:TypeCode", "ram:CategoryCode", "ram:CalculatedAmount", "ram:BasisAmount",
                       "ram:ChargeTotalAmount", "ram:AllowanceTotalAmount", "ram:TotalPrepaidAmount", "ram:ActualAmount",
                       "ram:ChargeIndicator", "ram:BilledQuantity", "ram:CountryID", "ram:NetPriceProductTradePrice",
                       "ram:SpecifiedLineTradeSettlement", "ram:SellerTradeParty", "ram:BuyerTradeParty", "ram:BillingSpecifiedPeriod",
                       "ram:SpecifiedTradeSettlementHeaderMonetarySummation", "ram:ApplicableHeaderTradeDelivery", "ram:ReasonCode",
                       "ram:Reason", "ram:SellerAssignedID", "ram:CategoryTradeTax", "ram:AdditionalReferencedDocument", "ram:TaxPointDate",
                       "ram:DueDateTypeCode", "ram:LineID", "ram:ChargeAmount", "ram:Description"]
DUPLICABLE_UBL_EXTRA = ["cbc:InvoiceTypeCode", "cbc:DocumentCurrencyCode", "cbc:ProfileID", "cac:OrderReference", "cac:Delivery",
                        "cac:PaymentTerms", "cac:PartyLegalEntity", "cac:PartyIdentification", "cac:ClassifiedTaxCategory",
                        "cac:Price", "cbc:PaymentID", "cac:PayeeFinancialAccount", "cac:InvoicePeriod", "cbc:BuyerReference",
                        "cac:AccountingSupplierParty", "cac:Item", "cbc:EndpointID", "cbc:LineExtensionAmount"]
DUPLICABLE_CII_EXTRA = ["ram:BuyerReference", "ram:InvoiceCurrencyCode", "ram:SpecifiedTradePaymentTerms", "ram:BuyerOrderReferencedDocument",
                        "ram:SpecifiedLegalOrganization", "ram:PostalTradeAddress", "ram:DefinedTradeContact", "ram:PaymentReference",
                        "ram:PayeePartyCreditorFinancialAccount", "ram:BillingSpecifiedPeriod", "ram:GlobalID",
                        "ram:SpecifiedTradeProduct", "ram:CategoryCode", "ram:CalculatedAmount", "ram:TaxTotalAmount"]


def _scaled(v, factor):
    return _money(v, 0, factor)


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


def mutants(text, syntax, per_op=2, holdout=False):
    """Every single mutation of `text` (at most `per_op` places per operator): [(label, new text)].

    `holdout`: the held-out set, never tuned on: the same operators at the next `per_op` places (the third and
    fourth match instead of the first two), other mutations of the same classes (`_extra_value_ops`, `_extra_attr_ops`,
    more elements removed and duplicated) and other legal variants. Its labels start with `h:`.
    """
    out = []
    seen = {text}
    skip = per_op if holdout else 0

    def add(label, new):
        if new is not None and new not in seen:
            seen.add(new)
            out.append((("h:" if holdout else "") + label, new))

    value_ops = _value_ops(syntax) + ([(l, e, f) for l, e, f in _extra_value_ops(syntax)] if holdout else [])
    for label, elem, fn in value_ops:
        if elem is None:
            if label == "IssueDate no format":
                m = re.search(r'(<udt:DateTimeString)\s+format="102"', text)
                if m:
                    add(label, text[: m.end(1)] + text[m.end():])
            continue
        extra = holdout and (label, elem) not in {(l, e) for l, e, _ in _value_ops(syntax)}
        for k, m, nv in _places(_leaf(elem).finditer(text), fn, 3, 0 if extra else skip, per_op):
            add(f"{label}#{k}", _replace_span(text, m, 3, nv))
    attr_ops = _attr_ops(syntax) + (_extra_attr_ops(syntax) if holdout else [])
    for label, attr, fn in attr_ops:
        extra = holdout and label not in {l for l, _, _ in _attr_ops(syntax)}
        for k, m, nv in _places(re.finditer(r"\s" + attr + r'="([^"]*)"', text), fn, 1, 0 if extra else skip, per_op):
            add(f"{label}#{k}", _replace_span(text, m, 1, nv))
        m = re.search(r"\s" + attr + r'="[^"]*"', text)
        if m and label.endswith("XXX") or label == "schemeID XXXX":
            if m:
                add(f"{attr} removed", text[: m.start()] + text[m.end():])
    removable = REMOVABLE_CII if syntax == "cii" else REMOVABLE_UBL
    duplicable = DUPLICABLE_CII if syntax == "cii" else DUPLICABLE_UBL
    if holdout:
        removable = [(n, skip) for n in removable] + [(n, 0) for n in (REMOVABLE_CII_EXTRA if syntax == "cii" else REMOVABLE_UBL_EXTRA)]
        duplicable = [(n, 1) for n in duplicable] + [(n, 0) for n in (DUPLICABLE_CII_EXTRA if syntax == "cii" else DUPLICABLE_UBL_EXTRA)]
    else:
        removable = [(n, 0) for n in removable]
        duplicable = [(n, 0) for n in duplicable]
    for name, first in removable:
        local = name.split(":")[1]
        pat = _block(local)
        ms = list(pat.finditer(text))
        for k, m in enumerate(ms[first:first + per_op]):
            add(f"remove {name}#{first + k + 1}", text[: m.start()] + text[m.end():])
    for name, first in duplicable:
        local = name.split(":")[1]
        ms = list(_block(local).finditer(text))
        if len(ms) > first:
            m = ms[first]
            add(f"duplicate {name}" + (f"#{first + 1}" if first else ""), text[: m.end()] + m.group(0) + text[m.end():])
    if holdout:
        # Other legal variants: the same document written differently keeps its verdict.
        add("variant: CRLF", text.replace("\r\n", "\n").replace("\n", "\r\n"))
        add("variant: single-quoted attributes", re.sub(r'(\s[\w:.-]+)="([^"\']*)"', r"\1='\2'", text))
        m = re.search(r"<((?:[\w.-]+:)?)(Note|Content)>([^<&]+)</\1\2>", text)
        if m:
            add("variant: CDATA note", _replace_span(text, m, 3, "<![CDATA[" + m.group(3) + "]]>"))
        m = re.search(r"<((?:[\w.-]+:)?)(PayableAmount|DuePayableAmount)(\s[^>]*)?>(\d)", text)
        if m:
            add("variant: character reference", text[: m.start(4)] + f"&#{ord(m.group(4))};" + text[m.end(4):])
        add("variant: processing instruction", re.sub(r"(<\?xml[^>]*\?>)", lambda mm: mm.group(1) + "<?bilag test?>", text, count=1))
        return out
    # Legal variants: the same document written differently must keep its verdict.
    add("variant: comment", re.sub(r"(<\?xml[^>]*\?>)?", lambda m: (m.group(0) or "") + "<!-- bilag -->", text, count=1))
    add("variant: indented", re.sub(r">\s*<", ">\n    <", text))
    if syntax != "cii":
        add("variant: other prefixes", _reprefix(text, {"cbc": "b", "cac": "a"}))
    else:
        add("variant: other prefixes", _reprefix(text, {"ram": "r", "udt": "u"}))
    return out


def _fresh_value_ops(syntax):
    """The fresh kinds (`--set fresh`): new operators of every class, neither tuned nor held out on."""
    ops = _amount_ops(syntax, [
        ("+0.99", lambda v: _money(v, "0.99")),
        ("-100", lambda v: _money(v, "-100")),
        (" halved", lambda v: _half(v)),
        (" three decimals ending 5", lambda v: (_money(v, "0") or "") + "5" if "." in (_money(v, "0") or "") else None),
        (" tab padded", lambda v: "\t" + v.strip() + "\n"),
        (" exponent", lambda v: "1E2"),
        (" minus zero", lambda v: "-0.00" if v.strip() not in ("0.00", "-0.00") else None),
        (" leading point", lambda v: v.strip()[1:] if v.strip().startswith("0.") else None),
        (" trailing point", lambda v: v.strip().split(".")[0] + "." if v.strip().endswith(".00") else None),
        (" thousands comma", lambda v: "1,000.00"),
    ])
    if syntax == "cii":
        cat, rate, reason, reasoncode = "CategoryCode", "RateApplicablePercent", "ExemptionReason", "ExemptionReasonCode"
        ops += [
            ("DateTimeString 31 April", "DateTimeString", lambda v: v.strip()[:4] + "0431" if len(v.strip()) == 8 else None),
            ("DateTimeString month 00", "DateTimeString", lambda v: v.strip()[:4] + "00" + v.strip()[6:] if len(v.strip()) == 8 else None),
            ("DateTimeString seven digits", "DateTimeString", lambda v: v.strip()[:7] if len(v.strip()) == 8 else None),
            ("DateTimeString day 32", "DateTimeString", lambda v: v.strip()[:6] + "32" if len(v.strip()) == 8 else None),
            ("InvoiceCurrencyCode EURO", "InvoiceCurrencyCode", lambda v: "EURO"),
            ("InvoiceCurrencyCode tab", "InvoiceCurrencyCode", lambda v: "\t" + v.strip()),
            ("CountryID GBR", "CountryID", lambda v: "GBR"),
            ("CountryID UK", "CountryID", lambda v: "UK"),
            ("TypeCode 389", "TypeCode", lambda v: "389" if v.strip() in ("380", "381") else None),
            ("TypeCode 326", "TypeCode", lambda v: "326" if v.strip() == "380" else None),
            ("TypeCode(payment) 97", "TypeCode", lambda v: "97" if v.strip() in ("30", "31", "58", "42", "49", "59") else None),
            ("TypeCode(payment) 57", "TypeCode", lambda v: "57" if v.strip() in ("30", "31", "58", "42", "49", "59") else None),
            ("TypeCode VAT lower", "TypeCode", lambda v: "vat" if v.strip() == "VAT" else None),
            ("GlobalID empty", "GlobalID", lambda v: ""),
            ("GlobalID padded", "GlobalID", lambda v: f" {v.strip()} "),
            ("ID letters", "ID", lambda v: v.strip() + "Q"),
            ("Name tab padded", "Name", lambda v: "\t" + v.strip()),
            ("IBANID letters", "IBANID", lambda v: v.strip()[:-1] + "X" if v.strip() else None),
            ("ProprietaryID empty", "ProprietaryID", lambda v: ""),
            ("BilledQuantity zero", "BilledQuantity", lambda v: "0"),
            ("BilledQuantity padded", "BilledQuantity", lambda v: f" {v.strip()} "),
            ("BasisQuantity 0", "BasisQuantity", lambda v: "0"),
            ("ChargeAmount +1", "ChargeAmount", lambda v: _money(v, "1")),
            ("Indicator TRUE", "Indicator", lambda v: v.strip().upper() if v.strip() in ("true", "false") else None),
            ("ReasonCode 95", "ReasonCode", lambda v: "95" if v.strip() != "95" else "100"),
            ("Reason padded", "Reason", lambda v: f"  {v.strip()}  "),
            ("Content padded", "Content", lambda v: f"  {v.strip()}  "),
            ("BuyerReference padded", "BuyerReference", lambda v: f" {v.strip()} "),
            ("URIID empty", "URIID", lambda v: ""),
            ("Description padded", "Description", lambda v: f"  {v.strip()}  "),
        ]
    else:
        cat, rate, reason, reasoncode = "ID", "Percent", "TaxExemptionReason", "TaxExemptionReasonCode"
        ops += [
            ("IssueDate 31 April", "IssueDate", lambda v: v.strip()[:5] + "04-31"),
            ("IssueDate month 00", "IssueDate", lambda v: v.strip()[:5] + "00" + v.strip()[7:]),
            ("IssueDate slashes", "IssueDate", lambda v: v.strip().replace("-", "/")),
            ("IssueDate two-digit year", "IssueDate", lambda v: v.strip()[2:]),
            ("DueDate 30 February", "DueDate", lambda v: v.strip()[:5] + "02-30"),
            ("DueDate with time", "DueDate", lambda v: v.strip() + "T12:00:00"),
            ("PaymentDueDate 13th month", "PaymentDueDate", lambda v: v.strip()[:5] + "13" + v.strip()[7:]),
            ("TaxPointDate 13th month", "TaxPointDate", lambda v: v.strip()[:5] + "13" + v.strip()[7:]),
            ("StartDate 13th month", "StartDate", lambda v: v.strip()[:5] + "13" + v.strip()[7:]),
            ("EndDate day 32", "EndDate", lambda v: v.strip()[:8] + "32"),
            ("ActualDeliveryDate with zone", "ActualDeliveryDate", lambda v: v.strip() + "+02:00"),
            ("DocumentCurrencyCode EURO", "DocumentCurrencyCode", lambda v: "EURO"),
            ("DocumentCurrencyCode tab", "DocumentCurrencyCode", lambda v: "\t" + v.strip()),
            ("TaxCurrencyCode XXX", "TaxCurrencyCode", lambda v: "XXX"),
            ("InvoiceTypeCode 389", "InvoiceTypeCode", lambda v: "389"),
            ("InvoiceTypeCode 326", "InvoiceTypeCode", lambda v: "326"),
            ("InvoiceTypeCode empty", "InvoiceTypeCode", lambda v: ""),
            ("CreditNoteTypeCode 396", "CreditNoteTypeCode", lambda v: "396"),
            ("IdentificationCode UK", "IdentificationCode", lambda v: "UK"),
            ("IdentificationCode DNK", "IdentificationCode", lambda v: "DNK"),
            ("IdentificationCode empty", "IdentificationCode", lambda v: ""),
            ("PaymentMeansCode 97", "PaymentMeansCode", lambda v: "97"),
            ("PaymentMeansCode 50", "PaymentMeansCode", lambda v: "50"),
            ("PaymentMeansCode 48", "PaymentMeansCode", lambda v: "48"),
            ("PaymentMeansCode 042", "PaymentMeansCode", lambda v: "0" + v.strip()),
            ("PaymentMeansCode empty", "PaymentMeansCode", lambda v: ""),
            ("PaymentID tab padded", "PaymentID", lambda v: "\t" + v.strip()),
            ("PaymentChannelCode other", "PaymentChannelCode", lambda v: "DK:NOTHING"),
            ("InstructionID empty", "InstructionID", lambda v: ""),
            ("EndpointID swapped digits", "EndpointID", _swap_last_digits),
            ("EndpointID tab padded", "EndpointID", lambda v: "\t" + v.strip()),
            ("CompanyID swapped digits", "CompanyID", _swap_last_digits),
            ("CompanyID without prefix", "CompanyID", lambda v: v.strip()[2:] if v.strip()[:2].isalpha() else None),
            ("CompanyID lower", "CompanyID", lambda v: v.strip().lower() if v.strip()[:2].isalpha() else None),
            ("ID swapped digits", "ID", _swap_last_digits),
            ("ID tab padded", "ID", lambda v: "\t" + v.strip()),
            ("Name tab padded", "Name", lambda v: "\t" + v.strip()),
            ("StreetName empty", "StreetName", lambda v: ""),
            ("CityName empty", "CityName", lambda v: ""),
            ("PostalZone padded", "PostalZone", lambda v: f" {v.strip()} "),
            ("InvoicedQuantity zero", "InvoicedQuantity", lambda v: "0"),
            ("InvoicedQuantity three decimals", "InvoicedQuantity", lambda v: v.strip() + ("001" if "." in v else ".001")),
            ("BaseQuantity 10", "BaseQuantity", lambda v: "10"),
            ("BaseQuantity empty", "BaseQuantity", lambda v: ""),
            ("ChargeIndicator empty", "ChargeIndicator", lambda v: ""),
            ("ChargeIndicator True", "ChargeIndicator", lambda v: v.strip().capitalize()),
            ("AllowanceChargeReasonCode 95", "AllowanceChargeReasonCode", lambda v: "95" if v.strip() != "95" else "100"),
            ("AllowanceChargeReasonCode empty", "AllowanceChargeReasonCode", lambda v: ""),
            ("MultiplierFactorNumeric 0", "MultiplierFactorNumeric", lambda v: "0"),
            ("UBLVersionID 2.0", "UBLVersionID", lambda v: "2.0" if v.strip() != "2.0" else "2.1"),
            ("UBLVersionID empty", "UBLVersionID", lambda v: ""),
            ("CustomizationID empty", "CustomizationID", lambda v: ""),
            ("CustomizationID OIOUBL-2.01", "CustomizationID", lambda v: "OIOUBL-2.01" if "OIOUBL" in v else None),
            ("ProfileID empty", "ProfileID", lambda v: ""),
            ("TaxTypeCode empty", "TaxTypeCode", lambda v: ""),
            ("OrderableUnitFactorRate 2", "OrderableUnitFactorRate", lambda v: "2"),
            ("FreeOfChargeIndicator true", "FreeOfChargeIndicator", lambda v: "true" if v.strip() == "false" else None),
            ("LineID empty", "LineID", lambda v: ""),
            ("Telephone empty", "Telephone", lambda v: ""),
        ]
    ops += [
        (f"{cat} → B", cat, lambda v: "B" if v.strip() in ("S", "Z", "E") else None),
        (f"{cat} → M", cat, lambda v: "M" if v.strip() in ("S", "Z", "E", "AE") else None),
        (f"{cat} → Z from AE", cat, lambda v: "Z" if v.strip() in ("AE", "K") else None),
        (f"{cat} tab padded", cat, lambda v: "\t" + v.strip() if v.strip() in ("S", "Z", "E", "AE", "StandardRated", "ZeroRated") else None),
        (f"{cat} empty", cat, lambda v: "" if v.strip() in ("S", "Z", "E", "AE", "StandardRated", "ZeroRated") else None),
        (f"{cat} → Exempt", cat, lambda v: "Exempt" if v.strip() in ("StandardRated", "ZeroRated") else None),
        (f"{rate} +1", rate, lambda v: _money(v, "1")),
        (f"{rate} 25.00", rate, lambda v: "25.00" if v.strip() == "25" else None),
        (f"{rate} 0.0", rate, lambda v: "0.0" if v.strip() in ("0", "0.00") else None),
        (f"{rate} empty", rate, lambda v: ""),
        (f"{reason} tab padded", reason, lambda v: "\t" + v.strip()),
        (f"{reasoncode} lower", reasoncode, lambda v: v.strip().lower()),
        (f"{reasoncode} empty", reasoncode, lambda v: ""),
    ]
    return ops


def _fresh_attr_ops(syntax):
    return [
        ("currencyID EURO", "currencyID", lambda v: "EURO"),
        ("currencyID tab", "currencyID", lambda v: "\t" + v.strip()),
        ("currencyID DKK", "currencyID", lambda v: "DKK" if v.strip() != "DKK" else "EUR"),
        ("unitCode H87", "unitCode", lambda v: "H87" if v.strip() != "H87" else "C62"),
        ("unitCode empty", "unitCode", lambda v: ""),
        ("schemeID 0096", "schemeID", lambda v: "0096" if v.strip() != "0096" else "0088"),
        ("schemeID 0007", "schemeID", lambda v: "0007" if v.strip() != "0007" else "0088"),
        ("schemeID DK:SE", "schemeID", lambda v: "DK:SE" if v.strip() != "DK:SE" else "DK:CVR"),
        ("schemeID tab", "schemeID", lambda v: "\t" + v.strip()),
        ("schemeID VAT", "schemeID", lambda v: "VAT" if v.strip() in ("VA", "FC") else None),
        ("listID empty", "listID", lambda v: ""),
        ("listAgencyID empty", "listAgencyID", lambda v: ""),
        ("format 203", "format", lambda v: "203" if v.strip() == "102" else None),
        ("schemeAgencyID other", "schemeAgencyID", lambda v: v.strip() + "1"),
    ]


REMOVABLE_UBL_FRESH = ["cbc:PaymentDueDate", "cbc:PaymentChannelCode", "cbc:BaseQuantity", "cbc:OrderableUnitFactorRate",
                       "cbc:FreeOfChargeIndicator", "cbc:DocumentTypeCode", "cbc:Telephone", "cbc:CountrySubentity",
                       "cbc:AdditionalStreetName", "cbc:BuildingNumber", "cbc:TaxTypeCode", "cbc:TaxExemptionReason",
                       "cbc:PaymentNote", "cbc:LineID", "cbc:AccountingCostCode", "cbc:IssueDate", "cbc:StartDate", "cbc:EndDate",
                       "cac:AddressLine", "cac:TaxRepresentativeParty", "cac:PayeeParty", "cac:OrderLineReference",
                       "cac:BillingReference", "cac:DespatchDocumentReference", "cac:ContractDocumentReference",
                       "cac:AllowanceCharge", "cac:TaxSubtotal", "cac:InvoiceLine", "cac:Party", "cac:PartyName", "cac:PostalAddress"]
REMOVABLE_CII_FRESH = ["ram:ApplicableHeaderTradeSettlement", "ram:SpecifiedLineTradeAgreement", "ram:SpecifiedLineTradeDelivery",
                       "ram:GrossPriceProductTradePrice", "ram:ChargeAmount", "ram:BasisQuantity", "ram:LineOne", "ram:PostcodeCode",
                       "ram:CityName", "ram:PaymentReference", "ram:InvoiceCurrencyCode", "ram:IssueDateTime", "ram:ID",
                       "ram:SpecifiedTradeSettlementLineMonetarySummation", "ram:ApplicableTradeTax", "ram:TaxBasisTotalAmount",
                       "ram:SpecifiedTradeAllowanceCharge", "ram:IncludedSupplyChainTradeLineItem", "ram:RateApplicablePercent"]
DUPLICABLE_UBL_FRESH = ["cbc:IssueDate", "cbc:DueDate", "cbc:TaxCurrencyCode", "cbc:CustomizationID", "cbc:UBLVersionID",
                        "cbc:PayableAmount", "cbc:TaxExclusiveAmount", "cbc:TaxInclusiveAmount", "cbc:TaxAmount", "cbc:TaxableAmount",
                        "cbc:Percent", "cbc:PriceAmount", "cbc:InvoicedQuantity", "cac:TaxCategory", "cac:PostalAddress",
                        "cac:Country", "cac:AccountingCustomerParty", "cac:AllowanceCharge", "cbc:PaymentMeansCode", "cbc:Name"]
DUPLICABLE_CII_FRESH = ["ram:IssueDateTime", "ram:DuePayableAmount", "ram:GrandTotalAmount", "ram:LineTotalAmount",
                        "ram:TaxBasisTotalAmount", "ram:BasisAmount", "ram:RateApplicablePercent", "ram:BilledQuantity",
                        "ram:ChargeAmount", "ram:SellerTradeParty", "ram:BuyerTradeParty", "ram:CountryID", "ram:TypeCode",
                        "ram:SpecifiedTradeSettlementLineMonetarySummation", "ram:ExemptionReason"]


def _half(v):
    try:
        from decimal import Decimal
        d = Decimal(v.strip())
        return f"{(d / 2):.2f}"
    except Exception:  # noqa: BLE001
        return None


def _swap_last_digits(v):
    s = v.strip()
    if len(s) < 2 or not s[-1].isdigit() or not s[-2].isdigit() or s[-1] == s[-2]:
        return None
    return s[:-2] + s[-1] + s[-2]


def fresh_mutants(text, syntax, per_op=2):
    """The fresh set (`--set fresh`), never tuned on: new operators of every class at the first `per_op` places,
    the tuned operators at the fifth and sixth places, new elements removed (also the last of a kind) and
    duplicated, and other legal variants. Its labels start with `f:`."""
    out = []
    # Not a mutant of the other two sets (the same text made by another operator or place).
    seen = {text} | {t for _, t in mutants(text, syntax, per_op)} | {t for _, t in mutants(text, syntax, per_op, holdout=True)}

    def add(label, new):
        if new is not None and new not in seen:
            seen.add(new)
            out.append(("f:" + label, new))

    for ops, skip in ((_fresh_value_ops(syntax), 0), (_value_ops(syntax), 4)):
        for label, elem, fn in ops:
            if elem is None:
                continue
            for k, m, nv in _places(_leaf(elem).finditer(text), fn, 3, skip, per_op):
                add(f"{label}#{k}", _replace_span(text, m, 3, nv))
    for ops, skip in ((_fresh_attr_ops(syntax), 0), (_attr_ops(syntax), 4)):
        for label, attr, fn in ops:
            for k, m, nv in _places(re.finditer(r"\s" + attr + r'="([^"]*)"', text), fn, 1, skip, per_op):
                add(f"{label}#{k}", _replace_span(text, m, 1, nv))
    removable = REMOVABLE_CII_FRESH if syntax == "cii" else REMOVABLE_UBL_FRESH
    duplicable = DUPLICABLE_CII_FRESH if syntax == "cii" else DUPLICABLE_UBL_FRESH
    for name in removable + (REMOVABLE_CII if syntax == "cii" else REMOVABLE_UBL):
        ms = list(_block(name.split(":")[1]).finditer(text))
        if ms:
            m = ms[-1]
            add(f"remove last {name}", text[: m.start()] + text[m.end():])
        if name in removable and ms:
            m = ms[0]
            add(f"remove {name}", text[: m.start()] + text[m.end():])
    for name in duplicable:
        ms = list(_block(name.split(":")[1]).finditer(text))
        if ms:
            m = ms[-1]
            add(f"duplicate last {name}", text[: m.end()] + m.group(0) + text[m.end():])
    # Other legal variants.
    add("variant: tab indentation", re.sub(r">\s*<", ">\n\t<", text))
    add("variant: trailing newlines", text.rstrip() + "\n\n\n")
    add("variant: comment inside totals", re.sub(r"(<(?:[\w.-]+:)?(?:LegalMonetaryTotal|SpecifiedTradeSettlementHeaderMonetarySummation)>)",
                                                 lambda m: m.group(1) + "<!-- totals -->", text, count=1))
    m = re.search(r'<\?xml[^>]*encoding="UTF-8"[^>]*\?>', text)
    if m:
        add("variant: lower-case encoding name", text[: m.start()] + m.group(0).replace("UTF-8", "utf-8") + text[m.end():])
    return out


def _reprefix(text, mapping):
    for old, new in mapping.items():
        if f"xmlns:{new}=" in text:
            return None
        text = re.sub(r"(</?)" + old + r":", r"\1" + new + ":", text)
        text = text.replace(f"xmlns:{old}=", f"xmlns:{new}=")
    return text
