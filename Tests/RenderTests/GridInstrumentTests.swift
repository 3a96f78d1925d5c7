import Eval
import Foundation
import SoundSortCore
import Testing
import TestSupport
@testable import Render

/// Instruments in the picture: one hue family each, a bracket and a name spanning exactly their rows.
@Suite struct GridInstrumentTests {
    /// A kit of four pieces, then a tonal instrument at three pitches, then one at two: 9 rows.
    static let transcription: Transcription = {
        let kit: [(String, DrumClass, Int)] = [("kick", .kick, 36), ("snare", .snare, 38), ("closed hat", .closedHat, 42),
                                               ("open hat", .openHat, 46)]
        var sounds = kit.enumerated().map { index, piece in
            Sound(id: index, name: "S0\(index) \(piece.0)", kind: .percussive, midiNote: piece.2, pitchHz: nil, exemplar: 0,
                  drumClass: piece.1, instrument: 0)
        }
        for (instrument, notes) in [(1, [48, 52, 55]), (2, [60, 67])] {
            for note in notes {
                let id = sounds.count
                sounds.append(Sound(id: id, name: "S0\(id) tonal \(note)", kind: .tonal, midiNote: note,
                                    pitchHz: 440 * pow(2, Double(note - 69) / 12), exemplar: 0, instrument: instrument))
            }
        }
        let events = sounds.indices.map { Event(onset: Double($0), duration: 0.5, sound: $0, velocity: 100) }
        return Transcription(duration: 10, sampleRate: 44_100, sounds: sounds, events: events)
    }()

    @Test func rowsNameTheirInstrument() {
        let rows = GridPicture(transcription: Self.transcription).rows
        #expect(rows.map(\.instrument) == Array(repeating: "kit", count: 4) + Array(repeating: "instrument 2", count: 3)
            + Array(repeating: "instrument 3", count: 2))
        // With no kit, the first instrument is "instrument 1".
        var tonalOnly = Self.transcription
        tonalOnly.sounds = Array(tonalOnly.sounds.dropFirst(4)).enumerated().map { index, sound in
            var sound = sound
            (sound.id, sound.instrument) = (index, sound.instrument - 1)
            return sound
        }
        tonalOnly.events = []
        #expect(GridPicture(transcription: tonalOnly).rows.map(\.instrument) == ["instrument 1", "instrument 1", "instrument 1",
                                                                                 "instrument 2", "instrument 2"])
    }

    @Test func anInstrumentIsOneHueFamilyAndNeighboursDiffer() {
        let colors = GridColors.colors(for: GridPicture(transcription: Self.transcription).rows)
        let hue = colors.map(GridRendererTests.hue)
        for block in [0...3, 4...6, 7...8] {
            for row in block { #expect(abs(hue[row] - hue[block.lowerBound]) < 1, "row \(row): \(hue[row])° against \(hue[block.lowerBound])°") }
        }
        // Distinct instruments: hues far apart on the circle.
        for (a, b) in [(0, 4), (0, 7), (4, 7)] {
            let apart = abs(hue[a] - hue[b])
            #expect(min(apart, 360 - apart) > 40, "instruments of rows \(a) and \(b): \(hue[a])° and \(hue[b])°")
        }
        // Within an instrument, low to high gets lighter, and every two adjacent rows differ clearly.
        #expect(GridRendererTests.lightness(colors[4]) < GridRendererTests.lightness(colors[5])
            && GridRendererTests.lightness(colors[5]) < GridRendererTests.lightness(colors[6]))
        for row in 1..<colors.count {
            #expect(GridRendererTests.distance(colors[row - 1], colors[row]) > 0.15, "rows \(row - 1) and \(row) look alike")
        }
    }

    /// Twelve pieces of one kit: the lightness steps are small, the alternating saturation keeps neighbours apart.
    @Test func aLargeKitKeepsNeighboursApart() {
        let rows = (0..<12).map { GridPicture.Row(label: "", blocks: [], family: "kit", instrument: "kit", pitch: 35 + $0) }
        let colors = GridColors.colors(for: rows)
        for row in 1..<colors.count {
            #expect(GridRendererTests.distance(colors[row - 1], colors[row]) > 0.15, "rows \(row - 1) and \(row) look alike")
            #expect(abs(GridRendererTests.hue(colors[row]) - GridRendererTests.hue(colors[0])) < 1)
        }
    }

    @Test func aBracketSpansExactlyEachInstrumentsRows() throws {
        let picture = GridPicture(transcription: Self.transcription)
        let layout = GridLayout(picture: picture)
        #expect(layout.instruments.map(\.name) == ["kit", "instrument 2", "instrument 3"])
        #expect(layout.instruments.map(\.rows) == [0...3, 4...6, 7...8])
        for span in layout.instruments {
            #expect(span.top == layout.rowTop(span.rows.lowerBound))
            #expect(span.bottom == layout.rowTop(span.rows.upperBound) + GridLayout.rowHeight)
        }
        // The names and brackets take a column of their own, left of the row labels.
        #expect(layout.labelsLeft == GridLayout.margin + GridLayout.instrumentWidth)
        #expect(layout.bracketX > GridLayout.margin && layout.bracketX < layout.labelsLeft)
        #expect(layout.x(0) == layout.labelsLeft + GridLayout.labelWidth)

        // Drawn: the bracket's line in the instrument's colour beside its rows, and nothing between two instruments.
        let folder = TemporaryFolder()
        let path = folder.path("instruments.png")
        try GridRenderer.render(picture, to: path)
        let png = try PNGImage(path: path)
        let x = Int(layout.bracketX)
        for span in layout.instruments {
            let color = GridColors.instrumentColor(family: picture.rows[span.rows.lowerBound].family, in: picture.rows)
            let expected = (Int((color.0 * 255).rounded()), Int((color.1 * 255).rounded()), Int((color.2 * 255).rounded()))
            #expect(GridRendererTests.close(png.rgb(x: x, y: Int((span.top + span.bottom) / 2)), expected), "\(span.name)")
        }
        let gap = (layout.instruments[0].bottom + layout.instruments[1].top) / 2
        #expect(png.rgb(x: x, y: Int(gap)) == (255, 255, 255))
    }

    @Test func noInstrumentsNoColumn() {
        let layout = GridLayout(picture: GridPicture(rows: [.init(label: "A", blocks: [])], duration: 5))
        #expect(layout.instruments.isEmpty && layout.labelsLeft == GridLayout.margin)
    }

    /// From a MIDI file: the drum channel's tracks are one kit, a program is an instrument; a SoundSort tonal track
    /// (its instrument not in the file) is a family of its own, without a bracket.
    @Test func aMIDIFilesKitAndProgramsAreInstruments() {
        func note(_ onset: Double, _ pitch: Int, track: Int, channel: Int, program: Int = 0) -> Note {
            Note(onset: onset, offset: onset + 0.2, pitch: pitch, velocity: 100, channel: channel, track: track, program: program)
        }
        let list = NoteList(notes: [note(0, 36, track: 0, channel: 9), note(0.5, 38, track: 1, channel: 9),
                                    note(1, 48, track: 2, channel: 0, program: 33), note(1.5, 60, track: 3, channel: 1)],
                            trackNames: ["S00 kick", "S01 snare", "Bass", "S03 tonal C4"])
        let picture = GridPicture(notes: list, label: .track, duration: 2)
        #expect(picture.rows.map(\.instrument) == ["kit", "kit", "program 33", nil])
        #expect(GridLayout(picture: picture).instruments.map(\.rows) == [0...1, 2...2])
    }
}
