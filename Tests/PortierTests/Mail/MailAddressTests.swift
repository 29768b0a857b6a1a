import Foundation
import Testing
@testable import Portier

@Suite("MailAddress")
struct MailAddressTests {
    @Test("parses name and address forms")
    func parsing() throws {
        let named = try MailAddress(parsing: "Portier <no-reply@example.se>")
        #expect(named.name == "Portier")
        #expect(named.email == "no-reply@example.se")
        #expect(named.domain == "example.se")

        let quoted = try MailAddress(parsing: #""Kundtjänst, Portier AB" <support@example.se>"#)
        #expect(quoted.name == "Kundtjänst, Portier AB")

        let bare = try MailAddress(parsing: "  no-reply@localhost ")
        #expect(bare.name == nil)
        #expect(bare.email == "no-reply@localhost")

        let bracketed = try MailAddress(parsing: "<a.b+tag@sub.example.se>")
        #expect(bracketed.name == nil)
        #expect(bracketed.email == "a.b+tag@sub.example.se")
        #expect(try MailAddress(name: "  ", email: "a@b.se").name == nil)
    }

    @Test("rejects line breaks and control characters", arguments: [
        "a@b.se\r\nBcc: evil@example.com",
        "a@b.se\nBcc: evil@example.com",
        "a@b.se\r",
        "Evil\r\nBcc: x@y.se <a@b.se>",
        "Evil\u{0} <a@b.se>",
        "Evil\u{2028} <a@b.se>",
        "Evil\u{85} <a@b.se>",
    ])
    func rejectsControlCharacters(input: String) {
        #expect(throws: MailError.self) { try MailAddress(parsing: input) }
    }

    @Test("rejects control characters passed to init(name:email:)")
    func rejectsControlCharactersInParts() {
        #expect(throws: MailError.invalidDisplayName) { try MailAddress(name: "Åsa\r\nBcc: x@y.se", email: "a@b.se") }
        #expect(throws: MailError.invalidDisplayName) { try MailAddress(name: "Åsa\t", email: "a@b.se") }
        #expect(throws: MailError.self) { try MailAddress(name: "Åsa", email: "a@b.se\nRCPT TO:<x@y.se>") }
    }

    @Test("rejects what is not a plain addr-spec", arguments: [
        "", "a", "@b.se", "a@", "a@@b.se", "a@b@c.se", "a b@c.se", "a@b .se", "a..b@c.se", ".a@b.se",
        "a.@b.se", "a@-b.se", "a@b-.se", "a@b..se", "åsa@b.se", "a@exämpel.se", "a<@b.se", "a@b.se>",
        "\"a\"@b.se", "a@b.se,c@d.se",
        String(repeating: "a", count: 65) + "@b.se",
    ])
    func rejectsInvalidAddresses(input: String) {
        #expect(throws: MailError.self) { try MailAddress(name: nil, email: input) }
    }

    @Test("round-trips through JSON and validates when decoding")
    func codable() throws {
        let address = try MailAddress(name: "Åsa Öberg", email: "asa@example.se")
        let data = try JSONEncoder().encode(address)
        #expect(try JSONDecoder().decode(MailAddress.self, from: data) == address)

        let injected = Data(#"{"name":"x","email":"a@b.se\r\nBcc: c@d.se"}"#.utf8)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(MailAddress.self, from: injected) }
    }
}
