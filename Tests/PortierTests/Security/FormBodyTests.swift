import Fluent
import Foundation
import NIOHTTP1
import Testing
import Vapor
@testable import Portier

/// Forms with a text area over a real socket, where a long body arrives in several reads: the
/// CSRF check must see all of it, and the longest allowed Swedish text must fit.
@Suite("Long forms over a real socket")
struct FormBodyTests {
    /// Swedish prose of exactly `count` characters, with å, ä and ö (six bytes each form-encoded).
    static func swedishText(_ count: Int) -> String {
        let sentence = "Hej! Min webbplats på Portier går långsamt och e-posten når inte fram, vad gör jag åt det? Hälsningar från Örebro. "
        return String(String(repeating: sentence, count: count / sentence.count + 1).prefix(count))
    }

    @Test("Tickets and replies of 1,000 and 10,000 characters are accepted", arguments: [1_000, 10_000])
    func ticketTexts(length: Int) async throws {
        try await withServedPortier { served in
            try await Fixtures.customer(served.app)
            let customer = SocketBrowser(served)
            try await customer.logIn(email: "kund@example.se", password: Fixtures.password)
            try await customer.get("/kundavdelning/support/nytt")
            let text = Self.swedishText(length)

            let created = try await customer.post("/kundavdelning/support/nytt", ["department": "support", "subject": "Långsam sida", "message": text])

            #expect(created.status == .seeOther)
            let ticketPath = try #require(created.headers.first(name: .location)?.split(separator: "?").first.map(String.init))
            try await customer.get(ticketPath)
            let replied = try await customer.post(ticketPath + "/svara", ["message": text])
            #expect(replied.status == .seeOther)
            let stored = try await TicketMessage.query(on: served.app.db).all().map(\.body)
            #expect(stored == [text, text])
        }
    }

    @Test("Contact details and guide feedback of 1,000 and 10,000 characters are answered, never 403 or 413", arguments: [1_000, 10_000])
    func otherForms(length: Int) async throws {
        try await withServedPortier { served in
            let folder = try GuideFolder.sample()
            try await served.context.importGuides(folder)
            try await Fixtures.customer(served.app)
            let customer = SocketBrowser(served)
            try await customer.logIn(email: "kund@example.se", password: Fixtures.password)
            try await customer.get("/kundavdelning/kontaktuppgifter")
            let text = Self.swedishText(length)

            let details = try await customer.post("/kundavdelning/kontaktuppgifter", [
                "name": "Karin Kund", "street_address": text, "postal_code": "114 51", "city": "Stockholm", "country": "SE",
            ])
            #expect(![.forbidden, .payloadTooLarge].contains(details.status))
            #expect([.seeOther, .unprocessableEntity].contains(details.status))

            let guide = try #require(try await Guide.query(on: served.app.db).with(\.$category).first())
            let guidePath = "/hjalp/\(guide.category.slug)/\(guide.slug)"
            let reader = SocketBrowser(served)
            try await reader.get(guidePath)
            var headers = reader.headers
            headers.add(name: "Sec-Fetch-Site", value: "same-origin")
            let feedback = try await served.send(.POST, guidePath + "/feedback", headers: headers, body: reader.formBody(["helpful": "nej", "comment": text]))
            #expect(feedback.status == .seeOther)
            #expect(try await GuideVote.query(on: served.app.db).first()?.comment?.count == min(length, 1000))
        }
    }

    @Test("A rejected form never logs the link token in its path")
    func rejectionLogsRoutePattern() async throws {
        LogCapture.install()
        try await withServedPortier { served in
            served.app.logger.logLevel = .notice
            let token = "hemlig" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
            let response = try await served.send(.POST, "/aterstall-losenord/" + token, body: "password=x&password_confirmation=x&csrf_token=fel")

            #expect(response.status == .forbidden)
            #expect(LogCapture.lines(containing: "CSRF check failed").contains { $0.contains("POST /aterstall-losenord/:token") })
            #expect(LogCapture.lines(containing: token).isEmpty)
        }
    }
}
