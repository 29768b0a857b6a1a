import Foundation
import PortierQR
import ReferenceImplementations
import Testing

/// The SVG as a person's phone would meet it: rendered to pixels by CairoSVG and read by
/// zxing-cpp (`tests/reference/qr_decode_svg.py`), neither of which shares code with PortierQR.
@Suite("SVG decodes with zxing-cpp")
struct DecodeRoundTripTests {
    /// What zxing-cpp found in one image.
    struct Decoded: Decodable {
        let bytes: String
        let text: String
        let errorCorrection: String

        enum CodingKeys: String, CodingKey {
            case bytes, text
            case errorCorrection = "ec_level"
        }
    }

    static func decode(_ svgs: [String]) throws -> [[Decoded]] {
        try PythonReference.runJSON("qr_decode_svg.py", input: JSONEncoder().encode(svgs))
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// A two-step-verification URI as Portier will show it: the account (an e-mail address,
    /// percent-encoded) and a Swedish issuer with å, ä and ö left as UTF-8.
    static let enrolmentURI = "otpauth://totp/Bl%C3%A5b%C3%A4r%20H%C3%A4lsa:ann-sofie.%C3%B6berg%2Bportier%40exempel.se"
        + "?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Blåbär Hälsa Östergötland&algorithm=SHA1&digits=6&period=30"

    @Test("Text payloads, including an otpauth URI, read back exactly")
    func textPayloads() throws {
        let texts = [
            Self.enrolmentURI,
            "otpauth://totp/Portier:ada%40example.se?secret=GEZDGNBVGY3TQOJQ&issuer=Portier",
            "Räksmörgås åt Ölands kärnfolk",
            "https://portier.example/kund/faktura/2024-0017?språk=sv",
            "A",
        ]
        let codes = try texts.map { try QRCode(text: $0) }

        let decoded = try Self.decode(codes.map { $0.svg(label: "QR code") })

        #expect(codes[0].version <= 10, "the enrolment URI should fit version 10 at level M")
        for (index, text) in texts.enumerated() {
            #expect(decoded[index].count == 1, "one QR code expected in image \(index)")
            #expect(decoded[index].first?.bytes == Self.hex(text.utf8))
            #expect(decoded[index].first?.text == text)
            #expect(decoded[index].first?.errorCorrection == "M")
        }
    }

    @Test("Every version 1–10 and every mask, filled with arbitrary bytes")
    func versionsAndMasks() throws {
        var generator = PayloadGenerator(seed: 0x5A58_4350)
        let payloads = (1...10).flatMap { version in
            QRCode.Mask.allCases.map { mask in
                (bytes: generator.bytes(count: lengthsNeedingVersion(version, .medium).upperBound), version: version, mask: mask)
            }
        }
        let codes = try payloads.map { try QRCode(bytes: $0.bytes, versions: $0.version...$0.version, mask: $0.mask) }

        let decoded = try Self.decode(codes.map { $0.svg(moduleSize: 3, label: "QR code") })

        for (index, payload) in payloads.enumerated() {
            #expect(decoded[index].map(\.bytes) == [Self.hex(payload.bytes)],
                    "version \(payload.version), \(payload.mask)")
        }
    }

    @Test("Every error correction level reads back, and the reader sees that level")
    func errorCorrectionLevels() throws {
        let levels = QRCode.ErrorCorrectionLevel.allCases
        let codes = try levels.map { try QRCode(text: Self.enrolmentURI, errorCorrection: $0) }

        let decoded = try Self.decode(codes.map { $0.svg(label: "QR code") })

        for (index, level) in levels.enumerated() {
            #expect(decoded[index].map(\.text) == [Self.enrolmentURI])
            #expect(decoded[index].first?.errorCorrection == level.description)
        }
    }
}
