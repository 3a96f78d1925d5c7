import Testing
@testable import Transcribe

@Suite struct SmallDrumMergerTests {
    /// A one-block patch of 8 bands: `level` dB everywhere but band `peak`, at 0 dB.
    static func drum(peak: Int, level: Float = -30) -> EventFeatures {
        var values = [Float](repeating: level, count: 8)
        values[peak] = 0
        return EventFeatures(patch: AttackPatch(blocks: 1, bands: 8, values: values, present: [true]))
    }

    static func note(_ hz: Double) -> EventFeatures {
        var features = drum(peak: 0)
        features.pitch = PitchEstimate(frequency: hz, confidence: 1)
        return features
    }

    let merger = SmallDrumMerger(threshold: 5.5, voicedConfidence: 0.8)

    @Test func aTwoHitDrumNearALargerOneJoinsIt() {
        // Sound 0: four hits peaking in band 2; sound 1: two hits alike but 4 dB louder around (mean difference 3.5 dB
        // ≤ 1.5 × 5.5); sound 2: two hits peaking in band 6, quieter around (25 dB away).
        let features = (0..<4).map { _ in Self.drum(peak: 2) } + [Self.drum(peak: 2, level: -26), Self.drum(peak: 2, level: -26)]
            + [Self.drum(peak: 6, level: -50), Self.drum(peak: 6, level: -50)]
        let labels = [0, 0, 0, 0, 1, 1, 2, 2]
        #expect(merger.merge(features: features, labels: labels) == [0, 0, 0, 0, 0, 0, 2, 2])
    }

    @Test func pitchedSoundsAndLargeDrumsStay() {
        // Two large drums, and one-note tonal sounds: nothing is small and unpitched.
        let features = (0..<3).map { _ in Self.drum(peak: 2) } + (0..<3).map { _ in Self.drum(peak: 2, level: -26) }
            + [Self.note(220), Self.note(233)]
        let labels = [0, 0, 0, 1, 1, 1, 2, 3]
        #expect(merger.merge(features: features, labels: labels) == labels)
    }
}
