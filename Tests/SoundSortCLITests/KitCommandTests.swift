import Foundation
import MIDIIO
import Testing
import TestSupport
import Transcribe

/// `transcribe --kit DIR`: the folder is written whole or not at all, an existing one only with --force, and a bad
/// path costs no analysis.
@Suite struct KitCommandTests {
    static func song(in folder: TemporaryFolder) throws -> String { try TranscribeCommandTests.writeSong(in: folder) }

    static func contents(_ path: String) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }

    @Test func writesOneSamplePerSoundTheInstrumentsAndTheRebuild() throws {
        let folder = TemporaryFolder()
        let song = try Self.song(in: folder)
        let result = try runSoundSort(["transcribe", song, "--kit", folder.path("kit"), "--json", folder.path("song.json")])
        #expect(result.status == 0, "\(result.standardError)")
        let files = try Self.contents(folder.path("kit"))
        let midi = try MIDIFile(path: folder.path("song.mid"))
        let names = midi.notes.trackNames.filter { !$0.isEmpty }
        #expect(names.count == 3)
        #expect(files == (names.map { $0.replacingOccurrences(of: " ", with: "-") + ".wav" } + ["kit.sf2", "kit.sfz", "resynthesis.wav"]).sorted())
        // Samples and rebuild at the file's rate (44.1 kHz here), mono.
        for file in files where file.hasSuffix(".wav") {
            let audio = try AudioFile(path: folder.path("kit/\(file)"))
            #expect(audio.sampleRate == 44_100 && audio.channelCount == 1, "\(file)")
        }
        #expect(try AudioFile(path: folder.path("kit/resynthesis.wav")).declaredFrameCount == AudioFile(path: song).declaredFrameCount)
        // Every track off the drum channel carries a program of its own channel.
        for note in midi.notes.notes where note.channel != 9 { #expect(note.program == note.channel) }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.path("song.json")))) as? [String: Any]
        let error = json?["resynthesisError"] as? [String: Any]
        #expect((error?["perSecondDecibels"] as? [Double])?.count == 4)
        #expect(result.standardOutput.contains("re-synthesis error"))
        #expect(try Self.contents(folder.url.path).allSatisfy { !$0.hasPrefix(".") })
    }

    /// A float file with samples hundreds of dB over full scale (found by fuzzing): they are read as the sample before
    /// them, so the kit, its rebuild and the error stay finite (the error used to be NaN, and the JSON writer failed on
    /// it after the analysis).
    @Test func samplesFarBeyondFullScaleStillMakeAKit() throws {
        let folder = TemporaryFolder()
        var signal = Synth.silence(duration: 2)
        Synth.addTone(to: &signal, frequency: 440, onsets: [0.3, 1.3], length: 0.4)
        for i in stride(from: 20_000, to: signal.count, by: 5_003) { signal[i] = i % 2 == 0 ? 3e38 : -2e37 }
        let song = try folder.writeAudio("huge.wav", signal, encoding: .wavFloat)
        let result = try runSoundSort(["transcribe", song, "--kit", folder.path("kit"), "--json", folder.path("song.json")])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("samples were NaN, infinite or over 120 dB above full scale"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.path("song.json")))) as? [String: Any]
        let error = (json?["resynthesisError"] as? [String: Any])?["decibels"] as? Double
        #expect(error.map { $0.isFinite } == true, "re-synthesis error \(String(describing: error))")
    }

    /// The same song and options give the same kit, byte for byte (no time of writing inside the WAV files).
    @Test func sameSongSameKitBytes() throws {
        let folder = TemporaryFolder()
        let song = try Self.song(in: folder)
        for name in ["first", "second"] {
            let result = try runSoundSort(["transcribe", song, "-o", folder.path("\(name).mid"), "--kit", folder.path(name)])
            #expect(result.status == 0, "\(result.standardError)")
            Thread.sleep(forTimeInterval: 1.1)  // A time stamp in seconds would differ.
        }
        let files = try Self.contents(folder.path("first"))
        #expect(try Self.contents(folder.path("second")) == files && files.count >= 5)
        for file in files {
            #expect(FileManager.default.contentsEqual(atPath: folder.path("first/\(file)"), andPath: folder.path("second/\(file)")), "\(file)")
        }
        let rebuild = try AudioFile(path: folder.path("first/resynthesis.wav"))
        #expect(rebuild.sampleRate == 44_100 && rebuild.channelCount == 1)
        #expect(try rebuild.readAllMono().count == AudioFile(path: song).declaredFrameCount)
    }

    @Test func withoutKitTheMIDIFileIsTheSameAsBefore() throws {
        let folder = TemporaryFolder()
        let song = try Self.song(in: folder)
        #expect(try runSoundSort(["transcribe", song, "-o", folder.path("plain.mid")]).status == 0)
        let midi = try MIDIFile(path: folder.path("plain.mid"))
        // Tonal tracks carry program 0, as before --kit existed.
        #expect(midi.notes.notes.filter { $0.channel != 9 }.allSatisfy { $0.program == 0 })
    }

    @Test func anExistingFolderIsRefusedUnlessForced() throws {
        let folder = TemporaryFolder()
        let song = try Self.song(in: folder)
        let kit = folder.path("kit")
        try FileManager.default.createDirectory(atPath: kit, withIntermediateDirectories: false)
        try Data("mine".utf8).write(to: URL(fileURLWithPath: kit + "/notes.txt"))
        let refused = try runSoundSort(["transcribe", song, "--kit", kit])
        #expect(refused.status == 1)
        #expect(refused.standardError == "soundsort: \(kit): exists; refusing to replace it (--force replaces it)\n")
        #expect(try Self.contents(kit) == ["notes.txt"])
        #expect(!FileManager.default.fileExists(atPath: folder.path("song.mid")))

        // A folder that is not a kit is never replaced, even with --force.
        let notAKit = try runSoundSort(["transcribe", song, "--kit", kit, "--force"])
        #expect(notAKit.status == 1)
        #expect(notAKit.standardError == "soundsort: \(kit): is a folder that holds no kit (no kit.sfz or kit.sf2); refusing to replace it even with --force\n")
        #expect(try Self.contents(kit) == ["notes.txt"])

        // A kit is replaced with --force, whole.
        try Data("old".utf8).write(to: URL(fileURLWithPath: kit + "/kit.sfz"))
        let forced = try runSoundSort(["transcribe", song, "--kit", kit, "--force"])
        #expect(forced.status == 0, "\(forced.standardError)")
        #expect(try Self.contents(kit).contains("kit.sf2"))
        #expect(try !Self.contents(kit).contains("notes.txt"))
        #expect(try Self.contents(folder.url.path).allSatisfy { !$0.hasPrefix(".") })
    }

    @Test func badPathsAreOneLineBeforeTheAnalysis() throws {
        let folder = TemporaryFolder()
        let song = try Self.song(in: folder)
        let missing = folder.path("nowhere/kit")
        let result = try runSoundSort(["transcribe", song, "--kit", missing])
        #expect(result.status == 1)
        #expect(result.standardError == "soundsort: \(missing): cannot write: the folder \(folder.path("nowhere")) does not exist\n")
        #expect(!FileManager.default.fileExists(atPath: folder.path("song.mid")))

        // A folder holding the song would lose it.
        let holding = try runSoundSort(["transcribe", song, "--kit", folder.url.path, "--force", "-o", "/tmp/\(UUID().uuidString).mid"])
        #expect(holding.status == 1)
        #expect(holding.standardError.hasPrefix("soundsort: \(folder.url.path): holds an input file"))
        #expect(FileManager.default.fileExists(atPath: song))

        // Another output inside the kit folder would be replaced with it: a usage error.
        let inside = try runSoundSort(["transcribe", song, "--kit", folder.path("kit"), "--json", folder.path("kit/song.json")])
        #expect(inside.status == 64 || inside.status == 2)
        #expect(inside.standardError.contains("lies inside the --kit folder"))
        #expect(try runSoundSort(["transcribe", song, "--kit", ""]).status != 0)
    }
}

/// `bench --resynthesis`: a column of each case's re-synthesis error, also in the JSON; the gate is unchanged.
@Suite struct BenchResynthesisTests {
    @Test func addsTheReSynthesisErrorColumn() throws {
        let folder = TemporaryFolder()
        let corpus = try BenchCommandTests.smallCorpus(in: folder, cases: ["semitones"])
        let json = folder.path("report.json")
        let result = try runSoundSort(["bench", corpus, "--resynthesis", "--json", json])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("| × real time | re-synthesis error (dB) |"))
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        let error = try #require((report?["cases"] as? [[String: Any]])?.first?["resynthesisDecibels"] as? Double)
        #expect(error > 0 && error < 20)
        let plain = try runSoundSort(["bench", corpus])
        #expect(!plain.standardOutput.contains("re-synthesis"))
        #expect(try runSoundSort(["bench", corpus, "--resynthesis", "--estimates", folder.url.path]).status != 0)
    }
}
