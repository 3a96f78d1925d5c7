import Foundation

/// MIDI note numbers and frequencies: the one rule every module names a pitch by (equal temperament, A4 = 440 Hz =
/// note 69, 60 = C4).
public enum MIDINote {
    /// The tuning reference: this note number sounds at `referenceFrequency` Hz.
    public static let referenceNote = 69
    public static let referenceFrequency = 440.0
    private static let names = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]

    /// The fractional note number of `frequency` Hz (69.5 is a quarter tone above A4).
    public static func fractional(frequency: Double) -> Double {
        Double(referenceNote) + 12 * log2(frequency / referenceFrequency)
    }

    /// The nearest note number to `frequency` Hz, clamped to 0…127.
    public static func nearest(frequency: Double) -> Int {
        min(127, max(0, Int(fractional(frequency: frequency).rounded())))
    }

    /// Scientific pitch name of a note number, 0…127 (60 = C4, 61 = C#4, 0 = C-1).
    public static func name(_ note: Int) -> String {
        names[((note % 12) + 12) % 12] + "\(note / 12 - 1)"
    }
}
