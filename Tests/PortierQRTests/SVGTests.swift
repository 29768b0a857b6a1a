import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PortierQR
import Testing

/// The SVG's markup: well-formed, accessible, escaped, and drawing exactly the dark modules.
@Suite("SVG markup")
struct SVGTests {
    /// What an XML parser saw of the SVG: its elements with their attributes, and the title text.
    final class Outline: NSObject, XMLParserDelegate {
        var elements: [(name: String, attributes: [String: String])] = []
        var title = ""
        private var inTitle = false

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            elements.append((name, attributes))
            inTitle = name == "title"
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            inTitle = false
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inTitle { title += string }
        }

        func attributes(of name: String) -> [[String: String]] {
            elements.filter { $0.name == name }.map(\.attributes)
        }
    }

    /// Parses `svg`, returning `nil` if it is not well-formed XML.
    static func outline(of svg: String) -> Outline? {
        let outline = Outline()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = outline
        return parser.parse() ? outline : nil
    }

    @Test("Well-formed, accessible, with the label escaped")
    func accessibleAndEscaped() throws {
        let label = #"Scan <me> & "enrol" 'now' – Blåbär"#
        let code = try QRCode(text: "otpauth://totp/x?secret=JBSWY3DP")

        let svg = code.svg(moduleSize: 5, label: label)
        let outline = try #require(Self.outline(of: svg))

        let root = try #require(outline.elements.first)
        #expect(root.name == "svg")
        #expect(root.attributes["role"] == "img")
        #expect(root.attributes["aria-label"] == label)
        #expect(root.attributes["shape-rendering"] == "crispEdges")
        #expect(outline.title == label)
        #expect(outline.attributes(of: "path").count == 1)
        #expect(!svg.contains("<me>") && !svg.contains(#""enrol""#))
    }

    @Test("The view box and size include the quiet zone, on a white background")
    func geometry() throws {
        let code = try QRCode(text: "Portier")
        let extent = code.size + 2 * 4

        let outline = try #require(Self.outline(of: code.svg(moduleSize: 3, label: "QR code")))

        let root = try #require(outline.elements.first?.attributes)
        #expect(root["viewBox"] == "0 0 \(extent) \(extent)")
        #expect(root["width"] == "\(extent * 3)" && root["height"] == "\(extent * 3)")
        let background = try #require(outline.attributes(of: "rect").first)
        #expect(background["fill"] == "#fff" && background["width"] == "\(extent)")
    }

    @Test("Control characters in the label cannot break the document")
    func controlCharacters() throws {
        let code = try QRCode(text: "Portier")

        let outline = Self.outline(of: code.svg(label: "bell\u{07} and null\u{00} end"))

        #expect(outline != nil)
        #expect(outline?.title.contains("bell") == true && outline?.title.contains("end") == true)
    }

    @Test("The path covers exactly the dark modules, offset by the quiet zone",
          arguments: [(text: "Portier", quietZone: 4), (text: String(repeating: "Kundportal ", count: 12), quietZone: 2)])
    func pathCoversDarkModules(text: String, quietZone: Int) throws {
        let code = try QRCode(text: text)

        let outline = try #require(Self.outline(of: code.svg(quietZone: quietZone, label: "QR code")))
        let path = try #require(outline.attributes(of: "path").first?["d"])

        let extent = code.size + 2 * quietZone
        var drawn = Array(repeating: Array(repeating: false, count: extent), count: extent)
        // Each run is "M<x> <y>h<n>v1h-<n>z": a one-module-high rectangle n modules wide.
        for run in path.split(separator: "z") {
            let numbers = run.split(whereSeparator: { "Mhv ".contains($0) }).compactMap { Int($0) }
            try #require(numbers.count == 5 && numbers[3] == 1 && numbers[4] == -numbers[2], "unexpected run \(run)")
            let (x, y, width) = (numbers[0], numbers[1], numbers[2])
            for column in x..<x + width { drawn[y][column] = true }
        }
        let expected = (0..<extent).map { row in
            (0..<extent).map { column in
                let (moduleRow, moduleColumn) = (row - quietZone, column - quietZone)
                return (0..<code.size).contains(moduleRow) && (0..<code.size).contains(moduleColumn)
                    && code.isDark(row: moduleRow, column: moduleColumn)
            }
        }
        #expect(drawn == expected)
    }
}
