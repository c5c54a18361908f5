import Foundation

/// The text of a file of the kernel's `/proc`, read to its end.
///
/// Such files say their size is 0 and are made as they are read: Foundation's `String(contentsOfFile:)` and
/// `FileManager.contents(atPath:)` stop after the first 4 KiB of one, which for `/proc/PID/maps` is the first few dozen
/// mappings only. `FileHandle.readToEnd()` reads until the kernel says there is no more.
public enum ProcFile {
    public static func read(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        do { return String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self) } catch { return nil }
    }
}
