import Foundation
import SoundSortCore
import Testing
import TestSupport
@testable import Transcribe

/// Sounds that start on the same sample become an event each (issue "Simultaneous sounds").
@Suite struct SimultaneousSoundsTests {
    static let rate = 44_100.0

    /// Events starting within 20 ms of `time`.
    static func events(at time: Double, in transcription: Transcription) -> [Event] {
        transcription.events.filter { abs($0.onset - time) < 0.02 }
    }

    @Test func aKickAndAToneOnTheSameSampleAreTwoEventsAndTheKickIsOneSound() throws {
        // Kicks alone on the beats, a 220 Hz tone alone between, then kick + tone together on the same sample.
        var signal = Synth.silence(duration: 9, sampleRate: Self.rate)
        let alone = [0.2, 1.2, 2.2, 3.2], together = [5.0, 6.0, 7.0, 8.0]
        Synth.addKick(to: &signal, onsets: alone + together)
        Synth.addTone(to: &signal, frequency: 220, onsets: [0.7, 1.7, 2.7, 3.7] + together, length: 0.4,
                      harmonics: [1, 0.6, 0.4, 0.3, 0.2, 0.1])
        let transcription = try Transcriber().transcribe(samples: signal, sampleRate: Self.rate)
        // The kick's own sound, from the kicks heard alone (a falling sine may read as a low pitch: it is still one sound).
        let kickAlone = Set(alone.flatMap { Self.events(at: $0, in: transcription).map(\.sound) })
        #expect(kickAlone.count == 1)
        for time in together {
            let found = Self.events(at: time, in: transcription)
            #expect(found.count == 2, "at \(time) s: \(found.map { ($0.sound, $0.pitchHz ?? 0) })")
            let tone = found.filter { abs(12 * log2(($0.pitchHz ?? 1) / 220)) < 0.25 }
            #expect(tone.count == 1, "a 220 Hz event at \(time) s")
            #expect(Set(found.map(\.sound)).subtracting(tone.map(\.sound)) == kickAlone, "the kick under the tone is the kick heard alone")
        }
    }

    @Test func aThreeNoteChordOnAHatIsFourEvents() throws {
        var signal = Synth.silence(duration: 7, sampleRate: Self.rate)
        let alone = [0.25, 0.75, 1.25, 1.75], together = [3.0, 4.0, 5.0, 6.0]
        Synth.addHat(to: &signal, onsets: alone + together)
        for frequency in [261.63, 329.63, 392.0] {
            Synth.addTone(to: &signal, frequency: frequency, onsets: together, length: 0.5, amplitude: 0.15)
        }
        let transcription = try Transcriber().transcribe(samples: signal, sampleRate: Self.rate)
        for time in together {
            let found = Self.events(at: time, in: transcription)
            #expect(found.count == 4, "at \(time) s: \(found)")
            let pitches = found.compactMap(\.pitchHz).map { Int((69 + 12 * log2($0 / 440)).rounded()) }.sorted()
            #expect(pitches == [60, 64, 67])
        }
    }

    @Test func aHatOnALowRoundBassNoteIsFoundAboveTheNotesHarmonics() throws {
        // Hats alone, then a round 82 Hz bass (four harmonics) starting with a hat. Its harmonics, 82 Hz apart, would
        // fall in every band above about 1 kHz; they stand out of the increase only up to 330 Hz, and above that the
        // hat is recognised.
        var signal = Synth.silence(duration: 7, sampleRate: Self.rate)
        let alone = [0.25, 0.75, 1.25, 1.75], together = [3.0, 4.0, 5.0, 6.0]
        Synth.addHat(to: &signal, onsets: alone + together)
        Synth.addTone(to: &signal, frequency: 82.41, onsets: together, length: 0.5, amplitude: 0.6, harmonics: [1, 0.5, 0.25, 0.12])
        let transcription = try Transcriber().transcribe(samples: signal, sampleRate: Self.rate)
        let hat = Set(alone.flatMap { Self.events(at: $0, in: transcription).map(\.sound) })
        try #require(hat.count == 1)
        for time in together {
            let found = Self.events(at: time, in: transcription)
            #expect(found.count == 2, "at \(time) s: \(found.map { ($0.sound, $0.pitchHz ?? 0) })")
            #expect(found.contains { abs(12 * log2(($0.pitchHz ?? 1) / 82.41)) < 0.5 }, "the bass at \(time) s")
            #expect(found.contains { hat.contains($0.sound) }, "the hat at \(time) s")
        }
    }

    @Test func aHatOnAKicksBodyIsTheHatHeardAlone() throws {
        // Kicks alone, hats alone, then kick + hat on the same sample: the kick's body (its sine's end) is followed by
        // the rest of the kick up to two octaves above it, and the hat is recognised above that.
        var signal = Synth.silence(duration: 8, sampleRate: Self.rate)
        let kicks = [0.2, 1.2, 2.2], hats = [0.7, 1.7, 2.7], together = [4.0, 5.0, 6.0, 7.0]
        Synth.addKick(to: &signal, onsets: kicks + together)
        Synth.addHat(to: &signal, onsets: hats + together, amplitude: 0.2)
        let transcription = try Transcriber().transcribe(samples: signal, sampleRate: Self.rate)
        let kick = Set(kicks.flatMap { Self.events(at: $0, in: transcription).map(\.sound) })
        let hat = Set(hats.flatMap { Self.events(at: $0, in: transcription).map(\.sound) })
        try #require(kick.count == 1 && hat.count == 1 && kick != hat)
        for time in together {
            let found = Self.events(at: time, in: transcription)
            #expect(Set(found.map(\.sound)) == kick.union(hat), "at \(time) s: \(found.map { ($0.sound, $0.pitchHz ?? 0) })")
        }
    }

    @Test func aNotesHarmonicsReachAsHighAsTheyStandOut() throws {
        // Four harmonics of 110 Hz stand out up to 440 Hz; a saw's 80 go past the 8 kHz the analysis reads.
        func extent(_ harmonics: [Float]) throws -> Double {
            var signal = Synth.silence(duration: 1, sampleRate: Self.rate)
            Synth.addTone(to: &signal, frequency: 110, onsets: [0.5], length: 0.4, amplitude: 0.2, harmonics: harmonics)
            let estimator = try OnsetPitchEstimator(sampleRate: Self.rate)
            let audio = signal.withUnsafeBufferPointer { AudioWindow(mono: $0, base: 0, end: signal.count) }
            try #require(estimator.prepare(audio, onset: Int(0.5 * Self.rate)))
            return estimator.preparedHarmonicExtent(of: 110)
        }
        #expect(abs(try extent([1, 0.5, 0.25, 0.12]) - 440) < 1)
        #expect(try extent((1...80).map { Float(1) / Float($0) }) == .infinity)
    }

    @Test func aHitUnderANoteIsADrumHeardNearIt() throws {
        // Hats alone in the first seconds, then a tone over a hat near them and the same again a minute later, when
        // no hat has played alone for a minute: only the first is believed to hold a hat.
        var signal = Synth.silence(duration: 72, sampleRate: Self.rate)
        let near = [4.0, 5.0], far = [68.0, 69.0]
        Synth.addHat(to: &signal, onsets: [0.5, 1.0, 1.5, 2.0, 2.5] + near + far)
        Synth.addTone(to: &signal, frequency: 330, onsets: near + far, length: 0.4, amplitude: 0.2)
        let transcription = try Transcriber().transcribe(samples: signal, sampleRate: Self.rate)
        for time in near { #expect(Self.events(at: time, in: transcription).count == 2, "at \(time) s") }
        for time in far { #expect(Self.events(at: time, in: transcription).count == 1, "at \(time) s") }
    }

    @Test func aNoteUnderAHitJoinsASoundAtItsPitchHeardNearIt() throws {
        // An E4 tone alone in the first seconds; a minute later, hats alone, then C4–E4–G4 chords on hats. The chords'
        // E4 is found under the hat, and no E4 has been heard for a minute: it is not the first tone's sound.
        var signal = Synth.silence(duration: 76, sampleRate: Self.rate)
        let early = [0.5, 1.5, 2.5, 3.5], together = [70.0, 71.0, 72.0, 73.0]
        Synth.addTone(to: &signal, frequency: 329.63, onsets: early, length: 0.5, amplitude: 0.15)
        Synth.addHat(to: &signal, onsets: [65.25, 65.75, 66.25, 66.75] + together)
        for frequency in [261.63, 329.63, 392.0] {
            Synth.addTone(to: &signal, frequency: frequency, onsets: together, length: 0.5, amplitude: 0.15)
        }
        let transcription = try Transcriber().transcribe(samples: signal, sampleRate: Self.rate)
        let earlySounds = Set(early.flatMap { Self.events(at: $0, in: transcription).map(\.sound) })
        #expect(earlySounds.count == 1)
        let lateE4 = together.flatMap { Self.events(at: $0, in: transcription) }
            .filter { abs(12 * log2(($0.pitchHz ?? 1) / 329.63)) < 0.25 }
        #expect(lateE4.count == together.count)
        #expect(Set(lateE4.map(\.sound)).isDisjoint(with: earlySounds), "\(lateE4.map(\.sound)) vs \(earlySounds)")
    }

    @Test func notesStandOutOfADrumHitsNoise() throws {
        // The onset content alone: a 330 Hz tone over a loud noise burst is found, and most energy is not its.
        var signal = Synth.silence(duration: 1, sampleRate: Self.rate)
        Synth.addHat(to: &signal, onsets: [0.5], amplitude: 0.8, decay: 0.05)
        Synth.addTone(to: &signal, frequency: 330, onsets: [0.5], length: 0.4, amplitude: 0.2)
        let estimator = try OnsetPitchEstimator(sampleRate: Self.rate)
        let content = signal.withUnsafeBufferPointer { estimator.content($0, base: 0, end: signal.count, onset: Int(0.5 * Self.rate)) }
        let notes = try #require(content?.notes)
        #expect(notes.count == 1)
        #expect(abs(notes[0].midiPitch - (69 + 12 * log2(330.0 / 440))) < 0.25)
        #expect((content?.residualShare ?? 0) > SimultaneousSounds.residualForHit)
    }

    @Test func aChordOnADeepKickIsFoundAboveTheKicksBody() throws {
        // A deep kick's sine (60 → 45 Hz), under the range whose harmonics are resolved, wins the salience; the chord
        // above it is still found.
        var signal = Synth.silence(duration: 1, sampleRate: Self.rate)
        Synth.addKick(to: &signal, onsets: [0.5], startFrequency: 60, endFrequency: 45)
        for frequency in [261.63, 329.63, 392.0] {
            Synth.addTone(to: &signal, frequency: frequency, onsets: [0.5], length: 0.4, amplitude: 0.15)
        }
        let estimator = try OnsetPitchEstimator(sampleRate: Self.rate)
        let content = signal.withUnsafeBufferPointer { estimator.content($0, base: 0, end: signal.count, onset: Int(0.5 * Self.rate)) }
        let pitches = (content?.notes ?? []).map { Int($0.midiPitch.rounded()) }.sorted()
        #expect(pitches == [60, 64, 67], "found \(content?.notes.map(\.midiPitch) ?? [])")
    }

    /// The notes the onset search finds at 0.5 s in `signal`, as rounded MIDI numbers, ascending.
    static func onsetNotes(_ signal: [Float]) throws -> [Int] {
        let estimator = try OnsetPitchEstimator(sampleRate: rate)
        let content = signal.withUnsafeBufferPointer { estimator.content($0, base: 0, end: signal.count, onset: Int(0.5 * rate)) }
        return (content?.notes ?? []).map { Int($0.midiPitch.rounded()) }.sorted()
    }

    @Test func aCommonRootWhoseFundamentalIsAnotherNotesSkirtIsNoNote() throws {
        // C4, E4 and G4 over an A2 bass and a deep kick: C3 holds the triad's harmonics, and within half a semitone of
        // its fundamental lies only the bass's skirt, two bins away.
        var signal = Synth.silence(duration: 1, sampleRate: Self.rate)
        Synth.addKick(to: &signal, onsets: [0.5], startFrequency: 80, endFrequency: 50)
        Synth.addTone(to: &signal, frequency: 110, onsets: [0.5], length: 0.4, amplitude: 0.1)
        for frequency in [261.63, 329.63, 392.0] {
            Synth.addTone(to: &signal, frequency: frequency, onsets: [0.5], length: 0.4, amplitude: 0.15)
        }
        let notes = try Self.onsetNotes(signal)
        #expect(Set(notes).isSuperset(of: [60, 64, 67]), "found \(notes)")
        #expect(!notes.contains(48), "found \(notes)")
    }

    @Test func aLowCandidateThatStandsOutOfNothingDoesNotEndTheSearch() throws {
        // An A2 bass of two voices 50 cents apart fills its own surroundings; the D4 above it is still found.
        var signal = Synth.silence(duration: 1, sampleRate: Self.rate)
        for cents in [-25.0, 25.0] {
            Synth.addTone(to: &signal, frequency: 110 * pow(2, cents / 1200), onsets: [0.5], length: 0.4, amplitude: 0.1,
                          harmonics: [1, 0.7, 0.5, 0.4, 0.3, 0.25, 0.2, 0.15])
        }
        for frequency in [233.08, 293.66] { Synth.addTone(to: &signal, frequency: frequency, onsets: [0.5], length: 0.4, amplitude: 0.2) }
        let notes = try Self.onsetNotes(signal)
        #expect(notes.contains(62), "found \(notes)")
    }

    @Test func aSquareBassFoundAgainDoesNotEndTheSearch() throws {
        // A square wave's odd harmonics keep most of their level through the smooth subtraction (their even neighbours
        // are empty), so G2 is found a second time; B♭3 above it is still found.
        var signal = Synth.silence(duration: 1, sampleRate: Self.rate)
        Synth.addTone(to: &signal, frequency: 98, onsets: [0.5], length: 0.4, amplitude: 0.2,
                      harmonics: (1...15).map { $0 % 2 == 1 ? 1 / Float($0) : 0 })
        for frequency in [233.08, 293.66] { Synth.addTone(to: &signal, frequency: frequency, onsets: [0.5], length: 0.4, amplitude: 0.15) }
        let notes = try Self.onsetNotes(signal)
        #expect(notes.contains(43) && notes.contains(58), "found \(notes)")
    }

    /// A triad over what a kick and a bass add at the same onset, as the note search finds it today (see the README's
    /// *Chords over a bass*): a kick whose sine falls through the resolved range (above 65 Hz) is read as a note, E2,
    /// and what is left of its sweep outweighs the triad; over a G2 bass, C4 is found but E4 and G4 do not stand out
    /// of surroundings the bass's harmonics fill.
    @Test(arguments: [(kickFrom: 140.0, kickTo: 60.0, bass: 0.0), (kickFrom: 70.0, kickTo: 45.0, bass: 98.0),
                      (kickFrom: 90.0, kickTo: 50.0, bass: 98.0)])
    func aTriadOverAKickAndABass(kickFrom: Double, kickTo: Double, bass: Double) throws {
        var signal = Synth.silence(duration: 1, sampleRate: Self.rate)
        Synth.addKick(to: &signal, onsets: [0.5], startFrequency: kickFrom, endFrequency: kickTo)
        if bass > 0 { Synth.addTone(to: &signal, frequency: bass, onsets: [0.5], length: 0.4, amplitude: 0.1) }
        for frequency in [261.63, 329.63, 392.0] {
            Synth.addTone(to: &signal, frequency: frequency, onsets: [0.5], length: 0.4, amplitude: 0.15)
        }
        let estimator = try OnsetPitchEstimator(sampleRate: Self.rate)
        let content = signal.withUnsafeBufferPointer { estimator.content($0, base: 0, end: signal.count, onset: Int(0.5 * Self.rate)) }
        let notes = try #require(content?.notes)
        #expect(!notes.isEmpty)
        let pitches = Set(notes.map { Int($0.midiPitch.rounded()) })
        withKnownIssue("the triad is lost under the kick's sweep or among the bass's harmonics") {
            #expect(pitches.isSuperset(of: [60, 64, 67]), "found \(notes.map(\.midiPitch))")
        }
    }

    /// Chords over a bass, 216 onsets: a bass (F2, G2, A2 or D2; one voice, or two 10 or 25 cents apart) under A3,
    /// C4 + E4 + G4 or B♭3 + D4 at two levels, alone or with a kick whose sine falls from 70 or 120 Hz. The search
    /// finds a quarter of the upper notes (see the README's *Chords over a bass*); these floors hold what it finds
    /// today, so that a change that loses notes or adds false ones shows here.
    /// fast-hihats' hats 0.1 s after each of its claps: the search found notes in them (F#6 and D7, C#3 and F#6, C#6) in
    /// a few bins the hat raised inside the clap's decay, where the same harmonics stood 11 to 14 times higher just
    /// before. None started there.
    @Test func aHatInAClapsDecayHoldsNoNote() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("corpus/cases")
        let audio = try AudioFile(path: corpus.appendingPathComponent("fast-hihats.flac").path).readAllMono()
        let estimator = try OnsetPitchEstimator(sampleRate: Self.rate)
        // The onsets found at those hats (the reference's 0.5, 1.3 … 4.5 s).
        for onset in [0.51, 1.31, 2.11, 2.91, 3.71, 4.51] {
            let content = audio.withUnsafeBufferPointer { estimator.content($0, base: 0, end: audio.count, onset: Int(onset * Self.rate)) }
            #expect(content?.notes.isEmpty == true, "\(onset) s: \(content?.notes.map(\.midiPitch) ?? [])")
            // The hat itself is still there to be heard.
            #expect((content?.residualShare ?? 0) >= SimultaneousSounds.residualForHit)
        }
    }

    @Test func chordsOverABass() throws {
        var upperFound = 0, upperCount = 0, bassesFound = 0, others = 0
        for bass in [87.31, 98.0, 110.0, 73.42] {
            for detune in [0.0, 10, 25] {
                for kick in [0.0, 70, 120] {
                    for upper in [[220.0], [261.63, 329.63, 392.0], [233.08, 293.66]] {
                        for level in [Float(0.1), 0.2] {
                            var signal = Synth.silence(duration: 1, sampleRate: Self.rate)
                            if kick > 0 { Synth.addKick(to: &signal, onsets: [0.5], startFrequency: kick, endFrequency: 45) }
                            for cents in detune > 0 ? [-detune, detune] : [0] {
                                Synth.addTone(to: &signal, frequency: bass * pow(2, cents / 1200), onsets: [0.5], length: 0.4,
                                              amplitude: detune > 0 ? 0.1 : 0.2, harmonics: [1, 0.7, 0.5, 0.4, 0.3, 0.25, 0.2, 0.15])
                            }
                            for frequency in upper {
                                Synth.addTone(to: &signal, frequency: frequency, onsets: [0.5], length: 0.4, amplitude: level)
                            }
                            let found = Set(try Self.onsetNotes(signal))
                            let wanted = Set(upper.map { Int((69 + 12 * log2($0 / 440)).rounded()) })
                            let bassNote = Int((69 + 12 * log2(bass / 440)).rounded())
                            upperFound += found.intersection(wanted).count
                            upperCount += wanted.count
                            bassesFound += found.contains(bassNote) ? 1 : 0
                            others += found.subtracting(wanted).subtracting([bassNote]).count
                        }
                    }
                }
            }
        }
        #expect(upperCount == 432)
        #expect(upperFound >= 112, "upper notes found: \(upperFound) of \(upperCount)")
        #expect(bassesFound >= 160, "basses found: \(bassesFound) of 216")
        #expect(others <= 73, "other notes: \(others)")
    }

    @Test func aDeepKickAloneHoldsNoNote() throws {
        var signal = Synth.silence(duration: 1, sampleRate: Self.rate)
        Synth.addKick(to: &signal, onsets: [0.5], startFrequency: 60, endFrequency: 45)
        let estimator = try OnsetPitchEstimator(sampleRate: Self.rate)
        let content = signal.withUnsafeBufferPointer { estimator.content($0, base: 0, end: signal.count, onset: Int(0.5 * Self.rate)) }
        let notes = content?.notes ?? []
        // Nothing is left above the kick's body that could pass for a note.
        #expect(notes.isEmpty, "found \(notes.map(\.midiPitch))")
    }

    @Test func aCleanToneLeavesNoHit() throws {
        var signal = Synth.silence(duration: 1, sampleRate: Self.rate)
        Synth.addTone(to: &signal, frequency: 330, onsets: [0.5], length: 0.4)
        let estimator = try OnsetPitchEstimator(sampleRate: Self.rate)
        let content = signal.withUnsafeBufferPointer { estimator.content($0, base: 0, end: signal.count, onset: Int(0.5 * Self.rate)) }
        #expect(content?.notes.count == 1)
        #expect((content?.residualShare ?? 1) < SimultaneousSounds.residualForHit)
    }

    /// The notes that swell in after `onset` (s) in `signal`, as the feature pass finds them.
    static func lateNotes(in signal: [Float], at onset: Double) throws -> [PitchEstimate] {
        let estimator = try OnsetPitchEstimator(sampleRate: rate)
        let sample = Int(onset * rate)
        return signal.withUnsafeBufferPointer { samples in
            let audio = AudioWindow(mono: samples, base: 0, end: samples.count)
            guard estimator.prepare(audio, onset: sample) else { return [] }
            let known = estimator.preparedContent().notes
            return estimator.preparedLateNotes(audio, onset: sample, besides: known, bodies: [])
        }
    }

    @Test func aPadThatSwellsInUnderAKickIsFoundLater() throws {
        // A 220 Hz pad rising over 250 ms from a loud kick's onset: the kick owns the onset, the pad the moments after.
        var signal = Synth.silence(duration: 2, sampleRate: Self.rate)
        Synth.addKick(to: &signal, onsets: [0.5], amplitude: 0.9)
        Synth.addTone(to: &signal, frequency: 220, onsets: [0.5], length: 1.2, amplitude: 0.1,
                      harmonics: [1, 0.6, 0.4, 0.3, 0.2, 0.1], decayPerSecond: 0, attack: 0.25)
        let late = try Self.lateNotes(in: signal, at: 0.5)
        #expect(late.map { Int($0.midiPitch.rounded()) } == [57], "found \(late.map(\.midiPitch))")
    }

    @Test func aHeldNoteThatWavesIsNoLateNote() throws {
        // A bass held from the start swells by 60 % a moment after a new note starts at 0.5 s (a beat between voices),
        // too late for the onset to see: its partials rise in the later window, but by less than a new note's (6 dB),
        // and it was there before the onset.
        var signal = Synth.silence(duration: 2, sampleRate: Self.rate)
        let peak = 0.5 + OnsetPitchEstimator.lateNoteDelay + 0.046
        for n in signal.indices {
            let t = Double(n) / Self.rate
            let level = 1 + 0.6 * exp(-0.5 * pow((t - peak) / 0.03, 2))
            var value = 0.0
            for h in 1...6 { value += sin(2 * .pi * 98 * Double(h) * t) / Double(h) }
            signal[n] = Float(0.3 * level * value)
        }
        Synth.addTone(to: &signal, frequency: 659.26, onsets: [0.5], length: 0.6, amplitude: 0.2)
        let late = try Self.lateNotes(in: signal, at: 0.5)
        #expect(late.isEmpty, "found \(late.map(\.midiPitch))")
    }

    @Test func aBrightToneHasNoLateNotesOnItsHarmonics() throws {
        // A tone with strong odd harmonics up to the 15th (a square lead): its partials a moment later are its own.
        var signal = Synth.silence(duration: 2, sampleRate: Self.rate)
        Synth.addTone(to: &signal, frequency: 784, onsets: [0.5], length: 0.6, amplitude: 0.2,
                      harmonics: [1, 0, 0.33, 0, 0.2, 0, 0.14, 0, 0.11, 0, 0.09, 0, 0.08, 0, 0.07], decayPerSecond: 0)
        #expect(try Self.lateNotes(in: signal, at: 0.5).isEmpty)
    }

    @Test func padsUnderKicksAreNotesOfTheirOwnAndTheKicksStayOneSound() throws {
        // Kicks alone, then kicks on which a pad chord (A3 and E4) swells in: every kick is one sound, and each pad
        // onset holds both notes.
        var signal = Synth.silence(duration: 10, sampleRate: Self.rate)
        let alone = [0.5, 1.5, 2.5], together = [4.0, 6.0, 8.0]
        Synth.addKick(to: &signal, onsets: alone + together, amplitude: 0.9)
        for frequency in [220.0, 329.63] {
            Synth.addTone(to: &signal, frequency: frequency, onsets: together, length: 1.5, amplitude: 0.06,
                          harmonics: [1, 0.6, 0.4, 0.3, 0.2, 0.1], decayPerSecond: 0, attack: 0.25)
        }
        let transcription = try Transcriber().transcribe(samples: signal, sampleRate: Self.rate)
        let kicks = Set(alone.flatMap { Self.events(at: $0, in: transcription).map(\.sound) })
        #expect(kicks.count == 1)
        for time in together {
            let found = Self.events(at: time, in: transcription)
            let pitches = found.compactMap(\.pitchHz).map { Int((69 + 12 * log2($0 / 440)).rounded()) }
            #expect(pitches.contains(57) && pitches.contains(64), "at \(time) s: \(found.map { ($0.sound, $0.pitchHz ?? 0) })")
            #expect(!Set(found.map(\.sound)).isDisjoint(with: kicks), "the kick at \(time) s is the kick heard alone")
        }
    }

    @Test func aDetunedSawLeavesNoHit() throws {
        // Two saw-like voices 20 cents apart (a synth lead's detuned voices): their upper partials drift apart, and what
        // the note's harmonics leave must not read as a drum hit beside it (0.43 with only ±2 bins cleared).
        var signal = Synth.silence(duration: 1, sampleRate: Self.rate)
        let saw = (1...30).map { Float(1) / Float($0) }
        for frequency in [523.25, 523.25 * pow(2, 20.0 / 1200)] {
            Synth.addTone(to: &signal, frequency: frequency, onsets: [0.5], length: 0.4, amplitude: 0.1, harmonics: saw, decayPerSecond: 0)
        }
        let estimator = try OnsetPitchEstimator(sampleRate: Self.rate)
        let content = signal.withUnsafeBufferPointer { estimator.content($0, base: 0, end: signal.count, onset: Int(0.5 * Self.rate)) }
        #expect(content?.notes.map { Int($0.midiPitch.rounded()) }.first == 72)
        #expect((content?.residualShare ?? 1) < SimultaneousSounds.residualForHit, "residual \(content?.residualShare ?? -1)")
    }

    @Test func aNoteWhoseHitIsItsOwnSoundStaysWhole() {
        // One sound of three events with one attack at E5 (659 Hz): the first clearly pitched, with new energy off its
        // harmonics that reads as a hit; the other two at that pitch without a clear enough pitch (a pluck). The hit
        // beside the first note is the sound itself: three events, one sound, not a note and a hit.
        let bands = 64
        let patch = AttackPatch(blocks: 1, bands: bands, values: (0..<bands).map { -Float($0) }, present: [true])
        let events = [0.5, 1.5, 2.5].map { DetectedEvent(onset: $0, end: $0 + 0.4, startFrame: Int($0 * 100), endFrame: Int($0 * 100) + 40, level: -20) }
        let e5 = 440 * pow(2, 7.0 / 12)
        var clear = EventFeatures(patch: patch, pitch: PitchEstimate(frequency: e5, confidence: 0.95))
        clear.content = OnsetContent(notes: [PitchEstimate(frequency: e5, confidence: 0.9)], residualShare: 0.9)
        var unclear = EventFeatures(patch: patch, pitch: PitchEstimate(frequency: e5 * 1.003, confidence: 0.7))
        unclear.content = OnsetContent(notes: [], residualShare: 1)
        let stage = SimultaneousSounds(threshold: 5.5, voicedConfidence: 0.8, bandCentres: (1...bands).map { 31.25 * Double($0) })
        let result = stage.expand(events: events, features: [clear, unclear, unclear], split: [[0], [0], [0]])
        #expect(result.labels == [0, 0, 0])
        #expect(result.origins == [0, 1, 2])
    }

    /// A clear F2 (87 Hz) with a weaker note found beside it: D5 (587 Hz, on no harmonic of F2) is a note of its own
    /// at 0.22 of the increase; F3 and C4 (its 2nd and 3rd harmonics) and F1 (F2 is its 2nd) need 0.3, since the
    /// F2's subtraction can leave them behind.
    @Test func anUnrelatedWeakerNoteBesideAClearOneIsANoteOfItsOwn() {
        let bands = 64
        let patch = AttackPatch(blocks: 1, bands: bands, values: (0..<bands).map { -Float($0) }, present: [true])
        func hz(_ midi: Double) -> Double { 440 * pow(2, (midi - 69) / 12) }
        let beside: [(midi: Double, share: Double)] = [(74, 0.22), (53, 0.22), (60, 0.22), (29, 0.22), (53, 0.35)]
        let events = beside.indices.map { DetectedEvent(onset: Double($0) + 0.5, end: Double($0) + 0.9, startFrame: $0 * 100 + 50, endFrame: $0 * 100 + 90, level: -20) }
        let features = beside.map { other -> EventFeatures in
            var feature = EventFeatures(patch: patch, pitch: PitchEstimate(frequency: hz(41), confidence: 0.95))
            feature.content = OnsetContent(notes: [PitchEstimate(frequency: hz(41), confidence: 0.6),
                                                   PitchEstimate(frequency: hz(other.midi), confidence: other.share)], residualShare: 0.2)
            return feature
        }
        let stage = SimultaneousSounds(threshold: 5.5, voicedConfidence: 0.8, bandCentres: (1...bands).map { 31.25 * Double($0) })
        let result = stage.expand(events: events, features: features, split: beside.indices.map { [$0] })
        let notes = events.indices.map { event in
            result.origins.indices.filter { result.origins[$0] == event }.compactMap { result.features[$0].pitch.map { Int($0.midiPitch.rounded()) } }.sorted()
        }
        #expect(notes == [[41, 74], [41], [41], [41], [41, 53]])
        #expect(SimultaneousSounds.related(hz(29), hz(41)) && !SimultaneousSounds.related(hz(41), hz(74)))
    }

    /// Three clear C2 notes make a sound; a fourth event of that sound was split into it and a new remainder, but the
    /// notes found in its onset are G2 and B3: those are its events, not the C2 and the remainder.
    @Test func notesFoundInAnOnsetOutweighASplitIntoSoundsThatAreNoDrums() {
        let bands = 64
        let patch = AttackPatch(blocks: 1, bands: bands, values: (0..<bands).map { -Float($0) }, present: [true])
        func hz(_ midi: Double) -> Double { 440 * pow(2, (midi - 69) / 12) }
        let events = (0..<4).map { DetectedEvent(onset: Double($0) + 0.5, end: Double($0) + 0.9, startFrame: $0 * 100 + 50, endFrame: $0 * 100 + 90, level: -20) }
        var clear = EventFeatures(patch: patch, pitch: PitchEstimate(frequency: hz(36), confidence: 0.95))
        clear.content = OnsetContent(notes: [PitchEstimate(frequency: hz(36), confidence: 0.9)], residualShare: 0.1)
        var mixed = EventFeatures(patch: patch, pitch: PitchEstimate(frequency: hz(36), confidence: 0.4))
        mixed.content = OnsetContent(notes: [PitchEstimate(frequency: hz(43), confidence: 0.6), PitchEstimate(frequency: hz(59), confidence: 0.25)],
                                     residualShare: 0.2)
        let stage = SimultaneousSounds(threshold: 5.5, voicedConfidence: 0.8, bandCentres: (1...bands).map { 31.25 * Double($0) })
        let result = stage.expand(events: events, features: [clear, clear, clear, mixed], split: [[0], [0], [0], [0, 1]])
        let fourth = result.origins.indices.filter { result.origins[$0] == 3 }
        #expect(fourth.compactMap { result.features[$0].pitch.map { Int($0.midiPitch.rounded()) } }.sorted() == [43, 59])
        #expect(!fourth.contains { result.labels[$0] == 0 || result.labels[$0] == 1 })
    }

    @Test func aDetunedLowBassLeavesNoHit() throws {
        // Two saw voices 10 cents apart at E2 (82 Hz, harmonics 7.6 analysis bins apart): clearing ±4 bins around each
        // harmonic would leave a few scattered bins, and the share, scaled up by the little that is left, read 0.43,
        // a hit; cleared at most a third of the spacing, it stays a note alone.
        var signal = Synth.silence(duration: 1, sampleRate: Self.rate)
        let saw = (1...40).map { Float(1) / Float($0) }
        for frequency in [82.41, 82.41 * pow(2, 10.0 / 1200)] {
            Synth.addTone(to: &signal, frequency: frequency, onsets: [0.5], length: 0.4, amplitude: 0.15, harmonics: saw)
        }
        let estimator = try OnsetPitchEstimator(sampleRate: Self.rate)
        let content = signal.withUnsafeBufferPointer { estimator.content($0, base: 0, end: signal.count, onset: Int(0.5 * Self.rate)) }
        #expect(content?.notes.map { Int($0.midiPitch.rounded()) }.first == 40)
        #expect((content?.residualShare ?? 1) < SimultaneousSounds.residualForHit, "residual \(content?.residualShare ?? -1)")
    }

    @Test func aSoundStartsAtMostOnceAtAnOnset() {
        // Onset 0 holds parts of sounds 3, 4 and 3 again (a drum joined to the drum it started with); onset 1 holds 3
        // and 5; onset 2 holds sound 4 once.
        let origins = [0, 0, 0, 1, 1, 2], labels = [3, 4, 3, 3, 5, 4]
        let events = origins.enumerated().map { index, origin in
            DetectedEvent(onset: Double(origin), end: Double(origin) + 0.5, startFrame: origin * 100 + index, endFrame: origin * 100 + 50,
                          level: -20)
        }
        let patch = AttackPatch(blocks: 1, bands: 8, values: [Float](repeating: 0, count: 8), present: [true])
        let result = SimultaneousSounds.Result(events: events, features: events.map { _ in EventFeatures(patch: patch, pitch: nil) },
                                               labels: labels, origins: origins)
        let kept = result.oneEventPerSoundAndOnset()
        #expect(kept.labels == [3, 4, 3, 5, 4] && kept.origins == [0, 0, 1, 1, 2])
        // The first of the two is the one kept.
        #expect(kept.events.map(\.startFrame) == [0, 1, 103, 104, 205])
        // Nothing repeated: the same result.
        let once = kept.oneEventPerSoundAndOnset()
        #expect(once.labels == kept.labels && once.events == kept.events)
    }
}
