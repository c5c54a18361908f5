import BilagCore

/// Maps `ram:ApplicableHeaderTradeSettlement`: currency, payment, VAT breakdown, allowances, totals.
extension CIIReader {
    mutating func readSettlement(_ s: XMLElement, into inv: inout Invoice.Fields) {
        inv.documentCurrencyCode = s.text(.ram, "InvoiceCurrencyCode").map { CurrencyCode($0) }
        inv.vatAccountingCurrencyCode = s.text(.ram, "TaxCurrencyCode").map { CurrencyCode($0) }
        let creditorID = s.text(.ram, "CreditorReferenceID")
        let remittance = s.text(.ram, "PaymentReference")
        if let payee = s.first(.ram, "PayeeTradeParty") {
            var p = Payee()
            p.name = payee.text(.ram, "Name")
            p.identifier = fields.identifier(payee.first(.ram, "GlobalID")) ?? fields.identifier(payee.first(.ram, "ID"))
            p.legalRegistrationIdentifier = fields.identifier(payee.first(.ram, "SpecifiedLegalOrganization")?.first(.ram, "ID"))
            inv.payee = p
        }
        let terms = s.first(.ram, "SpecifiedTradePaymentTerms")
        let mandate = terms?.text(.ram, "DirectDebitMandateID")
        for pm in s.all(.ram, "SpecifiedTradeSettlementPaymentMeans") {
            var out = PaymentInstructions()
            out.paymentMeansTypeCode = pm.text(.ram, "TypeCode")
            out.paymentMeansText = pm.text(.ram, "Information")
            out.remittanceInformation = remittance
            if let card = pm.first(.ram, "ApplicableTradeSettlementFinancialCard") {
                var c = PaymentCard()
                c.primaryAccountNumber = card.text(.ram, "ID")
                c.holderName = card.text(.ram, "CardholderName")
                out.paymentCard = c
            }
            for acct in pm.all(.ram, "PayeePartyCreditorFinancialAccount") {
                var ct = CreditTransfer()
                if let iban = acct.text(.ram, "IBANID") { ct.paymentAccountIdentifier = Identifier(iban) } else if let prop = acct.text(.ram, "ProprietaryID") { ct.paymentAccountIdentifier = Identifier(prop) }
                ct.paymentAccountName = acct.text(.ram, "AccountName")
                ct.paymentServiceProviderIdentifier = pm.first(.ram, "PayeeSpecifiedCreditorFinancialInstitution")?.text(.ram, "BICID")
                out.creditTransfers.append(ct)
            }
            if let debtor = pm.first(.ram, "PayerPartyDebtorFinancialAccount") {
                var dd = DirectDebit()
                dd.debitedAccountIdentifier = debtor.text(.ram, "IBANID")
                dd.mandateReferenceIdentifier = mandate
                dd.bankAssignedCreditorIdentifier = creditorID
                out.directDebit = dd
            }
            inv.paymentInstructions.append(out)
        }
        if inv.paymentInstructions.isEmpty, remittance != nil {
            var out = PaymentInstructions()
            out.remittanceInformation = remittance
            inv.paymentInstructions.append(out)
        }
        for tax in s.all(.ram, "ApplicableTradeTax") {
            var b = VATBreakdown()
            b.taxAmount = fields.amount(tax.first(.ram, "CalculatedAmount"), "ram:ApplicableTradeTax/ram:CalculatedAmount")
            b.taxableAmount = fields.amount(tax.first(.ram, "BasisAmount"), "ram:ApplicableTradeTax/ram:BasisAmount")
            b.categoryCode = tax.text(.ram, "CategoryCode")
            b.rate = fields.amount(tax.first(.ram, "RateApplicablePercent"), "ram:ApplicableTradeTax/ram:RateApplicablePercent")
            b.exemptionReasonText = tax.text(.ram, "ExemptionReason")
            b.exemptionReasonCode = tax.text(.ram, "ExemptionReasonCode")
            if b.exemptionReasonCode == nil && b.exemptionReasonText == nil,
               tax.first(.ram, "ExemptionReason") != nil || tax.first(.ram, "ExemptionReasonCode") != nil {
                emptyExemptionReasons.append(inv.vatBreakdown.count)
            }
            if let code = tax.text(.ram, "DueDateTypeCode") {
                var p = inv.invoicingPeriod ?? Period()
                p.descriptionCode = code
                inv.invoicingPeriod = p
            }
            if let tp = tax.first(.ram, "TaxPointDate") { inv.valueAddedTaxPointDate = fields.date(tp.first(.udt, "DateString"), "ram:ApplicableTradeTax/ram:TaxPointDate") }
            inv.vatBreakdown.append(b)
        }
        if let p = period(s.first(.ram, "BillingSpecifiedPeriod"), "ram:BillingSpecifiedPeriod") {
            var merged = p
            merged.descriptionCode = inv.invoicingPeriod?.descriptionCode
            inv.invoicingPeriod = merged
        }
        for ac in s.all(.ram, "SpecifiedTradeAllowanceCharge") { inv.allowanceCharges.append(allowanceCharge(ac, documentLevel: true)) }
        if let terms {
            inv.paymentTerms = terms.text(.ram, "Description")
            inv.paymentDueDate = dateTime(terms.first(.ram, "DueDateDateTime"), "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime")
        }
        if let m = s.first(.ram, "SpecifiedTradeSettlementHeaderMonetarySummation") {
            let base = "ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
            inv.totals.sumOfInvoiceLineNetAmount = fields.amount(m.first(.ram, "LineTotalAmount"), base + "ram:LineTotalAmount")
            inv.totals.sumOfChargesOnDocumentLevel = fields.amount(m.first(.ram, "ChargeTotalAmount"), base + "ram:ChargeTotalAmount")
            inv.totals.sumOfAllowancesOnDocumentLevel = fields.amount(m.first(.ram, "AllowanceTotalAmount"), base + "ram:AllowanceTotalAmount")
            inv.totals.invoiceTotalAmountWithoutVAT = fields.amount(m.first(.ram, "TaxBasisTotalAmount"), base + "ram:TaxBasisTotalAmount")
            let docCurrency = inv.documentCurrencyCode?.code
            let taxCurrency = inv.vatAccountingCurrencyCode?.code
            for t in m.all(.ram, "TaxTotalAmount") {
                let amount = fields.amount(t, base + "ram:TaxTotalAmount")
                let currency = t.attribute("currencyID")
                if let taxCurrency, taxCurrency != docCurrency, currency == taxCurrency {
                    inv.totals.invoiceTotalVATAmountInAccountingCurrency = amount
                } else if inv.totals.invoiceTotalVATAmount == nil {
                    inv.totals.invoiceTotalVATAmount = amount
                }
            }
            inv.totals.roundingAmount = fields.amount(m.first(.ram, "RoundingAmount"), base + "ram:RoundingAmount")
            inv.totals.invoiceTotalAmountWithVAT = fields.amount(m.first(.ram, "GrandTotalAmount"), base + "ram:GrandTotalAmount")
            inv.totals.paidAmount = fields.amount(m.first(.ram, "TotalPrepaidAmount"), base + "ram:TotalPrepaidAmount")
            inv.totals.amountDueForPayment = fields.amount(m.first(.ram, "DuePayableAmount"), base + "ram:DuePayableAmount")
        }
        for ref in s.all(.ram, "InvoiceReferencedDocument") {
            guard let id = ref.text(.ram, "IssuerAssignedID") else { continue }
            var p = PrecedingInvoiceReference(reference: id)
            p.issueDate = dateTime(ref.first(.ram, "FormattedIssueDateTime"), "ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime")
            inv.precedingInvoiceReferences.append(p)
        }
        inv.buyerAccountingReference = s.first(.ram, "ReceivableSpecifiedTradeAccountingAccount")?.text(.ram, "ID")
    }
}
