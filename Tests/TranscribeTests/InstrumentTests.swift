import Foundation
import SoundSortCore
import Testing
import TestSupport
@testable import Transcribe

@Suite struct InstrumentTests {
    static let rate = 44_100.0
    /// Two harmonic envelopes, for the timbre-distance test: one falling by harmonic, one with strong odd harmonics.
    static let mellow: [Float] = [1, 0.5, 0.25, 0.12, 0.06]
    static let hollow: [Float] = [0.4, 0, 1, 0, 0.8, 0, 0.6, 0, 0.4]

    /// The planned note each event of `transcription` stands for (the nearest onset).
    func plannedNotes(of transcription: Transcription, in song: TestSong) -> [PlannedNote] {
        transcription.events.map { event in song.notes.min { abs($0.onset - event.onset) < abs($1.onset - event.onset) }! }
    }

    @Test func twoTimbresAtThreePitchesAreSixSoundsInTwoBlocks() throws {
        let song = Synth.twoTimbresAtSamePitches()
        let transcription = try Transcriber().transcribe(samples: song.signal, sampleRate: song.sampleRate)
        try #require(transcription.sounds.count == song.soundCount)
        #expect(transcription.sounds.allSatisfy { $0.kind == .tonal })
        // Each instrument's three sounds are adjacent and go low to high; the two blocks are two instruments.
        #expect(transcription.sounds.map(\.instrument) == [0, 0, 0, 1, 1, 1])
        for block in [0..<3, 3..<6] { #expect(transcription.sounds[block].map(\.midiNote) == [57, 61, 64]) }
        // And each block holds one timbre (planned sounds 0–2 are the first timbre, 3–5 the second).
        let planned = plannedNotes(of: transcription, in: song)
        let timbresOfBlock = { (block: Range<Int>) in
            Set(transcription.events.indices.filter { block.contains(transcription.events[$0].sound) }.map { planned[$0].sound / 3 })
        }
        #expect(timbresOfBlock(0..<3).count == 1)
        #expect(timbresOfBlock(3..<6).count == 1)
        #expect(timbresOfBlock(0..<3) != timbresOfBlock(3..<6))
    }

    @Test func pitchRelativeTimbreIsTheSameAnOctaveUp() throws {
        // One harmonic envelope an octave apart reads alike; another envelope at the same pitch does not.
        let analyzer = try FrameAnalyzer(sampleRate: Self.rate, settings: SpectrogramSettings())
        let envelope = HarmonicEnvelope(bandCentres: analyzer.filterbank.centerFrequencies)
        func timbre(_ frequency: Double, _ harmonics: [Float]) throws -> AttackPatch {
            var signal = Synth.silence(duration: 1)
            Synth.addTone(to: &signal, frequency: frequency, onsets: [0.2], length: 0.5, harmonics: harmonics)
            var events = [DetectedEvent(onset: 0.2, end: 0.7, startFrame: Int(0.2 / analyzer.frameDuration),
                                        endFrame: Int(0.7 / analyzer.frameDuration), level: 0)]
            let spectrogram = try Spectrogram(samples: signal, sampleRate: Self.rate)
            let features = try FeatureExtractor.features(of: &events, spectrogram: spectrogram, samples: signal)
            return envelope.of(features[0].patch, pitchHz: frequency)
        }
        let low = try timbre(220, Self.mellow), high = try timbre(440, Self.mellow), other = try timbre(220, Self.hollow)
        let sameInstrument = try #require(low.meanAbsoluteDifference(high))
        let otherInstrument = try #require(low.meanAbsoluteDifference(other))
        #expect(sameInstrument < 2)
        #expect(otherInstrument > 10)
    }

    @Test func aSoundAtTheStartAndEndOfFiveMinutesIsOneSound() throws {
        // A tone in the first ten seconds and the last, other sounds between: the tone is one sound across the song.
        let song = Synth.returningSound()
        let transcription = try Transcriber().transcribe(samples: song.signal, sampleRate: song.sampleRate)
        let planned = plannedNotes(of: transcription, in: song)
        let returning = song.notes.filter { $0.sound == 0 }
        let soundsOfReturning = Set(transcription.events.indices.filter { index in
            planned[index].sound == 0 && abs(planned[index].onset - transcription.events[index].onset) < 0.02
        }.map { transcription.events[$0].sound })
        #expect(soundsOfReturning.count == 1)
        #expect(transcription.events.indices.count { planned[$0].sound == 0 } >= returning.count)
        // The answer for the start does not change because the song around it got longer: the first ten seconds
        // alone give the same onsets, and the returning tone one sound.
        let opening = Array(song.signal.prefix(Int(10 * song.sampleRate)))
        let alone = try Transcriber().transcribe(samples: opening, sampleRate: song.sampleRate)
        #expect(alone.events.map(\.onset) == transcription.events.filter { $0.onset < 10 }.map(\.onset))
        let aloneReturning = Set(alone.events.filter { event in returning.contains { abs($0.onset - event.onset) < 0.02 } }.map(\.sound))
        #expect(aloneReturning.count == 1)
    }

    @Test func wrongInstrumentThresholdIsRefused() {
        var settings = TranscriptionSettings()
        settings.instrumentThreshold = 0
        #expect(throws: TranscribeError.self) { try Transcriber(settings: settings) }
    }
}
