import Foundation

/// A fundamental frequency and how periodic the signal was there.
public struct PitchEstimate: Sendable, Equatable, Codable {
    /// In Hz.
    public var frequency: Double
    /// 1 − the YIN aperiodicity at the chosen period: near 1 for a clean tone, low for noise.
    public var confidence: Double

    /// MIDI note number, fractional (69 = A4 = 440 Hz).
    public var midiPitch: Double { 69 + 12 * log2(frequency / 440) }
}

/// YIN (de Cheveigné & Kawahara 2002) on a low-passed, decimated copy of a short window, which keeps it cheap.
public struct PitchEstimator: Sendable {
    public var lowestFrequency = 35.0
    public var highestFrequency = 1_600.0
    /// Integration window, in seconds.
    public var windowDuration = 0.04
    /// Absolute threshold of the cumulative mean normalised difference.
    public var threshold = 0.15
    /// Analysis rate after decimation, in Hz (about).
    public var analysisRate = 11_025.0

    public init() {}

    /// Estimates the pitch of `samples[start...]` (at `sampleRate` Hz); nil when too little signal remains.
    public func estimate(_ samples: UnsafeBufferPointer<Float>, start: Int, sampleRate: Double) -> PitchEstimate? {
        let factor = max(1, Int((sampleRate / analysisRate).rounded()))
        let rate = sampleRate / Double(factor)
        let window = Int(windowDuration * rate)
        let maxLag = Int(rate / lowestFrequency) + 1
        let minLag = max(2, Int(rate / highestFrequency))
        let needed = window + maxLag + 2
        let taps = decimationFilter(factor: factor)
        let halfTaps = taps.count / 2
        guard start >= 0, start + needed * factor + halfTaps < samples.count else { return nil }
        var x = [Float](repeating: 0, count: needed)
        for i in 0..<needed {
            let centre = start + i * factor
            var sum: Float = 0
            for (t, weight) in taps.enumerated() {
                let s = centre + t - halfTaps
                if s >= 0 { sum += weight * samples[s] }
            }
            x[i] = sum
        }
        // Difference function d(τ) = Σ (x_j − x_{j+τ})², from running energies and a direct correlation.
        var energy0: Float = 0
        for j in 0..<window { energy0 += x[j] * x[j] }
        guard energy0 > 1e-9 else { return nil }
        var difference = [Float](repeating: 0, count: maxLag + 1)
        var energyTau = energy0
        for tau in 1...maxLag {
            energyTau += x[window - 1 + tau] * x[window - 1 + tau] - x[tau - 1] * x[tau - 1]
            var correlation: Float = 0
            for j in 0..<window { correlation += x[j] * x[j + tau] }
            difference[tau] = max(0, energy0 + energyTau - 2 * correlation)
        }
        // Cumulative mean normalised difference.
        var normalised = [Float](repeating: 1, count: maxLag + 1)
        var running: Float = 0
        for tau in 1...maxLag {
            running += difference[tau]
            normalised[tau] = running > 0 ? difference[tau] * Float(tau) / running : 1
        }
        var best = -1
        var tau = minLag
        while tau < maxLag {
            if normalised[tau] < Float(threshold) {
                while tau + 1 < maxLag && normalised[tau + 1] < normalised[tau] { tau += 1 }
                best = tau
                break
            }
            tau += 1
        }
        if best < 0 {
            best = (minLag..<maxLag).min { normalised[$0] < normalised[$1] } ?? minLag
        }
        // Parabolic interpolation of the period.
        var period = Double(best)
        if best > 1 && best < maxLag {
            let (a, b, c) = (Double(normalised[best - 1]), Double(normalised[best]), Double(normalised[best + 1]))
            let denominator = a - 2 * b + c
            if denominator > 0 { period += 0.5 * (a - c) / denominator }
        }
        return PitchEstimate(frequency: rate / period, confidence: Double(max(0, 1 - normalised[best])))
    }

    /// A windowed-sinc low-pass at 0.8 × the decimated Nyquist frequency.
    private func decimationFilter(factor: Int) -> [Float] {
        guard factor > 1 else { return [1] }
        let length = 8 * factor + 1
        let cutoff = 0.8 / Double(2 * factor)
        var taps = (0..<length).map { i -> Double in
            let n = Double(i - length / 2)
            let sinc = n == 0 ? 2 * cutoff : sin(2 * .pi * cutoff * n) / (.pi * n)
            return sinc * (0.54 - 0.46 * cos(2 * .pi * Double(i) / Double(length - 1)))
        }
        let sum = taps.reduce(0, +)
        taps = taps.map { $0 / sum }
        return taps.map(Float.init)
    }
}
