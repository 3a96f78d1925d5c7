import Foundation

/// Whether the pitch found at an onset holds like a note's: a drum's pitch falls (a kick's sine from 150 to 50 Hz
/// within a tenth of a second, a tom's by a semitone or more), and a drum's body dies within a tenth of a second
/// (a snare's head), while a note's pitch stays and rings on.
extension OnsetPitchEstimator {
    /// The second window starts this much after the first, as a share of the window's length (about 65 ms at the
    /// 93 ms window), so the two overlap little and a note as short as the second window's start still has sound in it.
    static let glideWindowLag = 0.7
    /// The pitch is sought again within this many semitones of where it was (less than a minor third, so a chord's
    /// next note is not taken for it).
    static let glideSearch = 1.5
    /// The second window must hold at least this share of the first window's harmonic peak for the glide to count.
    static let glideEvidence: Float = 0.1
    /// Falls are floored here, in dB.
    static let deepestFall = -60.0

    /// Samples (absolute) `persistence(_:onset:of:)` reads beyond `samples(around:)`.
    var glideLagSamples: Int { Int(Self.glideWindowLag * Double(spectra.size)) }

    /// How each pitch (Hz) that starts at absolute sample `onset` goes on a little later: how far it moved, in
    /// semitones (0 when too little is left to tell), and how far its peak fell, in dB. The strongest of its first
    /// four harmonics in the increase across the onset is found again in the increase of a window `glideWindowLag`
    /// later over the same background. Nil for a pitch with nothing to compare (no peak, or the file ends).
    /// - Parameters: as `estimate(_:onset:)`; `audio` must also hold `glideLagSamples` more frames.
    /// - Complexity: three FFTs, whatever the number of pitches.
    func persistence(_ audio: AudioWindow, onset: Int, of pitches: [Double]) -> [(glide: Double, fall: Double)?] {
        guard !pitches.isEmpty, prepare(audio, onset: onset) else { return pitches.map { _ in nil } }
        return preparedPersistence(audio, onset: onset, of: pitches)
    }

    /// `persistence` at the onset last `prepare`d (which must be `onset`); it overwrites `post` with the later window.
    func preparedPersistence(_ audio: AudioWindow, onset: Int, of pitches: [Double]) -> [(glide: Double, fall: Double)?] {
        let laterStart = onset + Int(Self.postOnsetDelay * sampleRate) + glideLagSamples
        guard laterStart + spectra.size / 2 < audio.end else { return pitches.map { _ in nil } }
        return laterPeaks(audio, of: pitches, from: laterStart).map { peaks in
            peaks.map { first, later in
                let glide = later.value >= Self.glideEvidence * first.value ? 12 * log2(later.frequency / first.frequency) : 0
                return (glide, Self.fall(from: first.value, to: later.value))
            }
        }
    }

    /// How far (dB) the strongest of each pitch's first four harmonics in the increase across the onset last
    /// `prepare`d has fallen in the increase of a window starting `delay` seconds after the onset, over the same
    /// background; nil for a pitch with no peak, or all nil when the audio ends before that window does. It overwrites
    /// `post` and the increase (`restoreIncrease` puts it back).
    func preparedFall(_ audio: AudioWindow, onset: Int, of pitches: [Double], after delay: Double) -> [Double?] {
        let laterStart = onset + Int(delay * sampleRate)
        guard laterStart + spectra.size <= audio.end else { return pitches.map { _ in nil } }
        return laterPeaks(audio, of: pitches, from: laterStart).map { peaks in
            peaks.map { first, later in Self.fall(from: first.value, to: later.value) }
        }
    }

    /// For each pitch, the strongest of its first four harmonics in the increase across the onset, and the largest
    /// bin within `glideSearch` of it in the increase of the window starting at `laterStart` (left in `post`); nil
    /// for a pitch with no peak.
    private func laterPeaks(_ audio: AudioWindow, of pitches: [Double], from laterStart: Int)
        -> [(first: (frequency: Double, value: Float), later: (frequency: Double, value: Float))?] {
        restoreIncrease()
        let firsts = pitches.map(strongestHarmonic)
        magnitude(audio, start: laterStart, into: &post)
        for k in increase.indices { increase[k] = max(0, post[k] - pre[k]) }
        return firsts.map { first in
            first.value > 0 ? (first, harmonicPeak(near: first.frequency, semitones: Self.glideSearch)) : nil
        }
    }

    /// A fall in dB, floored at `deepestFall`.
    private static func fall(from first: Float, to later: Float) -> Double {
        max(deepestFall, 20 * log10(Double(max(later, 1e-12) / first)))
    }

    /// The strongest of the first `refinementHarmonics` harmonics of `f0` in the increase: its frequency and value.
    private func strongestHarmonic(of f0: Double) -> (frequency: Double, value: Float) {
        var first = (frequency: f0, value: Float(0))
        for h in 1...Self.refinementHarmonics where f0 * Double(h) < sampleRate / 2 {
            let peak = harmonicPeak(near: f0 * Double(h), semitones: 0.5)
            if peak.value > first.value { first = peak }
        }
        return first
    }

    /// The largest bin of the increase within `semitones` of `frequency` (Hz), at its interpolated position.
    private func harmonicPeak(near frequency: Double, semitones: Double) -> (frequency: Double, value: Float) {
        let lo = max(1, Int((frequency * pow(2, -semitones / 12) / binHz).rounded(.down)))
        let hi = min(increase.count - 2, Int((frequency * pow(2, semitones / 12) / binHz).rounded(.up)))
        guard lo <= hi, let k = (lo...hi).max(by: { increase[$0] < increase[$1] }) else { return (frequency, 0) }
        let position = Double(k) + Self.peakOffset(Double(increase[k - 1]), Double(increase[k]), Double(increase[k + 1]))
        return (position * binHz, increase[k])
    }
}
