import ArgumentParser
import BilagStore

/// `--limit`/`--offset` of the list commands, and the line that says how much of the whole a page shows.
struct PageOptions: ParsableArguments {
    @Option(help: "At most this many rows (default: 100 for the queue, 1000 for invoices).") var limit: Int?
    @Option(help: "Skip this many rows first (the next page starts at offset + limit).") var offset = 0

    /// "rows A–B of M" and, when more follow, how to get the next page.
    func footer(shown: Int, total: Int, limit: Int) -> String {
        if shown == 0 { return "no rows from offset \(offset); \(total) in all" }
        let first = offset + 1, last = offset + shown
        var text = "\(shown) of \(total) (rows \(first)–\(last))"
        if last < total { text += "; next page: --offset \(last) --limit \(limit)" }
        return text
    }
}

/// One page of invoices as JSON: the rows and where they sit in the whole.
struct Page: Encodable {
    let invoices: [InvoiceRecord]
    let total: Int
    let offset: Int
    let limit: Int
}
