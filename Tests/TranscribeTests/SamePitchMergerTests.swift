import Testing
@testable import Transcribe

/// Sounds of one pitch whose attacks differ by up to 1.5 × the merge threshold (8.25 dB at 5.5) are joined.
@Suite struct SamePitchMergerTests {
    /// A one-block, 8-band patch: a falling spectrum lowered by `offset` dB.
    static func event(hz: Double?, offset: Float = 0) -> EventFeatures {
        let values: [Float] = [0, -10, -20, -30, -40, -50, -60, -60].map { $0 - offset }
        var features = EventFeatures(patch: AttackPatch(blocks: 1, bands: 8, values: values, present: [true]))
        features.pitch = hz.map { PitchEstimate(frequency: $0, confidence: 1) }
        return features
    }

    @Test func aSoundOfOnePitchSplitInTwoIsJoinedAndOthersStay() {
        let features = [
            Self.event(hz: 440), Self.event(hz: 440),                           // 0
            Self.event(hz: 440, offset: 7), Self.event(hz: 440, offset: 7),     // 1: 7 dB from 0, joined
            Self.event(hz: 440, offset: 20), Self.event(hz: 440, offset: 20),   // 2: 13 dB from 1, kept
            Self.event(hz: 494), Self.event(hz: 494),                           // 3: another pitch, kept
            Self.event(hz: 440), Self.event(hz: nil),                           // 4: half pitched is no pitch, kept
        ]
        let merger = SamePitchMerger(features: features, settings: TranscriptionSettings())
        #expect(merger.merge([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]) == [0, 0, 0, 0, 1, 1, 2, 2, 3, 3])
    }

    @Test func aLowerThresholdKeepsThemApart() {
        var settings = TranscriptionSettings()
        settings.mergeThreshold = 4  // 1.5 × 4 = 6 dB < 7 dB
        let features = [Self.event(hz: 440), Self.event(hz: 440, offset: 7)]
        #expect(SamePitchMerger(features: features, settings: settings).merge([0, 1]) == [0, 1])
    }
}
