import Foundation

/// What an event sounds like: its attack spectrum over time, and its pitch.
public struct EventFeatures: Sendable, Equatable {
    /// `blockCount × bandCount` values in dB relative to the patch's loudest value, floored; `nil` rows are blocks
    /// after the event ended (they belong to the next event and are not compared).
    public var patch: [[Float]?]
    public var pitch: PitchEstimate?

    /// Whether the event is clearly pitched.
    public func isVoiced(minimumConfidence: Double) -> Bool { (pitch?.confidence ?? 0) >= minimumConfidence }
}

/// Settings of feature extraction, in seconds and dB.
public struct FeatureSettings: Sendable, Equatable {
    /// The attack patch covers this long from the onset…
    public var attackDuration = 0.15
    /// …in blocks this long (frames averaged within a block).
    public var blockDuration = 0.03
    /// Patch values are floored this far under the patch's loudest value.
    public var dynamicRange = 60.0
    /// Pitch is measured this long after the onset (past the transient) and once more later.
    public var pitchDelays = [0.02, 0.07]

    public init() {}
}

public enum FeatureExtractor {
    /// Features of every event.
    public static func features(of events: [DetectedEvent], spectrogram: Spectrogram, samples: [Float],
                                settings: FeatureSettings = FeatureSettings(), pitch: PitchEstimator = PitchEstimator()) -> [EventFeatures] {
        let framesPerBlock = max(1, Int((settings.blockDuration / spectrogram.frameDuration).rounded()))
        let blockCount = max(1, Int((settings.attackDuration / settings.blockDuration).rounded()))
        let bands = spectrogram.bandCount
        let floor = Float(-settings.dynamicRange)
        return samples.withUnsafeBufferPointer { signal in
            events.map { event in
                var patch: [[Float]?] = []
                var loudest: Float = -.infinity
                for block in 0..<blockCount {
                    let first = event.startFrame + block * framesPerBlock
                    let last = min(first + framesPerBlock, event.endFrame, spectrogram.frameCount)
                    guard first < last || block == 0, first < spectrogram.frameCount else { patch.append(nil); continue }
                    var row = [Float](repeating: 0, count: bands)
                    let frames = max(first + 1, last)
                    for frame in first..<frames {
                        let values = spectrogram.row(frame)
                        for (b, v) in values.enumerated() { row[b] += v }
                    }
                    // log10(1 + m) → dB of magnitude, averaged over the block's frames.
                    let scale = 20 / Float(frames - first)
                    for b in 0..<bands { row[b] *= scale; loudest = max(loudest, row[b]) }
                    patch.append(row)
                }
                for index in patch.indices {
                    guard var row = patch[index] else { continue }
                    for b in 0..<bands { row[b] = max(floor, row[b] - loudest) }
                    patch[index] = row
                }
                let estimates = settings.pitchDelays.compactMap { delay -> PitchEstimate? in
                    let start = Int((event.onset + delay) * spectrogram.sampleRate)
                    guard event.onset + delay < event.end else { return nil }
                    return pitch.estimate(signal, start: start, sampleRate: spectrogram.sampleRate)
                }
                return EventFeatures(patch: patch, pitch: estimates.max { $0.confidence < $1.confidence })
            }
        }
    }
}
