import Foundation

/// A harmonic timbre: each partial's amplitude relative to the fundamental's, the same at every pitch.
public struct Timbre: Sendable, Equatable {
    /// Amplitude of partial h + 1 (the fundamental first).
    public var harmonics: [Float]
    /// Exponential decay rate of the whole tone, per second.
    public var decayPerSecond: Double

    public init(harmonics: [Float], decayPerSecond: Double = 3) {
        self.harmonics = harmonics
        self.decayPerSecond = decayPerSecond
    }

    /// Every partial, falling slowly (a bowed or sawtooth-like tone).
    public static let bright = Timbre(harmonics: [1, 0.7, 0.5, 0.35, 0.25, 0.18])
    /// Odd partials only (a clarinet- or square-like tone); the same fundamental and decay as `bright`.
    public static let hollow = Timbre(harmonics: [1, 0, 0.45, 0, 0.25, 0])
}

/// A note of a test song: when it starts and which of the song's sounds it is.
public struct PlannedNote: Sendable, Equatable {
    /// Start, in seconds.
    public var onset: Double
    /// The sound's number in the song (0 ..< `TestSong.soundCount`).
    public var sound: Int
    /// MIDI note number of a tonal sound; nil for a drum.
    public var midiNote: Int?
}

/// A synthesised song with its ground truth.
public struct TestSong: Sendable {
    public var signal: [Float]
    /// Sorted by onset.
    public var notes: [PlannedNote]
    public var soundCount: Int
    public var sampleRate: Double

    /// Length, in seconds.
    public var duration: Double { Double(signal.count) / sampleRate }
}

extension Synth {
    /// Frequency in Hz of MIDI note `midiNote` (A4 = 69 = 440 Hz).
    public static func frequency(midiNote: Int) -> Double { 440 * pow(2, Double(midiNote - 69) / 12) }

    /// A tone of `timbre` at `midiNote` starting at each of `onsets`, mixed into `signal`.
    public static func addTone(to signal: inout [Float], timbre: Timbre, midiNote: Int, onsets: [Double], length: Double,
                               sampleRate: Double = 44_100, amplitude: Float = 0.3) {
        addTone(to: &signal, frequency: frequency(midiNote: midiNote), onsets: onsets, length: length, sampleRate: sampleRate,
                amplitude: amplitude, harmonics: timbre.harmonics, decayPerSecond: timbre.decayPerSecond)
    }

    /// Two timbres playing the same pitches, one note at a time: `repeats` rounds of `first` through `midiNotes`, as many
    /// of `second`, then as many rounds alternating the two on each pitch. Sound t × midiNotes.count + p is timbre t
    /// (0: first, 1: second) at midiNotes[p], so a right answer has `2 × midiNotes.count` sounds.
    /// - Parameters:
    ///   - spacing: time between onsets, in seconds.
    ///   - length: each note's length, in seconds (shorter than `spacing`: notes never overlap).
    public static func twoTimbresAtSamePitches(first: Timbre = .bright, second: Timbre = .hollow, midiNotes: [Int] = [57, 61, 64],
                                               repeats: Int = 4, spacing: Double = 0.3, length: Double = 0.25,
                                               sampleRate: Double = 44_100) -> TestSong {
        let timbres = [first, second]
        var order: [(timbre: Int, pitch: Int)] = []
        for phase in 0..<3 {
            for _ in 0..<repeats {
                for pitch in midiNotes.indices {
                    order += phase < 2 ? [(phase, pitch)] : [(0, pitch), (1, pitch)]
                }
            }
        }
        let notes = order.enumerated().map { index, played in
            PlannedNote(onset: 0.5 + Double(index) * spacing, sound: played.timbre * midiNotes.count + played.pitch,
                        midiNote: midiNotes[played.pitch])
        }
        var signal = silence(duration: (notes.last?.onset ?? 0) + 1, sampleRate: sampleRate)
        for note in notes {
            addTone(to: &signal, timbre: timbres[note.sound / midiNotes.count], midiNote: note.midiNote!, onsets: [note.onset],
                    length: length, sampleRate: sampleRate)
        }
        return TestSong(signal: signal, notes: notes, soundCount: 2 * midiNotes.count, sampleRate: sampleRate)
    }

    /// A sound that plays `returns` times in the first `returnSpan` seconds and again in the last `returnSpan` seconds of a
    /// `duration`-second signal, with other sounds between (never with it): tones of `Timbre.bright` and
    /// `Timbre.hollow` at ten other pitches, and a kick, a hat and a snare, one note every `spacing` seconds in a seeded
    /// random order. Sound 0 is the returning one (`Timbre.bright` at `midiNote`); the others are numbered from 1.
    /// - Complexity: O(duration × sample rate).
    public static func returningSound(duration: Double = 300, midiNote: Int = 69, returns: Int = 8, returnSpan: Double = 10,
                                      spacing: Double = 0.4, length: Double = 0.25, seed: UInt64 = 13,
                                      sampleRate: Double = 44_100) -> TestSong {
        precondition(duration > 2 * returnSpan + 2 * spacing && Double(returns) * spacing < returnSpan, "no room for the sound's returns")
        let otherPitches = [45, 48, 50, 52, 55, 60, 62, 65, 72, 76]  // none within a semitone of 69
        precondition(!otherPitches.contains { abs($0 - midiNote) <= 1 }, "the other tones must be other pitches")
        let tonal = [Timbre.bright, Timbre.hollow].flatMap { timbre in otherPitches.map { (timbre, $0) } }
        let drumCount = 3  // kick, hat, snare: sounds tonal.count + 1 ... tonal.count + 3

        var notes: [PlannedNote] = []
        for index in 0..<returns {
            notes.append(PlannedNote(onset: 0.5 + Double(index) * spacing, sound: 0, midiNote: midiNote))
        }
        var generator = SeededGenerator(seed: seed)
        var onset = returnSpan
        while onset + spacing < duration - returnSpan {
            let other = Int.random(in: 0..<(tonal.count + drumCount), using: &generator)
            notes.append(PlannedNote(onset: onset, sound: other + 1, midiNote: other < tonal.count ? tonal[other].1 : nil))
            onset += spacing
        }
        let lastStart = duration - returnSpan
        for index in 0..<returns {
            notes.append(PlannedNote(onset: lastStart + 0.5 + Double(index) * spacing, sound: 0, midiNote: midiNote))
        }

        // Each sound rendered once and added at its onsets: the same samples as rendering each note, much faster.
        func rendered(_ add: (inout [Float]) -> Void) -> [Float] {
            var template = silence(duration: 2 * length, sampleRate: sampleRate)
            add(&template)
            return template
        }
        let templates: [[Float]] = [rendered { addTone(to: &$0, timbre: .bright, midiNote: midiNote, onsets: [0], length: length, sampleRate: sampleRate) }]
            + tonal.map { timbre, pitch in
                rendered { addTone(to: &$0, timbre: timbre, midiNote: pitch, onsets: [0], length: length, sampleRate: sampleRate) }
            }
            + [rendered { addKick(to: &$0, onsets: [0], sampleRate: sampleRate) }, rendered { addHat(to: &$0, onsets: [0], sampleRate: sampleRate) },
               rendered { addSnare(to: &$0, onsets: [0], sampleRate: sampleRate) }]
        var signal = silence(duration: duration, sampleRate: sampleRate)
        for note in notes {
            let start = Int(note.onset * sampleRate), template = templates[note.sound]
            for n in 0..<min(template.count, signal.count - start) { signal[start + n] += template[n] }
        }
        return TestSong(signal: signal, notes: notes, soundCount: 1 + tonal.count + drumCount, sampleRate: sampleRate)
    }
}
