import Foundation

/// The shared corpus of real e-invoices (`/work/shared/corpus`), found relative to the package: `PACKAGE/../shared/corpus`,
/// or at `$BILAG_CORPUS`. Read only: tests copy from it, never into it.
public enum Corpus {
    /// The package root (the folder holding Package.swift), from this file's own path.
    public static let packageRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // BilagTestKit
        .deletingLastPathComponent() // Sources
        .deletingLastPathComponent() // package
        .standardizedFileURL.path

    /// The corpus folder.
    public static var root: String {
        if let p = ProcessInfo.processInfo.environment["BILAG_CORPUS"], !p.isEmpty { return p }
        return URL(fileURLWithPath: packageRoot + "/../shared/corpus").standardizedFileURL.path
    }

    /// The absolute path of a corpus file, e.g. `path("peppol-bis3/examples/base-example.xml")`.
    public static func path(_ relative: String) -> String { root + "/" + relative }

    /// The bytes of a corpus file.
    public static func data(_ relative: String) throws -> Data {
        guard let d = FileManager.default.contents(atPath: path(relative)) else {
            throw TestKitError("corpus file \(relative) not found under \(root); set $BILAG_CORPUS")
        }
        return d
    }

    /// The corpus-relative paths of the files in a folder with this extension, sorted.
    public static func files(in folder: String, extension ext: String = "xml") throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path(folder))
            .filter { $0.hasSuffix("." + ext) }
            .sorted()
            .map { folder + "/" + $0 }
    }

    /// Invoices of several syntaxes and profiles that parse (some fail their rules or repeat a number: they go to
    /// the manual queue, never to quarantine).
    public static let goodInvoices = [
        "peppol-bis3/examples/base-example.xml",
        "peppol-bis3/examples/base-creditnote-correction.xml",
        "peppol-bis3/examples/Norwegian-example-1.xml",
        "peppol-bis3/examples/vat-category-E.xml",
        "peppol-bis3/examples/Allowance-example.xml",
        "en16931-cii/examples/CII_example1.xml",
        "en16931-cii/examples/CII_example2.xml",
        "oioubl/parse/happy-path_real.xml",
        "oioubl/parse/credit-note.xml",
        "oioubl/parse/nemkonto.xml",
    ]
}
