import Testing
@testable import PortierSearch

@Suite("Any input")
struct RobustnessTests {
    static let index = SearchIndex(documents: [
        guide("a", title: "Logga in på Kundavdelningen", keywords: ["logga in"], body: "E-post, lösenord och fakturor."),
        guide("b", title: "Skriv ut en faktura", body: "PDF-fil, moms 25 %."),
        guide("c", title: "Forgot your password", body: "Reset it.", language: .english),
    ], synonyms: [.swedish: SynonymList(parsing: "e-post, mejl\n,,,\n# x")])

    static let awkward: [String] = [
        "", " ", "\0", "\u{0301}", "\u{0301}\u{0301}a", "a\u{0308}\u{0308}\u{0308}", "🧑🏽‍💻 faktura",
        "\u{202E}drowssap", "\u{FEFF}lösenord", "e--post", "-", "---e---", "'", "can''t", "\u{00AD}",
        "ǅ", "İstanbul", "ß", "ﬁ", "\u{10FFFF}", "日本語の検索", "ضغط", "a\u{200D}b", "\r\n\t",
        String(repeating: "a", count: 10_000), String(repeating: "lösenord ", count: 500),
        String(repeating: "é", count: 300), String(repeating: "\u{0301}", count: 500),
        "\"faktura\" OR *moms* | pdf", "%", "_", "\\", "😀😀😀😀", "0000000000000000000000",
    ]

    @Test(arguments: awkward)
    func handlesAwkwardInput(_ query: String) {
        for language in SearchLanguage.allCases {
            _ = Self.index.search(query, language: language)
            _ = Self.index.instant(query, language: language)
            _ = Self.index.didYouMean(query, language: language)
        }
    }

    @Test func handlesRandomUnicode() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...40, using: &generator) {
                let value = UInt32.random(in: 0...0x10FFFF, using: &generator)
                if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
                if Bool.random(using: &generator) { scalars.append(contentsOf: "öa-e ".unicodeScalars.shuffled().prefix(2)) }
            }
            let query = String(scalars)
            _ = Self.index.search(query, language: .swedish)
            _ = Self.index.instant(query, language: .swedish)
            _ = Self.index.didYouMean(query, language: .english)
        }
    }

    @Test func indexesAwkwardDocuments() {
        let documents = Self.awkward.enumerated().map { guide("g\($0.offset)", title: $0.element, keywords: [$0.element], body: $0.element) }
        let index = SearchIndex(documents: documents)
        for query in Self.awkward.prefix(20) {
            _ = index.search(query, language: .swedish)
        }
        #expect(SearchIndex(documents: []).search("faktura", language: .swedish).isEmpty)
    }

    @Test func cutsLongQueries() {
        let long = String(repeating: "x ", count: 150) + "faktura"
        #expect(Self.index.search(long, language: .swedish).isEmpty)
        #expect(!Self.index.search("faktura " + String(repeating: "x ", count: 150), language: .swedish).isEmpty)
    }
}
