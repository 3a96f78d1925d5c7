import ArgumentParser
import Dispatch
import Eval
import Foundation
import MIDIIO
import SoundSortCore
import Transcribe

/// `corpus/manifest.json`: the cases, paths relative to the manifest's folder.
struct CorpusManifest: Codable {
    struct Case: Codable {
        var name: String
        var audio: String
        var reference: String
        var referenceLabel: LabelMode?
        var soundfont: String?
        var tests: String?
    }
    var cases: [Case]
}

/// One case's figures.
struct CaseResult: Codable {
    var name: String
    var duration: Double
    var seconds: Double
    var realTimeFactor: Double { seconds > 0 ? duration / seconds : 0 }
    var noteOnsetF: Double
    var eventOnsetF: Double
    var adjustedRandIndex: Double
    var vMeasure: Double
    var mappedF: Double
    var soundsFound: Int
    var referenceSounds: Int
    var events: Int
    var referenceNotes: Int
}

/// The figures the baseline guards, averaged over the cases.
struct BenchMeans: Codable, Equatable {
    var noteOnsetF: Double
    var eventOnsetF: Double
    var adjustedRandIndex: Double
    var vMeasure: Double
    var mappedF: Double

    init(_ results: [CaseResult]) {
        let n = Double(max(results.count, 1))
        noteOnsetF = results.reduce(0) { $0 + $1.noteOnsetF } / n
        eventOnsetF = results.reduce(0) { $0 + $1.eventOnsetF } / n
        adjustedRandIndex = results.reduce(0) { $0 + $1.adjustedRandIndex } / n
        vMeasure = results.reduce(0) { $0 + $1.vMeasure } / n
        mappedF = results.reduce(0) { $0 + $1.mappedF } / n
    }

    var named: [(String, Double)] {
        [("noteOnsetF", noteOnsetF), ("eventOnsetF", eventOnsetF), ("adjustedRandIndex", adjustedRandIndex),
         ("vMeasure", vMeasure), ("mappedF", mappedF)]
    }
}

/// `corpus/baseline.json`: the means a change must not fall below by more than `tolerance`.
struct Baseline: Codable {
    var means: BenchMeans
    var tolerance: Double
}

struct BenchReport: Codable {
    var cases: [CaseResult]
    var means: BenchMeans
    var totalAudioSeconds: Double
    var totalTranscriptionSeconds: Double
}

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Transcribes every corpus case, scores it against its reference, and checks the means against the baseline."
    )

    @Argument(help: "The corpus folder (holding manifest.json).")
    var corpus: String = "corpus"

    @OptionGroup var analysis: AnalysisOptions

    @Option(help: "Largest onset difference that counts as a match, in seconds (0.001…1).")
    var window: Double = 0.05

    @Option(help: "Also write every figure as JSON to this file.")
    var json: String?

    @Option(help: "The baseline to compare with (default: CORPUS/baseline.json).")
    var baseline: String?

    @Flag(help: "Write the current means as the new baseline instead of comparing.")
    var updateBaseline = false

    @Option(help: "Largest fall of a mean below the baseline that still passes, when writing a new baseline (0…1).")
    var tolerance: Double = 0.02

    func validate() throws {
        try validateRange("--window", window, 0.001...1, unit: " seconds")
        try validateRange("--tolerance", tolerance, 0...1)
    }

    func run() throws {
        let folder = URL(fileURLWithPath: corpus)
        let manifestPath = folder.appendingPathComponent("manifest.json").path
        guard let data = FileManager.default.contents(atPath: manifestPath) else {
            throw CommandFailure(path: manifestPath, reason: "cannot read the corpus manifest")
        }
        let manifest: CorpusManifest
        do { manifest = try JSONDecoder().decode(CorpusManifest.self, from: data) } catch {
            throw CommandFailure(path: manifestPath, reason: "not a valid manifest: \(error)")
        }
        guard !manifest.cases.isEmpty else { throw CommandFailure(path: manifestPath, reason: "the manifest lists no cases") }
        let transcriber = try Transcriber(settings: analysis.settings)
        let results = try runCases(manifest.cases, in: folder, transcriber: transcriber)
        let report = BenchReport(cases: results, means: BenchMeans(results), totalAudioSeconds: results.reduce(0) { $0 + $1.duration },
                                 totalTranscriptionSeconds: results.reduce(0) { $0 + $1.seconds })
        print(BenchTable.text(report), terminator: "")
        if let json { try writeJSON(report, to: json) }

        let baselinePath = baseline ?? folder.appendingPathComponent("baseline.json").path
        if updateBaseline {
            try writeJSON(Baseline(means: report.means, tolerance: tolerance), to: baselinePath)
            print("baseline written to \(baselinePath)")
            return
        }
        guard let baselineData = FileManager.default.contents(atPath: baselinePath) else {
            print("no baseline at \(baselinePath); run with --update-baseline to create one")
            return
        }
        let reference: Baseline
        do { reference = try JSONDecoder().decode(Baseline.self, from: baselineData) } catch {
            throw CommandFailure(path: baselinePath, reason: "not a valid baseline: \(error)")
        }
        let falls = zip(report.means.named, reference.means.named).filter { $0.1 - $1.1 < -reference.tolerance - 1e-12 }
        if falls.isEmpty {
            print("baseline: every mean within \(reference.tolerance) of \(baselinePath)")
        } else {
            for (now, before) in falls {
                print(String(format: "baseline: %@ fell from %.3f to %.3f (tolerance %.3f)", now.0, before.1, now.1, reference.tolerance))
            }
            throw ExitCode(3)
        }
    }

    /// Transcribes and scores the cases, two at a time (one per core).
    private func runCases(_ cases: [CorpusManifest.Case], in folder: URL, transcriber: Transcriber) throws -> [CaseResult] {
        let collected = Collected(count: cases.count)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("soundsort-bench-\(getpid())")
        try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        DispatchQueue.concurrentPerform(iterations: cases.count) { index in
            do {
                collected.store(try runCase(cases[index], in: folder, transcriber: transcriber, scratch: scratch), at: index)
            } catch {
                collected.fail(error)
            }
        }
        return try collected.results()
    }

    /// Results written by concurrent workers, under a lock.
    private final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [CaseResult?]
        private var failure: Error?

        init(count: Int) { slots = [CaseResult?](repeating: nil, count: count) }
        func store(_ result: CaseResult, at index: Int) { lock.withLock { slots[index] = result } }
        func fail(_ error: Error) { lock.withLock { failure = failure ?? error } }
        func results() throws -> [CaseResult] {
            try lock.withLock {
                if let failure { throw failure }
                return slots.map { $0! }
            }
        }
    }

    private func runCase(_ item: CorpusManifest.Case, in folder: URL, transcriber: Transcriber, scratch: URL) throws -> CaseResult {
        let audioPath = resolve(item.audio, in: folder), referencePath = resolve(item.reference, in: folder)
        let clock = ContinuousClock()
        var transcription: Transcription!
        let elapsed = try clock.measure { transcription = try transcriber.transcribe(path: audioPath) }
        // Scored through a real MIDI file, exactly as a user would score the output.
        let midiPath = scratch.appendingPathComponent("\(item.name).mid").path
        try MIDISong(transcription: transcription).write(to: midiPath)
        let estimate = try MIDIFile(path: midiPath).notes
        let reference = try MIDIFile(path: referencePath).notes
        let scores = Eval.score(estimate: estimate, reference: reference,
                                options: ScoreOptions(window: window, referenceLabel: item.referenceLabel ?? .programPitch, estimateLabel: .track))
        return CaseResult(name: item.name, duration: transcription.duration,
                          seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
                          noteOnsetF: scores.noteOnset.fMeasure, eventOnsetF: scores.eventOnset.fMeasure,
                          adjustedRandIndex: scores.clustering.adjustedRandIndex, vMeasure: scores.clustering.vMeasure,
                          mappedF: scores.mapped.fMeasure, soundsFound: scores.estimatedSounds, referenceSounds: scores.referenceSounds,
                          events: transcription.events.count, referenceNotes: reference.notes.count)
    }
}

/// A manifest path: absolute as written, else relative to the manifest's folder.
private func resolve(_ path: String, in folder: URL) -> String {
    path.hasPrefix("/") ? path : folder.appendingPathComponent(path).path
}

enum BenchTable {
    static func text(_ report: BenchReport) -> String {
        var out = "| case | notes ref/found | note F | event F | ARI | V | mapped F | sounds found/ref | × real time |\n"
        out += "|---|---|---|---|---|---|---|---|---|\n"
        for r in report.cases {
            out += "| \(r.name) | \(r.referenceNotes)/\(r.events) | \(f3(r.noteOnsetF)) | \(f3(r.eventOnsetF)) | \(f3(r.adjustedRandIndex)) | \(f3(r.vMeasure)) | \(f3(r.mappedF)) | \(r.soundsFound)/\(r.referenceSounds) | \(String(format: "%.0f", r.realTimeFactor)) |\n"
        }
        let m = report.means
        let overall = report.totalTranscriptionSeconds > 0 ? report.totalAudioSeconds / report.totalTranscriptionSeconds : 0
        out += "| **mean** | | **\(f3(m.noteOnsetF))** | **\(f3(m.eventOnsetF))** | **\(f3(m.adjustedRandIndex))** | **\(f3(m.vMeasure))** | **\(f3(m.mappedF))** | | **\(String(format: "%.0f", overall))** |\n"
        return out
    }

    private static func f3(_ value: Double) -> String { String(format: "%.3f", value) }
}
