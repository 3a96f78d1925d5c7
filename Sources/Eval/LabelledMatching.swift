import SoundSortCore

/// A maximum matching of notes together with the one-to-one label map it is scored under.
struct LabelledMatching: Equatable {
    /// Pairs of a maximum one-to-one matching of onsets within the window.
    var pairs: [MatchedPair]
    /// Estimated label → reference label; one-to-one.
    var mapping: [SoundLabel: SoundLabel]
    var quality: MatchingQuality
}

/// What makes one labelled matching better than another, compared level by level.
struct MatchingQuality: Comparable {
    /// Pairs whose labels correspond under the mapping: the mapped score's numerator.
    var agreeing: Int
    /// Σ n² over the cells of the contingency table of the pairs' (estimated, reference) labels: among matchings
    /// that agree equally, the one that keeps each sound's notes together (the pair-counting term of the Rand index).
    var concentration: Int
    /// Pairs of equal pitch: decides only between matchings that agree and concentrate equally.
    var samePitch: Int
    /// Closeness in time (and, by a thousandth, in pitch), summed over the pairs: the last resort.
    var nearness: Double

    static func < (a: MatchingQuality, b: MatchingQuality) -> Bool {
        (a.agreeing, a.concentration, a.samePitch, a.nearness) < (b.agreeing, b.concentration, b.samePitch, b.nearness)
    }
}

/// Finds, among the maximum matchings of `reference` and `estimate` onsets within `window`, the one that agrees
/// best with a one-to-one map of estimated labels to reference labels, and that map.
///
/// The rule (DESIGN.md, Scores): maximise, over maximum matchings M and one-to-one label maps φ, first the pairs of
/// M whose labels correspond under φ, then the pairs of equal pitch, then closeness in time. Equal pitch never
/// outweighs one agreeing pair, so the estimate's note numbers, channels and track order cannot change a score
/// except by breaking exact ties. The joint problem is searched by alternation: for a fixed φ the best M is a
/// maximum-weight maximum matching (exact, per window component); for a fixed M the best φ is a Hungarian
/// assignment. Each step can only raise the quality, so each run stops at a fixed point; runs start from several
/// maps and the best fixed point is kept:
/// - co-occurrence: each reference note shares one vote among the estimated notes within its window, and labels
///   are assigned by the Hungarian algorithm over the votes (right whenever each sound keeps its own label);
/// - the unambiguous pairs (one reference and one estimated onset alone in their window);
/// - a matching that knows no labels (equal pitch, then closeness).
/// - Complexity: a few Hungarian passes per start: O(k³) per window component of k onsets and O(L³) for L labels.
func bestLabelledMatching(reference: [Note], estimate: [Note], referenceLabels: [SoundLabel], estimateLabels: [SoundLabel],
                          window: Double, maximumRefinements: Int) -> LabelledMatching {
    let refOnsets = reference.map(\.onset), estOnsets = estimate.map(\.onset)
    func nearness(_ r: Int, _ e: Int) -> Double {
        0.999 * closeness(reference[r].onset, estimate[e].onset, window: window)
            + 0.001 / Double(1 + abs(reference[r].pitch - estimate[e].pitch))
    }
    func matching(under mapping: [SoundLabel: SoundLabel]) -> [MatchedPair] {
        matchOnsets(reference: refOnsets, estimate: estOnsets, window: window) { r, e in
            PairPreference(agrees: mapping[estimateLabels[e]] == referenceLabels[r],
                           samePitch: reference[r].pitch == estimate[e].pitch, nearness: nearness(r, e))
        }
    }
    func mapping(for pairs: [MatchedPair]) -> [SoundLabel: SoundLabel] {
        var votes: [SoundLabel: [SoundLabel: Double]] = [:]
        // One vote per agreeing pair; closeness in time, scaled below one pair in all, breaks ties between maps.
        let tieScale = 1 / Double(pairs.count + 1)
        for pair in pairs {
            votes[estimateLabels[pair.estimate], default: [:]][referenceLabels[pair.reference], default: 0]
                += 1 + tieScale * closeness(reference[pair.reference].onset, estimate[pair.estimate].onset, window: window)
        }
        return assignLabels(votes: votes, minimumVote: 1)
    }
    func quality(_ pairs: [MatchedPair], _ mapping: [SoundLabel: SoundLabel]) -> MatchingQuality {
        let cells = Dictionary(grouping: pairs, by: { LabelPair(estimate: estimateLabels[$0.estimate], reference: referenceLabels[$0.reference]) })
        return MatchingQuality(agreeing: pairs.count { mapping[estimateLabels[$0.estimate]] == referenceLabels[$0.reference] },
                        concentration: cells.values.reduce(0) { $0 + $1.count * $1.count },
                        samePitch: pairs.count { reference[$0.reference].pitch == estimate[$0.estimate].pitch },
                        nearness: pairs.reduce(0) { $0 + nearness($1.reference, $1.estimate) })
    }

    let unambiguous = unambiguousPairs(reference: refOnsets, estimate: estOnsets, window: window)
    var starts = [cooccurrenceMapping(reference: refOnsets, estimate: estOnsets, referenceLabels: referenceLabels,
                                      estimateLabels: estimateLabels, window: window),
                  mapping(for: matching(under: [:]))]
    if !unambiguous.isEmpty { starts.append(mapping(for: unambiguous)) }

    var best: LabelledMatching?
    var tried: [[SoundLabel: SoundLabel]] = []
    for start in starts where !tried.contains(start) {
        tried.append(start)
        var current: LabelledMatching?
        var map = start
        for _ in 0..<max(maximumRefinements, 1) {
            let pairs = matching(under: map)
            let refined = mapping(for: pairs)
            let candidate = LabelledMatching(pairs: pairs, mapping: refined, quality: quality(pairs, refined))
            if let current, candidate.quality <= current.quality { break }
            current = candidate
            map = refined
        }
        if let current, best.map({ current.quality > $0.quality }) ?? true { best = current }
    }
    return best ?? LabelledMatching(pairs: [], mapping: [:], quality: MatchingQuality(agreeing: 0, concentration: 0, samePitch: 0, nearness: 0))
}

private struct LabelPair: Hashable {
    var estimate: SoundLabel
    var reference: SoundLabel
}

/// 1 for equal onsets, falling to 0 at `window` seconds apart.
func closeness(_ a: Double, _ b: Double, window: Double) -> Double {
    1 - min(abs(a - b) / window, 1)
}

/// A first label map from which notes sound together: how often an estimated and a reference label have notes
/// within a window of each other, divided by the geometric mean of their note counts (a cosine), so that a label
/// whose notes all coincide with a sound is preferred to one that merely shares some of a larger sound's times.
func cooccurrenceMapping(reference: [Double], estimate: [Double], referenceLabels: [SoundLabel], estimateLabels: [SoundLabel],
                         window: Double) -> [SoundLabel: SoundLabel] {
    var together: [SoundLabel: [SoundLabel: Double]] = [:]
    for component in windowComponents(reference: reference, estimate: estimate, window: window) {
        for r in component.reference {
            for e in component.estimate where isHit(reference[r], estimate[e], window) {
                together[estimateLabels[e], default: [:]][referenceLabels[r], default: 0] += 1
            }
        }
    }
    let refCounts = Dictionary(grouping: referenceLabels, by: { $0 }).mapValues { Double($0.count) }
    let estCounts = Dictionary(grouping: estimateLabels, by: { $0 }).mapValues { Double($0.count) }
    let votes = Dictionary(uniqueKeysWithValues: together.map { estLabel, row in
        (estLabel, row.reduce(into: [SoundLabel: Double]()) { cosine, cell in
            cosine[cell.key] = cell.value / (estCounts[estLabel]! * refCounts[cell.key]!).squareRoot()
        })
    })
    return assignLabels(votes: votes, minimumVote: .leastNonzeroMagnitude)
}

/// One-to-one assignment of estimated labels (outer keys) to reference labels maximising the summed votes
/// (Hungarian algorithm); labels whose assigned vote is under `minimumVote` stay unmapped.
func assignLabels(votes: [SoundLabel: [SoundLabel: Double]], minimumVote: Double) -> [SoundLabel: SoundLabel] {
    let estSet = votes.keys.sorted()
    let refSet = Set(votes.values.flatMap(\.keys)).sorted()
    guard !estSet.isEmpty, !refSet.isEmpty else { return [:] }
    let refIndex = Dictionary(uniqueKeysWithValues: refSet.enumerated().map { ($1, $0) })
    var cost = [Double](repeating: 0, count: estSet.count * refSet.count)
    for (row, label) in estSet.enumerated() {
        for (target, vote) in votes[label]! { cost[row * refSet.count + refIndex[target]!] = -vote }
    }
    var mapping: [SoundLabel: SoundLabel] = [:]
    for (row, column) in minimumCostAssignment(rows: estSet.count, columns: refSet.count, cost: cost).enumerated() {
        if let column, -cost[row * refSet.count + column] >= minimumVote { mapping[estSet[row]] = refSet[column] }
    }
    return mapping
}
