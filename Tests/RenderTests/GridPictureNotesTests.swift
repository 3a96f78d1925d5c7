import Eval
import Render
import SoundSortCore
import Testing

/// Rows of a MIDI file's notes, marked against a reference: where missed notes go.
@Suite struct GridPictureNotesTests {
    static func note(_ onset: Double, pitch: Int, track: Int = 0) -> Note {
        Note(onset: onset, offset: onset + 0.25, pitch: pitch, velocity: 100, channel: track, track: track, program: 0)
    }

    /// Two tracks: C4 at 0, 1, 2 s and E4 at 0.5, 1.5 s.
    static let estimate = NoteList(notes: [0, 1, 2].map { note($0, pitch: 60) } + [0.5, 1.5].map { note($0, pitch: 64, track: 1) },
                                   trackNames: ["S00 tonal C4", "S01 tonal E4"])

    @Test func oneRowPerTrackNamedAfterIt() {
        let picture = GridPicture(notes: Self.estimate, label: .track, duration: 4)
        #expect(picture.rows.map(\.label) == ["S00 tonal C4", "S01 tonal E4"])
        #expect(picture.rows.map { $0.blocks.map(\.start) } == [[0, 1, 2], [0.5, 1.5]])
        #expect(picture.rows.allSatisfy { $0.blocks.allSatisfy { $0.mark == .plain } })
        #expect(picture.rows.map(\.pitch) == [60, 64])
    }

    @Test func aMissedNoteGoesOnItsSoundsRowAndAnUnmatchedSoundGetsItsOwn() throws {
        // The reference also has C4 at 3 s (missed: on C4's row) and G4 at 2.5 s (a sound nothing matched).
        let reference = NoteList(notes: [0, 1, 2, 3].map { Self.note($0, pitch: 60) } + [0.5, 1.5].map { Self.note($0, pitch: 64) }
                                 + [Self.note(2.5, pitch: 67)], trackNames: [""])
        let picture = GridPicture(notes: Self.estimate, label: .track, duration: 4, reference: (reference, ScoreOptions()))
        #expect(picture.rows.count == 3)
        let c4 = picture.rows[0].blocks
        #expect(c4.filter { $0.mark == .matched }.map(\.start) == [0, 1, 2])
        #expect(c4.filter { $0.mark == .missed }.map(\.start) == [3])
        #expect(picture.rows[1].blocks.allSatisfy { $0.mark == .matched })
        let missed = picture.rows[2]
        #expect(missed.label.hasPrefix("missed: "), "\(missed.label)")
        #expect(missed.blocks.map(\.start) == [2.5] && missed.blocks.allSatisfy { $0.mark == .missed })
        #expect(missed.pitch == 67)
    }

    @Test func aNoteNoReferenceHasIsAFalseAlarm() {
        let reference = NoteList(notes: [0, 1, 2].map { Self.note($0, pitch: 60) }, trackNames: [""])
        let picture = GridPicture(notes: Self.estimate, label: .track, duration: 4, reference: (reference, ScoreOptions()))
        #expect(picture.rows[1].blocks.allSatisfy { $0.mark == .falseAlarm })
        #expect(picture.rows[0].blocks.allSatisfy { $0.mark == .matched })
    }
}
