import Foundation
import Testing
@testable import Transcribe

@Suite struct RealFFTTests {
    /// A naive DFT in double precision: the reference.
    static func naiveDFT(_ x: [Float]) -> [(re: Double, im: Double)] {
        let n = x.count
        return (0...(n / 2)).map { k in
            var re = 0.0, im = 0.0
            for (t, value) in x.enumerated() {
                let angle = -2 * Double.pi * Double(k * t) / Double(n)
                re += Double(value) * cos(angle)
                im += Double(value) * sin(angle)
            }
            return (re, im)
        }
    }

    @Test(arguments: [8, 64, 100, 1024, 2048])
    func matchesNaiveDFT(size: Int) throws {
        var state: UInt32 = 12345
        let x: [Float] = (0..<size).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / Float(1 << 24) - 0.5
        }
        let reference = Self.naiveDFT(x)
        let fft = try RealFFT(size: size)
        let bins = x.withUnsafeBufferPointer { input in fft.transform(input) { Array($0) } }
        var errorSquared = 0.0, normSquared = 0.0
        for k in reference.indices {
            let dRe = Double(bins[2 * k]) - reference[k].re, dIm = Double(bins[2 * k + 1]) - reference[k].im
            errorSquared += dRe * dRe + dIm * dIm
            normSquared += reference[k].re * reference[k].re + reference[k].im * reference[k].im
        }
        // Single precision: relative error a few ulps times log2(n).
        #expect((errorSquared / normSquared).squareRoot() < 1e-5)
    }

    @Test func reusesThePlan() throws {
        let fft = try RealFFT(size: 16)
        let impulse: [Float] = [1] + [Float](repeating: 0, count: 15)
        let shifted: [Float] = [0, 1] + [Float](repeating: 0, count: 14)
        let first = impulse.withUnsafeBufferPointer { input in fft.transform(input) { Array($0) } }
        let second = shifted.withUnsafeBufferPointer { input in fft.transform(input) { Array($0) } }
        #expect(first.enumerated().allSatisfy { $0.offset % 2 == 1 ? $0.element == 0 : $0.element == 1 })
        // Bin 4 of a one-sample delay: e^{-iπ/2} = -i.
        #expect(abs(second[8]) < 1e-6 && abs(second[9] + 1) < 1e-6)
    }

    @Test(arguments: [0, 1, -4])
    func refusesWrongSizes(size: Int) {
        #expect(throws: TranscribeError.invalidParameter(name: "FFT size", value: "\(size)", allowed: "2…16777216")) {
            try RealFFT(size: size)
        }
        #expect(throws: TranscribeError.invalidParameter(name: "FFT size", value: "\(size)", allowed: "2…16777216")) {
            try InverseRealFFT(size: size)
        }
    }

    /// The inverse gives a frame back times its length, at even and odd sizes (an odd size's last bin is no Nyquist bin).
    @Test(arguments: [16, 100, 105])
    func theInverseUndoesTheTransform(size: Int) throws {
        let x: [Float] = (0..<size).map { Float(sin(Double($0) * 0.7) + 0.3 * cos(Double($0 * $0) * 0.01)) }
        let forward = try RealFFT(size: size), inverse = try InverseRealFFT(size: size)
        let bins = x.withUnsafeBufferPointer { input in forward.transform(input) { Array($0) } }
        let back = inverse.transform(filling: { target in
            for i in target.indices { target[i] = bins[i] }
        }, { Array($0) })
        let worst = zip(back, x).map { abs($0 / Float(size) - $1) }.max() ?? 1
        #expect(worst < 1e-5, "largest difference \(worst)")
    }
}
