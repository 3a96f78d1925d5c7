import Foundation
import SoundSortCore
import Testing
import TestSupport
@testable import MIDIIO

struct ExpectedFile: Decodable {
    struct ExpectedNote: Decodable { var onset, offset: Double; var pitch, velocity, program: Int; var drum: Bool }
    struct ExpectedTempo: Decodable { var time, bpm: Double }
    var notes: [ExpectedNote]
    var trackNames: [String]
    var format: Int
    var tempoChanges: [ExpectedTempo]
}

@Suite struct MIDIReadTests {
    static let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
    static let expected = try! JSONDecoder().decode([String: ExpectedFile].self,
                                                     from: Data(contentsOf: fixtures.appendingPathComponent("expected.json")))

    @Test(arguments: expected.keys.sorted())
    func readsFilesWrittenByOtherTools(name: String) throws {
        let answer = Self.expected[name]!
        let file = try MIDIFile(path: Self.fixtures.appendingPathComponent(name).path)
        #expect(file.format == answer.format)
        #expect(file.notes.trackNames == answer.trackNames)
        #expect(file.tempoChanges.count == answer.tempoChanges.count)
        for (tempo, expected) in zip(file.tempoChanges, answer.tempoChanges) {
            #expect(abs(tempo.time - expected.time) < 1e-6)
            #expect(abs(tempo.beatsPerMinute - expected.bpm) < 1e-3)
        }
        let notes = file.notes.notes
        try #require(notes.count == answer.notes.count)
        for (note, expected) in zip(notes, answer.notes) {
            #expect(abs(note.onset - expected.onset) < 1e-6, "onset of pitch \(note.pitch)")
            #expect(abs(note.offset - expected.offset) < 1e-6, "offset of pitch \(note.pitch)")
            #expect(note.pitch == expected.pitch)
            #expect(note.velocity == expected.velocity)
            #expect(note.program == expected.program)
            #expect(note.isDrum == expected.drum)
        }
    }

    @Test func pairsOverlappingNotesOfOnePitchFirstInFirstOut() throws {
        // Two note-ons of pitch 60 before two note-offs: the first on ends at the first off.
        let track: [UInt8] = [0x00, 0x90, 60, 100, 0x60, 0x90, 60, 80, 0x60, 0x80, 60, 0, 0x60, 0x80, 60, 0] + SMFBytes.endOfTrack
        let file = try MIDIFile(bytes: SMFBytes.file(format: 0, division: 96, tracks: [track]), path: "fifo.mid")
        let notes = file.notes.notes
        #expect(notes.map(\.velocity) == [100, 80])
        #expect(notes.map(\.onset) == [0, 0.5])
        #expect(notes.map(\.offset) == [1.0, 1.5])
    }

    @Test func readsRunningStatusAcrossMetaEventsAndMasksDataBytes() throws {
        // Note-on, a text meta event, then running-status data: tolerant readers keep the status. 0xC8 velocity is masked.
        let track: [UInt8] = [0x00, 0x90, 62, 0xC8, 0x00, 0xFF, 0x01, 0x02, 0x68, 0x69, 0x60, 62, 0x00]
        let file = try MIDIFile(bytes: SMFBytes.file(format: 0, division: 96, tracks: [track]), path: "unusual.mid")
        #expect(file.notes.notes.count == 1)
        #expect(file.notes.notes.first?.velocity == 0x48)
        #expect(file.notes.notes.first?.offset == 0.5)
    }

    @Test func addsMissingEndOfTrackAndClosesHangingNotes() throws {
        // No end-of-track; the note-off of 64 never comes; a note-off of 65 has no note-on.
        let track: [UInt8] = [0x00, 0x90, 64, 90, 0x00, 0x80, 65, 0, 0x83, 0x00, 0x90, 67, 90, 0x60, 0x80, 67, 0]
        let file = try MIDIFile(bytes: SMFBytes.file(format: 0, division: 96, tracks: [track]), path: "hanging.mid")
        let notes = file.notes.notes
        #expect(notes.map(\.pitch) == [64, 67])
        #expect(notes[0].offset == 2.5)  // Ends with the file's last event.
    }

    @Test func skipsUnknownChunks() throws {
        let track: [UInt8] = [0x00, 0x90, 60, 100, 0x60, 0x80, 60, 0] + SMFBytes.endOfTrack
        var bytes = SMFBytes.file(format: 0, division: 96, tracks: [])
        bytes += SMFBytes.chunk("XFIH", [1, 2, 3]) + SMFBytes.chunk("MTrk", track)
        #expect(try MIDIFile(bytes: bytes, path: "x.mid").notes.notes.count == 1)
    }
}
