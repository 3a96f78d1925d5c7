internal import CFFTW
import Foundation

/// FFTW's planner is not thread-safe: only `fftwf_execute` is. Every plan is made and destroyed under this lock.
private let fftwPlannerLock = NSLock()

private func underPlannerLock<T>(_ body: () -> T) -> T {
    fftwPlannerLock.lock()
    defer { fftwPlannerLock.unlock() }
    return body()
}

/// `size` when it is a transform length FFTW can plan here (2…2²⁴).
private func checkedFFTSize(_ size: Int) throws(TranscribeError) -> Int {
    guard size >= 2, size <= 1 << 24 else {
        throw .invalidParameter(name: "FFT size", value: "\(size)", allowed: "2…16777216")
    }
    return size
}

/// A forward real-to-complex FFT of a fixed size over FFTW (single precision).
///
/// The plan is made once, with `FFTW_ESTIMATE` so results do not depend on timing, and reused for every
/// transform. One instance owns its buffers: use one per thread.
public final class RealFFT {
    /// Transform length, in samples.
    public let size: Int
    /// Number of complex bins produced: `size / 2 + 1`.
    public var binCount: Int { size / 2 + 1 }

    private let input: UnsafeMutablePointer<Float>
    private let output: UnsafeMutablePointer<fftwf_complex>
    private let plan: fftwf_plan

    /// - Parameter size: transform length in samples, 2 or more (fast for products of 2, 3, 5 and 7: `fastSize`).
    public init(size: Int) throws(TranscribeError) {
        self.size = try checkedFFTSize(size)
        let input: UnsafeMutablePointer<Float> = fftwf_alloc_real(size)
        let output: UnsafeMutablePointer<fftwf_complex> = fftwf_alloc_complex(size / 2 + 1)
        (self.input, self.output) = (input, output)
        plan = underPlannerLock { fftwf_plan_dft_r2c_1d(Int32(size), input, output, UInt32(FFTW_ESTIMATE)) }
    }

    /// The smallest length of at least `count` samples whose only prime factors are 2, 3, 5 and 7.
    ///
    /// FFTW transforms such lengths about as fast as powers of two, and one lies within a few per cent of any length,
    /// so a window keeps its duration in seconds at every sample rate (rounding up to a power of two made the 46 ms
    /// analysis window 85 ms at 48 and 96 kHz, and another sound).
    public static func fastSize(atLeast count: Int) -> Int {
        var size = max(2, count)
        while !isFast(size) { size += 1 }
        return size
    }

    private static func isFast(_ size: Int) -> Bool {
        var rest = size
        for factor in [2, 3, 5, 7] { while rest % factor == 0 { rest /= factor } }
        return rest == 1
    }

    deinit {
        underPlannerLock { fftwf_destroy_plan(plan) }
        fftwf_free(input)
        fftwf_free(output)
    }

    /// Transforms `frame` (`size` samples) and calls `body` with the real and imaginary parts of each bin.
    ///
    /// The pointer `body` gets holds `binCount` interleaved (re, im) pairs; it is valid only inside `body`.
    @inline(__always)
    public func transform<R>(_ frame: UnsafeBufferPointer<Float>, _ body: (UnsafeBufferPointer<Float>) -> R) -> R {
        precondition(frame.count == size, "frame length must equal the FFT size")
        input.update(from: frame.baseAddress!, count: size)
        fftwf_execute(plan)
        return UnsafeRawPointer(output).withMemoryRebound(to: Float.self, capacity: 2 * binCount) {
            body(UnsafeBufferPointer(start: $0, count: 2 * binCount))
        }
    }

    /// Lets `fill` write the frame straight into the transform's input (`size` samples), transforms it and calls
    /// `body` as `transform(_:_:)` does: no copy of the frame.
    @inline(__always)
    public func transform<R>(filling fill: (UnsafeMutableBufferPointer<Float>) -> Void, _ body: (UnsafeBufferPointer<Float>) -> R) -> R {
        fill(UnsafeMutableBufferPointer(start: input, count: size))
        fftwf_execute(plan)
        return UnsafeRawPointer(output).withMemoryRebound(to: Float.self, capacity: 2 * binCount) {
            body(UnsafeBufferPointer(start: $0, count: 2 * binCount))
        }
    }

    /// Power spectrum (|X|²) of `frame` written into `power` (`binCount` values).
    public func powerSpectrum(_ frame: UnsafeBufferPointer<Float>, into power: UnsafeMutableBufferPointer<Float>) {
        precondition(power.count >= binCount)
        transform(frame) { bins in
            for k in 0..<binCount {
                let re = bins[2 * k], im = bins[2 * k + 1]
                power[k] = re * re + im * im
            }
        }
    }
}

/// The inverse of `RealFFT`: a half spectrum of `size / 2 + 1` complex bins back to `size` real samples, unnormalised
/// (FFTW's convention: the forward transform then this one multiply a frame by `size`).
public final class InverseRealFFT {
    public let size: Int
    public var binCount: Int { size / 2 + 1 }

    private let input: UnsafeMutablePointer<fftwf_complex>
    private let output: UnsafeMutablePointer<Float>
    private let plan: fftwf_plan

    public init(size: Int) throws(TranscribeError) {
        self.size = try checkedFFTSize(size)
        let input: UnsafeMutablePointer<fftwf_complex> = fftwf_alloc_complex(size / 2 + 1)
        let output: UnsafeMutablePointer<Float> = fftwf_alloc_real(size)
        (self.input, self.output) = (input, output)
        plan = underPlannerLock { fftwf_plan_dft_c2r_1d(Int32(size), input, output, UInt32(FFTW_ESTIMATE)) }
    }

    deinit {
        underPlannerLock { fftwf_destroy_plan(plan) }
        fftwf_free(input)
        fftwf_free(output)
    }

    /// Lets `fill` write `binCount` interleaved (re, im) pairs, transforms them and calls `body` with the `size`
    /// samples (valid only inside `body`).
    public func transform<R>(filling fill: (UnsafeMutableBufferPointer<Float>) -> Void, _ body: (UnsafeBufferPointer<Float>) -> R) -> R {
        UnsafeMutableRawPointer(input).withMemoryRebound(to: Float.self, capacity: 2 * binCount) {
            fill(UnsafeMutableBufferPointer(start: $0, count: 2 * binCount))
        }
        fftwf_execute(plan)
        return body(UnsafeBufferPointer(start: output, count: size))
    }
}
