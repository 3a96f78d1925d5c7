import Foundation
import SoundSortCore
import Testing
import TestSupport
@testable import Transcribe

/// A sound is tonal when its events are mostly pitched, whatever its attack, and its note is their pitch.
@Suite struct TonalityTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("corpus/cases")

    static func midi(_ hz: Double) -> Double { 69 + 12 * log2(hz / 440) }

    @Test(arguments: ["electronic-clip", "chords-over-drums", "band-mix", "jazz-trio", "real-kit-fast"])
    func noPercussiveSoundIsMostlyPitchedAndNoTonalSoundMostlyUnpitched(name: String) throws {
        let transcription = try Transcriber().transcribe(path: Self.corpus.appendingPathComponent("\(name).flac").path)
        for sound in transcription.sounds {
            let events = transcription.events.filter { $0.sound == sound.id }
            let pitched = events.compactMap(\.pitchHz)
            if sound.kind == .tonal {
                #expect(2 * pitched.count >= events.count, "\(sound.name): \(pitched.count) of \(events.count) events pitched")
                let median = pitched.map(Self.midi).sorted()[pitched.count / 2]
                #expect(abs(Double(sound.midiNote) - median) <= 0.5, "\(sound.name) at \(sound.midiNote), its events at \(median)")
                #expect(sound.drumClass == nil)
            } else {
                #expect(2 * pitched.count < events.count, "\(sound.name): \(pitched.count) of \(events.count) events pitched")
                #expect(sound.drumClass != nil)
            }
        }
    }

    /// The demo's pluck (E5) and brass stab (E4) have fairly clear pitches that agree from note to note: they are
    /// tonal at their pitch, not drums at notes 36 and 38.
    @Test func thePluckAndTheBrassStabOfTheDemoKeepTheirPitch() throws {
        let transcription = try Transcriber().transcribe(path: Self.corpus.appendingPathComponent("electronic-clip.flac").path)
        let tonalNotes = Set(transcription.sounds.filter { $0.kind == .tonal }.map(\.midiNote))
        #expect(tonalNotes.isSuperset(of: [76, 64]), "tonal notes \(tonalNotes.sorted())")
    }

    @Test func aBowedNoteWhoseAttackOvershootsIsTonal() throws {
        // A C4 bowed in a burst of bow noise, twice: its partials fall 15 dB from 40 to 100 ms after the onset (as a
        // snare's head does), then come back to 4 dB under the attack by 180 ms and hold. It is a note, not a drum's body.
        let rate = 44_100.0
        var signal = Synth.silence(duration: 4, sampleRate: rate)
        for onset in [0.5, 2.5] {
            let start = Int(onset * rate)
            for n in 0..<Int(1.5 * rate) {
                let t = Double(n) / rate
                let level: Double
                switch t {
                case ..<0.005: level = t / 0.005
                case ..<0.04: level = 1
                case ..<0.1: level = pow(10, -15 / 20 * (t - 0.04) / 0.06)
                case ..<0.13: level = pow(10, -15.0 / 20)
                case ..<0.18: level = pow(10, (-15 + 11 * (t - 0.13) / 0.05) / 20)
                default: level = pow(10, -4.0 / 20) * min(1, (1.5 - t) / 0.01)
                }
                var value = 0.0
                for (h, weight) in [1, 0.6, 0.45, 0.35, 0.25, 0.2].enumerated() { value += weight * sin(2 * .pi * 261.63 * Double(h + 1) * t) }
                signal[start + n] += Float(0.25 * level * value)
            }
        }
        Synth.addHat(to: &signal, onsets: [0.5, 2.5], amplitude: 0.2, decay: 0.06)
        let transcription = try Transcriber().transcribe(samples: signal, sampleRate: rate)
        let tonal = transcription.sounds.filter { $0.kind == .tonal }.map(\.midiNote)
        #expect(tonal.contains(60), "\(transcription.sounds.map(\.name))")
        let atC4 = transcription.events.filter { event in transcription.sounds[event.sound].midiNote == 60 && transcription.sounds[event.sound].kind == .tonal }
        #expect(atC4.count == 2, "\(transcription.events.map { (transcription.sounds[$0.sound].name, $0.onset) })")
    }

    @Test func aDecayingPluckIsTonalAtItsPitch() throws {
        // Short plucks (40 ms decay) of one pitch: whatever their sharp attack, one tonal sound at that pitch.
        var signal = Synth.silence(duration: 4, sampleRate: 44_100)
        Synth.addTone(to: &signal, frequency: 659.26, onsets: [0.3, 1.1, 1.9, 2.7], length: 0.4, harmonics: [1, 0.7, 0.5, 0.3, 0.2],
                      decayPerSecond: 25)
        Synth.addClicks(to: &signal, onsets: [0.3, 1.1, 1.9, 2.7], amplitude: 0.2, length: 0.005)
        let transcription = try Transcriber().transcribe(samples: signal, sampleRate: 44_100)
        try #require(transcription.sounds.count == 1, "\(transcription.sounds.map(\.name))")
        #expect(transcription.sounds[0].kind == .tonal)
        #expect(transcription.sounds[0].midiNote == 76)
    }
}
