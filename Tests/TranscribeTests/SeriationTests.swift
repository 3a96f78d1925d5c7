import Testing
@testable import Transcribe

/// The shortest open path through items: points of a line come out in line order.
@Suite struct SeriationTests {
    static func order(_ points: [Double]) -> [Int] {
        Seriation.order(count: points.count, distance: { abs(points[$0] - points[$1]) }, precedes: { $0 < $1 })
    }

    @Test func pointsOfALineComeOutInLineOrder() {
        // Positions 0, 5, 1, 9, 3 → by position 0 (0), 2 (1), 4 (3), 1 (5), 3 (9); item 0 comes first so the path
        // starts there.
        #expect(Self.order([0, 5, 1, 9, 3]) == [0, 2, 4, 1, 3])
    }

    @Test func manyItemsAreStillOrderedFromFewStarts() {
        // 200 points of a line in a scrambled order (more than `maximumStarts`): still walked end to end.
        let positions = (0..<200).map { Double(($0 * 73) % 200) }
        let order = Self.order(positions)
        #expect(order.map { positions[$0] } == (0..<200).map(Double.init) || order.map { positions[$0] } == (0..<200).reversed().map(Double.init))
        #expect(Set(order).count == 200)
    }

    @Test func thePathStartsAtTheEndThatPrecedes() {
        // The same line, item 0 now at the far end: the path is walked from it.
        #expect(Self.order([9, 5, 1, 0, 3]) == [0, 1, 4, 2, 3])
    }

    @Test func interleavedGroupsAreWalkedOneAfterTheOther() {
        // Two groups on a line, their items interleaved: the path walks one group, then the other.
        let points: [Double] = [0, 10, 0.5, 10.5, 1, 11]
        #expect(Self.order(points) == [0, 2, 4, 1, 3, 5])
    }

    @Test func smallCountsAreSortedByPrecedence() {
        #expect(Self.order([]) == [])
        #expect(Self.order([3]) == [0])
        #expect(Seriation.order(count: 2, distance: { _, _ in 1 }, precedes: { $0 > $1 }) == [1, 0])
    }
}
