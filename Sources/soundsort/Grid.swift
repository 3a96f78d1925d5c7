import ArgumentParser
import Eval
import Foundation
import MIDIIO
import Render
import SoundSortCore

/// Which stretch of the song a picture shows and how wide it is; shared by grid and transcribe --grid.
struct PictureOptions: ParsableArguments {
    @Option(help: "Draw from this time on, in seconds (default: the start).")
    var from: Double?

    @Option(help: "Draw up to this time, in seconds (default: the end).")
    var to: Double?

    @Option(help: "Width of the whole picture, in pixels (200…30000; default: 40 pixels a second, 640…12000 for the plot).")
    var width: Double?

    func validate() throws {
        if let from { try validateRange("--from", from, 0...1e6, unit: " seconds") }
        if let to { try validateRange("--to", to, 0...1e6, unit: " seconds") }
        if let from, let to, to <= from { throw ValidationError("--to (\(to)) must come after --from (\(from))") }
        if let width { try validateRange("--width", width, 200...30_000, unit: " pixels") }
    }

    /// `picture` showing the stretch and width asked for.
    func apply(to picture: inout GridPicture) {
        if let from { picture.from = from }
        picture.to = to
        picture.width = width
    }
}

struct Grid: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draws a MIDI file as a grid: one row per track (or sound label), a solid block wherever it plays."
    )

    @Argument(help: "A MIDI file (e.g. a transcription, or a reference drawn the same way).")
    var midi: String

    @Option(name: .shortAndLong, help: "The picture to write: .png, .svg or .pdf.")
    var output: String

    @Option(help: "One row per track (default) or per sound label: \(LabelMode.allCases.map(\.rawValue).joined(separator: ", ")).")
    var label: LabelMode = .track

    @Option(help: "Mark each note as matched or false alarm against this reference, and outline missed reference notes; a reference sound nothing matched gets a row of its own.")
    var reference: String?

    @Option(help: "Label of a reference note, with --reference (same choices).")
    var refLabel: LabelMode = .programPitch

    @Option(help: "Largest onset difference that counts as a match, in seconds (0.001…1), with --reference.")
    var window: Double = 0.05

    @OptionGroup var picture: PictureOptions

    @Flag(help: "Replace an existing output even when it is not a picture of the format asked for.")
    var force = false

    func validate() throws {
        guard GridRenderer.format(of: output) != nil else { throw ValidationError("--output must end in .png, .svg or .pdf, not '\(output)'") }
        try validateRange("--window", window, 0.001...1, unit: " seconds")
    }

    func run() throws {
        let format = GridRenderer.format(of: output)!  // Checked in validate().
        try checkOutput(PlannedOutput(path: output, kind: .picture(format)), inputs: [midi] + (reference.map { [$0] } ?? []), force: force)
        let file = try MIDIFile(path: midi)
        let notes = file.notes.notes
        let labels = notes.map(label.label(of:))
        let rowLabels = Array(Set(labels)).sorted()
        let rowIndex = Dictionary(uniqueKeysWithValues: rowLabels.enumerated().map { ($1, $0) })
        var rows = rowLabels.map { rowLabel -> GridPicture.Row in
            let name = label == .track ? file.notes.trackNames[rowLabel.track ?? 0] : ""
            let members = notes.indices.filter { labels[$0] == rowLabel }.map { notes[$0] }
            return GridPicture.Row(label: name.isEmpty ? rowLabel.description : name, blocks: [],
                                   family: Self.family(of: members, trackName: name), pitch: Self.commonPitch(members))
        }
        var marks = [GridPicture.Mark](repeating: .plain, count: notes.count)
        var duration = file.duration
        if let reference {
            let referenceFile = try MIDIFile(path: reference)
            duration = max(duration, referenceFile.duration)
            let scores = Eval.score(estimate: file.notes, reference: referenceFile.notes,
                                    options: ScoreOptions(window: window, referenceLabel: refLabel, estimateLabel: label))
            let matchedEstimates = Set(scores.pairs.map(\.estimate))
            marks = notes.indices.map { matchedEstimates.contains($0) ? .matched : .falseAlarm }
            // A missed reference note goes on the row most of its sound went to; a sound nothing matched gets a row.
            let target = Dictionary(uniqueKeysWithValues: scores.referenceBreakdown.compactMap { sound in
                sound.foundIn.first.map { (sound.label, $0.label) }
            })
            let matchedReferences = Set(scores.pairs.map(\.reference))
            var missedRows: [SoundLabel: Int] = [:]
            for (index, note) in referenceFile.notes.notes.enumerated() where !matchedReferences.contains(index) {
                let soundLabel = refLabel.label(of: note)
                let row: Int
                if let rowLabel = target[soundLabel], let existing = rowIndex[rowLabel] {
                    row = existing
                } else if let existing = missedRows[soundLabel] {
                    row = existing
                } else {
                    let members = referenceFile.notes.notes.filter { refLabel.label(of: $0) == soundLabel }
                    rows.append(GridPicture.Row(label: "missed: \(soundLabel)", blocks: [],
                                                family: Self.family(of: members, trackName: ""), pitch: Self.commonPitch(members)))
                    row = rows.count - 1
                    missedRows[soundLabel] = row
                }
                rows[row].blocks.append(.init(start: note.onset, end: note.offset, mark: .missed))
            }
        }
        for (index, note) in notes.enumerated() {
            rows[rowIndex[labels[index]]!].blocks.append(.init(start: note.onset, end: note.offset, mark: marks[index]))
        }
        var drawing = GridPicture(rows: rows, duration: duration, barLines: file.barLines,
                                  title: URL(fileURLWithPath: midi).lastPathComponent)
        picture.apply(to: &drawing)
        try writeOutputs([PendingOutput(path: output) { [drawing] temporary in try GridRenderer.render(drawing, to: temporary, format: format) }])
        print("\(rows.count) rows → \(output)")
    }

    /// A row's family (rows of one family share a hue): its kit piece on the drum channel; a SoundSort tonal track
    /// (`S04 tonal A3`, all on program 0) a family of its own; else its program.
    static func family(of notes: [Note], trackName: String) -> String {
        guard let first = notes.first else { return "" }
        if first.isDrum { return (DrumClass(generalMIDINote: commonPitch(notes) ?? first.pitch) ?? .other).rawValue }
        if trackName.split(separator: " ").dropFirst().first == "tonal" { return trackName }
        return "program \(first.program)"
    }

    /// The pitch most of the notes have (the lowest of equals).
    static func commonPitch(_ notes: [Note]) -> Int? {
        Dictionary(grouping: notes, by: \.pitch).max { ($0.value.count, -$0.key) < ($1.value.count, -$1.key) }?.key
    }
}
