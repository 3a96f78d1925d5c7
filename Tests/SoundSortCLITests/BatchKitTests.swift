import Foundation
import MIDIIO
import Testing
import TestSupport

/// `transcribe SONG... --output-dir DIR --kit`: each song's kit in DIR/NAME.kit, with the single-song kit's rules.
@Suite struct BatchKitTests {
    static func files(in folder: String) -> [String] { BatchTests.files(in: folder) }

    static func data(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// The kits, MIDI and JSON a batch writes are byte for byte those of each song transcribed alone with `--kit`,
    /// whatever the jobs; the summary lists the kit and its re-synthesis error; run again, every song is up to date.
    @Test func eachSongsKitIsTheKitOfTheSongTranscribedAlone() throws {
        let folder = TemporaryFolder()
        let names = ["a", "b", "c"]
        let songs = try BatchTests.writeSongs(names.map { $0 + ".flac" }, in: folder)
        for jobs in ["1", "2"] {
            let out = folder.path("out\(jobs)")
            let result = try runSoundSort(["transcribe"] + songs + ["--output-dir", out, "--kit", "--json", "--jobs", jobs])
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardOutput == "3 songs: 3 transcribed, 0 up to date, 0 failed; summary in \(out)/summary.jsonl\n")
        }
        for (song, name) in zip(songs, names) {
            let kit = folder.path("\(name)-kit")
            let alone = try runSoundSort(["transcribe", song, "-o", folder.path("\(name).mid"), "--json", folder.path("\(name).json"), "--kit", kit])
            #expect(alone.status == 0, "\(alone.standardError)")
            let kitFiles = try FileManager.default.contentsOfDirectory(atPath: kit).sorted()
            #expect(kitFiles.contains("kit.sf2") && kitFiles.contains("kit.sfz") && kitFiles.contains("resynthesis.wav"))
            #expect(kitFiles.filter { $0.hasPrefix("S") && $0.hasSuffix(".wav") }.count >= 2, "\(kitFiles)")
            for out in ["out1", "out2"] {
                #expect(try Self.data(folder.path("\(out)/\(name).mid")) == Self.data(folder.path("\(name).mid")))
                #expect(try Self.data(folder.path("\(out)/\(name).json")) == Self.data(folder.path("\(name).json")))
                #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path("\(out)/\(name).kit")).sorted() == kitFiles)
                for file in kitFiles {
                    #expect(try Self.data(folder.path("\(out)/\(name).kit/\(file)")) == Self.data("\(kit)/\(file)"), "\(out) \(name) \(file)")
                }
            }
        }
        let out = folder.path("out2")
        let summary = try BatchTests.summary(out + "/summary.jsonl")
        for (line, name) in zip(summary, names) {
            #expect(line["outputs"] as? [String] == ["\(out)/\(name).mid", "\(out)/\(name).json", "\(out)/\(name).kit"])
            let json = try JSONSerialization.jsonObject(with: Self.data(folder.path("\(name).json"))) as? [String: Any]
            let decibels = try #require((json?["resynthesisError"] as? [String: Any])?["decibels"] as? Double)
            #expect(line["resynthesisDecibels"] as? Double == decibels)
            #expect(decibels > 0 && decibels < 30)
        }
        let again = try runSoundSort(["transcribe"] + songs + ["--output-dir", out, "--kit", "--json"])
        #expect(again.standardOutput == "3 songs: 0 transcribed, 3 up to date, 0 failed; summary in \(out)/summary.jsonl\n")
        // A kit missing makes its song due again; a stray file named like a kit is no kit.
        try FileManager.default.removeItem(atPath: out + "/b.kit")
        try Data("x".utf8).write(to: URL(fileURLWithPath: out + "/b.kit"))
        let dry = try runSoundSort(["transcribe"] + songs + ["--output-dir", out, "--kit", "--json", "--dry-run"])
        #expect(dry.standardOutput.hasSuffix("3 songs: 1 to transcribe, 2 up to date, 0 name taken\n"), "\(dry.standardOutput)")
    }

    /// A song whose kit folder exists (and is not up to date) fails in one line, its other outputs untouched; with
    /// --force the kit is replaced; a folder that holds no kit never is.
    @Test func anExistingKitIsRefusedUnlessForcedAndTheSongsOtherOutputsAreKept() throws {
        let folder = TemporaryFolder()
        let songs = try BatchTests.writeSongs(["a.flac", "b.flac"], in: folder)
        let out = folder.path("out")
        #expect(try runSoundSort(["transcribe"] + songs + ["--output-dir", out]).status == 0)
        let midiBefore = try Self.data(out + "/b.mid")
        let midiTime = try FileManager.default.attributesOfItem(atPath: out + "/b.mid")[.modificationDate] as? Date
        try FileManager.default.createDirectory(atPath: out + "/b.kit", withIntermediateDirectories: false)
        try Data("mine".utf8).write(to: URL(fileURLWithPath: out + "/b.kit/notes.txt"))

        let refused = try runSoundSort(["transcribe"] + songs + ["--output-dir", out, "--kit"])
        #expect(refused.status == 1)
        #expect(refused.standardError == "soundsort: \(out)/b.kit: exists; refusing to replace it (--force replaces it)\n")
        #expect(refused.standardOutput == "2 songs: 1 transcribed, 0 up to date, 1 failed; summary in \(out)/summary.jsonl\n")
        #expect(try Self.data(out + "/b.mid") == midiBefore)
        #expect(try FileManager.default.attributesOfItem(atPath: out + "/b.mid")[.modificationDate] as? Date == midiTime)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out + "/b.kit") == ["notes.txt"])
        let failed = try BatchTests.summary(out + "/summary.jsonl").first { $0["input"] as? String == songs[1] }
        #expect(failed?["status"] as? String == "failed" && failed?["outputs"] as? [String] == [])
        #expect(failed?["resynthesisDecibels"] is NSNull)

        let notAKit = try runSoundSort(["transcribe"] + songs + ["--output-dir", out, "--kit", "--force"])
        #expect(notAKit.status == 1)
        #expect(notAKit.standardError.hasSuffix("b.kit: is a folder that holds no kit (no kit.sfz or kit.sf2); refusing to replace it even with --force\n"))

        try Data("old".utf8).write(to: URL(fileURLWithPath: out + "/b.kit/kit.sfz"))
        let forced = try runSoundSort(["transcribe"] + songs + ["--output-dir", out, "--kit", "--force"])
        #expect(forced.status == 0, "\(forced.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out + "/b.kit").contains("kit.sf2"))
        #expect(try !FileManager.default.contentsOfDirectory(atPath: out + "/b.kit").contains("notes.txt"))
        #expect(Self.files(in: out).allSatisfy { !$0.hasPrefix(".") && !$0.contains("/.") })
    }

    /// Stopped with SIGTERM while songs and their kits are being written: no temporary file or folder anywhere,
    /// each song's MIDI file there exactly when its kit is; the same command finishes the rest.
    @Test func aStoppedKitBatchLeavesNothingPartial() throws {
        let folder = TemporaryFolder()
        let names = (1...6).map { "song\($0)" }
        let songs = try BatchTests.writeSongs(names.map { $0 + ".flac" }, in: folder)
        let out = folder.path("out")
        let arguments = ["transcribe"] + songs + ["--output-dir", out, "--jobs", "2", "--kit"]
        #expect(try BatchTests.stopAfterFirstSong(arguments, output: out) == 143)
        let summaryPath = out + "/summary.jsonl"
        let entries = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(entries.allSatisfy { !$0.hasPrefix(".") }, "\(entries)")
        let finished = names.filter { entries.contains($0 + ".mid") }
        #expect(names.filter { entries.contains($0 + ".kit") } == finished)
        #expect((1..<6).contains(finished.count), "\(entries)")
        for name in finished { #expect(try FileManager.default.contentsOfDirectory(atPath: "\(out)/\(name).kit").contains("resynthesis.wav")) }

        let again = try runSoundSort(arguments)
        #expect(again.status == 0, "\(again.standardError)")
        #expect(again.standardOutput == "6 songs: \(6 - finished.count) transcribed, \(finished.count) up to date, 0 failed; summary in \(summaryPath)\n")
    }

    /// A song's process killed outright while its kit is being written (the kill that gives no chance to clean up):
    /// the batch removes the kit's temporary folder and records the song as failed.
    @Test func aSongKilledWhileWritingItsKitLeavesNoTemporaryFolder() throws {
        let folder = TemporaryFolder()
        // Long enough that the rebuild's WAV takes a while to write.
        var signal = Synth.silence(duration: 90)
        Synth.addClicks(to: &signal, onsets: stride(from: 0.5, to: 89, by: 0.5).map { $0 }, seed: 3)
        let song = try folder.writeAudio("long.flac", signal, encoding: .flac16)
        let out = folder.path("out")
        let process = Process()
        process.executableURL = soundSortExecutable
        process.arguments = ["transcribe", song, "--output-dir", out, "--kit"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var killed: pid_t?
        let deadline = Date(timeIntervalSinceNow: 120)
        while killed == nil && process.isRunning && Date() < deadline {
            // `.long.kit.PID.N.tmp`: the kit's temporary folder, named with the song process's id.
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
            if let pending = entries.first(where: { $0.hasPrefix(".long.kit.") && $0.hasSuffix(".tmp") }),
               let pid = pid_t(pending.split(separator: ".")[2]) {
                kill(pid, SIGKILL)
                killed = pid
            }
        }
        process.waitUntilExit()
        try #require(killed != nil, "the kit's temporary folder was never seen")
        #expect(process.terminationStatus == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["summary.jsonl"])
        let line = try #require(try BatchTests.summary(out + "/summary.jsonl").first)
        #expect((line["error"] as? String)?.contains("crashed (signal 9") == true, "\(line)")
    }

    /// Children of a process: every thread's `children` list (a worker thread starts each song).
    static func childCount(of pid: pid_t) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.reduce(0) { count, task in
            let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
            return count + text.split(separator: " ").count
        }
    }

    /// Most songs seen running at once in a batch over `songs` with `extra` options.
    static func mostAtOnce(_ songs: [String], out: String, extra: [String]) throws -> Int {
        let process = Process()
        process.executableURL = soundSortExecutable
        process.arguments = ["transcribe"] + songs + ["--output-dir", out, "--jobs", "2", "--kit"] + extra
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var most = 0
        while process.isRunning {
            most = max(most, childCount(of: process.processIdentifier))
            Thread.sleep(forTimeInterval: 0.001)
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return most
    }

    /// The memory budget: songs whose kits would not fit beside each other run one at a time, whatever --jobs.
    @Test func songsThatDoNotFitTheMemoryRunOneAtATime() throws {
        let folder = TemporaryFolder()
        let songs = try BatchTests.writeSongs((1...4).map { "song\($0).flac" }, in: folder)
        #expect(try Self.mostAtOnce(songs, out: folder.path("free"), extra: []) == 2)
        #expect(try Self.mostAtOnce(songs, out: folder.path("tight"), extra: ["--memory", "100"]) == 1)
        #expect(Self.files(in: folder.path("tight")).filter { $0.hasSuffix(".mid") }.count == 4)
    }

    /// What a kit adds to a song's process per frame of the song lies between the song's one mono copy (4 bytes)
    /// and the bound the memory budget counts on (16 bytes, `BatchRun.kitBytesPerFrame`): the peaks of a long and a
    /// short song with kits, from the summary, apart by their frames.
    @Test func aKitTakesAtMostSixteenBytesAFrame() throws {
        let folder = TemporaryFolder()
        var frames: [Double] = []
        var songs: [String] = []
        for (name, seconds) in [("short", 2.0), ("long", 120.0)] {
            var signal = Synth.silence(duration: seconds)
            Synth.addClicks(to: &signal, onsets: stride(from: 0.5, to: seconds - 1, by: 0.5).map { $0 }, seed: 5)
            songs.append(try folder.writeAudio(name + ".flac", signal, encoding: .flac16))
            frames.append(seconds * 44_100)
        }
        let result = try runSoundSort(["transcribe"] + songs + ["--output-dir", folder.path("out"), "--kit", "--jobs", "1"])
        #expect(result.status == 0, "\(result.standardError)")
        let peaks = try BatchTests.summary(folder.path("out/summary.jsonl")).map { try #require($0["peakMegabytes"] as? Double) }
        // Sorted by input: long, then short.
        let bytesPerFrame = (peaks[0] - peaks[1]) * 1_048_576 / (frames[1] - frames[0])
        #expect(bytesPerFrame > 4 && bytesPerFrame <= 16, "\(peaks) MB: \(bytesPerFrame) bytes a frame")
    }
}
