import Foundation

/// Agreement of two labelings of the same items, as `sklearn.metrics` defines each figure.
public struct ClusterScores: Sendable, Equatable, Codable {
    public var adjustedRandIndex: Double
    /// Normalised mutual information, arithmetic-mean normalisation.
    public var normalizedMutualInformation: Double
    public var homogeneity: Double
    public var completeness: Double
    public var vMeasure: Double
    public var fowlkesMallows: Double

    /// Every figure 0: what SoundSort reports when no pair was matched (scikit-learn would say 1 for empty input,
    /// which would call a transcription that found nothing perfect).
    public static let nothingMatched = ClusterScores(adjustedRandIndex: 0, normalizedMutualInformation: 0, homogeneity: 0,
                                                     completeness: 0, vMeasure: 0, fowlkesMallows: 0)

    public init(adjustedRandIndex: Double, normalizedMutualInformation: Double, homogeneity: Double,
                completeness: Double, vMeasure: Double, fowlkesMallows: Double) {
        self.adjustedRandIndex = adjustedRandIndex
        self.normalizedMutualInformation = normalizedMutualInformation
        self.homogeneity = homogeneity
        self.completeness = completeness
        self.vMeasure = vMeasure
        self.fowlkesMallows = fowlkesMallows
    }

    /// - Parameters:
    ///   - truth: the reference label of each item (`labels_true`).
    ///   - predicted: the estimated label of each item (`labels_pred`), same count.
    public init<T: Hashable, P: Hashable>(truth: [T], predicted: [P]) {
        precondition(truth.count == predicted.count, "both labelings must cover the same items")
        guard !truth.isEmpty else { self = .nothingMatched; return }
        let table = Contingency(truth: truth, predicted: predicted)
        let n = Double(truth.count)

        // Pair confusion matrix (sklearn.metrics.cluster.pair_confusion_matrix).
        let sumSquares = table.cells.values.reduce(0.0) { $0 + $1 * $1 }
        let truePositive = sumSquares - n
        let falsePositive = table.cells.reduce(0.0) { $0 + $1.value * table.predictedSizes[$1.key.predicted] } - sumSquares
        let falseNegative = table.cells.reduce(0.0) { $0 + $1.value * table.truthSizes[$1.key.truth] } - sumSquares
        let trueNegative = n * n - falsePositive - falseNegative - sumSquares
        if falseNegative == 0 && falsePositive == 0 {
            adjustedRandIndex = 1
        } else {
            adjustedRandIndex = 2 * (truePositive * trueNegative - falseNegative * falsePositive)
                / ((truePositive + falseNegative) * (falseNegative + trueNegative) + (truePositive + falsePositive) * (falsePositive + trueNegative))
        }

        let mutualInformation = table.mutualInformation
        let truthEntropy = entropy(table.truthSizes, total: n)
        let predictedEntropy = entropy(table.predictedSizes, total: n)
        if (table.truthSizes.count == 1 && table.predictedSizes.count == 1) {
            normalizedMutualInformation = 1
        } else {
            normalizedMutualInformation = mutualInformation / max((truthEntropy + predictedEntropy) / 2, Double.ulpOfOne)
        }
        homogeneity = truthEntropy == 0 ? 1 : mutualInformation / truthEntropy
        completeness = predictedEntropy == 0 ? 1 : mutualInformation / predictedEntropy
        vMeasure = homogeneity + completeness == 0 ? 0 : 2 * homogeneity * completeness / (homogeneity + completeness)

        let tk = sumSquares - n
        let pk = table.predictedSizes.reduce(0.0) { $0 + $1 * $1 } - n
        let qk = table.truthSizes.reduce(0.0) { $0 + $1 * $1 } - n
        fowlkesMallows = tk != 0 ? (tk / pk).squareRoot() * (tk / qk).squareRoot() : 0
    }
}

/// Counts of items per (truth, predicted) label pair, labels renumbered densely in order of first appearance.
struct Contingency {
    struct Cell: Hashable { var truth: Int, predicted: Int }
    var cells: [Cell: Double] = [:]
    var truthSizes: [Double] = []
    var predictedSizes: [Double] = []

    init<T: Hashable, P: Hashable>(truth: [T], predicted: [P]) {
        var truthIndex: [T: Int] = [:], predictedIndex: [P: Int] = [:]
        for (t, p) in zip(truth, predicted) {
            let i = truthIndex[t] ?? { truthIndex[t] = truthSizes.count; truthSizes.append(0); return truthSizes.count - 1 }()
            let j = predictedIndex[p] ?? { predictedIndex[p] = predictedSizes.count; predictedSizes.append(0); return predictedSizes.count - 1 }()
            truthSizes[i] += 1
            predictedSizes[j] += 1
            cells[Cell(truth: i, predicted: j), default: 0] += 1
        }
    }

    /// Mutual information in nats (sklearn.metrics.mutual_info_score), clipped at 0.
    var mutualInformation: Double {
        let n = truthSizes.reduce(0, +)
        var sum = 0.0
        for (cell, count) in cells.sorted(by: { ($0.key.truth, $0.key.predicted) < ($1.key.truth, $1.key.predicted) }) {
            let term = count / n * (log(count) - log(n) - log(truthSizes[cell.truth] * predictedSizes[cell.predicted]) + log(n) + log(n))
            sum += abs(term) < Double.ulpOfOne ? 0 : term
        }
        return max(sum, 0)
    }
}

/// Entropy in nats of a labeling given its label sizes.
func entropy(_ sizes: [Double], total: Double) -> Double {
    guard sizes.count > 1 else { return 0 }
    return -sizes.reduce(0.0) { $0 + $1 / total * (log($1) - log(total)) }
}
