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
        public init(label: String, blocks: [Block]) {
            self.label = label
            self.blocks = blocks
        }
    }

    /// Rows top to bottom; neighbouring rows get neighbouring hues.
    public var rows: [Row]
    /// Seconds shown.
    public var duration: Double
    /// Beats per minute, for bar lines (4 beats a bar).
    public var tempo: Double?
    /// A log-mel spectrogram drawn above the rows, aligned in time: `frames × bands` values, any scale.
    public var spectrogram: (values: [Float], bands: Int, frameDuration: Double)?
    public var title: String?

    public init(rows: [Row], duration: Double, tempo: Double? = nil, title: String? = nil) {
        self.rows = rows
        self.duration = duration
        self.tempo = tempo
        self.title = title
    }

    public static func == (a: GridPicture, b: GridPicture) -> Bool {
        a.rows == b.rows && a.duration == b.duration && a.tempo == b.tempo && a.title == b.title
            && a.spectrogram?.values == b.spectrogram?.values
    }

    /// One row per sound of a transcription, in its display order.
    public init(transcription: Transcription, title: String? = nil) {
        var rows = transcription.sounds.map { Row(label: $0.name, blocks: []) }
        for event in transcription.events {
            rows[event.sound].blocks.append(Block(start: event.onset, end: event.offset))
        }
        self.init(rows: rows, duration: transcription.duration, tempo: transcription.tempo, title: title)
    }
}
