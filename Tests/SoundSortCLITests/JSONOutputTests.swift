import Foundation
@testable import soundsort
import Testing

/// A value JSON cannot hold is one line naming the file and the key, never the encoder's report.
@Suite struct JSONOutputTests {
    struct Report: Encodable {
        var name = "song"
        var decibels: [Double]
    }

    @Test func aNumberThatIsNotFiniteNamesTheFileAndTheKey() {
        #expect(throws: CommandFailure(path: "out.json", reason: "cannot write nan as JSON (decibels.1)")) {
            try jsonData(Report(decibels: [1, .nan]), for: "out.json")
        }
    }

    @Test func finiteValuesAreWrittenSortedWithAFinalNewline() throws {
        let data = try jsonData(Report(decibels: [1.5]), for: "out.json")
        #expect(String(decoding: data, as: UTF8.self) == "{\n  \"decibels\" : [\n    1.5\n  ],\n  \"name\" : \"song\"\n}\n")
    }
}
