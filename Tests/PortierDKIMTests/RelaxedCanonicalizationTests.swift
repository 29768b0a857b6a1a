import Crypto
import Foundation
@testable import PortierDKIM
import Testing

@Suite struct RelaxedCanonicalizationTests {
    private func canonicalHeaders(_ header: String) throws -> String {
        let parts = try MessageParts(parsing: Array((header + "\r\n").utf8))
        let bytes = parts.headerFields.flatMap { RelaxedCanonicalization.header(name: $0.rawName, value: $0.rawValue) }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func canonicalBody(_ body: String) -> String {
        String(decoding: RelaxedCanonicalization.body(Array(body.utf8)), as: UTF8.self)
    }

    /// RFC 6376 § 3.4.5, headers.
    @Test func rfc6376ExampleHeaders() throws {
        let canonical = try canonicalHeaders("A: X\r\nB : Y\t\r\n\tZ  \r\n")

        #expect(canonical == "a:X\r\nb:Y Z\r\n")
    }

    /// RFC 6376 § 3.4.5, body.
    @Test func rfc6376ExampleBody() {
        #expect(canonicalBody(" C \r\nD \t E\r\n\r\n\r\n") == " C\r\nD E\r\n")
    }

    @Test func headerValueIsUnfoldedAndTrimmed() throws {
        let canonical = try canonicalHeaders(PortierStyleMessage.foldedSubjectLine + "\r\nMIME-Version:   1.0 \t")

        #expect(canonical == "subject:=?UTF-8?Q?Din_f=C3=B6rfr=C3=A5gan_om_att_=C3=A5terst=C3=A4lla_l=C3=B6?= "
            + "=?UTF-8?Q?senordet_f=C3=B6r_ditt_konto_hos_Portier_kundportal_har_tag?= "
            + "=?UTF-8?Q?its_emot_och_beh=C3=B6ver_bekr=C3=A4ftas?=\r\nmime-version:1.0\r\n")
    }

    @Test func emptyHeaderValueKeepsItsColon() throws {
        #expect(try canonicalHeaders("Subject: \r\n") == "subject:\r\n")
    }

    @Test func emptyBodyStaysEmptyAndHashesAsEmpty() {
        let canonical = RelaxedCanonicalization.body([UInt8]())

        #expect(canonical.isEmpty)
        #expect(Data(SHA256.hash(data: canonical)).base64EncodedString() == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
    }

    @Test func blankOnlyBodyBecomesEmpty() {
        #expect(canonicalBody("\r\n \t\r\n\r\n").isEmpty)
    }

    @Test func lastLineWithoutCRLFGetsOne() {
        #expect(canonicalBody("Hej\r\nsista rad") == "Hej\r\nsista rad\r\n")
    }

    @Test func innerBlankLinesAreKept() {
        #expect(canonicalBody("a\r\n\r\n  \r\nb  \r\n\r\n") == "a\r\n\r\n\r\nb\r\n")
    }

    @Test func quotedPrintableSoftBreaksAreLeftAlone() {
        let body = "f=C3=B6r ditt konto f=\r\nr att =20\r\n"

        #expect(canonicalBody(body) == "f=C3=B6r ditt konto f=\r\nr att =20\r\n")
    }

    @Test func bareLineFeedIsRejected() {
        #expect(throws: DKIMError.malformedMessage(reason: "line 2 ends in LF without CR; lines must end in CRLF")) {
            try MessageParts(parsing: Array("From: a@example.se\r\nTo: b@example.se\n\r\nbody\r\n".utf8))
        }
    }

    @Test func headerLineWithoutColonIsRejected() {
        #expect(throws: DKIMError.malformedMessage(reason: "header line 2 has no colon")) {
            try MessageParts(parsing: Array("From: a@example.se\r\nnot a header\r\n\r\n".utf8))
        }
    }

    @Test func messageWithoutBodySeparatorHasEmptyBody() throws {
        let parts = try MessageParts(parsing: Array("From: a@example.se\r\nSubject: x\r\n".utf8))

        #expect(parts.headerFields.map(\.lowercasedName) == ["from", "subject"])
        #expect(parts.body.isEmpty)
    }

    /// RFC 6376 § 5.4.2: repeated names are signed from the bottom of the header up, and an
    /// over-signed name beyond the instances present adds nothing.
    @Test func repeatedFieldsAreSignedBottomUp() throws {
        let signer = try DKIMSigner(
            domain: "portier.example.se", selector: "s", key: TestKeys.ed25519,
            signedFieldNames: ["From", "X-Tag"], overSignedFieldNames: ["X-Tag"]
        )
        let parts = try MessageParts(parsing: Array("X-Tag: first\r\nFrom: a@example.se\r\nX-Tag: second\r\n\r\n".utf8))

        let list = signer.headerFieldList(for: parts.headerFields)
        let canonical = String(decoding: signer.canonicalizedFields(list, in: parts.headerFields), as: UTF8.self)

        #expect(list == ["from", "x-tag", "x-tag", "x-tag"])
        #expect(canonical == "from:a@example.se\r\nx-tag:second\r\nx-tag:first\r\n")
    }
}
