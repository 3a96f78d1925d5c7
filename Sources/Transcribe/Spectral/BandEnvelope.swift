import Foundation

/// Each frame's level in a few octave bands, kept for the whole file: what note lengths and drum classes read after
/// the attack (the attack patch covers only 150 ms, and the feature pass reads the audio only around onsets).
///
/// Octave bands separate what the drum classes are told apart by (a kick below 125 Hz, a snare's body and its noise,
/// a hat above 4 kHz) and follow one sound's decay past the onsets of others in other bands. Power, not summed mel
/// magnitudes: a sum of magnitudes over the hundreds of bins of a high octave makes any noise outweigh a tone.
/// Levels are stored as `Float16` dB (about 0.06 dB resolution): 8 bands × 100 frames a second is 5.8 MB an hour.
public struct BandEnvelope: Sendable {
    /// Upper edges of the octave bands, in Hz; the last band reaches the top of the analysis.
    public static let upperEdges: [Double] = [125, 250, 500, 1_000, 2_000, 4_000, 8_000]
    /// Levels are floored here, in dB (10 log10 of the band's summed squared FFT magnitudes; a full-scale sine reads
    /// about +110 dB).
    public static let floorDecibels: Float = -100

    public static var bandCount: Int { upperEdges.count + 1 }
    /// Seconds per frame.
    public let frameDuration: Double
    /// Frame-major levels in dB.
    private(set) var levels: [Float16] = []

    /// - Parameter frameDuration: seconds per frame.
    public init(frameDuration: Double) {
        self.frameDuration = frameDuration
    }

    /// Number of frames appended so far.
    public var frameCount: Int { levels.count / Self.bandCount }

    /// Appends one frame from its octave-band powers (`FrameAnalyzer.octavePowers`), linear.
    mutating func append(powers: UnsafeBufferPointer<Float>) {
        for power in powers { levels.append(Float16(max(Self.floorDecibels, 10 * log10(max(power, 1e-10))))) }
    }

    /// Level of `band` at `frame`, in dB.
    @inline(__always)
    public func decibels(frame: Int, band: Int) -> Float { Float(levels[frame * Self.bandCount + band]) }

    /// Power of `band` at `frame` (10^(dB/10)), linear.
    @inline(__always)
    public func power(frame: Int, band: Int) -> Float { pow(10, decibels(frame: frame, band: band) / 10) }

    /// The band holding `frequency` Hz.
    public static func band(of frequency: Double) -> Int { upperEdges.firstIndex { frequency < $0 } ?? upperEdges.count }
}
