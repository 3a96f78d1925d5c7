import Foundation

/// Decoders inside libsndfile (libmpg123) print warnings straight to standard error; SoundSort's messages are its
/// own. While any thread is inside such a call, file descriptor 2 points at /dev/null.
///
/// This is process-wide: whatever another thread writes to standard error meanwhile is lost too. So it is used only
/// around the calls that may print: opening a file (the format is not known yet) and reading an MPEG file.
enum QuietStandardError {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var depth = 0
    nonisolated(unsafe) private static var saved: Int32 = -1

    static func run<R>(_ body: () -> R) -> R {
        lock.withLock {
            if depth == 0, let null = Optional(open("/dev/null", O_WRONLY)), null >= 0 {
                saved = dup(STDERR_FILENO)
                dup2(null, STDERR_FILENO)
                close(null)
            }
            depth += 1
        }
        defer {
            lock.withLock {
                depth -= 1
                if depth == 0, saved >= 0 {
                    dup2(saved, STDERR_FILENO)
                    close(saved)
                    saved = -1
                }
            }
        }
        return body()
    }
}

