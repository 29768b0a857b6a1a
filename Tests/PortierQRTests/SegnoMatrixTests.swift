import PortierQR
import Testing

/// Every module of PortierQR's symbols against segno's, with version and mask forced, so that
/// data encoding, Reed–Solomon blocks, interleaving, placement, masks and the format and version
/// information are all checked, not just the mask choice.
@Suite("Matrices equal segno's")
struct SegnoMatrixTests {
    /// One forced-version, forced-mask case.
    struct Case {
        let bytes: [UInt8]
        let level: QRCode.ErrorCorrectionLevel
        let version: Int
        let mask: QRCode.Mask
    }

    /// For every version 1–10 and every mask: a payload filling the version, one of random length
    /// that needs it, and a short one padded out to it.
    static func casesUpToVersion10(level: QRCode.ErrorCorrectionLevel, seed: UInt64) -> [Case] {
        var generator = PayloadGenerator(seed: seed)
        return (1...10).flatMap { version in
            let lengths = lengthsNeedingVersion(version, level)
            return QRCode.Mask.allCases.flatMap { mask in
                [lengths.upperBound, generator.length(in: lengths), generator.length(in: 0...3)].map { count in
                    Case(bytes: generator.bytes(count: count), level: level, version: version, mask: mask)
                }
            }
        }
    }

    @Test("Versions 1–10, all eight masks, every level", arguments: QRCode.ErrorCorrectionLevel.allCases)
    func versionsUpTo10(level: QRCode.ErrorCorrectionLevel) throws {
        let cases = Self.casesUpToVersion10(level: level, seed: 0x5152_0000 + level.seedOffset)

        let expected = try SegnoReference.symbols(for: cases.map {
            .init(bytes: $0.bytes, errorCorrection: $0.level, version: $0.version, mask: $0.mask)
        })
        let actual = try cases.map {
            try QRCode(bytes: $0.bytes, errorCorrection: $0.level, versions: $0.version...$0.version, mask: $0.mask)
        }

        #expect(cases.count == 240)
        for (index, (code, symbol)) in zip(actual, expected).enumerated() {
            let request = cases[index]
            #expect(symbol.fits && symbol.version == request.version && symbol.mask == request.mask.rawValue,
                    "segno did not make version \(request.version), \(request.mask) for case \(index)")
            #expect(code.version == request.version && code.mask == request.mask && code.size == symbol.modules.count)
            #expect(code.modules == symbol.modules,
                    "case \(index), version \(request.version), \(request.mask), \(request.bytes.count) bytes: \(firstDifference(code.modules, symbol.modules))")
        }
    }

    @Test("Versions 11–40 at every level, full and short payloads")
    func versionsAbove10() throws {
        var generator = PayloadGenerator(seed: 0x5152_1140)
        let cases = (11...40).flatMap { version in
            QRCode.ErrorCorrectionLevel.allCases.enumerated().map { offset, level in
                let lengths = lengthsNeedingVersion(version, level)
                let count = offset.isMultiple(of: 2) ? lengths.upperBound : generator.length(in: 0...20)
                let mask = QRCode.Mask.allCases[(version + offset) % 8]
                return Case(bytes: generator.bytes(count: count), level: level, version: version, mask: mask)
            }
        }

        let expected = try SegnoReference.symbols(for: cases.map {
            .init(bytes: $0.bytes, errorCorrection: $0.level, version: $0.version, mask: $0.mask)
        })
        let actual = try cases.map {
            try QRCode(bytes: $0.bytes, errorCorrection: $0.level, versions: $0.version...$0.version, mask: $0.mask)
        }

        #expect(cases.count == 120)
        for (index, (code, symbol)) in zip(actual, expected).enumerated() {
            let request = cases[index]
            #expect(symbol.fits && symbol.version == request.version)
            #expect(code.modules == symbol.modules,
                    "version \(request.version), \(request.level), \(request.mask): \(firstDifference(code.modules, symbol.modules))")
        }
    }
}
