import Foundation
import SoundSortCore
import Testing
import TestSupport
@testable import Transcribe

@Suite struct InstrumentTests {
    static let rate = 44_100.0
    /// Two harmonic envelopes: one falling by harmonic, one with strong odd harmonics and no even ones.
    static let mellow: [Float] = [1, 0.5, 0.25, 0.12, 0.06]
    static let hollow: [Float] = [0.4, 0, 1, 0, 0.8, 0, 0.6, 0, 0.4]
    static let pitches = [220.0, 293.66, 392.0]

    /// Each timbre at each pitch, four times, in an order that mixes them.
    func twoInstrumentsAtThreePitches() -> [Float] {
        var signal = Synth.silence(duration: 24 * 0.4 + 0.5)
        var slot = 0
        for round in 0..<4 {
            for pitch in Self.pitches.indices {
                for (timbre, harmonics) in [Self.mellow, Self.hollow].enumerated() {
                    let frequency = Self.pitches[(pitch + round + timbre) % Self.pitches.count]
                    Synth.addTone(to: &signal, frequency: frequency, onsets: [0.2 + Double(slot) * 0.4], length: 0.35, harmonics: harmonics)
                    slot += 1
                }
            }
        }
        return signal
    }

    @Test func twoTimbresAtThreePitchesAreSixSoundsInTwoBlocks() throws {
        let transcription = try Transcriber().transcribe(samples: twoInstrumentsAtThreePitches(), sampleRate: Self.rate)
        try #require(transcription.sounds.count == 6)
        #expect(transcription.sounds.allSatisfy { $0.kind == .tonal })
        // Each instrument's three sounds are adjacent and go low to high; the two blocks are two instruments.
        let instruments = transcription.sounds.map(\.instrument)
        #expect(instruments == [0, 0, 0, 1, 1, 1])
        for block in [0..<3, 3..<6] {
            #expect(transcription.sounds[block].map(\.midiNote) == [57, 62, 67])
        }
        // And each block holds one timbre: every event of a block's sounds came from the same envelope.
        let slotsOfBlock = { (block: Range<Int>) in
            Set(transcription.events.filter { block.contains($0.sound) }.map { Int((($0.onset - 0.2) / 0.4).rounded()) % 2 })
        }
        #expect(slotsOfBlock(0..<3).count == 1)
        #expect(slotsOfBlock(3..<6).count == 1)
        #expect(slotsOfBlock(0..<3) != slotsOfBlock(3..<6))
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
        // A tone in the first seconds and the last, other sounds between: the tone is one sound across the song.
        let duration = 300.0
        var signal = Synth.silence(duration: duration)
        let returning = [1.0, 2.0, 3.0, duration - 3, duration - 2]
        Synth.addTone(to: &signal, frequency: 330, onsets: returning, length: 0.4, harmonics: Self.hollow)
        let between = stride(from: 10.0, to: duration - 10, by: 1.5).map { $0 }
        Synth.addTone(to: &signal, frequency: 196, onsets: between.enumerated().filter { $0.offset % 2 == 0 }.map(\.element),
                      length: 0.4, harmonics: Self.mellow)
        Synth.addClicks(to: &signal, onsets: between.enumerated().filter { $0.offset % 2 == 1 }.map(\.element))
        let transcription = try Transcriber().transcribe(samples: signal, sampleRate: Self.rate)
        let soundsOfReturning = Set(transcription.events.filter { event in returning.contains { abs($0 - event.onset) < 0.02 } }.map(\.sound))
        #expect(soundsOfReturning.count == 1)
        #expect(transcription.events.count { event in returning.contains { abs($0 - event.onset) < 0.02 } } == returning.count)
        // The answer for the start does not change because the song around it got longer: the same opening alone
        // gives the same sounds.
        let opening = Array(signal.prefix(Int(5 * Self.rate)))
        let alone = try Transcriber().transcribe(samples: opening, sampleRate: Self.rate)
        #expect(alone.events.map(\.onset) == transcription.events.filter { $0.onset < 5 }.map(\.onset))
        #expect(alone.sounds.count == 1)
    }

    @Test func wrongInstrumentThresholdIsRefused() {
        var settings = TranscriptionSettings()
        settings.instrumentThreshold = 0
        #expect(throws: TranscribeError.self) { try Transcriber(settings: settings) }
    }
}
