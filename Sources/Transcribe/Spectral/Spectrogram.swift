import Foundation

/// Analysis settings of the short-time Fourier transform, in seconds and Hz (never in samples).
public struct SpectrogramSettings: Sendable, Equatable {
    /// Hann window length; rounded up to the next power of two samples.
    public var windowDuration = 0.046
    /// Distance between frames.
    public var hopDuration = 0.01
    public var melBandCount = 128
    public var lowestFrequency = 30.0
    public var highestFrequency = 16_000.0

    public init() {}
}

/// A log-mel spectrogram: one row of `bandCount` values per frame, frames centred at `frame × hop`.
///
/// Values are log10(1 + magnitude), magnitude being the mel-weighted sum of FFT magnitudes; this compresses loudness
/// the way SuperFlux's filtered spectrogram does, so quiet sounds still produce onsets.
public struct Spectrogram: Sendable {
    public let sampleRate: Double
    /// Samples between frames.
    public let hop: Int
    public let fftSize: Int
    public let bandCount: Int
    public let frameCount: Int
    /// `frameCount × bandCount` values, frame-major.
    public var values: [Float]
    public let filterbank: MelFilterbank

    /// Seconds per frame.
    public var frameDuration: Double { Double(hop) / sampleRate }

    /// Time of frame `index`, in seconds.
    public func time(ofFrame index: Int) -> Double { Double(index) * frameDuration }

    /// Frame nearest to `seconds`.
    public func frame(at seconds: Double) -> Int { Int((seconds / frameDuration).rounded()) }

    /// Row `frame` of the spectrogram.
    @inline(__always)
    public func row(_ frame: Int) -> ArraySlice<Float> { values[(frame * bandCount)..<((frame + 1) * bandCount)] }

    /// Computes the log-mel spectrogram of `samples`.
    /// - Complexity: one FFT of `fftSize` per hop; no allocation per frame.
    public init(samples: [Float], sampleRate: Double, settings: SpectrogramSettings = SpectrogramSettings()) throws(TranscribeError) {
        guard settings.hopDuration > 0, settings.windowDuration >= settings.hopDuration else {
            throw .invalidParameter(name: "hop and window", value: "\(settings.hopDuration) s, \(settings.windowDuration) s", allowed: "0 < hop ≤ window")
        }
        let windowLength = Int((settings.windowDuration * sampleRate).rounded())
        var fftSize = 16
        while fftSize < windowLength { fftSize *= 2 }
        let hop = max(1, Int((settings.hopDuration * sampleRate).rounded()))
        let fft = try RealFFT(size: fftSize)
        let filterbank = try MelFilterbank(bandCount: settings.melBandCount, fftSize: fftSize, sampleRate: sampleRate,
                                           lowestFrequency: settings.lowestFrequency, highestFrequency: settings.highestFrequency)
        let frameCount = samples.isEmpty ? 0 : samples.count / hop + 1
        let bands = settings.melBandCount
        let window = (0..<fftSize).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(fftSize))) }
        var frame = [Float](repeating: 0, count: fftSize)
        var magnitude = [Float](repeating: 0, count: fftSize / 2 + 1)
        var values = [Float](repeating: 0, count: frameCount * bands)
        let half = fftSize / 2
        samples.withUnsafeBufferPointer { input in
            window.withUnsafeBufferPointer { window in
                frame.withUnsafeMutableBufferPointer { frame in
                    magnitude.withUnsafeMutableBufferPointer { magnitude in
                        values.withUnsafeMutableBufferPointer { output in
                            for index in 0..<frameCount {
                                let start = index * hop - half
                                if start >= 0 && start + fftSize <= input.count {
                                    for i in 0..<fftSize { frame[i] = input[start + i] * window[i] }
                                } else {
                                    for i in 0..<fftSize {
                                        let s = start + i
                                        frame[i] = (s >= 0 && s < input.count) ? input[s] * window[i] : 0
                                    }
                                }
                                fft.transform(UnsafeBufferPointer(frame)) { bins in
                                    for k in 0...half {
                                        let re = bins[2 * k], im = bins[2 * k + 1]
                                        magnitude[k] = (re * re + im * im).squareRoot()
                                    }
                                }
                                let row = UnsafeMutableBufferPointer(rebasing: output[(index * bands)..<((index + 1) * bands)])
                                filterbank.apply(UnsafeBufferPointer(magnitude), into: row)
                                for b in 0..<bands { row[b] = log10(1 + row[b]) }
                            }
                        }
                    }
                }
            }
        }
        self.sampleRate = sampleRate
        self.hop = hop
        self.fftSize = fftSize
        self.bandCount = bands
        self.frameCount = frameCount
        self.values = values
        self.filterbank = filterbank
    }
}
