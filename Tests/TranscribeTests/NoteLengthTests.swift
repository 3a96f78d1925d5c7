import Foundation
import SoundSortCore
import Testing
import TestSupport
@testable import Transcribe

/// A note lasts as long as its own sound does, not until the next onset.
@Suite struct NoteLengthTests {
    static let rate = 44_100.0

    @Test func aShortHitBeforeSilenceIsShortAndALongToneIsLong() throws {
        // A hat that dies in about 30 ms, a second of silence, then a tone held for two seconds.
        var signal = Synth.silence(duration: 4, sampleRate: Self.rate)
        Synth.addHat(to: &signal, onsets: [0.3])
        Synth.addTone(to: &signal, frequency: 330, onsets: [1.3], length: 2, decayPerSecond: 0.2)
        let transcription = try Transcriber().transcribe(samples: signal, sampleRate: Self.rate)
        try #require(transcription.events.count == 2)
        let (hit, tone) = (transcription.events[0], transcription.events[1])
        #expect(hit.duration < 0.2, "the hat lasts \(hit.duration) s")
        #expect(abs(tone.duration - 2) < 0.15, "the tone lasts \(tone.duration) s")
    }

    @Test func hatsOverAHeldChordAreShortAndTheChordIsHeld() throws {
        // Sixteen hats, one every 0.25 s, over a tone held for four seconds: each hat ends long before the next.
        var signal = Synth.silence(duration: 5, sampleRate: Self.rate)
        let hats = (0..<16).map { 0.5 + Double($0) * 0.25 }
        Synth.addTone(to: &signal, frequency: 220, onsets: [0.3], length: 4.2, amplitude: 0.2, decayPerSecond: 0.1)
        Synth.addHat(to: &signal, onsets: hats)
        let transcription = try Transcriber().transcribe(samples: signal, sampleRate: Self.rate)
        let tone = transcription.events.filter { transcription.sounds[$0.sound].kind == .tonal }
        let hits = transcription.events.filter { transcription.sounds[$0.sound].kind == .percussive }
        #expect(hits.count == hats.count)
        #expect(hits.allSatisfy { $0.duration < 0.2 }, "\(hits.map(\.duration))")  // 40 dB of a 30 ms decay: 0.14 s.
        try #require(tone.count == 1)
        #expect(abs(tone[0].duration - 4.2) < 0.2, "the tone lasts \(tone[0].duration) s")
    }

    @Test func aRepeatedNoteEndsAtItsNextOnsetAtTheLatest() throws {
        // A slowly decaying tone struck again before it died: the first note is cut at the second.
        var signal = Synth.silence(duration: 3, sampleRate: Self.rate)
        Synth.addTone(to: &signal, frequency: 440, onsets: [0.3, 1.0], length: 1.5, decayPerSecond: 0.3)
        let transcription = try Transcriber().transcribe(samples: signal, sampleRate: Self.rate)
        try #require(transcription.events.count == 2)
        #expect(transcription.events[0].offset <= transcription.events[1].onset + 1e-9)
        #expect(transcription.events[0].duration > 0.6)
    }
}
