internal import CSndFile
import Foundation

/// libsndfile reports a failed open only through one global error number (`sf_strerror(NULL)`), which a failed open
/// on another thread (cases run in parallel by `bench`) may overwrite before it is read. Every open goes through
/// `open`: one at a time, the message read under the same lock, so each open gets its own error. Errors of an open
/// handle are the handle's own (`sf_strerror(handle)`).
enum LibSndFile {
    private static let lock = NSLock()

    /// Runs `open` (an `sf_open…` call) alone; returns its handle, or nil and libsndfile's message for this open.
    static func open(_ open: () -> OpaquePointer?) -> (handle: OpaquePointer?, error: String) {
        lock.withLock {
            guard let handle = open() else { return (nil, String(cString: sf_strerror(nil))) }
            return (handle, "")
        }
    }
}
