import Foundation
import Testing
import TestSupport
@testable import Transcribe

@Suite struct OnsetPitchTests {
    func estimate(_ signal: [Float], onset: Double) throws -> PitchEstimate? {
        let estimator = try OnsetPitchEstimator(sampleRate: 44_100)
        return signal.withUnsafeBufferPointer { estimator.estimate($0, base: 0, end: $0.count, onset: Int(onset * 44_100)) }
    }

    /// From C2 (65 Hz) up; below, the 93 ms window cannot resolve the harmonics (see the README's limitations).
    @Test(arguments: [65.41, 98.0, 261.63, 440.0, 1_318.5])
    func findsTheNoteWithinAQuarterSemitone(frequency: Double) throws {
        var signal = Synth.silence(duration: 1)
        Synth.addTone(to: &signal, frequency: frequency, onsets: [0.3], length: 0.5)
        let pitch = try #require(try estimate(signal, onset: 0.3))
        #expect(abs(pitch.midiPitch - (69 + 12 * log2(frequency / 440))) < 0.25)
        #expect(pitch.confidence > 0.8)
    }

    @Test func aNoteOverASustainedBassIsTheNote() throws {
        var signal = Synth.silence(duration: 1.5)
        Synth.addTone(to: &signal, frequency: 65.41, onsets: [0.1], length: 1.3, amplitude: 0.5, decayPerSecond: 0.2)
        Synth.addTone(to: &signal, frequency: 523.25, onsets: [0.7], length: 0.4, amplitude: 0.2)
        let pitch = try #require(try estimate(signal, onset: 0.7))
        #expect(Int(pitch.midiPitch.rounded()) == 72)
    }

    @Test func aChordIsOneOfItsNotesNotTheRootBelow() throws {
        var signal = Synth.silence(duration: 1)
        for frequency in [261.63, 329.63, 392.0] { Synth.addTone(to: &signal, frequency: frequency, onsets: [0.3], length: 0.5) }
        let pitch = try #require(try estimate(signal, onset: 0.3))
        #expect([60, 64, 67].contains(Int(pitch.midiPitch.rounded())))
    }

    @Test func aPeakIsInterpolatedOnlyWhereTheMiddleValueIsALocalMaximum() {
        // At the edge of a searched range the largest value may have a larger neighbour outside it: the parabola
        // through the three would peak 25 million bins away.
        #expect(OnsetPitchEstimator.peakOffset(10, 5.000_000_1, 0) == 0)
        #expect(OnsetPitchEstimator.peakOffset(1, 2, 1) == 0)
        #expect(abs(OnsetPitchEstimator.peakOffset(1, 2, 1.5) - 1.0 / 6) < 1e-12)
        #expect(abs(OnsetPitchEstimator.peakOffset(2, 2, 0) + 0.5) < 1e-12)
    }

    @Test func noiseIsNotConfidentlyPitched() throws {
        var signal = Synth.silence(duration: 1)
        Synth.addClicks(to: &signal, onsets: [0.3], length: 0.3)
        #expect((try estimate(signal, onset: 0.3)?.confidence ?? 0) < 0.5)
    }
}

@Suite struct ChordTests {
    @Test func aTriadGivesItsThreeNotes() throws {
        var signal = Synth.silence(duration: 1)
        for frequency in [261.63, 329.63, 392.0] { Synth.addTone(to: &signal, frequency: frequency, onsets: [0.3], length: 0.5) }
        let estimator = try OnsetPitchEstimator(sampleRate: 44_100)
        let notes = try #require(signal.withUnsafeBufferPointer { estimator.chord($0, base: 0, end: $0.count, onset: Int(0.3 * 44_100)) })
        #expect(Set(notes.map { Int($0.midiPitch.rounded()) }) == [60, 64, 67])
    }

    @Test func aSingleNoteIsNoChord() throws {
        var signal = Synth.silence(duration: 1)
        Synth.addTone(to: &signal, frequency: 440, onsets: [0.3], length: 0.5)
        let estimator = try OnsetPitchEstimator(sampleRate: 44_100)
        #expect(signal.withUnsafeBufferPointer { estimator.chord($0, base: 0, end: $0.count, onset: Int(0.3 * 44_100)) } == nil)
    }

    @Test func chordsBecomeOneNotePerPitch() throws {
        // Two different triads sharing E4, each twice: the notes are sounds by pitch, E4 one sound.
        var signal = Synth.silence(duration: 4.2)
        for frequency in [261.63, 329.63, 392.0] { Synth.addTone(to: &signal, frequency: frequency, onsets: [0.2, 2.2], length: 0.8) }
        for frequency in [220.0, 261.63, 329.63] { Synth.addTone(to: &signal, frequency: frequency, onsets: [1.2, 3.2], length: 0.8) }
        let transcription = try Transcriber().transcribe(samples: signal, sampleRate: 44_100)
        #expect(transcription.events.count == 12)
        #expect(Set(transcription.sounds.map(\.midiNote)) == [57, 60, 64, 67])
    }
}
