import BilagCore
import BilagRobotLanguage

/// A case update as the payload of its queued write-back, byte for byte as `RobotDecider.encoder` (`.sortedKeys`,
/// `.withoutEscapingSlashes`) writes it, without the encoder's cost on the committing thread (one per write-back);
/// nil where the encoder's own escapes or order decide (a control character, a name that is not plain ASCII), and the
/// caller uses the encoder. `CaseUpdateJSONTests` compares the two.
extension CaseUpdate {
    public var jsonPayload: String? {
        var w = JSONObjectWriter()
        w.out.reserveCapacity(256)
        w.open()
        w.field("action", action)
        w.field("compensate", compensate)
        w.field("compensates", compensates)
        w.field("connector", connector)
        w.field("idempotency_key", idempotencyKey)
        w.field("invoice_id", invoiceID)
        if let paramTypes {
            w.key("param_types")
            Self.write(.record(paramTypes.mapValues(Value.string)), to: &w)
        }
        w.key("params")
        Self.write(.record(params), to: &w)
        w.close()
        return w.text
    }

    /// A value as `Value.encode(to:)` writes it: numbers as decimal strings, dates as `YYYY-MM-DD`.
    static func write(_ v: Value, to w: inout JSONObjectWriter) {
        switch v {
        case .null: w.raw("null")
        case let .bool(b): w.raw(b ? "true" : "false")
        case let .number(n): w.string(n.description)
        case let .string(s): w.string(s)
        case let .date(d): w.string(d.description)
        case let .list(items): w.array(items) { item, w in write(item, to: &w) }
        case let .record(fields):
            w.open()
            for name in w.sortedNames(fields.keys) {
                w.key(name)
                write(fields[name]!, to: &w)
            }
            w.close()
        }
    }
}
