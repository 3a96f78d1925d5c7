import ArgumentParser
import Dispatch
import Eval
import Foundation
import MIDIIO
import SoundSortCore
import Transcribe

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Transcribes every case of a folder, scores it against its reference, and shows what changed against the baseline.",
        discussion: """
        A case is an audio file (.wav .flac .aiff .aif .ogg .mp3 .opus) and the MIDI file of the same name (.mid, else \
        .midi) in FOLDER, run in name order; audio without a MIDI file is named in a warning and skipped. When \
        FOLDER/manifest.json exists, its cases are run instead (with each case's reference label mode).

        After the table, every figure of a case that moved by more than 0.0005 since the baseline is listed, with the \
        cases new or missing since then. The run exits with status 3 when one of the five means (note F, event F, ARI, \
        V, mapped F) falls below the baseline's by more than its tolerance; order contiguity and the sound counts are \
        shown and compared per case but never fail the run.

        --compare A.json B.json lists the same changes, and the change of every mean, between two saved --json \
        reports (or baselines), without transcribing anything.

        --estimates DIR scores transcriptions made already (a batch's output folder: DIR/NAME.mid for each case's \
        audio NAME.*) instead of transcribing; the times come from DIR/summary*.jsonl when it has them.
        """
    )

    @Argument(help: ArgumentHelp("A folder of audio + MIDI pairs, or holding manifest.json (default: corpus).", valueName: "folder"))
    var corpus: String?

    @OptionGroup var analysis: AnalysisOptions

    @Option(help: "Largest onset difference that counts as a match, in seconds (0.001…1).")
    var window: Double = 0.05

    @Option(help: "Also write every figure, per case and mean, as JSON to this file (for a later --compare).")
    var json: String?

    @Option(help: "The baseline to compare with (default: FOLDER/baseline.json).")
    var baseline: String?

    @Flag(help: "Write the current means and per-case figures as the new baseline instead of checking them.")
    var updateBaseline = false

    @Option(help: "Largest fall of a gated mean below the baseline that still passes, when writing a new baseline (0…1).")
    var tolerance: Double = 0.02

    @Option(help: ArgumentHelp("Score the MIDI files of this folder (NAME.mid for each case's audio NAME.*, as a batch writes them) instead of transcribing.",
                               valueName: "dir"))
    var estimates: String?

    @Flag(help: "Also rebuild each case from its MIDI file and a kit of its sounds (as transcribe --kit does) and show the re-synthesis error in dB as a column; slower (each case's audio is read again).")
    var resynthesis = false

    @Option(parsing: .upToNextOption,
            help: ArgumentHelp("Also run every case with its audio delayed by each of these many milliseconds of silence (0.01…100; e.g. 2.5 5 7.5, fractions of the 10 ms hop) and show each case's mapped F at every alignment, its mean and range: how much of a figure is the frame grid's luck.",
                               valueName: "ms"))
    var delays: [Double] = []

    @Option(parsing: .upToNextOption,
            help: ArgumentHelp("Two saved --json reports (or baselines), earlier then later, to compare instead of running a folder.",
                               valueName: "report.json"))
    var compare: [String] = []

    func validate() throws {
        try validateRange("--window", window, 0.001...1, unit: " seconds")
        try validateRange("--tolerance", tolerance, 0...1)
        for delay in delays { try validateRange("--delays", delay, Self.delayRange, unit: " ms") }
        guard !compare.isEmpty else { return }
        guard compare.count == 2 else {
            throw ValidationError("--compare takes two files, the earlier and the later report, not \(compare.count)")
        }
        if let corpus { throw ValidationError("--compare reads two saved reports; it takes no folder (got \(corpus))") }
        if updateBaseline { throw ValidationError("--compare cannot be combined with --update-baseline") }
        if json != nil { throw ValidationError("--compare cannot be combined with --json") }
        if baseline != nil { throw ValidationError("--compare cannot be combined with --baseline") }
        if estimates != nil { throw ValidationError("--compare cannot be combined with --estimates") }
        if resynthesis { throw ValidationError("--compare cannot be combined with --resynthesis") }
        if !delays.isEmpty { throw ValidationError("--compare cannot be combined with --delays") }
    }

    func run() throws {
        if compare.count == 2 { return try runComparison(from: compare[0], to: compare[1]) }
        let folder = corpus ?? "corpus"
        let found = try BenchCases.load(folder: folder)
        for warning in found.warnings { FileHandle.standardError.write(Data("soundsort: \(folder): warning: \(warning)\n".utf8)) }
        let baselinePath = baseline ?? URL(fileURLWithPath: folder).appendingPathComponent("baseline.json").path
        // Refused before the long part, not after it.
        let inputs = found.cases.flatMap { [$0.audioPath, $0.referencePath] }
        if let json { try refuseOverwritingInputs(json, inputs: inputs + [baselinePath]) }
        if updateBaseline { try refuseOverwritingInputs(baselinePath, inputs: inputs) }

        var results: [CaseResult]
        if let estimates {
            if resynthesis { throw ValidationError("--resynthesis rebuilds what it transcribes; it cannot be combined with --estimates") }
            if !delays.isEmpty { throw ValidationError("--delays transcribes the cases again; it cannot be combined with --estimates") }
            results = try scoreEstimates(found.cases, in: estimates)
        } else {
            results = try runCases(found.cases, transcriber: try Transcriber(settings: analysis.settings))
        }
        for warning in Self.attachAloneScores(to: &results) {
            FileHandle.standardError.write(Data("soundsort: \(folder): warning: \(warning)\n".utf8))
        }
        var report = BenchReport(cases: results, means: BenchMeans(results.map(\.figures)),
                                 totalAudioSeconds: results.reduce(0) { $0 + $1.duration },
                                 totalTranscriptionSeconds: results.reduce(0) { $0 + $1.seconds })
        print(BenchTable.text(report), terminator: "")
        if !delays.isEmpty {
            let main = DelayedRun(delay: 0, cases: results.map(\.figures), means: report.means)
            let runs = [main] + (try runDelayed(found.cases, delays: delays, transcriber: try Transcriber(settings: analysis.settings)))
            print(BenchTable.delays(runs), terminator: "")
            report.delayed = runs
        }
        if let json { try writeJSON(report, to: json) }
        if updateBaseline {
            try writeBaseline(report, to: baselinePath)
        } else {
            try check(report, against: baselinePath)
        }
    }

    /// Writes the means and per-case figures as the baseline, after listing what that changes.
    private func writeBaseline(_ report: BenchReport, to path: String) throws {
        let figures = report.cases.map(\.figures)
        // An old baseline that cannot be read is said so, and replaced all the same: that is what was asked.
        if let data = FileManager.default.contents(atPath: path) {
            do {
                let old = try JSONDecoder().decode(Baseline.self, from: data)
                print(BenchChanges.report(before: old.cases, after: figures, from: path, to: "this run"), terminator: "")
            } catch {
                print("changes from \(path) to this run: not a valid baseline (\(briefDescription(of: error))); replacing it")
            }
        }
        try writeJSON(Baseline(means: report.means, tolerance: tolerance, cases: figures), to: path)
        print("baseline written to \(path)")
    }

    /// Lists what changed case by case since the baseline, then fails (status 3) when a gated mean fell by more than
    /// the baseline's tolerance. No baseline is no check, said so.
    private func check(_ report: BenchReport, against path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            print("no baseline at \(path); run with --update-baseline to create one")
            return
        }
        let reference: Baseline
        do { reference = try JSONDecoder().decode(Baseline.self, from: data) } catch {
            throw CommandFailure(path: path, reason: "not a valid baseline: \(briefDescription(of: error))")
        }
        print(BenchChanges.report(before: reference.cases, after: report.cases.map(\.figures), from: path, to: "this run"), terminator: "")
        let falls = zip(report.means.named, reference.means.named).filter { $0.1 - $1.1 < -reference.tolerance - 1e-12 }
        if falls.isEmpty {
            print("baseline: every mean within \(reference.tolerance) of \(path)")
        } else {
            for (now, before) in falls {
                print(String(format: "baseline: %@ fell from %.3f to %.3f (tolerance %.3f)", now.0, before.1, now.1, reference.tolerance))
            }
            throw ExitCode(3)
        }
    }

    /// Gives each section that is a whole case's audio the mapped F of that case in this run, where it ran.
    /// - Returns: one warning per section whose length is not its case's audio length (within 1 ms): it has no
    ///   figure alone, since it cannot be that case's audio.
    static func attachAloneScores(to results: inout [CaseResult]) -> [String] {
        let byName = Dictionary(results.map { ($0.figures.name, $0) }, uniquingKeysWith: { first, _ in first })
        let lengthTolerance = 0.001  // seconds
        var warnings: [String] = []
        for index in results.indices {
            for part in results[index].sections.indices {
                let section = results[index].sections[part]
                guard let name = section.aloneCase, let alone = byName[name] else { continue }
                let length = section.section.end - section.section.start
                guard abs(length - alone.duration) <= lengthTolerance else {
                    warnings.append("section \"\(section.section.name)\" of \(results[index].figures.name) lasts "
                                    + "\(formatFixed(length, 3)) s, case \(name) \(formatFixed(alone.duration, 3)) s; no figure alone")
                    continue
                }
                results[index].sections[part].aloneMappedF = alone.figures.mappedF
            }
        }
        return warnings
    }

    /// `--compare`: the changes case by case and of every mean between two saved runs; nothing is transcribed.
    private func runComparison(from earlierPath: String, to laterPath: String) throws {
        let earlier = try SavedBench(path: earlierPath), later = try SavedBench(path: laterPath)
        print(BenchChanges.report(before: earlier.cases, after: later.cases, from: earlierPath, to: laterPath), terminator: "")
        print(BenchChanges.meansReport(before: earlier.means, after: later.means), terminator: "")
    }

    /// Transcribes and scores the cases, as many at a time as there are cores (`concurrentPerform`), largest audio file
    /// first so that a long song does not run alone at the end; results in the order of `cases`.
    private func runCases(_ cases: [BenchCase], transcriber: Transcriber) throws -> [CaseResult] {
        let collected = ConcurrentResults<CaseResult>(count: cases.count)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("soundsort-bench-\(getpid())")
        try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let order = Self.largestFirst(cases.indices.map { cases[$0].audioPath })
        DispatchQueue.concurrentPerform(iterations: cases.count) { turn in
            let index = order[turn]
            do {
                // Named by index: a case name comes from a file or a manifest and need not be a safe file name.
                let midiPath = scratch.appendingPathComponent("case-\(index).mid").path
                collected.store(try runCase(cases[index], transcriber: transcriber, scratchMIDI: midiPath), at: index)
            } catch {
                collected.fail(error)
            }
        }
        return try collected.results()
    }

    private func runCase(_ item: BenchCase, transcriber: Transcriber, scratchMIDI midiPath: String) throws -> CaseResult {
        let clock = ContinuousClock()
        let start = clock.now
        let transcription = try transcriber.transcribe(path: item.audioPath)
        let elapsed = clock.now - start
        // Scored through a real MIDI file, exactly as a user would score the output.
        try MIDISong(transcription: transcription).write(to: midiPath)
        var result = try score(item, estimate: try MIDIFile(path: midiPath).notes, duration: transcription.duration,
                               seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        if resynthesis {
            var midi = MIDISong(transcription: transcription)
            KitResult.assignPrograms(&midi)
            result.resynthesisDecibels = try KitResult(song: item.audioPath, transcription: transcription, midi: midi,
                                                       decibelsPerVelocity: transcriber.settings.velocityRange / 127).error.decibels
        }
        return result
    }

    /// `--estimates DIR`: each case scored against `DIR/NAME.mid` (NAME: the case's audio file name without
    /// extension, as a batch names its outputs; else the case's name). A case without an estimate is named in one
    /// warning and left out (a song that failed in the batch). The audio's length and the time each song took come
    /// from the batch's summaries when they list the case's audio, else the length from the audio file's header and
    /// no time ("–" in the table).
    private func scoreEstimates(_ cases: [BenchCase], in folder: String) throws -> [CaseResult] {
        let summaries = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasPrefix("summary") && $0.hasSuffix(".jsonl") }.sorted()
            .reduce(into: [String: SummaryRecord]()) { records, name in
                records.merge(SummaryLog.read((folder as NSString).appendingPathComponent(name))) { $1 }
            }
        var results: [CaseResult] = []
        var missing: [String] = []
        for item in cases {
            let audioName = ((item.audioPath as NSString).lastPathComponent as NSString).deletingPathExtension
            let candidates = [audioName, item.name].map { (folder as NSString).appendingPathComponent($0 + ".mid") }
            guard let estimatePath = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                missing.append(item.name)
                continue
            }
            let record = summaries[resolvedPath(item.audioPath)]
            let duration = try record?.audioSeconds ?? AudioFile(path: item.audioPath).declaredDuration
            results.append(try score(item, estimate: try MIDIFile(path: estimatePath).notes, duration: duration, seconds: record?.seconds ?? 0))
        }
        if !missing.isEmpty {
            FileHandle.standardError.write(Data("soundsort: \(folder): warning: no estimate for \(missing.joined(separator: ", ")); left out\n".utf8))
        }
        guard !results.isEmpty else {
            throw CommandFailure(path: folder, reason: "no estimate for any case (NAME.mid for each case's audio NAME.*)")
        }
        return results
    }

    /// Scores one case's estimate against its reference.
    /// - Parameters:
    ///   - duration: the audio's length, in seconds.
    ///   - seconds: the time the transcription took, in seconds (0: unknown).
    func score(_ item: BenchCase, estimate: NoteList, duration: Double, seconds: Double) throws -> CaseResult {
        let reference = try MIDIFile(path: item.referencePath).notes
        let options = ScoreOptions(window: window, referenceLabel: item.referenceLabel, estimateLabel: .track)
        let sectionScores = scoreSections(estimate: estimate, reference: reference, sections: item.sections.map(\.section), options: options)
        let sections = zip(item.sections, sectionScores).map { part, scores in
            SectionResult(section: part.section, sourceCase: part.sourceCase, aloneCase: part.aloneCase,
                          figures: Self.figures(part.section.name, scores), events: scores.estimatedNotes,
                          referenceNotes: scores.referenceNotes)
        }
        var figures = Self.figures(item.name, Eval.score(estimate: estimate, reference: reference, options: options))
        if !sections.isEmpty {
            figures.sectionsMappedF = sections.reduce(0) { $0 + $1.figures.mappedF } / Double(sections.count)
        }
        return CaseResult(figures: figures, duration: duration, seconds: seconds, events: estimate.notes.count,
                          referenceNotes: reference.notes.count, sections: sections)
    }

    private static func figures(_ name: String, _ scores: Scores) -> CaseFigures {
        CaseFigures(name: name, noteOnsetF: scores.noteOnset.fMeasure, eventOnsetF: scores.eventOnset.fMeasure,
                    adjustedRandIndex: scores.clustering.adjustedRandIndex, vMeasure: scores.clustering.vMeasure,
                    mappedF: scores.mapped.fMeasure, soundsFound: scores.estimatedSounds,
                    referenceSounds: scores.referenceSounds, orderContiguity: scores.orderContiguity)
    }
}

extension Bench {
    /// Indices of `paths` by file size, largest first (a long song does not run alone at the end); unreadable ones
    /// count as empty.
    static func largestFirst(_ paths: [String]) -> [Int] {
        let bytes = paths.map { ((try? FileManager.default.attributesOfItem(atPath: $0))?[.size] as? Int) ?? 0 }
        return paths.indices.sorted { (bytes[$1], $0) < (bytes[$0], $1) }
    }
}

/// Results written by concurrent workers, under a lock.
final class ConcurrentResults<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]
    private var failure: Error?

    init(count: Int) { slots = [Value?](repeating: nil, count: count) }
    func store(_ value: Value, at index: Int) { lock.withLock { slots[index] = value } }
    func fail(_ error: Error) { lock.withLock { failure = failure ?? error } }
    /// Every slot is filled when no worker failed.
    func results() throws -> [Value] {
        try lock.withLock {
            if let failure { throw failure }
            return slots.compactMap { $0 }
        }
    }
}
