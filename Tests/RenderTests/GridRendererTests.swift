import Foundation
import SoundSortCore
import Testing
import TestSupport
@testable import Render

@Suite struct GridRendererTests {
    static let transcription = Transcription(
        duration: 20, sampleRate: 44_100, tempo: 120,
        sounds: [
            Sound(id: 0, name: "S00 percussive", kind: .percussive, midiNote: 36, pitchHz: nil, exemplar: 0),
            Sound(id: 1, name: "S01 tonal A3", kind: .tonal, midiNote: 57, pitchHz: 220, exemplar: 1),
            Sound(id: 2, name: "S02 tonal A#3", kind: .tonal, midiNote: 58, pitchHz: 233, exemplar: 3),
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
        let c = GridColors.color(row: row, of: 3)
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
        // 20 s at 40 px/s = 800 px of plot, plus the label column and margins; three rows.
        #expect(png.width == Int(layout.width) && png.width == 12 * 2 + 190 + 800)
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
        // Neighbouring rows have different, neighbouring hues.
        #expect(!Self.close(Self.expected(1), Self.expected(2)))
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
        let color = GridColors.color(row: 0, of: 1)
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
}
