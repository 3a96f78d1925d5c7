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
