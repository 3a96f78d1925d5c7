import Foundation
import MIDIIO
import Testing
import TestSupport

/// `transcribe SONG... --output-dir DIR`: many songs, one process each, resumable, shardable.
@Suite struct BatchTests {
    /// The package's root folder.
    static let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `soundsort` with `arguments`, sends it SIGTERM as soon as the batch's summary in `output` holds a line
    /// (the first song done, the others under way), and returns its exit status.
    static func stopAfterFirstSong(_ arguments: [String], output: String) throws -> Int32 {
        let process = Process()
        process.executableURL = soundSortExecutable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let summaryPath = output + "/summary.jsonl"
        let deadline = Date(timeIntervalSinceNow: 120)
        while ((try? Data(contentsOf: URL(fileURLWithPath: summaryPath)))?.isEmpty ?? true) && Date() < deadline && process.isRunning {
            Thread.sleep(forTimeInterval: 0.005)
        }
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Short songs that differ from one another: clicks and a tone whose pitch depends on the song's place.
    @discardableResult
    static func writeSongs(_ names: [String], in folder: TemporaryFolder) throws -> [String] {
        try names.enumerated().map { index, name in
            let parent = (folder.path(name) as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            var signal = Synth.silence(duration: 2)
            Synth.addClicks(to: &signal, onsets: [0.1, 0.6, 1.1, 1.6], seed: UInt64(index + 1))
            Synth.addTone(to: &signal, frequency: 220 * pow(2, Double(index % 12) / 12), onsets: [0.35, 1.35], length: 0.3)
            return try folder.writeAudio(name, signal, encoding: .flac16)
        }
    }

    static func lines(of path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    static func summary(_ path: String) throws -> [[String: Any]] {
        try lines(of: path).map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    /// Every file below `folder`, hidden ones included, as paths relative to it, sorted.
    static func files(in folder: String) -> [String] {
        (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).filter { path in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent(path), isDirectory: &isFolder) && !isFolder.boolValue
        }.sorted()
    }

    @Test func aBatchWritesTheBytesOfEachSongTranscribedAloneWhateverTheJobs() throws {
        let folder = TemporaryFolder()
        let songs = try Self.writeSongs(["a.flac", "b.flac", "c.flac", "d.flac"], in: folder)
        for jobs in ["1", "2"] {
            let result = try runSoundSort(["transcribe"] + songs + ["--output-dir", folder.path("out\(jobs)"), "--jobs", jobs, "--json"])
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardOutput == "4 songs: 4 transcribed, 0 up to date, 0 failed; summary in \(folder.path("out\(jobs)"))/summary.jsonl\n")
        }
        for (song, name) in zip(songs, ["a", "b", "c", "d"]) {
            let alone = try runSoundSort(["transcribe", song, "-o", folder.path("\(name).mid"), "--json", folder.path("\(name).json")])
            #expect(alone.status == 0)
            for ext in ["mid", "json"] {
                let single = try Data(contentsOf: URL(fileURLWithPath: folder.path("\(name).\(ext)")))
                #expect(try Data(contentsOf: URL(fileURLWithPath: folder.path("out1/\(name).\(ext)"))) == single)
                #expect(try Data(contentsOf: URL(fileURLWithPath: folder.path("out2/\(name).\(ext)"))) == single)
            }
        }
    }

    @Test func aCorruptSongInTheMiddleIsReportedAndTheOthersAreWritten() throws {
        let folder = TemporaryFolder()
        let songs = try Self.writeSongs(["a.flac", "c.flac"], in: folder)
        let corrupt = folder.path("b.wav")
        try Data("RIFF....WAVEnot really audio".utf8).write(to: URL(fileURLWithPath: corrupt))
        let out = folder.path("out")
        let result = try runSoundSort(["transcribe", songs[0], corrupt, songs[1], "--output-dir", out, "--labels"])
        #expect(result.status == 1)
        let problem = "\(corrupt): cannot open as audio: "
        #expect(result.standardError.hasPrefix("soundsort: \(problem)") && result.standardError.split(separator: "\n").count == 1,
                "\(result.standardError)")
        #expect(result.standardOutput == "3 songs: 2 transcribed, 0 up to date, 1 failed; summary in \(out)/summary.jsonl\n")
        #expect(Self.files(in: out) == ["a.mid", "a.txt", "c.mid", "c.txt", "summary.jsonl"])
        let summary = try Self.summary(out + "/summary.jsonl")
        #expect(summary.map { $0["input"] as? String } == [songs[0], corrupt, songs[1]])
        #expect(summary.map { $0["status"] as? String } == ["ok", "failed", "ok"])
        #expect((summary[1]["error"] as? String)?.hasPrefix(problem) == true)
        #expect(summary[0]["outputs"] as? [String] == [out + "/a.mid", out + "/a.txt"])
        #expect(summary[1]["outputs"] as? [String] == [])
        for line in summary {
            #expect(Set(line.keys) == ["input", "outputs", "status", "error", "events", "sounds", "audioSeconds", "seconds", "peakMegabytes",
                                        "resynthesisDecibels"])
            #expect(line["resynthesisDecibels"] is NSNull)  // No kit asked for.
        }
        let midi = try MIDIFile(path: out + "/a.mid")
        #expect(summary[0]["events"] as? Int == midi.notes.notes.count && summary[0]["sounds"] as? Int == midi.tracks.count - 1)
        #expect(midi.notes.notes.count >= 6)  // Four clicks and two tones, perhaps more.
        #expect((summary[0]["audioSeconds"] as? Double).map { abs($0 - 2) < 0.01 } == true)
    }

    /// Killed with SIGTERM once the first song is recorded, then run again: no partial file at any point, the
    /// finished songs are not redone, the rest are.
    @Test func aStoppedBatchLeavesNoPartialFileAndTheNextRunFinishesTheRest() throws {
        let folder = TemporaryFolder()
        let names = (1...6).map { "song\($0).flac" }
        let songs = try Self.writeSongs(names, in: folder)
        let out = folder.path("out")
        let arguments = ["transcribe"] + songs + ["--output-dir", out, "--jobs", "1", "--json", "--grid"]
        #expect(try Self.stopAfterFirstSong(arguments, output: out) == 143)  // 128 + SIGTERM.
        let summaryPath = out + "/summary.jsonl"

        let left = Self.files(in: out)
        #expect(left.allSatisfy { !$0.hasPrefix(".") && !$0.hasSuffix(".tmp") }, "\(left)")
        let finished = left.filter { $0.hasSuffix(".mid") }
        #expect((1..<6).contains(finished.count), "\(left)")
        for midi in finished {
            let name = (midi as NSString).deletingPathExtension
            // Each song's outputs are there together or not at all, and each is whole.
            #expect(left.contains(name + ".json") && left.contains(name + ".png"))
            #expect(try MIDIFile(path: out + "/" + midi).notes.notes.count >= 6)
            #expect(try PNGImage(path: out + "/\(name).png").width > 0)
        }
        let recorded = try Self.lines(of: summaryPath)
        #expect(recorded.count <= finished.count && !recorded.isEmpty)
        let times = try finished.map { try FileManager.default.attributesOfItem(atPath: out + "/" + $0)[.modificationDate] as? Date }

        let again = try runSoundSort(arguments)
        #expect(again.status == 0, "\(again.standardError)")
        #expect(again.standardOutput == "6 songs: \(6 - finished.count) transcribed, \(finished.count) up to date, 0 failed; summary in \(summaryPath)\n")
        #expect(try finished.map { try FileManager.default.attributesOfItem(atPath: out + "/" + $0)[.modificationDate] as? Date } == times)
        #expect(Self.files(in: out).filter { $0.hasSuffix(".mid") } == names.map { ($0 as NSString).deletingPathExtension + ".mid" })
        let summary = try Self.summary(summaryPath)
        #expect(summary.map { $0["input"] as? String } == songs)
        #expect(summary.allSatisfy { $0["status"] as? String == "ok" && ($0["events"] as? Int ?? 0) >= 6 })
    }

    /// Ctrl-C reaches the batch and its songs at once: a song stopped that way is not a failure.
    @Test func aStopThatReachesTheSongsTooIsNoFailure() throws {
        let folder = TemporaryFolder()
        let songs = try Self.writeSongs((1...4).map { "song\($0).flac" }, in: folder)
        let out = folder.path("out")
        let process = Process()
        process.executableURL = soundSortExecutable
        process.arguments = ["transcribe"] + songs + ["--output-dir", out, "--jobs", "2"]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let summaryPath = out + "/summary.jsonl"
        let deadline = Date(timeIntervalSinceNow: 120)
        while ((try? Data(contentsOf: URL(fileURLWithPath: summaryPath)))?.isEmpty ?? true) && Date() < deadline && process.isRunning {
            Thread.sleep(forTimeInterval: 0.005)
        }
        let group = process.processIdentifier
        // Foundation starts a child as the leader of a process group of its own, so the signal can go to the batch and
        // its songs together, as Ctrl-C does to a terminal's foreground group.
        try #require(getpgid(group) == group, "the batch does not lead a process group of its own")
        kill(-group, SIGTERM)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 143)
        #expect(stderr.hasSuffix("the same command finishes the rest\n") && stderr.split(separator: "\n").count == 1, "\(stderr)")
        #expect(try Self.summary(summaryPath).allSatisfy { $0["status"] as? String == "ok" })
        #expect(Self.files(in: out).allSatisfy { !$0.hasSuffix(".tmp") })
    }

    @Test func aSongWhoseOutputIsOlderThanTheSongIsDoneAgain() throws {
        let folder = TemporaryFolder()
        let songs = try Self.writeSongs(["a.flac", "b.flac"], in: folder)
        let out = folder.path("out")
        #expect(try runSoundSort(["transcribe"] + songs + ["--output-dir", out]).status == 0)
        // The song changed after its transcription.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 60)], ofItemAtPath: songs[1])
        let dry = try runSoundSort(["transcribe"] + songs + ["--output-dir", out, "--dry-run"])
        #expect(dry.standardOutput == "up to date  \(songs[0])\ntranscribe  \(songs[1]) → \(out)/b.mid\n"
            + "2 songs: 1 to transcribe, 1 up to date, 0 name taken\n")
        // Asking for an output the first run did not write makes every song due again.
        let more = try runSoundSort(["transcribe"] + songs + ["--output-dir", out, "--json", "--dry-run"])
        #expect(more.standardOutput.hasSuffix("2 songs: 2 to transcribe, 0 up to date, 0 name taken\n"))
    }

    @Test func theShardsTakeEverySongExactlyOnce() throws {
        let folder = TemporaryFolder()
        // Names out of order, in a list with a comment and a blank line; a dry run reads no audio.
        let names = (0..<23).map { String(format: "song-%02d.wav", ($0 * 7) % 23) }
        for name in names { try Data().write(to: folder.url.appendingPathComponent(name)) }
        let list = folder.path("songs.txt")
        try Data(("# the songs\n\n" + names.map { folder.path($0) }.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: list))
        let sorted = names.map { folder.path($0) }.sorted()
        var union: [String] = []
        for shard in 1...4 {
            let result = try runSoundSort(["transcribe", "--from-list", list, "--output-dir", folder.path("out"), "--shard", "\(shard)/4", "--dry-run"])
            #expect(result.status == 0, "\(result.standardError)")
            let taken = result.standardOutput.split(separator: "\n").filter { $0.hasPrefix("transcribe  ") }
                .map { String($0.dropFirst("transcribe  ".count).split(separator: " → ")[0]) }
            #expect(taken == stride(from: shard - 1, to: sorted.count, by: 4).map { sorted[$0] })
            union += taken
        }
        #expect(union.sorted() == sorted)
        #expect(!FileManager.default.fileExists(atPath: folder.path("out")))  // A dry run writes nothing.
    }

    @Test func theSlurmScriptRunsOneShardPerArrayTask() throws {
        let folder = TemporaryFolder()
        let songs = try Self.writeSongs(["a.flac", "b.flac", "c.flac"], in: folder)
        let list = folder.path("songs.txt")
        try Data((songs.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: list))
        let out = folder.path("out")
        for task in 1...2 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = [Self.package.appendingPathComponent("scripts/slurm-transcribe.sbatch").path, list, out, "--json"]
            process.environment = ProcessInfo.processInfo.environment.merging([
                "SOUNDSORT": soundSortExecutable.path, "SLURM_ARRAY_TASK_ID": "\(task)", "SLURM_ARRAY_TASK_COUNT": "2",
                "SLURM_ARRAY_TASK_MIN": "1", "SLURM_CPUS_PER_TASK": "2",
            ]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        #expect(Self.files(in: out) == ["a.json", "a.mid", "b.json", "b.mid", "c.json", "c.mid", "summary-1-of-2.jsonl", "summary-2-of-2.jsonl"])
        #expect(try Self.summary(out + "/summary-1-of-2.jsonl").map { $0["input"] as? String } == [songs[0], songs[2]])
        #expect(try Self.summary(out + "/summary-2-of-2.jsonl").map { $0["input"] as? String } == [songs[1]])
    }

    @Test func foldersKeepTheirSubfoldersAndASecondSongOfOneNameFails() throws {
        let folder = TemporaryFolder()
        try Self.writeSongs(["music/album1/01.flac", "music/album2/01.flac", "music/.trash/x.flac", "p/x.flac", "q/x.flac"], in: folder)
        try Data("not a song".utf8).write(to: folder.url.appendingPathComponent("music/notes.txt"))
        try FileManager.default.createDirectory(atPath: folder.path("empty"), withIntermediateDirectories: false)
        let out = folder.path("out")
        let result = try runSoundSort(["transcribe", folder.path("music"), folder.path("q/x.flac"), folder.path("p/x.flac"),
                                       folder.path("empty"), "--output-dir", out])
        #expect(result.status == 1)
        #expect(result.standardError == "soundsort: \(folder.path("empty")): warning: no audio files (wav, flac, aiff, aif, ogg, mp3, opus) in this folder\n"
            + "soundsort: \(folder.path("q/x.flac")): its outputs would be \(out)/x.mid, already those of \(folder.path("p/x.flac")) (rename one of them)\n")
        #expect(Self.files(in: out) == ["album1/01.mid", "album2/01.mid", "summary.jsonl", "x.mid"])
    }

    @Test(arguments: [
        (["a.wav", "b.wav"], "2 songs given: several songs need --output-dir DIR"),
        (["a.wav", "--jobs", "2"], "--jobs is for many songs: it needs --output-dir DIR"),
        (["a.wav", "--output-dir", "out", "-o", "x.mid"], "-o names one song's MIDI file; with --output-dir each song's is DIR/NAME.mid"),
        (["a.wav", "--output-dir", "out", "--jobs", "0"], "--jobs must be between 1 and 1024, not 0"),
        (["a.wav", "--output-dir", "out", "--shard", "5/4"], "--shard must be K/N with 1 ≤ K ≤ N (e.g. 2/4), not '5/4'"),
        (["a.wav", "--output-dir", "out", "--json", "x.json"], "with --output-dir, --json takes no file name (each song's goes to DIR), not 'x.json'"),
        (["a.wav", "--output-dir", "out", "--grid", "bmp"], "with --output-dir, --grid takes no value or a format (png, svg or pdf), not 'bmp'"),
        (["a.wav", "--json"], "--json needs a file name (or --output-dir DIR for one per song)"),
        (["--output-dir", "out"], "give the songs (files or folders) or --from-list FILE"),
        (["a.wav", "--output-dir", "out", "--kit", "k"], "with --output-dir, --kit takes no folder name (each song's kit goes to DIR/NAME.kit), not 'k'"),
        (["a.wav", "--kit"], "--kit needs a folder name (or --output-dir DIR for one per song)"),
        (["a.wav", "--memory", "100"], "--memory is for many songs: it needs --output-dir DIR"),
        (["a.wav", "--output-dir", "out", "--memory", "0"], "--memory must be between 1 and 1073741824 MB, not 0"),
    ])
    func batchOptionsAreChecked(arguments: [String], message: String) throws {
        let result = try runSoundSort(["transcribe"] + arguments)
        #expect(result.status == 2)
        #expect(result.standardError.contains(message), "\(result.standardError)")
    }

    @Test func anOutputFolderThatCannotBeMadeIsOneLine() throws {
        let folder = TemporaryFolder()
        let songs = try Self.writeSongs(["a.flac"], in: folder)
        let result = try runSoundSort(["transcribe", songs[0], "--output-dir", "/definitely/missing/out"])
        #expect(result.status == 1)
        #expect(result.standardError == "soundsort: /definitely/missing/out: cannot make the output folder: the folder /definitely/missing does not exist\n")
        let list = try runSoundSort(["transcribe", "--from-list", folder.path("absent.txt"), "--output-dir", folder.path("out")])
        #expect(list.status == 1)
        #expect(list.standardError == "soundsort: \(folder.path("absent.txt")): cannot read the list of songs: no such file or directory\n")
    }

    /// On a terminal the batch shows one progress line: songs done of all, failures, time left.
    @Test func aTerminalShowsOneProgressLine() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
        let folder = TemporaryFolder()
        let songs = try Self.writeSongs(["a.flac", "b.flac"], in: folder)
        try Data("junk".utf8).write(to: folder.url.appendingPathComponent("a-bad.wav"))
        let command = ([soundSortExecutable.path, "transcribe", folder.path("a-bad.wav"), songs[0], songs[1], "--output-dir", folder.path("out"), "--jobs", "1"])
            .map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(text.contains("\r\u{1B}[Ksoundsort: 0/3 songs, 0 failed"))
        // Largest files first: the two songs, then the short bad file.
        #expect(text.contains("\r\u{1B}[Ksoundsort: 2/3 songs, 0 failed, about 0:0"))
        #expect(text.contains("\r\u{1B}[Ksoundsort: 3/3 songs, 1 failed"))
        #expect(text.contains("soundsort: \(folder.path("a-bad.wav")): cannot open as audio"))
        #expect(text.contains("3 songs: 2 transcribed, 0 up to date, 1 failed"))
    }
}
