import Foundation
import SoundSortCore
import Testing
import TestSupport
@testable import MIDIIO

@Suite struct MIDIWriteTests {
    static let song = MIDISong(
        tempoChanges: [.init(time: 0, microsecondsPerQuarter: 500_000), .init(time: 2.0, microsecondsPerQuarter: 375_000)],
        tracks: [
            .init(name: "S00 tonal C4", channel: 0, program: 0, notes: (0..<12).map {
                .init(onset: 0.3 * Double($0) + 0.0137, offset: 0.3 * Double($0) + 0.2, pitch: 60 + $0 % 3, velocity: 40 + 7 * $0)
            }),
            .init(name: "S01 percussive", channel: 9, program: nil, notes: [
                .init(onset: 0.5, offset: 0.55, pitch: 36, velocity: 127), .init(onset: 2.75, offset: 2.8, pitch: 36, velocity: 100),
            ]),
        ])

    @Test func roundTripAcrossATempoChange() throws {
        let folder = TemporaryFolder()
        let path = folder.path("song.mid")
        try Self.song.write(to: path)
        let file = try MIDIFile(path: path)
        #expect(file.format == 1)
        #expect(file.ticksPerQuarter == 480)
        #expect(file.notes.trackNames == ["", "S00 tonal C4", "S01 percussive"])
        #expect(file.tempoChanges.map(\.microsecondsPerQuarter) == [500_000, 375_000])
        let written = Self.song.tracks.enumerated().flatMap { index, track in
            track.notes.map { (track: index + 1, channel: track.channel, note: $0) }
        }.sorted { ($0.note.onset, $0.note.pitch) < ($1.note.onset, $1.note.pitch) }
        let read = file.notes.notes
        try #require(read.count == written.count)
        for (got, want) in zip(read, written) {
            #expect(abs(got.onset - want.note.onset) < 0.001)
            #expect(abs(got.offset - want.note.offset) < 0.001)
            #expect(got.pitch == want.note.pitch && got.velocity == want.note.velocity)
            #expect(got.track == want.track && got.channel == want.channel)
        }
    }

    @Test func writingIsByteIdentical() throws {
        let folder = TemporaryFolder()
        try Self.song.write(to: folder.path("a.mid"))
        try Self.song.write(to: folder.path("b.mid"))
        let a = try Data(contentsOf: URL(fileURLWithPath: folder.path("a.mid")))
        let b = try Data(contentsOf: URL(fileURLWithPath: folder.path("b.mid")))
        #expect(a == b && a.count > 100)
    }

    @Test func leavesNoFileWhenTheFolderIsMissing() {
        #expect(throws: MIDIError.self) { try Self.song.write(to: "/nonexistent-folder/out.mid") }
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent-folder/out.mid"))
    }

    @Test func repeatedNoteReleasesBeforeItStartsAgain() throws {
        let folder = TemporaryFolder()
        let song = MIDISong(tempoChanges: [], tracks: [.init(name: "x", channel: 0, program: nil, notes: [
            .init(onset: 0, offset: 0.5, pitch: 60, velocity: 100), .init(onset: 0.5, offset: 1, pitch: 60, velocity: 90),
        ])])
        try song.write(to: folder.path("r.mid"))
        let notes = try MIDIFile(path: folder.path("r.mid")).notes.notes
        #expect(notes.map(\.velocity) == [100, 90])
        #expect(notes.map(\.offset) == [0.5, 1.0])
    }

    static let eighteenSounds = (0..<18).map { index in
        Sound(id: index, name: "S\(index)", kind: index == 0 || index == 12 ? .percussive : .tonal, midiNote: 40 + index, pitchHz: nil, exemplar: 0)
    }

    @Test func transcriptionGetsATrackPerSoundDrumsOnChannelTen() {
        let events = [Event(onset: 0, duration: 1, sound: 3, velocity: 90), Event(onset: 0.5, duration: 1, sound: 3, velocity: 80)]
        let song = MIDISong(transcription: Transcription(duration: 2, sampleRate: 44_100, tempo: 100, sounds: Self.eighteenSounds, events: events))
        #expect(song.tracks.count == 18)
        // Percussive sounds on channel 10 (index 9); the 16 tonal ones on the other channels in turn, wrapping after 15
        // and never on 9.
        #expect(song.tracks.map(\.channel) == [9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 9, 12, 13, 14, 15, 0])
        #expect(song.tracks.map(\.program) == Self.eighteenSounds.map { $0.kind == .tonal ? 0 : nil })
        #expect(song.tracks[3].notes.map(\.offset) == [0.5, 1.5])  // Cut at the sound's next onset.
        #expect(song.tempoChanges == [.init(time: 0, microsecondsPerQuarter: 600_000)])
    }

    @Test func withoutGeneralMIDIDrumsEverySoundTakesTheNextChannel() {
        let song = MIDISong(transcription: Transcription(duration: 2, sampleRate: 44_100, sounds: Self.eighteenSounds, events: []),
                            drums: .channelPerSound)
        // The layout before drum classes: tonal sounds skip channel 9, a percussive one may land on it.
        #expect(song.tracks.map(\.channel) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 0, 1, 2])
    }

    static let mapped = Transcription(
        duration: 8, sampleRate: 44_100,
        tempoMap: TempoMap(segments: [.init(time: 0, beat: 0, beatsPerMinute: 120), .init(time: 4.25, beat: 8.5, beatsPerMinute: 90)],
                           pickupBeats: 0.5),
        sounds: [Sound(id: 0, name: "S00 tonal C4", kind: .tonal, midiNote: 60, pitchHz: 261.6, exemplar: 0)],
        events: [0.27, 1.01, 4.93, 6.3].map { Event(onset: $0, duration: 0.2, sound: 0, velocity: 90) })

    @Test func theTempoMapIsWrittenAndTheNotesKeepTheirTimes() throws {
        let folder = TemporaryFolder()
        try MIDISong(transcription: Self.mapped).write(to: folder.path("map.mid"))
        let file = try MIDIFile(path: folder.path("map.mid"))
        #expect(zip(file.tempoChanges.map(\.beatsPerMinute), [120.0, 90]).allSatisfy { abs($0 - $1) < 0.001 })
        #expect(abs(file.tempoChanges[1].time - 4.25) < 0.001)
        #expect(zip(file.notes.notes.map(\.onset), [0.27, 1.01, 4.93, 6.3]).allSatisfy { abs($0 - $1) < 0.002 })
    }

    @Test(arguments: [(0.0, ["4/4 at 0.0"]), (0.5, ["1/8 at 0.0", "4/4 at 0.5"]), (1.0, ["1/4 at 0.0", "4/4 at 1.0"]),
                      (0.75, ["3/16 at 0.0", "4/4 at 0.75"]), (5.0, ["1/4 at 0.0", "4/4 at 1.0"]), (4.0, ["4/4 at 0.0"])])
    func aPickupIsABarAsLongAsTheLeadIn(pickup: Double, expected: [String]) {
        let signatures = MIDISong.timeSignatures(pickupBeats: pickup, beatsPerBar: 4)
        #expect(signatures.map { "\($0.numerator)/\($0.denominator) at \($0.beat)" } == expected)
    }

    @Test func quantizingSnapsNotesToTheGridFromTheFirstBarLine() {
        // Sixteenths (a quarter beat) from the bar line at 0.25 s; 90 BPM after 4.25 s.
        let song = MIDISong(transcription: Self.mapped, quantize: 0.25)
        let onsets = song.tracks[0].notes.map(\.onset)
        #expect(zip(onsets, [0.25, 1.0, 4.25 + 1 / 1.5, 6.25]).allSatisfy { abs($0 - $1) < 1e-9 }, "\(onsets)")
        // A 0.2 s note at 120 BPM snaps to 0.5 beat; none is shorter than a step.
        #expect(song.tracks[0].notes.allSatisfy { $0.offset - $0.onset >= 0.125 - 1e-9 })
    }
}
