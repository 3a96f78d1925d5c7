import Foundation

/// The bench table, in Markdown so that it can be pasted into the README as it is.
enum BenchTable {
    static func text(_ report: BenchReport) -> String {
        // `bench --resynthesis` adds a column.
        let errors = report.cases.compactMap(\.resynthesisDecibels)
        let rebuilt = !errors.isEmpty
        var out = "| case | notes ref/found | note F | event F | ARI | V | mapped F | sounds found/ref | order contiguity | × real time |"
            + (rebuilt ? " re-synthesis error (dB) |\n" : "\n")
        out += "|---|---|---|---|---|---|---|---|---|---|" + (rebuilt ? "---|\n" : "\n")
        for r in report.cases {
            let f = r.figures
            out += "| \(f.name) | \(r.referenceNotes)/\(r.events) | \(f3(f.noteOnsetF)) | \(f3(f.eventOnsetF)) | \(f3(f.adjustedRandIndex)) "
                + "| \(f3(f.vMeasure)) | \(f3(f.mappedF)) | \(f.soundsFound)/\(f.referenceSounds) | \(f3(f.orderContiguity)) "
                + "| \(r.seconds > 0 ? formatFixed(r.realTimeFactor, 0) : "–") |"
                + (rebuilt ? " \(r.resynthesisDecibels.map { formatFixed($0, 2) } ?? "–") |\n" : "\n")
        }
        let m = report.means
        let overall = report.totalTranscriptionSeconds > 0 ? report.totalAudioSeconds / report.totalTranscriptionSeconds : 0
        out += "| **mean** | | **\(f3(m.noteOnsetF))** | **\(f3(m.eventOnsetF))** | **\(f3(m.adjustedRandIndex))** | **\(f3(m.vMeasure))** "
            + "| **\(f3(m.mappedF))** | | **\(f3(m.orderContiguity))** | **\(overall > 0 ? formatFixed(overall, 0) : "–")** |"
            + (rebuilt ? " **\(formatFixed(errors.reduce(0, +) / Double(errors.count), 2))** |\n" : "\n")
        for r in report.cases where !r.sections.isEmpty { out += "\n" + sections(of: r) }
        return out
    }

    /// A case's sections, each scored apart in the whole case's transcription, beside the section transcribed alone;
    /// then one line setting the whole case's mapped F against its sections' mean.
    static func sections(of result: CaseResult) -> String {
        var out = "| \(result.figures.name) section | from case | seconds | notes ref/found | note F | ARI | mapped F "
            + "| sounds found/ref | mapped F alone |\n|---|---|---|---|---|---|---|---|---|\n"
        for part in result.sections {
            let f = part.figures
            out += "| \(f.name) | \(part.sourceCase ?? "–") | \(formatFixed(part.section.start, 1))–\(formatFixed(part.section.end, 1)) "
                + "| \(part.referenceNotes)/\(part.events) | \(f3(f.noteOnsetF)) | \(f3(f.adjustedRandIndex)) | \(f3(f.mappedF)) "
                + "| \(f.soundsFound)/\(f.referenceSounds) | \(f3(part.aloneMappedF)) |\n"
        }
        let count = Double(result.sections.count)
        func mean(_ value: (CaseFigures) -> Double) -> String { f3(result.sections.reduce(0) { $0 + value($1.figures) } / count) }
        let alone = result.aloneMappedF
        out += "| **mean** | | | | **\(mean(\.noteOnsetF))** | **\(mean(\.adjustedRandIndex))** | **\(mean(\.mappedF))** | "
            + "| **\(f3(alone?.mean))** |\n"
        out += "\n\(result.figures.name): mapped F whole \(f3(result.figures.mappedF)) vs sections \(f3(result.figures.sectionsMappedF))"
            + " (\(f3(result.notesWeightedSectionsMappedF)) weighted by their notes, as the whole is)"
        if let alone {
            let some = alone.count < result.sections.count ? " over \(alone.count) of \(result.sections.count) sections" : ""
            out += "; each section transcribed alone: \(f3(alone.mean)) (\(f3(result.notesWeightedAloneMappedF)) weighted)\(some)"
        }
        return out + "\n"
    }

    /// Three decimals; "–" for a figure the case does not have.
    private static func f3(_ value: Double?) -> String { value.map { formatFixed($0, 3) } ?? "–" }
}

extension BenchTable {
    /// The table of `--delays`: each case's mapped F at every delay, its mean and range, and the means.
    static func delays(_ runs: [DelayedRun]) -> String {
        let spreads = DelaySpread.of(runs)
        var out = "\n| case | " + runs.map { "mapped F at \(formatFixed($0.delay, 2)) ms" }.joined(separator: " | ") + " | mean | range |\n"
        out += "|---|" + runs.map { _ in "---|" }.joined() + "---|---|\n"
        for spread in spreads {
            out += "| \(spread.name) | " + spread.mappedF.map { f3($0) }.joined(separator: " | ") + " | \(f3(spread.mean)) | \(f3(spread.range)) |\n"
        }
        let meanRange = spreads.reduce(0) { $0 + $1.range } / Double(max(spreads.count, 1))
        out += "| **mean** | " + runs.map { "**\(f3($0.means.mappedF))**" }.joined(separator: " | ")
            + " | **\(f3(spreads.reduce(0) { $0 + $1.mean } / Double(max(spreads.count, 1))))** | **\(f3(meanRange))** |\n"
        let n = Double(runs.count)
        out += "over the \(runs.count) alignments: note F \(f3(runs.reduce(0) { $0 + $1.means.noteOnsetF } / n)), "
            + "ARI \(f3(runs.reduce(0) { $0 + $1.means.adjustedRandIndex } / n)), "
            + "mapped F \(f3(runs.reduce(0) { $0 + $1.means.mappedF } / n)); a case's mapped F moves by \(f3(meanRange)) on average\n"
        return out
    }
}
