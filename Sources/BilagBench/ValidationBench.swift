import BilagCore
import BilagFormats
import BilagValidation
import Foundation

/// `bilag bench --validation FOLDER`: parses and validates every `.xml` file of a folder under its own profile and
/// reports each verdict (the fatal and warning rule ids), with the time per document to parse and to validate.
/// The differential harness (`scripts/validation-diff`) compares these verdicts with the official Schematron's.
public struct ValidationBench: Sendable {
    public struct Document: Codable, Sendable {
        public var file: String
        public var profile: String
        public var valid: Bool
        public var fatal: [String]
        public var warnings: [String]
    }

    public struct Report: Codable, Sendable {
        public var documents: [Document]
        /// Files that are no invoice bilag can read: `file: reason`.
        public var unreadable: [String]
        /// Mean wall time to validate one parsed document, in µs (each document validated `rounds` times).
        public var validateMicros: Double
        /// Mean wall time to parse one document (bytes to canonical model), in µs.
        public var parseMicros: Double
        /// Mean wall time to validate one document of each syntax (`ubl`, `cii`, `oioubl`), in µs.
        public var validateMicrosBySyntax: [String: Double]
        /// The same in CPU time of the validating thread (steadier than wall time on a shared machine), in µs.
        public var validateCPUMicrosBySyntax: [String: Double]
        public var rounds: Int
    }

    /// CPU time of the calling thread.
    static func threadCPUTime() -> Duration {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return .seconds(ts.tv_sec) + .nanoseconds(ts.tv_nsec)
    }

    /// The syntax a document is timed under: `oioubl` for OIOUBL documents, else `ubl` or `cii`.
    static func syntax(_ doc: ParsedDocument) -> String {
        doc.invoice.profile == .oioubl ? "oioubl" : doc.invoice.syntax == .cii ? "cii" : "ubl"
    }

    public let folder: String
    public init(folder: String) { self.folder = folder }

    public func run() throws -> Report {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".xml") }.sorted()
        var parsed: [(String, ParsedDocument)] = []
        var unreadable: [String] = []
        let validator = Validator()
        let clock = ContinuousClock()
        var parseTime = Duration.zero
        for name in names {
            let data = try Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent(name))
            let start = clock.now
            do {
                let doc = try DocumentParser.parse(data)
                parseTime += clock.now - start
                parsed.append((name, doc))
            } catch {
                unreadable.append("\(name): \(error)")
            }
        }
        var documents: [Document] = []
        for (name, doc) in parsed {
            let r = validator.validate(doc)
            documents.append(Document(
                file: name, profile: r.profile.rawValue, valid: r.isValid,
                fatal: r.issues.filter { $0.severity == .fatal }.map(\.ruleID),
                warnings: r.issues.filter { $0.severity == .warning }.map(\.ruleID)))
        }
        // Time: every document validated in rounds until half a second has passed (at most 50 rounds), each
        // syntax's documents together.
        let groups = Dictionary(grouping: parsed.map(\.1), by: Self.syntax)
        var rounds = 0
        var validateTime = Duration.zero
        var bySyntax: [String: Duration] = [:]
        var cpuBySyntax: [String: Duration] = [:]
        var sink = 0
        while !parsed.isEmpty, rounds < 50, validateTime < .milliseconds(500) {
            for (syntax, docs) in groups {
                let start = clock.now
                let cpu = Self.threadCPUTime()
                for doc in docs { sink &+= validator.validate(doc).issues.count }
                cpuBySyntax[syntax, default: .zero] += Self.threadCPUTime() - cpu
                let t = clock.now - start
                validateTime += t
                bySyntax[syntax, default: .zero] += t
            }
            rounds += 1
        }
        if sink == -1 { print(sink) }
        func micros(_ d: Duration, _ n: Int) -> Double {
            guard n > 0 else { return 0 }
            let s = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            return (s * 1e6 / Double(n) * 10).rounded() / 10
        }
        return Report(documents: documents, unreadable: unreadable,
                      validateMicros: micros(validateTime, parsed.count * max(rounds, 1)),
                      parseMicros: micros(parseTime, parsed.count),
                      validateMicrosBySyntax: groups.reduce(into: [:]) { out, g in
                          out[g.key] = micros(bySyntax[g.key] ?? .zero, g.value.count * max(rounds, 1))
                      },
                      validateCPUMicrosBySyntax: groups.reduce(into: [:]) { out, g in
                          out[g.key] = micros(cpuBySyntax[g.key] ?? .zero, g.value.count * max(rounds, 1))
                      },
                      rounds: rounds)
    }
}
