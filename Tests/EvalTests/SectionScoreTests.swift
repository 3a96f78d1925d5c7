import SoundSortCore
import Testing
import TestSupport
@testable import Eval

/// Sections scored apart on a song whose two tracks each hold one sound in one section and another in the next.
@Suite struct SectionScoreTests {
    static let first = SongSection(name: "A", start: 0, end: 10), second = SongSection(name: "B", start: 10, end: 20)

    /// Reference: sound X (pitch 60) at 1, 2, 3 and 10, 12; Y (64) at 4, 5; Z (67) at 13, 14, 15; one track each.
    static let reference = NoteList(notes: [1, 2, 3, 10, 12].map { note($0, 60, track: 1) } + [4, 5].map { note($0, 64, track: 2) }
                                    + [13, 14, 15].map { note($0, 67, track: 3) }, trackNames: ["", "X", "Y", "Z"])

    /// Estimate: track 1 holds X in A and Z in B (but for 15, missed); track 2 holds Y in A and X in B.
    static let estimate = NoteList(notes: [1, 2, 3, 13, 14].map { note($0, 60, track: 1) } + [4, 5, 10, 12].map { note($0, 64, track: 2) },
                                   trackNames: ["", "S1", "S2"])

    @Test func eachSectionIsScoredWithItsOwnLabelMap() throws {
        let whole = score(estimate: Self.estimate, reference: Self.reference)
        // Whole: one map for both sections; the best pairs track 1 with X (3) and track 2 with Y (2): 5 of 9 and 10.
        #expect(whole.mapped == PrecisionRecall(correct: 5, estimated: 9, reference: 10))
        #expect(whole.mapped.fMeasure.isApproximatelyEqual(to: 10.0 / 19))

        let sections = scoreSections(estimate: Self.estimate, reference: Self.reference, sections: [Self.first, Self.second])
        try #require(sections.count == 2)
        // A: 5 notes each side, every track one sound.
        #expect(sections[0].referenceNotes == 5 && sections[0].estimatedNotes == 5)
        #expect(sections[0].mapped == PrecisionRecall(precision: 1, recall: 1, fMeasure: 1))
        #expect(sections[0].estimatedSounds == 2 && sections[0].referenceSounds == 2)
        // B: the note at 10.0 belongs to B; 15 is missed: 4 right of 4 found and 5 played.
        #expect(sections[1].referenceNotes == 5 && sections[1].estimatedNotes == 4)
        #expect(sections[1].mapped == PrecisionRecall(correct: 4, estimated: 4, reference: 5))
        #expect(sections[1].mapped.fMeasure.isApproximatelyEqual(to: 8.0 / 9))
        #expect(sections[1].clustering.adjustedRandIndex.isApproximatelyEqual(to: 1))
    }

    @Test func aNoteBelongsToTheSectionItStartsIn() {
        let notes = NoteList(notes: [note(9.999, 60), note(10, 60), note(20, 60)], trackNames: [])
        #expect(notes.notes(in: Self.first).notes.map(\.onset) == [9.999])
        #expect(notes.notes(in: Self.second).notes.map(\.onset) == [10])
        #expect(notes.notes(in: Self.second).trackNames == notes.trackNames)
    }

    /// A section of 9 notes at F 0.5 and one of 1 note at F 1: the plain mean is 0.75, weighted by notes 0.55.
    @Test func theSectionsMeanWeightedByTheirNotes() throws {
        #expect(try #require(notesWeightedMean([0.5, 1], weights: [9, 1])).isApproximatelyEqual(to: 0.55))
        #expect(notesWeightedMean([0.5, 1], weights: [0, 0]) == nil)
        #expect(notesWeightedMean([], weights: []) == nil)
        // The song's own sections weigh 5 and 5: the same as the plain mean.
        let sections = scoreSections(estimate: Self.estimate, reference: Self.reference, sections: [Self.first, Self.second])
        let weighted = notesWeightedMean(sections.map(\.mapped.fMeasure), weights: sections.map(\.referenceNotes))
        #expect(try #require(weighted).isApproximatelyEqual(to: (1 + 8.0 / 9) / 2))
    }

    @Test func noSectionsNoScores() {
        #expect(scoreSections(estimate: Self.estimate, reference: Self.reference, sections: []).isEmpty)
    }
}
