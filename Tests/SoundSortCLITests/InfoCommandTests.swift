import Foundation
import MIDIIO
import Testing
import TestSupport
import Transcribe

@Suite struct InfoCommandTests {
    @Test func describesAnAudioFile() throws {
        let folder = TemporaryFolder()
        // 0.5 s of a full-scale-halved sine in stereo at 48 kHz: peak −6.02 dBFS, RMS −9.03 dBFS.
        let sine = Synth.sine(frequency: 1_000, duration: 0.5, sampleRate: 48_000, amplitude: 0.5)
        let path = try folder.writeAudio("tone.flac", sine.flatMap { [$0, $0] }, encoding: .flac16, sampleRate: 48_000, channels: 2)
        let result = try runSoundSort(["info", path])
        #expect(result.status == 0)
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.contains("rate:      48000 Hz"))
        #expect(lines.contains("channels:  2"))
        #expect(lines.contains("duration:  0.500 s (0:00.500) (24000 frames)"))
        #expect(lines.contains("peak:      -6.02 dBFS (per channel: -6.02, -6.02)"))
        #expect(lines.contains("rms:       -9.03 dBFS (per channel: -9.03, -9.03)"))
        #expect(lines.contains { $0.hasPrefix("type:      FLAC") })
    }

    @Test func peaksAreTheChannelsOwnNotTheMix() throws {
        // Right = −left at half the level: the mono mix would peak 6 dB lower, and an equal inverse would cancel.
        let folder = TemporaryFolder()
        let sine = Synth.sine(frequency: 1_000, duration: 0.5, sampleRate: 48_000, amplitude: 0.5)
        let path = try folder.writeAudio("wide.wav", sine.flatMap { [$0, -$0 / 2] }, encoding: .wavFloat, sampleRate: 48_000, channels: 2)
        let inverted = try folder.writeAudio("inverted.wav", sine.flatMap { [$0, -$0] }, encoding: .wavFloat, sampleRate: 48_000, channels: 2)
        let mono = try folder.writeAudio("mono.wav", sine, encoding: .wavFloat, sampleRate: 48_000)
        let lines = try runSoundSort(["info", path]).standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.contains("peak:      -6.02 dBFS (per channel: -6.02, -12.04)"))
        #expect(lines.contains("rms:       -11.07 dBFS (per channel: -9.03, -15.05)"))
        let cancelling = try runSoundSort(["info", inverted]).standardOutput.split(separator: "\n").map(String.init)
        #expect(cancelling.contains("peak:      -6.02 dBFS (per channel: -6.02, -6.02)"))
        let single = try runSoundSort(["info", mono]).standardOutput.split(separator: "\n").map(String.init)
        #expect(single.contains("peak:      -6.02 dBFS"))
        #expect(single.contains("rms:       -9.03 dBFS"))
    }

    @Test func describesAMIDIFile() throws {
        let folder = TemporaryFolder()
        let path = folder.path("song.mid")
        try MIDISong(tempoChanges: [.init(time: 0, microsecondsPerQuarter: 400_000), .init(time: 1.2, microsecondsPerQuarter: 600_000)],
                     tracks: [.init(name: "Bass", channel: 0, program: 33, notes: [.init(onset: 0, offset: 2, pitch: 40, velocity: 99)]),
                              .init(name: "Hats", channel: 9, program: nil, notes: [.init(onset: 0.25, offset: 0.3, pitch: 42, velocity: 99),
                                                                                    .init(onset: 0.75, offset: 0.8, pitch: 42, velocity: 99)])])
            .write(to: path)
        let result = try runSoundSort(["info", path])
        #expect(result.status == 0)
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.contains("type:      Standard MIDI File, format 1, 480 ticks per quarter note"))
        #expect(lines.contains("notes:     3"))
        #expect(lines.contains("duration:  2.000 s (0:02.000)"))
        #expect(lines.contains("tempo:     150.00 BPM at 0.000 s (0:00.000), 100.00 BPM at 1.200 s (0:01.200)"))
        #expect(lines.contains("tracks:    3"))
        #expect(lines.contains("    1  Bass  1 notes"))
        #expect(lines.contains("    2  Hats  2 notes"))
    }

    @Test(arguments: [
        ("missing.wav", "cannot open as audio: no such file"),
        ("notes.txt", "cannot open as audio: Format not recognised."),
        ("broken.mid", "not a valid MIDI file: file too short for a MIDI header (8 bytes)"),
    ])
    func badInputIsOneLineAndStatusOne(name: String, problem: String) throws {
        let folder = TemporaryFolder()
        if name == "notes.txt" { try Data("just some text\n".utf8).write(to: folder.url.appendingPathComponent(name)) }
        if name == "broken.mid" { try Data("MThd\0\0\0\u{6}".utf8).write(to: folder.url.appendingPathComponent(name)) }
        let path = folder.path(name)
        let result = try runSoundSort(["info", path])
        #expect(result.status == 1)
        #expect(result.standardError == "soundsort: \(path): \(problem)\n")
        #expect(result.standardOutput.isEmpty)
    }

    @Test func unknownOptionIsAUsageError() throws {
        let result = try runSoundSort(["info", "--frobnicate", "x.wav"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("--frobnicate"))
    }
}
