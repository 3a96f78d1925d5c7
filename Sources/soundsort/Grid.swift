import ArgumentParser
import Eval
import Foundation
import MIDIIO
import Render
import SoundSortCore

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

    @Option(help: "Mark each note as matched or false alarm against this reference, and outline missed reference notes.")
    var reference: String?

    @Option(help: "Label of a reference note, with --reference (same choices).")
    var refLabel: LabelMode = .programPitch

    @Option(help: "Largest onset difference that counts as a match, in seconds (0.001…1), with --reference.")
    var window: Double = 0.05

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
            return GridPicture.Row(label: name.isEmpty ? rowLabel.description : name, blocks: [])
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
            // A missed reference note goes on the row most of its sound went to.
            let target = Dictionary(uniqueKeysWithValues: scores.referenceBreakdown.compactMap { sound in
                sound.foundIn.first.map { (sound.label, $0.label) }
            })
            let matchedReferences = Set(scores.pairs.map(\.reference))
            for (index, note) in referenceFile.notes.notes.enumerated() where !matchedReferences.contains(index) {
                guard let rowLabel = target[refLabel.label(of: note)], let row = rowIndex[rowLabel] else { continue }
                rows[row].blocks.append(.init(start: note.onset, end: note.offset, mark: .missed))
            }
        }
        for (index, note) in notes.enumerated() {
            rows[rowIndex[labels[index]]!].blocks.append(.init(start: note.onset, end: note.offset, mark: marks[index]))
        }
        let tempo = file.tempoChanges.count == 1 ? file.tempoChanges[0].beatsPerMinute : nil
        let picture = GridPicture(rows: rows, duration: duration, tempo: tempo, title: URL(fileURLWithPath: midi).lastPathComponent)
        try writeOutputs([PendingOutput(path: output) { temporary in try GridRenderer.render(picture, to: temporary, format: format) }])
        print("\(rows.count) rows → \(output)")
    }
}
