import Foundation

/// Settings of onset detection, in seconds.
public struct OnsetSettings: Sendable, Equatable {
    /// SuperFlux frame lag: flux is taken against the spectrum this long before.
    public var lag = 0.02
    /// Width, in mel bands, of the maximum filter applied to the earlier spectrum (suppresses vibrato).
    public var maximumFilterBands = 5
    /// A peak must be the largest value this long before…
    public var preMaximum = 0.03
    /// …and this long after it.
    public var postMaximum = 0.03
    /// The local mean is taken over this long before…
    public var preAverage = 0.1
    /// …and this long after a peak.
    public var postAverage = 0.07
    /// Minimum distance between two onsets.
    public var minimumGap = 0.03
    /// How far above its local mean a peak must rise, as a fraction of the loudest flux around it (its 99.9th percentile
    /// over `OnsetDetector.loudnessHalfWindow` either side).
    /// Lower finds quieter onsets; higher finds fewer. 0.01…1.
    public var threshold = 0.08
    /// Flux below this (log10 units summed over bands) is rounding noise, never an onset: it keeps a file with
    /// nothing in it (silence, a constant offset) from having its own noise taken for its loudest sounds.
    public var minimumFlux: Float = 1

    public init() {}
}

/// Finds onsets: SuperFlux-style spectral flux, then adaptive peak picking.
public enum OnsetDetector {
    /// The file's loudest flux, which `OnsetSettings.threshold` is a fraction of: this quantile of the onset function
    /// (a few stray frames louder than the music do not count).
    public static let loudestFluxQuantile = 0.999

    /// The loudest flux is measured over this long (seconds) either side of each stretch, not over the whole file, so
    /// that a section's onsets do not depend on how loud the rest of the song is…
    public static let loudnessHalfWindow = 5.0
    /// …as this quantile of the window (as the file's, `loudestFluxQuantile`; lower ones, nearer a window's third
    /// largest value, took the swell of a long note in a sparse passage for onsets)…
    public static let localLoudestQuantile = loudestFluxQuantile
    /// …for stretches this long (seconds)…
    public static let loudnessStep = 1.0
    /// …and counts for no less than this share of the file's, so that the noise of a near-silent stretch is not
    /// taken for onsets.
    public static let quietestLoudnessShare: Float = 0.1

    /// The loudest flux around each `loudnessStep` of `function` (its `loudestFluxQuantile` over `loudnessHalfWindow`
    /// either side), floored at `quietestLoudnessShare` of `fileScale`.
    /// - Complexity: O(n × w log w / s) for n frames, windows of w frames and steps of s frames.
    static func localScales(_ function: [Float], frameDuration: Double, fileScale: Float) -> [Float] {
        let step = max(1, Int((loudnessStep / frameDuration).rounded()))
        let half = max(1, Int((loudnessHalfWindow / frameDuration).rounded()))
        return stride(from: 0, to: function.count, by: step).map { start in
            let window = Array(function[max(0, start + step / 2 - half)..<min(function.count, start + step / 2 + half)])
            return max(percentile(window, localLoudestQuantile), quietestLoudnessShare * fileScale)
        }
    }

    /// The onset detection function: for each frame, the half-wave rectified increase of every band over the
    /// maximum-filtered band `lag` earlier, summed over bands.
    public static func superFlux(_ spectrogram: Spectrogram, settings: OnsetSettings = OnsetSettings()) throws(TranscribeError) -> [Float] {
        var tracker = try FluxTracker(bandCount: spectrogram.bandCount, frameDuration: spectrogram.frameDuration, settings: settings)
        return spectrogram.values.withUnsafeBufferPointer { values in
            (0..<spectrogram.frameCount).map { frame in
                tracker.push(UnsafeBufferPointer(rebasing: values[(frame * spectrogram.bandCount)..<((frame + 1) * spectrogram.bandCount)]))
            }
        }
    }

    /// Frames where `function` peaks: a local maximum over [−preMaximum, +postMaximum], at least `threshold × scale`
    /// above the mean over [−preAverage, +postAverage] of the function clipped at the peak's own height, and
    /// `minimumGap` after the previous onset. Clipped, a louder hit just before cannot raise the bar above the peak
    /// itself: a kick 94 ms after a snare, or a hat after an accented one, still counts, as it would after silence.
    /// - Parameter frameDuration: seconds per value of `function`.
    /// - Throws: `.invalidParameter` naming a setting or the frame duration out of range.
    public static func pickPeaks(_ function: [Float], frameDuration: Double, settings: OnsetSettings = OnsetSettings()) throws(TranscribeError) -> [Int] {
        try SettingCheck.checkFrameDuration(frameDuration)
        try settings.validate()
        guard !function.isEmpty else { return [] }
        func frames(_ seconds: Double) -> Int { max(0, Int((seconds / frameDuration).rounded())) }
        let preMax = frames(settings.preMaximum), postMax = frames(settings.postMaximum)
        let preAvg = frames(settings.preAverage), postAvg = frames(settings.postAverage)
        let gap = frames(settings.minimumGap)
        let fileScale = percentile(function, Self.loudestFluxQuantile)
        guard fileScale > 0 else { return [] }
        let scales = localScales(function, frameDuration: frameDuration, fileScale: fileScale)
        let stepFrames = max(1, Int((Self.loudnessStep / frameDuration).rounded()))
        var onsets: [Int] = []
        let n = function.count
        for i in 0..<n {
            let value = function[i]
            guard value > 0 else { continue }
            var isMaximum = true
            for j in max(0, i - preMax)...min(n - 1, i + postMax) where function[j] > value || (function[j] == value && j < i) {
                isMaximum = false
                break
            }
            guard isMaximum else { continue }
            let lo = max(0, i - preAvg), hi = min(n - 1, i + postAvg)
            var clippedSum: Float = 0
            for j in lo...hi { clippedSum += min(function[j], value) }
            let mean = clippedSum / Float(hi - lo + 1)
            let delta = max(Float(settings.threshold) * scales[i / stepFrames], settings.minimumFlux)
            guard value >= mean + delta else { continue }
            if let last = onsets.last, i - last < gap { continue }
            onsets.append(i)
        }
        return onsets
    }
}

/// SuperFlux one frame at a time: keeps the last `lag` frames.
public struct FluxTracker {
    private let lag: Int
    private let radius: Int
    private let bands: Int
    private var history: [Float]
    private var filtered: [Float]
    private var frames = 0

    /// - Parameters:
    ///   - bandCount: values per frame.
    ///   - frameDuration: seconds between frames.
    /// - Throws: `.invalidParameter` naming a setting or argument out of range.
    public init(bandCount: Int, frameDuration: Double, settings: OnsetSettings) throws(TranscribeError) {
        try SettingCheck.check("bandCount", bandCount, SpectrogramSettings.melBandCounts)
        try SettingCheck.checkFrameDuration(frameDuration)
        try settings.validate()
        lag = max(1, Int((settings.lag / frameDuration).rounded()))
        radius = max(0, settings.maximumFilterBands / 2)
        bands = bandCount
        history = [Float](repeating: 0, count: lag * bandCount)
        filtered = [Float](repeating: 0, count: bandCount)
    }

    /// The flux of the next frame (`row`: its log-mel values).
    public mutating func push(_ row: UnsafeBufferPointer<Float>) -> Float {
        push(row, highBandsFrom: bands).all
    }

    /// The flux of the next frame over every band, and over the bands from `highBandsFrom` up alone.
    public mutating func push(_ row: UnsafeBufferPointer<Float>, highBandsFrom: Int) -> (all: Float, high: Float) {
        let slot = (frames % lag) * bands  // Holds the frame `lag` before this one.
        var sum: Float = 0, high: Float = 0
        let bands = bands, radius = radius, ready = frames >= lag
        // Raw pointers: the same sum in the same order, without a bounds check per read.
        history.withUnsafeMutableBufferPointer { history in
            filtered.withUnsafeMutableBufferPointer { filtered in
                guard let earlier = history.baseAddress.map({ $0 + slot }), let filtered = filtered.baseAddress,
                      let row = row.baseAddress else { return }
                if ready {
                    // The maximum over ±radius bands, one offset at a time over every band (loops the compiler
                    // vectorises): a maximum is the same in any order.
                    filtered.update(from: earlier, count: bands)
                    for offset in stride(from: 1, through: min(radius, bands - 1), by: 1) {
                        // Each band against the one `offset` above, then below (shifted pointers: no index
                        // arithmetic checked for overflow in the loops, which kept them scalar).
                        let above = UnsafePointer(earlier + offset), shifted = filtered + offset
                        for band in 0..<(bands &- offset) { filtered[band] = max(filtered[band], above[band]) }
                        for band in 0..<(bands &- offset) { shifted[band] = max(shifted[band], earlier[band]) }
                    }
                } else {
                    // Before the file is silence: a sound at time 0 is an onset.
                    filtered.update(repeating: 0, count: bands)
                }
                // One pass in band order, so the sum over all bands is the same as without the high bands apart.
                let split = min(max(0, highBandsFrom), bands)
                for band in 0..<split {
                    sum += max(0, row[band] - filtered[band])
                    earlier[band] = row[band]
                }
                for band in split..<bands {
                    let rise = max(0, row[band] - filtered[band])
                    sum += rise
                    high += rise
                    earlier[band] = row[band]
                }
            }
        }
        frames += 1
        return (sum, high)
    }
}

/// The `q` quantile (0…1) of `values`: the element at index ⌊(count − 1) × q⌋ of the sorted values.
///
/// The quantiles asked for lie near the top, so the few values above the rank are kept in a min-heap, O(n log k) for
/// k of them, instead of sorting all n: the same value. Many values above the rank, or a NaN (no order), sort a copy.
func percentile(_ values: [Float], _ q: Double) -> Float {
    guard !values.isEmpty else { return 0 }
    let rank = min(values.count - 1, Int(Double(values.count - 1) * q))
    let kept = values.count - rank  // The value sought is the kept-th largest.
    guard kept <= percentileHeapLimit, !values.contains(where: \.isNaN) else { return values.sorted()[rank] }
    var heap: [Float] = []  // The largest values seen, smallest first.
    heap.reserveCapacity(kept)
    for value in values {
        if heap.count < kept {
            heap.append(value)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard heap[child] < heap[parent] else { break }
                heap.swapAt(child, parent)
                child = parent
            }
        } else if value > heap[0] {
            heap[0] = value
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < kept && heap[left] < heap[smallest] { smallest = left }
                if right < kept && heap[right] < heap[smallest] { smallest = right }
                guard smallest != parent else { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
    }
    return heap[0]
}

/// Beyond this many values above the rank, `percentile` sorts.
private let percentileHeapLimit = 8_192
