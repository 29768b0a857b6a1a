import PortierQR
import Testing

/// The automatic choices, version and mask, against segno's: both follow ISO/IEC 18004's penalty
/// rules with the same readings of its open points (see `MaskPenalty`), so they must agree.
@Suite("Automatic version and mask equal segno's")
struct MaskSelectionTests {
    @Test("Mask chosen by the penalty rules and smallest version", arguments: QRCode.ErrorCorrectionLevel.allCases)
    func automaticChoices(level: QRCode.ErrorCorrectionLevel) throws {
        var generator = PayloadGenerator(seed: 0x4D41_534B + level.seedOffset)
        let samplesPerVersion = level == .medium ? 12 : 4
        let payloads = (1...10).flatMap { version in
            (0..<samplesPerVersion).map { _ in
                generator.bytes(count: generator.length(in: lengthsNeedingVersion(version, level)))
            }
        }

        let expected = try SegnoReference.symbols(for: payloads.map { .init(bytes: $0, errorCorrection: level) })
        let actual = try payloads.map { try QRCode(bytes: $0, errorCorrection: level) }

        let masksSeen = Set(actual.map(\.mask))
        #expect(level != .medium || masksSeen.count == 8, "the sample should make the penalty rules pick every mask, picked \(masksSeen)")
        for (index, (code, symbol)) in zip(actual, expected).enumerated() {
            #expect(code.version == symbol.version, "payload \(index): version")
            #expect(code.mask.rawValue == symbol.mask, "payload \(index), \(payloads[index].count) bytes, version \(code.version)")
            #expect(code.modules == symbol.modules, "payload \(index): \(firstDifference(code.modules, symbol.modules))")
        }
    }
}

