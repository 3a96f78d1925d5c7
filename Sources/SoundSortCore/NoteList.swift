/// A note as read from a MIDI file, with times already through the tempo map.
public struct Note: Sendable, Codable, Equatable, Hashable {
    /// Start, in seconds.
    public var onset: Double
    /// End, in seconds.
    public var offset: Double
    /// MIDI note number, 0…127.
    public var pitch: Int
    /// Note-on velocity, 1…127.
    public var velocity: Int
    /// MIDI channel, 0…15 (9 is the General MIDI drum channel).
    public var channel: Int
    /// Index of the file's track the note was in, from 0.
    public var track: Int
    /// Program (0…127) of the note's channel when it started.
    public var program: Int

    public init(onset: Double, offset: Double, pitch: Int, velocity: Int, channel: Int, track: Int, program: Int) {
        self.onset = onset
        self.offset = offset
        self.pitch = pitch
        self.velocity = velocity
        self.channel = channel
        self.track = track
        self.program = program
    }

    /// Whether the note is on the General MIDI percussion channel (channel 10, index 9).
    public var isDrum: Bool { channel == 9 }
}

/// The notes of a MIDI file, sorted by onset, then pitch.
public struct NoteList: Sendable, Codable, Equatable {
    public var notes: [Note]
    /// Name of each track of the file (empty where it had none).
    public var trackNames: [String]

    public init(notes: [Note], trackNames: [String]) {
        self.notes = notes.sorted { ($0.onset, $0.pitch, $0.track) < ($1.onset, $1.pitch, $1.track) }
        self.trackNames = trackNames
    }
}
