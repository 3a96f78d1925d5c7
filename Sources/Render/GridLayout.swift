import Foundation

/// Sizes of the grid picture, in pixels (points for SVG and PDF), chosen from the duration and row count.
public struct GridLayout: Sendable, Equatable {
    public static let labelWidth = 190.0
    public static let rowHeight = 22.0
    public static let rowGap = 2.0
    public static let margin = 12.0
    public static let axisHeight = 34.0
    public static let titleHeight = 26.0
    public static let spectrogramHeight = 128.0
    /// Horizontal scale: this many pixels a second, within the width limits below.
    public static let pixelsPerSecond = 40.0
    public static let minimumPlotWidth = 640.0
    public static let maximumPlotWidth = 12_000.0
    /// A block is never drawn narrower than this, so short hits stay visible.
    public static let minimumBlockWidth = 3.0

    public let plotWidth: Double
    public let width: Double
    public let height: Double
    /// Top of the first row.
    public let rowsTop: Double
    /// Top of the spectrogram, when there is one.
    public let spectrogramTop: Double
    public let duration: Double

    public init(picture: GridPicture) {
        duration = max(picture.duration, 0.001)
        plotWidth = min(Self.maximumPlotWidth, max(Self.minimumPlotWidth, (duration * Self.pixelsPerSecond).rounded()))
        width = Self.margin * 2 + Self.labelWidth + plotWidth
        spectrogramTop = Self.margin + (picture.title == nil ? 0 : Self.titleHeight)
        rowsTop = spectrogramTop + (picture.spectrogram == nil ? 0 : Self.spectrogramHeight + Self.rowGap * 4)
        let rowsHeight = Double(max(picture.rows.count, 1)) * (Self.rowHeight + Self.rowGap)
        height = (rowsTop + rowsHeight + Self.axisHeight + Self.margin).rounded(.up)
    }

    /// x of a time in seconds.
    public func x(_ seconds: Double) -> Double { Self.margin + Self.labelWidth + seconds / duration * plotWidth }

    /// Top of row `index`.
    public func rowTop(_ index: Int) -> Double { rowsTop + Double(index) * (Self.rowHeight + Self.rowGap) }

    /// The block's rectangle: at least `minimumBlockWidth` wide.
    public func blockRect(row: Int, start: Double, end: Double) -> (x: Double, y: Double, width: Double, height: Double) {
        let left = x(max(0, start))
        return (left, rowTop(row), max(Self.minimumBlockWidth, x(min(end, duration)) - left), Self.rowHeight)
    }

    /// Spacing of time-axis ticks, in seconds: about every 80 pixels, on a 1-2-5 scale.
    public var tickSpacing: Double {
        let target = 80 / (plotWidth / duration)
        let steps: [Double] = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600]
        return steps.first { $0 >= target } ?? 600
    }
}

/// Row colours: hues spread along the rows, so neighbours (alike sounds) get neighbouring hues.
public enum GridColors {
    /// (red, green, blue) in 0…1 for row `index` of `count`.
    public static func color(row index: Int, of count: Int) -> (Double, Double, Double) {
        let hue = 300 * Double(index) / Double(max(count - 1, 1))  // Red through violet, not back to red.
        return hsv(hue: hue, saturation: 0.7, value: 0.85)
    }

    static func hsv(hue: Double, saturation: Double, value: Double) -> (Double, Double, Double) {
        let c = value * saturation
        let h = hue.truncatingRemainder(dividingBy: 360) / 60
        let x = c * (1 - abs(h.truncatingRemainder(dividingBy: 2) - 1))
        let m = value - c
        let (r, g, b): (Double, Double, Double) = switch Int(h) {
        case 0: (c, x, 0)
        case 1: (x, c, 0)
        case 2: (0, c, x)
        case 3: (0, x, c)
        case 4: (x, 0, c)
        default: (c, 0, x)
        }
        return (r + m, g + m, b + m)
    }

    public static let background = (1.0, 1.0, 1.0)
    public static let rowBackground = (0.95, 0.95, 0.95)
    public static let falseAlarmOutline = (0.8, 0.0, 0.0)
    public static let text = (0.1, 0.1, 0.1)
}
