import Foundation
import MIDIIO
import SoundSortCore
import Testing
@testable import Eval

/// Expected figures written by scripts/make-eval-fixtures with mir_eval and scikit-learn.
struct ExpectedScores: Decodable, CustomTestStringConvertible, Sendable {
    var reference, estimate, referenceLabel, estimateLabel: String
    var window: Double
    var matched: Int
    var noteOnset, eventOnset, mapped: [Double]
    var ari, nmi, homogeneity, completeness, vMeasure, fowlkesMallows: Double
    var referenceSounds, estimatedSounds: Int
    var testDescription: String { "\(reference) vs \(estimate)" }
}

@Suite struct ScoreFixtureTests {
    static let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
    static let cases = try! JSONDecoder().decode([ExpectedScores].self, from: Data(contentsOf: fixtures.appendingPathComponent("expected.json")))

    @Test func thereAreAtLeastTwentyPairs() { #expect(Self.cases.count >= 20) }

    @Test(arguments: cases)
    func agreesWithMirEvalAndScikitLearn(_ expected: ExpectedScores) throws {
        let reference = try MIDIFile(path: Self.fixtures.appendingPathComponent(expected.reference).path).notes
        let estimate = try MIDIFile(path: Self.fixtures.appendingPathComponent(expected.estimate).path).notes
        let options = ScoreOptions(window: expected.window, referenceLabel: LabelMode(rawValue: expected.referenceLabel)!,
                                   estimateLabel: LabelMode(rawValue: expected.estimateLabel)!)
        let scores = score(estimate: estimate, reference: reference, options: options)
        let tolerance = 1e-9
        #expect(scores.matchedNotes == expected.matched)
        #expect(scores.referenceSounds == expected.referenceSounds)
        #expect(scores.estimatedSounds == expected.estimatedSounds)
        for (name, got, want) in [("note onset", scores.noteOnset, expected.noteOnset), ("event onset", scores.eventOnset, expected.eventOnset),
                                  ("mapped", scores.mapped, expected.mapped)] {
            #expect(abs(got.precision - want[0]) < tolerance, "\(name) precision")
            #expect(abs(got.recall - want[1]) < tolerance, "\(name) recall")
            #expect(abs(got.fMeasure - want[2]) < tolerance, "\(name) F")
        }
        let c = scores.clustering
        #expect(abs(c.adjustedRandIndex - expected.ari) < tolerance)
        #expect(abs(c.normalizedMutualInformation - expected.nmi) < tolerance)
        #expect(abs(c.homogeneity - expected.homogeneity) < tolerance)
        #expect(abs(c.completeness - expected.completeness) < tolerance)
        #expect(abs(c.vMeasure - expected.vMeasure) < tolerance)
        #expect(abs(c.fowlkesMallows - expected.fowlkesMallows) < tolerance)
    }
}
