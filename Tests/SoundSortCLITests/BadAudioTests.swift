import Foundation
import MIDIIO
import Testing
import TestSupport
import Transcribe

/// Whatever audio a user feeds in: a sensible result or one line `soundsort: FILE: …` with status 1; never a crash,
/// never a partial output, never a modified input.
@Suite struct BadAudioTests {
    enum Expected: Sendable {
        /// Status 0 and this many events (nil: any number), with a warning containing this text if given.
        case transcribed(events: Int?, warning: String?)
        /// Status 0, every one of this many events found, perhaps more.
        case transcribedAtLeast(events: Int)
        /// Status 1 and exactly this line after the path.
        case refused(String)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var make: @Sendable (TemporaryFolder) throws -> String
        var expected: Expected
        var testDescription: String { name }
    }

    static func tone(_ seconds: Double, rate: Double = 44_100) -> [Float] {
        var signal = Synth.silence(duration: seconds, sampleRate: rate)
        Synth.addTone(to: &signal, frequency: 440, onsets: [0.2, 0.7], length: 0.3, sampleRate: rate)
        Synth.addClicks(to: &signal, onsets: [0.45, 0.95], sampleRate: rate)
        return signal
    }

    /// Cuts a file to `fraction` of its length.
    static func truncate(_ path: String, to fraction: Double) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(Int(Double(data.count) * fraction)).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A 16-bit mono WAV whose header announces `declaredBytes` of data but holds `samples`.
    static func wav(_ samples: [Int16], declaredBytes: UInt32, rate: UInt32 = 44_100) -> Data {
        func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
        func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
        var bytes = Array("RIFF".utf8) + le32(declaredBytes &+ 36) + Array("WAVEfmt ".utf8) + le32(16) + le16(1) + le16(1)
        bytes += le32(rate) + le32(rate * 2) + le16(2) + le16(16) + Array("data".utf8) + le32(declaredBytes)
        for s in samples { bytes += le16(UInt16(bitPattern: s)) }
        return Data(bytes)
    }

    static let cases: [Case] = [
        Case(name: "missing file", make: { $0.path("absent.wav") }, expected: .refused("cannot open as audio: no such file")),
        Case(name: "directory", make: { folder in
            try FileManager.default.createDirectory(atPath: folder.path("dir.wav"), withIntermediateDirectories: false)
            return folder.path("dir.wav")
        }, expected: .refused("cannot open as audio: is a directory")),
        Case(name: "empty file", make: { folder in
            try Data().write(to: folder.url.appendingPathComponent("empty.wav"))
            return folder.path("empty.wav")
        }, expected: .refused("cannot open as audio: the file is empty")),
        Case(name: "text file", make: { folder in
            try Data("title,artist\nsong,me\n".utf8).write(to: folder.url.appendingPathComponent("list.wav"))
            return folder.path("list.wav")
        }, expected: .refused("cannot open as audio: Format not recognised.")),
        Case(name: "truncated WAV", make: { try truncate($0.writeAudio("cut.wav", tone(1.5), encoding: .wav16), to: 0.6) },
             expected: .transcribed(events: nil, warning: nil)),
        Case(name: "truncated FLAC", make: { try truncate($0.writeAudio("cut.flac", tone(1.5), encoding: .flac16), to: 0.6) },
             expected: .transcribed(events: nil, warning: nil)),
        Case(name: "truncated MP3", make: { try truncate($0.writeAudio("cut.mp3", tone(1.5), encoding: .mp3), to: 0.6) },
             expected: .transcribed(events: nil, warning: nil)),
        Case(name: "zero frames", make: { folder in
            try wav([], declaredBytes: 0).write(to: folder.url.appendingPathComponent("none.wav"))
            return folder.path("none.wav")
        }, expected: .refused("the file holds no audio frames")),
        Case(name: "a single frame", make: { try $0.writeAudio("one.wav", [0.5], encoding: .wav16) },
             expected: .transcribed(events: 0, warning: "no sound events found")),
        Case(name: "all silence", make: { try $0.writeAudio("silent.flac", Synth.silence(duration: 2), encoding: .flac16) },
             expected: .transcribed(events: 0, warning: "no sound events found")),
        Case(name: "DC only", make: { try $0.writeAudio("dc.wav", [Float](repeating: 0.5, count: 88_200), encoding: .wav16) },
             expected: .transcribed(events: 0, warning: "no sound events found")),
        Case(name: "clipped full-scale noise", make: { folder in
            var state: UInt32 = 7
            let noise: [Float] = (0..<88_200).map { _ in
                state = state &* 1_664_525 &+ 1_013_904_223
                return state & 0x8000_0000 == 0 ? 1 : -1
            }
            return try folder.writeAudio("noise.wav", noise, encoding: .wav16)
        }, expected: .transcribed(events: nil, warning: nil)),
        Case(name: "NaN and infinity in a float WAV", make: { folder in
            var signal = tone(1.2)
            for i in stride(from: 1_000, to: signal.count, by: 997) { signal[i] = i % 2 == 0 ? .nan : .infinity }
            return try folder.writeAudio("nan.wav", signal, encoding: .wavFloat)
        }, expected: .transcribed(events: 4, warning: "samples were NaN, infinite or over 120 dB above full scale")),
        // At 8 kHz the 64 ms window smears attacks: two sounds of two events each can look like a compound and
        // gain a second event (a known limitation; see the README).
        Case(name: "8 kHz", make: { try $0.writeAudio("low.wav", tone(1.2, rate: 8_000), encoding: .wav16, sampleRate: 8_000) },
             expected: .transcribedAtLeast(events: 4)),
        Case(name: "192 kHz", make: { try $0.writeAudio("high.wav", tone(1.2, rate: 192_000), encoding: .wav16, sampleRate: 192_000) },
             expected: .transcribed(events: 4, warning: nil)),
        Case(name: "8 channels", make: { try $0.writeAudio("eight.wav", tone(1.2).flatMap { [Float](repeating: $0, count: 8) },
                                                           encoding: .wav16, channels: 8) },
             expected: .transcribed(events: 4, warning: nil)),
        Case(name: "header claiming 10 hours", make: { folder in
            let samples = tone(1.2).map { Int16($0 * 30_000) }
            try wav(samples, declaredBytes: 44_100 * 2 * 36_000).write(to: folder.url.appendingPathComponent("liar.wav"))
            return folder.path("liar.wav")
        }, expected: .transcribed(events: 4, warning: nil)),
    ]

    @Test(arguments: cases)
    func transcribeGivesAResultOrOneLine(_ item: Case) throws {
        let folder = TemporaryFolder()
        let input = try item.make(folder)
        let output = folder.path("out.mid")
        let before = FileManager.default.contents(atPath: input)
        let result = try runSoundSort(["transcribe", input, "-o", output])
        switch item.expected {
        case let .refused(problem):
            #expect(result.status == 1)
            #expect(result.standardError == "soundsort: \(input): \(problem)\n")
            #expect(!FileManager.default.fileExists(atPath: output))
        case let .transcribed(events, warning):
            #expect(result.status == 0, "\(result.standardError)")
            let notes = try MIDIFile(path: output).notes.notes
            if let events { #expect(notes.count == events) }
            if let warning { #expect(result.standardError.contains(warning)) } else { #expect(result.standardError.isEmpty) }
        case let .transcribedAtLeast(events):
            #expect(result.status == 0, "\(result.standardError)")
            #expect(try MIDIFile(path: output).notes.notes.count >= events)
        }
        #expect(FileManager.default.contents(atPath: input) == before)
        // No temporary file is left beside the output.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).allSatisfy { !$0.hasSuffix(".tmp") })
    }
}
