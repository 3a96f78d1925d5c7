import Foundation
import Testing
import TestSupport
@testable import Transcribe

/// Audio in memory (libsndfile's virtual I/O) reads as the same file on disk would; and every input the audio fuzzer
/// (`scripts/fuzz-audio`) found troublesome is kept here and must give a result or one error, never a crash.
@Suite struct AudioFuzzFindingTests {
    static let fixtures = Bundle.module.url(forResource: "Fixtures/FuzzAudio", withExtension: nil)!

    @Test(arguments: [AudioEncoding.wav16, .flac16, .oggVorbis, .mp3])
    func bytesInMemoryTranscribeLikeTheFile(_ encoding: AudioEncoding) throws {
        let folder = TemporaryFolder()
        var signal = Synth.silence(duration: 2)
        Synth.addTone(to: &signal, frequency: 440, onsets: [0.2, 1.2], length: 0.4)
        Synth.addClicks(to: &signal, onsets: [0.7, 1.6])
        let path = try folder.writeAudio("song.\(encoding.fileExtension)", signal.flatMap { [$0, -$0] }, encoding: encoding, channels: 2)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let fromFile = try Transcriber().analyse(path: path).transcription
        let fromMemory = try Transcriber().analyse(bytes: bytes, path: "in memory").transcription
        #expect(fromMemory == fromFile)
        #expect(fromFile.events.count == 4)
    }

    @Test func badBytesInMemoryAreTheFilesErrors() {
        #expect(throws: TranscribeError.cannotOpen(path: "m", reason: "the file is empty")) { try AudioFile(bytes: [], path: "m") }
        #expect(throws: TranscribeError.cannotOpen(path: "m", reason: "Format not recognised.")) {
            try AudioFile(bytes: Array("not audio at all\n".utf8), path: "m")
        }
    }

    /// Each finding: what it gives now (a transcription, or the error it must be).
    @Test(arguments: try FileManager.default.contentsOfDirectory(atPath: fixtures.path).sorted())
    func everyFindingGivesAResultOrOneError(_ name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: Self.fixtures.appendingPathComponent(name)))
        do {
            let transcription = try Transcriber().analyse(bytes: bytes, path: name).transcription
            #expect(transcription.duration > 0)
        } catch {
            #expect(!error.description.contains("\n"))
            #expect(error.description.hasPrefix("\(name): "))
        }
    }

    @Test func aMalformedOggVorbisHeaderIsAnError() throws {
        // libsndfile 1.2.0 leaks 5 784 bytes opening it (suppressed in Fuzz/lsan-suppressions.txt); the error is clear.
        let bytes = try [UInt8](Data(contentsOf: Self.fixtures.appendingPathComponent("ogg-vorbis-failed-open-leak.ogg")))
        #expect(throws: TranscribeError.cannotOpen(path: "x.ogg", reason: "Supported file format but file is malformed.")) {
            try Transcriber().analyse(bytes: bytes, path: "x.ogg")
        }
    }
}
