internal import CCairo
import Foundation

/// A PNG file's pixels, read through cairo, for tests that look at pictures.
public struct PNGImage {
    public let width: Int
    public let height: Int
    private let pixels: [UInt32]

    public struct ReadError: Error, CustomStringConvertible { public var description: String }

    public init(path: String) throws {
        guard let surface = cairo_image_surface_create_from_png(path), cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw ReadError(description: "\(path): not a PNG cairo can read")
        }
        defer { cairo_surface_destroy(surface) }
        width = Int(cairo_image_surface_get_width(surface))
        height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface)) / 4
        let data = UnsafeRawPointer(cairo_image_surface_get_data(surface)!).assumingMemoryBound(to: UInt32.self)
        var pixels: [UInt32] = []
        pixels.reserveCapacity(width * height)
        for y in 0..<height { for x in 0..<width { pixels.append(data[y * stride + x]) } }
        self.pixels = pixels
    }

    /// (red, green, blue), 0…255, of the pixel at column `x`, row `y`.
    public func rgb(x: Int, y: Int) -> (Int, Int, Int) {
        let p = pixels[y * width + x]
        return (Int(p >> 16 & 0xFF), Int(p >> 8 & 0xFF), Int(p & 0xFF))
    }
}
