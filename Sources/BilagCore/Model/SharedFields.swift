/// The stored fields of a value type held in one box its copies share until one of them changes a field (copy on
/// write): copying the value is one retain, not one per text and list it holds. The value reaches each field through
/// one `@dynamicMemberLookup` subscript, which reads `fields` in place and calls `makeUnique` before it writes
/// (`Invoice`, `Outcome`, `ClaimedFile`, `BookedInvoice`); a literal key path there compiles to the field's own
/// access. Public for those values in other modules; each keeps its box to itself.
public final class SharedFields<Fields: Sendable>: @unchecked Sendable {
    // @unchecked: changed only through its holder's accessors, and only while one value holds it. Overlapping
    // accesses are refused at compile time on the value that holds the box, so they need no run-time check here.
    @exclusivity(unchecked) public var fields: Fields
    public init(_ fields: Fields) { self.fields = fields }

    /// Gives `box` a copy of its own first when another value shares it.
    @inlinable public static func makeUnique(_ box: inout SharedFields<Fields>) {
        if !isKnownUniquelyReferenced(&box) { box = SharedFields(box.fields) }
    }
}
