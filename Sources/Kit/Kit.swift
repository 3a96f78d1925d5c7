import Foundation
import SoundSortCore

/// The sounds of a transcription as a playable kit: one sample per sound, each with the MIDI channel, key and preset
/// that trigger it.
public struct Kit: Sendable, Equatable {
    /// Sample rate of every sample, in Hz (the audio file's own).
    public var sampleRate: Double
    /// One voice per sound, in the transcription's display order (track order).
    public var voices: [Voice]

    public init(sampleRate: Double, voices: [Voice]) {
        self.sampleRate = sampleRate
        self.voices = voices
    }

    /// One sound of the kit.
    public struct Voice: Sendable, Equatable {
        /// The sound's track name (`S03 tonal A3`).
        public var name: String
        /// MIDI channel of its track, 0…15.
        public var channel: Int
        /// The MIDI note its track plays, 0…127.
        public var key: Int
        /// The preset that plays it: bank 128 on the drum channel (as General MIDI players select), else bank 0.
        public var bank: Int
        /// Program of its track (0…127).
        public var program: Int
        /// Mono samples at the kit's rate, from the sound's onset to its end, faded out.
        public var samples: [Float]
        /// Velocity (1…127) of the event the sample was cut from: played at this velocity it sounds as in the song.
        public var velocity: Int
        /// Seconds from the sample's first point to the event's onset (the attack may start a little before the onset
        /// found; negative when it starts after).
        public var lead: Double
        /// Played whole at every note, whatever the note's length, as a drum machine plays a hit: a percussive sound's
        /// note ends where the hit has died into what follows it, which varies from hit to hit (a hat 20 to 110 ms in
        /// fast-hihats), and a sample cut there would sound different at every note.
        public var oneShot: Bool

        public init(name: String, channel: Int, key: Int, bank: Int, program: Int, samples: [Float], velocity: Int, lead: Double,
                    oneShot: Bool = false) {
            self.name = name
            self.channel = channel
            self.key = key
            self.bank = bank
            self.program = program
            self.samples = samples
            self.velocity = velocity
            self.lead = lead
            self.oneShot = oneShot
        }

        /// The sample's file name: the track name with spaces as dashes (`S03-tonal-A3.wav`), nothing but letters,
        /// digits, `#`, `-`, `_` and `.` kept.
        public var fileName: String {
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789#-_.")
            let cleaned = String(name.map { allowed.contains($0) ? $0 : "-" })
            return (cleaned.isEmpty ? "sound" : cleaned) + ".wav"
        }
    }

    /// Where a sound's track sends it: channel, key and program.
    public struct Trigger: Sendable, Equatable {
        public var channel: Int
        public var key: Int
        /// The program its track carries; nil when it carries none (the channel's default, program 0).
        public var program: Int?
        public init(channel: Int, key: Int, program: Int?) {
            self.channel = channel
            self.key = key
            self.program = program
        }
    }

    /// The General MIDI drum channel (10, index 9), whose presets are in bank 128.
    public static let drumChannel = 9
    /// The bank of drum kits, as General MIDI players select on channel 10.
    public static let drumBank = 128

    /// A kit of the transcription's sounds: each sound's sample (`SamplePicker.sample`: its clearest event, less what its
    /// other clearest events do not share) cut from `audio`.
    /// - Parameters:
    ///   - audio: the song, mono, at `sampleRate` Hz (the file's own rate).
    ///   - triggers: one per sound, in display order: what its MIDI track plays.
    ///   - decibelsPerVelocity: how many dB one step of velocity stands for in the transcription.
    public init(transcription: Transcription, audio: [Float], sampleRate: Double, triggers: [Trigger], decibelsPerVelocity: Double) {
        precondition(triggers.count == transcription.sounds.count, "one trigger per sound")
        let picker = SamplePicker(sampleRate: sampleRate, decibelsPerVelocity: decibelsPerVelocity)
        let voices = zip(transcription.sounds, triggers).map { sound, trigger in
            let oneShot = sound.kind == .percussive
            let cut = picker.sample(of: sound.id, in: transcription, from: audio, playedWhole: oneShot)
            let drums = trigger.channel == Self.drumChannel
            return Voice(name: sound.name, channel: trigger.channel, key: trigger.key, bank: drums ? Self.drumBank : 0,
                         program: trigger.program ?? 0, samples: cut?.samples ?? [], velocity: cut?.velocity ?? 100, lead: cut?.lead ?? 0,
                         oneShot: oneShot)
        }
        self.init(sampleRate: sampleRate, voices: voices)
    }
}
