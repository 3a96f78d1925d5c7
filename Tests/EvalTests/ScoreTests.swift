import Foundation
import SoundSortCore
import Testing
@testable import Eval

func note(_ onset: Double, _ pitch: Int, track: Int = 1, program: Int = 0, channel: Int = 0) -> Note {
    Note(onset: onset, offset: onset + 0.2, pitch: pitch, velocity: 100, channel: channel, track: track, program: program)
}

@Suite struct ScoreTests {
    /// Two sounds, chords and a kick + hat pair starting together: several maximum matchings exist.
    static let reference = NoteList(notes: (0..<8).flatMap { beat in
        [note(Double(beat) * 0.5, 60, track: 1), note(Double(beat) * 0.5, 64, track: 1),
         note(Double(beat) * 0.5, 36, track: 2, channel: 9), note(Double(beat) * 0.5 + 0.25, 42, track: 2, channel: 9)]
    }, trackNames: ["", "Keys", "Drums"])

    @Test func referenceAgainstItselfIsOneEverywhere() {
        let scores = score(estimate: Self.reference, reference: Self.reference,
                           options: ScoreOptions(referenceLabel: .programPitch, estimateLabel: .programPitch))
        for figures in [scores.noteOnset, scores.eventOnset, scores.mapped] {
            #expect(figures == PrecisionRecall(precision: 1, recall: 1, fMeasure: 1))
        }
        let c = scores.clustering
        #expect([c.adjustedRandIndex, c.normalizedMutualInformation, c.homogeneity, c.completeness, c.vMeasure, c.fowlkesMallows]
            .allSatisfy { abs($0 - 1) < 1e-12 })
        #expect(scores.soundRatio == 1)
        #expect(scores.unmatchedEstimatedSounds.isEmpty)
    }

    @Test func shiftedBy100msScoresZeroOnsets() {
        var shifted = Self.reference
        shifted.notes = shifted.notes.map { var n = $0; n.onset += 0.1; n.offset += 0.1; return n }
        let scores = score(estimate: shifted, reference: Self.reference)
        #expect(scores.noteOnset.fMeasure == 0 && scores.eventOnset.fMeasure == 0 && scores.mapped.fMeasure == 0)
        #expect(scores.matchedNotes == 0)
        #expect(scores.clustering == .nothingMatched)
    }

    @Test func matchingIsMaximumNotGreedy() {
        // Nearest-first pairs 0.16 with 0.08 and strands the rest; the maximum matching pairs both.
        let pairs = matchOnsets(reference: [0.0, 0.16], estimate: [0.08, 0.26], window: 0.1)
        #expect(pairs == [MatchedPair(reference: 0, estimate: 0), MatchedPair(reference: 1, estimate: 1)])
    }

    @Test func usesMirEvalsWindowEdge() {
        // |2.0 − 1.95| rounds to 0.05000000000000004, but 1.95 + 0.05 == 2.0: mir_eval counts it a hit.
        #expect(matchOnsets(reference: [2.0], estimate: [1.95], window: 0.05).count == 1)
        #expect(matchOnsets(reference: [2.0], estimate: [1.949], window: 0.05).isEmpty)
    }

    @Test func handComputedClusterFigures() {
        // labels_true [0,0,1,1], labels_pred [0,0,1,2]: ARI 4/7, NMI 4/5, h 1, c 2/3, V 4/5, FM 1/√2.
        let c = ClusterScores(truth: [0, 0, 1, 1], predicted: [0, 0, 1, 2])
        #expect(abs(c.adjustedRandIndex - 4.0 / 7) < 1e-12)
        #expect(abs(c.normalizedMutualInformation - 0.8) < 1e-12)
        #expect(abs(c.homogeneity - 1) < 1e-12)
        #expect(abs(c.completeness - 2.0 / 3) < 1e-12)
        #expect(abs(c.vMeasure - 0.8) < 1e-12)
        #expect(abs(c.fowlkesMallows - 1 / 2.0.squareRoot()) < 1e-12)
        // Everything in one predicted cluster: homogeneity 0, completeness 1 (sklearn's convention), ARI 0.
        let one = ClusterScores(truth: [0, 1, 2, 3], predicted: [0, 0, 0, 0])
        #expect(one.adjustedRandIndex == 0 && one.homogeneity == 0 && one.completeness == 1 && one.fowlkesMallows == 0)
    }

    @Test func emptySides() {
        let empty = NoteList(notes: [], trackNames: [])
        for (estimate, reference) in [(empty, Self.reference), (Self.reference, empty), (empty, empty)] {
            let scores = score(estimate: estimate, reference: reference)
            #expect(scores.noteOnset == PrecisionRecall(precision: 0, recall: 0, fMeasure: 0))
            #expect(scores.mapped.fMeasure == 0)
            #expect(scores.clustering == .nothingMatched)
            #expect(scores.orderContiguity == nil)
        }
        #expect(score(estimate: Self.reference, reference: empty).soundRatio == 0)
    }

    @Test func singleLabelOnTheEstimate() {
        var merged = Self.reference
        merged.notes = merged.notes.map { var n = $0; n.track = 1; return n }
        let scores = score(estimate: merged, reference: Self.reference)
        #expect(scores.noteOnset.fMeasure == 1)
        #expect(scores.estimatedSounds == 1 && scores.referenceSounds == 4)
        #expect(scores.clustering.homogeneity == 0 && scores.clustering.completeness == 1)
        // One estimated label maps to one of the four reference sounds: 8 of 32 notes correct.
        #expect(scores.mapped.precision == 0.25 && scores.mapped.recall == 0.25)
        #expect(scores.referenceBreakdown.count == 4)
        #expect(scores.referenceBreakdown.allSatisfy { $0.found == 8 && $0.foundIn.count == 1 })
    }

    @Test func unmatchedNotesOnly() {
        let estimate = NoteList(notes: [note(10, 60, track: 3), note(11, 61, track: 4)], trackNames: [])
        let scores = score(estimate: estimate, reference: Self.reference)
        #expect(scores.matchedNotes == 0 && scores.noteOnset.fMeasure == 0)
        #expect(scores.unmatchedEstimatedSounds.map(\.notes) == [1, 1])
        #expect(scores.referenceBreakdown.allSatisfy { $0.found == 0 && $0.mappedTo == nil })
    }

    @Test func eventOnsetsMergeWithin30ms() {
        #expect(mergeOnsets([0.0, 0.01, 0.029, 0.03, 0.05, 1.0], gap: 0.03) == [0.0, 0.03, 1.0])
    }

    @Test func orderContiguity() {
        // Instrument program 0 on tracks 1 and 3, program 5 on track 2: not adjacent. Drums alone: not counted.
        let reference = NoteList(notes: [note(0, 60, program: 0), note(1, 62, program: 0), note(2, 70, program: 5), note(3, 36, program: 0, channel: 9)],
                                 trackNames: [])
        let apart = NoteList(notes: [note(0, 60, track: 1), note(1, 62, track: 3), note(2, 70, track: 2), note(3, 36, track: 4)], trackNames: [])
        let together = NoteList(notes: [note(0, 60, track: 1), note(1, 62, track: 2), note(2, 70, track: 3), note(3, 36, track: 4)], trackNames: [])
        #expect(score(estimate: apart, reference: reference).orderContiguity == 0)
        #expect(score(estimate: together, reference: reference).orderContiguity == 1)
        #expect(score(estimate: reference, reference: reference).orderContiguity == nil)
    }

    @Test func hungarianOnRectangularMatrices() {
        // 2 rows × 3 columns and its transpose; the optimum takes the two cheapest compatible cells.
        #expect(minimumCostAssignment(rows: 2, columns: 3, cost: [4, 1, 3, 2, 0, 5]) == [1, 0])
        #expect(minimumCostAssignment(rows: 3, columns: 2, cost: [4, 2, 1, 0, 0, 5]) == [nil, 1, 0])
    }
}

@Suite struct SimultaneousNotesTests {
    /// Kick and hat together, and hats alone; the estimate's hat track happens to use the kick's note number.
    @Test func labelAgreementBeatsEqualPitch() {
        var reference: [Note] = [], estimate: [Note] = []
        for beat in 0..<8 {
            let t = Double(beat) * 0.5
            reference.append(note(t, 42, track: 1, channel: 9))
            estimate.append(note(t + 0.01, 36, track: 1, channel: 9))
            if beat % 2 == 0 {
                reference.append(note(t, 36, track: 1, channel: 9))
                estimate.append(note(t + 0.01, 38, track: 3, channel: 9))
            }
        }
        let scores = score(estimate: NoteList(notes: estimate, trackNames: []), reference: NoteList(notes: reference, trackNames: []))
        #expect(scores.mapped.fMeasure == 1)
        #expect(abs(scores.clustering.adjustedRandIndex - 1) < 1e-12)
    }
}
