import Foundation
import SoundSortCore

/// How a child process ended, what it printed, and its peak memory.
struct ChildOutcome {
    enum Ending: Equatable {
        case exited(Int32)
        case signalled(Int32)
    }

    var ending: Ending
    var standardOutput: Data
    var standardError: Data
    /// Peak resident memory of the child, in megabytes (from `wait4`).
    var peakMegabytes: Double
}

/// A child process started with `posix_spawn`, its standard output and error read through pipes.
///
/// Each song of a batch runs in a process of its own: a song that crashes the analysis (a trap on input nobody
/// foresaw) ends its own process and not the batch, and every song's memory goes back to the system when it ends,
/// so a batch's peak memory is that of the songs running at once, never their sum.
struct ChildProcess {
    let pid: pid_t
    private let outputPipe: Int32
    private let errorPipe: Int32

    /// Bytes read from a pipe at a time.
    private static let readSize = 65_536

    /// Starts `executable` with `arguments` (not counting its name) and `environment` (`NAME=value`), standard input
    /// from /dev/null. The child starts with no signal blocked, whatever the calling thread blocks.
    /// The pipes are made close-on-exec, so that no other child inherits them and keeps them open; callers start one
    /// child at a time (`SongPool` starts them under its lock), since glibc's `pipe2` is not visible from Swift and
    /// another start between `pipe` and `fcntl` would inherit them.
    /// - Throws: `CommandFailure` naming the executable when the system cannot start it.
    init(executable: String, arguments: [String], environment: [String]) throws {
        var outputFDs: [Int32] = [-1, -1], errorFDs: [Int32] = [-1, -1]
        guard pipe(&outputFDs) == 0 else { throw Self.startFailure(executable, errno) }
        guard pipe(&errorFDs) == 0 else {
            let code = errno
            Glibc.close(outputFDs[0]); Glibc.close(outputFDs[1])
            throw Self.startFailure(executable, code)
        }
        for descriptor in outputFDs + errorFDs { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputFDs[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorFDs[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        Glibc.close(outputFDs[1])
        Glibc.close(errorFDs[1])
        guard status == 0 else {
            Glibc.close(outputFDs[0]); Glibc.close(errorFDs[0])
            throw Self.startFailure(executable, status)
        }
        self.pid = pid
        outputPipe = outputFDs[0]
        errorPipe = errorFDs[0]
    }

    private static func startFailure(_ executable: String, _ code: Int32) -> CommandFailure {
        CommandFailure(path: executable, reason: "cannot start a process: \(String(cString: strerror(code)).lowercased())")
    }

    /// Reads standard output and error to their end (both at once, so that neither pipe can fill and block the
    /// child), then waits for the child and returns how it ended.
    func finish() -> ChildOutcome {
        var fds = [pollfd(fd: outputPipe, events: Int16(POLLIN), revents: 0), pollfd(fd: errorPipe, events: Int16(POLLIN), revents: 0)]
        var collected = [Data(), Data()]
        var buffer = [UInt8](repeating: 0, count: Self.readSize)
        while fds.contains(where: { $0.fd >= 0 }) {
            if poll(&fds, nfds_t(fds.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for index in fds.indices where fds[index].fd >= 0 && fds[index].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(fds[index].fd, $0.baseAddress!, Self.readSize) }
                if count > 0 {
                    collected[index].append(contentsOf: buffer[0..<count])
                } else if count == 0 || errno != EINTR {
                    Glibc.close(fds[index].fd)
                    fds[index].fd = -1
                }
            }
        }
        for item in fds where item.fd >= 0 { Glibc.close(item.fd) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        // The wait status as <sys/wait.h> packs it: the low 7 bits hold the signal that ended the child, if any.
        let signal = status & 0x7F
        let ending: ChildOutcome.Ending = signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal)
        return ChildOutcome(ending: ending, standardOutput: collected[0], standardError: collected[1],
                            peakMegabytes: Double(usage.ru_maxrss) / 1024)
    }
}

/// This program's own executable, to run each song of a batch as `soundsort transcribe`.
func ownExecutablePath() -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    return length > 0 ? String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
}

/// Removes what a child killed without warning (out of memory, SIGKILL) left of its outputs: the hidden temporary
/// files `.NAME.PID.N.tmp` (and those nested inside them) its own interrupt handler had no chance to remove, and a
/// kit's temporary folder `.NAME.kit.PID.N.tmp` with what it holds.
func removeLeftovers(of outputs: [String], pid: pid_t) {
    for output in outputs {
        let folder = AtomicOutput.folder(of: output)
        let name = (output as NSString).lastPathComponent
        let prefixes = [".\(name).\(pid).", "..\(name).\(pid)."]
        for file in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        where file.hasSuffix(".tmp") && prefixes.contains(where: file.hasPrefix) {
            let path = (folder as NSString).appendingPathComponent(file)
            var info = stat()
            if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                try? FileManager.default.removeItem(atPath: path)
            } else {
                unlink(path)
            }
        }
    }
}
