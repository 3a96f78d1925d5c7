import Foundation
import Testing
import TestSupport
@testable import Transcribe

/// HTK mel triangles: centres evenly spaced in mel, weight 1 at a centre bin, each band's weights a triangle.
@Suite struct MelFilterbankTests {
    static func mel(_ hz: Double) -> Double { 2595 * log10(1 + hz / 700) }

    @Test func centresAreEvenlySpacedInMel() throws {
        let bank = try MelFilterbank(bandCount: 10, fftSize: 2048, sampleRate: 44_100, lowestFrequency: 0, highestFrequency: 8_000)
        #expect(bank.centerFrequencies.count == 10)
        let step = Self.mel(8_000) / 11
        for (band, centre) in bank.centerFrequencies.enumerated() {
            #expect(Self.mel(centre).isApproximatelyEqual(to: step * Double(band + 1), relativeTolerance: 1e-9), "band \(band): \(centre) Hz")
        }
    }

    @Test func aBinAtABandsCentreWeighsOneAndItsNeighboursLess() throws {
        // 1 Hz bins (fftSize = sampleRate): the centre of every band lies near a bin.
        let rate = 8_000.0
        let bank = try MelFilterbank(bandCount: 4, fftSize: 8_000, sampleRate: rate, lowestFrequency: 100, highestFrequency: 4_000)
        var spectrum = [Float](repeating: 0, count: 4_001)
        var bands = [Float](repeating: 0, count: 4)
        let centre = Int(bank.centerFrequencies[1].rounded())
        spectrum[centre] = 1
        spectrum.withUnsafeBufferPointer { input in bands.withUnsafeMutableBufferPointer { bank.apply(input, into: $0) } }
        #expect(bands[1].isApproximatelyEqual(to: 1, absoluteTolerance: 0.01), "\(bands)")
        #expect(bands[3] == 0)
        // A flat spectrum: each band sums its triangle, about half its width in bins, and wider bands weigh more.
        spectrum = [Float](repeating: 1, count: 4_001)
        spectrum.withUnsafeBufferPointer { input in bands.withUnsafeMutableBufferPointer { bank.apply(input, into: $0) } }
        let edges = [100.0] + bank.centerFrequencies + [4_000]
        for band in 0..<4 {
            let halfWidth = Float(edges[band + 2] - edges[band]) / 2
            #expect(bands[band].isApproximatelyEqual(to: halfWidth, relativeTolerance: 0.01), "band \(band): \(bands[band]) for \(halfWidth)")
        }
    }

    @Test func wrongParametersAreRejected() {
        #expect(throws: TranscribeError.self) { try MelFilterbank(bandCount: 0, fftSize: 2048, sampleRate: 44_100, lowestFrequency: 0, highestFrequency: 8_000) }
        #expect(throws: TranscribeError.self) { try MelFilterbank(bandCount: 8, fftSize: 2048, sampleRate: 44_100, lowestFrequency: 9_000, highestFrequency: 8_000) }
        #expect(throws: TranscribeError.self) { try MelFilterbank(bandCount: 8, fftSize: 2048, sampleRate: 44_100, lowestFrequency: .nan, highestFrequency: 8_000) }
    }
}
