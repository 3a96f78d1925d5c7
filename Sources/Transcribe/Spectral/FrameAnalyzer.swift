import Foundation

/// Computes one log-mel frame at a time from any window of samples: the single STFT used by the in-memory
/// `Spectrogram` and by the streaming passes, so both give the same numbers.
///
/// Frame `i` is centred at sample `i × hop`. Samples before the file stand for its first sample and samples after
/// its end for its last (so neither a constant offset nor the file's edges are onsets). Buffers are allocated once;
/// not thread-safe.
public final class FrameAnalyzer {
    public let sampleRate: Double
    public let hop: Int
    public let fftSize: Int
    public let bandCount: Int
    public let filterbank: MelFilterbank
    public var frameDuration: Double { Double(hop) / sampleRate }

    /// First FFT bin of each octave band of `BandEnvelope`, and one past the last bin of the last.
    private let octaveBandStarts: [Int]
    private let fft: RealFFT
    private let window: [Float]
    private var frame: [Float]
    private var magnitude: [Float]

    public init(sampleRate: Double, settings: SpectrogramSettings) throws(TranscribeError) {
        guard settings.hopDuration > 0, settings.windowDuration >= settings.hopDuration else {
            throw .invalidParameter(name: "hop and window", value: "\(settings.hopDuration) s, \(settings.windowDuration) s", allowed: "0 < hop ≤ window")
        }
        let windowLength = Int((settings.windowDuration * sampleRate).rounded())
        var size = 16
        while size < windowLength { size *= 2 }
        fftSize = size
        hop = max(1, Int((settings.hopDuration * sampleRate).rounded()))
        fft = try RealFFT(size: size)
        filterbank = try MelFilterbank(bandCount: settings.melBandCount, fftSize: size, sampleRate: sampleRate,
                                       lowestFrequency: settings.lowestFrequency,
                                       highestFrequency: min(settings.highestFrequency, sampleRate / 2))
        bandCount = settings.melBandCount
        self.sampleRate = sampleRate
        window = (0..<size).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(size))) }
        frame = [Float](repeating: 0, count: size)
        magnitude = [Float](repeating: 0, count: size / 2 + 1)
        let binWidth = sampleRate / Double(size)
        octaveBandStarts = [0] + BandEnvelope.upperEdges.map { min(size / 2 + 1, Int(($0 / binWidth).rounded(.up))) } + [size / 2 + 1]
    }

    /// The power (sum of squared FFT magnitudes) of each octave band of `BandEnvelope` in the frame last analysed.
    public func octavePowers(into powers: UnsafeMutableBufferPointer<Float>) {
        magnitude.withUnsafeBufferPointer { magnitude in
            for band in 0..<(octaveBandStarts.count - 1) {
                var sum: Float = 0
                for k in octaveBandStarts[band]..<max(octaveBandStarts[band], octaveBandStarts[band + 1]) { sum += magnitude[k] * magnitude[k] }
                powers[band] = sum
            }
        }
    }

    /// First sample (absolute) frame `index` reads.
    public func firstSample(ofFrame index: Int) -> Int { index * hop - fftSize / 2 }
    /// One past the last sample frame `index` reads.
    public func endSample(ofFrame index: Int) -> Int { index * hop + fftSize / 2 }

    /// Writes log10(1 + mel magnitude) of frame `index` into `row` and returns the sum of the mel magnitudes.
    /// - Parameters:
    ///   - samples: a window of the signal whose first element is absolute sample `base`; it must cover the frame's
    ///     samples that lie within `0..<end`.
    ///   - leading, trailing: the values standing for samples before the start and from `end` on.
    ///   - end: the number of samples in the file.
    ///   - logarithmic: false to leave the mel magnitudes linear in `row`.
    @discardableResult
    public func analyse(frame index: Int, samples: UnsafeBufferPointer<Float>, base: Int, leading: Float, trailing: Float, end: Int,
                        into row: UnsafeMutableBufferPointer<Float>, logarithmic: Bool = true) -> Float {
        let start = firstSample(ofFrame: index)
        frame.withUnsafeMutableBufferPointer { frame in
            window.withUnsafeBufferPointer { window in
                if start >= 0 && start + fftSize <= end {
                    let offset = start - base
                    for i in 0..<fftSize { frame[i] = samples[offset + i] * window[i] }
                } else {
                    for i in 0..<fftSize {
                        let s = start + i
                        let value = s < 0 ? leading : (s < end ? samples[s - base] : trailing)
                        frame[i] = value * window[i]
                    }
                }
            }
        }
        let half = fftSize / 2
        frame.withUnsafeBufferPointer { input in
            magnitude.withUnsafeMutableBufferPointer { magnitude in
                fft.transform(input) { bins in
                    for k in 0...half {
                        let re = bins[2 * k], im = bins[2 * k + 1]
                        magnitude[k] = (re * re + im * im).squareRoot()
                    }
                }
            }
        }
        magnitude.withUnsafeBufferPointer { filterbank.apply($0, into: row) }
        var linearSum: Float = 0
        for b in 0..<bandCount {
            linearSum += row[b]
            if logarithmic { row[b] = log10(1 + row[b]) }
        }
        return linearSum
    }
}
