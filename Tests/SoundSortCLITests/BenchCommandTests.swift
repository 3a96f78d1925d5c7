import Foundation
import MIDIIO
import Testing
import TestSupport

@Suite struct BenchCommandTests {
    /// The package's corpus folder.
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("corpus")

    /// A corpus of two real cases, with a baseline measured with the default settings.
    static func smallCorpus(in folder: TemporaryFolder, cases: [String] = ["semitones", "synth-lead-bass"]) throws -> String {
        let entries = cases.map { name in
            #"  {"name": "\#(name)", "audio": "\#(corpus.path)/cases/\#(name).flac", "reference": "\#(corpus.path)/cases/\#(name).mid"}"#
        }
        let manifest = "{\"cases\": [\n" + entries.joined(separator: ",\n") + "\n]}"
        try Data(manifest.utf8).write(to: folder.url.appendingPathComponent("manifest.json"))
        let result = try runSoundSort(["bench", folder.url.path, "--update-baseline"])
        #expect(result.status == 0, "\(result.standardError)")
        return folder.url.path
    }

    /// Writes `NAME.wav`, three A4 and two E4 tones at known onsets, and `NAME.mid`, the notes that made it.
    static func writeTonePair(_ name: String, in folder: TemporaryFolder) throws {
        let a4 = [0.2, 1.2, 2.2], e4 = [0.7, 1.7]
        var signal = Synth.silence(duration: 3)
        Synth.addTone(to: &signal, frequency: 440, onsets: a4, length: 0.4)
        Synth.addTone(to: &signal, frequency: 329.63, onsets: e4, length: 0.4)
        try folder.writeAudio("\(name).wav", signal, encoding: .wav16)
        let notes = { (onsets: [Double], pitch: Int) in onsets.map { MIDISong.Track.Note(onset: $0, offset: $0 + 0.4, pitch: pitch, velocity: 90) } }
        try MIDISong(tempoChanges: [], tracks: [.init(name: "Tones", channel: 0, program: 0, notes: notes(a4, 69) + notes(e4, 64))])
            .write(to: folder.path("\(name).mid"))
    }

    /// A copy of a corpus case under another name, its reference as `.midi`.
    static func copyCorpusCase(_ corpusName: String, as name: String, in folder: TemporaryFolder) throws {
        let cases = corpus.appendingPathComponent("cases")
        try FileManager.default.copyItem(at: cases.appendingPathComponent("\(corpusName).flac"), to: folder.url.appendingPathComponent("\(name).flac"))
        try FileManager.default.copyItem(at: cases.appendingPathComponent("\(corpusName).mid"), to: folder.url.appendingPathComponent("\(name).midi"))
    }

    @Test func passesAgainstItsOwnBaselineAndPrintsTheTable() throws {
        let folder = TemporaryFolder()
        let corpus = try Self.smallCorpus(in: folder)
        let json = folder.path("report.json")
        let result = try runSoundSort(["bench", corpus, "--json", json])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("| case | notes ref/found | note F | event F | ARI | V | mapped F | sounds found/ref | order contiguity | × real time |"))
        #expect(result.standardOutput.contains("| semitones | 36/"))
        #expect(result.standardOutput.contains("| **mean** |"))
        #expect(result.standardOutput.contains("changes from \(corpus)/baseline.json to this run: none above 0.0005\n"))
        #expect(result.standardOutput.contains("baseline: every mean within 0.02"))
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
        let cases = try #require(report["cases"] as? [[String: Any]])
        #expect(cases.count == 2)
        for key in ["name", "noteOnsetF", "eventOnsetF", "adjustedRandIndex", "vMeasure", "mappedF", "soundsFound", "referenceSounds",
                    "orderContiguity", "duration", "seconds", "events", "referenceNotes"] {
            #expect(cases[0][key] != nil, "\(key)")
        }
        #expect((report["means"] as? [String: Any])?["orderContiguity"] != nil)
        // The baseline keeps each case's deterministic figures, and no timing.
        let baseline = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(corpus)/baseline.json"))) as! [String: Any]
        let baselineCases = try #require(baseline["cases"] as? [[String: Any]])
        #expect(baselineCases.map { $0["name"] as? String } == ["semitones", "synth-lead-bass"])
        #expect(baselineCases[0]["soundsFound"] as? Int == 4 && baselineCases[0]["seconds"] == nil)
    }

    @Test func aFarHigherMergeThresholdFailsTheBaselineAndNamesTheCasesThatFell() throws {
        let folder = TemporaryFolder()
        // A drum kit: merging everything joins its pieces (pitched cases keep their pitches apart).
        let corpus = try Self.smallCorpus(in: folder, cases: ["acoustic-kit", "semitones"])
        let result = try runSoundSort(["bench", corpus, "--merge-threshold", "40"])
        #expect(result.status == 3)
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        let heading = try #require(lines.firstIndex(of: "changes from \(corpus)/baseline.json to this run:"))
        let changes = lines[(heading + 1)...].prefix { $0.hasPrefix("  ") }
        #expect(!changes.isEmpty)
        #expect(changes.contains { $0.hasPrefix("  acoustic-kit  ") && $0.hasSuffix(")") && $0.contains(" (-") })
        // Sorted by case name; then come the means that fell.
        #expect(changes.map { $0.split(separator: " ").first ?? "" } == changes.map { $0.split(separator: " ").first ?? "" }.sorted())
        #expect(lines.contains { $0.hasPrefix("baseline: ") && $0.contains(" fell from ") })
    }

    @Test func aPlainFolderOfPairsRunsEveryPairInNameOrder() throws {
        let folder = TemporaryFolder()
        try Self.writeTonePair("tones", in: folder)
        try Self.copyCorpusCase("semitones", as: "copied", in: folder)
        let result = try runSoundSort(["bench", folder.url.path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.isEmpty)
        let rows = result.standardOutput.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| case") && !$0.hasPrefix("| **") }
        #expect(rows.map { $0.split(separator: " ")[1] } == ["copied", "tones"])
        #expect(rows[0].hasPrefix("| copied | 36/") && rows[1].hasPrefix("| tones | 5/"))
        #expect(result.standardOutput.contains("no baseline at \(folder.url.path)/baseline.json; run with --update-baseline to create one"))
    }

    /// `--delays`: every case again after a little silence, its estimate moved back by as much. At 100 ms, twice
    /// the 50 ms match window, an estimate left where it was found would match no note.
    @Test func delayedRunsAreScoredWhereTheMusicIs() throws {
        let folder = TemporaryFolder()
        try Self.writeTonePair("tones", in: folder)
        let json = folder.path("report.json")
        let result = try runSoundSort(["bench", folder.url.path, "--delays", "2.5", "100", "--json", json])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("| case | mapped F at 0.00 ms | mapped F at 2.50 ms | mapped F at 100.00 ms | mean | range |\n"))
        #expect(result.standardOutput.contains("| tones | 1.000 | 1.000 | 1.000 | 1.000 | 0.000 |\n"))
        #expect(result.standardOutput.contains("over the 3 alignments: note F 1.000, ARI 1.000, mapped F 1.000; a case's mapped F moves by 0.000 on average\n"))
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
        let delayed = try #require(report["delayed"] as? [[String: Any]])
        #expect(delayed.compactMap { $0["delay"] as? Double } == [0, 2.5, 100])
        #expect(delayed.allSatisfy { (($0["means"] as? [String: Any])?["mappedF"] as? Double) == 1 })
    }

    @Test func delaysOutsideTheirRangeAreRefused() throws {
        let folder = TemporaryFolder()
        for delay in ["0", "150", "-1"] {
            let result = try runSoundSort(["bench", folder.url.path, "--delays", delay])
            #expect(result.status == 2, "\(delay): \(result.status)")
            #expect(result.standardError.contains("--delays"), "\(result.standardError)")
        }
        let compared = try runSoundSort(["bench", "--compare", "a.json", "b.json", "--delays", "5"])
        #expect(compared.standardError.contains("--compare cannot be combined with --delays"), "\(compared.standardError)")
    }

    @Test func audioWithoutAMIDIFileIsNamedInOneWarningAndSkipped() throws {
        let folder = TemporaryFolder()
        try Self.writeTonePair("tones", in: folder)
        try folder.writeAudio("lonely.wav", Synth.silence(duration: 0.5), encoding: .wav16)
        try folder.writeAudio("quiet.flac", Synth.silence(duration: 0.5), encoding: .flac16)
        try Data("not a case".utf8).write(to: folder.url.appendingPathComponent("notes.txt"))
        let result = try runSoundSort(["bench", folder.url.path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError == "soundsort: \(folder.url.path): warning: skipped lonely.wav, quiet.flac: no MIDI file of the same name\n")
        #expect(result.standardOutput.contains("| tones | 5/"))
        #expect(!result.standardOutput.contains("lonely") && !result.standardOutput.contains("quiet"))
    }

    @Test func aFolderWithoutPairsIsOneLine() throws {
        let folder = TemporaryFolder()
        try Data([0]).write(to: folder.url.appendingPathComponent("orphan.mid"))
        let result = try runSoundSort(["bench", folder.url.path])
        #expect(result.status == 1)
        #expect(result.standardError == "soundsort: \(folder.url.path): no manifest.json and no audio file with a MIDI file of the same name "
            + "(NAME.wav|flac|aiff|aif|ogg|mp3|opus beside NAME.mid|midi)\n")
        let missing = folder.path("absent")
        let absent = try runSoundSort(["bench", missing])
        #expect(absent.status == 1)
        #expect(absent.standardError == "soundsort: \(missing): cannot read the folder (and it has no manifest.json)\n")
    }

    @Test func anOldBaselineWithMeansOnlyIsStillRead() throws {
        let folder = TemporaryFolder()
        try Self.writeTonePair("tones", in: folder)
        let old = """
        {"means": {"adjustedRandIndex": -1, "eventOnsetF": 0, "mappedF": 0, "noteOnsetF": 0, "vMeasure": 0}, "tolerance": 0.02}
        """
        try Data(old.utf8).write(to: folder.url.appendingPathComponent("baseline.json"))
        let result = try runSoundSort(["bench", folder.url.path])
        #expect(result.status == 0, "\(result.standardError)")
        let baseline = folder.path("baseline.json")
        #expect(result.standardOutput.contains("changes from \(baseline) to this run: \(baseline) holds means only (no per-case figures)\n"))
        #expect(result.standardOutput.contains("baseline: every mean within 0.02 of \(baseline)\n"))
    }

    @Test func aJSONOutputThatIsAnInputIsRefusedBeforeTranscribing() throws {
        let folder = TemporaryFolder()
        try Self.writeTonePair("tones", in: folder)
        let before = try Data(contentsOf: folder.url.appendingPathComponent("tones.mid"))
        let result = try runSoundSort(["bench", folder.url.path, "--json", folder.path("tones.mid")])
        #expect(result.status == 1)
        #expect(result.standardError == "soundsort: \(folder.path("tones.mid")): refusing to overwrite an input file\n")
        #expect(result.standardOutput.isEmpty)
        #expect(try Data(contentsOf: folder.url.appendingPathComponent("tones.mid")) == before)
    }

    /// A batch's output folder scored beside the references: the same figures as transcribing, times from the
    /// batch's summary, and a case without an estimate left out with a warning.
    @Test func theEstimatesOfABatchAreScoredWithoutTranscribing() throws {
        let folder = TemporaryFolder()
        try Self.writeTonePair("tones", in: folder)
        try Self.copyCorpusCase("semitones", as: "copied", in: folder)
        let estimates = folder.path("estimates")
        #expect(try runSoundSort(["transcribe", folder.url.path, "--output-dir", estimates]).status == 0)
        let transcribed = try runSoundSort(["bench", folder.url.path])
        let scored = try runSoundSort(["bench", folder.url.path, "--estimates", estimates])
        #expect(scored.status == 0, "\(scored.standardError)")
        #expect(scored.standardError.isEmpty)
        /// Table rows without the last column (× real time, which depends on the run).
        func rows(_ text: String) -> [String] {
            text.split(separator: "\n").filter { $0.hasPrefix("| ") }.map { $0.split(separator: "|").dropLast().joined(separator: "|") }
        }
        #expect(rows(scored.standardOutput) == rows(transcribed.standardOutput))
        #expect(rows(scored.standardOutput).count == 4)  // Header, two cases, means.
        #expect(!scored.standardOutput.contains("| – |"))

        try FileManager.default.removeItem(atPath: estimates + "/summary.jsonl")
        try FileManager.default.removeItem(atPath: estimates + "/tones.mid")
        let partial = try runSoundSort(["bench", folder.url.path, "--estimates", estimates])
        #expect(partial.status == 0, "\(partial.standardError)")
        #expect(partial.standardError == "soundsort: \(estimates): warning: no estimate for tones; left out\n")
        #expect(partial.standardOutput.contains("| copied | 36/") && partial.standardOutput.contains("| – |"))
        #expect(!partial.standardOutput.contains("| tones |"))
    }
}
