import Foundation

/// Triangular filters evenly spaced on the mel scale (HTK formula), stored sparsely: each band keeps only the FFT
/// bins it weighs.
public struct MelFilterbank: Sendable {
    public let bandCount: Int
    /// Centre frequency of each band, in Hz.
    public let centerFrequencies: [Double]
    let firstBin: [Int]
    /// All bands' weights end to end; band b's are `flatWeights[weightStart[b]..<weightStart[b + 1]]`.
    let flatWeights: [Float]
    let weightStart: [Int]

    /// - Parameters:
    ///   - bandCount: number of mel bands.
    ///   - fftSize: FFT length in samples; `fftSize / 2 + 1` bins.
    ///   - sampleRate: in Hz.
    ///   - lowestFrequency, highestFrequency: edges of the lowest and highest band, in Hz.
    public init(bandCount: Int, fftSize: Int, sampleRate: Double, lowestFrequency: Double, highestFrequency: Double) throws(TranscribeError) {
        try SettingCheck.check("bandCount", bandCount, 1...1024)
        try SettingCheck.check("fftSize", fftSize, 2...(1 << 24))
        try AudioFile.checkFormat(sampleRate: sampleRate, channelCount: 1)
        guard lowestFrequency.isFinite, highestFrequency.isFinite else {
            throw .invalidParameter(name: "mel frequency range", value: "\(lowestFrequency)…\(highestFrequency) Hz", allowed: "finite")
        }
        let nyquist = sampleRate / 2
        let high = min(highestFrequency, nyquist)
        guard lowestFrequency >= 0, lowestFrequency < high else {
            throw .invalidParameter(name: "mel frequency range", value: "\(lowestFrequency)…\(highestFrequency) Hz", allowed: "0 ≤ low < high ≤ Nyquist")
        }
        func mel(_ hz: Double) -> Double { 2595 * log10(1 + hz / 700) }
        func hz(_ mel: Double) -> Double { 700 * (pow(10, mel / 2595) - 1) }
        let edges = (0...(bandCount + 1)).map { hz(mel(lowestFrequency) + (mel(high) - mel(lowestFrequency)) * Double($0) / Double(bandCount + 1)) }
        let binWidth = sampleRate / Double(fftSize)
        var firstBin: [Int] = [], weights: [[Float]] = []
        for band in 0..<bandCount {
            let (left, center, right) = (edges[band], edges[band + 1], edges[band + 2])
            let start = Int((left / binWidth).rounded(.up)), end = min(Int((right / binWidth).rounded(.down)), fftSize / 2)
            var row: [Float] = []
            if start <= end {
                for bin in start...end {
                    let f = Double(bin) * binWidth
                    row.append(Float(f <= center ? (f - left) / (center - left) : (right - f) / (right - center)))
                }
            }
            if row.allSatisfy({ $0 <= 0 }) {
                // A band narrower than one bin takes the nearest bin, so no band is silent.
                let nearest = min(Int((center / binWidth).rounded()), fftSize / 2)
                firstBin.append(nearest)
                weights.append([1])
            } else {
                firstBin.append(start)
                weights.append(row)
            }
        }
        self.bandCount = bandCount
        self.firstBin = firstBin
        flatWeights = weights.flatMap { $0 }
        weightStart = weights.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        centerFrequencies = (1...bandCount).map { edges[$0] }
    }

    /// Applies the filters to one magnitude (or power) spectrum.
    ///
    /// Each band's sum is a chain of dependent additions, in bin order; four bands are summed side by side so that
    /// their chains overlap (each still in its own order, so the sums are the same to the bit).
    @inline(__always)
    public func apply(_ spectrum: UnsafeBufferPointer<Float>, into bands: UnsafeMutableBufferPointer<Float>) {
        flatWeights.withUnsafeBufferPointer { weights in
            firstBin.withUnsafeBufferPointer { firstBin in
                weightStart.withUnsafeBufferPointer { starts in
                    guard let weights = weights.baseAddress, let spectrum = spectrum.baseAddress else { return }
                    // Band b's weight i (from starts[b]) multiplies bin firstBin[b] + i - starts[b].
                    @inline(__always) func bins(_ band: Int) -> UnsafePointer<Float> { spectrum + (firstBin[band] - starts[band]) }
                    var band = 0
                    while band + 4 <= bandCount {
                        let (s0, s1, s2, s3) = (starts[band], starts[band + 1], starts[band + 2], starts[band + 3])
                        let (l0, l1, l2, l3) = (s1 - s0, s2 - s1, s3 - s2, starts[band + 4] - s3)
                        let (b0, b1, b2, b3) = (bins(band), bins(band + 1), bins(band + 2), bins(band + 3))
                        var (sum0, sum1, sum2, sum3): (Float, Float, Float, Float) = (0, 0, 0, 0)
                        let common = min(l0, l1, l2, l3)
                        for j in 0..<common {
                            sum0 += weights[s0 &+ j] * b0[s0 &+ j]
                            sum1 += weights[s1 &+ j] * b1[s1 &+ j]
                            sum2 += weights[s2 &+ j] * b2[s2 &+ j]
                            sum3 += weights[s3 &+ j] * b3[s3 &+ j]
                        }
                        for j in common..<l0 { sum0 += weights[s0 &+ j] * b0[s0 &+ j] }
                        for j in common..<l1 { sum1 += weights[s1 &+ j] * b1[s1 &+ j] }
                        for j in common..<l2 { sum2 += weights[s2 &+ j] * b2[s2 &+ j] }
                        for j in common..<l3 { sum3 += weights[s3 &+ j] * b3[s3 &+ j] }
                        (bands[band], bands[band + 1], bands[band + 2], bands[band + 3]) = (sum0, sum1, sum2, sum3)
                        band += 4
                    }
                    while band < bandCount {
                        let b = bins(band)
                        var sum: Float = 0
                        for i in starts[band]..<starts[band + 1] { sum += weights[i] * b[i] }
                        bands[band] = sum
                        band += 1
                    }
                }
            }
        }
    }
}
