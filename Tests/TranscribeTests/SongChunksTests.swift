import Foundation
import SoundSortCore
import Testing
import TestSupport
@testable import Transcribe

/// A long song is grouped a stretch at a time (issue "One sound, one track across a whole song").
@Suite struct SongChunksTests {
    @Test func aSteadySongIsCutAtTheWidestGapOfEachStretchsLastSeconds() {
        // An onset every 0.5 s for 100 s, with a slightly wider gap at 28.2 s and 58.7 s; nothing silent.
        var onsets = (0..<200).map { Double($0) * 0.5 }
        onsets = onsets.map { $0 >= 28.2 ? $0 + 0.1 : $0 }.map { $0 >= 58.7 ? $0 + 0.1 : $0 }
        let ranges = SongChunks.ranges(onsets: onsets) { _ in false }
        #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == onsets.count)
        #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        #expect(onsets[ranges[1].lowerBound] == 28.6)
        #expect(onsets[ranges[2].lowerBound] == 59.2)
        for range in ranges { #expect(onsets[range.upperBound - 1] - onsets[range.lowerBound] <= SongChunks.longest) }
    }

    @Test func aStretchEndsAtTheFirstSilentPauseAfterItsShortest() {
        // Onsets every 0.5 s, with silent gaps: 1.5 s at 12 s (too short to be a pause), 3 s at 5 s (too early), 3 s at
        // 20 s (the cut), and a 3 s gap at 35 s that is not silent.
        var onsets: [Double] = []
        var time = 0.0
        var silent: Set<Int> = []
        var loud: Set<Int> = []
        while time < 60 {
            onsets.append(time)
            let gap: Double
            switch time {
            case 5: gap = 3; silent.insert(onsets.count)
            case 12: gap = 1.5; silent.insert(onsets.count)
            case 20: gap = 3; silent.insert(onsets.count)
            case 35: gap = 3; loud.insert(onsets.count)
            default: gap = 0.5
            }
            time += gap
        }
        let ranges = SongChunks.ranges(onsets: onsets) { silent.contains($0) }
        #expect(onsets[ranges[0].upperBound - 1] == 20)
        #expect(onsets[ranges[1].lowerBound] == 23)
    }

    @Test func aSectionIsGroupedAsItIsAloneWhenASongComesBeforeIt() throws {
        // A 20-second section (two tones, a kick and a hat), first alone, then after 40 seconds of other sounds and a
        // silent pause: its events fall into the same sounds, pair for pair.
        func section(into signal: inout [Float], from start: Double) {
            let beats = (0..<40).map { start + 0.5 + Double($0) * 0.5 }
            Synth.addKick(to: &signal, onsets: beats.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
            Synth.addHat(to: &signal, onsets: beats.enumerated().filter { $0.offset % 2 == 1 }.map(\.element), amplitude: 0.2)
            Synth.addTone(to: &signal, timbre: .bright, midiNote: 57, onsets: beats.enumerated().filter { $0.offset % 4 == 0 }.map(\.element),
                          length: 0.3)
            Synth.addTone(to: &signal, timbre: .hollow, midiNote: 64, onsets: beats.enumerated().filter { $0.offset % 4 == 3 }.map(\.element),
                          length: 0.3)
        }
        var alone = Synth.silence(duration: 22)
        section(into: &alone, from: 0)
        var song = Synth.silence(duration: 65)
        let before = (0..<100).map { 0.5 + Double($0) * 0.4 }
        for (index, pitch) in [48, 52, 55, 60, 67].enumerated() {
            Synth.addTone(to: &song, timbre: index % 2 == 0 ? .hollow : .bright, midiNote: pitch,
                          onsets: before.enumerated().filter { $0.offset % 5 == index }.map(\.element), length: 0.3)
        }
        Synth.addSnare(to: &song, onsets: before.enumerated().filter { $0.offset % 4 == 2 }.map(\.element))
        Synth.addKick(to: &song, onsets: before.enumerated().filter { $0.offset % 4 == 0 }.map(\.element), startFrequency: 130, endFrequency: 45)
        Synth.addHat(to: &song, onsets: before.enumerated().filter { $0.offset % 2 == 1 }.map(\.element), amplitude: 0.25, decay: 0.05)
        section(into: &song, from: 43)
        let first = try Transcriber().transcribe(samples: alone, sampleRate: 44_100)
        let second = try Transcriber().transcribe(samples: song, sampleRate: 44_100)
        // Events known by their onset (10 ms) and pitch: a kick and a tone starting together are two events.
        func key(_ event: Event, shift: Double) -> [Int] {
            [Int(((event.onset + shift) * 100).rounded()), event.pitchHz.map { Int((69 + 12 * log2($0 / 440)).rounded()) } ?? -1]
        }
        let later = Dictionary(second.events.filter { $0.onset >= 43 }.map { (key($0, shift: 0), $0.sound) }, uniquingKeysWith: { a, _ in a })
        let pairs = first.events.compactMap { event in later[key(event, shift: 43)].map { (event.sound, $0) } }
        // What starts together is taken apart as in the section alone (one onset near the pause may differ: the
        // onsets' threshold follows the loudness of the 5 s around them).
        #expect(pairs.count >= first.events.count - 1, "\(pairs.count) of \(first.events.count) events found again")
        for i in pairs.indices {
            for j in pairs.indices where j > i {
                #expect((pairs[i].0 == pairs[j].0) == (pairs[i].1 == pairs[j].1))
            }
        }
    }
}

@Suite struct SoundLinkerTests {
    /// A patch of two blocks whose bands 0–15 are `low` dB and 16–31 `high` dB.
    static func patch(low: Float, high: Float) -> EventFeatures {
        let row = (0..<32).map { $0 < 16 ? low : high }
        return EventFeatures(patch: AttackPatch(blocks: 2, bands: 32, values: row + row, present: [true, true]))
    }

    @Test func aKickHeardUnderHatsInOneStretchIsTheKickOfAnother() {
        // Stretch 0: a kick (low bands loud) and a hat (high bands loud). Stretch 1: the kick twice alone and four
        // times as one part of a kick + hat onset (its patch holds both), and a third drum.
        let kick = Self.patch(low: 0, high: -40), hat = Self.patch(low: -40, high: 0), both = Self.patch(low: 0, high: 0)
        let other = Self.patch(low: -20, high: -20)
        let features = [kick, kick, kick, hat, hat] + [kick, kick, both, both, both, both, other, other]
        let labels = [0, 0, 0, 1, 1] + [0, 0, 0, 0, 0, 0, 1, 1]
        let stretchOf = [0, 0, 0, 0, 0] + [1, 1, 1, 1, 1, 1, 1, 1]
        // Events 7 and 8, and 9 and 10, are each the parts of one onset.
        let origins = [0, 1, 2, 3, 4] + [5, 6, 7, 7, 8, 8, 9, 10]
        let linker = SoundLinker(threshold: 5.5, voicedConfidence: 0.8, pitchTolerance: 0.5)
        let linked = linker.link(features: features, labels: labels, stretchOf: stretchOf, origins: origins)
        #expect(linked[5] == linked[0], "the kicks are one sound")
        #expect(Set(linked[11...12]).isDisjoint(with: [linked[0], linked[3]]), "the third drum is neither")
        // Counted with its shared parts, the second stretch's kick (mean 10 dB from the first's) stays apart.
        let unshared = linker.link(features: features, labels: labels, stretchOf: stretchOf, origins: Array(features.indices))
        #expect(unshared[5] != unshared[0])
    }

    @Test func hatsThatDieAtOtherRatesAreNotLinked() {
        // A hat in each stretch, the same patch: the first stretch's dies at 300 dB/s, the second's at 300 (linked)
        // or at 75, four times slower (an open hat: kept apart, a factor of 4 being the merge threshold).
        func hat(_ rate: Double) -> EventFeatures {
            var features = Self.patch(low: -40, high: 0)
            features.fallRate = rate
            return features
        }
        let linker = SoundLinker(threshold: 5.5, voicedConfidence: 0.8, pitchTolerance: 0.5)
        for (rate, apart) in [(300.0, false), (75.0, true)] {
            let linked = linker.link(features: [hat(300), hat(290), hat(rate), hat(rate)], labels: [0, 0, 0, 0], stretchOf: [0, 0, 1, 1],
                                     origins: [0, 1, 2, 3])
            #expect((linked[2] != linked[0]) == apart, "\(rate) dB/s")
        }
    }

    @Test func twoSoundsOfManyNotesAtOnePitchInOneStretchAreNotLinked() {
        // Two identical notes' sounds of three notes each in stretch 0 (kept apart there: two instruments at one
        // pitch) and one like both in stretch 1: it joins one of them.
        var note = Self.patch(low: 0, high: -40)
        note.pitch = PitchEstimate(frequency: 220, confidence: 1)
        let linked = SoundLinker(threshold: 5.5, voicedConfidence: 0.8, pitchTolerance: 0.5)
            .link(features: Array(repeating: note, count: 9), labels: [0, 0, 0, 1, 1, 1, 0, 0, 0], stretchOf: [0, 0, 0, 0, 0, 0, 1, 1, 1],
                  origins: Array(0..<9))
        #expect(linked[0] != linked[3])
        #expect(linked[6] == linked[0] || linked[6] == linked[3])
    }

    @Test func aFewNotesJoinTheSoundAtTheirPitchInTheirStretch() {
        // Four notes of one sound and, apart, a sound of two more at that pitch with the same attack: one sound when
        // they never start together; a third note, or one onset shared, keeps them apart (too many to be a stray, or
        // two sounds heard at once).
        var note = Self.patch(low: 0, high: -40)
        note.pitch = PitchEstimate(frequency: 220, confidence: 1)
        let linker = SoundLinker(threshold: 5.5, voicedConfidence: 0.8, pitchTolerance: 0.5)
        let two = linker.link(features: Array(repeating: note, count: 6), labels: [0, 0, 0, 0, 1, 1], stretchOf: Array(repeating: 0, count: 6),
                              origins: [0, 1, 2, 3, 4, 5])
        #expect(two[4] == two[0])
        let three = linker.link(features: Array(repeating: note, count: 7), labels: [0, 0, 0, 0, 1, 1, 1], stretchOf: Array(repeating: 0, count: 7),
                                origins: [0, 1, 2, 3, 4, 5, 6])
        #expect(three[4] != three[0])
        let together = linker.link(features: Array(repeating: note, count: 6), labels: [0, 0, 0, 0, 1, 1], stretchOf: Array(repeating: 0, count: 6),
                                   origins: [0, 1, 2, 3, 3, 4])
        #expect(together[4] != together[0])
        var other = note
        other.pitch = PitchEstimate(frequency: 233, confidence: 1)
        let semitone = linker.link(features: Array(repeating: note, count: 4) + [other, other], labels: [0, 0, 0, 0, 1, 1],
                                   stretchOf: Array(repeating: 0, count: 6), origins: [0, 1, 2, 3, 4, 5])
        #expect(semitone[4] != semitone[0], "a semitone apart: another note")
    }

    @Test func twoDrumsOfOneStretchAreJoinedUnlessTheyStartTogetherOrReadOtherPitches() {
        // A kick split in two by the first pass, the same patch and fall rate: one drum, unless the two start together
        // at an onset (two sounds) or read pitches a semitone apart (a tom's body, a bass note read as one).
        func kick(_ midi: Double?) -> EventFeatures {
            var features = Self.patch(low: 0, high: -40)
            features.fallRate = 150
            features.pitch = midi.map { PitchEstimate(frequency: 440 * pow(2, ($0 - 69) / 12), confidence: 0.3) }
            return features
        }
        let linker = SoundLinker(threshold: 5.5, voicedConfidence: 0.8, pitchTolerance: 0.5)
        let labels = [0, 0, 1, 1], stretchOf = [0, 0, 0, 0]
        let apart = linker.link(features: (0..<4).map { _ in kick(nil) }, labels: labels, stretchOf: stretchOf, origins: [0, 1, 2, 3])
        #expect(apart[0] == apart[2], "never together: one drum")
        let together = linker.link(features: (0..<4).map { _ in kick(nil) }, labels: labels, stretchOf: stretchOf, origins: [0, 1, 1, 2])
        #expect(together[0] != together[2], "they start together once: two drums")
        let samePitch = linker.link(features: [kick(40), kick(40), kick(40.2), kick(40.2)], labels: labels, stretchOf: stretchOf,
                                    origins: [0, 1, 2, 3])
        #expect(samePitch[0] == samePitch[2], "read within half a semitone")
        let otherPitch = linker.link(features: [kick(40), kick(40), kick(41), kick(41)], labels: labels, stretchOf: stretchOf,
                                     origins: [0, 1, 2, 3])
        #expect(otherPitch[0] != otherPitch[2], "read a semitone apart")
    }
}
