import Foundation
import Testing
@testable import Portier

@Suite("MIME rendering")
struct MailMIMERenderingTests {
    let from: MailAddress
    let date = Date(timeIntervalSince1970: 1_736_845_503)  // Tue, 14 Jan 2025 09:05:03 UTC
    let messageID = "<abc123@portier.example.se>"
    let boundary = "=_portier_test"

    init() throws {
        from = try MailAddress(parsing: "Portier Kundtjänst <no-reply@portier.example.se>")
    }

    func render(_ mail: OutgoingMail) throws -> String {
        let rendered = try MIMEMessageRenderer().render(mail, from: from, messageID: messageID, date: date, boundary: boundary)
        return String(decoding: rendered.bytes, as: UTF8.self)
    }

    @Test("a Swedish subject is one RFC 2047 encoded-word")
    func swedishSubject() throws {
        let message = try render(try SampleMail.make())
        let expectedWord = "=?UTF-8?B?" + Data("Återställ ditt lösenord".utf8).base64EncodedString() + "?="
        #expect(expectedWord == "=?UTF-8?B?w4V0ZXJzdMOkbGwgZGl0dCBsw7ZzZW5vcmQ=?=")
        #expect(message.contains("\r\nSubject: \(expectedWord)\r\n"))
        #expect(MIMETestDecoding.decodeHeaderValue(MIMETestDecoding.headers(of: message)["Subject"] ?? "") == "Återställ ditt lösenord")
    }

    @Test("long non-ASCII subjects are split into encoded-words of at most 75 characters")
    func longSubject() throws {
        let subject = "Ditt lösenord för Kundavdelningen är ändrat – kontakta kundtjänst om det inte var du 🙂 åäö ÅÄÖ"
        var mail = try SampleMail.make()
        mail.subject = subject
        let message = try render(mail)
        let value = MIMETestDecoding.headers(of: message)["Subject"] ?? ""
        let words = value.replacingOccurrences(of: "\r\n", with: "").split(separator: " ")
        #expect(words.count > 2)
        #expect(words.allSatisfy { $0.count <= 75 && $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") })
        // Each word decodes on its own to valid UTF-8 (no character split between words).
        for word in words {
            let payload = Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))
            #expect(payload.flatMap { String(data: $0, encoding: .utf8) } != nil)
        }
        #expect(MIMETestDecoding.decodeHeaderValue(value) == subject)
    }

    @Test("plain ASCII subjects stay readable and are folded")
    func asciiSubject() throws {
        var mail = try SampleMail.make()
        mail.subject = "Your password was changed"
        #expect(try render(mail).contains("\r\nSubject: Your password was changed\r\n"))

        mail.subject = Array(repeating: "word", count: 40).joined(separator: " ")
        let message = try render(mail)
        #expect(MIMETestDecoding.decodeHeaderValue(MIMETestDecoding.headers(of: message)["Subject"] ?? "") == mail.subject)
    }

    @Test("headers: Date, From, To, Message-ID, MIME-Version, Content-Language")
    func headers() throws {
        var mail = try SampleMail.make()
        mail.replyTo = try MailAddress(parsing: "Support <support@example.se>")
        let message = try render(mail)
        let headers = MIMETestDecoding.headers(of: message)
        #expect(headers["Date"] == "Tue, 14 Jan 2025 09:05:03 +0000")
        #expect(headers["Message-ID"] == messageID)
        #expect(headers["MIME-Version"] == "1.0")
        #expect(headers["Content-Language"] == "sv")
        #expect(headers["Reply-To"] == "Support <support@example.se>")
        #expect(headers["Content-Type"] == "multipart/alternative; boundary=\"=_portier_test\"")

        let fromWord = "=?UTF-8?B?" + Data("Portier Kundtjänst".utf8).base64EncodedString() + "?="
        #expect(headers["From"] == "\(fromWord) <no-reply@portier.example.se>")
        let toWord = "=?UTF-8?B?" + Data("Åsa Öberg".utf8).base64EncodedString() + "?="
        #expect(headers["To"] == "\(toWord) <asa.oberg@kund.example.se>")

        mail.language = .english
        #expect(MIMETestDecoding.headers(of: try render(mail))["Content-Language"] == "en")
    }

    @Test("display names: atoms as they are, specials quoted")
    func displayNames() throws {
        #expect(MIMEEncoding.addressTokens(try MailAddress(parsing: "Portier <a@b.se>")) == ["Portier", "<a@b.se>"])
        #expect(MIMEEncoding.addressTokens(try MailAddress(parsing: "a@b.se")) == ["a@b.se"])
        let quoted = try MailAddress(name: #"Portier "Support", AB\"#, email: "a@b.se")
        #expect(MIMEEncoding.addressTokens(quoted) == [#""Portier \"Support\", AB\\""#, "<a@b.se>"])
    }

    @Test("multipart/alternative: plain text first, then HTML, both decoding to the original")
    func structure() throws {
        let mail = try SampleMail.make()
        let message = try render(mail)
        let parts = MIMETestDecoding.parts(of: message, boundary: boundary)
        #expect(parts.count == 2)
        #expect(parts.first?.headers == "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable")
        #expect(parts.last?.headers == "Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable")
        #expect(parts.first?.body == MIMETestDecoding.crlf(mail.textBody))
        #expect(parts.last?.body == MIMETestDecoding.crlf(mail.htmlBody))
        #expect(message.hasSuffix("\r\n--=_portier_test--\r\n"))
    }

    @Test("CRLF only, 7-bit only, lines within limits")
    func lineRules() throws {
        var mail = try SampleMail.make()
        mail.textBody = "Mixed\nline\rendings\r\nand a very long line: " + String(repeating: "åäö ", count: 100) + "end  \n"
        let bytes = try MIMEMessageRenderer().render(mail, from: from, messageID: messageID, date: date, boundary: boundary).bytes
        #expect(bytes.allSatisfy { $0 < 0x80 })
        for (index, byte) in bytes.enumerated() {
            if byte == 10 { #expect(index > 0 && bytes[index - 1] == 13) }
            if byte == 13 { #expect(index + 1 < bytes.count && bytes[index + 1] == 10) }
        }
        let message = String(decoding: bytes, as: UTF8.self)
        let (headers, body) = MIMETestDecoding.split(message)
        for line in headers.components(separatedBy: "\r\n") {
            #expect(line.count <= 78, "header line too long: \(line)")
            #expect(!line.trimmingCharacters(in: .whitespaces).isEmpty)
        }
        for line in body.components(separatedBy: "\r\n") {
            #expect(line.count <= 76, "body line too long: \(line)")
            #expect(!line.hasSuffix(" ") && !line.hasSuffix("\t"), "trailing whitespace: \(line)")
        }
        let text = MIMETestDecoding.parts(of: message, boundary: boundary).first?.body
        #expect(text == MIMETestDecoding.crlf(mail.textBody.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")))
    }

    @Test("quoted-printable encodes '=', non-ASCII and trailing spaces")
    func quotedPrintable() {
        #expect(MIMEEncoding.quotedPrintable("a=b") == "a=3Db")
        #expect(MIMEEncoding.quotedPrintable("Hej Åsa") == "Hej =C3=85sa")
        #expect(MIMEEncoding.quotedPrintable("end \nnext\t") == "end=20\r\nnext=09")
        let long = MIMEEncoding.quotedPrintable(String(repeating: "ö", count: 40))
        #expect(long.components(separatedBy: "\r\n").allSatisfy { $0.count <= 76 })
        #expect(String(decoding: MIMETestDecoding.decodeQuotedPrintable(long), as: UTF8.self) == String(repeating: "ö", count: 40))
    }

    @Test("header injection through the subject is refused", arguments: [
        "Hej\r\nBcc: evil@example.com",
        "Hej\nBcc: evil@example.com",
        "Hej\rBcc: evil@example.com",
        "Hej\u{0}",
        "Hej\u{2029}Bcc: x",
    ])
    func subjectInjection(subject: String) throws {
        var mail = try SampleMail.make()
        mail.subject = subject
        #expect(throws: MailError.invalidHeaderValue(header: "Subject")) { try render(mail) }
    }

    @Test("a subject that looks like an encoded-word or has odd spacing is encoded, not trusted")
    func encodedLookalike() throws {
        for subject in ["=?UTF-8?B?SGVq?= hej", " leading", "double  space"] {
            var mail = try SampleMail.make()
            mail.subject = subject
            let value = MIMETestDecoding.headers(of: try render(mail))["Subject"] ?? ""
            #expect(value.hasPrefix("=?UTF-8?B?"))
            #expect(MIMETestDecoding.decodeHeaderValue(value) == subject)
        }
    }

    @Test("Message-ID and boundary are checked")
    func messageIDAndBoundary() throws {
        let mail = try SampleMail.make()
        #expect(throws: MailError.self) {
            try MIMEMessageRenderer().render(mail, from: from, messageID: "<a@b>\r\nBcc: x@y.se", date: date, boundary: boundary)
        }
        #expect(throws: MailError.self) {
            try MIMEMessageRenderer().render(mail, from: from, messageID: "no-brackets@b", date: date, boundary: boundary)
        }
        #expect(throws: MailError.self) {
            try MIMEMessageRenderer().render(mail, from: from, messageID: messageID, date: date, boundary: "a\r\nb")
        }
        let generated = try MIMEMessageRenderer().render(mail, from: from, date: date, random: SystemRandomSource())
        #expect(generated.messageID.hasPrefix("<"))
        #expect(generated.messageID.hasSuffix("@portier.example.se>"))
        #expect(MIMEMessageRenderer.isValidMessageID(generated.messageID))
        #expect(generated.envelopeFrom.email == "no-reply@portier.example.se")
        #expect(generated.recipients.map(\.email) == ["asa.oberg@kund.example.se"])
    }

    @Test("RFC 5322 dates use English names and UTC", arguments: [
        (0.0, "Thu, 1 Jan 1970 00:00:00 +0000"),
        (1_736_845_503.9, "Tue, 14 Jan 2025 09:05:03 +0000"),
        (1_709_164_800.0, "Thu, 29 Feb 2024 00:00:00 +0000"),
        (1_767_225_599.0, "Wed, 31 Dec 2025 23:59:59 +0000"),
    ])
    func dates(seconds: Double, expected: String) {
        #expect(MIMEEncoding.rfc5322Date(Date(timeIntervalSince1970: seconds)) == expected)
    }
}
