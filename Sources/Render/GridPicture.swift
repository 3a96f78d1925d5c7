import SoundSortCore

/// What the grid shows: one row per sound, a block wherever it plays, time across.
public struct GridPicture: Sendable, Equatable {
    /// How a block relates to a reference, when one was given.
    public enum Mark: Sendable, Equatable {
        /// No reference: a plain block.
        case plain
        /// An estimated note matched to a reference note.
        case matched
        /// An estimated note matching no reference note.
        case falseAlarm
        /// A reference note nothing matched, drawn as an outline.
        case missed
    }

    public struct Block: Sendable, Equatable {
        /// Seconds.
        public var start: Double
        public var end: Double
        public var mark: Mark
        public init(start: Double, end: Double, mark: Mark = .plain) {
            self.start = start
            self.end = end
            self.mark = mark
        }
    }

    public struct Row: Sendable, Equatable {
        public var label: String
        public var blocks: [Block]
        /// Rows of one family (an instrument, the kit) share a hue.
        public var family: String
        /// The instrument the row belongs to, when known ("kit", "instrument 2"): adjacent rows of one instrument are
        /// bracketed and named in the left margin.
        public var instrument: String?
        /// MIDI note of the row, when it has one: within a family, lower rows are darker.
        public var pitch: Int?

        public init(label: String, blocks: [Block], family: String = "", instrument: String? = nil, pitch: Int? = nil) {
            self.label = label
            self.blocks = blocks
            self.family = family
            self.instrument = instrument
            self.pitch = pitch
        }
    }

    /// Rows top to bottom.
    public var rows: [Row]
    /// Length of the song, in seconds.
    public var duration: Double
    /// Times of the bar lines, bar 1 first, in seconds; empty when the tempo is unknown.
    public var barLines: [Double]
    /// The stretch drawn, in seconds (the whole song by default).
    public var from: Double = 0
    public var to: Double?
    /// Width of the whole picture, in pixels; nil for `GridLayout.pixelsPerSecond` within its limits.
    public var width: Double?
    /// A log-mel spectrogram drawn above the rows, aligned in time: `frames × bands` values, any scale.
    public var spectrogram: (values: [Float], bands: Int, frameDuration: Double)?
    public var title: String?
    /// The re-synthesis error of each second, in dB (`transcribe --kit`), drawn as a strip under the rows: where the
    /// song rebuilt from the transcription differs most from the song, the transcription is least sure.
    public var resynthesisError: [Double]?

    public init(rows: [Row], duration: Double, barLines: [Double] = [], title: String? = nil) {
        self.rows = rows
        self.duration = duration
        self.barLines = barLines
        self.title = title
    }

    public static func == (a: GridPicture, b: GridPicture) -> Bool {
        a.rows == b.rows && a.duration == b.duration && a.barLines == b.barLines && a.from == b.from && a.to == b.to
            && a.width == b.width && a.title == b.title && a.spectrogram?.values == b.spectrogram?.values
            && a.resynthesisError == b.resynthesisError
    }

    /// One row per sound of a transcription, in its display order, at its pitch: each instrument (the kit, a timbre at
    /// several pitches) is a family, bracketed and named; bar lines from the tempo map.
    public init(transcription: Transcription, title: String? = nil) {
        var names: [Int: String] = [:]
        var rows = transcription.sounds.map { sound in
            let instrument = names[sound.instrument] ?? transcription.instrumentName(sound.instrument)
            names[sound.instrument] = instrument
            return Row(label: sound.name, blocks: [], family: instrument, instrument: instrument, pitch: sound.midiNote)
        }
        for event in transcription.events {
            rows[event.sound].blocks.append(Block(start: event.onset, end: event.offset))
        }
        self.init(rows: rows, duration: transcription.duration,
                  barLines: transcription.tempoMap?.bars(until: transcription.duration).map(\.time) ?? [], title: title)
    }
}
