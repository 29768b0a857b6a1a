/// The BCH-protected words that tell a reader the error correction level and mask (format
/// information, ISO/IEC 18004, 7.9) and, from version 7 on, the version (7.10).
enum FormatInformation {
    /// The 15-bit format word: level and mask, ten BCH(15, 5) check bits, then XORed with a fixed
    /// pattern so that the word is never all light.
    static func formatWord(level: QRCode.ErrorCorrectionLevel, mask: QRCode.Mask) -> Int {
        let data = level.formatBits << 3 | mask.rawValue
        return (data << 10 | remainder(of: data << 10, generator: 0b101_0011_0111)) ^ 0b101_0100_0001_0010
    }

    /// The 18-bit version word: six bits of version number and twelve BCH(18, 6) check bits.
    static func versionWord(version: SymbolVersion) -> Int {
        let data = version.number
        return data << 12 | remainder(of: data << 12, generator: 0b1_1111_0010_0101)
    }

    /// The remainder of polynomial division over GF(2), bits as coefficients.
    private static func remainder(of dividend: Int, generator: Int) -> Int {
        let generatorDegree = Int.bitWidth - generator.leadingZeroBitCount - 1
        var remainder = dividend
        while remainder != 0 {
            let degree = Int.bitWidth - remainder.leadingZeroBitCount - 1
            guard degree >= generatorDegree else { break }
            remainder ^= generator << (degree - generatorDegree)
        }
        return remainder
    }
}

extension ModuleGrid {
    /// Writes the format word (both copies), the dark module and, from version 7, the version
    /// word (both copies) into their reserved areas. Bit 0 is the word's least significant bit.
    mutating func drawFormatAndVersionInformation(
        version: SymbolVersion,
        level: QRCode.ErrorCorrectionLevel,
        mask: QRCode.Mask
    ) {
        let format = FormatInformation.formatWord(level: level, mask: mask)
        func bit(_ index: Int, of word: Int) -> Bool { (word >> index) & 1 == 1 }

        // Around the upper-left finder: bits 0–7 down column 8 (skipping the timing row), bits
        // 8–14 leftwards along row 8 (skipping the timing column).
        for index in 0...14 {
            let (row, column) = switch index {
            case 0...5: (index, 8)
            case 6: (7, 8)
            case 7: (8, 8)
            case 8: (8, 7)
            default: (8, 14 - index)
            }
            setFunctionModule(row: row, column: column, isDark: bit(index, of: format))
        }
        // The second copy: bits 0–7 along row 8 from the right edge, bits 8–14 down column 8
        // to the bottom edge.
        for index in 0...14 {
            let (row, column) = index < 8 ? (8, size - 1 - index) : (size - 15 + index, 8)
            setFunctionModule(row: row, column: column, isDark: bit(index, of: format))
        }
        setFunctionModule(row: size - 8, column: 8, isDark: true)

        guard version.number >= 7 else { return }
        let versionWord = FormatInformation.versionWord(version: version)
        for index in 0..<18 {
            let along = index / 3, across = index % 3
            let isDark = bit(index, of: versionWord)
            setFunctionModule(row: size - 11 + across, column: along, isDark: isDark)
            setFunctionModule(row: along, column: size - 11 + across, isDark: isDark)
        }
    }
}
