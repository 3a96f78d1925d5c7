/// A merge of the dendrogram: clusters `first` and `second` (indices of leaves or earlier merges) joined at `height`.
public struct Merge: Sendable, Equatable {
    public var first: Int
    public var second: Int
    public var height: Float
}

/// Average-linkage agglomerative clustering, cut at a distance threshold: no number of clusters is given.
public enum AgglomerativeClustering {
    /// Cluster label (0-based, in order of first member) of each of `count` items.
    ///
    /// Uses the nearest-neighbour chain algorithm, exact for average linkage: every merge at height ≤ `threshold`
    /// of the full dendrogram is applied.
    /// - Parameter distance: symmetric distance between items `i` and `j`.
    /// - Complexity: O(N²) time and O(N²) memory for the distance matrix (N = `count`).
    public static func labels(count: Int, threshold: Float, distance: (Int, Int) -> Float) -> [Int] {
        guard count > 0 else { return [] }
        let merges = dendrogram(count: count, distance: distance)
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
        var label: [Int: Int] = [:]
        return (0..<count).map { item in
            let root = find(item)
            if let existing = label[root] { return existing }
            label[root] = label.count
            return label[root]!
        }
    }

    /// The full average-linkage dendrogram (N − 1 merges, in the order the chain found them).
    public static func dendrogram(count: Int, distance: (Int, Int) -> Float) -> [Merge] {
        guard count > 1 else { return [] }
        var matrix = [Float](repeating: 0, count: count * count)
        for i in 0..<count {
            for j in (i + 1)..<count {
                let d = distance(i, j)
                matrix[i * count + j] = d
                matrix[j * count + i] = d
            }
        }
        var size = [Int](repeating: 1, count: count)
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
