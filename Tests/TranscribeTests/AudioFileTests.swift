import Foundation
import Testing
import TestSupport
@testable import Transcribe

struct AudioFormatCase: CustomTestStringConvertible, Sendable {
    var encoding: AudioEncoding
    var sampleRate: Int
    /// Lossy encoders pad or trim a little at the ends.
    var durationTolerance: Double
    var testDescription: String { "\(encoding.rawValue) at \(sampleRate) Hz" }
}

@Suite struct AudioFileTests {
    static let formats: [AudioFormatCase] = [
        .init(encoding: .wav16, sampleRate: 44_100, durationTolerance: 1e-9),
        .init(encoding: .wavFloat, sampleRate: 22_050, durationTolerance: 1e-9),
        .init(encoding: .aiff16, sampleRate: 48_000, durationTolerance: 1e-9),
        .init(encoding: .flac16, sampleRate: 44_100, durationTolerance: 1e-9),
        .init(encoding: .oggVorbis, sampleRate: 44_100, durationTolerance: 0.01),
        .init(encoding: .opus, sampleRate: 48_000, durationTolerance: 0.03),
        .init(encoding: .mp3, sampleRate: 44_100, durationTolerance: 0.06),
    ]

    @Test(arguments: formats)
    func readsWhatLibsndfileWrote(_ format: AudioFormatCase) throws {
        let folder = TemporaryFolder()
        let frequency = 1_000.0
        let duration = 1.0
        let sine = Synth.sine(frequency: frequency, duration: duration, sampleRate: Double(format.sampleRate))
        // Stereo with the sine on both channels: the mono mix is the sine again.
        let stereo = sine.flatMap { [$0, $0] }
        let path = try folder.writeAudio("sine.\(format.encoding.fileExtension)", stereo, encoding: format.encoding,
                                         sampleRate: format.sampleRate, channels: 2)

        let audio = try AudioFile(path: path)
        #expect(audio.sampleRate == Double(format.sampleRate))
        #expect(audio.channelCount == 2)
        let mono = try audio.readAllMono()
        #expect(abs(Double(mono.count) / audio.sampleRate - duration) <= format.durationTolerance)

        // The strongest bin of a 1-second FFT lies at the sine's frequency (1 Hz resolution).
        let size = 32_768
        let fft = try RealFFT(size: size)
        var frame = [Float](repeating: 0, count: size)
        for i in 0..<min(size, mono.count) { frame[i] = mono[i] }
        var power = [Float](repeating: 0, count: fft.binCount)
        frame.withUnsafeBufferPointer { input in power.withUnsafeMutableBufferPointer { fft.powerSpectrum(input, into: $0) } }
        let peakBin = power.indices.max { power[$0] < power[$1] }!
        let peakFrequency = Double(peakBin) * audio.sampleRate / Double(size)
        #expect(abs(peakFrequency - frequency) < 2 * audio.sampleRate / Double(size))
    }

    @Test func reportsContainerAndEncoding() throws {
        let folder = TemporaryFolder()
        let path = try folder.writeAudio("a.flac", Synth.sine(frequency: 440, duration: 0.1), encoding: .flac16)
        let audio = try AudioFile(path: path)
        #expect(audio.containerName.hasPrefix("FLAC"))
        #expect(audio.encodingName.contains("16 bit"))
        #expect(audio.declaredFrameCount == 4_410)
    }

    @Test func missingFileNamesTheFile() {
        #expect(throws: TranscribeError.cannotOpen(path: "/nonexistent/x.wav", reason: "no such file")) {
            try AudioFile(path: "/nonexistent/x.wav")
        }
    }

    @Test func textFileCarriesLibsndfilesMessage() throws {
        let folder = TemporaryFolder()
        let path = folder.path("notes.wav")
        try Data("hello, this is not audio\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: TranscribeError.cannotOpen(path: path, reason: "Format not recognised.")) { try AudioFile(path: path) }
    }

    @Test func nonFiniteSamplesReadAsThePreviousSample() throws {
        let folder = TemporaryFolder()
        let path = try folder.writeAudio("nan.wav", [0.5, .nan, .infinity, -0.5], encoding: .wavFloat)
        let audio = try AudioFile(path: path)
        // Holding the last valid value does not put a click into a tone, as zero would.
        #expect(try audio.readAllMono() == [0.5, 0.5, 0.5, -0.5])
        #expect(audio.invalidSampleCount == 2)
    }

    /// Up to 2²⁰ (120 dB over full scale) a float sample is kept, however loud; beyond, it is broken data.
    @Test func samplesFarBeyondFullScaleReadAsThePreviousSample() throws {
        let folder = TemporaryFolder()
        let path = try folder.writeAudio("huge.wav", [0.5, 2, -1_048_576, 1_048_577, 3e38, -1e30, -0.5], encoding: .wavFloat)
        let audio = try AudioFile(path: path)
        #expect(try audio.readAllMono() == [0.5, 2, -1_048_576, -1_048_576, -1_048_576, -1_048_576, -0.5])
        #expect(audio.invalidSampleCount == 3)
    }

    @Test func readsEveryChannelInterleaved() throws {
        let folder = TemporaryFolder()
        let path = try folder.writeAudio("three.wav", [0.25, -0.5, 0.75, 0.5, .nan, -0.25], encoding: .wavFloat, channels: 3)
        let audio = try AudioFile(path: path)
        var frames: [Float] = []
        #expect(try audio.read(maxFrames: 10, appendingTo: &frames) == 2)
        // The NaN stands for its own channel's previous sample, not another channel's.
        #expect(frames == [0.25, -0.5, 0.75, 0.5, -0.5, -0.25])
        #expect(try audio.read(maxFrames: 10, appendingTo: &frames) == 0)
        #expect(audio.invalidSampleCount == 1)
    }

    /// libsndfile keeps a failed open's error in one global: opens from many threads at once must each report
    /// their own file's problem, never another thread's.
    @Test func parallelFailedOpensEachReportTheirOwnError() async throws {
        let folder = TemporaryFolder()
        let text = folder.path("text.wav"), header = folder.path("header.wav")
        try Data("this is text, not audio\n".utf8).write(to: URL(fileURLWithPath: text))
        // A RIFF/WAVE header with a format chunk and no data chunk.
        try Data([UInt8]("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WAVEfmt ".utf8) + [0x10, 0, 0, 0, 1, 0, 1, 0])
            .write(to: URL(fileURLWithPath: header))
        let expected = [text: "Format not recognised.", header: "Error in WAV file. No 'data' chunk marker."]
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for round in 0..<400 {
                        let path = (task + round) % 2 == 0 ? text : header
                        do {
                            _ = try AudioFile(path: path)
                            wrong += 1
                        } catch {
                            if error as? TranscribeError != .cannotOpen(path: path, reason: expected[path]!) { wrong += 1 }
                        }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }

    @Test func writerRefusesAnImpossibleFormat() {
        #expect(throws: TranscribeError.self) {
            try AudioFileWriter(path: "/tmp/never.ogg", encoding: .opus, sampleRate: 44_100)
        }
    }
}
