import BilagCore
import BilagRobotLanguage
import Foundation
import Synchronization
import XCTest

/// The robot expression language: parsing, checking, evaluation, functions and templates.
final class RobotLanguageTests: XCTestCase {
    // MARK: helpers

    /// Where test expressions "start": line 10, column 5 of a robot file.
    static let origin = SourceLocation(file: "Robots/test.robot.yaml", line: 10, column: 5)

    /// The names the shipped robots see, with the types the loader gives them.
    static let types = TypeEnvironment([
        "invoice": .record([
            "number": .string, "issue_date": .date, "due_date": .date, "service_date": .date, "kind": .string,
            "amount_due": .number, "total_with_vat": .number, "note": .string, "notes": .list(.string),
            "buyer_reference": .string, "order_reference": .string, "contract_reference": .string,
            "period_start": .date, "period_end": .date, "currency": .string, "line_count": .number,
        ]),
        "seller": .record(["cvr": .string, "name": .string, "orgnr": .string]),
        "buyer": .record(["ean": .string, "name": .string]),
        "lines": .list(.record(["id": .string, "name": .string, "net_amount": .number, "quantity": .number, "period_start": .date])),
        "today": .date,
        "channel": .string,
        "certificate_eans": .record(["ean": .list(.string), "department": .list(.string)]),
        "rent_eans": .record(["ean": .list(.string)]),
        "housing_companies": .record(["cvr": .list(.string), "name": .list(.string), "approved_from": .list(.date)]),
        "cpr": .optional(.string),
        "tenancy": .optional(.string),
        "order": .record(["id": .string, "certificate_type": .string, "status": .string, "case_id": .string, "ordered_at": .date]),
        "case": .record(["case_id": .string, "status": .string, "rent_administered": .bool, "housing_cvr": .string]),
        "earlier": .record([
            "count": .number, "last_amount": .number, "last_issue_date": .date, "last_invoice_number": .string,
            "last_invoice_id": .string, "amounts": .list(.number),
        ]),
        "last": .record(["count": .number, "last_amount": .number, "last_invoice_number": .string]),
        "tariff": .record(["certificate_type": .string, "min_amount": .number, "max_amount": .number, "valid_from": .date, "valid_to": .date]),
        "limit": .record(["max_change_amount": .number, "max_change_percent": .number, "valid_from": .date]),
        "plan": .record([
            "id": .string, "name": .string, "kind": .string, "account": .string, "dimensions": .any, "vat_code": .string,
            "min_amount": .number, "max_amount": .number, "cadence": .string, "valid_from": .date, "valid_to": .date,
            "expired": .bool, "period_key": .string, "matched_by": .string,
        ]),
        "data": .any,
        "x": .number, "y": .number, "s": .string, "d": .date, "flag": .bool, "nothing": .optional(.number),
    ])

    static func n(_ text: String) -> Value { .number(Amount(stringLiteral: text)) }
    static func d(_ text: String) -> Value { .date(LocalDate(parsing: text)!) }

    /// An invoice environment like the ones the robots see.
    static let values = Environment([
        "invoice": [
            "number": "INV-1001", "issue_date": d("2026-11-23"), "due_date": d("2026-12-23"), "service_date": d("2026-11-20"),
            "kind": "invoice", "amount_due": n("405.00"), "total_with_vat": n("405.00"),
            "note": "Lægeerklæring for CPR 010190-1234, lejemålsnr. 77-B", "notes": ["Lægeerklæring", "Tak"],
            "buyer_reference": .null, "order_reference": "ORD-77", "currency": "DKK", "line_count": 2,
        ],
        "seller": ["cvr": "12345623", "name": "Lægerne i Roskilde"],
        "buyer": ["ean": "5798000000018"],
        "lines": [
            ["id": "1", "name": "LÆ 125", "net_amount": n("400.00"), "quantity": 1],
            ["id": "2", "name": "Porto", "net_amount": n("5.00"), "quantity": 1],
        ],
        "today": d("2026-11-25"),
        "certificate_eans": ["ean": ["5798000000018", "5798000000025"], "department": ["Jobcenter", "Børn og Familie"]],
        "order": ["id": "O-1", "certificate_type": "LÆ 125", "status": "open", "case_id": "C-9", "ordered_at": d("2026-11-01")],
        "earlier": ["count": 0, "last_amount": .null, "amounts": []],
        "tariff": ["certificate_type": "LÆ 125", "min_amount": n("405.00"), "max_amount": n("405.00"), "valid_from": d("2026-04-01"), "valid_to": .null],
        "x": 5, "y": n("2.50"), "s": "Hello", "d": d("2026-01-31"), "flag": true, "nothing": .null,
        "data": ["a": 1, "list": [1, 2, 3], "text": "t"],
    ])

    func parse(_ text: String) throws -> RobotExpression { try RobotExpression.parse(text, at: Self.origin) }

    func eval(_ text: String, _ env: Environment = values, file: StaticString = #filePath, line: UInt = #line) -> Value? {
        do {
            let e = try parse(text)
            return try e.evaluate(in: env)
        } catch {
            XCTFail("\(text): \(error)", file: file, line: line)
            return nil
        }
    }

    /// Parses, checks against `types` and evaluates against `values`, asserting the result.
    func assertValue(_ text: String, _ expected: Value, file: StaticString = #filePath, line: UInt = #line) {
        do {
            let e = try parse(text)
            _ = try e.check(in: Self.types)
            let v = try e.evaluate(in: Self.values)
            XCTAssertEqual(v, expected, text, file: file, line: line)
            if case .number(let a) = v, case .number(let b) = expected {
                XCTAssertEqual(a.description, b.description, "\(text): scale", file: file, line: line)
            }
        } catch {
            XCTFail("\(text): \(error)", file: file, line: line)
        }
    }

    func type(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> ValueType? {
        do { return try parse(text).check(in: Self.types) } catch {
            XCTFail("\(text): \(error)", file: file, line: line)
            return nil
        }
    }

    /// The load-time error for `text` (parse or check), asserting its line, column and message part.
    func assertLoadError(_ text: String, line errorLine: Int? = nil, column: Int, _ part: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try parse(text).check(in: Self.types)
            XCTFail("\(text): no error", file: file, line: line)
        } catch let error as RobotLanguageError {
            XCTAssertEqual(error.location.file, Self.origin.file, file: file, line: line)
            XCTAssertEqual(error.location.line, errorLine ?? Self.origin.line, "\(text): \(error)", file: file, line: line)
            XCTAssertEqual(error.location.column, column, "\(text): \(error)", file: file, line: line)
            XCTAssertTrue(error.message.contains(part), "\(text): \(error.message) lacks \(part)", file: file, line: line)
        } catch {
            XCTFail("\(text): unexpected \(error)", file: file, line: line)
        }
    }

    /// The run-time error for `text`, asserting its column and message part.
    func assertRuntimeError(_ text: String, column: Int, _ part: String, _ env: Environment = values, file: StaticString = #filePath, line: UInt = #line) {
        do {
            let e = try parse(text)
            let v = try e.evaluate(in: env)
            XCTFail("\(text): no error but \(v)", file: file, line: line)
        } catch let error as EvaluationError {
            XCTAssertEqual(error.location.line, Self.origin.line, file: file, line: line)
            XCTAssertEqual(error.location.column, column, "\(text): \(error)", file: file, line: line)
            XCTAssertTrue(error.message.contains(part), "\(text): \(error.message) lacks \(part)", file: file, line: line)
        } catch {
            XCTFail("\(text): unexpected \(error)", file: file, line: line)
        }
    }

    // MARK: parsing and precedence

    func testPrecedence() {
        assertValue("1 + 2 * 3", 7)
        assertValue("(1 + 2) * 3", 9)
        assertValue("10 - 4 - 3", 3)
        assertValue("12 / 4 / 3", 1)
        assertValue("-2 * 3", -6)
        assertValue("- x + 1", -4)
        assertValue("2 - -3", 5)
        assertValue("not true and false", false)
        assertValue("true or false and false", true)
        assertValue("not 1 in [1, 2]", false)
        assertValue("1 + 2 in [3]", true)
        assertValue("4 between 1 + 1 and 2 * 2 and true", true)
        assertValue("\"a\" + \"b\" matches \"^ab$\"", true)
        assertValue("x > 1 and y < 3 or false", true)
        assertValue("(nothing ?? 3) + 1", 4)
        // `??` binds loosest, so this is `nothing ?? (1 == 1)`.
        XCTAssertEqual(eval("nothing ?? 1 == 1"), .bool(true))
        assertValue("nothing ?? x ?? 7", 5)
        assertValue("lines[0].net_amount + lines[1].net_amount", Self.n("405.00"))
        assertValue("first(lines).name", "LÆ 125")
    }

    func testLiterals() {
        assertValue("123", 123)
        assertValue("1250.50", Self.n("1250.50"))
        assertValue("-3", -3)
        assertValue(#""a \"quoted\" \\ text\n""#, .string("a \"quoted\" \\ text\n"))
        assertValue(#"'single \'quoted\''"#, .string("single 'quoted'"))
        assertValue(#""\d{4}""#, .string(#"\d{4}"#))
        assertValue(#""\\d{4}""#, .string(#"\d{4}"#))
        assertValue("true", true)
        assertValue("false", false)
        assertValue("null", .null)
        assertValue("[1, 2, 3,]", [1, 2, 3])
        assertValue("[]", [])
        assertValue("[x, 1]", [5, 1])
        assertValue("date(\"2026-01-31\")", Self.d("2026-01-31"))
        XCTAssertEqual(try parse("date(\"2026-01-31\")").constantValue, Self.d("2026-01-31"))
        XCTAssertEqual(try parse("upper(\"abc\") + \"!\"").constantValue, nil)
        XCTAssertEqual(try parse("upper(\"abc\")").constantValue, "ABC")
        XCTAssertEqual(try parse("invoice.total").source, "invoice.total")
    }

    func testFieldNamesMayBeKeywordsAndFunctionNames() {
        let env = Environment(["r": ["in": 1, "count": 2, "date": 3, "null": 4]])
        XCTAssertEqual(eval("r.in + r.count + r.date + r.null", env), 10)
        XCTAssertEqual(type("earlier.count == 0"), .bool)
        XCTAssertEqual(type("case.status == \"active\""), .bool)
    }

    func testSyntaxErrorsPointAtTheMistake() {
        assertLoadError("invoice.amount_due = 100", column: 24, "`==`")
        assertLoadError("x > 1 && flag", column: 11, "`and`")
        assertLoadError("x > 1 || flag", column: 11, "`or`")
        assertLoadError("!flag", column: 5, "`not`")
        assertLoadError("x <> 1", column: 7, "!=")
        assertLoadError("s == \u{201C}Hello\u{201D}", column: 10, "straight quotes")
        assertLoadError("s == \"Hello", column: 10, "no closing \"")
        assertLoadError("x \u{2013} 1", column: 7, "minus")
        assertLoadError("beløb > 1", column: 8, "A–Z")
        assertLoadError("x # 1", column: 7, "unexpected character")
        assertLoadError("", column: 5, "empty")
        assertLoadError("   ", column: 8, "empty")
        assertLoadError("1 < x < 3", column: 11, "chained")
        assertLoadError("x y", column: 7, "operator or a comma missing")
        assertLoadError("x between 1 or 3", column: 17, "`and`")
        assertLoadError("(x + 1", column: 11, "`)` to close the `(` at Robots/test.robot.yaml:10:5")
        assertLoadError("[1, 2", column: 10, "list opened")
        assertLoadError("x +", column: 8, "expected a value")
        assertLoadError("x.", column: 7, "field name")
        assertLoadError("12abc", column: 7, "followed directly by a letter")
        assertLoadError("x ? 1", column: 7, "??")
        assertLoadError("{x}", column: 5, "braces")
        assertLoadError("s matches s", column: 15, "text in quotes")
        assertLoadError("s matches \"(unclosed\"", column: 15, "not a valid regular expression")
        assertLoadError("1234567890123456789012345678901", column: 5, "at most 30 digits")
    }

    func testErrorsInMultiLineTextAdvanceTheLine() {
        // YAML folded or block text: the expression spans lines; columns restart at 1 after a newline.
        let text = "invoice.amount_due > 100 and\n  (seller.cvr == \"x\""
        assertLoadError(text, line: 11, column: 21, "`)`")
        assertLoadError("x > 1 and\n    d > 100", line: 11, column: 7, "cannot compare a date with a number")
        do {
            _ = try RobotExpression.parse("flag and\n\n  summ(x)", at: Self.origin)
            XCTFail("no error")
        } catch let e as RobotLanguageError {
            XCTAssertEqual(e.description, "Robots/test.robot.yaml:12:3: unknown function `summ`; did you mean `sum`?")
        } catch { XCTFail("\(error)") }
    }

    func testUnknownFunctionAndArgumentCount() {
        assertLoadError("summ(lines.net_amount) > 0", column: 5, "unknown function `summ`; did you mean `sum`?")
        assertLoadError("x > 1 and frobnicate(x)", column: 15, "unknown function `frobnicate`")
        assertLoadError("days_between(invoice.issue_date)", column: 5, "days_between takes 2 arguments, but 1 was given")
        assertLoadError("round(x, 2, 3)", column: 5, "round takes 1 or 2 arguments, but 3 were given")
        assertLoadError("coalesce()", column: 5, "at least 1 argument")
        assertLoadError("upper", column: 5, "is a function")
        assertLoadError("regex_find(s, s)", column: 19, "must be written as a text in quotes")
        assertLoadError("regex_find(s, \"[a-\")", column: 19, "not a valid regular expression")
        assertLoadError("date(\"2026-02-30\")", column: 10, "not a valid date")
        assertLoadError("date(\"31-01-2026\") < today", column: 10, "not a valid date")
        assertLoadError("period_key(today, \"weekly\")", column: 23, "\"monthly\", \"quarterly\" or \"yearly\"")
        assertLoadError("substring(\"abc\", -1, 2)", column: 22, "must not be negative")
    }

    func testLiteralPatternsAndDatesAreCheckedAtParseTime() {
        // Errors that need no names at all are found by parse alone.
        XCTAssertThrowsError(try RobotExpression.parse("date(\"2026-13-01\")", at: Self.origin))
        XCTAssertThrowsError(try RobotExpression.parse("whatever matches \"(\"", at: Self.origin))
        XCTAssertThrowsError(try RobotExpression.parse("regex_find(whatever, \"*\")", at: Self.origin))
        XCTAssertNoThrow(try RobotExpression.parse("regex_find(whatever, \"\\\\b(\\\\d{6}-?\\\\d{4})\\\\b\")", at: Self.origin))
    }

    func testNestingIsBounded() {
        let deep = String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500)
        XCTAssertThrowsError(try parse(deep)) { XCTAssertTrue("\($0)".contains("nests too deeply")) }
        let long = Array(repeating: "x", count: 300).joined(separator: " + ")
        XCTAssertThrowsError(try parse(long)) { XCTAssertTrue("\($0)".contains("too deeply nested")) }
        let negations = String(repeating: "not ", count: 300) + "true"
        XCTAssertThrowsError(try parse(negations))
        let fine = Array(repeating: "x", count: 50).joined(separator: " + ")
        XCTAssertEqual(eval(fine), 250)
        // Just under the depth limit, evaluated and checked on worker threads (smaller stacks than the main thread).
        XCTAssertThrowsError(try parse(Array(repeating: "x", count: 101).joined(separator: " + ")))
        let nearLimit = try! parse(Array(repeating: "x", count: 100).joined(separator: " + "))
        let results = Counter()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            if (try? nearLimit.evaluate(in: Self.values)) == .number(500), (try? nearLimit.check(in: Self.types)) == .number { results.increment() }
        }
        XCTAssertEqual(results.value, 4)
        let bigList = "[" + (1...2000).map(String.init).joined(separator: ", ") + "]"
        XCTAssertEqual(eval("1999 in \(bigList)"), true)
    }

    // MARK: type checking

    func testTypesOfExpressions() {
        XCTAssertEqual(type("invoice.amount_due between tariff.min_amount and tariff.max_amount"), .bool)
        XCTAssertEqual(type("invoice.amount_due * 2"), .number)
        XCTAssertEqual(type("invoice.issue_date + 30"), .date)
        XCTAssertEqual(type("invoice.due_date - invoice.issue_date"), .number)
        XCTAssertEqual(type("seller.name + \"!\""), .string)
        XCTAssertEqual(type("lines.net_amount"), .list(.number))
        XCTAssertEqual(type("lines[0]")?.nonOptional, .record(["id": .string, "name": .string, "net_amount": .number, "quantity": .number, "period_start": .date]))
        XCTAssertEqual(type("regex_find(s, \"a\")"), .optional(.string))
        XCTAssertEqual(type("coalesce(invoice.buyer_reference, \"\")"), .string)
        XCTAssertEqual(type("coalesce(cpr, tenancy)"), .optional(.string))
        XCTAssertEqual(type("nothing ?? 0"), .number)
        XCTAssertEqual(type("nothing + 1"), .optional(.number))
        XCTAssertEqual(type("upper(cpr)"), .optional(.string))
        XCTAssertEqual(type("[1, null]"), .list(.optional(.number)))
        XCTAssertEqual(type("max(x, 2, 3)"), .number)
        XCTAssertEqual(type("max(lines.net_amount)"), .optional(.number))
        XCTAssertEqual(type("data.anything.goes"), .any)
        XCTAssertEqual(type("data.list[0] + 1"), .any)
        XCTAssertEqual(type("plan.dimensions"), .any)
        XCTAssertEqual(type("order[\"status\"]"), .string)
        XCTAssertEqual(type("period_key(today, \"quarterly\")"), .string)
        XCTAssertEqual(ValueType.list(.record(["a": .number, "b": .optional(.date)])).description, "list of record {a: number, b: optional date}")
    }

    func testTypeErrorsAClerkWouldMake() {
        assertLoadError("invoice.issue_date > 100", column: 24, "cannot compare a date with a number")
        assertLoadError("invoice.amount_due > \"100\"", column: 24, "write the number without quotes")
        assertLoadError("invoice.issue_date < \"2026-01-01\"", column: 24, "date(\"2026-01-01\")")
        assertLoadError("invoice.issue_date > 2026-01-31", column: 24, "without it 2026-01-31 is a subtraction")
        assertLoadError("today between 2026-01-01 and 2026-12-31", column: 11, "write a date as date(")
        // An identifier written without quotes (YAML's quotes are the file's, not the expression's) lost its leading
        // zero as a number: `0101901234` was sent to a case system as 101901234.
        assertLoadError("seller.cvr == 0101901234", column: 19, "0101901234 begins with 0: as a number it would lose its leading zero")
        assertLoadError("invoice.amount_due > 0.5 and seller.cvr != 007", column: 48, "write it in quotes, '\"007\"'")
        assertLoadError("days_between(\"2026-01-01\", invoice.due_date)", column: 18, "argument 1 of days_between must be a date, but it is a string")
        assertLoadError("days_between(invoice.issue_date, seller.cvr)", column: 38, "argument 2 of days_between must be a date")
        assertLoadError("order.statsu == \"open\"", column: 11, "`order` has no field `statsu`; did you mean `status`?")
        assertLoadError("invoice.totl > 0", column: 13, "its fields are:")
        assertLoadError("lines.amount", column: 11, "the elements of `lines` have no field `amount`")
        assertLoadError("invoce.amount_due > 0", column: 5, "unknown name `invoce`; did you mean `invoice`?")
        assertLoadError("frobnicator > 0", column: 5, "unknown name `frobnicator`")
        assertLoadError("flag AND flag", column: 10, "operator")
        assertLoadError("TRUE", column: 5, "lower case, `true`")
        assertLoadError("invoice.amount_due and flag", column: 5, "`and` needs true/false on both sides, but the left side is a number")
        assertLoadError("flag or seller.cvr", column: 13, "the right side is a string")
        assertLoadError("invoice.kind == \"invoice\" or \"credit-note\"", column: 34, "x in [")
        assertLoadError("not x", column: 9, "`not` needs true/false")
        assertLoadError("seller.cvr + 1", column: 16, "text(x)")
        assertLoadError("invoice.issue_date + invoice.due_date", column: 24, "subtract them")
        assertLoadError("invoice.issue_date * 2", column: 24, "days")
        assertLoadError("flag + 1", column: 10, "`+` does not work on true/false (bool) and a number")
        assertLoadError("data + flag", column: 10, "`+` does not work")
        assertLoadError("-s", column: 6, "minus needs a number")
        assertLoadError("[1, \"a\"]", column: 9, "one type")
        assertLoadError("x ?? 0 > 5", column: 7, "`??` binds loosest")
        assertLoadError("1 in certificate_eans.ean", column: 7, "cannot look for a number in a list of string")
        assertLoadError("s in 5", column: 7, "`in` needs a list or a string")
        assertLoadError("x in \"12345\"", column: 7, "left side must be a string")
        assertLoadError("x between today and 3", column: 7, "`between` works on numbers or on dates")
        assertLoadError("s between \"a\" and \"b\"", column: 7, "`between`")
        assertLoadError("x matches \"1\"", column: 7, "`matches` needs a string")
        assertLoadError("sum(lines.name)", column: 9, "sum needs a list of numbers")
        assertLoadError("count(x)", column: 11, "must be a list")
        assertLoadError("min(x)", column: 9, "must be a list")
        assertLoadError("min(x, today)", column: 12, "one type")
        assertLoadError("max(flag, flag)", column: 5, "numbers, dates or strings")
        assertLoadError("coalesce(s, 1)", column: 17, "one type")
        assertLoadError("upper(x)", column: 11, "text(x)")
        assertLoadError("is_cvr(x)", column: 12, "must be a string")
        assertLoadError("lines[\"a\"]", column: 11, "indexed by a number")
        assertLoadError("s[0]", column: 6, "substring")
        assertLoadError("order[\"statsu\"]", column: 11, "did you mean `status`?")
        assertLoadError("seller.cvr.digits", column: 16, "`seller.cvr` is a string, which has no field `digits`")
        assertLoadError("lines < lines", column: 11, "only numbers, dates and strings have an order")
        assertLoadError("d == 1", column: 7, "cannot compare a date with a number using `==`")
        assertLoadError("contains(lines.name, 1)", column: 26, "cannot look for a number")
        assertLoadError("length(x)", column: 12, "length needs a string or a list")
    }

    func testConditionsMustBeBool() throws {
        XCTAssertNoThrow(try parse("invoice.amount_due > 0").check(in: Self.types, expecting: .bool))
        XCTAssertNoThrow(try parse("case.rent_administered").check(in: Self.types, expecting: .bool))
        XCTAssertNoThrow(try parse("data.whatever").check(in: Self.types, expecting: .bool))
        XCTAssertThrowsError(try parse("invoice.amount_due + 1").check(in: Self.types, expecting: .bool)) { error in
            let e = error as! RobotLanguageError
            XCTAssertEqual(e.location, Self.origin)
            XCTAssertEqual(e.message, "a condition must be true or false, but `invoice.amount_due + 1` gives a number")
        }
        XCTAssertThrowsError(try parse("seller.cvr").check(in: Self.types, expecting: .number))
        XCTAssertTrue(ValueType.bool.accepts(.optional(.bool)))
        XCTAssertFalse(ValueType.bool.accepts(.string))
    }

    func testTypeEnvironmentAndReferencedNames() throws {
        let e = try parse("invoice.amount_due between tariff.min_amount and tariff.max_amount and sum(lines.net_amount) > 0 and earlier.count == 0")
        XCTAssertEqual(e.referencedNames, ["invoice", "tariff", "lines", "earlier"])
        XCTAssertEqual(try parse("upper(\"x\") == date").referencedNames, ["date"])
        let env = TypeEnvironment(["a": .number])
        XCTAssertThrowsError(try parse("b + a").check(in: env))
        XCTAssertEqual(try parse("b + a").check(in: env.adding("b", .number)), .number)
        XCTAssertNil(env["b"])
        let values = Environment(["a": 1]).adding("b", 2)
        XCTAssertEqual(values["b"], 2)
        XCTAssertEqual(try parse("a + b").evaluate(in: values), 3)
    }

    /// A robot's environment is the invoice's values with its tables and its steps' results set on top, without a
    /// copy of the invoice's values: a name set on top shadows the invoice's name of that spelling, a name set again
    /// takes the new value, and an environment made from it by `adding` leaves it as it was.
    func testNamesSetOnTopOfTheInvoicesValues() throws {
        var env = Environment(["invoice": ["amount": 10], "seller": ["cvr": "12345678"]])
        env.set("limit", 5)
        env.set("invoice", ["amount": 99])
        env.set("limit", 7)
        XCTAssertEqual(env["limit"], 7)
        XCTAssertEqual(try parse("invoice.amount + limit").evaluate(in: env), 106)
        XCTAssertEqual(try parse("seller.cvr").evaluate(in: env), "12345678")
        XCTAssertEqual(env.values, ["invoice": ["amount": 99], "seller": ["cvr": "12345678"], "limit": 7])
        let more = env.adding("limit", 1).adding("extra", true)
        XCTAssertEqual(more["limit"], 1)
        XCTAssertEqual(more["extra"], true)
        XCTAssertEqual(env["limit"], 7)
        XCTAssertNil(env["extra"])
        XCTAssertNil(env["nothing"])
        assertRuntimeError("nothing + 1", column: 5, "no value was given for `nothing`", env)
    }

    // MARK: evaluation

    func testDecimalExactness() {
        assertValue("0.1 + 0.2 == 0.3", true)
        assertValue("0.1 + 0.2", Self.n("0.3"))
        assertValue("1250.50 + 0.25", Self.n("1250.75"))
        assertValue("100.50 * 2", Self.n("201.00"))
        assertValue("1250.00 / 4", Self.n("312.50"))
        assertValue("10 / 4", Self.n("2.5"))
        assertValue("1.10 - 1.1", Self.n("0.00"))
        assertValue("1 / 3 * 3 == 1", false)
        assertValue("round(1 / 3 * 3, 10) == 1", true)
        assertValue("-(y)", Self.n("-2.50"))
        assertValue("-0 == 0", true)
        assertValue("x - 5 == -0", true)
        assertValue("99999999999999999999.99 + 0.01", Self.n("100000000000000000000.00"))
        XCTAssertEqual(eval("invoice.amount_due")?.description, "405.00")
    }

    /// `+` and `-` in an expression give Foundation's sum and difference, written with the larger scale, whether the
    /// operands fit the integer path (`Amount`'s own sum) or not (more than 19 digits, more than 40 decimals).
    func testSumsAndDifferencesAreFoundations() throws {
        var rng = SystemRandomNumberGenerator()
        var texts: [String] = []
        for _ in 0..<1500 {
            let digits = String(UInt64.random(in: 0...UInt64.random(in: 1...999_999_999_999), using: &rng))
            let scale = Int.random(in: 0...6, using: &rng)
            let padded = String(repeating: "0", count: max(0, scale + 1 - digits.count)) + digits
            let cut = padded.index(padded.endIndex, offsetBy: -scale)
            let text = scale == 0 ? padded : padded[..<cut] + "." + padded[cut...]
            texts.append((Bool.random(using: &rng) ? "-" : "") + text)
        }
        texts += ["0", "-0.00", "99999999999999999999.99", "18446744073709551615", "-1844674407370955161.5", "12345678901234567890123456789012345678"]
        // Beyond the integer path: 40 decimals and more (kept to 40), 38 digits.
        let unusual = [Amount(Decimal(sign: .plus, exponent: -40, significand: 1), scale: 40), Amount(Decimal(sign: .minus, exponent: -39, significand: 123), scale: 39),
                       Amount(Decimal(string: "12345678901234567890123456789012345678")!, scale: 0)]
        let amounts = texts.map { Amount(stringLiteral: $0) } + unusual
        for i in 0..<amounts.count {
            let a = amounts[i], b = amounts[(i * 7 + 3) % amounts.count]
            let env = Environment(["p": .number(a), "q": .number(b)])
            for (op, expected) in [("+", a.value + b.value), ("-", a.value - b.value)] {
                let want = Amount(expected, scale: min(max(a.scale, b.scale), 40))
                guard case let .number(got)? = eval("p \(op) q", env) else { XCTFail("\(a) \(op) \(b)"); continue }
                XCTAssertEqual(got, want, "\(a) \(op) \(b)")
                XCTAssertEqual(got.description, want.description, "\(a) \(op) \(b)")
                XCTAssertEqual(got.scale, want.scale, "\(a) \(op) \(b)")
            }
        }
        let sum = texts.prefix(200).map { Amount(stringLiteral: $0) }
        let list = Environment(["l": .list(sum.map { .number($0) })])
        let want = sum.reduce(Amount(0)) { Amount($0.value + $1.value, scale: max($0.scale, $1.scale)) }
        XCTAssertEqual(eval("sum(l)", list), .number(want))
        XCTAssertEqual(eval("sum(l)", list)?.description, want.description)
    }

    func testArithmeticFailsCleanly() {
        assertRuntimeError("x / (y - 2.5)", column: 7, "division by zero")
        let huge = Array(repeating: "999999999999999999999999999999", count: 8).joined(separator: " * ")
        // The sixth factor overflows: the error points at the fifth `*`.
        assertRuntimeError(huge, column: 168, "too large")
        let tiny = Array(repeating: "0.00000000000000000000000000001", count: 8).joined(separator: " * ")
        XCTAssertEqual(eval(tiny), .number(0))
        XCTAssertEqual(eval("1 / 99999999999999999999999999999 / 99999999999999999999999999999 / 99999999999999999999999999999 * 0"), .number(0))
        assertRuntimeError("d + 1.5", column: 7, "whole number")
        assertRuntimeError("d + 99999999", column: 7, "years 1–9999")
    }

    func testDates() {
        assertValue("date(\"2026-01-31\") + 1", Self.d("2026-02-01"))
        assertValue("1 + date(\"2026-01-31\")", Self.d("2026-02-01"))
        assertValue("date(\"2026-03-01\") - 1", Self.d("2026-02-28"))
        assertValue("date(\"2028-03-01\") - 1", Self.d("2028-02-29"))
        assertValue("date(\"2026-03-01\") - date(\"2026-02-01\")", 28)
        assertValue("invoice.due_date > invoice.issue_date", true)
        assertValue("invoice.issue_date == date(\"2026-11-23\")", true)
        assertValue("today between invoice.issue_date and invoice.due_date", true)
        assertValue("days_between(invoice.issue_date, invoice.due_date)", 30)
        assertValue("days_between(invoice.due_date, invoice.issue_date)", -30)
        assertValue("add_days(d, 30)", Self.d("2026-03-02"))
        assertValue("add_days(d, -31)", Self.d("2025-12-31"))
        assertValue("year_of(d)", 2026)
        assertValue("month_of(d)", 1)
        assertValue("day_of(d)", 31)
        assertValue("month_start(invoice.issue_date)", Self.d("2026-11-01"))
        assertValue("period_key(invoice.issue_date, \"monthly\")", "2026-11")
        assertValue("period_key(invoice.issue_date, \"quarterly\")", "2026-Q4")
        assertValue("period_key(d, \"quarterly\")", "2026-Q1")
        assertValue("period_key(invoice.issue_date, \"yearly\")", "2026")
        assertValue("date(invoice.number)", .null)
        assertValue("date(\" 2026-01-31 \")", Self.d("2026-01-31"))
        XCTAssertEqual(eval("date(s)", Environment(["s": "20260131"])), .null)
        XCTAssertEqual(eval("date(s)", Environment(["s": "2026-02-29"])), .null)
        assertRuntimeError("period_key(d, c)", column: 19, "cadence", Environment(["d": Self.d("2026-01-01"), "c": "weekly"]))
    }

    func testNullSemantics() {
        let env = Environment(["n": .null, "m": .null, "x": 5, "s": "abc", "b": true, "r": .null, "l": [1, 2]])
        XCTAssertEqual(eval("n + 1", env), .null)
        XCTAssertEqual(eval("-n", env), .null)
        XCTAssertEqual(eval("n * x", env), .null)
        XCTAssertEqual(eval("s + n", env), .null)
        XCTAssertEqual(eval("upper(n)", env), .null)
        XCTAssertEqual(eval("round(n, 2)", env), .null)
        XCTAssertEqual(eval("n > 1", env), false)
        XCTAssertEqual(eval("n < 1", env), false)
        XCTAssertEqual(eval("n == 1", env), false)
        XCTAssertEqual(eval("n != 1", env), false)
        XCTAssertEqual(eval("n == m", env), false)
        XCTAssertEqual(eval("n == null", env), true)
        XCTAssertEqual(eval("null == n", env), true)
        XCTAssertEqual(eval("n != null", env), false)
        XCTAssertEqual(eval("x != null", env), true)
        XCTAssertEqual(eval("x == null", env), false)
        XCTAssertEqual(eval("null == null", env), true)
        XCTAssertEqual(eval("not (n == 1)", env), true)
        XCTAssertEqual(eval("n ?? 7", env), 7)
        XCTAssertEqual(eval("x ?? 7", env), 5)
        XCTAssertEqual(eval("coalesce(n, m, x)", env), 5)
        XCTAssertEqual(eval("coalesce(n, m)", env), .null)
        XCTAssertEqual(eval("r.field.deeper", env), .null)
        XCTAssertEqual(eval("r[0]", env), .null)
        XCTAssertEqual(eval("l[n]", env), .null)
        XCTAssertEqual(eval("n in l", env), false)
        XCTAssertEqual(eval("n not in l", env), false)
        XCTAssertEqual(eval("1 in n", env), false)
        XCTAssertEqual(eval("n between 1 and 2", env), false)
        XCTAssertEqual(eval("n not between 1 and 2", env), false)
        XCTAssertEqual(eval("1 between n and 2", env), false)
        XCTAssertEqual(eval("n matches \"a\"", env), false)
        XCTAssertEqual(eval("n not matches \"a\"", env), false)
        // Three-valued logic: null is "unknown".
        XCTAssertEqual(eval("n and false", env), false)
        XCTAssertEqual(eval("false and n", env), false)
        XCTAssertEqual(eval("n and true", env), .null)
        XCTAssertEqual(eval("n or true", env), true)
        XCTAssertEqual(eval("true or n", env), true)
        XCTAssertEqual(eval("n or false", env), .null)
        XCTAssertEqual(eval("not n", env), .null)
        XCTAssertEqual(eval("n and n", env), .null)
        XCTAssertFalse(try parse("n and true").holds(in: env))
        XCTAssertFalse(try parse("not n").holds(in: env))
        XCTAssertTrue(try parse("b").holds(in: env))
        XCTAssertFalse(try parse("x").holds(in: env))
        // Short circuit: the right side is not evaluated when the left decides.
        XCTAssertEqual(eval("false and 1 / 0 > 1", env), false)
        XCTAssertEqual(eval("true or 1 / 0 > 1", env), true)
        XCTAssertEqual(eval("x ?? 1 / 0", env), 5)
    }

    func testMissingVariableAtRunTimeIsAnError() {
        assertRuntimeError("x + 1", column: 5, "no value was given for `x`", Environment([:]))
    }

    func testComparisonsInAndBetween() {
        assertValue("x == 5", true)
        assertValue("x == 5.00", true)
        assertValue("x != 5", false)
        assertValue("x < 6 and x <= 5 and x > 4 and x >= 5", true)
        assertValue("\"abc\" < \"abd\"", true)
        assertValue("[1, 2] == [1, 2.0]", true)
        assertValue("order == order", true)
        assertValue("buyer.ean in certificate_eans.ean", true)
        assertValue("\"5798000000100\" in certificate_eans.ean", false)
        assertValue("\"5798000000100\" not in certificate_eans.ean", true)
        assertValue("5.0 in [1, 5]", true)
        assertValue("\"Roskilde\" in seller.name", true)
        assertValue("\"roskilde\" in seller.name", false)
        assertValue("\"\" in s", true)
        assertValue("\"Tak\" in invoice.notes", true)
        assertValue("x between 5 and 10", true)
        assertValue("x between 1 and 5", true)
        assertValue("x between 5.01 and 10", false)
        assertValue("x not between 1 and 4", true)
        assertValue("x not between 1 and 5", false)
        assertValue("invoice.amount_due between tariff.min_amount and tariff.max_amount", true)
        assertValue("d between date(\"2026-01-01\") and date(\"2026-01-31\")", true)
        assertValue("d between date(\"2026-02-01\") and date(\"2026-12-31\")", false)
        assertValue("s matches \"^H\"", true)
        assertValue("s matches \"ell\"", true)
        assertValue("s matches \"^ell\"", false)
        assertValue("s matches \"(?i)^hello$\"", true)
        assertValue("s not matches \"^[0-9]+$\"", true)
        assertValue("invoice.note matches \"\\\\b\\\\d{6}-\\\\d{4}\\\\b\"", true)
        assertValue("invoice.note matches \"\\b\\d{6}-\\d{4}\\b\"", true)
    }

    func testRuntimeTypeErrorsWhereTypesWereAny() {
        assertRuntimeError("data.text + 1", column: 15, "`+` does not work on a string and a number")
        assertRuntimeError("data.text > 1", column: 15, "cannot compare a string with a number")
        assertRuntimeError("data.a and true", column: 5, "`and` needs true/false, but this is a number")
        assertRuntimeError("upper(data.a)", column: 11, "argument 1 of upper must be a string, but it is a number")
        assertRuntimeError("data.a.b", column: 12, "a number has no field `b`")
        assertRuntimeError("data.list[0.5]", column: 14, "whole number")
        XCTAssertEqual(eval("data.list[1]"), 2)
        XCTAssertEqual(eval("data.list[3]"), .null)
        XCTAssertEqual(eval("data.list[-1]"), .null)
        XCTAssertEqual(eval("data.text == 1"), false)
        XCTAssertEqual(eval("data[\"a\"]"), 1)
    }

    func testRegexInputIsCapped() {
        let long = String(repeating: "a", count: 10_001)
        let env = Environment(["s": .string(long), "t": .string(String(repeating: "æ", count: 10_000))])
        assertRuntimeError("s matches \"b\"", column: 7, "at most 10000 characters", env)
        assertRuntimeError("regex_find(s, \"b\")", column: 16, "at most 10000 characters", env)
        XCTAssertEqual(eval("t matches \"^æ+$\"", env), true)
    }

    // MARK: functions

    func testNumberFunctions() {
        assertValue("abs(-12.50)", Self.n("12.50"))
        assertValue("abs(3)", 3)
        assertValue("min(3, 1, 2)", 1)
        assertValue("max(3, 1, 2)", 3)
        assertValue("min(lines.net_amount)", Self.n("5.00"))
        assertValue("max(lines.net_amount)", Self.n("400.00"))
        assertValue("max(invoice.issue_date, invoice.due_date)", Self.d("2026-12-23"))
        assertValue("min(\"b\", \"a\")", "a")
        assertValue("min(earlier.amounts)", .null)
        assertValue("max([1, null, 3])", .null)
        assertValue("min(x, nothing)", .null)
        assertValue("round(2.345, 2)", Self.n("2.35"))
        assertValue("round(2.5)", 3)
        assertValue("round(-2.5)", -3)
        assertValue("round(-2.345, 2)", Self.n("-2.35"))
        assertValue("round(1.005, 2)", Self.n("1.01"))
        assertValue("round(7, 2)", Self.n("7.00"))
        assertRuntimeError("round(x, 21)", column: 14, "0 to 20", Environment(["x": 1]))
        assertValue("percent_change(400, 440)", 10)
        assertValue("percent_change(400, 300)", -25)
        assertValue("percent_change(0, 300)", .null)
        assertValue("percent_change(nothing, 300)", .null)
        assertValue("round(percent_change(3, 4), 2)", Self.n("33.33"))
    }

    func testListFunctions() {
        assertValue("sum(lines.net_amount)", Self.n("405.00"))
        assertValue("sum(earlier.amounts)", 0)
        assertValue("sum([1, null])", .null)
        assertValue("count(lines)", 2)
        assertValue("count(earlier.amounts)", 0)
        assertValue("first(lines.name)", "LÆ 125")
        assertValue("last(lines.name)", "Porto")
        assertValue("first(earlier.amounts)", .null)
        assertValue("lines.net_amount + [1]", [Self.n("400.00"), Self.n("5.00"), 1])
    }

    func testTextFunctions() {
        assertValue("upper(\"abcæ\")", "ABCÆ")
        assertValue("lower(s)", "hello")
        assertValue("trim(\"  a b \\n\")", "a b")
        assertValue("length(\"Lægeerklæring\")", 13)
        assertValue("length(lines)", 2)
        assertValue("starts_with(s, \"He\")", true)
        assertValue("starts_with(s, \"he\")", false)
        assertValue("ends_with(s, \"llo\")", true)
        assertValue("contains(s, \"ell\")", true)
        assertValue("contains(s, \"\")", true)
        assertValue("contains(lines.name, \"Porto\")", true)
        assertValue("contains(lines.name, \"Gebyr\")", false)
        assertValue("replace(\"a-b-c\", \"-\", \"\")", "abc")
        assertValue("replace(s, \"\", \"x\")", "Hello")
        assertValue("substring(\"DK12345678\", 2, 8)", "12345678")
        assertValue("substring(\"DK12345678\", 0, 2)", "DK")
        assertValue("substring(\"abc\", 1, 100)", "bc")
        assertValue("substring(\"abc\", 10, 1)", "")
        assertValue("digits(\"DK 1234-5678\")", "12345678")
        assertValue("digits(\"abc\")", "")
        assertValue("regex_find(invoice.note, \"\\\\b(\\\\d{6}-?\\\\d{4})\\\\b\")", "010190-1234")
        assertValue("regex_find(\"ref CC-4711 x\", \"CC-\\\\d{4}\")", "CC-4711")
        assertValue("regex_find(s, \"\\\\d+\")", .null)
        assertValue("regex_find(s, \"H(x)?\")", .null)
        assertValue("regex_find(invoice.note, \"(?i)lejem[aå]l(?:snr\\\\.?|snummer)?[: ]*([0-9A-Za-z-]+)\")", "77-B")
        assertValue("text(invoice.amount_due)", "405.00")
        assertValue("text(d)", "2026-01-31")
        assertValue("text(flag)", "true")
        assertValue("text([\"a\", \"b\"] ?? [])", "a, b")
        assertValue("text(x) + \" kr.\"", "5 kr.")
    }

    func testIdentifierFunctions() {
        assertValue("is_cvr(\"12345623\")", true)
        assertValue("is_cvr(\"DK 12345623\")", true)
        assertValue("is_cvr(\"12345624\")", false)
        assertValue("is_cvr(\"\")", false)
        assertValue("is_cpr(\"010190-1234\")", true)
        assertValue("is_cpr(\"0101901234\")", true)
        assertValue("is_cpr(\"320190-1234\")", false)
        assertValue("is_gln(\"5798000000018\")", true)
        assertValue("is_gln(\"5798000000019\")", false)
        assertValue("is_orgnr(\"923609016\")", true)
        assertValue("is_orgnr(\"NO 923 609 016 MVA\")", true)
        assertValue("is_orgnr(\"923609017\")", false)
        assertValue("cpr_birth_date(\"010190-1234\")", Self.d("1990-01-01"))
        assertValue("cpr_birth_date(\"241205-4321\")", Self.d("2005-12-24"))
        assertValue("cpr_birth_date(\"nonsense\")", .null)
        assertValue("is_cvr(invoice.buyer_reference)", .null)
    }

    func testConversionFunctions() {
        assertValue("coalesce(invoice.buyer_reference, invoice.order_reference, \"none\")", "ORD-77")
        assertValue("coalesce(nothing, 3)", 3)
        assertValue("number(\"1250.50\")", Self.n("1250.50"))
        assertValue("number(\" -3 \")", -3)
        assertValue("number(\"12,50\")", .null)
        assertValue("number(\"abc\") ?? 0", 0)
        assertValue("number(\"1250.50\") + 0.5", Self.n("1251.00"))
        assertValue("date(\"2026-01-31\") == d", true)
    }

    func testEveryFunctionIsDocumented() {
        let names = FunctionTable.standard.all.map(\.name)
        let expected = [
            "abs", "add_days", "coalesce", "contains", "count", "cpr_birth_date", "date", "day_of", "days_between", "digits", "div",
            "ends_with", "first", "is_cpr", "is_cvr", "is_gln", "is_gs1", "is_gsrn", "is_orgnr", "last", "length", "lower", "max", "min", "mod", "month_of",
            "month_start", "number", "percent_change", "period_key", "regex_all", "regex_find", "replace", "round", "starts_with", "substring",
            "sum", "text", "trim", "upper", "year_of",
        ]
        XCTAssertEqual(names, expected)
        for f in FunctionTable.standard.all {
            XCTAssertTrue(f.signature.hasPrefix(f.name + "("), f.name)
            XCTAssertFalse(f.summary.isEmpty, f.name)
        }
        XCTAssertNil(FunctionTable.standard["eval"])
    }

    // MARK: the shipped robots' expressions

    func testTheShippedRobotsExpressionsCheckAndEvaluate() throws {
        let conditions = [
            "buyer.ean in certificate_eans.ean",
            "order.status == \"open\"",
            "earlier.count == 0",
            "invoice.kind == \"invoice\"",
            "invoice.amount_due between tariff.min_amount and tariff.max_amount",
            "seller.cvr != null and buyer.ean != null",
            "not plan.expired",
            "(plan.min_amount == null or invoice.amount_due >= plan.min_amount) and (plan.max_amount == null or invoice.amount_due <= plan.max_amount)",
            "plan.cadence == null or earlier.count == 0",
            "buyer.ean in rent_eans.ean",
            "seller.cvr in housing_companies.cvr",
            "case.status == \"active\"",
            "case.rent_administered",
            "case.housing_cvr == seller.cvr",
            "last.count == 0",
            "abs(invoice.amount_due - last.last_amount) <= limit.max_change_amount and abs(coalesce(percent_change(last.last_amount, invoice.amount_due), 0)) <= limit.max_change_percent",
        ]
        for c in conditions {
            XCTAssertNoThrow(try parse(c).check(in: Self.types, expecting: .bool), c)
        }
        let values: [(String, ValueType)] = [
            (#"regex_find(invoice.note + " " + coalesce(invoice.buyer_reference, "") + " " + coalesce(invoice.order_reference, ""), "\\b(\\d{6}-?\\d{4})\\b")"#, .optional(.string)),
            (#"coalesce(invoice.contract_reference, regex_find(invoice.note, "(?i)lejem[aå]l(?:snr\\.?|snummer)?[: ]*([0-9A-Za-z-]+)"))"#, .string),
            ("digits(cpr)", .optional(.string)),
            ("plan.id + \"/\" + plan.period_key", .string),
            ("period_key(coalesce(invoice.period_start, invoice.issue_date), \"monthly\")", .string),
            ("plan.dimensions", .any),
            ("\"4520010\"", .string),
        ]
        for (text, expected) in values {
            XCTAssertEqual(try parse(text).check(in: Self.types), expected, text)
        }
        let templates = [
            "The doctor's CVR number is missing or not a valid CVR ({seller.cvr}); ask the clinic to resend with its CVR.",
            "Order {order.id} is {order.status}, not open.",
            "Order {order.id} was invoiced before (invoice {earlier.last_invoice_number}).",
            "Amount {invoice.amount_due} is outside the tariff {tariff.min_amount}–{tariff.max_amount} for {order.certificate_type}.",
            "Plan {plan.id}: {coalesce(plan.name, seller.name)}",
            "Rent changed from {last.last_amount} to {invoice.amount_due} (limits {limit.max_change_amount} kr. and {limit.max_change_percent} %).",
            "Lægeerklæring {order.certificate_type}, ordre {order.id}",
        ]
        for t in templates {
            XCTAssertNoThrow(try Template.parse(t, at: Self.origin).check(in: Self.types), t)
        }

        // The medical-certificates robot on one invoice.
        let extract = try parse(values[0].0)
        let cpr = try extract.evaluate(in: Self.values)
        XCTAssertEqual(cpr, "010190-1234")
        let env = Self.values.adding("cpr", cpr)
        XCTAssertEqual(try parse("is_cpr(cpr) and is_cvr(seller.cvr)").evaluate(in: env), true)
        XCTAssertEqual(try parse("digits(cpr)").evaluate(in: env), "0101901234")
        XCTAssertTrue(try parse(conditions[0]).holds(in: env))
        XCTAssertTrue(try parse(conditions[4]).holds(in: env))
        let message = try Template.parse(templates[3], at: Self.origin).render(in: env)
        XCTAssertEqual(message, "Amount 405.00 is outside the tariff 405.00–405.00 for LÆ 125.")
    }

    // MARK: templates

    func testTemplates() throws {
        let t = try Template.parse("Order {order.id} was invoiced {invoice.issue_date} for {invoice.amount_due} kr.", at: Self.origin)
        XCTAssertEqual(t.render(in: Self.values), "Order O-1 was invoiced 2026-11-23 for 405.00 kr.")
        XCTAssertEqual(t.referencedNames, ["order", "invoice"])
        XCTAssertEqual(t.expressions.map(\.source), ["order.id", "invoice.issue_date", "invoice.amount_due"])
        XCTAssertNoThrow(try t.check(in: Self.types))
        XCTAssertEqual(try Template.parse("{{literal}} and }} and {x}", at: Self.origin).render(in: Self.values), "{literal} and } and 5")
        XCTAssertEqual(try Template.parse("No braces at all", at: Self.origin).render(in: Self.values), "No braces at all")
        XCTAssertEqual(try Template.parse("", at: Self.origin).render(in: Self.values), "")
        XCTAssertEqual(try Template.parse("[{nothing}]", at: Self.origin).render(in: Self.values), "[]")
        XCTAssertEqual(try Template.parse("{coalesce(nothing, \"}\")}!", at: Self.origin).render(in: Self.values), "}!")
        XCTAssertEqual(try Template.parse("{invoice.notes}", at: Self.origin).render(in: Self.values), "Lægeerklæring, Tak")
        XCTAssertEqual(try Template.parse("{s}'s {'{'}", at: Self.origin).render(in: Self.values), "Hello's {")
        XCTAssertEqual(try Template.parse("Ratio {x / (y - 2.5)}", at: Self.origin).render(in: Self.values), "Ratio <error: division by zero>")
        XCTAssertEqual(try Template.parse("{order}", at: Self.origin).render(in: Self.values),
                       "{case_id: \"C-9\", certificate_type: \"LÆ 125\", id: \"O-1\", ordered_at: 2026-11-01, status: \"open\"}")
    }

    func testTemplateErrorsPointInsideTheMessage() {
        func error(_ text: String, check: Bool = false) -> RobotLanguageError? {
            do {
                let t = try Template.parse(text, at: Self.origin)
                if check { try t.check(in: Self.types) }
                return nil
            } catch { return error as? RobotLanguageError }
        }
        // "Order {order.statsu}": the field name starts 13 scalars in, so at column 5 + 13.
        let unknown = error("Order {order.statsu} is open", check: true)
        XCTAssertEqual(unknown?.location, SourceLocation(file: Self.origin.file, line: 10, column: 18))
        XCTAssertTrue(unknown?.message.contains("did you mean `status`") ?? false)
        XCTAssertEqual(error("Amount {x +} kr.")?.location.column, 16)
        XCTAssertEqual(error("Line one\nline {two three}")?.location, SourceLocation(file: Self.origin.file, line: 11, column: 11))
        XCTAssertEqual(error("Unclosed {x kr.")?.location.column, 14)
        XCTAssertTrue(error("Unclosed {x kr.")?.message.contains("no closing `}`") ?? false)
        XCTAssertEqual(error("Lone } brace")?.location.column, 10)
        XCTAssertEqual(error("Empty {} here")?.location.column, 11)
        XCTAssertEqual(error("{summ(x)}", check: true)?.location.column, 6)
        XCTAssertEqual(error("Date {d > 1}", check: true)?.location.column, 13)
    }

    // MARK: values

    func testValueDescriptionCodableAndConformance() throws {
        let v: Value = ["amount": .number("1250.50"), "due": Self.d("2026-01-31"), "tags": ["a", 1, .null], "ok": true, "name": "x \"y\""]
        XCTAssertEqual(v.description, #"{amount: 1250.50, due: 2026-01-31, name: "x \"y\"", ok: true, tags: ["a", 1, null]}"#)
        XCTAssertEqual(Value.list(["a", 2]).displayText, "a, 2")

        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(v), as: UTF8.self)
        XCTAssertEqual(json, #"{"amount":"1250.50","due":"2026-01-31","name":"x \"y\"","ok":true,"tags":["a","1",null]}"#)
        let decoded = try JSONDecoder().decode(Value.self, from: Data(#"{"a": 1250.10, "b": "12345678", "c": [true, null, 1, 0], "d": {"e": 0.1}}"#.utf8))
        XCTAssertEqual(decoded, ["a": .number("1250.10"), "b": "12345678", "c": [true, .null, 1, 0], "d": ["e": .number("0.1")]])

        let row: Value = ["certificate_type": "LÆ 125", "min_amount": "405.00", "valid_from": "2026-04-01", "valid_to": "", "extra": "x"]
        let type: ValueType = .record(["certificate_type": .string, "min_amount": .number, "valid_from": .date, "valid_to": .date, "active": .bool])
        XCTAssertEqual(try row.conformed(to: type), [
            "certificate_type": "LÆ 125", "min_amount": .number("405.00"), "valid_from": Self.d("2026-04-01"), "valid_to": .null, "active": .null,
        ])
        XCTAssertEqual(try Value.number(12345678).conformed(to: .string), "12345678")
        XCTAssertEqual(try Value.string("true").conformed(to: .bool), true)
        XCTAssertThrowsError(try Value.list([["q": "1"], ["q": "many"]]).conformed(to: .list(.record(["q": .number])))) { error in
            let m = error as! ValueMismatch
            XCTAssertEqual(m.pathText, "[1].q")
            XCTAssertEqual(m.description, #"[1].q: expected number, found "many""#)
        }
        XCTAssertThrowsError(try Value.record(["ordered_at": "yesterday"]).conformed(to: .record(["ordered_at": .date]))) { error in
            XCTAssertEqual((error as! ValueMismatch).description, #"ordered_at: expected date, found "yesterday""#)
        }
        XCTAssertEqual(Set<Value>([.number("1.0"), .number("1.00"), .number(1)]).count, 1)
    }

    // MARK: robustness

    func testConcurrentEvaluationSharesCompiledPatterns() throws {
        let e = try parse(#"regex_find(invoice.note, "\\b(\\d{6}-?\\d{4})\\b") == "010190-1234" and invoice.amount_due between tariff.min_amount and tariff.max_amount"#)
        let env = Self.values
        let failures = Counter()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<500 where (try? e.holds(in: env)) != true { failures.increment() }
        }
        XCTAssertEqual(failures.value, 0)
    }

    /// One compiled condition evaluated many times over the same values gives the same answer every time (its
    /// cost is in the figures `bilag bench` prints; a unit test does not time it).
    func testRepeatedEvaluationKeepsItsAnswer() throws {
        let e = try parse("invoice.amount_due between tariff.min_amount and tariff.max_amount and order.status == \"open\" and buyer.ean in certificate_eans.ean and is_cvr(seller.cvr)")
        _ = try e.check(in: Self.types)
        let env = Self.values
        var held = 0
        for _ in 0..<2_000 where try e.holds(in: env) { held += 1 }
        XCTAssertEqual(held, 2_000)
    }
}

/// A thread-safe count for tests that run work on several threads.
final class Counter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
