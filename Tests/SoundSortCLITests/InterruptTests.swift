import Foundation
import Testing
import TestSupport

@Suite struct InterruptTests {
    @Test func aKilledRunLeavesNoOutput() throws {
        let folder = TemporaryFolder()
        // Long enough that the run is still working when interrupted.
        var signal = Synth.silence(duration: 240)
        Synth.addClicks(to: &signal, onsets: stride(from: 0.1, to: 239, by: 0.25).map { $0 })
        let song = try folder.writeAudio("long.flac", signal, encoding: .flac16)
        let process = Process()
        process.executableURL = soundSortExecutable
        process.arguments = ["transcribe", song, "-o", folder.path("long.mid"), "--json", folder.path("long.json")]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 0.5)
        process.terminate()  // SIGTERM: the test runner's children may ignore SIGINT, as background jobs do.
        process.waitUntilExit()
        #expect(process.terminationStatus == 143)  // 128 + SIGTERM.
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted()
        #expect(left == ["long.flac"])
    }
}
