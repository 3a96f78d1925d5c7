import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why a file could not be written, in words a user can act on: one wording per cause, naming the folder concerned.
///
/// The C libraries each word the same cause their own way (libsmf says "Cannot open input file: No such file or
/// directory" for a missing folder, cairo "error while writing to output stream"); the cause comes from `errno`
/// of our own system call instead, so that every output reads the same for the same problem.
public enum WriteProblem: Error, Equatable, CustomStringConvertible {
    case folderMissing(folder: String)
    case notAFolder(folder: String)
    /// The folder exists but its file system refuses new files (`/proc`).
    case folderTakesNoNewFiles(folder: String)
    case noPermission(folder: String)
    case readOnly(folder: String)
    case noSpace(folder: String)
    case quotaExceeded(folder: String)
    case inputOutput(folder: String)
    /// The output path itself is a folder.
    case isAFolder
    case nameTooLong
    /// Any other cause, in the system's words.
    case other(String)

    /// The cause of a failed create, rename or write of a file in `folder`, from its `errno`.
    public init(errno code: Int32, folder: String) {
        switch code {
        case ENOENT:
            var info = stat()
            self = stat(folder, &info) == 0 ? .folderTakesNoNewFiles(folder: folder) : .folderMissing(folder: folder)
        case ENOTDIR: self = .notAFolder(folder: folder)
        case EACCES, EPERM: self = .noPermission(folder: folder)
        case EROFS: self = .readOnly(folder: folder)
        case ENOSPC: self = .noSpace(folder: folder)
        case EDQUOT: self = .quotaExceeded(folder: folder)
        case EIO: self = .inputOutput(folder: folder)
        case EISDIR: self = .isAFolder
        case ENAMETOOLONG: self = .nameTooLong
        default: self = .other(String(cString: strerror(code)))
        }
    }

    public var description: String {
        switch self {
        case let .folderMissing(folder): "the folder \(folder) does not exist"
        case let .notAFolder(folder): "\(folder) is not a folder"
        case let .folderTakesNoNewFiles(folder): "the folder \(folder) does not take new files"
        case let .noPermission(folder): "no permission to create files in \(folder)"
        case let .readOnly(folder): "\(folder) is on a read-only file system"
        case let .noSpace(folder): "no space left on the device holding \(folder)"
        case let .quotaExceeded(folder): "disk quota exceeded on the device holding \(folder)"
        case let .inputOutput(folder): "input/output error on the device holding \(folder)"
        case .isAFolder: "it is a folder"
        case .nameTooLong: "the file name is too long"
        case let .other(text): text
        }
    }
}

/// A file that could not be written, and why. `description`: `PATH: cannot write: CAUSE`.
public struct WriteFailure: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var problem: WriteProblem
    public init(path: String, problem: WriteProblem) {
        self.path = path
        self.problem = problem
    }
    public var description: String { "\(path): cannot write: \(problem)" }
}

/// One output of a set written all or nothing: its path and what writes its content to a temporary path beside it.
public struct PendingOutput {
    public var path: String
    public var write: (_ temporaryPath: String) throws -> Void
    /// Whether the output is a folder of files (see `init(folder:write:)`).
    public private(set) var isFolder = false
    public init(path: String, write: @escaping (_ temporaryPath: String) throws -> Void) {
        self.path = path
        self.write = write
    }

    /// A folder written as a whole: `write` fills a fresh, empty temporary folder beside `path` (naming each file
    /// through `PendingFolder.file(_:)`, so that an interrupt removes it), and the folder is renamed to `path` with
    /// the set. Whatever was at `path` (a caller allows that only when asked to) is moved aside first and removed once
    /// the set is written, or put back when it fails.
    public init(folder path: String, write: @escaping (_ folder: PendingFolder) throws -> Void) {
        self.path = path
        isFolder = true
        self.write = { temporary in try write(PendingFolder(path: temporary)) }
    }
}

/// A temporary folder of an output set, being filled.
public final class PendingFolder {
    /// The temporary folder's path.
    public let path: String

    init(path: String) { self.path = path }

    /// The path of the file `name` in the folder, recorded so that an interrupt removes it (until the set is written).
    public func file(_ name: String) -> String {
        let file = (path as NSString).appendingPathComponent(name)
        AtomicOutput.register(file)
        return file
    }
}

/// An output of a set that failed: the path the user asked for and the writer's error (which may name the
/// temporary path); nothing of the set is left.
public struct OutputSetFailure: Error {
    public var path: String
    public var underlying: Error
}

extension AtomicOutput {
    /// The folder a path's file goes in (`.` for a bare name).
    public static func folder(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    /// Checks, before any work, that `path` could be written: its folder exists, is a folder, and takes a new file
    /// (a hidden file is created there and removed at once, so that a read-only mount, `/proc` or missing
    /// permissions are found now and not after the analysis). An existing `path` is not touched.
    /// - Throws: `WriteFailure` naming `path` and the cause.
    /// - Parameter replacingFolder: `path` is a folder output (`PendingOutput(folder:)`), which may replace a folder.
    public static func checkWritable(_ path: String, replacingFolder: Bool = false) throws(WriteFailure) {
        let folder = folder(of: path)
        var info = stat()
        if !replacingFolder, stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { throw WriteFailure(path: path, problem: .isAFolder) }
        guard stat(folder, &info) == 0 else { throw WriteFailure(path: path, problem: WriteProblem(errno: errno, folder: folder)) }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw WriteFailure(path: path, problem: .notAFolder(folder: folder)) }
        let probe = temporaryPath(for: path)
        register(probe)
        defer { unregister(probe) }
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw WriteFailure(path: path, problem: WriteProblem(errno: errno, folder: folder)) }
        close(descriptor)
        unlink(probe)
    }

    /// Writes `data` to a new file at `path` (a temporary path of a set), reporting a failure as `reportedPath`.
    /// - Throws: `WriteFailure` with the cause from `errno` (no space, quota…).
    public static func create(_ data: Data, at path: String, reportingAs reportedPath: String) throws(WriteFailure) {
        let folder = folder(of: reportedPath)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw WriteFailure(path: reportedPath, problem: WriteProblem(errno: errno, folder: folder)) }
        var failure: Int32 = 0
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        // close reports delayed write errors (network file systems).
        if close(descriptor) != 0, failure == 0 { failure = errno }
        if failure != 0 { throw WriteFailure(path: reportedPath, problem: WriteProblem(errno: failure, folder: folder)) }
    }

    /// Writes every output of a set so that all of them appear, or none: each is first written in full to a
    /// temporary file beside it, then all are renamed over their targets. If a writer fails, the temporary files
    /// are removed and no target is touched; if a rename fails, the targets already renamed by this call are removed
    /// as well. While the renames are under way the targets are pending too, so an interrupt removes them.
    /// - Throws: `OutputSetFailure` naming the output that failed.
    public static func writeAll(_ outputs: [PendingOutput]) throws(OutputSetFailure) {
        var staged: [(temporary: String, target: String, isFolder: Bool)] = []
        /// What stood at a folder output's path, moved aside until the set is written.
        var asides: [(aside: String, target: String)] = []
        func remove(_ path: String, isFolder: Bool) {
            if isFolder { try? FileManager.default.removeItem(atPath: path) } else { unlink(path) }
        }
        func discard(renamed: Int) {
            for item in staged.prefix(renamed) { remove(item.target, isFolder: item.isFolder) }
            for item in staged {
                remove(item.temporary, isFolder: item.isFolder)
                unregister(item.temporary)
                if item.isFolder { unregister(inside: item.temporary) }
            }
            for item in asides { rename(item.aside, item.target) }
        }
        for output in outputs {
            let temporary = temporaryPath(for: output.path)
            register(temporary)
            staged.append((temporary, output.path, output.isFolder))
            do {
                if output.isFolder, mkdir(temporary, 0o755) != 0 {
                    throw WriteFailure(path: output.path, problem: WriteProblem(errno: errno, folder: folder(of: output.path)))
                }
                try output.write(temporary)
            } catch {
                discard(renamed: 0)
                throw OutputSetFailure(path: output.path, underlying: error)
            }
        }
        for item in staged { register(item.target) }
        defer { for item in staged { unregister(item.target) } }
        for (index, item) in staged.enumerated() {
            var info = stat()
            if item.isFolder, lstat(item.target, &info) == 0 {
                // A folder cannot be renamed over a folder that holds files: the old one steps aside.
                let aside = temporaryPath(for: item.target)
                guard rename(item.target, aside) == 0 else {
                    let problem = WriteProblem(errno: errno, folder: folder(of: item.target))
                    discard(renamed: index)
                    throw OutputSetFailure(path: item.target, underlying: WriteFailure(path: item.target, problem: problem))
                }
                asides.append((aside, item.target))
            }
            guard rename(item.temporary, item.target) == 0 else {
                let problem = WriteProblem(errno: errno, folder: folder(of: item.target))
                discard(renamed: index)
                throw OutputSetFailure(path: item.target, underlying: WriteFailure(path: item.target, problem: problem))
            }
        }
        for item in staged {
            unregister(item.temporary)
            if item.isFolder { unregister(inside: item.temporary) }
        }
        for item in asides { try? FileManager.default.removeItem(atPath: item.aside) }
    }
}
