import Foundation

/// The robots bilag ships, named one by one. Tests copy exactly these (and the tables of `Robots/data/`) into a
/// root of their own, so a robot an operator adds to the live `Robots/` folder, as the docs invite, changes no test.
public enum ShippedRobots {
    /// The shipped robot files, relative to `Robots/`.
    public static let files = ["medical-certificates.robot.yaml", "payment-plans.robot.yaml", "rent-payments.robot.yaml"]
    /// The shipped robots' names.
    public static let names: Set<String> = ["medical-certificates", "payment-plans", "rent-payments"]

    /// Copies the shipped robot files and `Robots/data/` of `repository` into `robotsFolder` (created if missing).
    public static func copy(from repository: String = Corpus.packageRoot, into robotsFolder: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: robotsFolder, withIntermediateDirectories: true)
        for f in files { try fm.copyItem(atPath: repository + "/Robots/" + f, toPath: robotsFolder + "/" + f) }
        if fm.fileExists(atPath: repository + "/Robots/data") { try fm.copyItem(atPath: repository + "/Robots/data", toPath: robotsFolder + "/data") }
    }

    /// Copies `casedata/` as git holds it: without the write-back logs (`updates.jsonl`, ignored by git) a demo run
    /// leaves beside it, which would have the tests' orders invoiced and cases changed already.
    public static func copyCaseData(from repository: String = Corpus.packageRoot, into folder: String) throws {
        let fm = FileManager.default
        try fm.copyItem(atPath: repository + "/casedata", toPath: folder)
        for system in try fm.contentsOfDirectory(atPath: folder) { try? fm.removeItem(atPath: folder + "/" + system + "/updates.jsonl") }
    }

    /// A temporary copy of the repository's runnable parts: `bilag.yaml`, `casedata/` as git holds it (no write-back
    /// logs of a demo run) and the shipped robots only. The caller removes it.
    public static func repositoryCopy(from repository: String = Corpus.packageRoot) throws -> String {
        let fm = FileManager.default
        let folder = NSTemporaryDirectory() + "bilag-shipped-" + UUID().uuidString
        try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try copy(from: repository, into: folder + "/Robots")
        try fm.copyItem(atPath: repository + "/bilag.yaml", toPath: folder + "/bilag.yaml")
        try copyCaseData(from: repository, into: folder + "/casedata")
        return folder
    }
}
