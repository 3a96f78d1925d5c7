import Eval
import Foundation

/// One figure of a case or of the means, named as in the bench table, for listing what changed.
struct BenchFigure {
    var name: String
    /// nil when the figure does not exist for this case (order contiguity where no instrument owns two tracks).
    var value: Double?
    /// Decimals shown: 3 for scores, 0 for counts.
    var digits: Int
}

/// The deterministic figures of one case: what a baseline keeps and what `--compare` reads back.
///
/// Timings are left out on purpose: they depend on the machine and would make every baseline differ.
struct CaseFigures: Codable, Equatable {
    var name: String
    var noteOnsetF: Double
    var eventOnsetF: Double
    var adjustedRandIndex: Double
    var vMeasure: Double
    var mappedF: Double
    var soundsFound: Int
    var referenceSounds: Int
    /// Absent where no instrument of the reference owns two tracks of the estimate.
    var orderContiguity: Double?
    /// The mean mapped F of the case's sections, each scored apart; absent for a case without sections.
    var sectionsMappedF: Double? = nil

    /// Every figure, in table order.
    var figures: [BenchFigure] {
        [BenchFigure(name: "note F", value: noteOnsetF, digits: 3),
         BenchFigure(name: "event F", value: eventOnsetF, digits: 3),
         BenchFigure(name: "ARI", value: adjustedRandIndex, digits: 3),
         BenchFigure(name: "V", value: vMeasure, digits: 3),
         BenchFigure(name: "mapped F", value: mappedF, digits: 3),
         BenchFigure(name: "sounds found", value: Double(soundsFound), digits: 0),
         BenchFigure(name: "sounds ref", value: Double(referenceSounds), digits: 0),
         BenchFigure(name: "order contiguity", value: orderContiguity, digits: 3),
         BenchFigure(name: "sections mapped F", value: sectionsMappedF, digits: 3)]
    }
}

/// One section of a case, scored apart: the estimate's and the reference's notes that start in it.
struct SectionResult: Encodable {
    var section: SongSection
    /// The corpus case the section's music came from.
    var sourceCase: String?
    /// The case whose whole audio the section is, sample for sample, if any.
    var aloneCase: String?
    /// The section's figures (named by the section), from its own notes and its own label map.
    var figures: CaseFigures
    var events: Int
    var referenceNotes: Int
    /// The mapped F of the section transcribed alone: the figure of the case whose whole audio it is, when that case
    /// ran too; nil otherwise.
    var aloneMappedF: Double?

    private enum CodingKeys: String, CodingKey { case start, end, sourceCase, events, referenceNotes, aloneMappedF }

    func encode(to encoder: Encoder) throws {
        try figures.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(section.start, forKey: .start)
        try container.encode(section.end, forKey: .end)
        try container.encodeIfPresent(sourceCase, forKey: .sourceCase)
        try container.encode(events, forKey: .events)
        try container.encode(referenceNotes, forKey: .referenceNotes)
        try container.encodeIfPresent(aloneMappedF, forKey: .aloneMappedF)
    }
}

/// One case's figures and timing, as the table and `--json` show them.
///
/// Encoded flat (the figures' keys beside the timing's), so that a report's cases decode as `CaseFigures`.
struct CaseResult: Encodable {
    var figures: CaseFigures
    /// Audio length, in seconds.
    var duration: Double
    /// Wall-clock transcription time, in seconds.
    var seconds: Double
    var events: Int
    var referenceNotes: Int
    /// The case's sections, each scored apart (empty for a case without sections).
    var sections: [SectionResult] = []
    /// The re-synthesis error in dB (`bench --resynthesis`), else nil.
    var resynthesisDecibels: Double? = nil
    var realTimeFactor: Double { seconds > 0 ? duration / seconds : 0 }

    /// The mean mapped F of the sections transcribed alone, and how many sections have that figure.
    var aloneMappedF: (mean: Double, count: Int)? {
        let alone = sections.compactMap(\.aloneMappedF)
        return alone.isEmpty ? nil : (alone.reduce(0, +) / Double(alone.count), alone.count)
    }

    /// The sections' mapped F, each scored apart, weighted by their reference notes as the whole case's score weighs
    /// them; nil for a case without sections.
    var notesWeightedSectionsMappedF: Double? {
        notesWeightedMean(sections.map(\.figures.mappedF), weights: sections.map(\.referenceNotes))
    }

    /// The same for the sections transcribed alone, over the sections that have that figure.
    var notesWeightedAloneMappedF: Double? {
        let alone = sections.filter { $0.aloneMappedF != nil }
        return notesWeightedMean(alone.map { $0.aloneMappedF! }, weights: alone.map(\.referenceNotes))
    }

    private enum CodingKeys: String, CodingKey {
        case duration, seconds, events, referenceNotes, sections, resynthesisDecibels
        case notesWeightedSectionsMappedF, notesWeightedAloneMappedF
    }

    func encode(to encoder: Encoder) throws {
        try figures.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(duration, forKey: .duration)
        try container.encode(seconds, forKey: .seconds)
        try container.encode(events, forKey: .events)
        try container.encode(referenceNotes, forKey: .referenceNotes)
        if !sections.isEmpty { try container.encode(sections, forKey: .sections) }
        try container.encodeIfPresent(notesWeightedSectionsMappedF, forKey: .notesWeightedSectionsMappedF)
        try container.encodeIfPresent(notesWeightedAloneMappedF, forKey: .notesWeightedAloneMappedF)
        try container.encodeIfPresent(resynthesisDecibels, forKey: .resynthesisDecibels)
    }
}

/// The figures averaged over the cases; the baseline guards the first five.
struct BenchMeans: Codable, Equatable {
    var noteOnsetF: Double
    var eventOnsetF: Double
    var adjustedRandIndex: Double
    var vMeasure: Double
    var mappedF: Double
    /// Mean over the cases that have one; nil when none has. Shown and compared, never gated.
    var orderContiguity: Double?

    init(_ cases: [CaseFigures]) {
        let n = Double(max(cases.count, 1))
        noteOnsetF = cases.reduce(0) { $0 + $1.noteOnsetF } / n
        eventOnsetF = cases.reduce(0) { $0 + $1.eventOnsetF } / n
        adjustedRandIndex = cases.reduce(0) { $0 + $1.adjustedRandIndex } / n
        vMeasure = cases.reduce(0) { $0 + $1.vMeasure } / n
        mappedF = cases.reduce(0) { $0 + $1.mappedF } / n
        let contiguities = cases.compactMap(\.orderContiguity)
        orderContiguity = contiguities.isEmpty ? nil : contiguities.reduce(0, +) / Double(contiguities.count)
    }

    /// The gated means, by their JSON names (as the baseline check prints them).
    var named: [(String, Double)] {
        [("noteOnsetF", noteOnsetF), ("eventOnsetF", eventOnsetF), ("adjustedRandIndex", adjustedRandIndex),
         ("vMeasure", vMeasure), ("mappedF", mappedF)]
    }

    /// Every mean, named as in the table.
    var figures: [BenchFigure] {
        [BenchFigure(name: "note F", value: noteOnsetF, digits: 3),
         BenchFigure(name: "event F", value: eventOnsetF, digits: 3),
         BenchFigure(name: "ARI", value: adjustedRandIndex, digits: 3),
         BenchFigure(name: "V", value: vMeasure, digits: 3),
         BenchFigure(name: "mapped F", value: mappedF, digits: 3),
         BenchFigure(name: "order contiguity", value: orderContiguity, digits: 3)]
    }
}

/// `FOLDER/baseline.json`: the means a change must not fall below by more than `tolerance`, and each case's figures
/// so that a run can say which cases moved. Baselines written before per-case figures existed have no `cases`.
struct Baseline: Codable {
    var means: BenchMeans
    var tolerance: Double
    var cases: [CaseFigures]?
}

/// What `--json` writes.
struct BenchReport: Encodable {
    var cases: [CaseResult]
    var means: BenchMeans
    var totalAudioSeconds: Double
    var totalTranscriptionSeconds: Double
    /// `--delays`: the main run (delay 0) and each delayed one, else nil.
    var delayed: [DelayedRun]? = nil
}

/// A saved run as `--compare` reads it: a `--json` report, or a baseline (whose cases may be absent).
struct SavedBench: Decodable {
    var means: BenchMeans
    var cases: [CaseFigures]?

    /// Reads `path`; an unreadable or malformed file is a one-line error naming it.
    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(path: path, reason: "cannot read the file")
        }
        do { self = try JSONDecoder().decode(SavedBench.self, from: data) } catch {
            throw CommandFailure(path: path, reason: "not a bench JSON report or baseline: \(briefDescription(of: error))")
        }
    }
}

/// A decoding error in a few words with the key path, so that it fits a one-line error message.
func briefDescription(of error: Error) -> String {
    func path(_ keys: [CodingKey]) -> String {
        keys.isEmpty ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            .trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
    guard let error = error as? DecodingError else {
        return error.localizedDescription.replacingOccurrences(of: "\n", with: " ")
    }
    switch error {
    case .dataCorrupted(let context):
        return context.codingPath.isEmpty ? "not valid JSON" : "bad value at \(path(context.codingPath))"
    case .keyNotFound(let key, let context):
        return "no \"\(key.stringValue)\" in \(path(context.codingPath))"
    case .typeMismatch(_, let context), .valueNotFound(_, let context):
        return "wrong type of value at \(path(context.codingPath))"
    @unknown default:
        return "not readable"
    }
}
