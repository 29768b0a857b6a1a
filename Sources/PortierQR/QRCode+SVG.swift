extension QRCode {
    /// The symbol as a self-contained SVG element, for inlining in an HTML page.
    ///
    /// The drawing is one white background and one `<path>` with a rectangle per horizontal run of
    /// dark modules, in a `viewBox` measured in modules so that it scales without blurring;
    /// `shape-rendering="crispEdges"` keeps the edges of neighbouring runs from showing seams.
    /// `role="img"` with `aria-label` and a `<title>` gives screen readers `label` in place of a
    /// picture they cannot describe.
    ///
    /// - Parameters:
    ///   - moduleSize: The rendered width and height of one module, in CSS pixels.
    ///   - quietZone: The light margin in modules; the standard asks for at least 4.
    ///   - label: The accessible name, e.g. what the code is for. Escaped for XML here.
    public func svg(moduleSize: Int = 4, quietZone: Int = 4, label: String) -> String {
        precondition(moduleSize > 0 && quietZone >= 0, "module size must be positive, quiet zone not negative")
        let extent = size + 2 * quietZone
        let pixels = extent * moduleSize
        let escapedLabel = XMLText.escaped(label)
        var path = ""
        for row in 0..<size {
            var column = 0
            while column < size {
                guard isDark(row: row, column: column) else {
                    column += 1
                    continue
                }
                let start = column
                while column < size && isDark(row: row, column: column) { column += 1 }
                path += "M\(start + quietZone) \(row + quietZone)h\(column - start)v1h-\(column - start)z"
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(pixels)" height="\(pixels)" \
            viewBox="0 0 \(extent) \(extent)" role="img" aria-label="\(escapedLabel)" \
            shape-rendering="crispEdges"><title>\(escapedLabel)</title>\
            <rect width="\(extent)" height="\(extent)" fill="#fff"/>\
            <path fill="#000" d="\(path)"/></svg>
            """
    }
}
