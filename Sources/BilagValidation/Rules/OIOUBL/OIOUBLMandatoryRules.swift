import BilagCore

/// OIOUBL 2.x mandatory elements (`OIOUBL-MAND-*`).
///
/// What the XML Schema requires and the official OIOUBL Schematron does not state (an issue date, a line), kept as
/// bilag's own. A missing issue date is a warning (the official verdict; the pipeline holds such an invoice in the
/// manual queue, `issue-date-unreadable`), an unreadable one is `BILAG-FORMAT`'s to report; the rest of bilag's former OIOUBL-MAND rules are replaced by the official ones on the document as
/// written (`OIOUBLDocumentRules`, `OIOUBLPartyRules`, `OIOUBLTaxRules`, `OIOUBLLineRules`; docs/validation.md).
enum OIOUBLMandatoryRules {
    static let p = Profiles.oioubl
    static let all: [any Rule] = [
        Assert("OIOUBL-MAND-03", p, severity: .warning, at: "cbc:IssueDate", "An OIOUBL document shall have an IssueDate.") { c in
            c.invoice.issueDate != nil || c.hasUnreadable("cbc:IssueDate")
        },
        Assert("OIOUBL-MAND-12", p, at: "cac:InvoiceLine", "An OIOUBL document shall have at least one line.") { !$0.invoice.lines.isEmpty },
        Assert("F-INV139", p, at: "cac:InvoiceLine/cac:Price", "One Price class must be present (each InvoiceLine has exactly one cac:Price).") { c in
            c.isUBLCreditNoteRoot || (c.lexical.oioubl?.linesWithoutOnePrice ?? 0) == 0
        },
    ]
}
