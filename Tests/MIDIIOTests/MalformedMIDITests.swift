import Foundation
import Testing
import TestSupport
@testable import MIDIIO

struct MalformedCase: CustomTestStringConvertible, Sendable {
    var name: String
    var bytes: [UInt8]
    var error: MIDIError
    var testDescription: String { name }
}

@Suite struct MalformedMIDITests {
    static let note: [UInt8] = [0x00, 0x90, 60, 100, 0x60, 0x80, 60, 0]
    static let cases: [MalformedCase] = [
        .init(name: "empty file", bytes: [], error: .malformed(path: "m.mid", reason: "empty file")),
        .init(name: "truncated header", bytes: Array("MThd".utf8) + [0, 0, 0, 6, 0],
              error: .malformed(path: "m.mid", reason: "file too short for a MIDI header (9 bytes)")),
        .init(name: "not MIDI", bytes: Array("RIFX this is not a midi file at all".utf8), error: .malformed(path: "m.mid", reason: "no MThd header")),
        .init(name: "format 2", bytes: SMFBytes.file(format: 2, tracks: [note + SMFBytes.endOfTrack]),
              error: .unsupported(path: "m.mid", reason: "format 2 (independent sequences) is not supported")),
        .init(name: "SMPTE division", bytes: SMFBytes.file(division: 0xE728, tracks: [note + SMFBytes.endOfTrack]),
              error: .unsupported(path: "m.mid", reason: "SMPTE time division is not supported")),
        .init(name: "zero tracks", bytes: SMFBytes.file(tracks: []), error: .malformed(path: "m.mid", reason: "no track chunks")),
        .init(name: "chunk length beyond the file", bytes: Array(SMFBytes.file(tracks: [note + SMFBytes.endOfTrack]).dropLast(3)),
              error: .malformed(path: "m.mid", reason: "chunk 'MTrk' at byte 14 claims 12 bytes but only 9 remain")),
        .init(name: "quantity of five bytes", bytes: SMFBytes.file(tracks: [[0x81, 0x81, 0x81, 0x81, 0x01, 0x90, 60, 100]]),
              error: .malformed(path: "m.mid", reason: "variable-length quantity longer than 4 bytes at byte 22")),
        .init(name: "event cut by the chunk end", bytes: SMFBytes.file(tracks: [[0x00, 0x90, 60]]),
              error: .malformed(path: "m.mid", reason: "track chunk ends inside an event (byte 25)")),
        .init(name: "tempo 0", bytes: SMFBytes.file(tracks: [[0x00, 0xFF, 0x51, 0x03, 0, 0, 0] + note]),
              error: .malformed(path: "m.mid", reason: "track 0: tempo of 0 µs per quarter note (byte 22)")),
        .init(name: "tempo of 2 bytes", bytes: SMFBytes.file(tracks: [[0x00, 0xFF, 0x51, 0x02, 7, 0xA1] + note]),
              error: .malformed(path: "m.mid", reason: "track 0: tempo event of 2 bytes instead of 3 (byte 22)")),
        .init(name: "data byte first", bytes: SMFBytes.file(tracks: [[0x00, 0x3C, 0x40]]),
              error: .malformed(path: "m.mid", reason: "track 0: data byte 0x3C without a status byte at byte 23")),
        .init(name: "system common status", bytes: SMFBytes.file(tracks: [[0x00, 0xF2, 0x01, 0x01]]),
              error: .malformed(path: "m.mid", reason: "track 0: status byte 0xF2 is not allowed in a MIDI file (byte 22)")),
    ]

    @Test(arguments: cases)
    func refusedWithAClearError(_ malformed: MalformedCase) {
        #expect(throws: malformed.error) { try MIDIFile(bytes: malformed.bytes, path: "m.mid") }
    }

    @Test func directoryAndMissingFile() {
        #expect(throws: MIDIError.cannotRead(path: "/tmp", reason: "is a directory")) { try MIDIFile(path: "/tmp") }
        #expect(throws: MIDIError.cannotRead(path: "/no/such.mid", reason: "no such file")) { try MIDIFile(path: "/no/such.mid") }
    }
}

/// Inputs that once crashed libsmf behind the guard (found by scripts/fuzz-midi) and cases of the same kind.
@Suite struct LibSMFGuardTests {
    static let malformed = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("Malformed")

    @Test func readsEveryFuzzFinding() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.malformed.path).filter { $0.hasSuffix(".mid") }
        #expect(!files.isEmpty)
        for file in files {
            // Either notes or a MIDIError: never a crash.
            _ = try? MIDIFile(path: Self.malformed.appendingPathComponent(file).path)
        }
    }

    @Test func longTrackNameIsReadWhole() throws {
        // libsmf takes a meta length as one byte: a 200-byte name used to desynchronise it.
        let name = String(repeating: "Lead synth ", count: 18) + "end"
        let track: [UInt8] = [0x00, 0xFF, 0x03, 0x81, UInt8(name.utf8.count - 128)] + Array(name.utf8)
            + [0x00, 0x90, 60, 100, 0x60, 0x80, 60, 0] + SMFBytes.endOfTrack
        let file = try MIDIFile(bytes: SMFBytes.file(format: 0, division: 96, tracks: [track]), path: "name.mid")
        #expect(file.notes.trackNames == [name])
        #expect(file.notes.notes.count == 1)
    }

    @Test func tempoWithARealTimeByteKeepsExactTimes() throws {
        // 0x07FFFF µs per quarter note: libsmf would skip the 0xFF bytes as real-time messages.
        let track: [UInt8] = [0x00, 0xFF, 0x51, 0x03, 0x07, 0xFF, 0xFF, 0x00, 0x90, 60, 100, 0x60, 0x80, 60, 0] + SMFBytes.endOfTrack
        let file = try MIDIFile(bytes: SMFBytes.file(format: 0, division: 96, tracks: [track]), path: "tempo.mid")
        #expect(file.tempoChanges == [.init(time: 0, microsecondsPerQuarter: 0x07FFFF)])
        #expect(abs(file.notes.notes[0].offset - Double(0x07FFFF) / 1_000_000) < 1e-12)
    }

    @Test func writerKeepsNamesLibsmfCanReadBack() throws {
        let folder = TemporaryFolder()
        let long = String(repeating: "é", count: 100)  // 200 bytes of UTF-8.
        try MIDISong(tempoChanges: [], tracks: [.init(name: long, channel: 0, program: nil, notes: [.init(onset: 0, offset: 1, pitch: 60, velocity: 90)])])
            .write(to: folder.path("n.mid"))
        let read = try MIDIFile(path: folder.path("n.mid"))
        #expect(read.notes.trackNames[1] == String(repeating: "é", count: 63))
        #expect(read.notes.notes.count == 1)
    }
}

@Suite struct UnusualMIDITests {
    @Test func runningStatusAfterSysexIsKept() throws {
        // Note-on, a sysex, then running-status data for another note-on and both note-offs.
        let track: [UInt8] = [0x00, 0x90, 60, 100, 0x00, 0xF0, 0x03, 0x7E, 0x01, 0xF7, 0x00, 64, 90,
                              0x60, 0x80, 60, 0, 0x00, 64, 0] + SMFBytes.endOfTrack
        let notes = try MIDIFile(bytes: SMFBytes.file(format: 0, division: 96, tracks: [track]), path: "sysex.mid").notes.notes
        #expect(notes.map(\.pitch) == [60, 64])
        #expect(notes.map(\.offset) == [0.5, 0.5])
    }

    @Test func declaredTrackCountNeedNotMatch() throws {
        let track: [UInt8] = [0x00, 0x90, 60, 100, 0x60, 0x80, 60, 0] + SMFBytes.endOfTrack
        let file = try MIDIFile(bytes: SMFBytes.file(format: 1, trackCount: 5, division: 96, tracks: [track, track]), path: "count.mid")
        #expect(file.tracks.count == 2 && file.notes.notes.count == 2)
    }

    @Test func eventsAfterEndOfTrackAreIgnored() throws {
        let track: [UInt8] = [0x00, 0x90, 60, 100, 0x60, 0x80, 60, 0] + SMFBytes.endOfTrack + [0x00, 0x90, 62, 100]
        #expect(try MIDIFile(bytes: SMFBytes.file(format: 0, division: 96, tracks: [track]), path: "after.mid").notes.notes.count == 1)
    }
}
