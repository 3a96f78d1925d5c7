import Foundation
import MIDIIO
import Testing
import TestSupport

@Suite struct TranscribeCommandTests {
    /// Clicks and two tones, written as FLAC.
    static func writeSong(in folder: TemporaryFolder) throws -> String {
        var signal = Synth.silence(duration: 4)
        Synth.addClicks(to: &signal, onsets: [0.2, 1.2, 2.2, 3.2])
        Synth.addTone(to: &signal, frequency: 440, onsets: [0.7, 2.7], length: 0.4)
        Synth.addTone(to: &signal, frequency: 330, onsets: [1.7], length: 0.4)
        return try folder.writeAudio("song.flac", signal, encoding: .flac16)
    }

    @Test func writesMIDIJSONLabelsAndPicture() throws {
        let folder = TemporaryFolder()
        let song = try Self.writeSong(in: folder)
        let result = try runSoundSort(["transcribe", song, "--json", folder.path("song.json"), "--labels", folder.path("song.txt"),
                                       "--grid", folder.path("song.png"), "--spectrogram"])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first == "7 events, 3 sounds → \(folder.path("song.mid"))")
        // Then one line per sound, in track order, with its events: 4 clicks, 2 + 1 tones.
        #expect(lines.count == 4)
        #expect(lines.dropFirst().map { $0.split(separator: " ").suffix(2).first.map(String.init) ?? "" }.sorted() == ["1", "2", "4"])
        let midi = try MIDIFile(path: folder.path("song.mid"))
        #expect(midi.format == 1 && midi.tracks.count == 4)  // Tempo track + one per sound.
        #expect(midi.notes.notes.count == 7)
        let labels = try String(contentsOfFile: folder.path("song.txt"), encoding: .utf8).split(separator: "\n")
        #expect(labels.count == 7)
        #expect(labels[0].hasPrefix("0.2") && labels[0].split(separator: "\t").count == 3)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.path("song.json")))) as! [String: Any]
        #expect((json["events"] as? [Any])?.count == 7 && (json["sounds"] as? [Any])?.count == 3)
        #expect(try PNGImage(path: folder.path("song.png")).width > 600)
    }

    /// The JSON gives every sound its instrument: the percussive sounds one (the kit, first), instruments in display
    /// order, each a run of adjacent sounds; the track list names the same instrument on each sound's line.
    @Test func theJSONAndTheTrackListCarryEachSoundsInstrument() throws {
        let folder = TemporaryFolder()
        let song = try Self.writeSong(in: folder)
        let result = try runSoundSort(["transcribe", song, "--json", folder.path("song.json")])
        #expect(result.status == 0, "\(result.standardError)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.path("song.json")))) as! [String: Any]
        let sounds = try #require(json["sounds"] as? [[String: Any]])
        let instruments = try sounds.map { try #require($0["instrument"] as? Int, "a sound without an instrument: \($0)") }
        let kinds = sounds.map { $0["kind"] as? String }
        #expect(instruments.count == 3 && kinds.filter { $0 == "percussive" }.count == 1 && kinds.first == "percussive")
        #expect(instruments.first == 0)
        // Numbered from 0 in display order, each a run: never back to an earlier one.
        #expect(zip(instruments, instruments.dropFirst()).allSatisfy { $1 == $0 || $1 == $0 + 1 }, "\(instruments)")
        #expect(instruments.dropFirst().allSatisfy { $0 >= 1 })  // The tones are not in the kit.
        let lines = result.standardOutput.split(separator: "\n").dropFirst().map(String.init)
        #expect(lines.count == 3)
        for (line, instrument) in zip(lines, instruments) {
            let name = instrument == 0 ? "kit" : "instrument \(instrument + 1)"
            #expect(line.contains("  \(name)  "), "\(line) should name \(name)")
        }
    }

    @Test func sameSongSameBytes() throws {
        let folder = TemporaryFolder()
        let song = try Self.writeSong(in: folder)
        #expect(try runSoundSort(["transcribe", song, "-o", folder.path("a.mid")]).status == 0)
        #expect(try runSoundSort(["transcribe", song, "-o", folder.path("b.mid")]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.path("a.mid"))) == Data(contentsOf: URL(fileURLWithPath: folder.path("b.mid"))))
    }

    @Test func silenceWritesAnEmptyMIDIAndWarns() throws {
        let folder = TemporaryFolder()
        let song = try folder.writeAudio("quiet.wav", Synth.silence(duration: 1), encoding: .wav16)
        let result = try runSoundSort(["transcribe", song])
        #expect(result.status == 0)
        #expect(result.standardError == "soundsort: \(song): warning: no sound events found (silent or too quiet); wrote a MIDI file with no notes\n")
        #expect(try MIDIFile(path: folder.path("quiet.mid")).notes.notes.isEmpty)
    }

    @Test(arguments: [
        (["--merge-threshold", "0"], "--merge-threshold must be between 1.0 and 40.0, not 0.0"),
        (["--onset-threshold", "5"], "--onset-threshold must be between 0.01 and 1.0, not 5.0"),
        (["--minimum-gap=-1"], "--minimum-gap must be between 0.005 and 2.0, not -1.0"),
        (["--grid", "x.bmp"], "--grid must end in .png, .svg or .pdf, not 'x.bmp'"),
        (["--spectrogram"], "--spectrogram needs --grid"),
    ])
    func optionsOutOfRangeAreRefused(arguments: [String], message: String) throws {
        let result = try runSoundSort(["transcribe", "song.wav"] + arguments)
        #expect(result.status == 2)
        #expect(result.standardError.contains(message))
    }

    @Test func outputEqualToTheInputIsRefusedAndTheInputKept() throws {
        let folder = TemporaryFolder()
        let song = try Self.writeSong(in: folder)
        let before = try Data(contentsOf: URL(fileURLWithPath: song))
        let result = try runSoundSort(["transcribe", song, "--json", song])
        #expect(result.status == 1)
        #expect(result.standardError == "soundsort: \(song): refusing to overwrite an input file\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: song)) == before)
    }

    @Test func gridOfAMIDIFileAgainstAReference() throws {
        let folder = TemporaryFolder()
        let song = try Self.writeSong(in: folder)
        #expect(try runSoundSort(["transcribe", song]).status == 0)
        let result = try runSoundSort(["grid", folder.path("song.mid"), "-o", folder.path("grid.svg"), "--reference", folder.path("song.mid")])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == "3 rows → \(folder.path("grid.svg"))\n")
    }
}

@Suite struct TempoOptionTests {
    @Test func anImposedTempoIsWritten() throws {
        let folder = TemporaryFolder()
        let song = try TranscribeCommandTests.writeSong(in: folder)
        #expect(try runSoundSort(["transcribe", song, "--tempo", "90"]).status == 0)
        let tempi = try MIDIFile(path: folder.path("song.mid")).tempoChanges.map(\.beatsPerMinute)
        #expect(tempi.count == 1 && abs(tempi[0] - 90) < 0.001, "\(tempi)")
    }

    @Test func quantizedNotesStartOnTheSixteenthGrid() throws {
        let folder = TemporaryFolder()
        let song = try TranscribeCommandTests.writeSong(in: folder)
        #expect(try runSoundSort(["transcribe", song, "--tempo", "120", "--quantize", "1/16"]).status == 0)
        // 120 BPM: a sixteenth is 0.125 s; the bar line falls on a sixteenth too.
        for note in try MIDIFile(path: folder.path("song.mid")).notes.notes {
            #expect(abs(note.onset / 0.125 - (note.onset / 0.125).rounded()) < 0.01, "\(note.onset)")
        }
    }

    @Test(arguments: [
        (["--tempo", "1000"], "--tempo must be between 20.0 and 400.0 BPM, not 1000.0"),
        (["--quantize", "1/3"], "--quantize must be 1/1, 1/2, 1/4, 1/8, 1/16, 1/32 or 1/64, not '1/3'"),
    ])
    func badTempoOptionsAreRefused(arguments: [String], message: String) throws {
        let result = try runSoundSort(["transcribe", "song.wav"] + arguments)
        #expect(result.status == 2)
        #expect(result.standardError.contains(message))
    }
}

@Suite struct GridCommandTests {
    /// A reference of two sounds and an estimate that found only the first: the second still gets a row.
    @Test func aReferenceSoundMissedEntirelyGetsARow() throws {
        let folder = TemporaryFolder()
        let c4 = (0..<4).map { MIDISong.Track.Note(onset: Double($0), offset: Double($0) + 0.5, pitch: 60, velocity: 90) }
        let hats = (0..<4).map { MIDISong.Track.Note(onset: Double($0) + 0.5, offset: Double($0) + 0.6, pitch: 42, velocity: 90) }
        try MIDISong(tempoChanges: [], tracks: [.init(name: "Keys", channel: 0, program: 4, notes: c4),
                                                .init(name: "Hats", channel: 9, program: nil, notes: hats)]).write(to: folder.path("ref.mid"))
        try MIDISong(tempoChanges: [], tracks: [.init(name: "S00 tonal C4", channel: 0, program: 0, notes: c4)]).write(to: folder.path("est.mid"))
        let result = try runSoundSort(["grid", folder.path("est.mid"), "-o", folder.path("grid.png"), "--reference", folder.path("ref.mid"),
                                       "--from", "1", "--to", "3", "--width", "700"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == "2 rows → \(folder.path("grid.png"))\n")
        #expect(try PNGImage(path: folder.path("grid.png")).width == 700)
    }

    @Test(arguments: [
        (["--from", "5", "--to", "2"], "--to (2.0) must come after --from (5.0)"),
        (["--width", "50"], "--width must be between 200.0 and 30000.0 pixels, not 50.0"),
        (["--from=-1"], "--from must be between 0.0 and 1000000.0 seconds, not -1.0"),
    ])
    func badStretchOptionsAreRefused(arguments: [String], message: String) throws {
        let result = try runSoundSort(["grid", "song.mid", "-o", "out.png"] + arguments)
        #expect(result.status == 2)
        #expect(result.standardError.contains(message), "\(result.standardError)")
    }

    @Test func stretchOptionsNeedAGridWhenTranscribing() throws {
        let result = try runSoundSort(["transcribe", "song.wav", "--width", "800"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("--from, --to and --width need --grid"))
    }
}
