import Testing
@testable import Transcribe

/// A sound's runs far apart in a long song stay one sound only when they are alike (issue "One sound, one track
/// across a whole song").
@Suite struct RecurrenceTests {
    let recurrence = Recurrence(threshold: 10)

    /// Events 0–3 in one run, 4–7 in another `gap` seconds after; all in sound 0. Within a run events are 2 dB apart;
    /// across the runs, `across` dB.
    func split(gap: Double, across: Float) -> [Int] {
        let onsets = [0.0, 1, 2, 3] + [3 + gap, 4 + gap, 5 + gap, 6 + gap]
        return recurrence.split(labels: [Int](repeating: 0, count: 8), onsets: onsets) { i, j in (i < 4) == (j < 4) ? 2 : across }
    }

    @Test func aSoundThatReturnsAlikeStaysOneSound() {
        // 7 dB apart on average across the runs: within 0.8 × 10.
        #expect(split(gap: 60, across: 7) == [0, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func aSoundThatReturnsOnlyAsAlikeAsTheThresholdBecomesTwo() {
        // 9 dB: the clustering joined them (under 10 dB), a minute apart they are two sounds.
        #expect(split(gap: 60, across: 9) == [0, 0, 0, 0, 1, 1, 1, 1])
    }

    @Test func withinAClipNothingChanges() {
        // The same 9 dB, 20 s apart: one run, one sound, as in a short clip.
        #expect(split(gap: 20, across: 9) == [0, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func aPassagePlayedAgainNoteForNoteStaysOneSound() {
        // A sound whose hits differ (11 dB between two) returns a minute later hit for hit: each event has a twin 1 dB
        // away (within 0.2 × 10), though the runs are 8.5 dB apart on average (over 0.8 × 10: apart by that alone).
        let onsets = [0.0, 1, 2, 3, 63, 64, 65, 66]
        let labels = recurrence.split(labels: [Int](repeating: 0, count: 8), onsets: onsets) { i, j in
            i % 4 == j % 4 ? (i == j ? 0 : 1) : 11
        }
        #expect(labels == [0, 0, 0, 0, 0, 0, 0, 0])
        // Without twins (each hit 3 dB from its counterpart) the same sound becomes two.
        let apart = recurrence.split(labels: [Int](repeating: 0, count: 8), onsets: onsets) { i, j in
            i % 4 == j % 4 ? (i == j ? 0 : 3) : 11
        }
        #expect(apart == [0, 0, 0, 0, 1, 1, 1, 1])
    }

    @Test func runsAreCutWhereAGapIsLongerThanTheNeighbourhood() {
        let onsets = [50.0, 0, 10, 100, 151.5, 120]
        #expect(Recurrence.runs(of: [0, 1, 2, 3, 4, 5], onsets: onsets) == [[1, 2], [0], [3, 5], [4]])
    }

    @Test func otherSoundsStayWholeAndLabelsFollowFirstEvents() {
        // Sound 0 splits in two; sound 1 (one run) stays whole; labels are renumbered by each sound's first event.
        let onsets = [0.0, 1, 100, 101, 2, 3]
        let labels = recurrence.split(labels: [0, 0, 0, 0, 1, 1], onsets: onsets) { i, j in (i < 2) == (j < 2) ? 1 : 9 }
        #expect(labels == [0, 0, 1, 1, 2, 2])
    }
}
