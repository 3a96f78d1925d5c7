import Foundation
import Testing
import TestSupport

/// `bench --compare`: two saved reports, no transcription, no corpus.
@Suite struct BenchCompareTests {
    /// One case of a hand-written report; `contiguity` nil leaves the key out, as the bench does.
    static func caseJSON(_ name: String, noteF: Double = 0.9, ari: Double = 0.8, mappedF: Double = 0.675, found: Int = 4,
                         contiguity: Double? = 1) -> String {
        """
        {"name": "\(name)", "noteOnsetF": \(noteF), "eventOnsetF": 1, "adjustedRandIndex": \(ari), "vMeasure": 0.85, \
        "mappedF": \(mappedF), "soundsFound": \(found), "referenceSounds": 5, \
        \(contiguity.map { "\"orderContiguity\": \($0), " } ?? "")"duration": 2, "seconds": 0.01, "events": 10, "referenceNotes": 10}
        """
    }

    static func reportJSON(cases: [String], mappedF: Double, contiguity: String = "") -> String {
        """
        {"cases": [\(cases.joined(separator: ", "))],
         "means": {"noteOnsetF": 0.9, "eventOnsetF": 1, "adjustedRandIndex": 0.65, "vMeasure": 0.85, "mappedF": \(mappedF)\(contiguity)},
         "totalAudioSeconds": 6, "totalTranscriptionSeconds": 0.03}
        """
    }

    /// Earlier: alpha, beta, gone. Later: alpha (mapped F up, one more sound, no contiguity), beta (ARI down, note F
    /// moved by less than 0.0005), gamma new, gone missing.
    static func writeReports(in folder: TemporaryFolder) throws -> (String, String) {
        let earlier = reportJSON(cases: [caseJSON("alpha"), caseJSON("beta", noteF: 0.9, ari: 0.5), caseJSON("gone")],
                                 mappedF: 0.675, contiguity: ", \"orderContiguity\": 1")
        let later = reportJSON(cases: [caseJSON("gamma"), caseJSON("beta", noteF: 0.9004, ari: 0.45),
                                       caseJSON("alpha", mappedF: 0.712, found: 5, contiguity: nil)],
                               mappedF: 0.7)
        let a = folder.path("a.json"), b = folder.path("b.json")
        try Data(earlier.utf8).write(to: URL(fileURLWithPath: a))
        try Data(later.utf8).write(to: URL(fileURLWithPath: b))
        return (a, b)
    }

    @Test func listsEachCaseFigureThatMovedThenEveryMean() throws {
        let folder = TemporaryFolder()
        let (a, b) = try Self.writeReports(in: folder)
        let result = try runSoundSort(["bench", "--compare", a, b], currentDirectory: folder.url.path)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.isEmpty)
        #expect(result.standardOutput == """
            changes from \(a) to \(b):
              alpha  mapped F 0.675 → 0.712 (+0.037)
              alpha  sounds found 4 → 5 (+1)
              alpha  order contiguity 1.000 → –
              beta  ARI 0.500 → 0.450 (-0.050)
              new cases: gamma
              missing cases: gone
            means:
              note F 0.900 → 0.900 (+0.000)
              event F 1.000 → 1.000 (+0.000)
              ARI 0.650 → 0.650 (+0.000)
              V 0.850 → 0.850 (+0.000)
              mapped F 0.675 → 0.700 (+0.025)
              order contiguity 1.000 → –

            """)
    }

    @Test func sameReportTwiceHasNoChanges() throws {
        let folder = TemporaryFolder()
        let (a, _) = try Self.writeReports(in: folder)
        let result = try runSoundSort(["bench", "--compare", a, a])
        #expect(result.status == 0)
        #expect(result.standardOutput.hasPrefix("changes from \(a) to \(a): none above 0.0005\nmeans:\n"))
    }

    @Test func anOldBaselineComparesItsMeansOnly() throws {
        let folder = TemporaryFolder()
        let (_, b) = try Self.writeReports(in: folder)
        let old = folder.path("baseline.json")
        try Data("""
            {"means": {"adjustedRandIndex": 0.6, "eventOnsetF": 1, "mappedF": 0.7, "noteOnsetF": 0.9, "vMeasure": 0.85}, "tolerance": 0.02}
            """.utf8).write(to: URL(fileURLWithPath: old))
        let result = try runSoundSort(["bench", "--compare", old, b])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.hasPrefix("changes from \(old) to \(b): \(old) holds means only (no per-case figures)\nmeans:\n"))
        #expect(result.standardOutput.contains("  ARI 0.600 → 0.650 (+0.050)\n"))
        #expect(result.standardOutput.contains("  mapped F 0.700 → 0.700 (+0.000)\n"))
    }

    @Test(arguments: [
        ("{\"means\": ", "not valid JSON"),
        ("{\"cases\": []}", "no \"means\" in the top level"),
        ("{\"means\": {\"noteOnsetF\": 1}}", "no \"eventOnsetF\" in means"),
        ("{\"means\": {\"noteOnsetF\": \"high\"}}", "wrong type of value at means.noteOnsetF"),
    ])
    func badJSONIsOneLineNamingTheFile(content: String, reason: String) throws {
        let folder = TemporaryFolder()
        let (a, _) = try Self.writeReports(in: folder)
        let bad = folder.path("bad.json")
        try Data(content.utf8).write(to: URL(fileURLWithPath: bad))
        let result = try runSoundSort(["bench", "--compare", a, bad])
        #expect(result.status == 1)
        #expect(result.standardError == "soundsort: \(bad): not a bench JSON report or baseline: \(reason)\n")
        #expect(result.standardOutput.isEmpty)
    }

    @Test func aMissingFileIsOneLine() throws {
        let folder = TemporaryFolder()
        let (a, _) = try Self.writeReports(in: folder)
        let result = try runSoundSort(["bench", "--compare", folder.path("nothing.json"), a])
        #expect(result.status == 1)
        #expect(result.standardError == "soundsort: \(folder.path("nothing.json")): cannot read the file\n")
    }

    @Test(arguments: [
        (["--compare", "a.json"], "--compare takes two files, the earlier and the later report, not 1"),
        (["--compare", "a.json", "b.json", "c.json"], "--compare takes two files, the earlier and the later report, not 3"),
        (["corpus", "--compare", "a.json", "b.json"], "--compare reads two saved reports; it takes no folder (got corpus)"),
        (["--compare", "a.json", "b.json", "--update-baseline"], "--compare cannot be combined with --update-baseline"),
        (["--compare", "a.json", "b.json", "--json", "c.json"], "--compare cannot be combined with --json"),
        (["--compare", "a.json", "b.json", "--baseline", "c.json"], "--compare cannot be combined with --baseline"),
    ])
    func misuseIsAUsageError(arguments: [String], message: String) throws {
        let result = try runSoundSort(["bench"] + arguments)
        #expect(result.status == 2)
        #expect(result.standardError.hasPrefix("Error: \(message)\n"))
    }
}
