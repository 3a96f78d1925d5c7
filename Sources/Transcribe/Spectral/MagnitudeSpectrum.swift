import Foundation

/// The Hann-windowed magnitude spectrum of one stretch of audio, every channel combined by power: the one windowed
/// FFT that the STFT (`FrameAnalyzer`) and the onset-pitch spectra take.
///
/// A bin's magnitude is √(mean over channels of |X|²) × `magnitudeScale`, so channels in opposite phase do not
/// cancel and identical channels give the magnitude of one of them. Buffers are allocated once; not thread-safe.
public final class MagnitudeSpectrum {
    /// Samples a frame, the FFT length.
    public let size: Int
    /// Bins of the spectrum, `size / 2 + 1`.
    public var binCount: Int { size / 2 + 1 }
    /// Magnitudes are multiplied by this: a windowed spectrum's magnitude grows with the window's length in
    /// samples, so they are scaled to those of a window of the reference length, whatever `size` the sample rate
    /// gives, and thresholds set at 44.1 kHz hold at every rate.
    public let magnitudeScale: Float

    private let fft: RealFFT
    private let window: [Float]
    /// Each bin's power summed over the channels.
    private let power: UnsafeMutableBufferPointer<Float>

    /// - Parameters:
    ///   - size: the FFT length in samples (see `RealFFT.fastSize(atLeast:)`).
    ///   - referenceWindowLength: samples of the window whose magnitudes these are scaled to.
    /// - Throws: `.invalidParameter` for a size FFTW cannot plan.
    public init(size: Int, referenceWindowLength: Int) throws(TranscribeError) {
        fft = try RealFFT(size: size)
        self.size = size
        magnitudeScale = Float(referenceWindowLength) / Float(size)
        window = Self.hannWindow(size: size)
        power = .allocate(capacity: size / 2 + 1)
        power.initialize(repeating: 0)
    }

    deinit { power.deallocate() }

    /// The periodic Hann window of `size` samples.
    public static func hannWindow(size: Int) -> [Float] {
        (0..<size).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(size))) }
    }

    /// Writes the magnitude spectrum of the `size` frames from absolute frame `start` into `magnitude` (`binCount`
    /// values). Frames before the file read as `before[channel]`, from its end on as `after[channel]` (0 when nil).
    /// - Complexity: one FFT per channel; no allocation.
    public func compute(_ audio: AudioWindow, start: Int, before: UnsafeBufferPointer<Float>? = nil, after: UnsafeBufferPointer<Float>? = nil,
                        into magnitude: UnsafeMutableBufferPointer<Float>) {
        let channels = audio.channelCount
        let bins = binCount
        let power = power
        let scale = magnitudeScale
        if channels == 1 {
            // One channel: the power's mean is itself (x / 1 is exact), so the magnitude comes straight from the bins.
            window.withUnsafeBufferPointer { window in
                fft.transform(filling: { frame in
                    Self.windowMono(audio, from: start, window: window, into: frame, before: before?[0] ?? 0, after: after?[0] ?? 0)
                }) { spectrum in
                    for k in 0..<bins {
                        let re = spectrum[2 * k], im = spectrum[2 * k + 1]
                        magnitude[k] = (re * re + im * im).squareRoot() * scale
                    }
                }
            }
            return
        }
        window.withUnsafeBufferPointer { window in
            for channel in 0..<channels {
                fft.transform(filling: { frame in
                    audio.windowedFrames(channel: channel, from: start, window: window, into: frame,
                                         before: before?[channel] ?? 0, after: after?[channel] ?? 0)
                }) { spectrum in
                    if channel == 0 {
                        for k in 0..<bins {
                            let re = spectrum[2 * k], im = spectrum[2 * k + 1]
                            power[k] = re * re + im * im
                        }
                    } else {
                        for k in 0..<bins {
                            let re = spectrum[2 * k], im = spectrum[2 * k + 1]
                            power[k] += re * re + im * im
                        }
                    }
                }
            }
        }
        let channelShare = Float(channels)
        for k in 0..<bins { magnitude[k] = (power[k] / channelShare).squareRoot() * scale }
    }

    /// `audio.windowedFrames` of a mono window, a stretch wholly within the file taken from a pointer to its first
    /// sample: the same products, in a loop the compiler vectorises (the window's index arithmetic, checked for
    /// overflow at every sample, kept it from doing so).
    @inline(__always)
    private static func windowMono(_ audio: AudioWindow, from start: Int, window: UnsafeBufferPointer<Float>,
                                   into frame: UnsafeMutableBufferPointer<Float>, before: Float, after: Float) {
        let size = window.count
        guard start >= 0, start + size <= audio.end, let samples = audio.samples.baseAddress,
              let weights = window.baseAddress, let output = frame.baseAddress else {
            audio.windowedFrames(channel: 0, from: start, window: window, into: frame, before: before, after: after)
            return
        }
        let first = samples + (start - audio.base)
        for i in 0..<size { output[i] = first[i] * weights[i] }
    }
}
