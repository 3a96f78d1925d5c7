import Foundation
import SoundSortCore
import Testing
import TestSupport
@testable import Render

@Suite struct GridRendererTests {
    static let transcription = Transcription(
        duration: 20, sampleRate: 44_100, tempoMap: .constant(beatsPerMinute: 120),
        sounds: [
            Sound(id: 0, name: "S00 kick", kind: .percussive, midiNote: 36, pitchHz: nil, exemplar: 0, drumClass: .kick),
            Sound(id: 1, name: "S01 tonal A3", kind: .tonal, midiNote: 57, pitchHz: 220, exemplar: 1, instrument: 1),
            Sound(id: 2, name: "S02 tonal A#3", kind: .tonal, midiNote: 58, pitchHz: 233, exemplar: 3, instrument: 1),
        ],
        events: [
            Event(onset: 1, duration: 0.01, sound: 0, velocity: 100),  // A very short hit: still visible.
            Event(onset: 2, duration: 2, sound: 1, velocity: 90),
            Event(onset: 10, duration: 4, sound: 1, velocity: 90),
            Event(onset: 6, duration: 1, sound: 2, velocity: 90),
        ])

    /// (red, green, blue) 0…255 at (x, y) of a PNG.
    static func pixel(_ png: PNGImage, _ x: Double, _ y: Double) -> (Int, Int, Int) { png.rgb(x: Int(x), y: Int(y)) }

    static func expected(_ row: Int) -> (Int, Int, Int) {
        let c = GridColors.colors(for: GridPicture(transcription: transcription).rows)[row]
        return (Int((c.0 * 255).rounded()), Int((c.1 * 255).rounded()), Int((c.2 * 255).rounded()))
    }

    /// The row background, 0.95 grey (cairo rounds 242.25 up).
    static let background = (243, 243, 243)

    static func close(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Bool { abs(a.0 - b.0) <= 1 && abs(a.1 - b.1) <= 1 && abs(a.2 - b.2) <= 1 }

    @Test func rendersBlocksRowsAndSize() throws {
        let folder = TemporaryFolder()
        let path = folder.path("grid.png")
        let picture = GridPicture(transcription: Self.transcription)
        try GridRenderer.render(picture, to: path)
        let png = try PNGImage(path: path)
        let layout = GridLayout(picture: picture)
        // 20 s at 40 px/s = 800 px of plot, plus the instrument and label columns and margins; three rows under the
        // bar numbers.
        #expect(png.width == Int(layout.width) && png.width == 12 * 2 + 92 + 190 + 800)
        #expect(png.height == Int(layout.height))
        let mid = GridLayout.rowHeight / 2
        // Inside blocks: each row's own colour, rows in display order.
        #expect(Self.close(Self.pixel(png, layout.x(3), layout.rowTop(1) + mid), Self.expected(1)))
        #expect(Self.close(Self.pixel(png, layout.x(12), layout.rowTop(1) + mid), Self.expected(1)))
        #expect(Self.close(Self.pixel(png, layout.x(6.5), layout.rowTop(2) + mid), Self.expected(2)))
        // The 10 ms hit is drawn at least three pixels wide.
        #expect(Self.close(Self.pixel(png, layout.x(1) + 2, layout.rowTop(0) + mid), Self.expected(0)))
        // Between blocks: the row background.
        #expect(Self.close(Self.pixel(png, layout.x(7), layout.rowTop(1) + mid), Self.background))
        #expect(Self.close(Self.pixel(png, layout.x(15), layout.rowTop(2) + mid), Self.background))
        // Every row has a colour of its own.
        #expect(!Self.close(Self.expected(1), Self.expected(2)) && !Self.close(Self.expected(0), Self.expected(1)))
    }

    @Test func marksFalseAlarmsAndOutlinesMisses() throws {
        let folder = TemporaryFolder()
        let path = folder.path("compare.png")
        let picture = GridPicture(rows: [.init(label: "A", blocks: [
            .init(start: 1, end: 3, mark: .matched), .init(start: 5, end: 7, mark: .falseAlarm), .init(start: 9, end: 11, mark: .missed),
        ])], duration: 12)
        try GridRenderer.render(picture, to: path)
        let png = try PNGImage(path: path)
        let layout = GridLayout(picture: picture)
        let color = GridColors.colors(for: picture.rows)[0]
        let rowColor = (Int((color.0 * 255).rounded()), Int((color.1 * 255).rounded()), Int((color.2 * 255).rounded()))
        let mid = layout.rowTop(0) + GridLayout.rowHeight / 2
        #expect(Self.close(Self.pixel(png, layout.x(2), mid), rowColor))
        #expect(Self.close(Self.pixel(png, layout.x(6), mid), rowColor))
        #expect(Self.pixel(png, layout.x(5) + 1, mid) == (204, 0, 0))  // False alarm: red outline.
        #expect(Self.close(Self.pixel(png, layout.x(10), mid), Self.background))  // Missed: hollow…
        #expect(Self.close(Self.pixel(png, layout.x(9) + 1, mid), rowColor))  // …with an outline in the row's colour.
    }

    @Test(arguments: ["svg", "pdf"])
    func writesVectorFormats(ext: String) throws {
        let folder = TemporaryFolder()
        let path = folder.path("grid.\(ext)")
        try GridRenderer.render(GridPicture(transcription: Self.transcription), to: path)
        let head = try Data(contentsOf: URL(fileURLWithPath: path)).prefix(5)
        #expect(String(decoding: head, as: UTF8.self) == (ext == "pdf" ? "%PDF-" : "<?xml"))
    }

    @Test func widthGrowsWithDurationAndStaysBounded() {
        func width(_ seconds: Double) -> Double { GridLayout(picture: GridPicture(rows: [], duration: seconds)).plotWidth }
        #expect(width(5) == GridLayout.minimumPlotWidth)
        #expect(width(180) == 7_200)  // A 3-minute song: 40 px a second.
        #expect(width(3_600) == GridLayout.maximumPlotWidth)
    }

    @Test func unknownExtensionIsRefused() {
        #expect(throws: RenderError.unsupportedFormat(path: "/tmp/x.bmp")) {
            try GridRenderer.render(GridPicture(rows: [], duration: 1), to: "/tmp/x.bmp")
        }
    }

    /// Rows of one family share a hue and step in lightness with pitch; every row's colour is its own.
    @Test func aHuePerFamilyALightnessPerPitch() {
        let rows: [GridPicture.Row] = [("kit", 36), ("kit", 35), ("kit", 38), ("kit", 42), ("kit", 44)].map {
            GridPicture.Row(label: "", blocks: [], family: $0.0, pitch: $0.1)
        } + (0..<30).map { GridPicture.Row(label: "", blocks: [], family: "tonal \($0)", pitch: 40 + $0) }
        let colors = GridColors.colors(for: rows)
        #expect((1..<5).allSatisfy { abs(Self.hue(colors[0]) - Self.hue(colors[$0])) < 1 })
        #expect(Self.lightness(colors[1]) < Self.lightness(colors[0]))  // 35 below 36: darker.
        #expect(Self.lightness(colors[4]) > Self.lightness(colors[3]))
        #expect(abs(Self.hue(colors[0]) - Self.hue(colors[5])) > 30)
        for i in colors.indices {
            for j in colors.indices where j > i {
                #expect(Self.distance(colors[i], colors[j]) > 0.05, "rows \(i) and \(j) look alike")
            }
        }
    }

    /// Hue in degrees of an (r, g, b) colour.
    static func hue(_ c: (Double, Double, Double)) -> Double {
        let (maximum, minimum) = (max(c.0, c.1, c.2), min(c.0, c.1, c.2))
        let d = maximum - minimum
        let h = maximum == c.0 ? (c.1 - c.2) / d : maximum == c.1 ? 2 + (c.2 - c.0) / d : 4 + (c.0 - c.1) / d
        return (h * 60 + 360).truncatingRemainder(dividingBy: 360)
    }

    static func lightness(_ c: (Double, Double, Double)) -> Double { (max(c.0, c.1, c.2) + min(c.0, c.1, c.2)) / 2 }

    /// Sum of the channels' differences.
    static func distance(_ a: (Double, Double, Double), _ b: (Double, Double, Double)) -> Double {
        abs(a.0 - b.0) + abs(a.1 - b.1) + abs(a.2 - b.2)
    }

    @Test func fromToAndWidthChooseTheStretchAndTheSize() throws {
        let folder = TemporaryFolder()
        let path = folder.path("part.png")
        var picture = GridPicture(rows: [.init(label: "A", blocks: [.init(start: 2, end: 3), .init(start: 6, end: 7)])], duration: 20)
        (picture.from, picture.to, picture.width) = (5, 10, 900)
        try GridRenderer.render(picture, to: path)
        let png = try PNGImage(path: path)
        let layout = GridLayout(picture: picture)
        #expect(png.width == 900)
        #expect(layout.x(5) == GridLayout.margin + GridLayout.labelWidth && abs(layout.x(10) - (900 - GridLayout.margin)) < 1e-9)
        #expect(layout.blockRect(row: 0, start: 2, end: 3) == nil)  // Before the stretch: not drawn.
        let mid = layout.rowTop(0) + GridLayout.rowHeight / 2
        #expect(!Self.close(Self.pixel(png, layout.x(6.5), mid), Self.background))
        #expect(Self.close(Self.pixel(png, layout.x(8), mid), Self.background))
    }

    @Test func barLinesAndNumbersWhenTheTempoIsKnown() throws {
        let folder = TemporaryFolder()
        let path = folder.path("bars.png")
        let picture = GridPicture(transcription: Self.transcription)
        try GridRenderer.render(picture, to: path)
        let png = try PNGImage(path: path)
        let layout = GridLayout(picture: picture)
        #expect(picture.barLines.count == 11 && picture.barLines[1] == 2)  // 120 BPM in 4/4: a bar every 2 s.
        #expect(layout.rowsTop == layout.barNumbersTop + GridLayout.barNumberHeight)
        // A bar line (grey) through an empty stretch of a row, at 8 s.
        let line = Self.pixel(png, layout.x(8).rounded(), layout.rowTop(2) + GridLayout.rowHeight / 2)
        #expect(Self.close(line, (199, 199, 199)), "\(line)")
        // An hour at 12 000 pixels: a 2 s bar is 6.7 pixels, so every 8th bar is numbered.
        let hour = (0..<1800).map { Double($0) * 2 }
        #expect(GridLayout(picture: GridPicture(rows: [], duration: 3600, barLines: hour)).barNumberStep(barLines: hour) == 8)
    }
}

@Suite struct ErrorStripTests {
    @Test func eachSecondOfTheStripReddensWithItsError() throws {
        let folder = TemporaryFolder()
        let path = folder.path("grid.png")
        var picture = GridPicture(transcription: GridRendererTests.transcription)
        let plain = GridLayout(picture: picture)
        picture.resynthesisError = [Double](repeating: 0, count: 20)
        picture.resynthesisError![5] = 20
        picture.resynthesisError![6] = 10
        try GridRenderer.render(picture, to: path)
        let png = try PNGImage(path: path)
        let layout = GridLayout(picture: picture)
        // One row taller than without the strip, which lies under the last row.
        #expect(layout.height == plain.height + GridLayout.rowHeight + GridLayout.rowGap)
        let top = try #require(layout.errorStripTop)
        #expect(top == layout.rowTop(3))
        let y = top + GridLayout.rowHeight / 2
        #expect(GridRendererTests.close(png.rgb(x: Int(layout.x(5.5)), y: Int(y)), (255, 0, 0)))
        #expect(GridRendererTests.close(png.rgb(x: Int(layout.x(6.5)), y: Int(y)), (255, 128, 128)) || GridRendererTests.close(png.rgb(x: Int(layout.x(6.5)), y: Int(y)), (255, 127, 127)))
        #expect(GridRendererTests.close(png.rgb(x: Int(layout.x(2.5)), y: Int(y)), (255, 255, 255)))
    }
}
