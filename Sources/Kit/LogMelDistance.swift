import Foundation
import Transcribe

/// How far a rebuild of a song is from the song: the mean absolute difference of their log-mel spectrograms, in dB.
public struct ResynthesisError: Sendable, Codable, Equatable {
    /// Over the whole song, in dB.
    public var decibels: Double
    /// For each second of the song (the last one may be partial), in dB.
    public var perSecondDecibels: [Double]

    public init(decibels: Double, perSecondDecibels: [Double]) {
        self.decibels = decibels
        self.perSecondDecibels = perSecondDecibels
    }

    /// Analysis window, in seconds (the transcription's).
    public static let windowDuration = 0.046
    /// Hop between frames, in seconds.
    public static let hopDuration = 0.01
    /// Mel bands.
    public static let bandCount = 64
    /// Lowest and highest band edge, in Hz (the highest is cut at the Nyquist frequency).
    public static let lowestFrequency = 30.0, highestFrequency = 16_000.0
    /// Levels more than this far under the song's loudest band are taken as this far under it, in dB: silence in
    /// both is no difference, whatever its exact level.
    public static let floorBelowPeak: Float = 80

    /// The log-mel distance of `rebuild` from `song` (mono, same rate): for every 10 ms frame the mean over 64 mel
    /// bands of the absolute difference of their levels (dB, each floored 80 dB under the song's loudest band), averaged
    /// over the frames of the song and of each of its seconds.
    public init(song: [Float], rebuild: [Float], sampleRate: Double) throws(TranscribeError) {
        let size = RealFFT.fastSize(atLeast: Int((Self.windowDuration * sampleRate).rounded()))
        let hop = max(1, Int((Self.hopDuration * sampleRate).rounded()))
        let fft = try RealFFT(size: size)
        let bank = try MelFilterbank(bandCount: Self.bandCount, fftSize: size, sampleRate: sampleRate,
                                     lowestFrequency: Self.lowestFrequency, highestFrequency: min(Self.highestFrequency, sampleRate / 2 * 0.99))
        let window = (0..<size).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(size))) }
        let frameCount = (song.count + hop - 1) / hop
        func levels(_ signal: [Float]) -> [Float] {
            var result = [Float](repeating: 0, count: frameCount * Self.bandCount)
            var frame = [Float](repeating: 0, count: size)
            var power = [Float](repeating: 0, count: size / 2 + 1)
            var bands = [Float](repeating: 0, count: Self.bandCount)
            for index in 0..<frameCount {
                let first = index * hop - size / 2
                for point in 0..<size {
                    let position = first + point
                    frame[point] = position >= 0 && position < signal.count ? signal[position] * window[point] : 0
                }
                frame.withUnsafeBufferPointer { frame in power.withUnsafeMutableBufferPointer { fft.powerSpectrum(frame, into: $0) } }
                power.withUnsafeBufferPointer { power in bands.withUnsafeMutableBufferPointer { bank.apply(power, into: $0) } }
                for band in 0..<Self.bandCount { result[index * Self.bandCount + band] = 10 * log10(max(bands[band], 1e-30)) }
            }
            return result
        }
        let songLevels = levels(song), rebuildLevels = levels(rebuild)
        let floor = (songLevels.max() ?? 0) - Self.floorBelowPeak
        let framesPerSecond = Int((1 / Self.hopDuration).rounded())
        var total = 0.0
        var seconds: [(sum: Double, count: Int)] = Array(repeating: (0, 0), count: max(1, (frameCount + framesPerSecond - 1) / framesPerSecond))
        for index in 0..<frameCount {
            var difference: Float = 0
            for band in 0..<Self.bandCount {
                let at = index * Self.bandCount + band
                difference += abs(max(songLevels[at], floor) - max(rebuildLevels[at], floor))
            }
            let frameDistance = Double(difference) / Double(Self.bandCount)
            total += frameDistance
            let second = min(seconds.count - 1, Int(Double(index * hop) / sampleRate))
            seconds[second].sum += frameDistance
            seconds[second].count += 1
        }
        self.init(decibels: frameCount > 0 ? total / Double(frameCount) : 0,
                  perSecondDecibels: seconds.map { $0.count > 0 ? $0.sum / Double($0.count) : 0 })
    }
}
