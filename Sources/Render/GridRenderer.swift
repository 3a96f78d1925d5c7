internal import CCairo
import Foundation
import SoundSortCore

/// What can go wrong drawing a picture.
public enum RenderError: Error, Equatable, CustomStringConvertible {
    case unsupportedFormat(path: String)
    case cannotWrite(path: String, reason: String)
    /// cairo refused a drawing operation; `reason` is its own status message.
    case cannotDraw(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unsupportedFormat(path): "\(path): unknown picture format (use .png, .svg or .pdf)"
        case let .cannotWrite(path, reason): "\(path): cannot write: \(reason)"
        case let .cannotDraw(path, reason): "\(path): cannot draw the picture: \(reason)"
        }
    }
}

/// Draws a `GridPicture` with cairo to PNG, SVG or PDF (chosen by the file's extension), atomically.
public enum GridRenderer {
    public enum Format: String, CaseIterable, Sendable { case png, svg, pdf }

    /// The format a path's extension names, if any.
    public static func format(of path: String) -> Format? { Format(rawValue: URL(fileURLWithPath: path).pathExtension.lowercased()) }

    public static func render(_ picture: GridPicture, to path: String) throws(RenderError) {
        guard let format = format(of: path) else { throw .unsupportedFormat(path: path) }
        try render(picture, to: path, format: format)
    }

    /// Draws `picture` in `format` whatever the path's extension: for a temporary file that is renamed later.
    public static func render(_ picture: GridPicture, to path: String, format: Format) throws(RenderError) {
        do {
            try AtomicOutput.write(to: path) { temporary in try draw(picture, format: format, to: temporary, reportingAs: path) }
        } catch let error as RenderError {
            throw error
        } catch {
            throw .cannotWrite(path: path, reason: error.localizedDescription)
        }
    }

    private static func draw(_ picture: GridPicture, format: Format, to temporary: String, reportingAs path: String) throws(RenderError) {
        let layout = GridLayout(picture: picture)
        let surface: OpaquePointer? = switch format {
        case .png: cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(layout.width), Int32(layout.height))
        case .svg: cairo_svg_surface_create(temporary, layout.width, layout.height)
        case .pdf: cairo_pdf_surface_create(temporary, layout.width, layout.height)
        }
        guard let surface, cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw .cannotWrite(path: path, reason: surface.map { String(cString: cairo_status_to_string(cairo_surface_status($0))) } ?? "no surface")
        }
        defer { cairo_surface_destroy(surface) }
        // cairo_create never returns NULL, but a context in an error state (no memory) draws nothing.
        guard let cr = cairo_create(surface) else { throw .cannotDraw(path: path, reason: "cairo made no context") }
        defer { cairo_destroy(cr) }
        try check(cairo_status(cr), path)
        // Solid blocks: no anti-aliased edges blending neighbouring colours.
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE)
        try paint(picture, layout: layout, cr, path)
        // A context that failed midway (an invalid matrix, no memory) ignores what follows: never save half a picture.
        try check(cairo_status(cr), path)
        cairo_surface_flush(surface)
        try check(cairo_surface_status(surface), path)
        if format == .png {
            let status = cairo_surface_write_to_png(surface, temporary)
            guard status == CAIRO_STATUS_SUCCESS else { throw .cannotWrite(path: path, reason: String(cString: cairo_status_to_string(status))) }
        } else {
            cairo_surface_finish(surface)
            let status = cairo_surface_status(surface)
            guard status == CAIRO_STATUS_SUCCESS else { throw .cannotWrite(path: path, reason: String(cString: cairo_status_to_string(status))) }
        }
    }

    /// Throws `.cannotDraw` with cairo's message unless `status` is success.
    private static func check(_ status: cairo_status_t, _ path: String) throws(RenderError) {
        guard status == CAIRO_STATUS_SUCCESS else { throw .cannotDraw(path: path, reason: String(cString: cairo_status_to_string(status))) }
    }

    private static func paint(_ picture: GridPicture, layout: GridLayout, _ cr: OpaquePointer, _ path: String) throws(RenderError) {
        setColor(cr, GridColors.background)
        cairo_paint(cr)
        cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, 12)
        if let title = picture.title {
            setColor(cr, GridColors.text)
            cairo_set_font_size(cr, 15)
            cairo_move_to(cr, GridLayout.margin, GridLayout.margin + 15)
            cairo_show_text(cr, title)
            cairo_set_font_size(cr, 12)
        }
        if let spectrogram = picture.spectrogram { try paintSpectrogram(spectrogram, layout: layout, cr, path) }
        let plotLeft = layout.x(layout.from), plotRight = layout.x(layout.to)
        for (index, row) in picture.rows.enumerated() {
            let top = layout.rowTop(index)
            setColor(cr, GridColors.rowBackground)
            cairo_rectangle(cr, plotLeft, top, plotRight - plotLeft, GridLayout.rowHeight)
            cairo_fill(cr)
            setColor(cr, GridColors.text)
            cairo_move_to(cr, layout.labelsLeft, top + GridLayout.rowHeight - 6)
            cairo_show_text(cr, String(row.label.prefix(28)))
        }
        paintInstruments(picture, layout: layout, cr)
        paintBars(picture, layout: layout, cr)
        let colors = GridColors.colors(for: picture.rows)
        for (index, row) in picture.rows.enumerated() {
            let color = colors[index]
            for block in row.blocks {
                guard let r = layout.blockRect(row: index, start: block.start, end: block.end) else { continue }
                switch block.mark {
                case .plain, .matched:
                    setColor(cr, color)
                    cairo_rectangle(cr, r.x, r.y, r.width, r.height)
                    cairo_fill(cr)
                case .falseAlarm:
                    setColor(cr, color)
                    cairo_rectangle(cr, r.x, r.y, r.width, r.height)
                    cairo_fill(cr)
                    setColor(cr, GridColors.falseAlarmOutline)
                    cairo_set_line_width(cr, 2)
                    cairo_rectangle(cr, r.x + 1, r.y + 1, max(r.width - 2, 1), r.height - 2)
                    cairo_stroke(cr)
                case .missed:
                    setColor(cr, color)
                    cairo_set_line_width(cr, 2)
                    cairo_rectangle(cr, r.x + 1, r.y + 1, max(r.width - 2, 1), r.height - 2)
                    cairo_stroke(cr)
                }
            }
        }
        if let errors = picture.resynthesisError, let top = layout.errorStripTop { paintErrorStrip(errors, top: top, layout: layout, cr) }
        paintAxis(layout: layout, cr)
    }

    /// A bracket spanning each instrument's rows, its ticks pointing at the row labels, and the instrument's name
    /// beside it, centred on the rows, in the instrument's hue.
    private static func paintInstruments(_ picture: GridPicture, layout: GridLayout, _ cr: OpaquePointer) {
        let x = layout.bracketX.rounded() + 0.5
        cairo_set_line_width(cr, 1)
        for span in layout.instruments {
            setColor(cr, GridColors.instrumentColor(family: picture.rows[span.rows.lowerBound].family, in: picture.rows))
            let top = span.top + 2, bottom = span.bottom - 2
            cairo_move_to(cr, x + bracketTick, top)
            cairo_line_to(cr, x, top)
            cairo_line_to(cr, x, bottom)
            cairo_line_to(cr, x + bracketTick, bottom)
            cairo_stroke(cr)
            // The longest prefix of the name that fits left of the bracket.
            let room = x - GridLayout.margin - 4
            var name = span.name
            var extents = cairo_text_extents_t()
            cairo_text_extents(cr, name, &extents)
            while extents.x_advance > room && !name.isEmpty {
                name.removeLast()
                cairo_text_extents(cr, name, &extents)
            }
            cairo_move_to(cr, GridLayout.margin, (span.top + span.bottom) / 2 + 4)
            cairo_show_text(cr, name)
        }
    }

    /// Length of a bracket's ticks, in pixels.
    private static let bracketTick = 4.0

    /// One cell per second, white to red as its re-synthesis error grows to `GridLayout.fullErrorDecibels`.
    private static func paintErrorStrip(_ errors: [Double], top: Double, layout: GridLayout, _ cr: OpaquePointer) {
        setColor(cr, GridColors.text)
        cairo_move_to(cr, GridLayout.margin, top + GridLayout.rowHeight - 6)
        cairo_show_text(cr, "re-synthesis error")
        for (second, error) in errors.enumerated() where Double(second + 1) > layout.from && Double(second) < layout.to {
            let share = min(1, max(0, error.isFinite ? error / GridLayout.fullErrorDecibels : 1))
            setColor(cr, (1, 1 - share, 1 - share))
            let left = layout.x(max(layout.from, Double(second))), right = layout.x(min(layout.to, Double(second + 1)))
            cairo_rectangle(cr, left, top, right - left, GridLayout.rowHeight)
            cairo_fill(cr)
        }
    }

    /// Bar lines through the rows, behind the blocks, and bar numbers above them (every bar, or every 2nd, 4th…
    /// when bars are narrow).
    private static func paintBars(_ picture: GridPicture, layout: GridLayout, _ cr: OpaquePointer) {
        guard !picture.barLines.isEmpty else { return }
        let step = layout.barNumberStep(barLines: picture.barLines)
        let bottom = layout.rowTop(picture.rows.count)
        cairo_set_line_width(cr, 1)
        for (index, time) in picture.barLines.enumerated() where time >= layout.from && time <= layout.to {
            let x = layout.x(time).rounded() + 0.5
            setColor(cr, GridColors.barLine)
            cairo_move_to(cr, x, layout.rowsTop)
            cairo_line_to(cr, x, bottom)
            cairo_stroke(cr)
            if index % step == 0 {
                setColor(cr, GridColors.text)
                cairo_move_to(cr, x + 2, layout.barNumbersTop + GridLayout.barNumberHeight - 4)
                cairo_show_text(cr, "\(index + 1)")
            }
        }
        setColor(cr, GridColors.text)
        cairo_move_to(cr, GridLayout.margin, layout.barNumbersTop + GridLayout.barNumberHeight - 4)
        cairo_show_text(cr, "bar")
    }

    private static func paintAxis(layout: GridLayout, _ cr: OpaquePointer) {
        let y = layout.axisTop + 4
        setColor(cr, GridColors.text)
        cairo_set_line_width(cr, 1)
        cairo_move_to(cr, layout.x(layout.from), y + 0.5)
        cairo_line_to(cr, layout.x(layout.to), y + 0.5)
        cairo_stroke(cr)
        let step = layout.tickSpacing
        var time = (layout.from / step).rounded(.up) * step
        while time <= layout.to + 1e-9 {
            let x = layout.x(time).rounded() + 0.5
            cairo_move_to(cr, x, y)
            cairo_line_to(cr, x, y + 5)
            cairo_stroke(cr)
            cairo_move_to(cr, x - 8, y + 18)
            let minutes = Int(time) / 60
            let decimals = step < 0.1 ? 2 : 1
            let label = step < 1 ? String(format: "%.\(decimals)f", time)
                : (minutes > 0 ? String(format: "%d:%02d", minutes, Int(time) % 60) : "\(Int(time.rounded()))")
            cairo_show_text(cr, label)
            time += step
        }
        cairo_move_to(cr, GridLayout.margin, y + 18)
        cairo_show_text(cr, "time (s)")
    }

    /// The spectrogram as one image (a pixel per frame and band, darker is louder), scaled into place.
    private static func paintSpectrogram(_ spectrogram: (values: [Float], bands: Int, frameDuration: Double), layout: GridLayout,
                                         _ cr: OpaquePointer, _ path: String) throws(RenderError) {
        let bands = spectrogram.bands
        let frames = spectrogram.values.count / max(bands, 1)
        guard frames > 0, bands > 0 else { return }
        guard spectrogram.frameDuration.isFinite, spectrogram.frameDuration > 0, frames <= Int(Int32.max), bands <= Int(Int32.max) else {
            throw .cannotDraw(path: path, reason: "a spectrogram of \(frames) × \(bands) values at \(spectrogram.frameDuration) s a frame")
        }
        guard let image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(frames), Int32(bands)) else {
            throw .cannotDraw(path: path, reason: "cairo made no image for the spectrogram")
        }
        defer { cairo_surface_destroy(image) }
        try check(cairo_surface_status(image), path)
        guard let data = cairo_image_surface_get_data(image) else {
            throw .cannotDraw(path: path, reason: "the spectrogram image has no pixels")
        }
        let peak = max(spectrogram.values.max() ?? 1, 1e-6)
        let stride = Int(cairo_image_surface_get_stride(image)) / 4
        let pixels = UnsafeMutableRawPointer(data).assumingMemoryBound(to: UInt32.self)
        for frame in 0..<frames {
            for band in 0..<bands {
                let level = min(1, max(0, spectrogram.values[frame * bands + band] / peak))
                let shade = UInt32((1 - level) * 255)
                pixels[(bands - 1 - band) * stride + frame] = shade << 16 | shade << 8 | shade
            }
        }
        cairo_surface_mark_dirty(image)
        cairo_save(cr)
        // Only the stretch shown: clip to the plot, then place the whole image on the time axis.
        cairo_rectangle(cr, layout.x(layout.from), layout.spectrogramTop, layout.plotWidth, GridLayout.spectrogramHeight)
        cairo_clip(cr)
        let shown = Double(frames) * spectrogram.frameDuration
        cairo_translate(cr, layout.x(0), layout.spectrogramTop)
        cairo_scale(cr, (layout.x(shown) - layout.x(0)) / Double(frames), GridLayout.spectrogramHeight / Double(bands))
        cairo_set_source_surface(cr, image, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST)
        cairo_paint(cr)
        cairo_restore(cr)
    }

    private static func setColor(_ cr: OpaquePointer, _ color: (Double, Double, Double)) {
        cairo_set_source_rgb(cr, color.0, color.1, color.2)
    }
}
