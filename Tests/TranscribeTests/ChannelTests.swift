import Foundation
import SoundSortCore
import Testing
import TestSupport
@testable import Transcribe

/// Channels are combined by power: no phase relation between them can cancel a sound, and a file whose channels
/// carry the same sound in any polarity transcribes like that sound alone.
@Suite struct ChannelTests {
    static let rate = 44_100.0

    /// Tones of two timbres and clicks: a few sounds, with pitch and drums.
    static let song: [Float] = {
        var signal = Synth.silence(duration: 3)
        Synth.addTone(to: &signal, frequency: 440, onsets: [0.2, 1.4], length: 0.4)
        Synth.addTone(to: &signal, frequency: 261.63, onsets: [0.8, 2.0], length: 0.4, harmonics: [0.3, 1, 0.6, 0.4, 0.3])
        Synth.addClicks(to: &signal, onsets: [0.5, 1.1, 1.7, 2.4])
        return signal
    }()

    /// Interleaves channels of equal length.
    static func interleave(_ channels: [[Float]]) -> [Float] {
        (0..<channels[0].count).flatMap { frame in channels.map { $0[frame] } }
    }

    static func transcribe(_ channels: [[Float]]) throws -> Transcription {
        try Transcriber().transcribe(samples: interleave(channels), sampleRate: rate, channelCount: channels.count)
    }

    struct Layout: CustomTestStringConvertible, Sendable {
        var name: String
        /// The polarity of each channel.
        var polarities: [Float]
        var testDescription: String { name }
    }

    @Test(arguments: [
        Layout(name: "right = −left", polarities: [1, -1]),
        Layout(name: "dual mono", polarities: [1, 1]),
        Layout(name: "8 channels, half inverted", polarities: [1, -1, 1, -1, -1, 1, 1, -1]),
        Layout(name: "1 channel, inverted", polarities: [-1]),
    ])
    func theSameSoundInEveryChannelIsThatSound(_ layout: Layout) throws {
        let mono = try Transcriber().transcribe(samples: Self.song, sampleRate: Self.rate)
        let channels = layout.polarities.map { polarity in Self.song.map { $0 * polarity } }
        let transcription = try Self.transcribe(channels)
        #expect(mono.events.count >= 8)
        // Combining by power makes any polarity the same; summing eight equal powers may round in the last bit.
        Self.expectSame(transcription, mono)
    }

    /// The same events and sounds, pitches within a millionth.
    static func expectSame(_ a: Transcription, _ b: Transcription, sourceLocation: SourceLocation = #_sourceLocation) {
        func close(_ x: Double?, _ y: Double?) -> Bool { x == y || (x != nil && y != nil && abs(x! / y! - 1) < 1e-6) }
        #expect(a.events.count == b.events.count, sourceLocation: sourceLocation)
        for (x, y) in zip(a.events, b.events) {
            #expect(x.onset == y.onset && x.duration == y.duration && x.sound == y.sound && x.velocity == y.velocity && close(x.pitchHz, y.pitchHz),
                    "\(x) ≠ \(y)", sourceLocation: sourceLocation)
        }
        #expect(a.sounds.map(\.name) == b.sounds.map(\.name), sourceLocation: sourceLocation)
        #expect(a.sounds.map(\.midiNote) == b.sounds.map(\.midiNote), sourceLocation: sourceLocation)
    }

    @Test func aSoundInOneChannelOnlyIsFound() throws {
        // The tone only on the left, the clicks only on the right: both are heard.
        var tone = Synth.silence(duration: 2), clicks = Synth.silence(duration: 2)
        Synth.addTone(to: &tone, frequency: 440, onsets: [0.2, 1.0], length: 0.4)
        Synth.addClicks(to: &clicks, onsets: [0.6, 1.5])
        let transcription = try Self.transcribe([tone, clicks])
        #expect(transcription.events.map { ($0.onset * 100).rounded() / 100 } == [0.2, 0.6, 1.0, 1.5])
        #expect(transcription.sounds.count == 2)
    }

    @Test func oneFrameOfStereoIsNoEventsNotACrash() throws {
        let transcription = try Transcriber().transcribe(samples: [0.5, -0.5], sampleRate: Self.rate, channelCount: 2)
        #expect(transcription.events.isEmpty)
        #expect(transcription.duration == 1 / Self.rate)
    }

    @Test func theLevelOfOppositeChannelsIsTheLevelOfOne() throws {
        let mono = try Transcriber().transcribe(samples: Self.song, sampleRate: Self.rate)
        let quieter = try Self.transcribe([Self.song.map { $0 * 0.5 }, Self.song.map { $0 * -0.5 }])
        // Velocities are relative to the loudest event, so halving every channel changes none of them.
        #expect(quieter.events.map(\.velocity) == mono.events.map(\.velocity))
    }

    struct WrongSource: CustomTestStringConvertible, Sendable {
        var name: String
        var samples: [Float]
        var sampleRate: Double
        var channelCount: Int
        var setting: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        WrongSource(name: "no channel", samples: [0, 0], sampleRate: 44_100, channelCount: 0, setting: "channel count"),
        WrongSource(name: "2000 channels", samples: [0, 0], sampleRate: 44_100, channelCount: 2_000, setting: "channel count"),
        WrongSource(name: "3 values of stereo", samples: [0, 0, 0], sampleRate: 44_100, channelCount: 2, setting: "samples"),
        WrongSource(name: "rate 0", samples: [0], sampleRate: 0, channelCount: 1, setting: "sample rate"),
        WrongSource(name: "rate NaN", samples: [0], sampleRate: .nan, channelCount: 1, setting: "sample rate"),
        WrongSource(name: "rate 10 MHz", samples: [0], sampleRate: 1e7, channelCount: 1, setting: "sample rate"),
    ])
    func aSourceWithWrongParametersIsRefused(_ wrong: WrongSource) {
        #expect {
            try ArraySampleSource(samples: wrong.samples, sampleRate: wrong.sampleRate, channelCount: wrong.channelCount)
        } throws: { error in
            guard case let .invalidParameter(name, _, _) = error as? TranscribeError else { return false }
            return name == wrong.setting
        }
    }
}
