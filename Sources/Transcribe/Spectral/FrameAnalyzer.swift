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
    private let spectrum: MagnitudeSpectrum
    /// The magnitude spectrum of the frame last analysed.
    private let magnitude: UnsafeMutableBufferPointer<Float>

    /// Magnitudes are scaled to those of a window of this many samples (46 ms at 44.1 kHz, where the thresholds were
    /// set): a windowed spectrum's magnitude grows with the window's length in samples, and the log-mel values, the
    /// onset floor and the attack patches must not depend on the sample rate. At 44.1 kHz the scale is exactly 1.
    public static let referenceWindowLength = 2_048
    /// No window is shorter than this many samples.
    static let shortestWindow = 16

    /// - Parameters:
    ///   - sampleRate: of the audio, in Hz.
    /// - Throws: `.invalidParameter` naming a setting or the sample rate out of range.
    public init(sampleRate: Double, settings: SpectrogramSettings) throws(TranscribeError) {
        try AudioFile.checkFormat(sampleRate: sampleRate, channelCount: 1)
        try settings.validate()
        guard settings.lowestFrequency < sampleRate / 2 else {
            throw .invalidParameter(name: "spectrogram.lowestFrequency", value: "\(settings.lowestFrequency) Hz",
                                    allowed: "below the audio's Nyquist frequency, \(sampleRate / 2) Hz")
        }
        let windowLength = Int((settings.windowDuration * sampleRate).rounded())
        let size = RealFFT.fastSize(atLeast: max(Self.shortestWindow, windowLength))
        fftSize = size
        hop = max(1, Int((settings.hopDuration * sampleRate).rounded()))
        spectrum = try MagnitudeSpectrum(size: size, referenceWindowLength: Self.referenceWindowLength)
        filterbank = try MelFilterbank(bandCount: settings.melBandCount, fftSize: size, sampleRate: sampleRate,
                                       lowestFrequency: settings.lowestFrequency,
                                       highestFrequency: min(settings.highestFrequency, sampleRate / 2))
        bandCount = settings.melBandCount
        self.sampleRate = sampleRate
        magnitude = .allocate(capacity: size / 2 + 1)
        magnitude.initialize(repeating: 0)
        let binWidth = sampleRate / Double(size)
        octaveBandStarts = [0] + BandEnvelope.upperEdges.map { min(size / 2 + 1, Int(($0 / binWidth).rounded(.up))) } + [size / 2 + 1]
    }

    deinit { magnitude.deallocate() }

    /// The power (sum of squared FFT magnitudes, the channels' mean, scaled as the magnitudes are) of each octave
    /// band of `BandEnvelope` in the frame last analysed.
    ///
    /// Each band's sum is a chain of dependent additions in bin order; two bands are summed side by side so that their
    /// chains overlap (each in its own order: the same sums to the bit).
    public func octavePowers(into powers: UnsafeMutableBufferPointer<Float>) {
        guard let magnitude = UnsafePointer(magnitude.baseAddress) else { return }
        octaveBandStarts.withUnsafeBufferPointer { starts in
            @inline(__always) func range(_ band: Int) -> Range<Int> { starts[band]..<max(starts[band], starts[band + 1]) }
            var band = 0
            while band < starts.count - 1 {
                let first = range(band)
                guard band + 1 < starts.count - 1 else {
                    var sum: Float = 0
                    for k in first { sum += magnitude[k] * magnitude[k] }
                    powers[band] = sum
                    break
                }
                let second = range(band + 1)
                let common = min(first.count, second.count)
                var (sum0, sum1): (Float, Float) = (0, 0)
                for j in 0..<common {
                    let a = magnitude[first.lowerBound &+ j], b = magnitude[second.lowerBound &+ j]
                    sum0 += a * a
                    sum1 += b * b
                }
                for k in (first.lowerBound + common)..<first.upperBound { sum0 += magnitude[k] * magnitude[k] }
                for k in (second.lowerBound + common)..<second.upperBound { sum1 += magnitude[k] * magnitude[k] }
                powers[band] = sum0
                powers[band + 1] = sum1
                band += 2
            }
        }
    }

    /// First sample (absolute) frame `index` reads.
    public func firstSample(ofFrame index: Int) -> Int { index * hop - fftSize / 2 }
    /// One past the last sample frame `index` reads.
    public func endSample(ofFrame index: Int) -> Int { index * hop + fftSize / 2 }

    /// Writes log10(1 + mel magnitude) of frame `index` into `row` and returns the sum of the mel magnitudes.
    ///
    /// Channels are combined by power: the magnitude of a bin is √(mean over channels of |X|²), so channels in
    /// opposite phase do not cancel, and identical channels give the magnitude of one of them.
    /// - Parameters:
    ///   - window: interleaved frames covering the frame's samples that lie within the file.
    ///   - leading, trailing: per channel, the values standing for samples before the start and from the end on.
    ///   - logarithmic: false to leave the mel magnitudes linear in `row`.
    @discardableResult
    public func analyse(frame index: Int, window audio: AudioWindow, leading: UnsafeBufferPointer<Float>, trailing: UnsafeBufferPointer<Float>,
                        into row: UnsafeMutableBufferPointer<Float>, logarithmic: Bool = true) -> Float {
        let linearSum = melMagnitudes(frame: index, window: audio, leading: leading, trailing: trailing, into: row)
        if logarithmic {
            for b in 0..<bandCount { row[b] = log10(1 + row[b]) }
        }
        return linearSum
    }

    /// Writes log10(1 + mel magnitude) of frame `index` into `row` and the mel magnitudes themselves into `linear`;
    /// returns the sum of the mel magnitudes.
    @discardableResult
    public func analyse(frame index: Int, window audio: AudioWindow, leading: UnsafeBufferPointer<Float>, trailing: UnsafeBufferPointer<Float>,
                        into row: UnsafeMutableBufferPointer<Float>, linear: UnsafeMutableBufferPointer<Float>) -> Float {
        let linearSum = melMagnitudes(frame: index, window: audio, leading: leading, trailing: trailing, into: linear)
        for b in 0..<bandCount { row[b] = log10(1 + linear[b]) }
        return linearSum
    }

    /// The mel magnitudes (linear) of frame `index` into `row`; returns their sum.
    private func melMagnitudes(frame index: Int, window audio: AudioWindow, leading: UnsafeBufferPointer<Float>,
                               trailing: UnsafeBufferPointer<Float>, into row: UnsafeMutableBufferPointer<Float>) -> Float {
        spectrum.compute(audio, start: firstSample(ofFrame: index), before: leading, after: trailing, into: magnitude)
        filterbank.apply(UnsafeBufferPointer(magnitude), into: row)
        var linearSum: Float = 0
        for b in 0..<bandCount { linearSum += row[b] }
        return linearSum
    }
}
