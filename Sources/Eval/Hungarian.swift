/// Minimum-cost assignment (the Hungarian algorithm, Kuhn–Munkres with potentials).
///
/// - Parameter cost: a `rows × columns` matrix, row-major.
/// - Returns: for each row, the column assigned to it; every row gets a distinct column when `rows ≤ columns`,
///   otherwise every column gets a distinct row and the other rows get `nil`.
/// - Complexity: O(n² m) for n = min(rows, columns), m = max(rows, columns).
public func minimumCostAssignment(rows: Int, columns: Int, cost: [Double]) -> [Int?] {
    precondition(cost.count == rows * columns, "cost must hold rows × columns values")
    guard rows > 0, columns > 0 else { return [Int?](repeating: nil, count: rows) }
    let transposed = rows > columns
    let n = transposed ? columns : rows
    let m = transposed ? rows : columns
    @inline(__always) func c(_ i: Int, _ j: Int) -> Double {
        transposed ? cost[(j - 1) * columns + (i - 1)] : cost[(i - 1) * columns + (j - 1)]
    }
    // 1-based arrays; column 0 is the virtual start.
    var u = [Double](repeating: 0, count: n + 1)
    var v = [Double](repeating: 0, count: m + 1)
    var owner = [Int](repeating: 0, count: m + 1)
    var way = [Int](repeating: 0, count: m + 1)
    var minimum = [Double](repeating: 0, count: m + 1)
    var used = [Bool](repeating: false, count: m + 1)
    for i in 1...n {
        owner[0] = i
        var j0 = 0
        for j in 0...m { minimum[j] = .infinity; used[j] = false }
        repeat {
            used[j0] = true
            let i0 = owner[j0]
            var delta = Double.infinity
            var j1 = 0
            for j in 1...m where !used[j] {
                let reduced = c(i0, j) - u[i0] - v[j]
                if reduced < minimum[j] { minimum[j] = reduced; way[j] = j0 }
                if minimum[j] < delta { delta = minimum[j]; j1 = j }
            }
            for j in 0...m {
                if used[j] { u[owner[j]] += delta; v[j] -= delta } else { minimum[j] -= delta }
            }
            j0 = j1
        } while owner[j0] != 0
        repeat {
            let j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
        } while j0 != 0
    }
    var result = [Int?](repeating: nil, count: rows)
    for j in 1...m where owner[j] != 0 {
        if transposed { result[j - 1] = owner[j] - 1 } else { result[owner[j] - 1] = j - 1 }
    }
    return result
}
