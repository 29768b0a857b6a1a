import Foundation
import PropertyBased
import Testing
import VaporTesting
@testable import Portier

/// Whatever a visitor types into the search box, `/hjalp/sok` answers with a page: no quote,
/// `|`, `*`, `(` or other FTS5 / tsquery syntax reaches `MATCH` or `to_tsquery` unescaped.
@Suite("Help center: search input")
struct HelpSearchPropertyTests {
    /// Search syntax, letters that glue a following character into their grapheme (Prepend
    /// letters such as U+0D4E), combining marks, joiners, controls and surrogate neighbours.
    static let awkwardScalars: [Unicode.Scalar] = [
        "\"", "'", "|", "*", "(", ")", ":", "&", "!", "<", ">", "-", "^", "\\", "+", "~", "{", "}", ",", ".", "%",
        "\u{0D4E}", "\u{0600}", "\u{110BD}", "\u{0301}", "\u{200D}", "\u{FE0F}", "\u{0}", "\u{1B}", "\u{7}", "\u{85}", "\u{202E}",
        "\u{FFFD}", "\u{D7FF}", "\u{E000}", "\u{10FFFF}", "a", "ä", "Ö", "1", "²", "Ⅻ", " ", "\u{3000}", "\u{00A0}",
    ]

    /// Half awkward scalars, half any scalar at all (surrogate code points skipped).
    static let hostileScalar = Gen<UInt32>.value(in: 0...(2 * 0x10F800 - 1)).map { value -> Unicode.Scalar in
        let anyScalarCount: UInt32 = 0x10F800
        if value >= anyScalarCount {
            return awkwardScalars[Int(value - anyScalarCount) % awkwardScalars.count]
        }
        return Unicode.Scalar(value < 0xD800 ? value : value + 0x800)!
    }

    static let hostileQuery = hostileScalar.array(of: 1...12).map { String(String.UnicodeScalarView($0)) }

    @Test("Random Unicode never gets a 500")
    func randomUnicode() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            let browser = TestBrowser(app: context.app)

            await propertyCheck(count: 200, input: Self.hostileQuery) { query in
                let response = try await browser.get("/hjalp/sok?q=" + Self.percentEncoded(query))
                #expect(response.status == .ok, "scalars \(query.unicodeScalars.map { String($0.value, radix: 16) })")
            }
        }
    }

    @Test("Letters that join the next character do not smuggle syntax into a word", arguments: [
        "\u{0D4E}\"", "\u{0D4E}'", "x\u{0D4E}|y", "\u{0D4E}(", "\u{0D4E}:\u{0D4E}*", "lösenord \u{0D4E}\" OR",
    ])
    func prependLetters(query: String) async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())

            let response = try await TestBrowser(app: context.app).get("/hjalp/sok?q=" + Self.percentEncoded(query))

            #expect(response.status == .ok)
        }
    }

    static func percentEncoded(_ text: String) -> String {
        text.utf8.map { String(format: "%%%02X", $0) }.joined()
    }
}
