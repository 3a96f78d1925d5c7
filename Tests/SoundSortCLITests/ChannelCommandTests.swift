import Foundation
import MIDIIO
import Testing
import TestSupport
import Transcribe

/// Files of any channel layout, as a user meets them: a phase-inverted stereo file is its left channel, not silence;
/// one sample, one channel and eight channels give a clear result; the input is never changed.
@Suite struct ChannelCommandTests {
    static func song(rate: Double = 44_100) -> [Float] {
        var signal = Synth.silence(duration: 2.5, sampleRate: rate)
        Synth.addTone(to: &signal, frequency: 440, onsets: [0.2, 1.2], length: 0.4, sampleRate: rate)
        Synth.addClicks(to: &signal, onsets: [0.7, 1.7], sampleRate: rate)
        return signal
    }

    struct Layout: CustomTestStringConvertible, Sendable {
        var name: String
        /// Each channel's polarity; the song is written once per channel.
        var polarities: [Float]
        var testDescription: String { name }
    }

    @Test(arguments: [
        Layout(name: "stereo, right = −left", polarities: [1, -1]),
        Layout(name: "1 channel", polarities: [1]),
        Layout(name: "8 channels, alternately inverted", polarities: [1, -1, 1, -1, 1, -1, 1, -1]),
    ])
    func transcribesLikeItsLeftChannel(_ layout: Layout) throws {
        let folder = TemporaryFolder()
        let song = Self.song()
        let left = try folder.writeAudio("left.wav", song, encoding: .wav16)
        let frames = song.flatMap { sample in layout.polarities.map { sample * $0 } }
        let input = try folder.writeAudio("song.wav", frames, encoding: .wav16, channels: layout.polarities.count)
        let before = FileManager.default.contents(atPath: input)

        let alone = try runSoundSort(["transcribe", left, "-o", folder.path("left.mid")])
        let result = try runSoundSort(["transcribe", input, "-o", folder.path("song.mid")])
        #expect(alone.status == 0)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.isEmpty)
        #expect(try MIDIFile(path: folder.path("song.mid")).notes.notes.count == 4)
        // Byte for byte the MIDI file of the left channel alone.
        #expect(FileManager.default.contents(atPath: folder.path("song.mid")) == FileManager.default.contents(atPath: folder.path("left.mid")))
        #expect(FileManager.default.contents(atPath: input) == before)
    }

    @Test(arguments: [1, 2, 8])
    func oneFrameIsAnEmptyResultAndAWarning(channels: Int) throws {
        let folder = TemporaryFolder()
        let input = try folder.writeAudio("one.wav", [Float](repeating: 0.5, count: channels), encoding: .wav16, channels: channels)
        let result = try runSoundSort(["transcribe", input, "-o", folder.path("one.mid")])
        #expect(result.status == 0)
        #expect(result.standardError == "soundsort: \(input): warning: no sound events found (silent or too quiet); wrote a MIDI file with no notes\n")
        #expect(try MIDIFile(path: folder.path("one.mid")).notes.notes.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted() == ["one.mid", "one.wav"])
    }
}
