import Testing
import TestSupport
@testable import Transcribe

/// The beat tracker alone, from an onset function of pulses placed by hand (10 ms frames).
@Suite struct TempoEstimatorTests {
    static let frame = 0.01

    /// `seconds` of onset function with a pulse every `period` frames from `first`.
    static func pulses(seconds: Double, period: Int, first: Int = 0) -> [Float] {
        var values = [Float](repeating: 0, count: Int(seconds / frame))
        for i in stride(from: first, to: values.count, by: period) { values[i] = 10 }
        return values
    }

    @Test(arguments: [(50, 120.0), (60, 100.0), (40, 150.0)])
    func pulsesEveryPeriodGiveItsTempo(period: Int, beatsPerMinute: Double) throws {
        let result = try #require(BeatTracker(frameDuration: Self.frame).track(Self.pulses(seconds: 20, period: period)))
        #expect(result.map.segments.count == 1)
        #expect(result.map.firstBeatsPerMinute.isApproximatelyEqual(to: beatsPerMinute, relativeTolerance: 0.01),
                "\(result.map.firstBeatsPerMinute) BPM for \(beatsPerMinute)")
        // The beats fall on the pulses.
        for beat in result.beats {
            let frame = beat / Self.frame
            let offset = frame.truncatingRemainder(dividingBy: Double(period))
            #expect(min(offset, Double(period) - offset) <= 1.5, "beat at \(beat) s")
        }
    }

    @Test func anImposedTempoIsWrittenAsGiven() throws {
        let result = try #require(BeatTracker(frameDuration: Self.frame).track(Self.pulses(seconds: 20, period: 50), imposedBeatsPerMinute: 90))
        #expect(result.map.firstBeatsPerMinute == 90)
    }

    @Test func silenceHasNoTempo() {
        #expect(BeatTracker(frameDuration: Self.frame).track([Float](repeating: 0, count: 1_000)) == nil)
    }
}
