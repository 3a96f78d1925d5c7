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

    /// Pulses per quarter note.
    public var ticksPerQuarter: Int
    /// Tempo map, sorted by time; the first change should be at time 0 (120 BPM is assumed before it).
    public var tempoChanges: [MIDIFile.TempoChange]
    /// Numerator and denominator of the time signature at the start.
    public var timeSignature: (numerator: Int, denominator: Int)
    public var tracks: [Track]

    public init(ticksPerQuarter: Int = 480, tempoChanges: [MIDIFile.TempoChange], timeSignature: (Int, Int) = (4, 4), tracks: [Track]) {
        self.ticksPerQuarter = ticksPerQuarter
        self.tempoChanges = tempoChanges
        self.timeSignature = timeSignature
        self.tracks = tracks
    }

    public static func == (lhs: MIDISong, rhs: MIDISong) -> Bool {
        lhs.ticksPerQuarter == rhs.ticksPerQuarter && lhs.tempoChanges == rhs.tempoChanges
            && lhs.timeSignature == rhs.timeSignature && lhs.tracks == rhs.tracks
    }

    /// The General MIDI percussion channel (channel 10).
    public static let drumChannel = 9
    /// Tempo written when none was detected.
    public static let defaultBeatsPerMinute = 120.0

    /// One track per sound, in the transcription's display order.
    ///
    /// Each sound gets the next channel; tonal sounds skip the drum channel, so they play as pitched instruments
    /// in any General MIDI player. Past 16 channels they wrap, but every sound keeps its own track.
    /// A note is cut at the next onset of its own sound, so no two notes of one track overlap.
    public init(transcription: Transcription) {
        let bpm = transcription.tempo ?? Self.defaultBeatsPerMinute
        var channel = 0
        var tracks: [Track] = []
        let eventsBySound = Dictionary(grouping: transcription.events, by: \.sound)
        for sound in transcription.sounds {
            if sound.kind == .tonal && channel == Self.drumChannel { channel += 1 }
            let events = (eventsBySound[sound.id] ?? []).sorted { $0.onset < $1.onset }
            var notes: [Track.Note] = []
            for (index, event) in events.enumerated() {
                let nextOnset = index + 1 < events.count ? events[index + 1].onset : .infinity
                notes.append(.init(onset: event.onset, offset: min(event.offset, nextOnset), pitch: sound.midiNote, velocity: event.velocity))
            }
            tracks.append(Track(name: sound.name, channel: channel, program: sound.kind == .tonal ? 0 : nil, notes: notes))
            channel = (channel + 1) % 16
        }
        self.init(tempoChanges: [.init(time: 0, microsecondsPerQuarter: Int((60_000_000 / bpm).rounded()))], tracks: tracks)
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
