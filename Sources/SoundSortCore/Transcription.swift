/// What a song was found to contain: its unique sounds, in display order, and every event.
public struct Transcription: Sendable, Codable, Equatable {
    /// Length of the analysed audio, in seconds.
    public var duration: Double
    /// Sample rate of the audio file (or samples) given, in Hz; the analysis itself runs at 44.1 kHz.
    public var sampleRate: Double
    /// Tempo in beats per minute at the start, when one was detected (`tempoMap`'s first).
    public var tempo: Double?
    /// The song's tempo map and bar lines, when a beat was found.
    public var tempoMap: TempoMap?
    /// The unique sounds, ordered so that similar sounds are adjacent.
    public var sounds: [Sound]
    /// Every sound event, sorted by onset; `Event.sound` indexes `sounds`.
    public var events: [Event]

    public init(duration: Double, sampleRate: Double, tempo: Double? = nil, tempoMap: TempoMap? = nil, sounds: [Sound], events: [Event]) {
        self.duration = duration
        self.sampleRate = sampleRate
        self.tempo = tempo ?? tempoMap?.firstBeatsPerMinute
        self.tempoMap = tempoMap
        self.sounds = sounds
        self.events = events
    }
}

/// One unique sound: every event a listener could not tell apart from the others of its group.
public struct Sound: Sendable, Codable, Equatable, Identifiable {
    public enum Kind: String, Sendable, Codable { case percussive, tonal }

    /// Position in display order, from 0.
    public var id: Int
    /// A readable name such as `S03 tonal A3` or `S07 kick`.
    public var name: String
    public var kind: Kind
    /// The MIDI note number its events are written with: its pitch when tonal; when percussive, its class's General MIDI
    /// drum note (or 36 + its rank among percussive sounds, when General MIDI drums are off).
    public var midiNote: Int
    /// Fundamental frequency in Hz, for tonal sounds.
    public var pitchHz: Double?
    /// Index into `Transcription.events` of the event most typical of this sound.
    public var exemplar: Int
    /// The kit piece a percussive sound is heard as (nil for tonal sounds).
    public var drumClass: DrumClass?
    /// The instrument it belongs to, from 0 in display order: the percussive sounds form one (the kit); tonal sounds
    /// of one timbre at different pitches form one. An instrument's sounds are adjacent.
    public var instrument: Int

    public init(id: Int, name: String, kind: Kind, midiNote: Int, pitchHz: Double?, exemplar: Int, drumClass: DrumClass? = nil,
                instrument: Int = 0) {
        self.id = id
        self.name = name
        self.kind = kind
        self.midiNote = midiNote
        self.pitchHz = pitchHz
        self.exemplar = exemplar
        self.drumClass = drumClass
        self.instrument = instrument
    }
}

/// One occurrence of a sound.
public struct Event: Sendable, Codable, Equatable {
    /// Start, in seconds.
    public var onset: Double
    /// Length, in seconds.
    public var duration: Double
    /// Index into `Transcription.sounds`.
    public var sound: Int
    /// Loudness as a MIDI velocity, 1…127.
    public var velocity: Int
    /// Fundamental frequency in Hz, where the event is voiced.
    public var pitchHz: Double?

    public init(onset: Double, duration: Double, sound: Int, velocity: Int, pitchHz: Double? = nil) {
        self.onset = onset
        self.duration = duration
        self.sound = sound
        self.velocity = velocity
        self.pitchHz = pitchHz
    }

    public var offset: Double { onset + duration }
}
