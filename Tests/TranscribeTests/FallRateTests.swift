import Foundation
import Testing
@testable import Transcribe

/// How fast a hit dies tells a closed hat from an open one, whatever rings under it (issue "Real recorded drum kits").
@Suite struct FallRateTests {
    /// An octave-band envelope at 10 ms a frame: silence, then in the top band hits at `onsets` (frames), each
    /// falling `fall` dB a frame from 0 dB over whatever still rings (powers added).
    static func envelope(onsets: [Int], fall: [Float], frames: Int = 80) -> BandEnvelope {
        var envelope = BandEnvelope(frameDuration: 0.01)
        for frame in 0..<frames {
            var power: Float = 0
            for (onset, rate) in zip(onsets, fall) where frame >= onset { power += pow(10, -rate * Float(frame - onset) / 10) }
            var powers = [Float](repeating: 1e-10, count: BandEnvelope.bandCount)
            powers[BandEnvelope.bandCount - 1] = max(power, 1e-10)
            powers.withUnsafeBufferPointer { envelope.append(powers: $0) }
        }
        return envelope
    }

    static func events(_ onsets: [Int]) -> [DetectedEvent] {
        onsets.map { DetectedEvent(onset: Double($0) * 0.01, end: 0.8, startFrame: $0, endFrame: 80, level: -20) }
    }

    @Test func aHitsFallIsReadOverSixtyMillisecondsOrUntilTheNextOnset() {
        // A closed hat falling 3 dB a frame (300 dB/s), an open hat 0.3 dB a frame (30 dB/s), each alone.
        let closed = DecayMeasurer(envelope: Self.envelope(onsets: [10], fall: [3])).fallRates(Self.events([10]))
        let open = DecayMeasurer(envelope: Self.envelope(onsets: [10], fall: [0.3])).fallRates(Self.events([10]))
        #expect(abs((closed[0] ?? 0) - 300) < 1, "\(String(describing: closed[0])) dB/s")
        #expect(abs((open[0] ?? 0) - 30) < 1, "\(String(describing: open[0])) dB/s")
        // A hit 30 ms before the next onset is read over its 2 frames; one 20 ms before it is not read.
        let cut = DecayMeasurer(envelope: Self.envelope(onsets: [10, 13, 40, 42], fall: [3, 3, 3, 3])).fallRates(Self.events([10, 13, 40, 42]))
        #expect(abs((cut[0] ?? 0) - 300) < 1 && cut[2] == nil)
    }

    @Test func aHitOverItsOwnRingingFallsAsFastAsAlone() {
        // A slow ride stroke every 200 ms: each new stroke lands on the last one's ringing, and still reads about
        // 50 dB/s, as the first does alone; a time to fall back to what rang before would vary with the spacing.
        let onsets = [10, 30, 50]
        let rates = DecayMeasurer(envelope: Self.envelope(onsets: onsets, fall: [0.5, 0.5, 0.5], frames: 90)).fallRates(Self.events(onsets))
        for rate in rates { #expect(rate.map { $0 > 25 && $0 <= 50.5 } ?? false, "\(String(describing: rate)) dB/s") }
    }

    @Test func unpitchedEventsThatDieAtOtherRatesAreApart() throws {
        let patch = AttackPatch(blocks: 1, bands: 8, values: [Float](repeating: 0, count: 8), present: [true])
        func features(_ rate: Double?, pitch: Double? = nil) -> EventFeatures {
            var f = EventFeatures(patch: patch, pitch: pitch.map { PitchEstimate(frequency: $0, confidence: 1) })
            f.fallRate = rate
            return f
        }
        let settings = TranscriptionSettings()
        let all = [features(300), features(75), features(300), features(nil), features(300, pitch: 440), features(75, pitch: 440)]
        let distance = EventDistance(features: all, envelope: HarmonicEnvelope(bandCentres: (0..<8).map { 100 * Double($0 + 1) }), settings: settings)
        // Same patches: apart by the rates alone, a factor of 4 being the merge threshold.
        #expect(abs(distance(0, 1) - Float(settings.mergeThreshold)) < 1e-4)
        #expect(distance(0, 2) == 0)
        // An event whose rate was not read, or pitched events, are compared by their patches alone.
        #expect(distance(0, 3) == 0 && distance(4, 5) == 0)
    }
}
