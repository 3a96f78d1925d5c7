import Foundation

/// Writes an output file so that it is either complete or absent: the content goes to a temporary file
/// in the same folder, which is renamed over the target only once it was written without error.
public enum AtomicOutput {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var counter = 0

    /// Calls `write` with a temporary path beside `path`, then renames it to `path`.
    /// On any error the temporary file is removed and the error rethrown; an existing `path` is left as it was.
    public static func write(to path: String, _ write: (_ temporaryPath: String) throws -> Void) throws {
        let temporary = temporaryPath(for: path)
        let slot = try registerSlot(temporary)
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

    /// Records a temporary file for the signal handler.
    private static func registerSlot(_ temporary: String) throws -> Int {
        do {
            return try PendingFiles.shared.add(temporary)
        } catch .pathTooLong {
            throw CocoaError(.fileWriteInvalidFileName, userInfo: [NSLocalizedDescriptionKey: "the path is too long"])
        } catch {
            throw CocoaError(.fileWriteUnknown, userInfo: [
                NSLocalizedDescriptionKey: "more than \(PendingFiles.shared.capacity) files are being written at once"])
        }
    }

    /// Slots of the signal handler's table held by paths recorded with `register(_:)` (never read by the handler).
    nonisolated(unsafe) private static var slots: [String: [Int]] = [:]

    /// Records `path` (an output set's temporary file or target) for the signal handler. Best effort: with the
    /// table full or the path too long, an interrupt leaves that file behind; the write itself is unaffected.
    static func register(_ path: String) {
        guard let slot = try? PendingFiles.shared.add(path) else { return }
        lock.lock(); defer { lock.unlock() }
        slots[path, default: []].append(slot)
    }

    /// Forgets every path recorded with `register(_:)` inside `folder`.
    static func unregister(inside folder: String) {
        lock.lock()
        let held = slots.filter { $0.key.hasPrefix(folder + "/") }.map { ($0.key, $0.value.count) }
        lock.unlock()
        for (path, count) in held { for _ in 0..<count { unregister(path) } }
    }

    /// Forgets a path recorded with `register(_:)`.
    static func unregister(_ path: String) {
        lock.lock()
        let slot = slots[path]?.popLast()
        if slots[path]?.isEmpty == true { slots[path] = nil }
        lock.unlock()
        if let slot { PendingFiles.shared.remove(slot: slot) }
    }
}
