import Testing
@testable import Transcribe

/// Average-linkage clustering cut at a threshold, on points of a line (distance = |a − b|), answers by hand.
@Suite struct AgglomerativeClusteringTests {
    static func labels(_ points: [Float], threshold: Float) -> [Int] {
        AgglomerativeClustering.labels(count: points.count, threshold: threshold) { abs(points[$0] - points[$1]) }
    }

    @Test func pointsCloserThanTheThresholdAreOneCluster() {
        #expect(Self.labels([0, 1, 10, 11, 30], threshold: 2) == [0, 0, 1, 1, 2])
        #expect(Self.labels([0, 1, 10, 11, 30], threshold: 0.5) == [0, 1, 2, 3, 4])
        #expect(Self.labels([], threshold: 2) == [])
        #expect(Self.labels([5], threshold: 2) == [0])
    }

    @Test func theDendrogramJoinsAtAverageDistances() {
        // 0 and 1 join at 1; {0, 1} and 4 at the mean of 4 and 3 = 3.5.
        let merges = AgglomerativeClustering.dendrogram(count: 3) { i, j in abs([0, 1, 4][i] - [0, 1, 4][j]) }
        // Node 3 is the first merge; the second joins it (held in slot 0) with leaf 2.
        #expect(merges == [Merge(first: 0, second: 1, height: 1), Merge(first: 3, second: 2, height: 3.5)])
    }

    @Test func averageLinkageCutsBetweenTheAverageAndTheNearestPair() {
        // {0, 1} to 4: nearest pair 3, average 3.5: a threshold of 3.2 keeps 4 apart (single linkage would not).
        #expect(Self.labels([0, 1, 4], threshold: 3.2) == [0, 0, 1])
        #expect(Self.labels([0, 1, 4], threshold: 3.5) == [0, 0, 0])
    }

    @Test func aboveTheExactLimitLeadersGiveTheSameClusters() {
        // 2 500 items (over `exactLimit`) in three tight groups far apart, interleaved: three clusters, in order of
        // first member.
        let count = AgglomerativeClustering.exactLimit + 500
        let centres: [Float] = [0, 100, 200]
        let points: [Float] = (0..<count).map { item in
            let spread = Float(item % 7) * 0.1
            return centres[item % 3] + spread
        }
        let labels = Self.labels(points, threshold: 5)
        #expect(labels == (0..<count).map { $0 % 3 })
    }

    @Test func leadersStillSeparateGroupsCloserThanTheThreshold() {
        // Two groups 20 apart with a threshold of 10: the leaders (radius 5) keep them apart.
        let count = AgglomerativeClustering.exactLimit + 1
        let points: [Float] = (0..<count).map { item in
            let group = Float(item % 2) * 20
            return group + Float(item % 5) * 0.2
        }
        #expect(Set(Self.labels(points, threshold: 10)).count == 2)
    }
}
