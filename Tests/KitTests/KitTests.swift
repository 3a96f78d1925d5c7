import Foundation
@testable import Kit
import SoundSortCore
import Testing
import TestSupport
import Transcribe

/// A song made of three known samples: the kit must give each sample back, and rebuild the song from them.
@Suite struct KnownSamplesTests {
    static let rate = 44_100.0
    /// dB per velocity step of the default settings.
    static let decibelsPerVelocity = TranscriptionSettings().velocityRange / 127

    /// Three sounds that start at a non-zero point (so their first point is where they begin) and die away to −60 dB.
    static let samples: [[Float]] = {
        func tone(_ frequency: Double, _ length: Double, amplitude: Double) -> [Float] {
            (0..<Int(length * rate)).map { n -> Float in
                let t = Double(n) / rate
                let first: Double = cos(2 * .pi * frequency * t)
                let second: Double = 0.5 * cos(2 * .pi * 2 * frequency * t + 0.3)
                let third: Double = 0.25 * cos(2 * .pi * 3 * frequency * t + 0.7)
                let envelope: Double = exp(-t * log(1000.0) / length)
                return Float(amplitude * (first + second + third) * envelope)
            }
        }
        var generator = SeededGenerator(seed: 7)
        let noiseLength = 0.15
        var noise: [Float] = []
        for n in 0..<Int(noiseLength * rate) {
            let envelope: Double = exp(-Double(n) / rate * log(1000.0) / noiseLength)
            noise.append(Float(0.6 * Double.random(in: -1...1, using: &generator) * envelope))
        }
        return [tone(220, 0.6, amplitude: 0.3), noise, tone(659.25, 0.4, amplitude: 0.25)]
    }()

    /// Where each sample plays, in seconds (whole points, so repeats are exact copies), with silence between.
    static let placements: [(sample: Int, onset: Double)] = [
        (0, 0.5), (1, 1.5), (2, 2.0), (1, 3.0), (0, 3.5), (2, 4.5), (1, 5.5), (0, 6.0), (2, 7.0),
    ]

    static let song: [Float] = {
        var song = [Float](repeating: 0, count: Int(8 * rate))
        for placement in placements {
            let start = Int(placement.onset * rate)
            for (index, value) in samples[placement.sample].enumerated() { song[start + index] += value }
        }
        return song
    }()

    /// The transcription, and the kit made from it with one channel per sound and its own note as key.
    static func kit() throws -> (Transcription, Kit) {
        let transcription = try Transcriber().transcribe(samples: song, sampleRate: rate)
        let triggers = transcription.sounds.indices.map { Kit.Trigger(channel: $0 >= 9 ? $0 + 1 : $0, key: transcription.sounds[$0].midiNote, program: $0) }
        return (transcription, Kit(transcription: transcription, audio: song, sampleRate: rate, triggers: triggers, decibelsPerVelocity: decibelsPerVelocity))
    }

    /// The known sample a sound's events are: the one most of them were placed as.
    static func knownSample(of sound: Int, in transcription: Transcription) -> Int? {
        let votes = transcription.events.filter { $0.sound == sound }.compactMap { event in
            placements.first { abs($0.onset - event.onset) < 0.05 }?.sample
        }
        return Dictionary(grouping: votes, by: { $0 }).max { $0.value.count < $1.value.count }?.key
    }

    @Test func eachSoundsSampleIsItsKnownSample() throws {
        let (transcription, kit) = try Self.kit()
        #expect(transcription.sounds.count == 3)
        var found = Set<Int>()
        for (sound, voice) in kit.voices.enumerated() {
            let known = try #require(Self.knownSample(of: sound, in: transcription))
            found.insert(known)
            let sample = Self.samples[known]
            // The whole audible sound (to −40 dB at least), point for point.
            #expect(voice.samples.count >= Int(Double(sample.count) * 2 / 3), "\(voice.name): \(voice.samples.count) of \(sample.count) points")
            #expect(voice.samples.count <= sample.count + Int(0.01 * Self.rate))
            let fade = SamplePicker.fadeLength(of: voice.samples.count, sampleRate: Self.rate)
            var worst: Float = 0
            for index in voice.samples.indices {
                let expected = (index < sample.count ? sample[index] : 0) * SamplePicker.fadeGain(at: index, count: voice.samples.count, fade: fade)
                worst = max(worst, abs(voice.samples[index] - expected))
            }
            #expect(worst < 1e-3, "\(voice.name): largest difference \(worst)")
        }
        #expect(found == [0, 1, 2])
    }

    @Test func theSongRebuiltFromItsSamplesIsAlmostTheSong() throws {
        let (transcription, kit) = try Self.kit()
        let notes = transcription.events.map { Resynthesis.Note(voice: $0.sound, onset: $0.onset, offset: $0.offset, velocity: $0.velocity) }
        let rebuild = Resynthesis.render(notes, kit: kit, frameCount: Self.song.count)
        let error = try ResynthesisError(song: Self.song, rebuild: rebuild, sampleRate: Self.rate)
        #expect(error.decibels < 0.5, "re-synthesis error \(error.decibels) dB")
        #expect(error.perSecondDecibels.count == 8)
        // A rebuild with one sound missing is far off: the measure can fail.
        let missing = Resynthesis.render(notes.filter { $0.voice != 0 }, kit: kit, frameCount: Self.song.count)
        let worse = try ResynthesisError(song: Self.song, rebuild: missing, sampleRate: Self.rate)
        #expect(worse.decibels > error.decibels + 2)
    }
}

@Suite struct ResynthesisTests {
    @Test func notesPlaceTheSampleAtTheirOnsetAtTheirLevelAndCutItAtTheirEnd() {
        let rate = 1_000.0
        let sample: [Float] = (0..<300).map { Float($0 + 1) / 300 }
        let kit = Kit(sampleRate: rate, voices: [Kit.Voice(name: "S00 tonal A3", channel: 0, key: 57, bank: 0, program: 0, samples: sample, velocity: 100, lead: 0.002)])
        let notes = [Resynthesis.Note(voice: 0, onset: 0.1, offset: 0.45, velocity: 100),
                     Resynthesis.Note(voice: 0, onset: 0.7, offset: 0.72, velocity: 80)]
        let output = Resynthesis.render(notes, kit: kit, frameCount: 1_300)
        // The first note: the sample from 2 ms before its onset, whole (the note outlasts it).
        for index in 0..<300 { #expect(output[98 + index] == sample[index]) }
        #expect(output[97] == 0 && output[398] == 0)
        // The second at (80/100)² of the level, as a sampler plays velocity 80 of a sample played at 100; held 22 ms,
        // then released over `releaseDuration` (100 points).
        let gain: Float = 0.64, release = Int(Resynthesis.releaseDuration * rate)
        for index in 0..<22 { #expect(output[698 + index].isApproximatelyEqual(to: gain * sample[index], absoluteTolerance: 1e-6)) }
        #expect(output[698 + 22] < gain * sample[22])
        #expect(output[698 + 22 + release / 2] > 0 && output[698 + 22 + release / 2] < gain * sample[22 + release / 2] * 0.6)
        #expect(output[698 + 22 + release] == 0)
    }

    @Test func aOneShotVoicePlaysItsWholeSampleWhateverTheNotesLength() {
        let rate = 1_000.0
        let sample: [Float] = (0..<100).map { Float($0 + 1) / 100 }
        let voice = Kit.Voice(name: "S00 closed hat", channel: 9, key: 42, bank: 128, program: 0, samples: sample, velocity: 100, lead: 0,
                              oneShot: true)
        let kit = Kit(sampleRate: rate, voices: [voice])
        // Held 20 ms, then 50 ms: both play all 100 ms of the sample.
        let notes = [Resynthesis.Note(voice: 0, onset: 0.1, offset: 0.12, velocity: 100),
                     Resynthesis.Note(voice: 0, onset: 0.4, offset: 0.45, velocity: 100)]
        let output = Resynthesis.render(notes, kit: kit, frameCount: 600)
        for start in [100, 400] {
            for index in 0..<100 { #expect(output[start + index] == sample[index]) }
        }
    }

    @Test func theErrorOfTheSongAgainstItselfIsZeroAndGrowsWithADifference() throws {
        var song = Synth.silence(duration: 2)
        Synth.addTone(to: &song, frequency: 440, onsets: [0.2, 1.2], length: 0.5)
        let same = try ResynthesisError(song: song, rebuild: song, sampleRate: 44_100)
        #expect(same.decibels == 0)
        #expect(same.perSecondDecibels == [0, 0])
        let halved = try ResynthesisError(song: song, rebuild: song.map { $0 / 2 }, sampleRate: 44_100)
        // Half the amplitude is 6 dB in every band that sounds above the floor.
        #expect(halved.decibels > 1 && halved.decibels < 6.1)
    }
}

@Suite struct SFZTests {
    @Test func oneRegionPerSoundOnItsTracksChannelAndKey() {
        let kit = Kit(sampleRate: 44_100, voices: [
            Kit.Voice(name: "S00 kick", channel: 9, key: 36, bank: 128, program: 0, samples: [0.5], velocity: 100, lead: 0, oneShot: true),
            Kit.Voice(name: "S01 tonal C#4", channel: 0, key: 61, bank: 0, program: 0, samples: [0.5], velocity: 127, lead: 0),
        ])
        #expect(kit.sfz(title: "song.flac") == """
        // SoundSort kit of song.flac: one region per sound, on its MIDI track's channel and key.
        <control>
        default_path=./
        <global>
        loop_mode=no_loop
        ampeg_release=0.1

        // S00 kick
        <region>
        sample=S00-kick.wav
        lochan=10 hichan=10
        key=36
        loop_mode=one_shot
        amp_velcurve_100=1 amp_velcurve_127=1

        // S01 tonal C#4
        <region>
        sample=S01-tonal-C#4.wav
        lochan=1 hichan=1
        key=61
        amp_velcurve_127=1

        """)
    }

    @Test func fileNamesKeepOnlySafeCharacters() {
        let voice = Kit.Voice(name: "S07 closed hat/../x", channel: 9, key: 42, bank: 128, program: 0, samples: [], velocity: 1, lead: 0)
        #expect(voice.fileName == "S07-closed-hat-..-x.wav")
    }
}

/// A sound whose every example is overlapped by another sound: its sample keeps what the examples share.
@Suite struct AgreedSampleTests {
    static let rate = 44_100.0
    static let onsets = [0.5, 1.5, 2.5, 3.5, 4.5]
    /// Each example of the lead is joined 0.25 s after its onset by one of these, each heard once.
    static let others = [300.0, 550, 620, 700, 810]

    /// A decaying 440 Hz note whose partials start at other phases in each of its examples (`take`), as a played
    /// instrument's do: its examples are not copies of one waveform.
    static func lead(take: Int) -> [Float] {
        (0..<Int(0.6 * rate)).map { n -> Float in
            let t = Double(n) / rate
            var value = 0.0
            for (h, weight) in [1.0, 0.5, 0.3, 0.2].enumerated() {
                value += weight * sin(2 * .pi * 440 * Double(h + 1) * t + Double((h + 1) * take) * 1.3)
            }
            return Float(0.2 * value * exp(-t * 4))
        }
    }

    /// The song, with or without the other sounds.
    static func song(withOthers: Bool) -> [Float] {
        var song = [Float](repeating: 0, count: Int(5.5 * rate))
        for (take, onset) in onsets.enumerated() {
            for (index, value) in lead(take: take).enumerated() { song[Int(onset * rate) + index] += value }
            guard withOthers else { continue }
            Synth.addTone(to: &song, frequency: others[take], onsets: [onset + 0.25], length: 0.35, amplitude: 0.3)
        }
        return song
    }

    static let transcription: Transcription = {
        let sounds = ([440.0] + others).enumerated().map { id, hz in
            Sound(id: id, name: "S0\(id) tonal", kind: .tonal, midiNote: MIDINote.nearest(frequency: hz), pitchHz: hz, exemplar: 0)
        }
        let events = onsets.indices.flatMap { take in
            [Event(onset: onsets[take], duration: 0.6, sound: 0, velocity: 100),
             Event(onset: onsets[take] + 0.25, duration: 0.35, sound: take + 1, velocity: 100)]
        }
        return Transcription(duration: 5.5, sampleRate: rate, sounds: sounds, events: events)
    }()

    @Test func theOtherSoundsInEachExampleAreLeftOut() throws {
        let picker = SamplePicker(sampleRate: Self.rate, decibelsPerVelocity: 48.0 / 127)
        let song = Self.song(withOthers: true)
        let clearest = try #require(picker.clearestEvent(of: 0, in: Self.transcription))
        let alone = picker.cut(Self.transcription.events[clearest], from: Self.song(withOthers: false)).samples
        let plain = picker.cut(Self.transcription.events[clearest], from: song).samples
        let sample = try #require(picker.sample(of: 0, in: Self.transcription, from: song)).samples
        try #require(sample.count == alone.count && plain.count == alone.count)
        func energy(_ a: [Float], _ b: [Float]) -> Double { zip(a, b).reduce(0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) } }
        let foreign = energy(plain, alone), left = energy(sample, alone)
        let note = alone.reduce(0) { $0 + Double($1 * $1) }
        // The cut holds the other sound, louder than the note (so the test can fail); the sample keeps less than 1 % of
        // it and the note within −17 dB (measured: −26.7 and −22.6 dB).
        #expect(foreign > note)
        #expect(left < 0.01 * foreign, "left \(10 * log10(left / foreign)) dB of the other sound")
        #expect(left < 0.02 * note, "error \(10 * log10(left / note)) dB under the note")
    }

    /// A long note's tail stays although its other examples are shorter: an example that has ended says nothing about
    /// what follows (read as silence, it would erase the tail; read on into the song, it brings the next notes).
    @Test func whatOutlastsTheOtherExamplesIsKeptAsItIs() throws {
        let agreed = try AgreedSpectrum(sampleRate: Self.rate)
        let long = Self.lead(take: 0)
        let short = (1...4).map { Array(Self.lead(take: $0).prefix(Int(0.3 * Self.rate))) }
        let cleaned = agreed.clean([long] + short)
        let tail = Int(0.4 * Self.rate)..<long.count
        let kept = tail.reduce(0.0) { $0 + Double(cleaned[$1] * cleaned[$1]) }
        let played = tail.reduce(0.0) { $0 + Double(long[$1] * long[$1]) }
        #expect(abs(10 * log10(kept / played)) < 0.1, "tail kept at \(10 * log10(kept / played)) dB")
    }

    /// Events found 20 ms before their sound's attack (the sample then starts after the onset), one of them only 5 ms
    /// long: that one ends before its attack and is no example, and the others still make the sample.
    @Test func anEventEndingBeforeItsAttackIsNoExample() throws {
        var song = [Float](repeating: 0, count: Int(5 * Self.rate))
        let onsets = [0.5, 1.5, 2.5, 3.5]
        for (take, onset) in onsets.enumerated() {
            for (index, value) in Self.lead(take: take).enumerated() { song[Int((onset + 0.02) * Self.rate) + index] += value }
        }
        let sound = Sound(id: 0, name: "S00 tonal A4", kind: .tonal, midiNote: 69, pitchHz: 440, exemplar: 0)
        let events = onsets.map { Event(onset: $0, duration: $0 == 3.5 ? 0.005 : 0.6, sound: 0, velocity: 100) }
        let transcription = Transcription(duration: 5, sampleRate: Self.rate, sounds: [sound], events: events)
        let picker = SamplePicker(sampleRate: Self.rate, decibelsPerVelocity: 48.0 / 127)
        let cut = try #require(picker.sample(of: 0, in: transcription, from: song))
        #expect(cut.lead < 0, "the attack starts after the onset: lead \(cut.lead) s")
        #expect(cut.samples.count > Int(0.5 * Self.rate))
    }

    /// A sample played whole at every note (a drum's) ends at its sound's median event length, not at the clearest
    /// event's own end: hits of 0.1, 0.1 and 0.3 s give a sample of 0.1 s.
    @Test func aSamplePlayedWholeIsTheSoundsTypicalLength() throws {
        var song = [Float](repeating: 0, count: Int(4 * Self.rate))
        let onsets = [0.5, 1.5, 2.5]
        for onset in onsets {
            for (index, value) in Self.lead(take: 0).enumerated() { song[Int(onset * Self.rate) + index] += value }
        }
        let sound = Sound(id: 0, name: "S00 closed hat", kind: .percussive, midiNote: 42, pitchHz: nil, exemplar: 0)
        let events = zip(onsets, [0.1, 0.3, 0.1]).map { Event(onset: $0, duration: $1, sound: 0, velocity: 100) }
        let transcription = Transcription(duration: 4, sampleRate: Self.rate, sounds: [sound], events: events)
        let picker = SamplePicker(sampleRate: Self.rate, decibelsPerVelocity: 48.0 / 127)
        let whole = try #require(picker.sample(of: 0, in: transcription, from: song, playedWhole: true))
        let own = try #require(picker.sample(of: 0, in: transcription, from: song))
        let expected = Int(0.1 * Self.rate) + Int((whole.lead * Self.rate).rounded())
        #expect(abs(whole.samples.count - expected) <= 1, "\(whole.samples.count) points for \(expected)")
        #expect(own.samples.count > Int(0.29 * Self.rate))
    }

    @Test func copiesOfOneWaveformComeBackUnchanged() throws {
        let agreed = try AgreedSpectrum(sampleRate: Self.rate)
        let example = Self.lead(take: 1)
        let cleaned = agreed.clean([example, example, example])
        #expect(cleaned.count == example.count)
        let worst = zip(cleaned, example).map { abs($0 - $1) }.max() ?? 1
        #expect(worst < 1e-4, "largest difference \(worst)")
    }
}
