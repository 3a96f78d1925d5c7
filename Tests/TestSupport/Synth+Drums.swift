import Foundation

extension Synth {
    /// A synthetic kick drum at each of `onsets`: a sine falling from `startFrequency` to `endFrequency` Hz with an
    /// exponential decay.
    public static func addKick(to signal: inout [Float], onsets: [Double], sampleRate: Double = 44_100, amplitude: Float = 0.6,
                               startFrequency: Double = 160, endFrequency: Double = 50, length: Double = 0.25) {
        for onset in onsets {
            let start = Int(onset * sampleRate)
            let count = min(Int(length * sampleRate), signal.count - start)
            guard count > 0 else { continue }
            var phase = 0.0
            for n in 0..<count {
                let t = Double(n) / sampleRate
                let frequency = endFrequency + (startFrequency - endFrequency) * exp(-t / 0.04)
                phase += 2 * .pi * frequency / sampleRate
                signal[start + n] += amplitude * Float(sin(phase) * exp(-t / 0.08))
            }
        }
    }

    /// A hi-hat-like hit at each of `onsets`: deterministic noise, high-passed (first difference), decaying in about
    /// `decay` seconds.
    public static func addHat(to signal: inout [Float], onsets: [Double], sampleRate: Double = 44_100, amplitude: Float = 0.4,
                              decay: Double = 0.03, seed: UInt64 = 7) {
        var state = seed
        for onset in onsets {
            let start = Int(onset * sampleRate)
            let count = min(Int(6 * decay * sampleRate), signal.count - start)
            guard count > 0 else { continue }
            var previous: Float = 0
            for n in 0..<count {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let noise = Float(Int64(bitPattern: state) >> 11) / Float(1 << 52)
                signal[start + n] += amplitude * (noise - previous) * Float(exp(-Double(n) / (decay * sampleRate)))
                previous = noise
            }
        }
    }

    /// A snare-like hit at each of `onsets`: a `bodyFrequency` Hz tone (the head) at `bodyLevel` of the noise, decaying
    /// in about 40 ms, under deterministic white noise (the wires) decaying in about `decay` seconds.
    public static func addSnare(to signal: inout [Float], onsets: [Double], sampleRate: Double = 44_100, amplitude: Float = 0.4,
                                bodyFrequency: Double = 185, bodyLevel: Float = 1, decay: Double = 0.08, seed: UInt64 = 11) {
        var state = seed
        for onset in onsets {
            let start = Int(onset * sampleRate)
            let count = min(Int(6 * decay * sampleRate), signal.count - start)
            guard count > 0 else { continue }
            for n in 0..<count {
                let t = Double(n) / sampleRate
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let noise = Float(Int64(bitPattern: state) >> 11) / Float(1 << 52)
                let body = bodyLevel * Float(sin(2 * .pi * bodyFrequency * t) * exp(-t / 0.04))
                signal[start + n] += amplitude * (body + noise * Float(exp(-t / decay)))
            }
        }
    }
}
