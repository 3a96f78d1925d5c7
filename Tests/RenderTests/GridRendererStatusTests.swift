import Foundation
import SoundSortCore
import Testing
import TestSupport
@testable import Render

/// cairo's statuses are checked, not force-unwrapped or ignored: a picture cairo cannot draw is a clear error and no
/// file, never a crash or half a picture saved.
@Suite struct GridRendererStatusTests {
    static func picture() -> GridPicture {
        GridPicture(rows: [.init(label: "S00", blocks: [.init(start: 1, end: 2)])], duration: 4, barLines: [0, 2], title: "t")
    }

    @Test(arguments: GridRenderer.Format.allCases)
    func aSpectrogramWithoutTimeIsAnError(format: GridRenderer.Format) throws {
        let folder = TemporaryFolder()
        let path = folder.path("grid.\(format.rawValue)")
        var picture = Self.picture()
        picture.spectrogram = (values: [Float](repeating: 1, count: 64 * 10), bands: 64, frameDuration: 0)
        #expect(throws: RenderError.cannotDraw(path: path, reason: "a spectrogram of 10 × 64 values at 0.0 s a frame")) {
            try GridRenderer.render(picture, to: path)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
    }

    @Test func aPictureTooTallForAnImageIsAnError() throws {
        let folder = TemporaryFolder()
        let path = folder.path("tall.png")
        let rows = (0..<3_000).map { GridPicture.Row(label: "S\($0)", blocks: [.init(start: 0, end: 1)]) }
        #expect(throws: RenderError.self) { try GridRenderer.render(GridPicture(rows: rows, duration: 2), to: path) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
    }

    @Test func aTimeThatIsNotANumberIsAnErrorOrAPicture() throws {
        // A duration of NaN makes every coordinate NaN: cairo either refuses it (an error naming the file) or draws
        // nothing where the blocks would be; never a crash.
        let folder = TemporaryFolder()
        let path = folder.path("nan.png")
        var picture = Self.picture()
        picture.duration = .nan
        let outcome = Result { try GridRenderer.render(picture, to: path) }
        switch outcome {
        case .success: #expect(FileManager.default.fileExists(atPath: path))
        case let .failure(error):
            #expect(String(describing: error).hasPrefix("\(path): "))
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }
}
