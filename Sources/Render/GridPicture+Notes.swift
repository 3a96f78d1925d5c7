import Eval
import SoundSortCore

extension GridPicture {
    /// One row per label of a note list (rows sorted by label; a track's row named after the track), each note a
    /// block. Against a reference, each note is marked matched or false alarm, and each missed reference note goes on
    /// the row most of its sound went to; a reference sound nothing matched gets a row of its own, after the others.
    /// - Parameters:
    ///   - duration: seconds the picture spans (the longer of the two files).
    ///   - reference: the reference notes, how to label them and the scoring options, or nil.
    public init(notes list: NoteList, label: LabelMode, duration: Double, barLines: [Double] = [], title: String? = nil,
                reference: (notes: NoteList, options: ScoreOptions)? = nil) {
        let notes = list.notes
        let labels = notes.map(label.label(of:))
        let rowLabels = Array(Set(labels)).sorted()
        let rowIndex = Dictionary(uniqueKeysWithValues: rowLabels.enumerated().map { ($1, $0) })
        var rows = rowLabels.map { rowLabel -> Row in
            let name = label == .track ? list.trackNames[rowLabel.track ?? 0] : ""
            let members = notes.indices.filter { labels[$0] == rowLabel }.map { notes[$0] }
            let family = Self.family(of: members, trackName: name)
            return Row(label: name.isEmpty ? rowLabel.description : name, blocks: [], family: family,
                       instrument: Self.instrument(family: family, trackName: name), pitch: Self.commonPitch(members))
        }
        var marks = [Mark](repeating: .plain, count: notes.count)
        if let (referenceNotes, options) = reference {
            let scores = Eval.score(estimate: list, reference: referenceNotes, options: options)
            let matchedEstimates = Set(scores.pairs.map(\.estimate))
            marks = notes.indices.map { matchedEstimates.contains($0) ? .matched : .falseAlarm }
            let target = Dictionary(uniqueKeysWithValues: scores.referenceBreakdown.compactMap { sound in
                sound.foundIn.first.map { (sound.label, $0.label) }
            })
            let matchedReferences = Set(scores.pairs.map(\.reference))
            var missedRows: [SoundLabel: Int] = [:]
            for (index, note) in referenceNotes.notes.enumerated() where !matchedReferences.contains(index) {
                let soundLabel = options.referenceLabel.label(of: note)
                let row: Int
                if let rowLabel = target[soundLabel], let existing = rowIndex[rowLabel] {
                    row = existing
                } else if let existing = missedRows[soundLabel] {
                    row = existing
                } else {
                    let members = referenceNotes.notes.filter { options.referenceLabel.label(of: $0) == soundLabel }
                    let family = Self.family(of: members, trackName: "")
                    rows.append(Row(label: "missed: \(soundLabel)", blocks: [], family: family,
                                    instrument: Self.instrument(family: family, trackName: ""), pitch: Self.commonPitch(members)))
                    row = rows.count - 1
                    missedRows[soundLabel] = row
                }
                rows[row].blocks.append(Block(start: note.onset, end: note.offset, mark: .missed))
            }
        }
        for (index, note) in notes.enumerated() {
            rows[rowIndex[labels[index]]!].blocks.append(Block(start: note.onset, end: note.offset, mark: marks[index]))
        }
        self.init(rows: rows, duration: duration, barLines: barLines, title: title)
    }

    /// A row's family (rows of one family share a hue): the kit on the drum channel; a SoundSort tonal track
    /// (`S04 tonal A3`, all on program 0, the file does not say its instrument) a family of its own; else its program.
    static func family(of notes: [Note], trackName: String) -> String {
        guard let first = notes.first else { return "" }
        if first.isDrum { return "kit" }
        if isSoundSortTonal(trackName) { return trackName }
        return "program \(first.program)"
    }

    /// The instrument bracket a row is under: its family, unless that is only the track itself.
    static func instrument(family: String, trackName: String) -> String? {
        family.isEmpty || isSoundSortTonal(trackName) ? nil : family
    }

    static func isSoundSortTonal(_ trackName: String) -> Bool { trackName.split(separator: " ").dropFirst().first == "tonal" }

    /// The pitch most of the notes have (the lowest of equals).
    static func commonPitch(_ notes: [Note]) -> Int? {
        Dictionary(grouping: notes, by: \.pitch).max { ($0.value.count, -$0.key) < ($1.value.count, -$1.key) }?.key
    }
}
