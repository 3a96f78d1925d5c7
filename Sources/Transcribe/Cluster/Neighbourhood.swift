import Foundation

/// Where a sound explains another's events: near them in time.
///
/// A drum found under notes, or a sound found inside a compound (kick + hat), is one the song plays *around* those
/// events (the same loop, the same section), not one heard minutes away: a long song holds many kits, and a
/// dictionary of all of them explains anything as something plus a remainder (issue "One sound, one track across a
/// whole song": every vibraphone note of the whole-song case took a hat of another section as its attack).
enum Neighbourhood {
    /// A sound explains an event when it is heard within this many seconds of it (about 15 bars at 120 BPM: a loop
    /// and its variations; 10 and 30 s measured on the whole-song case, 30 s kept the most of each section).
    static let seconds = 30.0

    /// Whether `sortedTimes` (ascending) holds a time within `seconds` of `time`.
    /// - Complexity: O(log n).
    static func contains(_ sortedTimes: [Double], near time: Double) -> Bool {
        sortedTimes.sortedContains(within: seconds, of: time)
    }

    /// How many of `times` have one of `sortedTimes` (ascending) within `seconds`.
    /// - Complexity: O(n log m).
    static func count(_ times: [Double], near sortedTimes: [Double]) -> Int {
        times.count { contains(sortedTimes, near: $0) }
    }
}

extension Array where Element: Comparable & AdditiveArithmetic {
    /// Whether this array, ascending, holds a value within `radius` of `value` (bounds included), by binary search.
    /// - Complexity: O(log n).
    func sortedContains(within radius: Element, of value: Element) -> Bool {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle] < value - radius { low = middle + 1 } else { high = middle }
        }
        return low < count && self[low] <= value + radius
    }
}
