import Foundation
import MIDIIO
import SoundSortCore
import Testing
import TestSupport
@testable import Eval

/// A corpus case's reference notes, for properties every correct scorer must have.
struct CorpusReference: CustomTestStringConvertible, Sendable {
    var name: String
    var path: String
    var testDescription: String { name }

    static let all: [CorpusReference] = {
        let cases = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../corpus/cases").standardizedFileURL
        let names = (try? FileManager.default.contentsOfDirectory(atPath: cases.path)) ?? []
        return names.filter { $0.hasSuffix(".mid") }.sorted().map {
            CorpusReference(name: String($0.dropLast(4)), path: cases.appendingPathComponent($0).path)
        }
    }()

    func notes() throws -> NoteList { try MIDIFile(path: path).notes }
}

/// Properties of the score on every corpus reference (issue "Score"): a perfect transcription scores 1 whatever
/// its note numbers, channels and track order, and known damage costs exactly what it should.
@Suite struct ScorePropertyTests {
    static let window = 0.05

    @Test func theCorpusHasReferences() { #expect(CorpusReference.all.count >= 12) }

    /// Every reference sound on a track of its own, in shuffled order, every note at `pitch`, on arbitrary channels.
    static func soundPerTrack(_ reference: NoteList, pitch: Int = 60, seed: UInt64) -> NoteList {
        let labels = Array(Set(reference.notes.map(LabelMode.programPitch.label(of:)))).sorted()
        var generator = SeededGenerator(seed: seed)
        let tracks = Array(1...labels.count).shuffled(using: &generator)
        let trackOf = Dictionary(uniqueKeysWithValues: zip(labels, tracks))
        return NoteList(notes: reference.notes.map { note in
            var moved = note
            moved.track = trackOf[LabelMode.programPitch.label(of: note)]!
            moved.channel = (moved.track * 7) % 16
            moved.program = 0
            moved.pitch = pitch
            return moved
        }, trackNames: [])
    }

    static func expectPerfectGrouping(_ scores: Scores, _ comment: Comment) {
        let c = scores.clustering
        for (name, value) in [("ARI", c.adjustedRandIndex), ("NMI", c.normalizedMutualInformation), ("homogeneity", c.homogeneity),
                              ("completeness", c.completeness), ("V", c.vMeasure), ("FM", c.fowlkesMallows),
                              ("mapped P", scores.mapped.precision), ("mapped R", scores.mapped.recall)] {
            #expect(value.isApproximatelyEqual(to: 1, absoluteTolerance: 1e-12), "\(comment): \(name) \(value)")
        }
    }

    @Test(arguments: CorpusReference.all)
    func referenceAgainstItselfIsOne(_ corpusCase: CorpusReference) throws {
        let reference = try corpusCase.notes()
        let scores = score(estimate: reference, reference: reference,
                           options: ScoreOptions(window: Self.window, referenceLabel: .programPitch, estimateLabel: .programPitch))
        #expect(scores.noteOnset.fMeasure == 1 && scores.eventOnset.fMeasure == 1)
        Self.expectPerfectGrouping(scores, "self")
        #expect(scores.soundRatio == 1)
    }

    @Test(arguments: CorpusReference.all)
    func soundPerTrackWithOneNoteNumberIsOne(_ corpusCase: CorpusReference) throws {
        let reference = try corpusCase.notes()
        for (seed, pitch) in [(1, 60), (2, 36), (3, 127)] as [(UInt64, Int)] {
            let scores = score(estimate: Self.soundPerTrack(reference, pitch: pitch, seed: seed), reference: reference)
            #expect(scores.noteOnset.fMeasure == 1)
            Self.expectPerfectGrouping(scores, "seed \(seed), note \(pitch)")
        }
    }

    @Test(arguments: CorpusReference.all)
    func oneSoundMovedToAnothersTrackIsAMerge(_ corpusCase: CorpusReference) throws {
        let reference = try corpusCase.notes()
        var estimate = Self.soundPerTrack(reference, seed: 4)
        // The two largest sounds share one track: a merge, never a split.
        let counts = Dictionary(grouping: estimate.notes, by: \.track).mapValues(\.count)
        let largest = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
        guard largest.count >= 2 else { return }
        estimate.notes = estimate.notes.map { var n = $0; if n.track == largest[1] { n.track = largest[0] }; return n }
        let scores = score(estimate: estimate, reference: reference)
        let c = scores.clustering
        #expect(c.adjustedRandIndex < 1 - 1e-9 && c.homogeneity < 1 - 1e-9 && scores.mapped.fMeasure < 1 - 1e-9)
        #expect(c.completeness.isApproximatelyEqual(to: 1, absoluteTolerance: 1e-12))
        // The merged track maps to one of its two sounds: exactly the other one's notes are wrong.
        let lost = counts[largest[1]]!
        #expect(scores.mapped.precision.isApproximatelyEqual(to: Double(reference.notes.count - lost) / Double(reference.notes.count),
                                                             absoluteTolerance: 1e-12))
    }

    @Test(arguments: CorpusReference.all)
    func droppedNotesCostExactlyTheirShareOfRecall(_ corpusCase: CorpusReference) throws {
        let reference = try corpusCase.notes()
        var generator = SeededGenerator(seed: 5)
        var estimate = Self.soundPerTrack(reference, seed: 5)
        let dropped = Int((0.15 * Double(estimate.notes.count)).rounded())
        estimate.notes = Array(estimate.notes.shuffled(using: &generator).dropFirst(dropped))
        let scores = score(estimate: NoteList(notes: estimate.notes, trackNames: []), reference: reference)
        #expect(scores.mapped.precision == 1)
        #expect(scores.mapped.recall == Double(reference.notes.count - dropped) / Double(reference.notes.count))
    }

    @Test(arguments: CorpusReference.all)
    func onsetsMovedWithinTheWindowScoreOne(_ corpusCase: CorpusReference) throws {
        let reference = try corpusCase.notes()
        var generator = SeededGenerator(seed: 6)
        var estimate = Self.soundPerTrack(reference, seed: 6)
        estimate.notes = estimate.notes.map { note in
            var moved = note
            moved.onset = max(0, note.onset + Double.random(in: -0.9 * Self.window...0.9 * Self.window, using: &generator))
            return moved
        }
        let scores = score(estimate: NoteList(notes: estimate.notes, trackNames: []), reference: reference)
        #expect(scores.noteOnset.fMeasure == 1)
        Self.expectPerfectGrouping(scores, "moved")
    }
}
