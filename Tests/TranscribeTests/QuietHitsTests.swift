import Foundation
import SoundSortCore
import Testing
import TestSupport
@testable import Transcribe

/// Hits heard only in the high bands join the drum they are hits of (issue "Real recorded drum kits": quiet 16th hats).
@Suite struct QuietHitsTests {
    static let rate = 44_100.0

    @Test func highBandPeaksAwayFromTheOnsetsFoundAreQuietHits() throws {
        // Peaks of 10 every 10 frames (0.1 s); onsets already found at frames 20 and 41 (within the 30 ms gap of 40).
        var flux = [Float](repeating: 0, count: 100)
        for frame in stride(from: 10, to: 100, by: 10) { flux[frame] = 10 }
        let frames = try QuietHits.onsets(highFlux: flux, besides: [20, 41], frameDuration: 0.01, settings: OnsetSettings())
        #expect(frames == [10, 30, 50, 60, 70, 80, 90])
    }

    /// A one-block, eight-band patch at 0 dB in `bands`, -60 dB elsewhere.
    static func patch(_ bands: Set<Int>) -> AttackPatch {
        AttackPatch(blocks: 1, bands: 8, values: (0..<8).map { bands.contains($0) ? 0 : -60 }, present: [true])
    }

    static func event(at onset: Double) -> DetectedEvent {
        DetectedEvent(onset: onset, end: onset + 0.1, startFrame: Int(onset * 100), endFrame: Int(onset * 100) + 10, level: -20)
    }

    static func features(_ patch: AttackPatch, pitch: Double? = nil) -> EventFeatures {
        EventFeatures(patch: patch, pitch: pitch.map { PitchEstimate(frequency: $0, confidence: 1) })
    }

    /// Eight bands, the last two from 6 kHz up (`QuietHits.lowestFrequency`).
    static let bandCentres = [100.0, 300, 600, 1_000, 2_000, 4_000, 7_000, 11_000]

    static func quietHits() -> QuietHits { QuietHits(threshold: 5.5, voicedConfidence: 0.8, bandCentres: bandCentres) }

    @Test func aQuietHitJoinsTheNearestDrumHeardNearIt() {
        // A kick (sound 0) and a hat (sound 1) in the first seconds, a tone (sound 2) throughout.
        let kick = Self.patch([0, 1]), hat = Self.patch([6, 7]), tone = Self.patch([3])
        let found = SimultaneousSounds.Result(
            events: [0.0, 0.5, 1.0, 1.5, 2.0, 100.0].map(Self.event),
            features: [Self.features(kick), Self.features(hat), Self.features(kick), Self.features(hat),
                       Self.features(tone, pitch: 440), Self.features(tone, pitch: 440)],
            labels: [0, 1, 0, 1, 2, 2], origins: [0, 1, 2, 3, 4, 5])
        // 5.75 dB from the hat over all bands, 8 over the high ones: within 1.5 × 5.5 but, pitched, not within 5.5.
        let nearlyHat = AttackPatch(blocks: 1, bands: 8, values: [-60, -60, -60, -60, -60, -30, 0, -16], present: [true])
        // A hat 10 dB under a held note (band 3): 10 dB from the hat over all bands, 0 over the high ones.
        let hatUnderNote = AttackPatch(blocks: 1, bands: 8, values: [-60, -60, -60, 0, -60, -60, -10, -10], present: [true])
        let hits = [0.75, 1.25, 1.75, 60.0, 1.8, 1.85, 1.6, 1.65].map(Self.event)
        let hitFeatures = [Self.features(hat), Self.features(kick), Self.features(Self.patch([3, 4])),  // A hat, a kick, neither.
                           Self.features(hat),  // A hat a minute after the last hat.
                           Self.features(hat, pitch: 440),  // A hat under a held note: a hat.
                           Self.features(nearlyHat, pitch: 440),
                           // Pitched, it is known by its high bands; unpitched, it is compared whole and left out.
                           Self.features(hatUnderNote, pitch: 440), Self.features(hatUnderNote)]
        let joined = Self.quietHits().join(hits: hits, features: hitFeatures, to: found, firstOrigin: 6)
        #expect(joined.events.map(\.onset) == [0.0, 0.5, 0.75, 1.0, 1.25, 1.5, 1.6, 1.8, 2.0, 100.0])
        #expect(joined.labels == [0, 1, 1, 0, 0, 1, 1, 1, 2, 2])
        #expect(joined.origins == [0, 1, 6, 2, 7, 3, 12, 10, 4, 5])
        // A hit is a hit: nothing left in it to take apart.
        #expect(joined.features[2].pitch == nil && joined.features[2].content == nil)
        #expect(joined.features[6].pitch == nil && joined.features[7].pitch == nil)
    }

    @Test func withoutQuietHitsNothingChanges() {
        let found = SimultaneousSounds.Result(events: [Self.event(at: 0)], features: [Self.features(Self.patch([0]))], labels: [0], origins: [0])
        let joined = Self.quietHits().join(hits: [], features: [], to: found, firstOrigin: 1)
        #expect(joined.events == found.events && joined.labels == found.labels && joined.origins == found.origins)
    }
}
