import PortierWebAuthn
import WebAuthnTestSupport
import Testing

@Suite("CBOR decoder")
struct CBORDecoderTests {
    let decoder = CBORDecoder()

    // MARK: RFC 8949 Appendix A, within the supported subset

    @Test("RFC 8949 Appendix A integers", arguments: [
        ("00", CBORValue.unsignedInteger(0)),
        ("01", .unsignedInteger(1)),
        ("0a", .unsignedInteger(10)),
        ("17", .unsignedInteger(23)),
        ("1818", .unsignedInteger(24)),
        ("1819", .unsignedInteger(25)),
        ("1864", .unsignedInteger(100)),
        ("1903e8", .unsignedInteger(1000)),
        ("1a000f4240", .unsignedInteger(1_000_000)),
        ("1b000000e8d4a51000", .unsignedInteger(1_000_000_000_000)),
        ("1bffffffffffffffff", .unsignedInteger(18_446_744_073_709_551_615)),
        ("3bffffffffffffffff", .negativeInteger(18_446_744_073_709_551_615)),
        ("20", .negativeInteger(0)),
        ("29", .negativeInteger(9)),
        ("3863", .negativeInteger(99)),
        ("3903e7", .negativeInteger(999)),
    ])
    func integers(hex: String, expected: CBORValue) throws {
        #expect(try decoder.decode([UInt8](hex: hex)) == expected)
    }

    @Test("RFC 8949 Appendix A integer values convert to Int")
    func intValues() throws {
        #expect(try decoder.decode([UInt8](hex: "3903e7")).intValue == -1000)
        #expect(try decoder.decode([UInt8](hex: "20")).intValue == -1)
        #expect(try decoder.decode([UInt8](hex: "390100")).intValue == -257)
        #expect(try decoder.decode([UInt8](hex: "3bffffffffffffffff")).intValue == nil)
    }

    @Test("RFC 8949 Appendix A simple values", arguments: [
        ("f4", CBORValue.boolean(false)),
        ("f5", .boolean(true)),
        ("f6", .null),
        ("f7", .undefined),
        ("f0", .simple(16)),
        ("f8ff", .simple(255)),
    ])
    func simpleValues(hex: String, expected: CBORValue) throws {
        #expect(try decoder.decode([UInt8](hex: hex)) == expected)
    }

    @Test("RFC 8949 Appendix A strings", arguments: [
        ("40", CBORValue.byteString([])),
        ("4401020304", .byteString([1, 2, 3, 4])),
        ("60", .textString("")),
        ("6161", .textString("a")),
        ("6449455446", .textString("IETF")),
        ("62225c", .textString("\"\\")),
        ("62c3bc", .textString("\u{00fc}")),
        ("63e6b0b4", .textString("\u{6c34}")),
        ("64f0908591", .textString("\u{10151}")),
    ])
    func strings(hex: String, expected: CBORValue) throws {
        #expect(try decoder.decode([UInt8](hex: hex)) == expected)
    }

    @Test("RFC 8949 Appendix A arrays")
    func arrays() throws {
        #expect(try decoder.decode([UInt8](hex: "80")) == .array([]))
        #expect(try decoder.decode([UInt8](hex: "83010203")) == .array([1, 2, 3].map(CBOREncoding.int)))
        #expect(try decoder.decode([UInt8](hex: "8301820203820405")) == .array([
            .unsignedInteger(1),
            .array([.unsignedInteger(2), .unsignedInteger(3)]),
            .array([.unsignedInteger(4), .unsignedInteger(5)]),
        ]))
        let twentyFive = "98190102030405060708090a0b0c0d0e0f101112131415161718181819"
        #expect(try decoder.decode([UInt8](hex: twentyFive)) == .array((1...25).map(CBOREncoding.int)))
    }

    @Test("RFC 8949 Appendix A maps")
    func maps() throws {
        #expect(try decoder.decode([UInt8](hex: "a0")) == CBOREncoding.map([(Int, CBORValue)]()))
        let numbers = try #require(try decoder.decode([UInt8](hex: "a201020304")).map)
        #expect(numbers[1] == .unsignedInteger(2))
        #expect(numbers[3] == .unsignedInteger(4))

        let mixed = try #require(try decoder.decode([UInt8](hex: "a26161016162820203")).map)
        #expect(mixed["a"] == .unsignedInteger(1))
        #expect(mixed["b"] == .array([.unsignedInteger(2), .unsignedInteger(3)]))
        #expect(mixed.entries.map(\.key) == [.text("a"), .text("b")])

        let nested = try decoder.decode([UInt8](hex: "826161a161626163"))
        #expect(nested == .array([.textString("a"), CBOREncoding.map([("b", CBORValue.textString("c"))])]))

        let letters = try #require(try decoder.decode(
            [UInt8](hex: "a56161614161626142616361436164614461656145")
        ).map)
        #expect(letters.count == 5)
        #expect(letters["e"] == .textString("E"))
    }

    @Test("Round trip through the test encoder")
    func roundTrip() throws {
        let value = CBOREncoding.map([
            (1, CBORValue.unsignedInteger(2)),
            (-1, .byteString(Array(repeating: 7, count: 300))),
            (-70000, .array([.textString("x"), .null, .boolean(true)])),
        ])
        #expect(try decoder.decode(CBOREncoding.encode(value)) == value)
    }

    @Test("decodePrefix reports where the first item ends")
    func prefix() throws {
        let (value, byteCount) = try decoder.decodePrefix([UInt8](hex: "a10102ff00"))
        #expect(value == CBOREncoding.map([(1, CBORValue.unsignedInteger(2))]))
        #expect(byteCount == 3)
    }

    // MARK: Malformed and unsupported input

    @Test("Malformed or unsupported input is refused with its reason", arguments: [
        ("", CBORDecodingError.truncated),
        ("18", .truncated),
        ("1903", .truncated),
        ("1b0000", .truncated),
        ("4401", .lengthExceedsInput(declared: 4, remaining: 1)),
        ("62c3", .lengthExceedsInput(declared: 2, remaining: 1)),
        ("8301", .lengthExceedsInput(declared: 3, remaining: 1)),
        ("821818", .truncated),
        ("a10102a1", .trailingBytes(count: 1)),
        ("a101", .lengthExceedsInput(declared: 1, remaining: 1)),
        ("a11818", .truncated),
        ("0000", .trailingBytes(count: 1)),
        ("5f4101ff", .indefiniteLength),
        ("7f6161ff", .indefiniteLength),
        ("9f01ff", .indefiniteLength),
        ("bf0102ff", .indefiniteLength),
        ("ff", .indefiniteLength),
        ("1f", .indefiniteLength),
        ("c074323031332d30332d32315432303a30343a30305a", .tagsNotSupported),
        ("d82076687474703a2f2f7777772e6578616d706c652e636f6d", .tagsNotSupported),
        ("1c", .reservedAdditionalInformation(28)),
        ("3d", .reservedAdditionalInformation(29)),
        ("5e", .reservedAdditionalInformation(30)),
        ("fc", .reservedAdditionalInformation(28)),
        ("f90000", .floatsNotSupported),
        ("fa47c35000", .floatsNotSupported),
        ("fb3ff199999999999a", .floatsNotSupported),
        ("f818", .invalidSimpleValue(24)),
        ("f800", .invalidSimpleValue(0)),
        ("62c328", .invalidUTF8),
        ("61ff", .invalidUTF8),
        ("a2010201ff", .duplicateMapKey),
        ("a2616101616102", .duplicateMapKey),
        ("a1f401", .unsupportedMapKey),
        ("a1410101", .unsupportedMapKey),
        ("a1800101", .unsupportedMapKey),
    ])
    func malformed(hex: String, expected: CBORDecodingError) {
        #expect(throws: expected) { try decoder.decode([UInt8](hex: hex)) }
    }

    @Test("Duplicate integer keys are found even when encoded differently")
    func duplicateKeysAcrossEncodings() {
        // 0x01 and 0x18 0x01 both mean 1.
        #expect(throws: CBORDecodingError.duplicateMapKey) {
            try decoder.decode([UInt8](hex: "a20100180102"))
        }
    }

    @Test("Huge length claims are refused before allocating", arguments: [
        "5bffffffffffffffff",
        "7b7fffffffffffffff00",
        "9bffffffffffffffff",
        "bb0000000100000000",
        "5a7fffffff",
    ])
    func hugeLengthClaims(hex: String) {
        let error = #expect(throws: CBORDecodingError.self) { try decoder.decode([UInt8](hex: hex)) }
        guard case .lengthExceedsInput = error else {
            Issue.record("expected lengthExceedsInput, got \(String(describing: error))")
            return
        }
    }

    /// Found by the fuzz test: the bytes of a multi-byte length argument
    /// must not count towards the input that remains for the payload.
    @Test("Length checks start after the length argument", arguments: [
        ("580201", CBORDecodingError.lengthExceedsInput(declared: 2, remaining: 1)),
        ("79000361", .lengthExceedsInput(declared: 3, remaining: 1)),
        ("9a0000000200", .lengthExceedsInput(declared: 2, remaining: 1)),
        ("b8010a", .lengthExceedsInput(declared: 1, remaining: 1)),
    ])
    func lengthCheckedAfterArgument(hex: String, expected: CBORDecodingError) {
        #expect(throws: expected) { try decoder.decode([UInt8](hex: hex)) }
    }

    @Test("A map claiming more entries than the bytes can hold is refused")
    func mapCountBeyondInput() {
        // 3 entries need at least 6 bytes; only 4 follow.
        #expect(throws: CBORDecodingError.lengthExceedsInput(declared: 3, remaining: 4)) {
            try decoder.decode([UInt8](hex: "a301020304"))
        }
    }

    @Test("Nesting deeper than the limit is refused")
    func nestingLimit() throws {
        let limit = CBORDecoder(maximumDepth: 4)
        // Four arrays nest to depth 4, within the limit.
        #expect(try limit.decode([UInt8](hex: "8181818100")) != .null)
        #expect(throws: CBORDecodingError.nestingTooDeep(limit: 4)) {
            try limit.decode([UInt8](hex: "818181818100"))
        }
        let deep = [UInt8](repeating: 0x81, count: 100_000) + [0x00]
        #expect(throws: CBORDecodingError.nestingTooDeep(limit: 16)) { try decoder.decode(deep) }
        let deepMaps = Array([[UInt8]](repeating: [0xa1, 0x00], count: 50_000).joined()) + [0x00]
        #expect(throws: CBORDecodingError.nestingTooDeep(limit: 16)) { try decoder.decode(deepMaps) }
    }
}
