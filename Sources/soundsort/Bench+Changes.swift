import Foundation

/// What changed, case by case, between two sets of per-case figures (a baseline and a run, or two saved runs).
struct BenchChanges {
    /// Smallest change of a figure that is listed: below the table's last digit, so rounding noise stays out.
    static let threshold = 0.0005

    /// One figure of one case that moved.
    struct Change {
        var caseName: String
        var before: BenchFigure
        var after: BenchFigure
    }

    /// Sorted by case name, then figures in table order.
    var changes: [Change] = []
    /// Cases only in the later set, by name.
    var newCases: [String] = []
    /// Cases only in the earlier set, by name.
    var missingCases: [String] = []

    init(from before: [CaseFigures], to after: [CaseFigures]) {
        // A name given twice (a hand-edited file) keeps its first figures rather than stopping the comparison.
        let earlier = Dictionary(before.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let later = Dictionary(after.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        newCases = later.keys.filter { earlier[$0] == nil }.sorted()
        missingCases = earlier.keys.filter { later[$0] == nil }.sorted()
        for name in later.keys.sorted() {
            guard let old = earlier[name], let new = later[name] else { continue }
            for (a, b) in zip(old.figures, new.figures) where Self.differ(a.value, b.value) {
                changes.append(Change(caseName: name, before: a, after: b))
            }
        }
    }

    /// Whether a figure moved by more than `threshold`, or appeared, or disappeared.
    static func differ(_ a: Double?, _ b: Double?) -> Bool {
        switch (a, b) {
        case let (a?, b?): abs(b - a) > threshold
        case (nil, nil): false
        default: true
        }
    }

    var isEmpty: Bool { changes.isEmpty && newCases.isEmpty && missingCases.isEmpty }

    /// One line per change (`  chords-over-drums  mapped F 0.675 → 0.712 (+0.037)`), then the new and missing cases.
    var lines: [String] {
        var out = changes.map { "  \($0.caseName)  " + Self.describe(from: $0.before, to: $0.after) }
        if !newCases.isEmpty { out.append("  new cases: " + newCases.joined(separator: ", ")) }
        if !missingCases.isEmpty { out.append("  missing cases: " + missingCases.joined(separator: ", ")) }
        return out
    }

    /// `name 0.675 → 0.712 (+0.037)`; a figure that is absent shows as "–", and then no difference is given.
    static func describe(from before: BenchFigure, to after: BenchFigure) -> String {
        func shown(_ value: Double?) -> String { value.map { formatFixed($0, after.digits) } ?? "–" }
        var text = "\(after.name) \(shown(before.value)) → \(shown(after.value))"
        if let a = before.value, let b = after.value {
            // A difference that rounds to zero is shown as +0.000, never -0.000.
            let shownDifference = formatFixed(abs(b - a), after.digits) == formatFixed(0, after.digits) ? 0 : b - a
            text += " (" + String(format: "%+.\(after.digits)f", shownDifference) + ")"
        }
        return text
    }

    /// The full listing under a heading naming both sides; a side without per-case figures (an old baseline) says so.
    static func report(before: [CaseFigures]?, after: [CaseFigures]?, from beforeName: String, to afterName: String) -> String {
        guard let before, let after else {
            let meansOnly = before == nil ? beforeName : afterName
            return "changes from \(beforeName) to \(afterName): \(meansOnly) holds means only (no per-case figures)\n"
        }
        let changes = BenchChanges(from: before, to: after)
        if changes.isEmpty { return "changes from \(beforeName) to \(afterName): none above \(threshold)\n" }
        return "changes from \(beforeName) to \(afterName):\n" + changes.lines.map { $0 + "\n" }.joined()
    }

    /// Every mean, before and after, whether it moved or not (order contiguity left out when neither side has one).
    static func meansReport(before: BenchMeans, after: BenchMeans) -> String {
        "means:\n" + zip(before.figures, after.figures).filter { $0.value != nil || $1.value != nil }
            .map { "  " + describe(from: $0, to: $1) + "\n" }.joined()
    }
}
