import Foundation

/// Sizes of the grid picture, in pixels (points for SVG and PDF), chosen from the stretch shown and the row count.
public struct GridLayout: Sendable, Equatable {
    public static let labelWidth = 190.0
    /// Width of the column left of the row labels that brackets and names each instrument's rows, when rows have
    /// instruments.
    public static let instrumentWidth = 92.0
    public static let rowHeight = 22.0
    public static let rowGap = 2.0
    public static let margin = 12.0
    public static let axisHeight = 34.0
    public static let titleHeight = 26.0
    public static let spectrogramHeight = 128.0
    /// Height of the strip of bar numbers above the rows, when bars are known.
    public static let barNumberHeight = 16.0
    /// Horizontal scale: this many pixels a second, within the width limits below (unless a width is asked for).
    public static let pixelsPerSecond = 40.0
    public static let minimumPlotWidth = 640.0
    public static let maximumPlotWidth = 12_000.0
    /// A block is never drawn narrower than this, so short hits stay visible.
    public static let minimumBlockWidth = 3.0

    /// One run of adjacent rows of one instrument: its name and the rows the bracket spans.
    public struct InstrumentSpan: Sendable, Equatable {
        public var name: String
        /// First and last row (indices into `GridPicture.rows`).
        public var rows: ClosedRange<Int>
        /// Top of the first row and bottom of the last, in pixels.
        public var top: Double
        public var bottom: Double
    }

    public let plotWidth: Double
    /// Left edge of the row labels: after the instrument column when there is one.
    public let labelsLeft: Double
    /// The instrument brackets, top to bottom: every run of adjacent rows naming one instrument.
    public let instruments: [InstrumentSpan]
    public let width: Double
    public let height: Double
    /// Top of the first row.
    public let rowsTop: Double
    /// Top of the spectrogram, when there is one.
    public let spectrogramTop: Double
    /// Top of the bar numbers, when there are bars.
    public let barNumbersTop: Double
    /// Top of the re-synthesis error strip under the rows, when there is one.
    public let errorStripTop: Double?
    /// Top of the time axis.
    public let axisTop: Double
    /// An error of this many dB or more is drawn in full red in the error strip.
    public static let fullErrorDecibels = 20.0
    /// The stretch shown, in seconds.
    public let from: Double
    public let to: Double
    public var span: Double { to - from }

    public init(picture: GridPicture) {
        from = max(0, picture.from)
        to = max(from + 0.001, picture.to ?? max(picture.duration, 0.001))
        let span = to - from
        labelsLeft = Self.margin + (picture.rows.contains { $0.instrument != nil } ? Self.instrumentWidth : 0)
        if let width = picture.width {
            plotWidth = max(1, width - Self.margin - labelsLeft - Self.labelWidth)
        } else {
            plotWidth = min(Self.maximumPlotWidth, max(Self.minimumPlotWidth, (span * Self.pixelsPerSecond).rounded()))
        }
        width = labelsLeft + Self.labelWidth + plotWidth + Self.margin
        spectrogramTop = Self.margin + (picture.title == nil ? 0 : Self.titleHeight)
        barNumbersTop = spectrogramTop + (picture.spectrogram == nil ? 0 : Self.spectrogramHeight + Self.rowGap * 4)
        rowsTop = barNumbersTop + (picture.barLines.isEmpty ? 0 : Self.barNumberHeight)
        let rowsBottom = rowsTop + Double(max(picture.rows.count, 1)) * (Self.rowHeight + Self.rowGap)
        errorStripTop = picture.resynthesisError == nil ? nil : rowsBottom
        axisTop = rowsBottom + (picture.resynthesisError == nil ? 0 : Self.rowHeight + Self.rowGap)
        height = (axisTop + Self.axisHeight + Self.margin).rounded(.up)
        var spans: [InstrumentSpan] = []
        let rowsTop = rowsTop
        func top(_ row: Int) -> Double { rowsTop + Double(row) * (Self.rowHeight + Self.rowGap) }
        for (index, row) in picture.rows.enumerated() {
            guard let name = row.instrument else { continue }
            if let last = spans.last, last.name == name, last.rows.upperBound == index - 1 {
                spans[spans.count - 1].rows = last.rows.lowerBound...index
                spans[spans.count - 1].bottom = top(index) + Self.rowHeight
            } else {
                spans.append(InstrumentSpan(name: name, rows: index...index, top: top(index), bottom: top(index) + Self.rowHeight))
            }
        }
        instruments = spans
    }

    /// x of a time in seconds.
    public func x(_ seconds: Double) -> Double { labelsLeft + Self.labelWidth + (seconds - from) / span * plotWidth }

    /// Top of row `index`.
    public func rowTop(_ index: Int) -> Double { rowsTop + Double(index) * (Self.rowHeight + Self.rowGap) }

    /// x of an instrument's bracket (a vertical line with ticks towards the row labels).
    public var bracketX: Double { labelsLeft - Self.bracketGap }
    /// The bracket stands this far left of the row labels, in pixels.
    public static let bracketGap = 8.0

    /// The block's rectangle, cut to the stretch shown and at least `minimumBlockWidth` wide; nil when it lies
    /// outside the stretch.
    public func blockRect(row: Int, start: Double, end: Double) -> (x: Double, y: Double, width: Double, height: Double)? {
        guard end >= from, start <= to else { return nil }
        let left = x(max(from, start))
        return (left, rowTop(row), max(Self.minimumBlockWidth, x(min(end, to)) - left), Self.rowHeight)
    }

    /// Spacing of time-axis ticks, in seconds: about every 80 pixels, on a 1-2-5 scale.
    public var tickSpacing: Double {
        let target = 80 / (plotWidth / span)
        let steps: [Double] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600]
        return steps.first { $0 >= target } ?? 600
    }

    /// Every how many bars a bar number is written: 1, 2, 4, 8… so numbers stay `minimumBarNumberSpacing` apart.
    public func barNumberStep(barLines: [Double]) -> Int {
        let bars = zip(barLines.dropFirst(), barLines).map { $0 - $1 }.sorted()
        guard !bars.isEmpty else { return 1 }
        let pixels = bars[bars.count / 2] / span * plotWidth
        var step = 1
        while Double(step) * pixels < Self.minimumBarNumberSpacing && step < 1 << 20 { step *= 2 }
        return step
    }

    /// Bar numbers are written at least this far apart, in pixels.
    public static let minimumBarNumberSpacing = 28.0
}

/// Row colours: a hue per family (an instrument: the kit, or one timbre at several pitches), spread around the circle
/// by the golden angle so that families stay apart however many there are. Within a family, lightness by pitch (low
/// dark, high light) and saturation alternating row by row (strong, muted), so that neighbouring rows of one family,
/// a few lightness steps apart at most when the family is large, still differ at a glance.
public enum GridColors {
    /// Hues of successive families are this many degrees apart (the golden angle).
    static let hueStep = 137.508
    /// Lightness runs from here (the lowest row of a family)…
    static let darkest = 0.30
    /// …to here (the highest).
    static let lightest = 0.74
    /// Saturation of a family's first, third… row (in display order)…
    static let saturation = 0.78
    /// …and of its second, fourth…
    static let mutedSaturation = 0.42
    /// Lightness of an instrument's bracket and name.
    static let instrumentLightness = 0.34

    /// (red, green, blue) in 0…1 for each row.
    public static func colors(for rows: [GridPicture.Row]) -> [(Double, Double, Double)] {
        let familyIndex = familyIndices(rows)
        var lightness = [Double](repeating: (darkest + lightest) / 2, count: rows.count)
        var muted = [Bool](repeating: false, count: rows.count)
        for family in familyIndex.keys {
            let members = rows.indices.filter { rows[$0].family == family }
            for (position, row) in members.enumerated() { muted[row] = position % 2 == 1 }
            let byPitch = members.sorted { (rows[$0].pitch ?? -1, $0) < (rows[$1].pitch ?? -1, $1) }
            if byPitch.count > 1 {
                for (rank, row) in byPitch.enumerated() { lightness[row] = darkest + (lightest - darkest) * Double(rank) / Double(byPitch.count - 1) }
            } else if let row = byPitch.first, let pitch = rows[row].pitch {
                lightness[row] = darkest + (lightest - darkest) * min(1, max(0, Double(pitch - 24) / 84))
            }
        }
        return rows.indices.map { row in
            hsl(hue: hue(family: familyIndex[rows[row].family]!), saturation: muted[row] ? mutedSaturation : saturation, lightness: lightness[row])
        }
    }

    /// The colour of an instrument's bracket and name: its family's hue, dark enough to read on white.
    public static func instrumentColor(family: String, in rows: [GridPicture.Row]) -> (Double, Double, Double) {
        hsl(hue: hue(family: familyIndices(rows)[family] ?? 0), saturation: saturation, lightness: instrumentLightness)
    }

    /// Each family's index, in order of first appearance (top to bottom).
    static func familyIndices(_ rows: [GridPicture.Row]) -> [String: Int] {
        var familyIndex: [String: Int] = [:]
        for row in rows where familyIndex[row.family] == nil { familyIndex[row.family] = familyIndex.count }
        return familyIndex
    }

    /// The hue of the `index`-th family: the golden-angle sequence from blue, skipping hues near red (the false-alarm
    /// outline's), so that the families keep their spacing.
    static func hue(family index: Int) -> Double {
        var accepted = -1
        var step = 0
        while true {
            let hue = (firstHue + hueStep * Double(step)).truncatingRemainder(dividingBy: 360)
            if hue <= 360 - redMargin && hue >= redMargin { accepted += 1 }
            if accepted == index { return hue }
            step += 1
        }
    }

    /// Hue of the first family, in degrees (blue).
    static let firstHue = 210.0
    /// Hues this close to red (degrees) are kept for the false-alarm outline.
    static let redMargin = 20.0

    static func hsl(hue: Double, saturation: Double, lightness: Double) -> (Double, Double, Double) {
        let c = (1 - abs(2 * lightness - 1)) * saturation
        let h = hue.truncatingRemainder(dividingBy: 360) / 60
        let x = c * (1 - abs(h.truncatingRemainder(dividingBy: 2) - 1))
        let m = lightness - c / 2
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
    public static let barLine = (0.78, 0.78, 0.78)
    public static let text = (0.1, 0.1, 0.1)
}
