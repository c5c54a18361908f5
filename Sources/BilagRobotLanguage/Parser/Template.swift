/// A message with `{expression}` parts, e.g. `Order {order.id} was invoiced {order.invoiced_at}`.
///
/// Write `{{` and `}}` for literal braces. A null value renders as nothing; a list as its items joined by
/// `, `. Rendering never fails: a run-time error inside a part renders as `<error: …>`.
public struct Template: Sendable, CustomStringConvertible {
    /// The text as written in the robot file.
    public let source: String
    /// The literal texts and expressions, in order.
    let parts: [TemplatePart]

    /// Parses `text`, which starts at `location` in its file; errors point inside the text.
    public static func parse(_ text: String, at location: SourceLocation) throws -> Template {
        let s = Array(text.unicodeScalars)
        let map = SourceMap(s, origin: location)
        var parts: [TemplatePart] = []
        var literal = String.UnicodeScalarView()
        var i = 0
        func flush() {
            if !literal.isEmpty { parts.append(.text(String(literal))); literal = String.UnicodeScalarView() }
        }
        while i < s.count {
            let c = s[i]
            let following = i + 1 < s.count ? s[i + 1] : nil
            if c == "{", following == "{" {
                literal.append("{"); i += 2
            } else if c == "}", following == "}" {
                literal.append("}"); i += 2
            } else if c == "}" {
                throw map.error("a `}` without its `{`: write }} for a literal brace", at: i)
            } else if c == "{" {
                let end = try closingBrace(s, from: i + 1, map: map, open: i)
                let inner = String(String.UnicodeScalarView(s[(i + 1)..<end]))
                guard inner.contains(where: { !$0.isWhitespace }) else {
                    throw map.error("empty `{}` in a message: put an expression inside, or write {{ for a literal brace", at: i)
                }
                flush()
                parts.append(.expression(try Expression.parse(inner, at: map.location(i + 1))))
                i = end + 1
            } else {
                literal.append(c); i += 1
            }
        }
        flush()
        return Template(source: text, parts: parts)
    }

    /// The offset of the `}` closing an expression that starts at `start`, skipping quoted texts.
    private static func closingBrace(_ s: [Unicode.Scalar], from start: Int, map: SourceMap, open: Int) throws -> Int {
        var j = start
        var quote: Unicode.Scalar?
        while j < s.count {
            let d = s[j]
            if let q = quote {
                if d == "\\" { j += 2; continue }
                if d == q { quote = nil }
            } else if d == "\"" || d == "'" {
                quote = d
            } else if d == "}" {
                return j
            }
            j += 1
        }
        throw map.error("this `{` has no closing `}`: write {{ for a literal brace", at: open)
    }

    /// Checks every `{expression}` against the names in `env` (any type may be shown).
    public func check(in env: TypeEnvironment) throws {
        for case .expression(let e) in parts { _ = try e.check(in: env) }
    }

    /// The message with every `{expression}` filled in from `env`.
    public func render(in env: Environment) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .text(let t):
                out += t
            case .expression(let e):
                do {
                    out += try e.evaluate(in: env).displayText
                } catch let error as EvaluationError {
                    out += "<error: \(error.message)>"
                } catch {
                    out += "<error: \(error)>"
                }
            }
        }
        return out
    }

    /// The expressions inside the template, in order.
    public var expressions: [Expression] {
        parts.compactMap { if case .expression(let e) = $0 { return e } else { return nil } }
    }

    /// The root variable names the template reads.
    public var referencedNames: Set<String> { expressions.reduce(into: []) { $0.formUnion($1.referencedNames) } }

    /// The source text.
    public var description: String { source }
}
