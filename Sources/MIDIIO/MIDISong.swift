import SoundSortCore

/// What SoundSort writes: a format-1 file with a tempo track, then one named track per sound, each on its own channel.
public struct MIDISong: Sendable, Equatable {
    public struct Track: Sendable, Equatable {
        public var name: String
        /// 0…15.
        public var channel: Int
        /// Program change sent at the start of the track, if any.
        public var program: Int?
        public var notes: [Note]

        /// A note of a track, in seconds.
        public struct Note: Sendable, Equatable {
            public var onset: Double
            public var offset: Double
            public var pitch: Int
            public var velocity: Int

            public init(onset: Double, offset: Double, pitch: Int, velocity: Int) {
                self.onset = onset
                self.offset = offset
                self.pitch = pitch
                self.velocity = velocity
            }
        }

        public init(name: String, channel: Int, program: Int?, notes: [Note]) {
            self.name = name
            self.channel = channel
            self.program = program
            self.notes = notes
        }
    }

    /// A time signature from a beat on.
    public struct TimeSignature: Sendable, Equatable {
        /// Where it starts, in quarter notes from the start of the file.
        public var beat: Double
        public var numerator: Int
        /// A power of two.
        public var denominator: Int

        public init(beat: Double, numerator: Int, denominator: Int) {
            self.beat = beat
            self.numerator = numerator
            self.denominator = denominator
        }
    }

    /// Pulses per quarter note.
    public var ticksPerQuarter: Int
    /// Tempo map, sorted by time; the first change should be at time 0 (120 BPM is assumed before it).
    public var tempoChanges: [MIDIFile.TempoChange]
    /// Time signatures, sorted by beat; the first at beat 0.
    public var timeSignatures: [TimeSignature]
    public var tracks: [Track]

    public init(ticksPerQuarter: Int = 480, tempoChanges: [MIDIFile.TempoChange],
                timeSignatures: [TimeSignature] = [TimeSignature(beat: 0, numerator: 4, denominator: 4)], tracks: [Track]) {
        self.ticksPerQuarter = ticksPerQuarter
        self.tempoChanges = tempoChanges
        self.timeSignatures = timeSignatures
        self.tracks = tracks
    }

    /// The General MIDI percussion channel (channel 10).
    public static let drumChannel = 9
    /// Tempo written when none was detected.
    public static let defaultBeatsPerMinute = TempoMap.defaultBeatsPerMinute

    /// How percussive sounds are laid out on channels.
    public enum DrumLayout: Sendable {
        /// Every percussive sound on the General MIDI drum channel (10), at its class's drum note; tonal sounds on
        /// the other 15 channels in turn.
        case generalMIDI
        /// Each sound, percussive or tonal, on the next channel in turn (tonal sounds skip channel 10): the layout
        /// before drum classes (`--no-gm-drums`).
        case channelPerSound
    }

    /// One track per sound, in the transcription's display order, on the transcription's tempo map (120 BPM when it
    /// has none) with its first beat on a bar line.
    ///
    /// With `.generalMIDI` (the default), percussive sounds share channel 10 (index 9), each on its own track at its
    /// own drum note, so any General MIDI player (fluidsynth, timidity, MuseScore) plays them as drums. Tonal sounds
    /// take channels 1–9 and 11–16 in turn and never channel 10; past 15 tonal sounds the channels wrap (still
    /// skipping 10), every sound keeping its own track. A DAW keeps tracks apart whatever their channel; a GM player
    /// mixes two tracks of one channel into one instrument, which for our tracks (all program 0) changes nothing
    /// but their shared controllers.
    /// A note is cut at the next onset of its own sound, so no two notes of one track overlap.
    /// - Parameter quantize: when given, a grid in quarter notes (0.25 for sixteenths) that note starts and ends snap
    ///   to, counted from the first bar line; a note never becomes shorter than one step.
    public init(transcription: Transcription, drums: DrumLayout = .generalMIDI, quantize: Double? = nil) {
        let map = transcription.tempoMap ?? TempoMap.constant(beatsPerMinute: transcription.tempo ?? Self.defaultBeatsPerMinute)
        func snap(_ seconds: Double) -> Double {
            guard let grid = quantize, grid > 0 else { return seconds }
            let beat = map.beat(at: seconds) - map.pickupBeats
            return map.time(atBeat: map.pickupBeats + max(-map.pickupBeats, (beat / grid).rounded() * grid))
        }
        var tracks: [Track] = []
        let eventsBySound = Dictionary(grouping: transcription.events, by: \.sound)
        let channels = Self.channels(for: transcription.sounds.map(\.kind), drums: drums)
        for (sound, channel) in zip(transcription.sounds, channels) {
            let events = (eventsBySound[sound.id] ?? []).sorted { $0.onset < $1.onset }
            let onsets = events.map { snap($0.onset) }
            var notes: [Track.Note] = []
            for (index, event) in events.enumerated() {
                let nextOnset = index + 1 < events.count ? onsets[index + 1] : .infinity
                var offset = snap(event.offset)
                if let grid = quantize, offset <= onsets[index] { offset = map.time(atBeat: map.beat(at: onsets[index]) + grid) }
                notes.append(.init(onset: onsets[index], offset: min(offset, nextOnset), pitch: sound.midiNote, velocity: event.velocity))
            }
            tracks.append(Track(name: sound.name, channel: channel, program: sound.kind == .tonal ? 0 : nil, notes: notes))
        }
        self.init(tempoChanges: map.segments.map { .init(time: $0.time, microsecondsPerQuarter: Int((60_000_000 / $0.beatsPerMinute).rounded())) },
                  timeSignatures: Self.timeSignatures(pickupBeats: map.pickupBeats, beatsPerBar: map.beatsPerBar), tracks: tracks)
    }

    /// A pickup bar as long as the lead-in before the first bar line (in sixteenths, eighths or quarters, whichever
    /// is whole), then bars of `beatsPerBar` quarter notes.
    static func timeSignatures(pickupBeats: Double, beatsPerBar: Int) -> [TimeSignature] {
        let bar = TimeSignature(beat: 0, numerator: beatsPerBar, denominator: 4)
        let sixteenths = Int((pickupBeats * 4).rounded()) % (4 * beatsPerBar)
        guard sixteenths > 0 else { return [bar] }
        let pickup = sixteenths % 4 == 0 ? TimeSignature(beat: 0, numerator: sixteenths / 4, denominator: 4)
            : sixteenths % 2 == 0 ? TimeSignature(beat: 0, numerator: sixteenths / 2, denominator: 8)
            : TimeSignature(beat: 0, numerator: sixteenths, denominator: 16)
        return [pickup, TimeSignature(beat: Double(sixteenths) / 4, numerator: beatsPerBar, denominator: 4)]
    }

    /// The channel of each sound, in display order (see `init(transcription:drums:)`).
    public static func channels(for kinds: [Sound.Kind], drums: DrumLayout) -> [Int] {
        var next = 0
        return kinds.map { kind in
            if drums == .generalMIDI && kind == .percussive { return drumChannel }
            if next == drumChannel && kind == .tonal { next += 1 }
            let channel = next
            next = (next + 1) % 16
            return channel
        }
    }

    /// Converts seconds to ticks through the tempo map (sorted by time). The time must be one `tickPosition(at:)`
    /// gives a finite position for within `Int` (writing checks every time first).
    func ticks(at seconds: Double) -> Int { Int(tickPosition(at: seconds).rounded()) }

    /// Seconds to ticks through the tempo map, unrounded.
    func tickPosition(at seconds: Double) -> Double {
        var segmentStart = 0.0
        var segmentTicks = 0.0
        var secondsPerTick = 60 / Self.defaultBeatsPerMinute / Double(ticksPerQuarter)
        for change in tempoChanges {
            guard change.time <= seconds else { break }
            segmentTicks += (change.time - segmentStart) / secondsPerTick
            segmentStart = change.time
            secondsPerTick = Double(change.microsecondsPerQuarter) / 1_000_000 / Double(ticksPerQuarter)
        }
        return segmentTicks + (seconds - segmentStart) / secondsPerTick
    }
}
