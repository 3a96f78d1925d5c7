import Foundation
import MIDIIO
import Testing
import TestSupport

/// A song of two sections, each also a case of its own, scored from hand-made MIDI files (`--estimates`): the
/// whole song, each section apart, and each section alone, with numbers worked out by hand.
@Suite struct BenchSectionTests {
    typealias Track = MIDISong.Track

    static func notes(_ onsets: [Double], _ pitch: Int) -> [Track.Note] {
        onsets.map { Track.Note(onset: $0, offset: $0 + 0.2, pitch: pitch, velocity: 90) }
    }

    static func write(_ tracks: [Track], to path: String) throws { try MIDISong(tempoChanges: [], tracks: tracks).write(to: path) }

    /// Cases `a` (section A alone), `b` (section B alone) and `song` (A for 10 s, then B), with references and estimates.
    /// Reference sounds: X (60), Y (64), Z (67). In the song, estimated track S1 holds X in A and Z in B, S2 holds Y in A
    /// and X in B; the last Z (15 s) is missed, in the song and in `b`.
    static func sectionCorpus(in folder: TemporaryFolder, manifestSections: String? = nil, bLength: Double = 10) throws {
        let estimates = folder.path("estimates")
        try FileManager.default.createDirectory(atPath: estimates, withIntermediateDirectories: true)
        // Lengths as a song made of the two cases would have them (sections alone must be their case's length).
        for (name, seconds) in [("a", 10.0), ("b", bLength), ("song", 20.0)] {
            try folder.writeAudio("\(name).wav", Synth.silence(duration: seconds, sampleRate: 8_000), encoding: .wav16, sampleRate: 8_000)
        }
        try write([Track(name: "X", channel: 0, program: 0, notes: notes([1, 2, 3, 10, 12], 60)),
                   Track(name: "Y", channel: 1, program: 0, notes: notes([4, 5], 64)),
                   Track(name: "Z", channel: 2, program: 0, notes: notes([13, 14, 15], 67))], to: folder.path("song.mid"))
        try write([Track(name: "S1", channel: 0, program: 0, notes: notes([1, 2, 3, 13, 14], 60)),
                   Track(name: "S2", channel: 1, program: 0, notes: notes([4, 5, 10, 12], 64))], to: estimates + "/song.mid")
        try write([Track(name: "X", channel: 0, program: 0, notes: notes([1, 2, 3], 60)),
                   Track(name: "Y", channel: 1, program: 0, notes: notes([4, 5], 64))], to: folder.path("a.mid"))
        try write([Track(name: "S1", channel: 0, program: 0, notes: notes([1, 2, 3], 60)),
                   Track(name: "S2", channel: 1, program: 0, notes: notes([4, 5], 64))], to: estimates + "/a.mid")
        try write([Track(name: "X", channel: 0, program: 0, notes: notes([0, 2], 60)),
                   Track(name: "Z", channel: 2, program: 0, notes: notes([3, 4, 5], 67))], to: folder.path("b.mid"))
        try write([Track(name: "S1", channel: 0, program: 0, notes: notes([3, 4], 60)),
                   Track(name: "S2", channel: 1, program: 0, notes: notes([0, 2], 64))], to: estimates + "/b.mid")
        let sections = manifestSections ?? """
            [{"name": "A", "case": "a", "start": 0, "end": 10, "wholeCase": true},
             {"name": "B", "case": "b", "start": 10, "end": 20, "wholeCase": true}]
            """
        let manifest = """
            {"cases": [{"name": "a", "audio": "a.wav", "reference": "a.mid"},
                       {"name": "b", "audio": "b.wav", "reference": "b.mid"},
                       {"name": "song", "audio": "song.wav", "reference": "song.mid", "sections": \(sections)}]}
            """
        try Data(manifest.utf8).write(to: folder.url.appendingPathComponent("manifest.json"))
    }

    @Test func theWholeSongItsSectionsAndTheSectionsAloneAreScored() throws {
        let folder = TemporaryFolder()
        try Self.sectionCorpus(in: folder)
        let json = folder.path("report.json")
        let result = try runSoundSort(["bench", folder.url.path, "--estimates", folder.path("estimates"), "--json", json])
        #expect(result.status == 0, "\(result.standardError)")
        // Whole song: one label map, S1 → X (3) and S2 → Y (2): 5 right of 9 found and 10 played, F = 10/19.
        #expect(result.standardOutput.contains("| song | 10/9 | 0.947 | 0.947 | "))
        #expect(result.standardOutput.contains("| song section | from case | seconds | notes ref/found | note F | ARI | mapped F | sounds found/ref | mapped F alone |"))
        #expect(result.standardOutput.contains("| A | a | 0.0–10.0 | 5/5 | 1.000 | 1.000 | 1.000 | 2/2 | 1.000 |\n"))
        // B: 4 of 4 found right, 5 played: F = 8/9; `b` alone is the same music and the same miss.
        #expect(result.standardOutput.contains("| B | b | 10.0–20.0 | 5/4 | 0.889 | 1.000 | 0.889 | 2/2 | 0.889 |\n"))
        #expect(result.standardOutput.contains("| **mean** | | | | **0.944** | **1.000** | **0.944** | | **0.944** |\n"))
        #expect(result.standardOutput.contains("song: mapped F whole 0.526 vs sections 0.944 (0.944 weighted by their notes, as the whole is); each section transcribed alone: 0.944 (0.944 weighted)\n"))

        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
        let cases = try #require(report["cases"] as? [[String: Any]])
        let song = try #require(cases.first { $0["name"] as? String == "song" })
        #expect((song["sectionsMappedF"] as? Double)?.isApproximatelyEqual(to: (1 + 8.0 / 9) / 2) == true)
        #expect((song["mappedF"] as? Double)?.isApproximatelyEqual(to: 10.0 / 19) == true)
        // Both sections hold 5 reference notes: weighted by notes, the same mean.
        #expect((song["notesWeightedSectionsMappedF"] as? Double)?.isApproximatelyEqual(to: (1 + 8.0 / 9) / 2) == true)
        #expect((song["notesWeightedAloneMappedF"] as? Double)?.isApproximatelyEqual(to: (1 + 8.0 / 9) / 2) == true)
        let sections = try #require(song["sections"] as? [[String: Any]])
        #expect(sections.map { $0["name"] as? String } == ["A", "B"])
        let alone = sections.compactMap { $0["aloneMappedF"] as? Double }
        #expect(alone.count == 2 && alone[0] == 1 && alone[1].isApproximatelyEqual(to: 8.0 / 9))
        #expect(cases.first { $0["name"] as? String == "a" }?["sections"] == nil)
        // The song counts in the means as one case, as any other: (1 + 8/9 + 10/19) / 3.
        #expect(((report["means"] as? [String: Any])?["mappedF"] as? Double)?.isApproximatelyEqual(to: (1 + 8.0 / 9 + 10.0 / 19) / 3) == true)
    }

    /// A section whose case did not run has no figure alone, and the mean alone says over how many sections it is.
    @Test func aSectionWithoutItsCaseHasNoFigureAlone() throws {
        let folder = TemporaryFolder()
        try Self.sectionCorpus(in: folder)
        try FileManager.default.removeItem(atPath: folder.path("estimates/b.mid"))
        let result = try runSoundSort(["bench", folder.url.path, "--estimates", folder.path("estimates")])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("| B | b | 10.0–20.0 | 5/4 | 0.889 | 1.000 | 0.889 | 2/2 | – |\n"))
        #expect(result.standardOutput.contains("song: mapped F whole 0.526 vs sections 0.944 (0.944 weighted by their notes, as the whole is); each section transcribed alone: 1.000 (1.000 weighted) over 1 of 2 sections\n"))
    }

    /// A section that is not as long as the case it names cannot be that case's audio: no figure alone, and a warning.
    @Test func aSectionOfAnotherLengthThanItsCaseHasNoFigureAlone() throws {
        let folder = TemporaryFolder()
        try Self.sectionCorpus(in: folder, bLength: 9)
        let result = try runSoundSort(["bench", folder.url.path, "--estimates", folder.path("estimates")])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError == "soundsort: \(folder.url.path): warning: section \"B\" of song lasts 10.000 s, case b 9.000 s; no figure alone\n")
        #expect(result.standardOutput.contains("| B | b | 10.0–20.0 | 5/4 | 0.889 | 1.000 | 0.889 | 2/2 | – |\n"))
    }

    @Test(arguments: [
        (#"[{"name": "A", "start": 5, "end": 5}]"#, #"case "song" has a section "A" from 5.0 to 5.0 s (it must start at 0 s or later, before its end)"#),
        (#"[{"name": "A", "start": -1, "end": 5}]"#, #"case "song" has a section "A" from -1.0 to 5.0 s (it must start at 0 s or later, before its end)"#),
        (#"[{"name": "A", "start": 0, "end": 10}, {"name": "B", "start": 9, "end": 20}]"#,
         #"case "song" has a section "B" starting at 9.0 s, before the section ahead of it ends (10.0 s)"#),
        (#"[{"name": "A", "start": 0, "end": 10, "wholeCase": true}]"#, #"case "song" has a section "A" that is a whole case but names no case"#),
    ])
    func aBadSectionIsAOneLineError(sections: String, reason: String) throws {
        let folder = TemporaryFolder()
        try Self.sectionCorpus(in: folder, manifestSections: sections)
        let result = try runSoundSort(["bench", folder.url.path, "--estimates", folder.path("estimates")])
        #expect(result.status == 1)
        #expect(result.standardError == "soundsort: \(folder.path("manifest.json")): \(reason)\n")
        #expect(result.standardOutput.isEmpty)
    }
}
