import Foundation
import SoundSortCore
import Testing
import TestSupport
@testable import MIDIIO

/// libsmf's return values are checked, and what it cannot hold is refused before it sees it: a clear error and no
/// file, never a trap converting a time to its int or a song saved without the event it refused.
@Suite struct MIDIWriteStatusTests {
    static func song(onset: Double = 0.5, tempo: Int = 500_000, tempoTime: Double = 0) -> MIDISong {
        MIDISong(tempoChanges: [.init(time: tempoTime, microsecondsPerQuarter: tempo)],
                 tracks: [.init(name: "S00", channel: 0, program: 0, notes: [.init(onset: onset, offset: onset + 0.25, pitch: 60, velocity: 90)])])
    }

    struct Wrong: CustomTestStringConvertible, Sendable {
        var name: String
        var song: MIDISong
        var reason: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        Wrong(name: "a tempo of 0", song: song(tempo: 0), reason: "a tempo of 0 µs per quarter note (allowed: 1…16777215)"),
        Wrong(name: "a tempo over three bytes", song: song(tempo: 1 << 24), reason: "a tempo of 16777216 µs per quarter note (allowed: 1…16777215)"),
        Wrong(name: "an onset of NaN", song: song(onset: .nan), reason: "a note or tempo change at nan s lies outside what a MIDI file can hold"),
        Wrong(name: "a note a billion seconds in", song: song(onset: 1e9),
              reason: "a note or tempo change at 1000000000.0 s lies outside what a MIDI file can hold"),
        Wrong(name: "a tempo change at infinity", song: song(tempoTime: .infinity),
              reason: "a note or tempo change at inf s lies outside what a MIDI file can hold"),
    ])
    func whatAMIDIFileCannotHoldIsRefused(_ wrong: Wrong) {
        let folder = TemporaryFolder()
        let path = folder.path("out.mid")
        #expect(throws: MIDIError.cannotWrite(path: path, reason: wrong.reason)) { try wrong.song.write(to: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect((try? FileManager.default.contentsOfDirectory(atPath: folder.url.path))?.isEmpty == true)
    }

    @Test func timesBeforeTheStartAreWrittenAtTheStart() throws {
        let folder = TemporaryFolder()
        let path = folder.path("early.mid")
        try Self.song(onset: -1, tempoTime: -2).write(to: path)
        let notes = try MIDIFile(path: path).notes.notes
        #expect(notes.count == 1)
        #expect(notes.first?.onset == 0)
    }
}
