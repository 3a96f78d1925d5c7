import Foundation
import SoundSortCore
import Testing
import TestSupport
@testable import Transcribe

/// Hits heard only in the high bands join the drum they are hits of (issue "Real recorded drum kits": quiet 16th hats).
@Suite struct QuietHitsTests {
    static let rate = 44_100.0

    @Test func highBandPeaksAwayFromTheOnsetsFoundAreQuietHits() throws {
        // Peaks of 10 every 10 frames (0.1 s); onsets already found at frames 20 and 41 (within the 30 ms gap of 40).
        var flux = [Float](repeating: 0, count: 100)
        for frame in stride(from: 10, to: 100, by: 10) { flux[frame] = 10 }
        let frames = try QuietHits.onsets(highFlux: flux, besides: [20, 41], frameDuration: 0.01, settings: OnsetSettings())
        #expect(frames == [10, 30, 50, 60, 70, 80, 90])
    }

    /// A one-block, eight-band patch at 0 dB in `bands`, -60 dB elsewhere.
    static func patch(_ bands: Set<Int>) -> AttackPatch {
        AttackPatch(blocks: 1, bands: 8, values: (0..<8).map { bands.contains($0) ? 0 : -60 }, present: [true])
    }

    static func event(at onset: Double) -> DetectedEvent {
        DetectedEvent(onset: onset, end: onset + 0.1, startFrame: Int(onset * 100), endFrame: Int(onset * 100) + 10, level: -20)
    }

    static func features(_ patch: AttackPatch, pitch: Double? = nil) -> EventFeatures {
        EventFeatures(patch: patch, pitch: pitch.map { PitchEstimate(frequency: $0, confidence: 1) })
    }

    /// Eight bands, the last two from 6 kHz up (`QuietHits.lowestFrequency`).
    static let bandCentres = [100.0, 300, 600, 1_000, 2_000, 4_000, 7_000, 11_000]

    static func quietHits() -> QuietHits { QuietHits(threshold: 5.5, voicedConfidence: 0.8, bandCentres: bandCentres) }

    @Test func aQuietHitJoinsTheNearestDrumHeardNearIt() {
        // A kick (sound 0) and a hat (sound 1) in the first seconds, a tone (sound 2) throughout.
        let kick = Self.patch([0, 1]), hat = Self.patch([6, 7]), tone = Self.patch([3])
        let found = SimultaneousSounds.Result(
            events: [0.0, 0.5, 1.0, 1.5, 2.0, 100.0].map(Self.event),
            features: [Self.features(kick), Self.features(hat), Self.features(kick), Self.features(hat),
                       Self.features(tone, pitch: 440), Self.features(tone, pitch: 440)],
            labels: [0, 1, 0, 1, 2, 2], origins: [0, 1, 2, 3, 4, 5])
        // 5.75 dB from the hat over all bands, 8 over the high ones: within 1.5 × 5.5 but, pitched, not within 5.5.
        let nearlyHat = AttackPatch(blocks: 1, bands: 8, values: [-60, -60, -60, -60, -60, -30, 0, -16], present: [true])
        // A hat 10 dB under a held note (band 3): 10 dB from the hat over all bands, 0 over the high ones.
        let hatUnderNote = AttackPatch(blocks: 1, bands: 8, values: [-60, -60, -60, 0, -60, -60, -10, -10], present: [true])
        let hits = [0.75, 1.25, 1.75, 60.0, 1.8, 1.85, 1.6, 1.65].map(Self.event)
        let hitFeatures = [Self.features(hat), Self.features(kick), Self.features(Self.patch([3, 4])),  // A hat, a kick, neither.
                           Self.features(hat),  // A hat a minute after the last hat.
                           Self.features(hat, pitch: 440),  // A hat under a held note: a hat.
                           Self.features(nearlyHat, pitch: 440),
                           // Pitched, it is known by its high bands; unpitched, it is compared whole and left out.
                           Self.features(hatUnderNote, pitch: 440), Self.features(hatUnderNote)]
        let joined = Self.quietHits().join(hits: hits, features: hitFeatures, to: found, firstOrigin: 6)
        #expect(joined.events.map(\.onset) == [0.0, 0.5, 0.75, 1.0, 1.25, 1.5, 1.6, 1.8, 2.0, 100.0])
        #expect(joined.labels == [0, 1, 1, 0, 0, 1, 1, 1, 2, 2])
        #expect(joined.origins == [0, 1, 6, 2, 7, 3, 12, 10, 4, 5])
        // A hit is a hit: nothing left in it to take apart.
        #expect(joined.features[2].pitch == nil && joined.features[2].content == nil)
        #expect(joined.features[6].pitch == nil && joined.features[7].pitch == nil)
    }

    @Test func withoutQuietHitsNothingChanges() {
        let found = SimultaneousSounds.Result(events: [Self.event(at: 0)], features: [Self.features(Self.patch([0]))], labels: [0], origins: [0])
        let joined = Self.quietHits().join(hits: [], features: [], to: found, firstOrigin: 1)
        #expect(joined.events == found.events && joined.labels == found.labels && joined.origins == found.origins)
    }

    /// A hat hidden at other sounds' onsets is one more event of it, at the same onset and origin; nothing else is.
    @Test func aHatHiddenAtAnotherSoundsOnsetIsAddedThere() {
        // A hat (sound 1: loudest in the high bands) alone on the off-beats; a kick (sound 0) with the same hat 12 dB
        // under it on the beats; a tone (sound 2) on a hat at 3.0, and alone at 3.25 and a minute later under one.
        let hat = AttackPatch(blocks: 1, bands: 8, values: [-60, -60, -60, -60, -60, -30, 0, -12], present: [true])
        let kickAndHat = AttackPatch(blocks: 1, bands: 8, values: [0, -3, -40, -50, -50, -42, -12, -24], present: [true])
        let kickAlone = AttackPatch(blocks: 1, bands: 8, values: [0, -3, -40, -50, -50, -60, -60, -60], present: [true])
        let toneAndHat = AttackPatch(blocks: 1, bands: 8, values: [-60, -60, -60, 0, -20, -45, -15, -27], present: [true])
        // A tone over a flat hiss up there (a hat's shape is not a hiss's): 6 dB from the hat's shape.
        let toneAndHiss = AttackPatch(blocks: 1, bands: 8, values: [-60, -60, -60, 0, -20, -15, -15, -15], present: [true])
        // A hat that joined another sound whole: it is no kick with a hat on it.
        let hatWhole = AttackPatch(blocks: 1, bands: 8, values: [-60, -60, -60, -60, -60, -28, 0, -13], present: [true])
        var patches: [AttackPatch] = [], labels: [Int] = [], onsets: [Double] = [], pitches: [Double?] = []
        for beat in 0..<3 {
            patches += [kickAndHat, hat]
            labels += [0, 1]
            onsets += [Double(beat), Double(beat) + 0.5]
            pitches += [nil, nil]
        }
        patches += [kickAlone, toneAndHat, toneAndHiss, hatWhole, toneAndHat]
        labels += [0, 2, 2, 0, 2]
        onsets += [2.75, 3.0, 3.25, 3.5, 100]
        pitches += [nil, 440, 440, nil, 440]
        let found = SimultaneousSounds.Result(events: onsets.map(Self.event),
                                              features: zip(patches, pitches).map { Self.features($0, pitch: $1) },
                                              labels: labels, origins: Array(onsets.indices))
        let added = Self.quietHits().addHiddenHits(to: found)
        // The kicks on the beats and the tone at 3.0 gain a hat; the lone kick, the hiss, the hat that joined the
        // kick, and the tone a minute after the last hat do not.
        #expect(added.events.map(\.onset) == [0, 0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 2.75, 3, 3, 3.25, 3.5, 100])
        #expect(added.labels == [0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 2, 1, 2, 0, 2])
        #expect(added.origins == [0, 0, 1, 2, 2, 3, 4, 4, 5, 6, 7, 7, 8, 9, 10])
        // The added hit is the hat's, known by its high bands alone: no pitch, nothing to take apart.
        #expect(added.features[11].pitch == nil && added.features[11].joinedByBandsAlone)
        #expect(!added.features[10].joinedByBandsAlone && added.features[10].pitch?.frequency == 440)
        // An onset that already holds the hat gains none: the result is unchanged when run again.
        #expect(Self.quietHits().addHiddenHits(to: added).labels == added.labels)
    }

    /// A hidden hit's drum must be there where it is strongest: a clap always heard with a hat has the hat's shape in
    /// the high bands, and a kick + hat matches it there, but lacks the clap's body.
    @Test func aHiddenDrumMustHoldItsCore() {
        // The clap + hat (sound 1): loudest at 2 kHz, its high bands the hat's.
        let clapAndHat = AttackPatch(blocks: 1, bands: 8, values: [-60, -60, -40, -6, 0, -10, -3, -15], present: [true])
        // A kick + hat (sound 0): the same shape above 6 kHz, 9 dB lower, and nothing at 1–2 kHz.
        let kickAndHat = AttackPatch(blocks: 1, bands: 8, values: [0, -3, -40, -50, -50, -42, -12, -24], present: [true])
        // A high tone (sound 2) with the clap + hat 10 dB under it.
        let toneAndClap = AttackPatch(blocks: 1, bands: 8, values: [-60, -60, -50, -16, -10, 0, -13, -25], present: [true])
        let patches = [clapAndHat, kickAndHat, clapAndHat, kickAndHat, toneAndClap]
        let labels = [1, 0, 1, 0, 2]
        let onsets = [0.0, 0.5, 1.0, 1.5, 2.0]
        let found = SimultaneousSounds.Result(events: onsets.map(Self.event),
                                              features: zip(patches, labels).map { Self.features($0, pitch: $1 == 2 ? 3_951 : nil) },
                                              labels: labels, origins: Array(onsets.indices))
        #expect(!QuietHits.holdsCore(of: clapAndHat, in: kickAndHat, alignedOutside: Self.bandCentres.map { $0 < QuietHits.lowestFrequency }))
        let added = Self.quietHits().addHiddenHits(to: found)
        // Only the tone gains a clap.
        #expect(added.events.map(\.onset) == [0, 0.5, 1, 1.5, 2, 2])
        #expect(added.labels == [1, 0, 1, 0, 2, 1])
        #expect(added.features[5].joinedByBandsAlone)
    }

    /// A kick hidden under a hat is found the same way in the low bands (under 200 Hz).
    @Test func aKickHiddenUnderAHatIsAddedThere() {
        // Three bands under 200 Hz.
        let centres = [60.0, 120, 180, 600, 2_000, 4_000, 7_000, 11_000]
        let kick = AttackPatch(blocks: 1, bands: 8, values: [0, -4, -12, -40, -50, -60, -60, -60], present: [true])
        let hat = AttackPatch(blocks: 1, bands: 8, values: [-60, -60, -60, -60, -50, -30, 0, -12], present: [true])
        // The hat with the kick 8 dB under it: the onset joined the hat's sound.
        let hatAndKick = AttackPatch(blocks: 1, bands: 8, values: [-8, -12, -20, -40, -45, -30, 0, -12], present: [true])
        // A bass note (sound 2): its low bands are no kick's shape.
        let bass = AttackPatch(blocks: 1, bands: 8, values: [0, -30, -50, -20, -50, -60, -60, -60], present: [true])
        let patches = [kick, hat, hatAndKick, hat, kick, hatAndKick, bass, bass]
        let labels = [0, 1, 1, 1, 0, 1, 2, 2]
        let onsets = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5]
        let found = SimultaneousSounds.Result(events: onsets.map(Self.event),
                                              features: zip(patches, labels).map { Self.features($0, pitch: $1 == 2 ? 55 : nil) },
                                              labels: labels, origins: Array(onsets.indices))
        let added = QuietHits(threshold: 5.5, voicedConfidence: 0.8, bandCentres: centres).addHiddenHits(to: found)
        #expect(added.events.map(\.onset) == [0, 0.5, 1, 1, 1.5, 2, 2.5, 2.5, 3, 3.5])
        #expect(added.labels == [0, 1, 1, 0, 1, 0, 1, 0, 2, 2])
        #expect(added.features[3].joinedByBandsAlone && added.features[7].joinedByBandsAlone)
    }

    /// A quiet hat on every beat under a loud tone, and alone between the beats: the tone holds nearly all of each
    /// beat's increase, so nothing is left over for a hit; over the high bands the beat has the hat's shape.
    @Test func aQuietHatUnderALoudToneIsOneMoreHitOfTheHat() throws {
        var signal = Synth.silence(duration: 8.5, sampleRate: Self.rate)
        let beats = (0..<8).map { Double($0) + 0.2 }, offBeats = (0..<8).map { Double($0) + 0.7 }
        Synth.addHat(to: &signal, onsets: beats + offBeats, amplitude: 0.08)
        for (index, beat) in beats.enumerated() {
            Synth.addTone(to: &signal, timbre: .bright, midiNote: index % 2 == 0 ? 45 : 52, onsets: [beat], length: 0.45, amplitude: 0.5)
        }
        let transcription = try Transcriber().transcribe(samples: signal, sampleRate: Self.rate)
        let hatSounds = Set(offBeats.flatMap { time in transcription.events.filter { abs($0.onset - time) < 0.02 }.map(\.sound) })
        #expect(hatSounds.count == 1, "the hats alone are one sound")
        for beat in beats {
            let found = transcription.events.filter { abs($0.onset - beat) < 0.02 }
            #expect(found.count == 2, "at \(beat) s: \(found.map { ($0.sound, $0.pitchHz ?? 0) })")
            #expect(found.contains { hatSounds.contains($0.sound) }, "the hat at \(beat) s")
        }
    }
}
