import SoundSortCore

/// How a note is given the label of its sound.
public enum LabelMode: String, Sendable, CaseIterable, Codable {
    /// The note's track.
    case track
    /// The note's MIDI channel.
    case channel
    /// The note's pitch.
    case pitch
    /// Track and pitch.
    case trackPitch = "track+pitch"
    /// Drum flag, program and pitch: what identifies an instrument's sound in a General MIDI file.
    case programPitch = "program+pitch"

    /// The label of `note`: equal labels mean the same sound.
    public func label(of note: Note) -> SoundLabel {
        switch self {
        case .track: SoundLabel(track: note.track)
        case .channel: SoundLabel(channel: note.channel)
        case .pitch: SoundLabel(pitch: note.pitch)
        case .trackPitch: SoundLabel(track: note.track, pitch: note.pitch)
        case .programPitch: SoundLabel(drum: note.isDrum, program: note.program, pitch: note.pitch)
        }
    }
}

/// A sound's identity under a `LabelMode`; the fields the mode does not use are nil.
public struct SoundLabel: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var drum: Bool?
    public var program: Int?
    public var track: Int?
    public var channel: Int?
    public var pitch: Int?

    public init(drum: Bool? = nil, program: Int? = nil, track: Int? = nil, channel: Int? = nil, pitch: Int? = nil) {
        self.drum = drum
        self.program = program
        self.track = track
        self.channel = channel
        self.pitch = pitch
    }

    private var key: [Int] { [drum.map { $0 ? 1 : 0 } ?? -1, program ?? -1, track ?? -1, channel ?? -1, pitch ?? -1] }
    public static func < (lhs: SoundLabel, rhs: SoundLabel) -> Bool { lhs.key.lexicographicallyPrecedes(rhs.key) }

    /// E.g. `drum 36`, `program 81 A4`, `track 3`, `track 2 C#5`.
    public var description: String {
        var parts: [String] = []
        if drum == true { parts.append("drum") } else if let program { parts.append("program \(program)") }
        if let track { parts.append("track \(track)") }
        if let channel { parts.append("channel \(channel + 1)") }
        if let pitch { parts.append(drum == true ? "\(pitch)" : noteName(pitch)) }
        return parts.joined(separator: " ")
    }
}

/// Scientific pitch name of a MIDI note number (60 = C4).
public func noteName(_ midiNote: Int) -> String { MIDINote.name(midiNote) }
