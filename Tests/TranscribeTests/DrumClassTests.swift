import Foundation
import SoundSortCore
import Testing
import TestSupport
@testable import Transcribe

/// Percussive sounds are classed as kit pieces and get the General MIDI drum note of their class.
@Suite struct DrumClassTests {
    static let rate = 44_100.0

    /// A kit piece synthesised alone, four times.
    struct Piece: CustomTestStringConvertible, Sendable {
        var name: String
        var expected: DrumClass
        var add: @Sendable (inout [Float], [Double]) -> Void
        var testDescription: String { name }
    }

    static let pieces: [Piece] = [
        Piece(name: "kick (falling sine)", expected: .kick) { Synth.addKick(to: &$0, onsets: $1, length: 0.6) },
        Piece(name: "snare (tone + noise)", expected: .snare) { Synth.addSnare(to: &$0, onsets: $1) },
        Piece(name: "closed hat (high-passed noise, short)", expected: .closedHat) { Synth.addHat(to: &$0, onsets: $1) },
        Piece(name: "open hat (high-passed noise, long)", expected: .openHat) { Synth.addHat(to: &$0, onsets: $1, decay: 0.12) },
    ]

    @Test(arguments: pieces)
    func aPieceAloneGetsItsClass(piece: Piece) throws {
        var signal = Synth.silence(duration: 4.5, sampleRate: Self.rate)
        piece.add(&signal, [0.3, 1.3, 2.3, 3.3])
        let transcription = try Transcriber().transcribe(samples: signal, sampleRate: Self.rate)
        try #require(transcription.sounds.count == 1, "\(transcription.sounds.map(\.name))")
        let sound = transcription.sounds[0]
        #expect(sound.kind == .percussive)
        #expect(sound.drumClass == piece.expected)
        #expect(sound.midiNote == piece.expected.generalMIDINotes[0])
        #expect(sound.name == "S00 \(piece.expected.rawValue)")
    }

    @Test func aKitPatternGetsKickSnareAndClosedHat() throws {
        // Kick on 1 and 3, snare on 2 and 4, hats on the off-beats: never two at once.
        var signal = Synth.silence(duration: 5, sampleRate: Self.rate)
        let beat = 0.5
        let beats: [Double] = (0..<8).map { 0.2 + Double($0) * beat }
        Synth.addKick(to: &signal, onsets: beats.enumerated().filter { $0.offset % 2 == 0 }.map(\.element), length: 0.6)
        Synth.addSnare(to: &signal, onsets: beats.enumerated().filter { $0.offset % 2 == 1 }.map(\.element))
        Synth.addHat(to: &signal, onsets: beats.map { $0 + beat / 2 })
        let transcription = try Transcriber().transcribe(samples: signal, sampleRate: Self.rate)
        let classes = transcription.sounds.compactMap(\.drumClass)
        #expect(transcription.sounds.allSatisfy { $0.kind == .percussive })
        #expect(Set(classes) == [.kick, .snare, .closedHat], "\(transcription.sounds.map(\.name))")
        #expect(Set(transcription.sounds.map(\.midiNote)) == [36, 38, 42])
    }

    @Test func twoSoundsOfOneClassGetNeighbouringNotesOfItsFamily() {
        let classes: [DrumClass] = [.kick, .snare, .kick, .tom, .tom, .tom, .clap, .clap, .closedHat, .closedHat, .closedHat]
        let toms = [0, 0, 0, 3, 1, 2, 0, 0, 0, 0, 0].map(Double.init)  // The tom at index 4 is the lowest.
        let notes = DrumClass.generalMIDINotes(for: classes, pitchOrder: toms)
        #expect(notes[0] == 36 && notes[2] == 35)
        #expect(notes[1] == 38)
        #expect([notes[4], notes[5], notes[3]] == [43, 45, 47] as [Int])  // Low to high, from the middle of the family.
        #expect(notes[6] == 39 && notes[7] == DrumClass.other.generalMIDINotes[0])  // The clap family has one note.
        #expect(notes[8] == 42 && notes[9] == 44)
        #expect(Set(notes).count == notes.count)
        #expect(notes.allSatisfy { DrumClass.generalMIDIRange.contains($0) })
    }

    @Test func everyClassHasANoteInRangeAndIsFoundFromIt() {
        for drumClass in DrumClass.allCases {
            #expect(drumClass.generalMIDINotes.allSatisfy { DrumClass.generalMIDIRange.contains($0) })
            #expect(DrumClass(generalMIDINote: drumClass.generalMIDINotes[0]) == drumClass)
        }
        #expect(DrumClass(generalMIDINote: 20) == nil)
    }

    /// Features measured on the corpus' kits (amplitude shares of the octave bands, decay in seconds).
    @Test(arguments: [
        ([0.49, 0.30, 0.05, 0.02, 0.03, 0.07, 0.04, 0.00], 0.11, DrumClass.kick),  // FluidR3 kick, a hat on it.
        ([0.21, 0.41, 0.12, 0.05, 0.03, 0.06, 0.12, 0.00], 0.17, .kick),  // Hydrogen electronic kick.
        ([0.03, 0.42, 0.18, 0.13, 0.08, 0.07, 0.08, 0.00], 0.12, .snare),  // FluidR3 snare.
        ([0.01, 0.13, 0.15, 0.05, 0.11, 0.31, 0.24, 0.00], 0.09, .snare),  // FluidR3 808 snare.
        ([0.03, 0.01, 0.03, 0.19, 0.38, 0.24, 0.12, 0.00], 0.10, .clap),
        ([0.03, 0.00, 0.00, 0.00, 0.01, 0.06, 0.39, 0.51], 0.06, .closedHat),
        ([0.01, 0.10, 0.09, 0.04, 0.09, 0.11, 0.26, 0.30], 0.42, .openHat),  // Hydrogen open hat.
        ([0.00, 0.00, 0.04, 0.13, 0.06, 0.17, 0.23, 0.37], 0.59, .cymbal),  // FluidR3 jazz ride.
        ([0.05, 0.40, 0.30, 0.15, 0.04, 0.03, 0.03, 0.00], 0.30, .tom),
        ([0.00, 0.02, 0.20, 0.35, 0.30, 0.10, 0.03, 0.00], 0.03, .rim),
    ] as [([Float], Double, DrumClass)])
    func featuresAtTheEdgesOfTheRules(shares: [Float], decay: Double, expected: DrumClass) {
        #expect(DrumClassifier.classify(DrumFeatures(shares: shares, decay: decay)) == expected)
    }

    /// A hat whose hits are cut by the next onset before they fall 3 dB (under a held bass, or by a kick) has no
    /// measured decay there; its hits that did die away tell how short it is, however many were cut.
    @Test func aDrumsClassIsReadFromItsFoundHitsNotTheQuietHitsThatJoinedIt() {
        // Sound 0: four kicks, each with a hat (sound 1) on the same onset, so never alone, and eight quiet hits that
        // joined it between the beats, alone and hat-like. Its class comes from its kicks.
        let kickRise: [Float] = [9, 4, 1, 0, 0, 0, 0, 0], hatRise: [Float] = [0, 0, 0, 0, 0, 1, 4, 9]
        var events: [DetectedEvent] = [], labels: [Int] = [], decays: [EventDecay] = [], quiet: Set<Int> = []
        for beat in 0..<4 {
            let onset = Double(beat)
            for (label, rise) in [(0, kickRise), (1, hatRise)] {
                events.append(DetectedEvent(onset: onset, end: onset + 0.2, startFrame: beat * 100, endFrame: beat * 100 + 20, level: -10))
                labels.append(label)
                decays.append(EventDecay(length: 0.2, decayTime: 0.1, decayed: true, rise: rise))
            }
            for offset in [0.25, 0.75] {
                quiet.insert(events.count)
                events.append(DetectedEvent(onset: onset + offset, end: onset + offset + 0.05, startFrame: beat * 100 + Int(offset * 100),
                                            endFrame: beat * 100 + Int(offset * 100) + 5, level: -30))
                labels.append(0)
                decays.append(EventDecay(length: 0.05, decayTime: 0.03, decayed: true, rise: hatRise))
            }
        }
        let patch = AttackPatch(blocks: 1, bands: 8, values: [Float](repeating: -20, count: 8), present: [true])
        var builder = SoundBuilder(events: events, features: events.map { _ in EventFeatures(patch: patch) }, labels: labels,
                                   decays: decays, envelope: HarmonicEnvelope(bandCentres: (1...8).map { Double($0) * 500 }),
                                   settings: TranscriptionSettings())
        func classOfSoundZero() -> DrumClass? {
            let transcription = builder.transcription(duration: 5, sampleRate: 44_100, tempoMap: nil)
            return transcription.sounds[transcription.events[0].sound].drumClass
        }
        #expect(classOfSoundZero() == .closedHat)  // Read from the quiet hits, the only events alone.
        builder.bandHits = quiet
        #expect(classOfSoundZero() == .kick)
    }

    /// An accented hat (above 8 kHz, falling 1.6 dB a frame: 14.4 dB in the 90 ms before the next hit) under which a
    /// quieter hat starts, 12 dB under the accent's peak: it rises 4.4 dB over the tail, too little to cut the accent,
    /// and the two then ring on at 0.5 dB a frame, so the accent "takes" 0.29 s to fall 20 dB (an open hat). Its fall
    /// until the next onset says 0.125 s: a closed hat.
    @Test func aHatsDecayIsReadFromItsFallBeforeTheNextOnset() {
        var envelope = BandEnvelope(frameDuration: 0.01)
        let accent = 10, next = 19
        for frame in 0..<80 {
            var decibels: Float = -100
            if frame >= accent && frame < next { decibels = -1.6 * Float(frame - accent) }
            if frame >= next {
                let tail = pow(10, -1.6 * Float(next - accent) / 10), quiet = pow(10, Float(-12) / 10)
                decibels = 10 * log10(tail + quiet) - 0.5 * Float(frame - next)
            }
            var powers = [Float](repeating: 1e-10, count: BandEnvelope.bandCount)
            powers[BandEnvelope.bandCount - 1] = pow(10, decibels / 10)
            powers.withUnsafeBufferPointer { envelope.append(powers: $0) }
        }
        let events = [accent, next].map { DetectedEvent(onset: Double($0) * 0.01, end: 0.8, startFrame: $0, endFrame: 80, level: -20) }
        let decays = DecayMeasurer(envelope: envelope).measure(events: events, pitches: [nil, nil], labels: [0, 1])
        #expect(abs(decays[0].decayTime - 0.09 * 20 / 14.4) < 0.01, "\(decays[0].decayTime) s")
        #expect(decays[0].hasMeasuredDecay)
        #expect(DrumClassifier.metal(decays[0].decayTime) == .closedHat)
    }

    @Test func eventsCutBeforeTheirDecayCouldBeMeasuredDoNotMakeAHatACymbal() {
        let hatRise: [Float] = [0, 0, 0, 0, 0, 1, 4, 9]  // Power above 4 kHz: a hat's.
        func decay(_ seconds: Double, decayed: Bool) -> EventDecay {
            EventDecay(length: min(seconds, 0.5), decayTime: seconds, decayed: decayed, rise: hatRise)
        }
        let measured = [decay(0.06, decayed: true), decay(0.08, decayed: true)]
        let cut = [EventDecay](repeating: decay(DecayMeasurer.longestNote, decayed: false), count: 3)
        let decays = measured + cut
        let features = DrumClassifier.features(of: Array(decays.indices), decays: decays, alone: [Bool](repeating: true, count: 5))
        #expect(features.decay == 0.08)  // Not 8 s: the median of the measured ones.
        #expect(DrumClassifier.classify(features) == .closedHat)
        // Cut hits alone still say the sound rings on: a cymbal.
        let ringing = DrumClassifier.features(of: [0, 1, 2], decays: cut, alone: [true, true, true])
        #expect(ringing.decay == DecayMeasurer.longestNote && DrumClassifier.classify(ringing) == .cymbal)
        // A fall extrapolated to 2 s is a measurement: it counts.
        let slow = [decay(2, decayed: false), decay(0.06, decayed: true), decay(2.5, decayed: false)]
        #expect(DrumClassifier.features(of: [0, 1, 2], decays: slow, alone: [true, true, true]).decay == 2)
    }
}
