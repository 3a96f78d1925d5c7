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
