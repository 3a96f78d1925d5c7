/// Orders items so that similar ones are adjacent: the shortest open path through them (nearest-neighbour
/// start, then 2-opt until no reversal shortens it), deterministic.
public enum Seriation {
    /// The distance of two items that share nothing to compare (patches with no block in common): larger than any
    /// real distance in dB, finite so that sums and averages stay ordered.
    public static let unrelated: Float = 10_000
    /// At most this many starting items are tried.
    public static let maximumStarts = 32
    /// - Parameters:
    ///   - count: number of items.
    ///   - distance: symmetric distance between two items.
    ///   - precedes: tie order of items; the path starts at its end that comes first by this order.
    /// - Returns: a permutation of `0..<count`.
    public static func order(count: Int, distance: (Int, Int) -> Double, precedes: (Int, Int) -> Bool) -> [Int] {
        guard count > 2 else { return (0..<count).sorted(by: precedes) }
        var d = [Double](repeating: 0, count: count * count)
        for i in 0..<count { for j in 0..<count where i != j { d[i * count + j] = distance(i, j) } }
        func length(_ path: [Int]) -> Double { zip(path, path.dropFirst()).reduce(0) { $0 + d[$1.0 * count + $1.1] } }
        var best: [Int] = []
        var bestLength = Double.infinity
        // Try every start for the greedy path (evenly spaced ones beyond `maximumStarts`: each costs O(n²) and a
        // long mix has hundreds of sounds); keep the shortest after 2-opt.
        let ordered = (0..<count).sorted(by: precedes)
        let starts = count <= maximumStarts ? ordered : (0..<maximumStarts).map { ordered[$0 * count / maximumStarts] }
        for start in starts {
            var path = [start]
            var left = Set(0..<count).subtracting([start])
            while let last = path.last, !left.isEmpty {
                let next = left.min { (d[last * count + $0], $0) < (d[last * count + $1], $1) }!
                path.append(next)
                left.remove(next)
            }
            var improved = true
            while improved {
                improved = false
                for i in 0..<(count - 1) {
                    for j in (i + 1)..<count {
                        // Reverse path[i...j]: changes the edges (i-1, i) and (j, j+1).
                        let before = (i > 0 ? d[path[i - 1] * count + path[i]] : 0) + (j < count - 1 ? d[path[j] * count + path[j + 1]] : 0)
                        let after = (i > 0 ? d[path[i - 1] * count + path[j]] : 0) + (j < count - 1 ? d[path[i] * count + path[j + 1]] : 0)
                        if after < before - 1e-9 {
                            path[i...j].reverse()
                            improved = true
                        }
                    }
                }
            }
            let total = length(path)
            if total < bestLength - 1e-9 { best = path; bestLength = total }
        }
        if precedes(best[best.count - 1], best[0]) { best.reverse() }
        return best
    }
}
