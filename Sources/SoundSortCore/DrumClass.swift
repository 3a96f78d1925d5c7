/// The kit piece a percussive sound is heard as, and the General MIDI percussion notes (channel 10) of its family.
public enum DrumClass: String, Sendable, Codable, CaseIterable {
    case kick
    case snare
    case clap
    case rim
    case closedHat = "closed hat"
    case openHat = "open hat"
    case tom
    /// Crash, ride, splash, china.
    case cymbal
    /// Anything else: shakers, blocks, bells, bongos, synthetic blips.
    case other = "percussion"

    /// The family's General MIDI notes, the usual one first, then its neighbours in the family: a second kick is 35
    /// (Acoustic Bass Drum), a second snare 40 (Electric Snare), a second closed hat 44 (Pedal Hi-Hat). Toms run from
    /// low to high (41 Low Floor Tom … 50 High Tom).
    public var generalMIDINotes: [Int] {
        switch self {
        case .kick: [36, 35]
        case .snare: [38, 40]
        case .clap: [39]
        case .rim: [37]
        case .closedHat: [42, 44]
        case .openHat: [46]
        case .tom: [41, 43, 45, 47, 48, 50]
        case .cymbal: [49, 51, 57, 59, 55, 52, 53]
        case .other: [56, 54, 75, 76, 77, 69, 70, 60, 61, 62, 63, 64, 65, 66, 67, 68, 71, 72, 73, 74, 78, 79, 80, 81, 58]
        }
    }

    /// The lowest and highest General MIDI percussion notes SoundSort writes (35 Acoustic Bass Drum … 81 Open Triangle).
    public static let generalMIDIRange = 35...81

    /// The class whose family holds General MIDI percussion note `note`, if any.
    public init?(generalMIDINote note: Int) {
        guard let found = Self.allCases.first(where: { $0.generalMIDINotes.contains(note) }) else { return nil }
        self = found
    }

    /// General MIDI notes for percussive sounds of the given classes, one each, in the order given: the first sound of a
    /// class gets its family's usual note, the next one its neighbour; toms are placed by `pitchOrder` (low to high).
    /// A family with no note left lends from `other`, then any free note of 35…81; past that, notes repeat.
    /// - Parameter pitchOrder: for each sound, a key that orders toms from low to high.
    public static func generalMIDINotes(for classes: [DrumClass], pitchOrder: [Double]) -> [Int] {
        var notes = [Int](repeating: 0, count: classes.count)
        var used = Set<Int>()
        func take(_ candidates: [Int]) -> Int? {
            guard let note = candidates.first(where: { !used.contains($0) }) else { return nil }
            used.insert(note)
            return note
        }
        let toms = classes.indices.filter { classes[$0] == .tom }.sorted { (pitchOrder[$0], $0) < (pitchOrder[$1], $1) }
        // Toms take a run of the family centred on its middle, so two toms are low-mid and high-mid.
        let family = DrumClass.tom.generalMIDINotes
        let first = max(0, (family.count - toms.count) / 2)
        for (rank, index) in toms.enumerated() where first + rank < family.count {
            notes[index] = family[first + rank]
            used.insert(notes[index])
        }
        let everyNote = Array(generalMIDIRange)
        for index in classes.indices where notes[index] == 0 {
            notes[index] = take(classes[index].generalMIDINotes) ?? take(DrumClass.other.generalMIDINotes) ?? take(everyNote)
                ?? classes[index].generalMIDINotes[0]
        }
        return notes
    }
}
