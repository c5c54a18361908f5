@testable import BilagEngine
import Foundation
import XCTest

/// A plan's identifier is found among the words of an invoice's texts; plain-ASCII texts are read by the bytes, and
/// must give the words the general reading gives.
final class PlanIdentifierTests: XCTestCase {
    func general(_ text: String) -> [String] {
        text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "/" || $0 == ".") }).map { StorePlans.compact(String($0)) }.filter { !$0.isEmpty }
    }

    func testPlainASCIITextsGiveTheWordsTheGeneralReadingGives() {
        var texts = ["Målepunkt 571313104400123456", "Abonnement 40 11 22 33, kontrakt K-2/24.b", "", "---", "a.b-c/d e,f;g:h", "Tlf. +45 40112233 (mobil)",
                     "ref:PO-7788\tlinje\n2", "x--y..z//", "  lead and trail  ", "Lejer 150382-4455 / L-2201-3"]
        // And random texts of every ASCII character.
        var g = SystemRandomNumberGenerator()
        for _ in 0..<500 { texts.append(String(decoding: (0..<Int.random(in: 0...40, using: &g)).map { _ in UInt8.random(in: 0...127, using: &g) }, as: UTF8.self)) }
        for t in texts where t.utf8.allSatisfy({ $0 < 0x80 }) {
            XCTAssertEqual(StorePlans.asciiWords(t), general(t), t.debugDescription)
        }
        XCTAssertNil(StorePlans.asciiWords("Målepunkt 1"), "not plain ASCII: read the general way")
        XCTAssertEqual(StorePlans.identifierCandidates(["Tlf 40 11 22 33", "målepunkt 5713-1310"]), ["TLF", "40", "11", "22", "33", "4011", "401122", "40112233", "112233", "1122", "2233", "MÅLEPUNKT", "57131310"])
    }
}
