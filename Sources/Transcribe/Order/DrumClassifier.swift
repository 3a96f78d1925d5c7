import Foundation
import SoundSortCore

/// What a percussive sound's class is read from: where its attack put its energy, and how fast it died away.
public struct DrumFeatures: Sendable, Equatable {
    /// Share (0…1, summing to 1) of the attack's rise in each octave band of `BandEnvelope`, in amplitude (the square
    /// root of the power: power would let a tonal body outweigh a snare's noise, summed magnitudes the reverse).
    public var shares: [Float]
    /// Seconds from the attack's peak to 20 dB under it (the median over the sound's events).
    public var decay: Double

    public init(shares: [Float], decay: Double) {
        self.shares = shares
        self.decay = decay
    }

    /// Share below 250 Hz (a kick's and a floor tom's body).
    var low: Float { shares[0] + shares[1] }
    /// Share from 250 Hz to 1 kHz (a snare's and a high tom's body, a rim's knock).
    var lowMid: Float { shares[2] + shares[3] }
    /// Share from 1 to 4 kHz (a clap's and a snare's crack, a ride's ping).
    var mid: Float { shares[4] + shares[5] }
    /// Share above 4 kHz (hats, cymbals, a snare's wires).
    var high: Float { shares[6] + shares[7] }
}

/// Tells kit pieces apart from the attack's octave-band spectrum and the decay, the cues a listener (and the drum
/// transcription literature's hand-made features: band energies, centroid, decay) uses: a kick's energy lies below
/// 250 Hz, a tom's a little higher and longer; a hat's above 4 kHz, short when closed, longer when open, and a
/// cymbal's rings for seconds; a snare is a body under 1 kHz and a noise above; a clap is noise from 1 to 4 kHz
/// without a body; a rim is a short knock between 250 Hz and 4 kHz.
public enum DrumClassifier {
    /// Decays (to 20 dB under the peak) shorter than this, in seconds, are a closed hat's…
    public static let closedHatDecay = 0.15
    /// …and shorter than this an open hat's; longer ones a cymbal's.
    public static let openHatDecay = 0.5
    /// A rim's knock is over within this, in seconds.
    public static let rimDecay = 0.06
    /// The class of a percussive sound with these features. A hit often starts with a hat that no onset told apart,
    /// so a component is looked for rather than a whole: a sub-bass body makes a kick whatever rides on it.
    /// Thresholds were set on the corpus' kits (FluidR3, TimGM6mb, MuseScore General, three Hydrogen kits).
    public static func classify(_ f: DrumFeatures) -> DrumClass {
        let s = f.shares
        let body = s[1] + s[2] + s[3]  // 125 Hz – 1 kHz
        let noise = s[4] + s[5] + s[6] + s[7]  // above 1 kHz
        // Hats and cymbals: mostly above 4 kHz, nothing under 250 Hz.
        if f.high >= 0.45 && f.low < 0.2 { return metal(f.decay) }
        // Kick: a body below 250 Hz, a good part of it below 125 Hz (a snare's or a tom's body lies above).
        if s[0] >= 0.18 && f.low >= 0.45 { return .kick }
        // Clap: noise from 1 to 4 kHz without a body.
        if s[4] + s[5] >= 0.45 && f.low < 0.1 { return .clap }
        // Rim: a short knock between 250 Hz and 4 kHz, with little noise above.
        if f.lowMid + f.mid >= 0.6 && f.decay < rimDecay && f.high < 0.15 { return .rim }
        // Snare: a body under 1 kHz and a noise above it.
        if body >= 0.3 && noise >= 0.2 { return .snare }
        // Tom: a body under 1 kHz, little noise.
        if s[0] + body >= 0.6 { return .tom }
        if f.high >= 0.35 { return metal(f.decay) }
        return .other
    }

    /// A hat or a cymbal by how fast it dies away.
    static func metal(_ decay: Double) -> DrumClass {
        decay < closedHatDecay ? .closedHat : (decay < openHatDecay ? .openHat : .cymbal)
    }

    /// The features of a sound from its events' decays.
    /// - Parameters:
    ///   - members: the sound's events.
    ///   - alone: for each event of the song, whether no other event starts near it (`DecayMeasurer.alone`); the
    ///     sound's events alone are used when it has any (the others' rises had the sounds with them taken out).
    static func features(of members: [Int], decays: [EventDecay], alone: [Bool]) -> DrumFeatures {
        let lone = members.filter { alone[$0] }
        let used = lone.isEmpty ? members : lone
        var shares = [Float](repeating: 0, count: BandEnvelope.bandCount)
        var counted = 0
        for index in used {
            let amplitudes = decays[index].rise.map { $0.squareRoot() }
            let total = amplitudes.reduce(0, +)
            guard total > 0 else { continue }
            for b in shares.indices { shares[b] += amplitudes[b] / total }
            counted += 1
        }
        if counted > 0 { for b in shares.indices { shares[b] /= Float(counted) } }
        // An event cut by the next onset before it fell far enough to extrapolate says only that it was cut, not how
        // fast the sound dies (a hat under a held bass note or cut by a kick): the events whose decay was measured
        // decide, when there are any.
        let measured = used.filter { decays[$0].hasMeasuredDecay }
        let times = (measured.isEmpty ? used : measured).map { decays[$0].decayTime }.sorted()
        return DrumFeatures(shares: shares, decay: times.isEmpty ? 0 : times[times.count / 2])
    }
}

extension EventDecay {
    /// Whether the decay time was measured or extrapolated from a measurable fall, rather than set to
    /// `DecayMeasurer.longestNote` for an event cut before it fell `DecayMeasurer.measurableFall` dB.
    var hasMeasuredDecay: Bool { decayed || decayTime < DecayMeasurer.longestNote }
}
