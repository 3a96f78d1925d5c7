import Testing
@testable import Transcribe

/// Adaptive peak picking on onset functions whose peaks are placed by hand (10 ms frames).
@Suite struct PeakPickingTests {
    static let frame = 0.01

    /// `count` frames of `floor` with spikes of `height` at `peaks`.
    static func function(count: Int, peaks: [Int], height: Float = 100, floor: Float = 0) -> [Float] {
        var values = [Float](repeating: floor, count: count)
        for p in peaks { values[p] = height }
        return values
    }

    @Test func isolatedSpikesAreTheOnsets() throws {
        let peaks = [10, 50, 120, 199]
        #expect(try OnsetDetector.pickPeaks(Self.function(count: 200, peaks: peaks), frameDuration: Self.frame) == peaks)
    }

    @Test func aPeakTooCloseToTheOneBeforeIsDropped() throws {
        // 20 ms apart: under the 30 ms minimum gap (and within the 30 ms local-maximum window of the larger one).
        var values = Self.function(count: 100, peaks: [40])
        values[42] = 90
        #expect(try OnsetDetector.pickPeaks(values, frameDuration: Self.frame) == [40])
    }

    @Test func aPeakMustRiseAboveItsLocalMeanByTheThreshold() throws {
        // The loudest flux is 100, so a peak must rise 8 above its local mean: 5 over a flat floor does not.
        var values = Self.function(count: 300, peaks: [50, 150])
        values[250] = 5
        #expect(try OnsetDetector.pickPeaks(values, frameDuration: Self.frame) == [50, 150])
        var settings = OnsetSettings()
        settings.threshold = 0.04
        #expect(try OnsetDetector.pickPeaks(values, frameDuration: Self.frame, settings: settings) == [50, 150, 250])
    }

    /// A hit 90 ms after one eight times louder (a kick after a snare): the plain local mean, (100 + 12) / 18, would
    /// ask for 14.2; clipped at the peak's own 12 it asks for 9.3, as after silence. A bump of 8.5 still falls short.
    @Test func aLouderHitJustBeforeDoesNotRaiseTheBarAboveThePeak() throws {
        var values = Self.function(count: 300, peaks: [50, 200])
        values[59] = 12
        #expect(try OnsetDetector.pickPeaks(values, frameDuration: Self.frame) == [50, 59, 200])
        values[59] = 8.5
        #expect(try OnsetDetector.pickPeaks(values, frameDuration: Self.frame) == [50, 200])
    }

    @Test func aPlateauGivesOneOnsetAtItsStart() throws {
        var values = Self.function(count: 100, peaks: [])
        for i in 30...33 { values[i] = 50 }
        #expect(try OnsetDetector.pickPeaks(values, frameDuration: Self.frame) == [30])
    }

    @Test func noiseUnderTheMinimumFluxIsNoOnset() throws {
        #expect(try OnsetDetector.pickPeaks(Self.function(count: 100, peaks: [20, 60], height: 0.5), frameDuration: Self.frame) == [])
        #expect(try OnsetDetector.pickPeaks([], frameDuration: Self.frame) == [])
    }
}
