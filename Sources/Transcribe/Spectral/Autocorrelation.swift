import Foundation

/// Linear autocorrelation by FFT: the power spectrum of the zero-padded signal, transformed again (a real, even
/// sequence's forward transform is its inverse times its length). O(N log N) instead of O(N × lags).
final class Autocorrelation {
    private var transforms: [Int: RealFFT] = [:]
    private var frame: [Float] = []
    private var even: [Float] = []
    private var power: [Float] = []

    /// Sums Σᵢ x[i] x[i + lag] for lags 0…`maxLag` (< x.count).
    func sums(_ x: [Double], maxLag: Int) throws(TranscribeError) -> [Double] {
        var size = 16
        while size < 2 * x.count { size *= 2 }
        let fft: RealFFT
        if let known = transforms[size] {
            fft = known
        } else {
            fft = try RealFFT(size: size)
            transforms[size] = fft
        }
        // The buffers are kept from call to call (a tempo curve makes hundreds of calls of one size), zeroed as new.
        // They are swapped out of the instance while in use: indexing a class's array property checks exclusive
        // access at every element, which cost more than the two FFTs.
        var frame: [Float] = [], power: [Float] = [], even: [Float] = []
        swap(&frame, &self.frame)
        swap(&power, &self.power)
        swap(&even, &self.even)
        defer {
            swap(&frame, &self.frame)
            swap(&power, &self.power)
            swap(&even, &self.even)
        }
        Self.zeroed(&frame, count: size)
        frame.withUnsafeMutableBufferPointer { frame in
            for (i, value) in x.enumerated() { frame[i] = Float(value) }
        }
        Self.zeroed(&power, count: fft.binCount)
        frame.withUnsafeBufferPointer { input in power.withUnsafeMutableBufferPointer { fft.powerSpectrum(input, into: $0) } }
        Self.zeroed(&even, count: size)
        even.withUnsafeMutableBufferPointer { even in
            power.withUnsafeBufferPointer { power in
                for k in 0..<fft.binCount {
                    even[k] = power[k]
                    if k > 0 && k < size / 2 { even[size - k] = power[k] }
                }
            }
        }
        return even.withUnsafeBufferPointer { input in
            fft.transform(input) { bins in (0...maxLag).map { Double(bins[2 * $0]) / Double(size) } }
        }
    }

    /// Makes `buffer` `count` zeros, reusing its storage when it has that many elements already.
    private static func zeroed(_ buffer: inout [Float], count: Int) {
        if buffer.count == count {
            buffer.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        } else {
            buffer = [Float](repeating: 0, count: count)
        }
    }
}
