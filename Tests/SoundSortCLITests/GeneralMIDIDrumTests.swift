import Foundation
import MIDIIO
import SoundSortCore
import Testing
import TestSupport

/// A transcription plays its drums as drums in any General MIDI player.
@Suite struct GeneralMIDIDrumTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("corpus/cases")

    /// Each track's name ("S03 kick", "S04 tonal A3"), channel and notes.
    static func tracks(of path: String) throws -> [(name: String, channel: Set<Int>, pitches: Set<Int>)] {
        let file = try MIDIFile(path: path)
        return file.notes.trackNames.indices.dropFirst().map { track in
            let notes = file.notes.notes.filter { $0.track == track }
            return (file.notes.trackNames[track], Set(notes.map(\.channel)), Set(notes.map(\.pitch)))
        }
    }

    @Test(arguments: ["acoustic-kit", "band-mix", "real-kit-fast"])
    func everyPercussiveTrackIsOnChannelTenAtAGeneralMIDIDrumNote(name: String) throws {
        let folder = TemporaryFolder()
        let midi = folder.path("\(name).mid")
        let result = try runSoundSort(["transcribe", Self.corpus.appendingPathComponent("\(name).flac").path, "-o", midi])
        #expect(result.status == 0, "\(result.standardError)")
        let tracks = try Self.tracks(of: midi)
        let drumNames = Set(DrumClass.allCases.map(\.rawValue))
        var percussive = 0
        for track in tracks {
            let kind = String(track.name.dropFirst(4))  // After "S03 ".
            if kind.hasPrefix("tonal") {
                #expect(!track.channel.contains(9), "\(track.name) is tonal but on channel 10")
            } else {
                percussive += 1
                #expect(drumNames.contains(kind), "\(track.name) names no drum class")
                #expect(track.channel == [9], "\(track.name) on channels \(track.channel)")
                #expect(track.pitches.count == 1 && track.pitches.allSatisfy { DrumClass.generalMIDIRange.contains($0) },
                        "\(track.name) at notes \(track.pitches)")
            }
        }
        #expect(percussive >= 3)
    }

    @Test func withoutGeneralMIDIDrumsTheOldLayoutIsKept() throws {
        let folder = TemporaryFolder()
        let midi = folder.path("kit.mid")
        let result = try runSoundSort(["transcribe", Self.corpus.appendingPathComponent("acoustic-kit.flac").path, "-o", midi, "--no-gm-drums"])
        #expect(result.status == 0, "\(result.standardError)")
        let tracks = try Self.tracks(of: midi)
        // Each sound on its own channel, in track order; percussive sounds at 36 + their rank.
        #expect(tracks.map { $0.channel.first ?? -1 } == Array(0..<tracks.count))
        let percussive = tracks.filter { !$0.name.dropFirst(4).hasPrefix("tonal") }
        #expect(percussive.map { $0.pitches.first ?? 0 } == Array(36..<(36 + percussive.count)))
    }
}
