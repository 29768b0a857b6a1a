import Foundation
import PortierDKIM
import Testing

/// The layout of the produced `DKIM-Signature` field.
@Suite struct DKIMSignatureFieldTests {
    @Test(arguments: DKIMKeyType.allCases)
    func fieldIsFoldedWithinLineLimit(type: DKIMKeyType) throws {
        let signer = try TestKeys.signer(type)

        let field = try signer.signature(for: PortierStyleMessage.bytes())

        #expect(field.hasPrefix("DKIM-Signature: v=1; a=\(type.signingAlgorithm); c=relaxed/relaxed;"))
        #expect(field.hasSuffix("\r\n"))
        let lines = field.dropLast(2).components(separatedBy: "\r\n")
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(!field.dropLast(2).contains("\n\n") && !field.contains("\r\n\r\n"))
    }

    @Test func timestampIsTheSigningTimeInSeconds() throws {
        let signer = try TestKeys.signer(.ed25519)

        let field = try signer.signature(for: PortierStyleMessage.text(), at: Date(timeIntervalSince1970: 1_700_000_000.9))

        #expect(field.contains(" t=1700000000;"))
    }

    @Test func signedPrependsTheField() throws {
        let signer = try TestKeys.signer(.ed25519)
        let message = PortierStyleMessage.text()
        let date = Date(timeIntervalSince1970: 1_700_000_000)

        let signed = try signer.signed(message, at: date)

        #expect(signed == (try signer.signature(for: message, at: date)) + message)
    }

    @Test func messageWithoutFromIsRefused() throws {
        let signer = try TestKeys.signer(.rsa)
        let message = PortierStyleMessage.text(headers: PortierStyleMessage.headerLines.filter { !$0.hasPrefix("From:") })

        #expect(throws: DKIMError.missingFromField) {
            try signer.signature(for: message)
        }
    }

    @Test(arguments: ["", "exa mple.se", "example.se;", "-bad.example.se", "exämple.se", "a..b"])
    func invalidDomainIsRefused(domain: String) {
        #expect(throws: DKIMError.invalidDomain(domain)) {
            try DKIMSigner(domain: domain, selector: "portier2025", key: TestKeys.ed25519)
        }
    }

    @Test func invalidSelectorIsRefused() {
        #expect(throws: DKIMError.invalidSelector("bad;selector")) {
            try DKIMSigner(domain: "example.se", selector: "bad;selector", key: TestKeys.ed25519)
        }
    }

    @Test func overSignedNamesAreNormalized() throws {
        let signer = try DKIMSigner(domain: "example.se", selector: "s", key: TestKeys.ed25519, overSignedFieldNames: ["FROM", "Reply-To"])

        #expect(signer.overSignedFieldNames == ["from", "reply-to"])
        #expect(signer.signedFieldNames == ["from", "to", "subject", "date", "message-id", "mime-version", "content-type", "reply-to"])
    }
}

extension DKIMSignatureFieldTests {
    /// Shows the produced field in the test log, for reviewers.
    @Test func printsAnExampleField() throws {
        let field = try TestKeys.signer(.rsa).signature(for: PortierStyleMessage.text(), at: Date(timeIntervalSince1970: 1_748_934_900))
        print(field)
        #expect(field.contains("\r\n h=from:from:to:subject:date:message-id:mime-version:content-type;\r\n"))
    }
}
