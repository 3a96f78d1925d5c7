import Foundation
import SoundSortCore
import Testing
import TestSupport
@testable import Transcribe

@Suite struct TranscriberTests {
    static let rate = 44_100.0

    func transcribe(_ signal: [Float]) throws -> Transcription {
        try Transcriber().transcribe(samples: signal, sampleRate: Self.rate)
    }

    /// The sound of each event, renumbered by first appearance (so patterns compare regardless of track order).
    func pattern(_ transcription: Transcription) -> [Int] {
        var first: [Int: Int] = [:]
        return transcription.events.map { event in first[event.sound] ?? { first[event.sound] = first.count; return first.count - 1 }() }
    }

    @Test func pulseTrainOnsetsWithinOneHop() throws {
        let onsets = (0..<12).map { 0.25 + Double($0) * 0.37 }
        var signal = Synth.silence(duration: 5)
        Synth.addClicks(to: &signal, onsets: onsets)
        let found = try transcribe(signal).events.map(\.onset)
        try #require(found.count == onsets.count)
        for (got, want) in zip(found, onsets) { #expect(abs(got - want) <= 0.01, "onset at \(want) found at \(got)") }
    }

    @Test func threeTonesInAPattern() throws {
        // Three timbres at three pitches, in the pattern A B C A C B B A C A B C.
        let sequence = [0, 1, 2, 0, 2, 1, 1, 0, 2, 0, 1, 2]
        let tones: [(Double, [Float])] = [(440, [1, 0.5, 0.3, 0.2]), (587.33, [1, 0, 0.33, 0, 0.2]), (261.63, [0.3, 1, 0.6, 0.4, 0.3])]
        var signal = Synth.silence(duration: Double(sequence.count) * 0.4 + 0.5)
        for (index, tone) in sequence.enumerated() {
            Synth.addTone(to: &signal, frequency: tones[tone].0, onsets: [0.2 + Double(index) * 0.4], length: 0.35, harmonics: tones[tone].1)
        }
        let transcription = try transcribe(signal)
        #expect(transcription.sounds.count == 3)
        #expect(pattern(transcription) == [0, 1, 2, 0, 2, 1, 1, 0, 2, 0, 1, 2])
        #expect(transcription.sounds.allSatisfy { $0.kind == .tonal })
        #expect(Set(transcription.sounds.map(\.midiNote)) == [69, 74, 60])
    }

    @Test func semitoneApartIsAnotherSoundAndItsNeighbour() throws {
        // C4 and C#4 of one instrument, and clicks: the two tones are two sounds on adjacent tracks.
        var signal = Synth.silence(duration: 6)
        Synth.addTone(to: &signal, frequency: 261.63, onsets: [0.2, 1.4, 2.6, 3.8], length: 0.45)
        Synth.addTone(to: &signal, frequency: 277.18, onsets: [0.8, 2.0, 3.2, 4.4], length: 0.45)
        Synth.addClicks(to: &signal, onsets: [0.5, 1.7, 2.9, 4.1, 5.0])
        let transcription = try transcribe(signal)
        let tonal = transcription.sounds.filter { $0.kind == .tonal }
        #expect(tonal.map(\.midiNote).sorted() == [60, 61])
        #expect(transcription.sounds.count == 3)
        if tonal.count == 2 { #expect(abs(tonal[0].id - tonal[1].id) == 1) }
    }

    @Test func threeDecibelsQuieterIsTheSameSound() throws {
        var signal = Synth.silence(duration: 4)
        let loud: Float = 0.3, quiet = loud * Float(pow(10, -3.0 / 20))
        Synth.addTone(to: &signal, frequency: 392, onsets: [0.2, 1.4, 2.6], length: 0.5, amplitude: loud)
        Synth.addTone(to: &signal, frequency: 392, onsets: [0.8, 2.0, 3.2], length: 0.5, amplitude: quiet)
        let transcription = try transcribe(signal)
        #expect(transcription.events.count == 6)
        #expect(transcription.sounds.count == 1)
        let velocities = transcription.events.map(\.velocity)
        #expect(velocities[0] > velocities[1])  // Loudness still shows in the velocity.
    }

    @Test func clickUnderASustainedToneIsASecondEvent() throws {
        var signal = Synth.silence(duration: 3)
        Synth.addTone(to: &signal, frequency: 220, onsets: [0.2], length: 2.5, decayPerSecond: 0.3)
        Synth.addClicks(to: &signal, onsets: [1.3])
        let transcription = try transcribe(signal)
        #expect(transcription.events.count == 2)
        #expect(transcription.sounds.count == 2)
        #expect(Set(transcription.sounds.map(\.kind)) == [.tonal, .percussive])
    }

    @Test func clickAndToneTogetherAreTwoEvents() throws {
        // Clicks alone, tones alone, and both at once: the combined hits split into one event of each sound.
        var signal = Synth.silence(duration: 7)
        Synth.addClicks(to: &signal, onsets: [0.2, 1.0, 1.8, 2.6, 3.4, 4.2, 5.0, 5.8], amplitude: 0.4)
        Synth.addTone(to: &signal, frequency: 330, onsets: [0.6, 1.4, 2.2, 3.0, 3.8, 4.6, 5.4], length: 0.3)
        let together = [1.0, 2.6, 4.2, 5.8]
        Synth.addTone(to: &signal, frequency: 330, onsets: together, length: 0.3)
        let transcription = try transcribe(signal)
        #expect(transcription.sounds.count == 2)
        // A click much quieter than the tone it starts with leaves too little of the onset to split off, but over the
        // high bands the onset has the click's shape (`QuietHits.addHiddenHits`).
        for time in together {
            let there = transcription.events.filter { abs($0.onset - time) < 0.03 }
            #expect(Set(there.map(\.sound)).count == 2, "at \(time) s")
        }
    }

    @Test func silenceGivesNoEvents() throws {
        let transcription = try transcribe(Synth.silence(duration: 2))
        #expect(transcription.events.isEmpty && transcription.sounds.isEmpty)
        #expect(abs(transcription.duration - 2) < 1e-9)
    }

    @Test func sameInputSameOutput() throws {
        var signal = Synth.silence(duration: 3)
        Synth.addClicks(to: &signal, onsets: [0.3, 0.9, 1.5])
        Synth.addTone(to: &signal, frequency: 440, onsets: [0.6, 1.2, 1.8], length: 0.3)
        #expect(try transcribe(signal) == (try transcribe(signal)))
    }

    @Test(arguments: ["onsets.threshold", "mergeThreshold", "onsets.minimumGap"])
    func refusesSettingsOutOfRange(name: String) {
        var settings = TranscriptionSettings()
        switch name {
        case "onsets.threshold": settings.onsets.threshold = 0
        case "mergeThreshold": settings.mergeThreshold = 100
        default: settings.onsets.minimumGap = .nan
        }
        #expect { try Transcriber(settings: settings) } throws: { error in
            guard case let TranscribeError.invalidParameter(parameter, _, _) = error else { return false }
            return parameter == name
        }
    }
}

@Suite struct SettingsSweepTests {
    static let song = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("corpus/cases/electronic-clip.flac").path

    /// Every merge threshold a user may choose gives a consistent transcription (once, 4 and 5 crashed the
    /// compound splitter with labels left sparse by the same-pitch merge).
    @Test(arguments: [1.0, 3, 4, 5, 8, 12, 40])
    func everyMergeThresholdWorks(threshold: Double) throws {
        var settings = TranscriptionSettings()
        settings.mergeThreshold = threshold
        let transcription = try Transcriber(settings: settings).transcribe(path: Self.song)
        #expect(transcription.events.count >= 28)  // The onsets; compounds may add events.
        #expect(transcription.events.allSatisfy { transcription.sounds.indices.contains($0.sound) })
        #expect(Set(transcription.events.map(\.sound)).count == transcription.sounds.count)
        #expect(transcription.sounds.enumerated().allSatisfy { $0.offset == $0.element.id })
    }
}

@Suite struct SwellTests {
    /// A tone that swells over 400 ms, three times, after silence: flux alone misses such attacks.
    @Test func slowSwellsOutOfSilenceAreOnsets() throws {
        let rate = 44_100.0
        var signal = Synth.silence(duration: 6)
        for onset in [0.5, 2.5, 4.5] {
            let start = Int(onset * rate)
            for n in 0..<Int(1.2 * rate) {
                let t = Double(n) / rate
                let envelope = min(1, t / 0.4) * min(1, (1.2 - t) / 0.05)
                signal[start + n] = Float(0.3 * envelope * (sin(2 * .pi * 220 * t) + 0.4 * sin(2 * .pi * 440 * t)))
            }
        }
        let transcription = try Transcriber().transcribe(samples: signal, sampleRate: rate)
        #expect(transcription.events.count == 3)
        for (event, onset) in zip(transcription.events, [0.5, 2.5, 4.5]) { #expect(abs(event.onset - onset) <= 0.05) }
        #expect(transcription.sounds.count == 1)
    }

    @Test func noSwellWhereAFastOnsetIs() throws {
        // Silence, then a sudden loud frame: the fast onset marks it; the swell detector adds nothing.
        let magnitudes: [Float] = [Float](repeating: 0.001, count: 50) + [Float](repeating: 100, count: 50)
        #expect(try SwellDetector().onsets(frameMagnitude: magnitudes, fastOnsets: [50], frameDuration: 0.01).isEmpty)
        #expect(try SwellDetector().onsets(frameMagnitude: magnitudes, fastOnsets: [], frameDuration: 0.01) == [50])
    }
}
