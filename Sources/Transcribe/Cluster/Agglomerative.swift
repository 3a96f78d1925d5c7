/// Renumbers labels 0, 1, 2… in order of first appearance.
func denseLabels(_ labels: [Int]) -> [Int] {
    var dense: [Int: Int] = [:]
    return labels.map { label in
        if let index = dense[label] { return index }
        dense[label] = dense.count
        return dense.count - 1
    }
}

/// A merge of the dendrogram: clusters `first` and `second` (indices of leaves or earlier merges) joined at `height`.
public struct Merge: Sendable, Equatable {
    public var first: Int
    public var second: Int
    public var height: Float
}

/// Average-linkage agglomerative clustering, cut at a distance threshold: no number of clusters is given.
public enum AgglomerativeClustering {
    /// Up to this many items are clustered exactly; more go through leaders first, so memory stays bounded.
    public static let exactLimit = 2_000
    /// At most this many leaders (then items join the nearest leader whatever its distance).
    public static let maximumLeaders = 2_000
    /// An item joins a leader within this share of the threshold.
    public static let leaderRadius: Float = 0.5

    /// Cluster label (0-based, in order of first member) of each of `count` items.
    ///
    /// Up to `exactLimit` items: the nearest-neighbour chain algorithm, exact for average linkage; every merge at
    /// height ≤ `threshold` of the full dendrogram is applied. Beyond: leader clustering (each item joins the first
    /// nearest leader within `leaderRadius × threshold`, in order), then the exact algorithm over the leaders,
    /// each weighing as many items as it leads.
    /// - Parameter distance: symmetric distance between items `i` and `j`.
    /// - Complexity: exact, O(N²) time and memory; with leaders, O(N·L) time and O(L²) memory (L ≤ `maximumLeaders`).
    public static func labels(count: Int, threshold: Float, distance: (Int, Int) -> Float) -> [Int] {
        guard count > exactLimit else { return exactLabels(count: count, sizes: nil, threshold: threshold, distance: distance) }
        var leaders: [Int] = []
        var group = [Int](repeating: 0, count: count)
        for item in 0..<count {
            var best = -1
            var bestDistance = Float.infinity
            for (index, leader) in leaders.enumerated() {
                let d = distance(item, leader)
                if d < bestDistance { bestDistance = d; best = index }
            }
            if best >= 0 && (bestDistance <= leaderRadius * threshold || leaders.count >= maximumLeaders) {
                group[item] = best
            } else {
                group[item] = leaders.count
                leaders.append(item)
            }
        }
        var sizes = [Int](repeating: 0, count: leaders.count)
        for g in group { sizes[g] += 1 }
        let leaderLabels = exactLabels(count: leaders.count, sizes: sizes, threshold: threshold) { distance(leaders[$0], leaders[$1]) }
        return group.map { leaderLabels[$0] }
    }

    private static func exactLabels(count: Int, sizes: [Int]?, threshold: Float, distance: (Int, Int) -> Float) -> [Int] {
        guard count > 0 else { return [] }
        let merges = dendrogram(count: count, sizes: sizes, distance: distance)
        var parent = Array(0..<count)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        // Merge k created node count + k; its representative is a leaf.
        var representative = Array(0..<count)
        for merge in merges {
            let a = find(representative[merge.first]), b = find(representative[merge.second])
            if merge.height <= threshold { parent[max(a, b)] = min(a, b) }
            representative.append(min(a, b))
        }
        return denseLabels((0..<count).map(find))
    }

    /// The full average-linkage dendrogram (N − 1 merges, in the order the chain found them).
    /// - Parameter sizes: how many items each starting cluster stands for (1 each when nil).
    public static func dendrogram(count: Int, sizes: [Int]? = nil, distance: (Int, Int) -> Float) -> [Merge] {
        guard count > 1 else { return [] }
        var matrix = [Float](repeating: 0, count: count * count)
        for i in 0..<count {
            for j in (i + 1)..<count {
                let d = distance(i, j)
                matrix[i * count + j] = d
                matrix[j * count + i] = d
            }
        }
        var size = sizes ?? [Int](repeating: 1, count: count)
        var active = [Bool](repeating: true, count: count)
        var node = Array(0..<count)  // Dendrogram node id held by each matrix slot.
        var merges: [Merge] = []
        var chain: [Int] = []
        var remaining = count
        while remaining > 1 {
            if chain.isEmpty { chain.append(active.firstIndex(of: true)!) }
            let tip = chain[chain.count - 1]
            let previous = chain.count > 1 ? chain[chain.count - 2] : -1
            // Nearest active neighbour of the tip; ties go to the previous chain element, then the lowest index.
            var nearest = -1
            var best = Float.infinity
            for other in 0..<count where active[other] && other != tip {
                let d = matrix[tip * count + other]
                if d < best || (d == best && other == previous) { best = d; nearest = other }
            }
            if nearest == previous {
                chain.removeLast(2)
                let (keep, drop) = (min(tip, nearest), max(tip, nearest))
                merges.append(Merge(first: node[keep], second: node[drop], height: best))
                // Lance–Williams update for average linkage.
                let (nKeep, nDrop) = (Float(size[keep]), Float(size[drop]))
                for other in 0..<count where active[other] && other != keep && other != drop {
                    let d = (nKeep * matrix[keep * count + other] + nDrop * matrix[drop * count + other]) / (nKeep + nDrop)
                    matrix[keep * count + other] = d
                    matrix[other * count + keep] = d
                }
                active[drop] = false
                size[keep] += size[drop]
                node[keep] = count + merges.count - 1
                remaining -= 1
            } else {
                chain.append(nearest)
            }
        }
        return merges
    }
}
