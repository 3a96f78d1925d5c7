import Foundation
import Testing
import TestSupport

/// The song generators of `TestSupport` hold what they say: the right timbres at the right pitches, at the planned times.
@Suite struct SynthSongTests {
    /// Amplitude of the component at `frequency` Hz in `count` samples of `signal` from `start` (Hann window, in Double).
    static func amplitude(_ signal: [Float], at frequency: Double, from start: Int, count: Int, sampleRate: Double = 44_100) -> Double {
        var real = 0.0, imaginary = 0.0, windowSum = 0.0
        for n in 0..<count {
            let window = 0.5 - 0.5 * cos(2 * .pi * Double(n) / Double(count - 1))
            let phase = 2 * .pi * frequency * Double(n) / sampleRate
            real += Double(signal[start + n]) * window * cos(phase)
            imaginary -= Double(signal[start + n]) * window * sin(phase)
            windowSum += window
        }
        return 2 * (real * real + imaginary * imaginary).squareRoot() / windowSum
    }

    /// Partial h + 1's amplitude over the fundamental's, measured over 0.2 s of the note from 10 ms after its onset.
    static func partialRatios(_ song: TestSong, _ note: PlannedNote, partials: Int) -> [Double] {
        let f0 = Synth.frequency(midiNote: note.midiNote!)
        let start = Int((note.onset + 0.01) * song.sampleRate), count = Int(0.2 * song.sampleRate)
        let fundamental = amplitude(song.signal, at: f0, from: start, count: count)
        return (2...partials).map { amplitude(song.signal, at: f0 * Double($0), from: start, count: count) / fundamental }
    }

    static let timbres = Synth.twoTimbresAtSamePitches()

    @Test func twoTimbresPlayEachPitchInTurnThenAlternate() {
        let song = Self.timbres
        #expect(song.soundCount == 6)
        #expect(song.notes.count == 4 * 3 + 4 * 3 + 4 * 6)
        #expect(Dictionary(grouping: song.notes, by: \.sound).mapValues(\.count) == [0: 8, 1: 8, 2: 8, 3: 8, 4: 8, 5: 8])
        #expect(song.notes.prefix(12).allSatisfy { $0.sound < 3 } && song.notes[12..<24].allSatisfy { $0.sound >= 3 })
        #expect(song.notes.suffix(24).map(\.sound) == (0..<4).flatMap { _ in [0, 3, 1, 4, 2, 5] })
        #expect(song.notes.allSatisfy { [57, 61, 64][$0.sound % 3] == $0.midiNote })
        #expect(zip(song.notes, song.notes.dropFirst()).allSatisfy { $1.onset - $0.onset >= 0.25 })  // Never overlapping.
        #expect(song.duration >= song.notes.last!.onset + 0.25)
    }

    /// Each note's partials stand to its fundamental as its timbre says, at every pitch.
    @Test func eachNoteHasItsTimbresHarmonicEnvelope() {
        let song = Self.timbres
        for note in song.notes {
            let timbre = note.sound < 3 ? Timbre.bright : Timbre.hollow
            let ratios = Self.partialRatios(song, note, partials: 4)
            for (measured, planned) in zip(ratios, timbre.harmonics.dropFirst()) {
                #expect(abs(measured - Double(planned)) < 0.01, "sound \(note.sound) at \(note.onset) s: \(ratios)")
            }
        }
    }


    @Test func bothTimbresSitOnTheSamePitch() {
        let song = Self.timbres
        for note in song.notes {
            let f0 = Synth.frequency(midiNote: note.midiNote!)
            let start = Int((note.onset + 0.01) * song.sampleRate), count = Int(0.2 * song.sampleRate)
            let onPitch = Self.amplitude(song.signal, at: f0, from: start, count: count)
            for neighbour in [f0 * pow(2, -1.0 / 12), f0 * pow(2, 1.0 / 12)] {
                #expect(Self.amplitude(song.signal, at: neighbour, from: start, count: count) < onPitch / 10)
            }
        }
    }

    static let returning = Synth.returningSound()

    @Test func aSoundReturnsAtTheEndOfFiveMinutesWithOthersBetween() {
        let song = Self.returning
        #expect(song.signal.count == 300 * 44_100)
        let returns = song.notes.filter { $0.sound == 0 }.map(\.onset)
        #expect(returns.count == 16)
        #expect(returns.prefix(8).allSatisfy { $0 < 10 } && returns.suffix(8).allSatisfy { $0 > 290 })
        let others = song.notes.filter { $0.sound != 0 }
        #expect(others.allSatisfy { $0.onset >= 10 && $0.onset + 0.25 < 290 })
        #expect(song.soundCount == 24)
        let counts = Dictionary(grouping: others, by: \.sound).mapValues(\.count)
        #expect(counts.keys.sorted() == Array(1..<24))
        #expect(counts.values.allSatisfy { $0 >= 10 }, "\(counts)")
        #expect(others.allSatisfy { $0.midiNote.map { abs($0 - 69) > 1 } ?? true })
        #expect(zip(song.notes, song.notes.dropFirst()).allSatisfy { $1.onset - $0.onset >= 0.25 })
    }

    /// The first and the last note of the returning sound are the same samples: the same sound, heard alone.
    @Test func theReturningSoundIsTheSameAtTheStartAndTheEnd() {
        let song = Self.returning
        let returns = song.notes.filter { $0.sound == 0 }.map { Int($0.onset * song.sampleRate) }
        let count = Int(0.3 * song.sampleRate)
        let first = song.signal[returns.first! ..< returns.first! + count], last = song.signal[returns.last! ..< returns.last! + count]
        #expect(first.map { $0 * $0 }.reduce(0, +) > 10)  // Not silence.
        #expect(zip(first, last).allSatisfy { $0.isApproximatelyEqual(to: $1, absoluteTolerance: 1e-6) })
        let ratios = Self.partialRatios(song, song.notes.last!, partials: 4)
        #expect(zip(ratios, Timbre.bright.harmonics.dropFirst()).allSatisfy { abs($0 - Double($1)) < 0.01 }, "\(ratios)")
    }

    @Test func theSameArgumentsGiveTheSameSong() {
        let a = Synth.returningSound(duration: 30, returnSpan: 5), b = Synth.returningSound(duration: 30, returnSpan: 5)
        #expect(a.signal == b.signal && a.notes == b.notes)
        #expect(Synth.returningSound(duration: 30, returnSpan: 5, seed: 14).notes != a.notes)
    }
}
