import Foundation
import SoundSortCore
import Testing
import TestSupport
@testable import Transcribe

/// The resampler that brings every file to the analysis rate, and what it buys: the same music at any sample rate
/// is the same transcription.
@Suite struct ResamplerTests {
    static func resample(_ samples: [Float], from rate: Double, to outputRate: Int = 44_100, channels: Int = 1,
                         block: Int = 65_536) throws -> [Float] {
        let resampled = try ResampledSource(ArraySampleSource(samples: samples, sampleRate: rate, channelCount: channels), outputRate: outputRate)
        var output: [Float] = []
        while try resampled.read(maxFrames: block, appendingTo: &output) > 0 {}
        return output
    }

    @Test(arguments: [(48_000.0, 48_000), (96_000.0, 12_345), (8_000.0, 8_000), (22_050.0, 1), (192_000.0, 3), (44_099.0, 5_000)])
    func outputsEveryPositionWithinTheInput(rate: Double, frames: Int) throws {
        let output = try Self.resample([Float](repeating: 0.1, count: frames), from: rate)
        #expect(output.count == (frames * 44_100 + Int(rate) - 1) / Int(rate))
    }

    @Test(arguments: [48_000.0, 8_000, 44_099])
    func aConstantStaysConstant(rate: Double) throws {
        // Stereo, two levels: the edges stand for the first and last frames, so nothing rings.
        let frames = Int(rate / 4)
        let output = try Self.resample((0..<frames).flatMap { _ in [Float(0.25), -0.5] }, from: rate, channels: 2)
        #expect(output.count % 2 == 0)
        #expect(output.enumerated().allSatisfy { abs($0.element - ($0.offset % 2 == 0 ? 0.25 : -0.5)) < 1e-5 })
    }

    @Test(arguments: [(48_000.0, 1_000.0), (96_000.0, 5_000.0), (8_000.0, 440.0), (22_050.0, 8_000.0)])
    func aSineIsTheSameSineAtTheNewRate(rate: Double, frequency: Double) throws {
        let input = Synth.sine(frequency: frequency, duration: 0.5, sampleRate: rate)
        let output = try Self.resample(input, from: rate)
        let ideal = Synth.sine(frequency: frequency, duration: 0.5, sampleRate: 44_100)
        // Away from the ends, within −66 dB of the ideal sine up to three quarters of the lower Nyquist frequency (the
        // passband, flat to 0.05 dB, reaches 94 % of it: 20.7 kHz at 44.1 kHz).
        let middle = 1_000..<(min(output.count, ideal.count) - 1_000)
        let worst = middle.map { abs(output[$0] - ideal[$0]) }.max() ?? 1
        #expect(worst < 5e-4, "largest error \(worst)")
    }

    @Test func blocksOfAnySizeAndARewindGiveTheSameFrames() throws {
        var signal = Synth.silence(duration: 1, sampleRate: 48_000)
        Synth.addTone(to: &signal, frequency: 330, onsets: [0.1, 0.6], length: 0.3, sampleRate: 48_000)
        let stereo = signal.flatMap { [$0, -$0 * 0.5] }
        let whole = try Self.resample(stereo, from: 48_000, channels: 2)
        for block in [1, 7, 1_000, 16_384] { #expect(try Self.resample(stereo, from: 48_000, channels: 2, block: block) == whole) }
        let source = try ResampledSource(ArraySampleSource(samples: stereo, sampleRate: 48_000, channelCount: 2), outputRate: 44_100)
        var first: [Float] = [], second: [Float] = []
        while try source.read(maxFrames: 999, appendingTo: &first) > 0 {}
        try source.rewind()
        while try source.read(maxFrames: 5_000, appendingTo: &second) > 0 {}
        #expect(first == whole && second == whole)
        #expect(source.inputFrameCount == signal.count)
        // Each channel is resampled alone: the right is the left times −½ (to rounding).
        for frame in 0..<(whole.count / 2) { #expect(abs(whole[2 * frame + 1] + whole[2 * frame] / 2) < 1e-6) }
    }

    @Test func wrongRatesAreRefused() throws {
        let source = try ArraySampleSource(samples: [0, 0], sampleRate: 48_000)
        #expect(throws: TranscribeError.invalidParameter(name: "sample rate", value: "0.0 Hz", allowed: "1000…1000000 Hz")) {
            try ResampledSource(source, outputRate: 0)
        }
        #expect(try Transcriber.analysisSource(source) is ResampledSource)
        let atRate = try ArraySampleSource(samples: [0, 0], sampleRate: 44_100)
        #expect(try Transcriber.analysisSource(atRate) === atRate)
    }

    /// Tones and kicks computed from time, not from sample numbers, so every rate holds the same music.
    static func song(rate: Double) -> [Float] {
        var signal = Synth.silence(duration: 4, sampleRate: rate)
        Synth.addTone(to: &signal, frequency: 440, onsets: [0.2, 1.4, 2.6], length: 0.4, sampleRate: rate)
        Synth.addTone(to: &signal, frequency: 261.63, onsets: [0.8, 2.0, 3.2], length: 0.4, sampleRate: rate,
                      harmonics: [0.3, 1, 0.6, 0.4])
        Synth.addKick(to: &signal, onsets: [0.5, 1.1, 1.7, 2.3, 2.9, 3.5], sampleRate: rate)
        return signal
    }

    @Test(arguments: [48_000.0, 96_000, 32_000, 22_050])
    func theSameMusicAtAnotherRateIsTheSameTranscription(rate: Double) throws {
        let reference = try Transcriber().transcribe(samples: Self.song(rate: 44_100), sampleRate: 44_100)
        let other = try Transcriber().transcribe(samples: Self.song(rate: rate), sampleRate: rate)
        #expect(reference.events.count >= 12)
        #expect(other.events.count == reference.events.count)
        for (a, b) in zip(other.events, reference.events) {
            #expect(abs(a.onset - b.onset) <= 0.011)
            #expect(abs(12 * log2((a.pitchHz ?? 1) / (b.pitchHz ?? 1))) < 0.5)
        }
        if rate >= 44_100 {
            for (a, b) in zip(other.events, reference.events) { #expect(a.sound == b.sound) }
            #expect(other.sounds.map(\.midiNote) == reference.sounds.map(\.midiNote))
        } else {
            // Below 44.1 kHz the attacks lose what lay above the file's Nyquist frequency: the bound,
            // the same sounds ±1 (measured: one pitch's notes split in two at 32 and 22.05 kHz).
            #expect(abs(other.sounds.count - reference.sounds.count) <= 1)
            #expect(Set(other.sounds.map(\.midiNote)) == Set(reference.sounds.map(\.midiNote)))
        }
        #expect(other.sampleRate == rate)
        #expect(abs(other.duration - 4) < 1e-9)
    }
}
