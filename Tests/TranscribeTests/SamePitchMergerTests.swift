import Testing
@testable import Transcribe

/// Sounds of one pitch whose attacks differ by up to 1.5 × the merge threshold (8.25 dB at 5.5) are joined, unless
/// their harmonic envelopes differ by more than 7 dB (two instruments at one pitch).
@Suite struct SamePitchMergerTests {
    /// Bands centred on the harmonics of 440 Hz: each band reads one harmonic.
    static let harmonicBands = HarmonicEnvelope(bandCentres: (1...8).map { 440 * Double($0) })

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
            Self.event(hz: 440), Self.event(hz: nil), Self.event(hz: nil),      // 4: a third pitched is no pitch, kept
            Self.event(hz: 440), Self.event(hz: nil),                           // 5: half pitched is a pitch, joined
        ]
        let merger = SamePitchMerger(features: features, envelope: Self.harmonicBands, settings: TranscriptionSettings())
        #expect(merger.merge([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 4, 5, 5]) == [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 3, 0, 0])
    }

    @Test func aLowerThresholdKeepsThemApart() {
        var settings = TranscriptionSettings()
        settings.mergeThreshold = 4  // 1.5 × 4 = 6 dB < 7 dB
        let features = [Self.event(hz: 440), Self.event(hz: 440, offset: 7)]
        #expect(SamePitchMerger(features: features, envelope: Self.harmonicBands, settings: settings).merge([0, 1]) == [0, 1])
    }

    @Test func twoInstrumentsAtOnePitchStayApart() {
        // 16 bands every 220 Hz: at 440 Hz every other band is a harmonic, the bands between are quiet in both. The
        // attacks differ by 7.5 dB (under 8.25), the harmonic envelopes by 15 dB.
        let envelope = HarmonicEnvelope(bandCentres: (1...16).map { 220 * Double($0) })
        func instrument(_ harmonics: [Float]) -> EventFeatures {
            var values = [Float](repeating: -40, count: 16)
            for (h, level) in harmonics.enumerated() { values[2 * h + 1] = level }
            var features = EventFeatures(patch: AttackPatch(blocks: 1, bands: 16, values: values, present: [true]))
            features.pitch = PitchEstimate(frequency: 440, confidence: 1)
            return features
        }
        let mellow = instrument([0, -6, -12, -18, -24, -30, -36, -40]), hollow = instrument([-18, 0, -28, -4, -40, -10, -40, -14])
        #expect(mellow.patch.meanAbsoluteDifference(hollow.patch) == 7.5)
        let features = [mellow, mellow, hollow, hollow]
        #expect(SamePitchMerger(features: features, envelope: envelope, settings: TranscriptionSettings()).merge([0, 0, 1, 1]) == [0, 0, 1, 1])
        // The same two sounds whose pitch is a drum's body (it has no harmonics to compare): joined by attack alone.
        var bodies = features
        for index in bodies.indices { bodies[index].drumBodies = [440] }
        #expect(SamePitchMerger(features: bodies, envelope: envelope, settings: TranscriptionSettings()).merge([0, 0, 1, 1]) == [0, 0, 0, 0])
    }
}
