import Foundation

/// A global tempo from the periodicity of the onset detection function.
public enum TempoEstimator {
    public static let slowest = 60.0
    public static let fastest = 180.0
    /// A tempo is reported only when its autocorrelation peak stands this far above the mean over the lag range.
    public static let minimumSalience = 1.3

    /// Beats per minute, or nil when no beat stands out (or the signal is shorter than a few beats).
    public static func beatsPerMinute(onsetFunction: [Float], frameDuration: Double) -> Double? {
        let n = onsetFunction.count
        let minLag = Int((60 / fastest / frameDuration).rounded()), maxLag = Int((60 / slowest / frameDuration).rounded())
        guard minLag >= 1, n > 4 * maxLag else { return nil }
        let mean = onsetFunction.reduce(0, +) / Float(n)
        let centred = onsetFunction.map { $0 - mean }
        var scores: [(lag: Int, value: Double)] = []
        for lag in minLag...maxLag {
            var sum: Float = 0
            for i in 0..<(n - lag) { sum += centred[i] * centred[i + lag] }
            // A broad preference for tempi near 120 BPM resolves octave ambiguity.
            let bpm = 60 / (Double(lag) * frameDuration)
            let prior = exp(-0.5 * pow(log2(bpm / 120) / 0.8, 2))
            scores.append((lag, Double(sum) / Double(n - lag) * prior))
        }
        let average = scores.reduce(0) { $0 + max(0, $1.value) } / Double(scores.count)
        guard let best = scores.max(by: { $0.value < $1.value }), average > 0, best.value / average >= minimumSalience else { return nil }
        // Parabolic refinement of the lag.
        var lag = Double(best.lag)
        if let i = scores.firstIndex(where: { $0.lag == best.lag }), i > 0, i < scores.count - 1 {
            let (a, b, c) = (scores[i - 1].value, scores[i].value, scores[i + 1].value)
            let denominator = a - 2 * b + c
            if denominator < 0 { lag += 0.5 * (a - c) / denominator }
        }
        return (60 / (lag * frameDuration) * 100).rounded() / 100
    }
}
