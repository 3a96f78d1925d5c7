import Foundation

/// An event's attack spectrum over time: `blocks × bands` values in dB relative to its loudest value, floored,
/// stored contiguously. Blocks after the event ended belong to the next event: they are absent and never compared.
public struct AttackPatch: Sendable, Equatable {
    public let blocks: Int
    public let bands: Int
    /// Block-major dB values (0 in absent blocks).
    public var values: [Float]
    /// Whether each block lies within the event.
    public var present: [Bool]

    /// Mean absolute difference in dB over the blocks both patches have; nil when they share none.
    /// - Complexity: O(blocks × bands), vectorised.
    @inline(__always)
    public func meanAbsoluteDifference(_ other: AttackPatch) -> Float? {
        var sum = SIMD8<Float>()
        var shared = 0
        values.withUnsafeBufferPointer { a in
            other.values.withUnsafeBufferPointer { b in
                for block in 0..<min(blocks, other.blocks) where present[block] && other.present[block] {
                    shared += 1
                    var i = block * bands
                    let end = i + bands
                    while i + 8 <= end {
                        let x = SIMD8<Float>(a[i..<(i + 8)]), y = SIMD8<Float>(b[i..<(i + 8)])
                        let d = x - y
                        sum += d.replacing(with: -d, where: d .< 0)
                        i += 8
                    }
                    while i < end { sum[0] += abs(a[i] - b[i]); i += 1 }
                }
            }
        }
        return shared > 0 ? sum.sum() / Float(shared * bands) : nil
    }

    /// Linear magnitudes (10^(dB/20)), zero in absent blocks.
    public var linear: [Float] {
        var out = [Float](repeating: 0, count: values.count)
        for block in 0..<blocks where present[block] {
            for i in (block * bands)..<((block + 1) * bands) { out[i] = pow(10, values[i] / 20) }
        }
        return out
    }
}

/// What an event sounds like: its attack spectrum over time, and its pitch.
public struct EventFeatures: Sendable, Equatable {
    public var patch: AttackPatch
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
                var values = [Float](repeating: 0, count: blockCount * bands)
                var present = [Bool](repeating: false, count: blockCount)
                var loudest: Float = -.infinity
                for block in 0..<blockCount {
                    let first = event.startFrame + block * framesPerBlock
                    let last = min(first + framesPerBlock, event.endFrame, spectrogram.frameCount)
                    guard first < last || block == 0, first < spectrogram.frameCount else { continue }
                    present[block] = true
                    let frames = max(first + 1, last)
                    let offset = block * bands
                    for frame in first..<frames {
                        for (b, v) in spectrogram.row(frame).enumerated() { values[offset + b] += pow(10, v) - 1 }
                    }
                    // Mean linear magnitude minus the background, then dB.
                    let count = Float(frames - first)
                    for b in 0..<bands {
                        values[offset + b] = 20 * log10(1 + max(0, values[offset + b] / count - background[b]))
                        loudest = max(loudest, values[offset + b])
                    }
                }
                for block in 0..<blockCount where present[block] {
                    for i in (block * bands)..<((block + 1) * bands) { values[i] = max(floor, values[i] - loudest) }
                }
                let patch = AttackPatch(blocks: blockCount, bands: bands, values: values, present: present)
                return EventFeatures(patch: patch, pitch: pitch.estimate(signal, onset: Int(event.onset * spectrogram.sampleRate)))
            }
        }
    }
}
