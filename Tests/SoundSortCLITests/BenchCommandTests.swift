import Foundation
import Testing
import TestSupport

@Suite struct BenchCommandTests {
    /// The package's corpus folder.
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("corpus")

    /// A corpus of two real cases, with a baseline measured with the default settings.
    static func smallCorpus(in folder: TemporaryFolder) throws -> String {
        let manifest = """
        {"cases": [
          {"name": "semitones", "audio": "\(corpus.path)/cases/semitones.flac", "reference": "\(corpus.path)/cases/semitones.mid"},
          {"name": "synth-lead-bass", "audio": "\(corpus.path)/cases/synth-lead-bass.flac", "reference": "\(corpus.path)/cases/synth-lead-bass.mid"}
        ]}
        """
        try Data(manifest.utf8).write(to: folder.url.appendingPathComponent("manifest.json"))
        let result = try runSoundSort(["bench", folder.url.path, "--update-baseline"])
        #expect(result.status == 0, "\(result.standardError)")
        return folder.url.path
    }

    @Test func passesAgainstItsOwnBaselineAndPrintsTheTable() throws {
        let folder = TemporaryFolder()
        let corpus = try Self.smallCorpus(in: folder)
        let json = folder.path("report.json")
        let result = try runSoundSort(["bench", corpus, "--json", json])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("| semitones | 36/"))
        #expect(result.standardOutput.contains("| **mean** |"))
        #expect(result.standardOutput.contains("baseline: every mean within 0.02"))
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
        #expect((report["cases"] as? [Any])?.count == 2)
    }

    @Test func aFarHigherMergeThresholdFailsTheBaseline() throws {
        let folder = TemporaryFolder()
        let corpus = try Self.smallCorpus(in: folder)
        let result = try runSoundSort(["bench", corpus, "--merge-threshold", "40"])
        #expect(result.status == 3)
        #expect(result.standardOutput.contains(" fell from "))
    }

    @Test func missingManifestIsOneLine() throws {
        let folder = TemporaryFolder()
        let result = try runSoundSort(["bench", folder.url.path])
        #expect(result.status == 1)
        #expect(result.standardError == "soundsort: \(folder.url.path)/manifest.json: cannot read the corpus manifest\n")
    }
}
