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
        let referenceFile = try reference.map { try MIDIFile(path: $0) }
        var drawing = GridPicture(notes: file.notes, label: label, duration: max(file.duration, referenceFile?.duration ?? 0),
                                  barLines: file.barLines, title: URL(fileURLWithPath: midi).lastPathComponent,
                                  reference: referenceFile.map { ($0.notes, ScoreOptions(window: window, referenceLabel: refLabel, estimateLabel: label)) })
        picture.apply(to: &drawing)
        try writeOutputs([PendingOutput(path: output) { [drawing] temporary in try GridRenderer.render(drawing, to: temporary, format: format) }])
        print("\(drawing.rows.count) rows → \(output)")
    }
}
