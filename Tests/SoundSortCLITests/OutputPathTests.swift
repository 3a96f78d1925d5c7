import Foundation
import MIDIIO
import Testing
import TestSupport

/// Output paths are checked before any audio is read: a bad one is one line naming it and its cause, nothing is
/// written, no existing file that is not one of ours is replaced, and inputs are left as they were.
@Suite struct OutputPathTests {
    /// Bytes of an MP3 frame header, then filler: a file a user would hate to lose.
    static let mp3Bytes = Data([0xFF, 0xFB, 0x90, 0x64] + [UInt8](repeating: 0x55, count: 400))

    /// The song of the transcribe tests (clicks and two tones, FLAC).
    static func song(in folder: TemporaryFolder) throws -> String { try TranscribeCommandTests.writeSong(in: folder) }

    /// Runs `transcribe` and checks that the input is untouched and no temporary file is left in the folder.
    static func transcribe(_ arguments: [String], song: String, folder: TemporaryFolder) throws -> CommandResult {
        let before = try Data(contentsOf: URL(fileURLWithPath: song))
        let result = try runSoundSort(["transcribe"] + arguments)
        #expect(try Data(contentsOf: URL(fileURLWithPath: song)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).allSatisfy { !$0.hasSuffix(".tmp") })
        return result
    }

    struct Existing: CustomTestStringConvertible, Sendable {
        var option: String
        var file: String
        var content: Data
        var kind: String
        var testDescription: String { "\(option) \(file) holding \(kind == "a MIDI file" ? "MP3 bytes" : "other bytes")" }
    }

    static let existing: [Existing] = [
        Existing(option: "-o", file: "victim.mid", content: mp3Bytes, kind: "a MIDI file"),
        Existing(option: "--grid", file: "victim.png", content: Data("not a picture\n".utf8), kind: "a PNG picture"),
        Existing(option: "--grid", file: "victim.svg", content: Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]), kind: "an SVG picture"),
        Existing(option: "--grid", file: "victim.pdf", content: Data("<svg></svg>".utf8), kind: "a PDF picture"),
        Existing(option: "--json", file: "victim.json", content: mp3Bytes, kind: "a JSON file"),
        Existing(option: "--labels", file: "victim.txt", content: Data("Dear diary,\ntoday\n".utf8), kind: "a label file"),
    ]

    @Test(arguments: existing)
    func anExistingFileOfAnotherKindIsRefusedUnlessForced(_ item: Existing) throws {
        let folder = TemporaryFolder()
        let song = try Self.song(in: folder)
        let victim = folder.path(item.file)
        try item.content.write(to: URL(fileURLWithPath: victim))
        let arguments = [song, item.option, victim] + (item.option == "-o" ? [] : ["-o", folder.path("out.mid")])
        let refused = try Self.transcribe(arguments, song: song, folder: folder)
        #expect(refused.status == 1)
        #expect(refused.standardError == "soundsort: \(victim): exists and is not \(item.kind); refusing to replace it (--force replaces it)\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: victim)) == item.content)
        #expect(!FileManager.default.fileExists(atPath: folder.path("out.mid")))

        let forced = try Self.transcribe(arguments + ["--force"], song: song, folder: folder)
        #expect(forced.status == 0, "\(forced.standardError)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: victim)) != item.content)
    }

    @Test func ourOwnOutputsAreReplacedWithoutForce() throws {
        let folder = TemporaryFolder()
        let song = try Self.song(in: folder)
        let outputs = ["-o", folder.path("a.mid"), "--json", folder.path("a.json"), "--labels", folder.path("a.txt"), "--grid", folder.path("a.svg")]
        #expect(try Self.transcribe([song] + outputs, song: song, folder: folder).status == 0)
        let again = try Self.transcribe([song] + outputs, song: song, folder: folder)
        #expect(again.status == 0, "\(again.standardError)")
        // An empty file holds nothing to lose.
        #expect(FileManager.default.createFile(atPath: folder.path("empty.mid"), contents: Data()))
        #expect(try Self.transcribe([song, "-o", folder.path("empty.mid")], song: song, folder: folder).status == 0)
    }

    @Test func anOutputWithoutAMIDIExtensionIsAUsageError() throws {
        let folder = TemporaryFolder()
        let song = try Self.song(in: folder)
        try Self.mp3Bytes.write(to: folder.url.appendingPathComponent("victim.mp3"))
        let result = try Self.transcribe([song, "-o", folder.path("victim.mp3")], song: song, folder: folder)
        #expect(result.status == 2)
        #expect(result.standardError.hasPrefix("Error: -o must name a .mid or .midi file, not '\(folder.path("victim.mp3"))'\n"))
        #expect(try Data(contentsOf: folder.url.appendingPathComponent("victim.mp3")) == Self.mp3Bytes)
        #expect(try Self.transcribe([song, "-o", folder.path("upper.MIDI")], song: song, folder: folder).status == 0)
    }

    @Test func twoOutputsNamingOneFileAreAUsageError() throws {
        let folder = TemporaryFolder()
        let song = try Self.song(in: folder)
        let same = try Self.transcribe([song, "-o", folder.path("x.mid"), "--json", folder.url.path + "/./x.mid"], song: song, folder: folder)
        #expect(same.status == 2)
        #expect(same.standardError.hasPrefix("Error: -o and --json name the same file: \(folder.url.path)/./x.mid\n"))
        let defaultName = try Self.transcribe([song, "--labels", folder.path("song.mid")], song: song, folder: folder)
        #expect(defaultName.status == 2)
        #expect(defaultName.standardError.contains("the MIDI file (\(folder.path("song.mid"))) and --labels name the same file"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["song.flac"])
    }

    /// Paths the system refuses, each with its own wording, found before the audio is read: the input here is not
    /// audio at all, and the error is still about the output.
    @Test(arguments: [
        ("/definitely/missing/x.mid", "the folder /definitely/missing does not exist"),
        ("/proc/x.mid", "the folder /proc does not take new files"),
        ("/etc/hostname/x.mid", "/etc/hostname is not a folder"),
    ])
    func anUnwritableOutputIsOneLineBeforeAnyAudioIsRead(output: String, cause: String) throws {
        let folder = TemporaryFolder()
        let notAudio = folder.path("notes.wav")
        try Data("title,artist\n".utf8).write(to: URL(fileURLWithPath: notAudio))
        let result = try Self.transcribe([notAudio, "-o", output], song: notAudio, folder: folder)
        #expect(result.status == 1)
        #expect(result.standardError == "soundsort: \(output): cannot write: \(cause)\n")
    }

    @Test(arguments: ["--grid", "--json", "--labels"])
    func everyOutputIsCheckedAndNothingIsWrittenWhenOneIsBad(option: String) throws {
        let folder = TemporaryFolder()
        let song = try Self.song(in: folder)
        let extra = option == "--grid" ? "/definitely/missing/x.png" : "/definitely/missing/x"
        let result = try Self.transcribe([song, "-o", folder.path("out.mid"), option, extra], song: song, folder: folder)
        #expect(result.status == 1)
        #expect(result.standardError == "soundsort: \(extra): cannot write: the folder /definitely/missing does not exist\n")
        #expect(!FileManager.default.fileExists(atPath: folder.path("out.mid")))
    }

    @Test func aFolderWithoutWritePermissionIsNamed() throws {
        let folder = TemporaryFolder()
        let song = try Self.song(in: folder)
        // Permission bits do not stop root; /sys refuses new files even to root.
        let locked: String
        if geteuid() == 0 {
            locked = "/sys"
        } else {
            locked = folder.path("locked")
            try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o555])
        }
        let output = locked + "/x.mid"
        let result = try Self.transcribe([song, "-o", output], song: song, folder: folder)
        #expect(result.status == 1)
        let allowed = ["no permission to create files in \(locked)", "\(locked) is on a read-only file system"]
        #expect(allowed.map { "soundsort: \(output): cannot write: \($0)\n" }.contains(result.standardError), "\(result.standardError)")
    }

    @Test func anOutputThatIsAFolderIsNamed() throws {
        let folder = TemporaryFolder()
        let song = try Self.song(in: folder)
        try FileManager.default.createDirectory(atPath: folder.path("taken.mid"), withIntermediateDirectories: false)
        let result = try Self.transcribe([song, "-o", folder.path("taken.mid")], song: song, folder: folder)
        #expect(result.status == 1)
        #expect(result.standardError == "soundsort: \(folder.path("taken.mid")): cannot write: it is a folder\n")
    }

    @Test func aMIDIFileGivenAsTheSongIsNotAnAudioFile() throws {
        let folder = TemporaryFolder()
        let song = try Self.song(in: folder)
        #expect(try runSoundSort(["transcribe", song]).status == 0)
        let midi = folder.path("song.mid")
        let before = try Data(contentsOf: URL(fileURLWithPath: midi))
        let result = try runSoundSort(["transcribe", midi])
        #expect(result.status == 1)
        #expect(result.standardError == "soundsort: \(midi): not an audio file (it is a MIDI file)\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: midi)) == before)
    }
}
