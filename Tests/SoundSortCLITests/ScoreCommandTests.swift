import Foundation
import MIDIIO
import Testing
import TestSupport

@Suite struct ScoreCommandTests {
    /// Reference: 4 C4 and 4 E4 on one track; estimate: the C4s on track 1, the E4s split over tracks 2 and 3, one extra.
    static func writePair(in folder: TemporaryFolder) throws -> (estimate: String, reference: String) {
        let reference = folder.path("ref.mid"), estimate = folder.path("est.mid")
        let c4 = (0..<4).map { MIDISong.Track.Note(onset: Double($0), offset: Double($0) + 0.4, pitch: 60, velocity: 90) }
        let e4 = (0..<4).map { MIDISong.Track.Note(onset: Double($0) + 0.5, offset: Double($0) + 0.9, pitch: 64, velocity: 90) }
        try MIDISong(tempoChanges: [], tracks: [.init(name: "Keys", channel: 0, program: 4, notes: c4 + e4)]).write(to: reference)
        try MIDISong(tempoChanges: [], tracks: [
            .init(name: "S00", channel: 0, program: 0, notes: c4.map { var n = $0; n.onset += 0.01; return n }),
            .init(name: "S01", channel: 1, program: 0, notes: Array(e4.prefix(2))),
            .init(name: "S02", channel: 2, program: 0, notes: Array(e4.suffix(2)) + [.init(onset: 7, offset: 7.5, pitch: 70, velocity: 90)]),
        ]).write(to: estimate)
        return (estimate, reference)
    }

    @Test func printsTheTableAndWritesJSON() throws {
        let folder = TemporaryFolder()
        let (estimate, reference) = try Self.writePair(in: folder)
        let json = folder.path("scores.json")
        let result = try runSoundSort(["score", estimate, "--reference", reference, "--json", json])
        #expect(result.status == 0, "\(result.standardError)")
        let out = result.standardOutput
        // 8 of 9 estimated notes match; the mapping gets C4 and two E4s right: P 6/9, R 6/8.
        #expect(out.contains("note onsets              0.889   1.000  0.941"))
        #expect(out.contains("mapped labels            0.667   0.750  0.706"))
        #expect(out.contains("sounds     3 found, 2 in the reference (1.50×)"))
        #expect(out.contains("  program 4 E4                4      4  track 2 (2), track 3 (2)  ← split"))
        let decoded = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
        #expect(decoded["matchedNotes"] as? Int == 8)
    }

    @Test func windowOutOfRangeIsRefused() throws {
        let folder = TemporaryFolder()
        let (estimate, reference) = try Self.writePair(in: folder)
        let result = try runSoundSort(["score", estimate, "--reference", reference, "--window", "5"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("--window must be between 0.001 and 1.0 seconds, not 5.0"))
    }

    @Test func refusesToOverwriteAnInputWithJSON() throws {
        let folder = TemporaryFolder()
        let (estimate, reference) = try Self.writePair(in: folder)
        let before = try Data(contentsOf: URL(fileURLWithPath: reference))
        let result = try runSoundSort(["score", estimate, "--reference", reference, "--json", reference])
        #expect(result.status == 1)
        #expect(result.standardError == "soundsort: \(reference): refusing to overwrite an input file\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: reference)) == before)
    }
}
