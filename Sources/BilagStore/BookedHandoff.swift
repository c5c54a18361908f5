import BilagCore
import Foundation
import Synchronization

/// The bookings this process has just stored, kept beside their journal lines so that the Outbox writers of the same
/// process take them as they are rather than reading back the JSON they were stored as (in the touchless month that
/// reading was a tenth of the Outbox thread's work, and the journal line's second writing most of the rest).
///
/// Only what the hand writer wrote (`BookedInvoice.jsonLine`) is kept, and an entry is given out only for a stored line
/// equal to the one kept: equal bytes decode to this booking, so what a writer gets is what reading the line would have
/// given. Anything else (an entry stored by another process, by an earlier run, or pushed out of this bounded list)
/// is read from its line as before.
public final class BookedHandoff: Sendable {
    /// The bookings kept at most (the oldest go first): about two batches' worth at the default batch size, a few MB.
    public let capacity: Int
    private let state: Mutex<State>

    struct State {
        var byInvoice: [String: Kept] = [:]
        /// Invoice ids in the order kept (a ring: `next` is the oldest once full).
        var order: [String] = []
        var next = 0
    }

    struct Kept {
        let line: JSONBytes
        let booked: BookedInvoice
    }

    public init(capacity: Int = 2048) {
        self.capacity = max(1, capacity)
        state = Mutex(State())
    }

    /// Keeps `booked` as stored in `line`, which its hand writer wrote (`jsonLine`).
    public func keep(_ booked: BookedInvoice, line: String) { keep(booked, line: JSONBytes(line)) }

    /// `keep` of the line's bytes as the store bound them.
    public func keep(_ booked: BookedInvoice, line: JSONBytes) {
        state.withLock { s in
            if s.byInvoice.updateValue(Kept(line: line, booked: booked), forKey: booked.invoiceID) != nil { return }
            if s.order.count < capacity {
                s.order.append(booked.invoiceID)
            } else {
                s.byInvoice.removeValue(forKey: s.order[s.next])
                s.order[s.next] = booked.invoiceID
                s.next = (s.next + 1) % capacity
            }
        }
    }

    /// The booking kept for `invoiceID` if it was stored as exactly `line`, byte for byte (not merely as text Swift
    /// deems equal: another Unicode normalisation of the same text writes other bytes); nil otherwise.
    public func booked(_ invoiceID: String, line: String) -> BookedInvoice? {
        guard let k = state.withLock({ $0.byInvoice[invoiceID] }), Self.sameBytes(k.line, line) else { return nil }
        return k.booked
    }

    /// The booking kept for `invoiceID`, with its line, if it was stored as exactly `bytes`; nil otherwise.
    public func booked(_ invoiceID: String, bytes: UnsafeBufferPointer<UInt8>) -> (booked: BookedInvoice, line: JSONBytes)? {
        guard let k = state.withLock({ $0.byInvoice[invoiceID] }), Self.sameBytes(k.line, bytes) else { return nil }
        return (k.booked, k.line)
    }

    static func sameBytes(_ a: JSONBytes, _ b: String) -> Bool {
        var b = b
        return b.withUTF8 { sameBytes(a, $0) }
    }

    static func sameBytes(_ a: JSONBytes, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.bytes.count == y.count else { return false }
        return a.bytes.withUnsafeBufferPointer { x in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
    }
}
