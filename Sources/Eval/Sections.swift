import SoundSortCore

/// A stretch of a song: the notes whose onset lies in `start ..< end` (seconds) belong to it.
public struct SongSection: Sendable, Equatable, Codable {
    public var name: String
    /// Start, in seconds (a note starting here belongs to this section).
    public var start: Double
    /// End, in seconds (a note starting here belongs to the next section).
    public var end: Double

    public init(name: String, start: Double, end: Double) {
        self.name = name
        self.start = start
        self.end = end
    }

    public func contains(onset: Double) -> Bool { onset >= start && onset < end }
}

extension NoteList {
    /// The notes whose onset lies in `section`, with the file's track names (so tracks keep their numbers).
    public func notes(in section: SongSection) -> NoteList {
        NoteList(notes: notes.filter { section.contains(onset: $0.onset) }, trackNames: trackNames)
    }
}

/// Scores each section of a song apart, as if it were a song of its own: the estimate's and the reference's notes
/// whose onsets lie in it, with a label map of its own. A track that holds one sound in one section and another
/// sound in the next is right in both sections, and wrong in the whole song's score: the gap between the whole
/// song's mapped F and its sections' is what merging across a song costs.
/// - Complexity: one `score` per section, on that section's notes.
public func scoreSections(estimate: NoteList, reference: NoteList, sections: [SongSection],
                          options: ScoreOptions = ScoreOptions()) -> [Scores] {
    sections.map { score(estimate: estimate.notes(in: $0), reference: reference.notes(in: $0), options: options) }
}

/// The mean of `values` weighted by `weights` (each section's reference notes), which is what the whole song's mapped
/// F weighs its sections by: a section of 187 notes counts 187 times as much as a note alone, so the whole song
/// follows its busiest sections, and the plain mean of the sections is no bar for it. Nil when the weights sum to 0.
public func notesWeightedMean(_ values: [Double], weights: [Int]) -> Double? {
    precondition(values.count == weights.count, "one weight per value")
    let total = weights.reduce(0, +)
    guard total > 0 else { return nil }
    return zip(values, weights).reduce(0) { $0 + $1.0 * Double($1.1) } / Double(total)
}
