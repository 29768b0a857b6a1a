import CryptoExtras
import Crypto
import Foundation
import PortierDKIM
import Testing

@Suite struct DKIMDNSRecordTests {
    @Test func rsaRecordPublishesSubjectPublicKeyInfo() throws {
        let record = TestKeys.rsa.dnsRecord(domain: "portier.example.se", selector: "portier2025")

        #expect(record.name == "portier2025._domainkey.portier.example.se")
        #expect(record.value.hasPrefix("v=DKIM1; k=rsa; p=MII"))
        let p = try #require(Data(base64Encoded: String(record.value.dropFirst("v=DKIM1; k=rsa; p=".count))))
        let publicKey = try _RSA.Signing.PublicKey(derRepresentation: p)
        #expect(publicKey.keySizeInBits == 2048)
        #expect(publicKey.derRepresentation == p)  // SPKI, not bare PKCS#1
    }

    @Test func ed25519RecordPublishesRawKey() throws {
        let record = TestKeys.ed25519.dnsRecord(domain: "portier.example.se", selector: "ed")

        #expect(record.value.hasPrefix("v=DKIM1; k=ed25519; p="))
        let p = try #require(Data(base64Encoded: String(record.value.dropFirst("v=DKIM1; k=ed25519; p=".count))))
        #expect(p.count == 32)
        #expect(record.characterStrings == [record.value])
        #expect(record.quotedCharacterStrings == "\"\(record.value)\"")
    }

    @Test func longRecordIsSplitIntoCharacterStrings() {
        let record = TestKeys.rsa.dnsRecord(domain: "portier.example.se", selector: "portier2025")

        let strings = record.characterStrings

        #expect(strings.count == 2)
        #expect(strings.allSatisfy { $0.utf8.count <= 255 })
        #expect(strings.joined() == record.value)
        #expect(record.quotedCharacterStrings == "\"\(strings[0])\" \"\(strings[1])\"")
        #expect(record.zoneFileLine == "portier2025._domainkey.portier.example.se. IN TXT ( \"\(strings[0])\" \"\(strings[1])\" )")
    }

    @Test func signerPublishesItsOwnKey() throws {
        let signer = try TestKeys.signer(.rsa)

        #expect(signer.dnsRecord == TestKeys.rsa.dnsRecord(domain: "portier.example.se", selector: "portier2025"))
    }
}
