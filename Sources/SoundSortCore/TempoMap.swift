/// The song's beat: how fast it goes, piece by piece, and where its bars start, so that a DAW's bars sit on the song's.
///
/// Beats are quarter notes counted from the start of the file (beat 0 at time 0). Between two segments the tempo is
/// constant, so seconds and beats convert exactly both ways.
public struct TempoMap: Sendable, Codable, Equatable {
    /// A stretch of constant tempo.
    public struct Segment: Sendable, Codable, Equatable {
        /// Start, in seconds.
        public var time: Double
        /// Where `time` falls, in beats from the start of the file.
        public var beat: Double
        /// Beats per minute from here to the next segment.
        public var beatsPerMinute: Double

        public init(time: Double, beat: Double, beatsPerMinute: Double) {
            self.time = time
            self.beat = beat
            self.beatsPerMinute = beatsPerMinute
        }
    }

    /// Sorted by time; the first starts at time 0, beat 0.
    public var segments: [Segment]
    /// Beats before the first bar line: the song's first beat falls this far into the file (0 when it starts on a bar
    /// line), a whole number of sixteenth notes.
    public var pickupBeats: Double
    /// Beats in a bar (the map writes 4/4).
    public var beatsPerBar: Int

    public init(segments: [Segment], pickupBeats: Double = 0, beatsPerBar: Int = 4) {
        self.segments = segments
        self.pickupBeats = pickupBeats
        self.beatsPerBar = beatsPerBar
    }

    /// One tempo throughout, the first bar after `pickupBeats`.
    public static func constant(beatsPerMinute: Double, pickupBeats: Double = 0) -> TempoMap {
        TempoMap(segments: [Segment(time: 0, beat: 0, beatsPerMinute: beatsPerMinute)], pickupBeats: pickupBeats)
    }

    /// The tempo at the start, in beats per minute.
    /// The tempo MIDI assumes when a file names none, in beats per minute.
    public static let defaultBeatsPerMinute = 120.0

    public var firstBeatsPerMinute: Double { segments.first?.beatsPerMinute ?? Self.defaultBeatsPerMinute }

    /// The segment in force at `seconds`.
    private func segment(at seconds: Double) -> Segment {
        segments.last { $0.time <= seconds } ?? segments[0]
    }

    /// Where `seconds` falls, in beats from the start of the file.
    public func beat(at seconds: Double) -> Double {
        let s = segment(at: seconds)
        return s.beat + (seconds - s.time) * s.beatsPerMinute / 60
    }

    /// The time of `beat` (beats from the start of the file), in seconds.
    public func time(atBeat beat: Double) -> Double {
        let s = segments.last { $0.beat <= beat } ?? segments[0]
        return s.time + (beat - s.beat) * 60 / s.beatsPerMinute
    }

    /// The times of the bar lines from the first (after the pickup) up to `end` seconds, with their bar numbers
    /// (1 for the first full bar).
    public func bars(until end: Double) -> [(number: Int, time: Double)] {
        var result: [(Int, Double)] = []
        var beat = pickupBeats
        var number = 1
        while true {
            let time = time(atBeat: beat)
            guard time <= end, result.count < Self.maximumBars else { break }
            result.append((number, time))
            beat += Double(beatsPerBar)
            number += 1
        }
        return result
    }

    /// Bars listed at most (a guard against a tempo near zero).
    public static let maximumBars = 100_000
}
