import Foundation

/// Onsets of sounds that swell out of silence too slowly for spectral flux (string and pad attacks of several
/// hundred milliseconds): the level leaves silence and rises far within a short time, and no fast onset marks it.
public struct SwellDetector: Sendable, Equatable {
    /// Silence: more than this many dB under the file's loud level (its 99th-percentile frame).
    public var silenceBelowLoud = 50.0
    /// A swell starts where the level rises this far (dB) above silence…
    public var startAboveSilence = 6.0
    /// …and must then rise this far (dB) above silence…
    public var riseAboveSilence = 20.0
    /// …within this long (seconds).
    public var riseTime = 0.5
    /// A fast onset this close (seconds) to the start already marks the sound.
    public var fastOnsetMargin = 0.3

    /// The file's loud level, which silence is measured from: this quantile of the frames' summed mel magnitudes.
    public static let loudQuantile = 0.99

    public init() {}

    /// Onset frames of swells.
    /// - Parameters:
    ///   - frameMagnitude: each frame's summed mel magnitude (linear).
    ///   - fastOnsets: onsets already found, sorted.
    ///   - frameDuration: seconds between frames.
    /// - Throws: `.invalidParameter` naming a setting or the frame duration out of range.
    public func onsets(frameMagnitude: [Float], fastOnsets: [Int], frameDuration: Double) throws(TranscribeError) -> [Int] {
        try SettingCheck.checkFrameDuration(frameDuration)
        try validate()
        guard !frameMagnitude.isEmpty else { return [] }
        let loud = Double(percentile(frameMagnitude, Self.loudQuantile))
        guard loud > 0 else { return [] }
        let silence = Float(loud * pow(10, -silenceBelowLoud / 20))
        let start = silence * Float(pow(10, startAboveSilence / 20)), risen = silence * Float(pow(10, riseAboveSilence / 20))
        let riseFrames = Int((riseTime / frameDuration).rounded()), margin = Int((fastOnsetMargin / frameDuration).rounded())
        var result: [Int] = []
        var silent = frameMagnitude[0] < silence
        var lastSilent = silent ? 0 : -1
        var frame = 1
        while frame < frameMagnitude.count {
            let level = frameMagnitude[frame]
            if silent && level >= start {
                let window = frame..<min(frameMagnitude.count, frame + riseFrames)
                let rises = window.contains { frameMagnitude[$0] >= risen }
                // The sound began where the silence ended, before it was loud enough to be sure of.
                let began = lastSilent + 1
                let marked = fastOnsets.contains { abs($0 - began) <= margin }
                if rises && !marked { result.append(began) }
                silent = false
            } else if level < silence {
                silent = true
                lastSilent = frame
            }
            frame += 1
        }
        return result
    }
}
