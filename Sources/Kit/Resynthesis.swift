import Foundation

/// The song rebuilt from its notes and the kit's samples, the way a sampler plays them.
public enum Resynthesis {
    /// A note of a track, in seconds; `voice` indexes `Kit.voices`.
    public struct Note: Sendable, Equatable {
        public var voice: Int
        public var onset: Double
        public var offset: Double
        public var velocity: Int
        public init(voice: Int, onset: Double, offset: Double, velocity: Int) {
            self.voice = voice
            self.onset = onset
            self.offset = offset
            self.velocity = velocity
        }
    }

    /// After a note ends, its sample fades out over this long, in seconds (the SFZ's and SF2's release).
    public static let releaseDuration = 0.01

    /// Every note's sample mixed at its onset (its attack `lead` seconds earlier), cut at the note's end with a
    /// `releaseDuration` fade, its level moved from the sample's velocity to the note's by `decibelsPerVelocity`.
    /// - Parameter frameCount: length of the result, in points at the kit's rate.
    public static func render(_ notes: [Note], kit: Kit, frameCount: Int, decibelsPerVelocity: Double) -> [Float] {
        var output = [Float](repeating: 0, count: frameCount)
        let release = max(1, Int(releaseDuration * kit.sampleRate))
        output.withUnsafeMutableBufferPointer { output in
            for note in notes {
                let voice = kit.voices[note.voice]
                let gain = Float(pow(10, Double(note.velocity - voice.velocity) * decibelsPerVelocity / 20))
                let start = Int(((note.onset - voice.lead) * kit.sampleRate).rounded())
                // Points of the sample played before the note-off, then the release.
                let held = Int(((note.offset - note.onset + voice.lead) * kit.sampleRate).rounded())
                let played = min(voice.samples.count, max(0, held) + release)
                voice.samples.withUnsafeBufferPointer { samples in
                    for index in 0..<played {
                        let position = start + index
                        guard position >= 0 else { continue }
                        guard position < frameCount else { break }
                        let fade: Float = index < held ? 1 : Float(played - index) / Float(release + 1)
                        output[position] += gain * fade * samples[index]
                    }
                }
            }
        }
        return output
    }
}
