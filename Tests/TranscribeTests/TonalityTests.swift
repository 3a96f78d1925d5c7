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
