import Foundation

/// Writes an output file so that it is either complete or absent: the content goes to a temporary file
/// in the same folder, which is renamed over the target only once it was written without error.
public enum AtomicOutput {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var counter = 0

    /// Calls `write` with a temporary path beside `path`, then renames it to `path`.
    /// On any error the temporary file is removed and the error rethrown; an existing `path` is left as it was.
    public static func write(to path: String, _ write: (_ temporaryPath: String) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(nextNumber()).tmp").path
        let slot = try register(temporary)
        defer { PendingFiles.shared.remove(slot: slot) }
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
    /// Async-signal-safe once `prepareForSignals()` ran (see `PendingFiles`).
    public static func removePendingFiles() {
        PendingFiles.shared.removeAll()
    }

    /// Makes what `removePendingFiles()` reads; call before installing the signal handler that calls it.
    public static func prepareForSignals() {
        PendingFiles.prepare()
    }

    private static func nextNumber() -> Int {
        lock.lock(); defer { lock.unlock() }
        counter += 1
        return counter
    }

    /// Records a temporary file for the signal handler.
    private static func register(_ temporary: String) throws -> Int {
        do {
            return try PendingFiles.shared.add(temporary)
        } catch .pathTooLong {
            throw CocoaError(.fileWriteInvalidFileName, userInfo: [NSLocalizedDescriptionKey: "the path is too long"])
        } catch {
            throw CocoaError(.fileWriteUnknown, userInfo: [
                NSLocalizedDescriptionKey: "more than \(PendingFiles.shared.capacity) files are being written at once"])
        }
    }
}
