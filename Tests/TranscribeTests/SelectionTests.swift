import Foundation
import Testing
import TestSupport
@testable import Transcribe

/// The shortcuts taken for speed give exactly what the plain way gives: a ranked value by selection, the local
/// medians by a sliding window, run maxima from a sparse table, the onset analyses from spectra taken once.
@Suite struct SelectionTests {
    /// Random values with many repeats (few distinct levels), the case where partitioning goes wrong first.
    static func values(count: Int, levels: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Float(Int.random(in: 0..<levels, using: &generator)) * 0.5 }
    }

    @Test(arguments: [1, 2, 3, 7, 64, 641])
    func selectionGivesTheSortedValueAtEveryRank(count: Int) {
        for (seed, levels) in [(1, 3), (2, 1_000)] {
            let values = Self.values(count: count, levels: levels, seed: UInt64(seed * 1_000 + count))
            let sorted = values.sorted()
            for rank in values.indices {
                var scratch = values
                #expect(scratch.selectRanked(rank) == sorted[rank], "rank \(rank) of \(count), \(levels) levels")
            }
        }
    }

    @Test(arguments: [2, 6])
    func slidingMediansAreTheSortedNeighbourhoods(radius: Int) {
        let values = Self.values(count: 200, levels: 20, seed: UInt64(radius))
        let last = 180
        let medians = OnsetPitchEstimator.localMedians(values, radius: radius, through: last)
        for k in values.indices {
            let neighbourhood = values[max(0, k - radius)...min(values.count - 1, k + radius)].sorted()
            #expect(medians[k] == (k <= last ? neighbourhood[neighbourhood.count / 2] : 0), "bin \(k)")
        }
    }

    @Test func rangeMaximaAreTheRunsMaxima() {
        let values = Self.values(count: 100, levels: 1_000, seed: 3)
        var maxima = RangeMaxima(binCount: values.count, longestRun: 20)
        values.withUnsafeBufferPointer { maxima.build($0) }
        for low in values.indices {
            for high in low..<min(values.count, low + 20) {
                #expect(maxima.maximum(low, high) == values[low...high].max(), "bins \(low)...\(high)")
            }
        }
    }

    /// The analyses of one onset prepared once give what each gives preparing its own spectra, in any order.
    @Test func analysesOfOnePreparedOnsetMatchTheirOwn() throws {
        let rate = 44_100.0
        let estimator = try OnsetPitchEstimator(sampleRate: rate)
        let onset = 22_050
        // A bass note sounding on, then a C major triad and a noise burst starting at the onset.
        var generator = SeededGenerator(seed: 7)
        let signal: [Float] = (0..<(2 * Int(rate))).map { i in
            let t = Double(i) / rate
            var x = 0.3 * sin(2 * .pi * 98 * t)
            if i >= onset {
                for f in [261.63, 329.63, 392.0] { x += 0.2 * sin(2 * .pi * f * t) }
                x += 0.05 * Double.random(in: -1...1, using: &generator)
            }
            return Float(x)
        }
        try signal.withUnsafeBufferPointer { samples in
            let audio = AudioWindow(mono: samples, end: samples.count)
            let pitches = [98.0, 261.63]
            let estimate = estimator.estimate(audio, onset: onset), chord = estimator.chord(audio, onset: onset)
            let content = estimator.content(audio, onset: onset)
            let persistence = estimator.persistence(audio, onset: onset, of: pitches)
            try #require(estimator.prepare(audio, onset: onset))
            #expect(estimator.preparedPersistence(audio, onset: onset, of: pitches).map { $0.map { [$0.glide, $0.fall] } }
                    == persistence.map { $0.map { [$0.glide, $0.fall] } })
            #expect(estimator.preparedContent() == content)
            #expect(estimator.preparedChord() == chord)
            #expect(estimator.preparedEstimate() == estimate)
            #expect(estimate != nil)
            #expect(content?.notes.isEmpty == false)
        }
    }
}
