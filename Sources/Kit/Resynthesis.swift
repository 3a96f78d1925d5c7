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

    /// After a note ends, its sample fades out over this long, in seconds (the SFZ's and SF2's release). 100 ms: cut
    /// over 10 ms, a note still sounding at its end (a legato bass, a chord's notes cut by the next one)
    /// stopped with a broadband step, which the same transcription read in the kit's rendering as hits and new notes
    /// (self-consistency, `scripts/kit-consistency`: mean mapped F 0.701 at 10 ms, 0.697 at 50, 0.716 at 100, 0.708 at
    /// 200; re-synthesis error 4.77, 4.71, 4.68, 4.66 dB), as a synthesizer's or a sampled instrument's release is
    /// seldom shorter.
    public static let releaseDuration = 0.1

    /// The amplitude a sampler gives a note of velocity `velocity` relative to one of `sampleVelocity`: (v/v₀)², the
    /// curve of the SoundFont 2 specification's default modulator (fluidsynth) and of SFZ's default `amp_veltrack`.
    public static func gain(velocity: Int, sampleVelocity: Int) -> Float {
        let ratio = Float(min(max(velocity, 1), 127)) / Float(min(max(sampleVelocity, 1), 127))
        return ratio * ratio
    }

    /// Every note's sample mixed at its onset (its attack `lead` seconds earlier), cut at the note's end with a
    /// `releaseDuration` fade (a one-shot voice's played whole), at the level a sampler plays it
    /// (`gain(velocity:sampleVelocity:)`): the song as the kit plays it back from the MIDI file.
    /// - Parameter frameCount: length of the result, in points at the kit's rate.
    public static func render(_ notes: [Note], kit: Kit, frameCount: Int) -> [Float] {
        var output = [Float](repeating: 0, count: frameCount)
        let release = max(1, Int(releaseDuration * kit.sampleRate))
        output.withUnsafeMutableBufferPointer { output in
            for note in notes {
                let voice = kit.voices[note.voice]
                let gain = gain(velocity: note.velocity, sampleVelocity: voice.velocity)
                let start = Int(((note.onset - voice.lead) * kit.sampleRate).rounded())
                // Points of the sample played before the note-off, then the release; a one-shot voice, all of them.
                let held = voice.oneShot ? voice.samples.count : Int(((note.offset - note.onset + voice.lead) * kit.sampleRate).rounded())
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
