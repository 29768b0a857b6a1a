import Foundation
import PortierDKIM
import Testing

/// Signatures checked by a real verifier (dkimpy), for both key types.
@Suite struct DKIMSignerReferenceTests {
    static let signingDate = Date(timeIntervalSince1970: 1_748_934_900)

    @Test(arguments: DKIMKeyType.allCases)
    func portierMessageVerifies(type: DKIMKeyType) throws {
        let signer = try TestKeys.signer(type)
        let message = PortierStyleMessage.bytes()

        let signed = try signer.signed(message, at: Self.signingDate)

        let verdict = try ReferenceVerifier.verify(signed, against: signer.dnsRecord)
        #expect(verdict.verified, "\(verdict.reason ?? "")")
        #expect(verdict.queried.map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 } == [signer.dnsRecord.name])
        #expect(verdict.tags["a"] == type.signingAlgorithm)
        #expect(verdict.tags["c"] == "relaxed/relaxed")
        #expect(verdict.tags["d"] == "portier.example.se")
        #expect(verdict.tags["s"] == "portier2025")
        #expect(verdict.tags["t"] == "1748934900")
        #expect(verdict.tags["h"]?.filter { !$0.isWhitespace } == "from:from:to:subject:date:message-id:mime-version:content-type")
        #expect(verdict.tags["l"] == nil)
    }

    @Test(arguments: DKIMKeyType.allCases)
    func stringMessageVerifies(type: DKIMKeyType) throws {
        let signer = try TestKeys.signer(type)

        let signed = try signer.signed(PortierStyleMessage.text())

        let verdict = try ReferenceVerifier.verify(signed, against: signer.dnsRecord)
        #expect(verdict.verified, "\(verdict.reason ?? "")")
    }

    @Test(arguments: DKIMKeyType.allCases)
    func foldedSubjectLongLinesAndTrailingWhitespaceVerify(type: DKIMKeyType) throws {
        let signer = try TestKeys.signer(type)
        var headers = PortierStyleMessage.headerLines
        headers[3] = PortierStyleMessage.foldedSubjectLine
        headers[1] = "From:   =?UTF-8?Q?=C3=85sa_=C3=96berg?=\t <asa@portier.example.se>  "
        let longLine = String(repeating: "l=C3=A5ng rad ", count: 60)  // 840 characters, no soft breaks
        let body = PortierStyleMessage.defaultBodyLines.dropLast()
            + ["trailing whitespace \t ", "tabs\tand  double  spaces", longLine, "--\(PortierStyleMessage.boundary)--", "", "", "  ", ""]
        let message = PortierStyleMessage.bytes(headers: headers, bodyLines: Array(body))

        let signed = try signer.signed(message, at: Self.signingDate)

        let verdict = try ReferenceVerifier.verify(signed, against: signer.dnsRecord)
        #expect(verdict.verified, "\(verdict.reason ?? "")")
    }

    @Test(arguments: DKIMKeyType.allCases)
    func whitespaceChangesInTransitStillVerify(type: DKIMKeyType) throws {
        let signer = try TestKeys.signer(type)
        let signed = try signer.signed(PortierStyleMessage.text(), at: Self.signingDate)

        // What relaxed canonicalization exists for: a relay refolds a header, pads a line end,
        // drops the final blank line, and adds its own unsigned trace field.
        let relayed = "Received: from portier.example.se by mx.kund.example.se; Tue, 3 Jun 2025 09:15:02 +0200\r\n"
            + signed
                .replacingOccurrences(of: "MIME-Version: 1.0", with: "MIME-Version:\r\n \t1.0")
                .replacingOccurrences(of: "Hej Bj=C3=B6rn,\r\n", with: "Hej Bj=C3=B6rn,   \r\n")
                + "\r\n\r\n"

        let verdict = try ReferenceVerifier.verify(relayed, against: signer.dnsRecord)
        #expect(verdict.verified, "\(verdict.reason ?? "")")
    }

    @Test(arguments: DKIMKeyType.allCases)
    func emptyBodyVerifies(type: DKIMKeyType) throws {
        let signer = try TestKeys.signer(type)
        let message = PortierStyleMessage.headerLines.joined(separator: "\r\n") + "\r\n\r\n"

        let verdict = try ReferenceVerifier.verify(try signer.signed(message), against: signer.dnsRecord)

        #expect(verdict.verified, "\(verdict.reason ?? "")")
    }

    /// Alterations a verifier must catch, as (description, change to the signed message).
    static let alterations: [(String, @Sendable (String) -> String)] = [
        ("body word changed", { $0.replacingOccurrences(of: "inom 30 minuter", with: "inom 90 minuter") }),
        ("link changed", { $0.replacingOccurrences(of: "https://portier.example.se/aterstall", with: "https://p0rtier.example/aterstall") }),
        ("body part appended", { $0 + "Extra text\r\n" }),
        ("subject changed", { $0.replacingOccurrences(of: "ditt_l=C3=B6senord", with: "ditt_konto") }),
        ("from display name changed", { $0.replacingOccurrences(of: "=C3=85sa_=C3=96berg", with: "Portier_Support") }),
        ("second From added", { "From: Support <support@attacker.example>\r\n" + $0 }),
        ("second Subject added below", {
            $0.replacingOccurrences(of: "MIME-Version: 1.0\r\n", with: "MIME-Version: 1.0\r\nSubject: Urgent\r\n")
        }),
        ("signed field removed", { $0.replacingOccurrences(of: "Content-Type: multipart/alternative", with: "X-Removed: multipart/alternative") }),
    ]

    @Test(arguments: DKIMKeyType.allCases, alterations.indices)
    func alteredMessageFails(type: DKIMKeyType, alterationIndex: Int) throws {
        let (name, alter) = Self.alterations[alterationIndex]
        let signer = try TestKeys.signer(type)
        let signed = try signer.signed(PortierStyleMessage.text(), at: Self.signingDate)
        let altered = alter(signed)
        #expect(altered != signed, "alteration '\(name)' changed nothing")

        let verdict = try ReferenceVerifier.verify(altered, against: signer.dnsRecord)

        #expect(!verdict.verified, "'\(name)' still verified")
    }

    @Test(arguments: DKIMKeyType.allCases)
    func otherKeysRecordFails(type: DKIMKeyType) throws {
        let signer = try TestKeys.signer(type)
        let otherRecord = try DKIMPrivateKey(generating: type).dnsRecord(domain: "portier.example.se", selector: "portier2025")

        let verdict = try ReferenceVerifier.verify(try signer.signed(PortierStyleMessage.text()), against: otherRecord)

        #expect(!verdict.verified)
    }
}
