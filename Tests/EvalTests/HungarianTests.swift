import Testing
@testable import Eval

@Suite struct HungarianTests {
    /// The least total cost over every assignment, by enumeration: the reference for small matrices.
    static func bruteForceMinimum(rows: Int, columns: Int, cost: [Double]) -> Double {
        let n = min(rows, columns)
        var best = Double.infinity
        func search(_ row: Int, _ used: Set<Int>, _ total: Double, _ assigned: Int) {
            if assigned == n { best = min(best, total); return }
            guard row < rows else { return }
            if rows - row > n - assigned { search(row + 1, used, total, assigned) }  // Leave this row out.
            for column in 0..<columns where !used.contains(column) {
                search(row + 1, used.union([column]), total + cost[row * columns + column], assigned + 1)
            }
        }
        search(0, [], 0, 0)
        return best
    }

    @Test(arguments: 0..<60)
    func matchesBruteForce(seed: Int) {
        var state = UInt64(seed + 1) &* 0x9E37_79B9_7F4A_7C15
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 40 % 1000)
        }
        let rows = 1 + seed % 5, columns = 1 + (seed / 5) % 6
        let cost = (0..<(rows * columns)).map { _ in -(next().truncatingRemainder(dividingBy: 7)) }
        let assignment = minimumCostAssignment(rows: rows, columns: columns, cost: cost)
        let assigned = assignment.enumerated().compactMap { row, column in column.map { (row, $0) } }
        #expect(assigned.count == min(rows, columns))
        #expect(Set(assigned.map(\.1)).count == assigned.count)
        let total = assigned.reduce(0.0) { $0 + cost[$1.0 * columns + $1.1] }
        #expect(total == Self.bruteForceMinimum(rows: rows, columns: columns, cost: cost))
    }
}
