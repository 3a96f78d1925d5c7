import Foundation

/// Keeps a sound that returns after a long absence one sound only when it returns nearly unchanged.
///
/// Average linkage over a whole song joins what no listener would: the kick of one section's kit and the kick of
/// another's are alike, and with every event of a long song in one dendrogram, alike is enough. A sound's runs (its
/// events with no gap longer than `Neighbourhood.seconds`) stay one sound only while their events lie within
/// `returnFactor` of the merge threshold of each other on average (the same sample played again does, another kit's
/// piece does not), or while each event of one has a twin in the other (a passage played again note for note). A
/// short clip holds one run per sound, so nothing in it changes.
struct Recurrence {
    /// Runs of one sound stay joined up to this share of the merge threshold (average linkage; 0.4, 0.6, 0.8 and 1
    /// measured on the whole-song case: 0.8 kept the most of its sections and of the whole).
    static let returnFactor: Float = 0.8
    /// …or while each event of one has a twin in the other within this share of it (0.2 and 0.4 measured: the corpus
    /// looped for an hour then gives as many sounds per loop as before this rule, 237 for 194 in one loop).
    static let twinFactor: Float = 0.2
    /// Runs are compared on at most this many of their events, evenly spaced (a hat's run can hold thousands; 16 and
    /// 48 give the same corpus figures, and 16 keeps the step under 0.1 s on an hour's mix).
    static let sampledEvents = 16

    let threshold: Float

    /// Labels with each sound's runs split unless they are alike, renumbered 0… in order of first appearance.
    /// - Parameters:
    ///   - onsets: each event's onset, in seconds.
    ///   - distance: the clustering's distance between two events.
    /// - Complexity: O(N log N) plus, for each sound of R runs, R² / 2 comparisons of up to `sampledEvents`² events.
    func split(labels: [Int], onsets: [Double], distance: (Int, Int) -> Float) -> [Int] {
        let members = Dictionary(grouping: labels.indices, by: { labels[$0] })
        var result = labels
        var nextLabel = (labels.max() ?? -1) + 1
        for label in members.keys.sorted() {
            let runs = Self.runs(of: members[label]!, onsets: onsets)
            guard runs.count > 1 else { continue }
            let samples = runs.map(Self.evenlySpaced)
            var parent = Array(runs.indices)
            func find(_ x: Int) -> Int { parent[x] == x ? x : find(parent[x]) }
            for a in runs.indices {
                for b in (a + 1)..<runs.count {
                    guard alike(samples[a], samples[b], distance: distance) else { continue }
                    let (ra, rb) = (find(a), find(b))
                    if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
                }
            }
            // The first run keeps the label; every other group of runs takes a new one.
            var newLabel: [Int: Int] = [0: label]
            for run in runs.indices {
                let root = find(run)
                if newLabel[root] == nil { newLabel[root] = nextLabel; nextLabel += 1 }
                for event in runs[run] { result[event] = newLabel[root]! }
            }
        }
        return denseLabels(result)
    }

    /// Whether two runs are one sound: their events lie within `returnFactor` × the threshold of each other on
    /// average, or every event of each has a twin in the other within `twinFactor` × the threshold (the same
    /// passage played again: a sound that varies from hit to hit is far from itself on average, not from its twin).
    private func alike(_ a: [Int], _ b: [Int], distance: (Int, Int) -> Float) -> Bool {
        var total: Float = 0
        var nearestInB = [Float](repeating: .infinity, count: a.count), nearestInA = [Float](repeating: .infinity, count: b.count)
        for (x, i) in a.enumerated() {
            for (y, j) in b.enumerated() {
                let d = distance(i, j)
                total += d
                nearestInB[x] = min(nearestInB[x], d)
                nearestInA[y] = min(nearestInA[y], d)
            }
        }
        if total / Float(a.count * b.count) <= Self.returnFactor * threshold { return true }
        let twins = max(nearestInB.reduce(0, +) / Float(a.count), nearestInA.reduce(0, +) / Float(b.count))
        return twins <= Self.twinFactor * threshold
    }

    /// `events` in onset order, cut wherever two follow each other more than `Neighbourhood.seconds` apart.
    static func runs(of events: [Int], onsets: [Double]) -> [[Int]] {
        let ordered = events.sorted { (onsets[$0], $0) < (onsets[$1], $1) }
        guard let first = ordered.first else { return [] }
        var runs: [[Int]] = [[first]]
        for (previous, event) in zip(ordered, ordered.dropFirst()) {
            if onsets[event] - onsets[previous] > Neighbourhood.seconds { runs.append([]) }
            runs[runs.count - 1].append(event)
        }
        return runs
    }

    /// At most `sampledEvents` of `run`, evenly spaced, first and last included.
    private static func evenlySpaced(_ run: [Int]) -> [Int] {
        guard run.count > sampledEvents else { return run }
        return (0..<sampledEvents).map { run[$0 * (run.count - 1) / (sampledEvents - 1)] }
    }
}
