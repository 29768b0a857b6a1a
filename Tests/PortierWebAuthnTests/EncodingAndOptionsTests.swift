import Foundation
import PortierWebAuthn
import Testing

@Suite("Base64url, relying party and options JSON")
struct EncodingAndOptionsTests {
    @Test("RFC 4648 test vectors in unpadded base64url", arguments: [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"),
        ("foobar", "Zm9vYmFy"),
    ])
    func rfc4648(plain: String, encoded: String) {
        #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
        #expect(Base64URL.decode(encoded) == Array(plain.utf8))
    }

    @Test("The URL-safe alphabet replaces + and /")
    func urlSafeAlphabet() {
        #expect(Base64URL.encode([0xfb, 0xff, 0xbf]) == "-_-_")
        #expect(Base64URL.decode("-_-_") == [0xfb, 0xff, 0xbf])
    }

    @Test("Padding, standard alphabet and impossible lengths are refused", arguments: [
        "Zg==", "+/+/", "Z", "Zm9v\n", "Zm 9v", "Zm9vY",
    ])
    func strict(string: String) {
        #expect(Base64URL.decode(string) == nil)
    }

    @Test("Challenges are fresh random bytes")
    func challenges() {
        let first = Challenge.make()
        #expect(first.count == 32)
        #expect(Challenge.make(byteCount: 16).count == 16)
        #expect(first != Challenge.make())
    }

    @Test("Origin and RP ID come from the base URL", arguments: [
        ("https://portier.example", "https://portier.example", "portier.example"),
        ("https://Portier.Example/app/", "https://portier.example", "portier.example"),
        ("https://portier.example:443/", "https://portier.example", "portier.example"),
        ("http://localhost:8080", "http://localhost:8080", "localhost"),
    ])
    func relyingParty(baseURL: String, origin: String, id: String) throws {
        let relyingParty = try #require(RelyingParty(baseURL: baseURL, name: "Portier"))
        #expect(relyingParty.origin == origin)
        #expect(relyingParty.id == id)
    }

    @Test("A base URL without a host is refused")
    func relyingPartyWithoutHost() {
        #expect(RelyingParty(baseURL: "/just/a/path", name: "Portier") == nil)
    }

    @Test("Creation options carry Portier's policy")
    func creationOptions() throws {
        let relyingParty = try #require(RelyingParty(baseURL: "https://portier.example", name: "Portier"))
        let options = PublicKeyCredentialCreationOptions(
            challenge: [0xfb, 0xff],
            relyingParty: relyingParty,
            user: UserEntity(id: [1, 2, 3], name: "ada@example.com", displayName: "Ada"),
            excludeCredentials: [CredentialDescriptor(id: [9], transports: ["internal"])]
        )
        let data = try JSONEncoder().encode(options)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["challenge"] as? String == "-_8")
        #expect(json["attestation"] as? String == "none")
        #expect(json["timeout"] as? Int == 300_000)
        #expect((json["rp"] as? [String: String]) == ["id": "portier.example", "name": "Portier"])
        #expect((json["user"] as? [String: String]) == ["id": "AQID", "name": "ada@example.com", "displayName": "Ada"])
        let parameters = try #require(json["pubKeyCredParams"] as? [[String: Any]])
        #expect(parameters.compactMap { $0["alg"] as? Int } == [-7, -8, -257])
        #expect(parameters.allSatisfy { $0["type"] as? String == "public-key" })
        let selection = try #require(json["authenticatorSelection"] as? [String: Any])
        #expect(selection["residentKey"] as? String == "required")
        #expect(selection["requireResidentKey"] as? Bool == true)
        #expect(selection["userVerification"] as? String == "required")
        let excluded = try #require(json["excludeCredentials"] as? [[String: Any]])
        #expect(excluded.first?["id"] as? String == "CQ")
        #expect(excluded.first?["type"] as? String == "public-key")

        #expect(try JSONDecoder().decode(PublicKeyCredentialCreationOptions.self, from: data) == options)
    }

    @Test("Request options ask for user verification and may list credentials")
    func requestOptions() throws {
        let relyingParty = RelyingParty(id: "portier.example", name: "Portier", origin: "https://portier.example")
        let options = PublicKeyCredentialRequestOptions(
            challenge: Array(repeating: 0, count: 16),
            relyingParty: relyingParty,
            allowCredentials: [CredentialDescriptor(id: [1, 2])],
            timeout: 60_000
        )
        let json = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(options)) as? [String: Any]
        )
        #expect(json["rpId"] as? String == "portier.example")
        #expect(json["userVerification"] as? String == "required")
        #expect(json["challenge"] as? String == "AAAAAAAAAAAAAAAAAAAAAA")
        #expect(json["timeout"] as? Int == 60_000)
        #expect((json["allowCredentials"] as? [[String: Any]])?.first?["id"] as? String == "AQI")
    }
}
