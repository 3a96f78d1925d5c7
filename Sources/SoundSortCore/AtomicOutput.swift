import Foundation

/// Writes an output file so that it is either complete or absent: the content goes to a temporary file
/// in the same folder, which is renamed over the target only once it was written without error.
public enum AtomicOutput {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var pending: Set<String> = []
    nonisolated(unsafe) private static var counter = 0

    /// Calls `write` with a temporary path beside `path`, then renames it to `path`.
    /// On any error the temporary file is removed and the error rethrown; an existing `path` is left as it was.
    public static func write(to path: String, _ write: (_ temporaryPath: String) throws -> Void) throws {
        let temporary = temporaryPath(for: path)
        register(temporary)
        defer { unregister(temporary) }
        do {
            try write(temporary)
            guard rename(temporary, path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Writes `data` to `path` atomically.
    public static func write(_ data: Data, to path: String) throws {
        try write(to: path) { temporary in
            guard FileManager.default.createFile(atPath: temporary, contents: data) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSLocalizedDescriptionKey: "cannot create a file in that folder"])
            }
        }
    }

    /// Removes every temporary file still being written: for a signal handler, before the process exits.
    public static func removePendingFiles() {
        for path in pending { unlink(path) }
    }

    /// A fresh hidden name beside `path` (`.NAME.PID.N.tmp`), for content that is not complete yet.
    static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(nextNumber()).tmp").path
    }

    private static func nextNumber() -> Int {
        lock.lock(); defer { lock.unlock() }
        counter += 1
        return counter
    }

    static func register(_ path: String) {
        lock.lock(); defer { lock.unlock() }
        pending.insert(path)
    }

    static func unregister(_ path: String) {
        lock.lock(); defer { lock.unlock() }
        pending.remove(path)
    }
}
