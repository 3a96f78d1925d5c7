import ArgumentParser
import Eval
import Foundation
import MIDIIO
import SoundSortCore

extension LabelMode: ExpressibleByArgument {}

/// Options shared by every command that scores (score, bench).
struct ScoringOptions: ParsableArguments {
    @Option(help: "Largest onset difference that counts as a match, in seconds (0.001…1).")
    var window: Double = 0.05

    @Option(help: "Label of a reference note: \(LabelMode.allCases.map(\.rawValue).joined(separator: ", ")).")
    var refLabel: LabelMode = .programPitch

    @Option(help: "Label of an estimated note (same choices).")
    var estLabel: LabelMode = .track

    func validate() throws { try validateRange("--window", window, 0.001...1, unit: " seconds") }

    var scoreOptions: ScoreOptions { ScoreOptions(window: window, referenceLabel: refLabel, estimateLabel: estLabel) }
}

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Scores a MIDI transcription against a reference MIDI file: onsets, clustering, sound counts, order."
    )

    @Argument(help: "The estimated MIDI file (e.g. what `soundsort transcribe` wrote).")
    var estimate: String

    @Option(name: .long, help: "The reference MIDI file (the ground truth).")
    var reference: String

    @OptionGroup var scoring: ScoringOptions

    @Option(help: "Also write every figure as JSON to this file.")
    var json: String?

    func run() throws {
        let estimated = try MIDIFile(path: estimate)
        let referenceFile = try MIDIFile(path: reference)
        if let json { try refuseOverwritingInputs(json, inputs: [estimate, reference]) }
        let scores = Eval.score(estimate: estimated.notes, reference: referenceFile.notes, options: scoring.scoreOptions)
        print(ScoreReport(scores: scores, estimatePath: estimate, referencePath: reference).text, terminator: "")
        if let json { try writeJSON(scores, to: json) }
    }
}

/// The human-readable score table.
struct ScoreReport {
    var scores: Scores
    var estimatePath: String
    var referencePath: String

    var text: String {
        let s = scores
        var out = "reference  \(referencePath): \(s.referenceNotes) notes, \(s.referenceSounds) sounds (\(s.options.referenceLabel.rawValue))\n"
        out += "estimate   \(estimatePath): \(s.estimatedNotes) notes, \(s.estimatedSounds) sounds (\(s.options.estimateLabel.rawValue))\n"
        out += "window     \(formatFixed(s.options.window * 1000, 1)) ms; \(s.matchedNotes) notes matched\n\n"
        out += "                     precision  recall      F\n"
        for (name, figures) in [("note onsets", s.noteOnset), ("event onsets", s.eventOnset), ("mapped labels", s.mapped)] {
            out += name.padding(toLength: 21, withPad: " ", startingAt: 0)
                + "\(formatFixed(figures.precision, 3).leftPad(9))\(formatFixed(figures.recall, 3).leftPad(8))\(formatFixed(figures.fMeasure, 3).leftPad(7))\n"
        }
        let c = s.clustering
        out += "\nclustering (matched notes)\n"
        for (name, value) in [("adjusted Rand index", c.adjustedRandIndex), ("normalised mutual info", c.normalizedMutualInformation),
                              ("homogeneity", c.homogeneity), ("completeness", c.completeness), ("V-measure", c.vMeasure),
                              ("Fowlkes-Mallows", c.fowlkesMallows)] {
            out += "  " + name.padding(toLength: 24, withPad: " ", startingAt: 0) + formatFixed(value, 3) + "\n"
        }
        out += "\nsounds     \(s.estimatedSounds) found, \(s.referenceSounds) in the reference (\(formatFixed(s.soundRatio, 2))×)\n"
        out += "order      contiguity \(s.orderContiguity.map { formatFixed($0, 2) } ?? "n/a (no instrument owns two tracks)")\n"
        out += "\nper reference sound       notes  found  went to\n"
        for sound in s.referenceBreakdown {
            let targets = sound.foundIn.map { "\($0.label) (\($0.count))" }.joined(separator: ", ")
            let flag = sound.foundIn.count > 1 ? "  ← split" : (sound.found < sound.notes ? "  ← missed \(sound.notes - sound.found)" : "")
            out += "  " + sound.label.description.padding(toLength: 24, withPad: " ", startingAt: 0)
                + "\(sound.notes)".leftPad(5) + "\(sound.found)".leftPad(7) + "  " + (targets.isEmpty ? "-" : targets) + flag + "\n"
        }
        // An estimated sound that holds most of two or more reference sounds merged them.
        let byMainTarget = Dictionary(grouping: s.referenceBreakdown.filter { !$0.foundIn.isEmpty }) { $0.foundIn[0].label }
        for (target, sounds) in byMainTarget.filter({ $0.value.count > 1 }).sorted(by: { $0.key < $1.key }) {
            out += "  merged: \(target) holds \(sounds.map(\.label.description).joined(separator: " and "))\n"
        }
        if !s.unmatchedEstimatedSounds.isEmpty {
            out += "estimated sounds matching nothing: "
                + s.unmatchedEstimatedSounds.map { "\($0.label) (\($0.notes) notes)" }.joined(separator: ", ") + "\n"
        }
        return out
    }
}

/// Refuses an option value outside `range`, naming the option and the range (argument-parser exits with status 2).
func validateRange(_ flag: String, _ value: Double, _ range: ClosedRange<Double>, unit: String = "") throws {
    guard value.isFinite, range.contains(value) else {
        throw ValidationError("\(flag) must be between \(range.lowerBound) and \(range.upperBound)\(unit), not \(value)")
    }
}

func formatFixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

extension String {
    func leftPad(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
