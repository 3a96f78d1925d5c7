import Foundation
import Transcribe

/// Test signals with exactly known content.
public enum Synth {
    /// A sine of `frequency` Hz, `duration` seconds long.
    public static func sine(frequency: Double, duration: Double, sampleRate: Double = 44_100, amplitude: Float = 0.5) -> [Float] {
        (0..<Int(duration * sampleRate)).map { amplitude * Float(sin(2 * .pi * frequency * Double($0) / sampleRate)) }
    }

    /// A harmonic tone (decaying partials) starting at each of `onsets`, `length` seconds long, mixed into `signal`;
    /// it rises linearly over `attack` seconds (a pad's slow attack when long).
    public static func addTone(to signal: inout [Float], frequency: Double, onsets: [Double], length: Double,
                               sampleRate: Double = 44_100, amplitude: Float = 0.3, harmonics: [Float] = [1, 0.5, 0.3, 0.2],
                               decayPerSecond: Double = 3, attack attackSeconds: Double = 0.005) {
        for onset in onsets {
            let start = Int(onset * sampleRate)
            let count = min(Int(length * sampleRate), signal.count - start)
            guard count > 0 else { continue }
            for n in 0..<count {
                let t = Double(n) / sampleRate
                let attack = min(1, t / attackSeconds)
                let release = min(1, Double(count - n) / (0.01 * sampleRate))
                var value: Float = 0
                for (h, weight) in harmonics.enumerated() where frequency * Double(h + 1) < sampleRate / 2 {
                    value += weight * Float(sin(2 * .pi * frequency * Double(h + 1) * t))
                }
                signal[start + n] += amplitude * value * Float(attack * release * exp(-decayPerSecond * t))
            }
        }
    }

    /// Short bursts of deterministic noise (a click or hat-like hit) at each of `onsets`.
    public static func addClicks(to signal: inout [Float], onsets: [Double], sampleRate: Double = 44_100,
                                 amplitude: Float = 0.6, length: Double = 0.03, seed: UInt64 = 1) {
        var state = seed
        for onset in onsets {
            let start = Int(onset * sampleRate)
            let count = min(Int(length * sampleRate), signal.count - start)
            guard count > 0 else { continue }
            for n in 0..<count {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let noise = Float(Int64(bitPattern: state) >> 11) / Float(1 << 52)
                signal[start + n] += amplitude * noise * Float(exp(-Double(n) / (0.005 * sampleRate)))
            }
        }
    }

    /// Silence of `duration` seconds.
    public static func silence(duration: Double, sampleRate: Double = 44_100) -> [Float] {
        [Float](repeating: 0, count: Int(duration * sampleRate))
    }
}

/// A fresh folder under the system's temporary directory, removed when the value is released.
public final class TemporaryFolder {
    public let url: URL

    public init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("soundsort-test-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Path of `name` inside the folder.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `samples` as a mono (or interleaved `channels`) file and returns its path.
    @discardableResult
    public func writeAudio(_ name: String, _ samples: [Float], encoding: AudioEncoding = .wavFloat,
                           sampleRate: Int = 44_100, channels: Int = 1) throws -> String {
        let path = path(name)
        let writer = try AudioFileWriter(path: path, encoding: encoding, sampleRate: sampleRate, channelCount: channels)
        try writer.write(samples)
        try writer.close()
        return path
    }
}
