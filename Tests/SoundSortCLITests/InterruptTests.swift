import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

@Suite struct InterruptTests {
    /// Kills a run once it reports that the analysis is under way, so the kill never races the end of the run: the run
    /// shows its progress on a terminal, so its standard error is a pseudo-terminal whose other end this test reads.
    @Test func aKilledRunLeavesNoOutput() throws {
        let folder = TemporaryFolder()
        // Long enough (over ProgressLine.minimumDuration) for a progress line, and for much work after it.
        var signal = Synth.silence(duration: 240)
        Synth.addClicks(to: &signal, onsets: stride(from: 0.1, to: 239, by: 0.25).map { $0 })
        let song = try folder.writeAudio("long.flac", signal, encoding: .flac16)
        let before = FileManager.default.contents(atPath: song)

        let terminal = try PseudoTerminal()
        let process = Process()
        process.executableURL = soundSortExecutable
        process.arguments = ["transcribe", song, "-o", folder.path("long.mid"), "--json", folder.path("long.json")]
        process.standardError = terminal.follower
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        terminal.closeFollower()
        // The onset pass reports after each block it read: the run has opened the song and has the rest of the
        // onset pass, the features, the clustering and every output still ahead of it.
        let seen = terminal.read(until: "soundsort: onsets", timeout: 60)
        process.terminate()  // SIGTERM: the test runner's children may ignore SIGINT, as background jobs do.
        process.waitUntilExit()
        #expect(seen.contains("soundsort: onsets"), "progress seen: \(seen.debugDescription)")
        #expect(process.terminationStatus == 143)  // 128 + SIGTERM: the handler ran, not the default action.
        #expect(process.terminationReason == .exit)
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted()
        #expect(left == ["long.flac"])
        #expect(FileManager.default.contents(atPath: song) == before)
    }
}

/// A pseudo-terminal: the child writes to the follower side, which `isatty` takes for a terminal; the test reads
/// what it wrote from the leader side.
final class PseudoTerminal {
    let leader: Int32
    let follower: FileHandle

    /// glibc's pseudo-terminal calls, which its Swift module map leaves out (they need _XOPEN_SOURCE).
    private static func libc<F>(_ name: String, as type: F.Type) -> F {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), name) else { fatalError("no \(name) in libc") }
        return unsafeBitCast(symbol, to: type)
    }
    private static let openpt = libc("posix_openpt", as: (@convention(c) (Int32) -> Int32).self)
    private static let grantpt = libc("grantpt", as: (@convention(c) (Int32) -> Int32).self)
    private static let unlockpt = libc("unlockpt", as: (@convention(c) (Int32) -> Int32).self)
    private static let ptsname = libc("ptsname", as: (@convention(c) (Int32) -> UnsafeMutablePointer<CChar>?).self)

    init() throws {
        leader = Self.openpt(O_RDWR | O_NOCTTY)
        guard leader >= 0, Self.grantpt(leader) == 0, Self.unlockpt(leader) == 0, let name = Self.ptsname(leader) else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "no pseudo-terminal: \(String(cString: strerror(errno)))"])
        }
        let followerDescriptor = open(name, O_RDWR | O_NOCTTY)
        guard followerDescriptor >= 0 else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "cannot open \(String(cString: name))"])
        }
        follower = FileHandle(fileDescriptor: followerDescriptor, closeOnDealloc: true)
    }

    deinit { close(leader) }

    /// Closes this process' copy of the follower once the child has its own.
    func closeFollower() { try? follower.close() }

    /// Reads what the child writes until `text` appears, the child closes the terminal, or `timeout` seconds pass.
    func read(until text: String, timeout: Double) -> String {
        var seen = ""
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while !seen.contains(text), Date() < deadline {
            var poller = pollfd(fd: leader, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) >= 0 else { break }
            guard poller.revents & Int16(POLLIN) != 0 else {
                if poller.revents & Int16(POLLHUP) != 0 { break }
                continue
            }
            let count = buffer.withUnsafeMutableBytes { Glibc.read(leader, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            seen += String(decoding: buffer[0..<count], as: UTF8.self)
        }
        return seen
    }
}
