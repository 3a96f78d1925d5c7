import Foundation
import Testing
@testable import Transcribe

/// A kick's body spans few of the mel bands: a kick + hat and a lone hat must still be two sounds (issue "Real recorded
/// drum kits"), however alike the rest of their attacks.
@Suite struct OctaveLevelTests {
    /// The pipeline's own mel bands (128 from 30 Hz to 16 kHz).
    static func bandCentres() throws -> [Double] {
        try FrameAnalyzer(sampleRate: 44_100, settings: SpectrogramSettings()).filterbank.centerFrequencies
    }

    /// A two-block patch: 0 dB in the bands from `from` Hz up and, when `body` is set, in the bands under 120 Hz;
    /// `hatLevel` dB in the bands from `from` up; the floor (−60 dB) elsewhere.
    static func patch(centres: [Double], from: Double = 4_000, hatLevel: Float = 0, body: Bool) -> AttackPatch {
        let row = centres.map { centre -> Float in
            if body && centre < 120 { return 0 }
            return centre >= from ? hatLevel : -60
        }
        return AttackPatch(blocks: 2, bands: centres.count, values: row + row, present: [true, true])
    }

    @Test func aKickUnderAHatIsNoLoneHat() throws {
        let centres = try Self.bandCentres()
        let settings = TranscriptionSettings()
        let threshold = Float(settings.mergeThreshold)
        let hat = Self.patch(centres: centres, body: false)
        let kickAndHat = Self.patch(centres: centres, body: true)
        let quieterHat = Self.patch(centres: centres, hatLevel: -4, body: false)
        // Over all 128 bands the body adds under the merge threshold: the first pass alone would join them.
        #expect(try #require(hat.meanAbsoluteDifference(kickAndHat)) < threshold)
        let events = [hat, kickAndHat, quieterHat].map { EventFeatures(patch: $0, pitch: nil) }
        let distance = EventDistance(features: events, envelope: HarmonicEnvelope(bandCentres: centres), settings: settings)
        // 60 dB of body in the lowest octaves against none: twice the 30 dB that count as the threshold.
        #expect(abs(distance(0, 1) - 2 * threshold) < 1e-3, "\(distance(0, 1))")
        // Two hats 4 dB apart in level shape stay within it.
        #expect(distance(0, 2) < threshold)
    }

    @Test func pitchedEventsAreComparedByTheirPatchesAlone() throws {
        let centres = try Self.bandCentres()
        let settings = TranscriptionSettings()
        let note = PitchEstimate(frequency: 5_000, confidence: 1)
        let events = [Self.patch(centres: centres, body: false), Self.patch(centres: centres, body: true)]
            .map { EventFeatures(patch: $0, pitch: note) }
        let distance = EventDistance(features: events, envelope: HarmonicEnvelope(bandCentres: centres), settings: settings)
        // A pitched sound is told by its pitch and harmonic envelope (a bass note under a hat holds the low octaves).
        #expect(distance(0, 1) == events[0].patch.meanAbsoluteDifference(events[1].patch))
    }

    @Test func eachBandBelongsToItsOctaveFromThirtyHertz() {
        let octaves = HarmonicEnvelope(bandCentres: [31, 59, 61, 119, 121, 7_700, 16_000]).octaveOfBand
        #expect(octaves == [0, 0, 1, 1, 2, 8, 9])
    }
}
