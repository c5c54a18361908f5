import Foundation

extension TemporaryRoot {
    /// Writes `Robots/book-everything.robot.yaml`: a robot that books every invoice with a number on account 4000,
    /// cost centre 1100, VAT code I25 (and pays it, with `pay`) — for tests that need to see what gets booked.
    public func addBookEverythingRobot(pay: Bool = false) throws {
        try FileManager.default.createDirectory(atPath: path + "/Robots", withIntermediateDirectories: true)
        try Data("""
            robot: book-everything
            description: books every invoice
            priority: 1
            match: invoice.number != null
            steps:
              - book:
                  account: "4000"
                  dimensions: { costcentre: "1100" }
                  vat_code: "I25"
                  pay: \(pay)
            """.utf8).write(to: URL(fileURLWithPath: path + "/Robots/book-everything.robot.yaml"))
    }
}
