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
    /// The background subtracted from the attack is the spectrum this long before the onset (the window's
    /// half-length, so the attack itself is not in it).
    public var backgroundLead = 0.03

    public init() {}
}

public enum FeatureExtractor {
    /// Features of every event: what each adds to the sound, from its onset on.
    public static func features(of events: [DetectedEvent], spectrogram: Spectrogram, samples: [Float],
                                settings: FeatureSettings = FeatureSettings()) throws(TranscribeError) -> [EventFeatures] {
        let pitch = try OnsetPitchEstimator(sampleRate: spectrogram.sampleRate)
        let leadFrames = max(1, Int((settings.backgroundLead / spectrogram.frameDuration).rounded()))
        let framesPerBlock = max(1, Int((settings.blockDuration / spectrogram.frameDuration).rounded()))
        let blockCount = max(1, Int((settings.attackDuration / settings.blockDuration).rounded()))
        let bands = spectrogram.bandCount
        let floor = Float(-settings.dynamicRange)
        return samples.withUnsafeBufferPointer { signal in
            events.map { event in
                // The background: linear band magnitudes just before the onset, removed from every block.
                var background = [Float](repeating: 0, count: bands)
                let backgroundFrame = event.startFrame - leadFrames
                if backgroundFrame >= 0 {
                    for (b, v) in spectrogram.row(backgroundFrame).enumerated() { background[b] = pow(10, v) - 1 }
                }
                var patch: [[Float]?] = []
                var loudest: Float = -.infinity
                for block in 0..<blockCount {
                    let first = event.startFrame + block * framesPerBlock
                    let last = min(first + framesPerBlock, event.endFrame, spectrogram.frameCount)
                    guard first < last || block == 0, first < spectrogram.frameCount else { patch.append(nil); continue }
                    var row = [Float](repeating: 0, count: bands)
                    let frames = max(first + 1, last)
                    for frame in first..<frames {
                        for (b, v) in spectrogram.row(frame).enumerated() { row[b] += pow(10, v) - 1 }
                    }
                    // Mean linear magnitude minus the background, then dB.
                    let count = Float(frames - first)
                    for b in 0..<bands {
                        row[b] = 20 * log10(1 + max(0, row[b] / count - background[b]))
                        loudest = max(loudest, row[b])
                    }
                    patch.append(row)
                }
                for index in patch.indices {
                    guard var row = patch[index] else { continue }
                    for b in 0..<bands { row[b] = max(floor, row[b] - loudest) }
                    patch[index] = row
                }
                return EventFeatures(patch: patch, pitch: pitch.estimate(signal, onset: Int(event.onset * spectrogram.sampleRate)))
            }
        }
    }
}
