internal import CSMF
import Foundation

/// libsmf keeps global state and prints through glib: every call into it goes through `LibSMF.run`,
/// which serialises callers and collects what glib would have printed, so that it becomes part of an error
/// instead of reaching the terminal.
enum LibSMF {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var messages: [String] = []
    nonisolated(unsafe) private static var handlerInstalled = false

    /// Runs `body` with libsmf to itself; returns its result and the messages libsmf logged meanwhile.
    static func run<R>(_ body: () throws -> R) rethrows -> (result: R, messages: [String]) {
        lock.lock()
        defer { lock.unlock() }
        if !handlerInstalled {
            _ = g_log_set_default_handler({ _, _, message, _ in
                LibSMF.messages.append(message.map { String(cString: $0) } ?? "")
            }, nil)
            handlerInstalled = true
        }
        messages.removeAll()
        let result = try body()
        let logged = messages
        messages.removeAll()
        return (result, logged)
    }
}
