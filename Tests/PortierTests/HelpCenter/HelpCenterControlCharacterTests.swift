import Fluent
import Foundation
import Testing
import VaporTesting
@testable import Portier

/// What visitors type never reaches a terminal or a page as control characters.
@Suite("Help center: control characters from visitors")
struct HelpCenterControlCharacterTests {
    /// ESC ] 0 ; x BEL: retitles a terminal window; CSI 2J clears the screen.
    static let escapeQuery = "%1B%5D0;x%07"

    @Test("A search with terminal escapes is stored, shown and printed without them")
    func searchMiss() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())

            let response = try await TestBrowser(app: context.app).get("/hjalp/sok?q=\(Self.escapeQuery)")

            #expect(response.status == .ok)
            let title = try #require(response.body.string.firstMatch(of: /<title>([^<]*)<\/title>/)?.1)
            #expect(!title.unicodeScalars.contains(where: PlainText.isControl))
            #expect(title.contains("]0;x"))
            let stored = try await UnansweredSearch.query(on: context.app.db).all().map(\.query)
            #expect(stored == ["]0;x"])
            let report = try await GuideFeedbackReport(database: context.app.db, limit: 10).render()
            #expect(!Self.hasControlCharactersBesidesLineBreaks(report))
        }
    }

    @Test("A comment with terminal escapes is stored without them and printed on one line")
    func comment() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            let path = "/hjalp/inloggning-och-kontaktuppgifter/glomt-losenord"
            let browser = TestBrowser(app: context.app)
            try await browser.get(path)

            let posted = try await browser.post(path + "/feedback", ["helpful": "nej", "comment": "Rad ett\r\nrad två\u{1B}[2J\u{1B}]0;ägd\u{07}\u{9B}31m\u{202E}slut"])

            #expect(posted.status == .seeOther)
            let stored = try #require(try await GuideVote.query(on: context.app.db).first()?.comment)
            #expect(stored == "Rad ett\nrad två[2J]0;ägd31mslut")
            let report = try await GuideFeedbackReport(database: context.app.db, limit: 10).render()
            #expect(!Self.hasControlCharactersBesidesLineBreaks(report))
            #expect(report.contains("glomt-losenord: Rad ett rad två[2J]0;ägd31mslut"))
        }
    }

    @Test("The operator's one-line form keeps text but no control character")
    func singleLine() {
        let line = PlainText.singleLine("a\u{0}b\u{1B}c\nd\u{7F}e\u{85}f\u{2067}g")

        #expect(line == "a b c d e f g")
    }

    static func hasControlCharactersBesidesLineBreaks(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0 != "\n" && PlainText.isControl($0) }
    }
}
