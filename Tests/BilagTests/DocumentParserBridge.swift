import BilagCore
import BilagFormats
import Foundation

enum DocumentParserBridge {
    static func parse(_ xml: String) throws -> Invoice { try DocumentParser.parse(Data(xml.utf8)).invoice }
}
