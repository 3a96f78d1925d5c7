/// What a candidate pair is worth beyond being a pair, level by level.
public struct PairPreference: Sendable, Equatable {
    /// The pair's labels correspond under the current label mapping.
    public var agrees = false
    /// Both notes have the same pitch.
    public var samePitch = false
    /// 0…1: closeness in time (and, by a thousandth, in pitch).
    public var nearness = 0.0

    public init(agrees: Bool = false, samePitch: Bool = false, nearness: Double = 0) {
        self.agrees = agrees
        self.samePitch = samePitch
        self.nearness = nearness
    }
}

/// A reference note (or onset) paired with an estimated one.
public struct MatchedPair: Sendable, Equatable, Hashable, Codable {
    public var reference: Int
    public var estimate: Int
    public init(reference: Int, estimate: Int) {
        self.reference = reference
        self.estimate = estimate
    }
}

/// Maximum one-to-one matching of onsets within a window, as `mir_eval.util.match_events` finds it.
///
/// A pair is a hit when `estimate − window ≤ reference ≤ estimate + window`, evaluated in floating point exactly as
/// mir_eval does (it differs from |Δt| ≤ window by one rounding at the window's edge).
///
/// Among the maximum matchings, the one that is best by `preference` is returned, compared lexicographically
/// (the most pairs that agree, then of equal pitch, then the greatest nearness). The graph is split into its
/// connected components (onsets chained by windows) and each is solved exactly with the Hungarian algorithm, so the
/// matching is of maximum cardinality, never greedy.
/// - Parameters:
///   - reference, estimate: onsets in seconds, in any order.
///   - window: largest |Δt| of a pair, in seconds.
///   - preference: what a candidate pair (reference index, estimate index) is worth beyond being a pair.
/// - Complexity: O(N log N) plus O(k³) per component of k onsets.
public func matchOnsets(reference: [Double], estimate: [Double], window: Double,
                        preference: (Int, Int) -> PairPreference = { _, _ in PairPreference() }) -> [MatchedPair] {
    let components = windowComponents(reference: reference, estimate: estimate, window: window)
    var pairs: [MatchedPair] = []
    for component in components {
        let refs = component.reference, ests = component.estimate
        guard !refs.isEmpty, !ests.isEmpty else { continue }
        // Lexicographic: each level is worth more than every lower level of the whole component together.
        let base = Double(min(refs.count, ests.count) + 1)
        var cost = [Double](repeating: 0, count: refs.count * ests.count)
        for (row, r) in refs.enumerated() {
            for (column, e) in ests.enumerated() where isHit(reference[r], estimate[e], window) {
                let p = preference(r, e)
                let worth = base * base * base + (p.agrees ? base * base : 0) + (p.samePitch ? base : 0) + min(max(p.nearness, 0), 1)
                cost[row * ests.count + column] = -worth
            }
        }
        let assignment = minimumCostAssignment(rows: refs.count, columns: ests.count, cost: cost)
        for (row, column) in assignment.enumerated() {
            guard let column, isHit(reference[refs[row]], estimate[ests[column]], window) else { continue }
            pairs.append(MatchedPair(reference: refs[row], estimate: ests[column]))
        }
    }
    return pairs.sorted { ($0.reference, $0.estimate) < ($1.reference, $1.estimate) }
}

@inline(__always)
func isHit(_ reference: Double, _ estimate: Double, _ window: Double) -> Bool {
    estimate - window <= reference && reference <= estimate + window
}

/// Groups onsets of both lists into chains where each is within `window` of the next (across both lists).
func windowComponents(reference: [Double], estimate: [Double], window: Double) -> [(reference: [Int], estimate: [Int])] {
    let all = reference.indices.map { (time: reference[$0], isReference: true, index: $0) }
        + estimate.indices.map { (time: estimate[$0], isReference: false, index: $0) }
    let sorted = all.sorted { ($0.time, $0.isReference ? 0 : 1, $0.index) < ($1.time, $1.isReference ? 0 : 1, $1.index) }
    var components: [(reference: [Int], estimate: [Int])] = []
    var current: (reference: [Int], estimate: [Int]) = ([], [])
    var lastTime = -Double.infinity
    for item in sorted {
        // A relative margin keeps pairs that are hits only by rounding inside one component.
        if item.time - lastTime > window * (1 + 1e-9) + 1e-12, !(current.reference.isEmpty && current.estimate.isEmpty) {
            components.append(current)
            current = ([], [])
        }
        if item.isReference { current.reference.append(item.index) } else { current.estimate.append(item.index) }
        lastTime = item.time
    }
    if !(current.reference.isEmpty && current.estimate.isEmpty) { components.append(current) }
    return components
}

/// Precision, recall and F-measure.
public struct PrecisionRecall: Sendable, Equatable, Codable {
    public var precision: Double
    public var recall: Double
    public var fMeasure: Double

    /// From `correct` items among `estimated` and `reference` ones; all 0 when either side is empty.
    public init(correct: Int, estimated: Int, reference: Int) {
        guard estimated > 0, reference > 0 else { self.init(precision: 0, recall: 0, fMeasure: 0); return }
        let precision = Double(correct) / Double(estimated), recall = Double(correct) / Double(reference)
        self.init(precision: precision, recall: recall,
                  fMeasure: precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0)
    }

    public init(precision: Double, recall: Double, fMeasure: Double) {
        self.precision = precision
        self.recall = recall
        self.fMeasure = fMeasure
    }
}

/// Onset precision, recall and F as `mir_eval.onset.f_measure` defines them (duplicates kept).
public func onsetScores(reference: [Double], estimate: [Double], window: Double) -> PrecisionRecall {
    let matched = matchOnsets(reference: reference, estimate: estimate, window: window).count
    return PrecisionRecall(correct: matched, estimated: estimate.count, reference: reference.count)
}

/// Merges onsets closer than `gap` seconds to the first of their group (sorted; a group starts `gap` or more after
/// the previous group's first onset).
public func mergeOnsets(_ onsets: [Double], gap: Double) -> [Double] {
    var merged: [Double] = []
    for onset in onsets.sorted() where merged.last.map({ onset - $0 >= gap }) ?? true {
        merged.append(onset)
    }
    return merged
}
