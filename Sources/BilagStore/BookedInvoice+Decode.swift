import BilagCore

/// A journal entry's line (`journal_entry.line`) read back by hand, without Foundation's `JSONDecoder`: the Outbox
/// writers read every booking they write, and the decoder was 3–5 % of the touchless month. It reads only what the
/// store's encoder (and `BookedInvoice.jsonLine`) writes: no whitespace, no escapes, no numbers, no unknown or
/// repeated keys. Anything else gives nil and the caller uses the decoder, so what is read is always what the decoder
/// reads; `BookedInvoiceDecodeTests` compares the two.
extension BookedInvoice {
    public init?(journalLine line: String) {
        var line = line
        guard let b = line.withUTF8({ bytes -> BookedInvoice? in
            var r = JSONLineReader(bytes: bytes)
            guard let b = r.bookedInvoice(), r.atEnd else { return nil }
            return b
        }) else { return nil }
        self = b
    }
}

extension JSONLineReader {
    mutating func bookedInvoice() -> BookedInvoice? {
        var invoiceID: String?, bookedAt: String?, bookedBy: String?, documentKind: DocumentKind?, amountDue: Amount?, postings: [Posting]?, pay: Bool?
        var supplierKey: String??, supplierName: String??, invoiceNumber: String??, issueDate: String??, dueDate: String??, currency: String??
        var totalWithoutVAT: Amount??, totalVAT: Amount??, sha256: String??, robot: String??, historyKey: String??, details: BookedInvoiceDetails??
        let read = object { key, r in
            switch key {
            case "invoice_id": guard invoiceID == nil else { return false }; invoiceID = r.string(); return invoiceID != nil
            case "booked_at": guard bookedAt == nil else { return false }; bookedAt = r.string(); return bookedAt != nil
            case "booked_by": guard bookedBy == nil else { return false }; bookedBy = r.string(); return bookedBy != nil
            case "document_kind": guard documentKind == nil else { return false }; documentKind = r.string().flatMap(DocumentKind.init(rawValue:)); return documentKind != nil
            case "amount_due": guard amountDue == nil else { return false }; amountDue = r.amount(); return amountDue != nil
            case "pay": guard pay == nil else { return false }; pay = r.bool(); return pay != nil
            case "postings":
                guard postings == nil else { return false }
                var list: [Posting] = []
                guard r.array({ r in
                    guard let p = r.posting() else { return false }
                    list.append(p)
                    return true
                }) else { return false }
                postings = list
                return true
            case "supplier_key": return r.optionalString(&supplierKey)
            case "supplier_name": return r.optionalString(&supplierName)
            case "invoice_number": return r.optionalString(&invoiceNumber)
            case "issue_date": return r.optionalString(&issueDate)
            case "due_date": return r.optionalString(&dueDate)
            case "currency": return r.optionalString(&currency)
            case "sha256": return r.optionalString(&sha256)
            case "robot": return r.optionalString(&robot)
            case "history_key": return r.optionalString(&historyKey)
            case "total_without_vat": return r.optionalAmount(&totalWithoutVAT)
            case "total_vat": return r.optionalAmount(&totalVAT)
            case "details":
                guard details == nil else { return false }
                if r.null() { details = .some(nil); return true }
                guard let d = r.details() else { return false }
                details = .some(d)
                return true
            default: return false
            }
        }
        guard read, let invoiceID, let bookedAt, let bookedBy, let documentKind, let amountDue, let postings, let pay else { return nil }
        return BookedInvoice(invoiceID: invoiceID, bookedAt: bookedAt, bookedBy: bookedBy, supplierKey: flat(supplierKey), supplierName: flat(supplierName),
                             invoiceNumber: flat(invoiceNumber), issueDate: flat(issueDate), dueDate: flat(dueDate), documentKind: documentKind, currency: flat(currency),
                             amountDue: amountDue, totalWithoutVAT: flat(totalWithoutVAT), totalVAT: flat(totalVAT), postings: postings, pay: pay, sha256: sha256 ?? nil,
                             robot: flat(robot), historyKey: flat(historyKey), details: flat(details))
    }

    mutating func posting() -> Posting? {
        var account: String?, dimensions: [String: String]?, netAmount: Amount?, vatAmount: Amount?, vatCode: String??, text: String??
        let read = object { key, r in
            switch key {
            case "account": guard account == nil else { return false }; account = r.string(); return account != nil
            case "net_amount": guard netAmount == nil else { return false }; netAmount = r.amount(); return netAmount != nil
            case "vat_amount": guard vatAmount == nil else { return false }; vatAmount = r.amount(); return vatAmount != nil
            case "vat_code": return r.optionalString(&vatCode)
            case "text": return r.optionalString(&text)
            case "dimensions":
                guard dimensions == nil else { return false }
                var dims: [String: String] = [:]
                guard r.object({ name, r in
                    guard dims[name] == nil, let value = r.string() else { return false }
                    dims[name] = value
                    return true
                }) else { return false }
                dimensions = dims
                return true
            default: return false
            }
        }
        guard read, let account, let dimensions, let netAmount, let vatAmount else { return nil }
        return Posting(account: account, dimensions: dimensions, netAmount: netAmount, vatAmount: vatAmount, vatCode: flat(vatCode), text: flat(text))
    }

    mutating func details() -> BookedInvoiceDetails? {
        var vatBreakdown: [BookedInvoiceDetails.VATPart]?, payment: BookedInvoiceDetails.PaymentMeans??
        var legalID: String??, vatNumber: String??, endpoint: String??, paid: Amount??, rounding: Amount??, buyerRef: String??, orderRef: String??
        let read = object { key, r in
            switch key {
            case "vat_breakdown":
                guard vatBreakdown == nil else { return false }
                var parts: [BookedInvoiceDetails.VATPart] = []
                guard r.array({ r in
                    guard let p = r.vatPart() else { return false }
                    parts.append(p)
                    return true
                }) else { return false }
                vatBreakdown = parts
                return true
            case "payment":
                guard payment == nil else { return false }
                if r.null() { payment = .some(nil); return true }
                guard let p = r.paymentMeans() else { return false }
                payment = .some(p)
                return true
            case "supplier_legal_id": return r.optionalString(&legalID)
            case "supplier_vat_number": return r.optionalString(&vatNumber)
            case "supplier_endpoint": return r.optionalString(&endpoint)
            case "paid_amount": return r.optionalAmount(&paid)
            case "rounding_amount": return r.optionalAmount(&rounding)
            case "buyer_reference": return r.optionalString(&buyerRef)
            case "order_reference": return r.optionalString(&orderRef)
            default: return false
            }
        }
        guard read, let vatBreakdown else { return nil }
        var d = BookedInvoiceDetails()
        d.vatBreakdown = vatBreakdown; d.payment = flat(payment); d.supplierLegalID = flat(legalID); d.supplierVATNumber = flat(vatNumber)
        d.supplierEndpoint = flat(endpoint); d.paidAmount = flat(paid); d.roundingAmount = flat(rounding); d.buyerReference = flat(buyerRef); d.orderReference = flat(orderRef)
        return d
    }

    mutating func vatPart() -> BookedInvoiceDetails.VATPart? {
        var category: String??, rate: Amount??, taxable: Amount?, tax: Amount?
        let read = object { key, r in
            switch key {
            case "category": return r.optionalString(&category)
            case "rate": return r.optionalAmount(&rate)
            case "taxable": guard taxable == nil else { return false }; taxable = r.amount(); return taxable != nil
            case "tax": guard tax == nil else { return false }; tax = r.amount(); return tax != nil
            default: return false
            }
        }
        guard read, let taxable, let tax else { return nil }
        return .init(category: flat(category), rate: flat(rate), taxable: taxable, tax: tax)
    }

    mutating func paymentMeans() -> BookedInvoiceDetails.PaymentMeans? {
        var code: String??, account: String??, bic: String??, paymentID: String??, instructionID: String??, creditAccount: String??, channel: String??
        let read = object { key, r in
            switch key {
            case "code": return r.optionalString(&code)
            case "account": return r.optionalString(&account)
            case "bic": return r.optionalString(&bic)
            case "payment_id": return r.optionalString(&paymentID)
            case "instruction_id": return r.optionalString(&instructionID)
            case "credit_account": return r.optionalString(&creditAccount)
            case "channel": return r.optionalString(&channel)
            default: return false
            }
        }
        guard read else { return nil }
        return .init(code: flat(code), account: flat(account), bic: flat(bic), paymentID: flat(paymentID), instructionID: flat(instructionID),
                     creditAccount: flat(creditAccount), channel: flat(channel))
    }
}

/// A field read as absent (nil) or `null` (.some(nil)), as the decoder reads both: nil.
@inline(__always) private func flat<T>(_ value: T??) -> T? { value ?? nil }
