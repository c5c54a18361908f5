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
            case "invoice_id": return r.once(&invoiceID) { $0.string() }
            case "booked_at": return r.once(&bookedAt) { $0.string() }
            case "booked_by": return r.once(&bookedBy) { $0.string() }
            case "document_kind": return r.once(&documentKind) { $0.string().flatMap(DocumentKind.init(rawValue:)) }
            case "amount_due": return r.once(&amountDue) { $0.amount() }
            case "pay": return r.once(&pay) { $0.bool() }
            case "postings": return r.once(&postings) { $0.list { $0.posting() } }
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
            case "details": return r.optional(&details) { $0.details() }
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
            case "account": return r.once(&account) { $0.string() }
            case "net_amount": return r.once(&netAmount) { $0.amount() }
            case "vat_amount": return r.once(&vatAmount) { $0.amount() }
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
            case "vat_breakdown": return r.once(&vatBreakdown) { $0.list { $0.vatPart() } }
            case "payment": return r.optional(&payment) { $0.paymentMeans() }
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
            case "taxable": return r.once(&taxable) { $0.amount() }
            case "tax": return r.once(&tax) { $0.amount() }
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
