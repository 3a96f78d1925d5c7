/// The largest value of any run of a spectrum's bins in O(1), after an O(n log w) build for runs up to w bins long
/// (a sparse table: level j holds the maximum of the 2ʲ bins from each bin). Storage is allocated once; not
/// thread-safe.
struct RangeMaxima {
    /// Bins covered: runs must lie within `0..<binCount`.
    let binCount: Int
    /// Runs may be up to 2^levelCount - 1 bins long.
    let levelCount: Int
    /// `levelCount` rows of `binCount` values, level-major.
    private var table: [Float]

    /// - Parameters:
    ///   - binCount: bins of the values the maxima are taken over.
    ///   - longestRun: the longest run queried, in bins (1 or more).
    init(binCount: Int, longestRun: Int) {
        precondition(binCount >= 1 && longestRun >= 1, "empty range maxima")
        self.binCount = binCount
        levelCount = Self.level(ofLength: longestRun) + 1
        table = [Float](repeating: 0, count: levelCount * binCount)
    }

    /// The level whose two runs cover a run of `length` bins: ⌊log₂ length⌋.
    @inline(__always)
    static func level(ofLength length: Int) -> Int { Int.bitWidth - 1 - length.leadingZeroBitCount }

    /// Takes the maxima of the first `binCount` of `values`.
    /// - Complexity: O(binCount × levelCount).
    mutating func build(_ values: UnsafeBufferPointer<Float>) {
        let n = binCount, levels = levelCount
        table.withUnsafeMutableBufferPointer { table in
            guard let base = table.baseAddress, let source = values.baseAddress else { return }
            base.update(from: source, count: n)
            var span = 1
            for level in 1..<max(1, levels) {
                // Raw pointers and two plain loops (no bounds or overflow checks, no branch per bin) let the
                // compiler vectorise the maxima: the same values as the checked loop.
                let row = base + level * n, previous = row - n
                let paired = max(0, n - span)
                for k in 0..<paired { row[k] = max(previous[k], previous[k &+ span]) }
                // A run reaching past the end keeps the part inside.
                for k in paired..<n { row[k] = previous[k] }
                span *= 2
            }
        }
    }

    /// The largest value in bins `low...high`.
    @inline(__always)
    func maximum(_ low: Int, _ high: Int) -> Float {
        let (a, b) = entries(low, high)
        return table.withUnsafeBufferPointer { max($0[a], $0[b]) }
    }

    /// The two table entries whose larger is the maximum of bins `low...high`: for runs fixed in advance, so that
    /// a query is two reads (`withEntries`).
    func entries(_ low: Int, _ high: Int) -> (Int, Int) {
        precondition(0 <= low && low <= high && high < binCount, "run outside the bins")
        let level = Self.level(ofLength: high - low + 1)
        precondition(level < levelCount, "run longer than the table was built for")
        return (level * binCount + low, level * binCount + high - (1 << level) + 1)
    }

    /// Calls `body` with the table, to read entries from `entries(_:_:)`.
    @inline(__always)
    func withEntries<R>(_ body: (UnsafeBufferPointer<Float>) -> R) -> R { table.withUnsafeBufferPointer(body) }
}
