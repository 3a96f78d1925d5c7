import SoundSortCore

/// What `score` is asked to do.
public struct ScoreOptions: Sendable, Equatable, Codable {
    /// Largest |Δt| between a matched reference and estimated onset, in seconds (mir_eval's default 0.05).
    public var window: Double = 0.05
    /// Onsets closer than this, in seconds, count as one event for the event-onset scores.
    public var eventMergeGap: Double = 0.03
    public var referenceLabel: LabelMode = .programPitch
    public var estimateLabel: LabelMode = .track
    /// How many times the matching and the label mapping are refined against each other, at most, per start.
    public var maximumRefinements = 16

    public init(window: Double = 0.05, referenceLabel: LabelMode = .programPitch, estimateLabel: LabelMode = .track) {
        self.window = window
        self.referenceLabel = referenceLabel
        self.estimateLabel = estimateLabel
    }
}

/// Every figure of a transcription against its reference (see DESIGN.md, "Scores").
public struct Scores: Sendable, Equatable, Codable {
    public var options: ScoreOptions
    public var referenceNotes: Int
    public var estimatedNotes: Int
    public var noteOnset: PrecisionRecall
    public var eventOnset: PrecisionRecall
    /// Pairs of the chosen maximum matching.
    public var matchedNotes: Int
    /// The chosen matching: indices into the reference and estimate note lists.
    public var pairs: [MatchedPair]
    /// Agreement of labels over the matched pairs.
    public var clustering: ClusterScores
    public var referenceSounds: Int
    public var estimatedSounds: Int
    /// `estimatedSounds / referenceSounds` (0 when the reference has none).
    public var soundRatio: Double
    /// Notes matched and of mapped labels, over estimated and reference notes (Hungarian label assignment).
    public var mapped: PrecisionRecall
    /// Share of instruments whose several tracks are adjacent; nil when no instrument owns two tracks.
    public var orderContiguity: Double?
    /// Per reference sound: notes, found, and where they went.
    public var referenceBreakdown: [ReferenceSoundBreakdown]
    /// Estimated sounds none of whose notes matched a reference note.
    public var unmatchedEstimatedSounds: [UnmatchedSound]
}

public struct ReferenceSoundBreakdown: Sendable, Equatable, Codable {
    public var label: SoundLabel
    public var notes: Int
    public var found: Int
    /// The estimated label mapped to this sound by the Hungarian assignment, if any.
    public var mappedTo: SoundLabel?
    /// Estimated labels its found notes went to, with counts, most first.
    public var foundIn: [LabelCount]
}

public struct LabelCount: Sendable, Equatable, Codable {
    public var label: SoundLabel
    public var count: Int
}

public struct UnmatchedSound: Sendable, Equatable, Codable {
    public var label: SoundLabel
    public var notes: Int
}

/// Scores `estimate` against `reference`.
///
/// The matching rule: a maximum one-to-one matching of onsets within `window` (as mir_eval's `match_events`).
/// Where several exist (notes of one file starting within a window of each other: chords, kick + hat), the one
/// that agrees best with a one-to-one map of estimated to reference labels is chosen, together with that map;
/// equal pitch, then closeness in time, only break the ties left (see `bestLabelledMatching`). A perfect
/// transcription therefore scores 1 whatever its note numbers, channels and track order. Where no two notes of a
/// file start within a window of each other the matching is unique and the figures are mir_eval's and scikit-learn's.
public func score(estimate: NoteList, reference: NoteList, options: ScoreOptions = ScoreOptions()) -> Scores {
    let ref = reference.notes, est = estimate.notes
    let refLabels = ref.map(options.referenceLabel.label(of:))
    let estLabels = est.map(options.estimateLabel.label(of:))
    let refOnsets = ref.map(\.onset), estOnsets = est.map(\.onset)
    let chosen = bestLabelledMatching(reference: ref, estimate: est, referenceLabels: refLabels, estimateLabels: estLabels,
                                      window: options.window, maximumRefinements: options.maximumRefinements)
    let pairs = chosen.pairs, mapping = chosen.mapping

    let correct = pairs.count { mapping[estLabels[$0.estimate]] == refLabels[$0.reference] }
    let refSoundCount = Set(refLabels).count, estSoundCount = Set(estLabels).count
    return Scores(
        options: options,
        referenceNotes: ref.count,
        estimatedNotes: est.count,
        noteOnset: PrecisionRecall(correct: pairs.count, estimated: est.count, reference: ref.count),
        eventOnset: onsetScores(reference: mergeOnsets(refOnsets, gap: options.eventMergeGap),
                                estimate: mergeOnsets(estOnsets, gap: options.eventMergeGap), window: options.window),
        matchedNotes: pairs.count,
        pairs: pairs,
        clustering: ClusterScores(truth: pairs.map { refLabels[$0.reference] }, predicted: pairs.map { estLabels[$0.estimate] }),
        referenceSounds: refSoundCount,
        estimatedSounds: estSoundCount,
        soundRatio: refSoundCount > 0 ? Double(estSoundCount) / Double(refSoundCount) : 0,
        mapped: PrecisionRecall(correct: correct, estimated: est.count, reference: ref.count),
        orderContiguity: orderContiguity(pairs: pairs, reference: ref, estimate: est),
        referenceBreakdown: breakdown(pairs: pairs, refLabels: refLabels, estLabels: estLabels, mapping: mapping),
        unmatchedEstimatedSounds: unmatchedSounds(pairs: pairs, estLabels: estLabels)
    )
}

/// Pairs that every maximum matching contains: a reference and an estimated onset alone in their window component.
func unambiguousPairs(reference: [Double], estimate: [Double], window: Double) -> [MatchedPair] {
    windowComponents(reference: reference, estimate: estimate, window: window).compactMap { component in
        guard component.reference.count == 1, component.estimate.count == 1,
              isHit(reference[component.reference[0]], estimate[component.estimate[0]], window) else { return nil }
        return MatchedPair(reference: component.reference[0], estimate: component.estimate[0])
    }
}

/// Each estimated track takes the majority instrument (drum flag, program) of its matched reference notes;
/// for each instrument owning two or more tracks, 1 if they are adjacent among the tracks that own an instrument.
func orderContiguity(pairs: [MatchedPair], reference: [Note], estimate: [Note]) -> Double? {
    struct Instrument: Hashable, Comparable {
        var drum: Bool, program: Int
        static func < (a: Instrument, b: Instrument) -> Bool { (a.drum ? 1 : 0, a.program) < (b.drum ? 1 : 0, b.program) }
    }
    var votes: [Int: [Instrument: Int]] = [:]
    for pair in pairs {
        let note = reference[pair.reference]
        votes[estimate[pair.estimate].track, default: [:]][Instrument(drum: note.isDrum, program: note.program), default: 0] += 1
    }
    let owners = votes.keys.sorted().map { track in
        (track, votes[track]!.max { ($0.value, $1.key) < ($1.value, $0.key) }!.key)
    }
    let positions = Dictionary(grouping: owners.indices, by: { owners[$0].1 }).filter { $0.value.count >= 2 }
    guard !positions.isEmpty else { return nil }
    let adjacent = positions.values.count { $0.max()! - $0.min()! == $0.count - 1 }
    return Double(adjacent) / Double(positions.count)
}

private func breakdown(pairs: [MatchedPair], refLabels: [SoundLabel], estLabels: [SoundLabel],
                       mapping: [SoundLabel: SoundLabel]) -> [ReferenceSoundBreakdown] {
    let inverse = Dictionary(uniqueKeysWithValues: mapping.map { ($1, $0) })
    var found: [SoundLabel: [SoundLabel: Int]] = [:]
    for pair in pairs { found[refLabels[pair.reference], default: [:]][estLabels[pair.estimate], default: 0] += 1 }
    let noteCounts = Dictionary(grouping: refLabels, by: { $0 }).mapValues(\.count)
    return noteCounts.keys.sorted().map { label in
        let targets = (found[label] ?? [:]).map { LabelCount(label: $0.key, count: $0.value) }
            .sorted { ($1.count, $0.label) < ($0.count, $1.label) }
        return ReferenceSoundBreakdown(label: label, notes: noteCounts[label]!, found: targets.reduce(0) { $0 + $1.count },
                                       mappedTo: inverse[label], foundIn: targets)
    }
}

private func unmatchedSounds(pairs: [MatchedPair], estLabels: [SoundLabel]) -> [UnmatchedSound] {
    let matched = Set(pairs.map { estLabels[$0.estimate] })
    return Dictionary(grouping: estLabels, by: { $0 }).filter { !matched.contains($0.key) }
        .map { UnmatchedSound(label: $0.key, notes: $0.value.count) }.sorted { $0.label < $1.label }
}
