/// The layout facts of one QR code version (1 through 40) that encoding needs: the symbol's size,
/// where its alignment patterns sit, and how its codewords split into Reed–Solomon blocks.
///
/// Only the figures the standard lists without a rule behind them are tables here (its Table 9
/// and Annex E); everything else is derived, so that a typo cannot hide in a second table.
struct SymbolVersion: Sendable, Hashable {
    /// The version number, 1 through 40.
    let number: Int

    init(_ number: Int) {
        precondition(QRCode.supportedVersions.contains(number), "QR code versions are 1 through 40")
        self.number = number
    }

    /// Modules per side, without the quiet zone: 21 for version 1, growing by 4 per version.
    var size: Int { 17 + 4 * number }

    /// Rows (and equally columns) of the alignment pattern centres; the standard places a pattern
    /// at every pairing of them except the three that would overlap a finder pattern.
    var alignmentCenters: [Int] { Self.alignmentCenters[number - 1] }

    /// Width of the byte-mode character count indicator (ISO/IEC 18004, Table 3).
    var byteCountBitWidth: Int { number <= 9 ? 8 : 16 }

    /// How many modules are left for codewords once the function patterns and the format and
    /// version information are in place. Counted from the drawn patterns, not tabulated.
    var dataModuleCount: Int { Self.dataModuleCounts[number - 1] }

    /// All codewords of the symbol, data and error correction together; the modules left over
    /// (0 to 7) are remainder bits.
    var codewordCount: Int { dataModuleCount / 8 }

    /// How the codewords divide into blocks at `level`.
    func blockLayout(for level: QRCode.ErrorCorrectionLevel) -> BlockLayout {
        let index = number - 1
        let row = switch level {
        case .low: 0
        case .medium: 1
        case .quartile: 2
        case .high: 3
        }
        return BlockLayout(
            totalCodewords: codewordCount,
            blockCount: Self.blockCounts[row][index],
            errorCorrectionCodewordsPerBlock: Self.errorCorrectionCodewordsPerBlock[row][index]
        )
    }

    /// The most bytes that fit at `level` in byte mode, after the mode indicator and count.
    func byteCapacity(for level: QRCode.ErrorCorrectionLevel) -> Int {
        let availableBits = blockLayout(for: level).dataCodewordCount * 8
        return max(0, (availableBits - 4 - byteCountBitWidth) / 8)
    }

    private static let dataModuleCounts: [Int] = QRCode.supportedVersions.map { number in
        let grid = ModuleGrid(functionPatternsOf: SymbolVersion(number))
        return grid.dataModuleCount
    }

    /// ISO/IEC 18004, Annex E, Table E.1. The spacing looks regular but is not computable by one
    /// simple rule for every version (version 32 is the known exception), so it is listed.
    private static let alignmentCenters: [[Int]] = [
        [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34],
        [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50], [6, 30, 54], [6, 32, 58], [6, 34, 62],
        [6, 26, 46, 66], [6, 26, 48, 70], [6, 26, 50, 74], [6, 30, 54, 78], [6, 30, 56, 82],
        [6, 30, 58, 86], [6, 34, 62, 90],
        [6, 28, 50, 72, 94], [6, 26, 50, 74, 98], [6, 30, 54, 78, 102], [6, 28, 54, 80, 106],
        [6, 32, 58, 84, 110], [6, 30, 58, 86, 114], [6, 34, 62, 90, 118],
        [6, 26, 50, 74, 98, 122], [6, 30, 54, 78, 102, 126], [6, 26, 52, 78, 104, 130],
        [6, 30, 56, 82, 108, 134], [6, 34, 60, 86, 112, 138], [6, 30, 58, 86, 114, 142],
        [6, 34, 62, 90, 118, 146],
        [6, 30, 54, 78, 102, 126, 150], [6, 24, 50, 76, 102, 128, 154],
        [6, 28, 54, 80, 106, 132, 158], [6, 32, 58, 84, 110, 136, 162],
        [6, 26, 54, 82, 110, 138, 166], [6, 30, 58, 86, 114, 142, 170],
    ]

    /// ISO/IEC 18004, Table 9: error correction codewords in each block, per level (rows L, M, Q,
    /// H) and version (columns 1 through 40).
    private static let errorCorrectionCodewordsPerBlock: [[Int]] = [
        [7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
         28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
         26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
        [13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
         28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
         30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    ]

    /// ISO/IEC 18004, Table 9: number of error correction blocks, per level (rows L, M, Q, H) and
    /// version (columns 1 through 40).
    private static let blockCounts: [[Int]] = [
        [1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
         8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
        [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
         17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
        [1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
         23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
        [1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
         25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
    ]
}

/// How a version's codewords split into Reed–Solomon blocks at one error correction level.
///
/// Every block has the same number of error correction codewords; when the data codewords do not
/// divide evenly, the last blocks each take one data codeword more (ISO/IEC 18004, 7.5.2).
struct BlockLayout: Sendable, Hashable {
    let totalCodewords: Int
    let blockCount: Int
    let errorCorrectionCodewordsPerBlock: Int

    var dataCodewordCount: Int { totalCodewords - blockCount * errorCorrectionCodewordsPerBlock }

    /// Data codewords in each of the shorter blocks.
    var shortBlockDataCount: Int { dataCodewordCount / blockCount }

    /// How many blocks are short; the rest hold `shortBlockDataCount + 1` data codewords.
    var shortBlockCount: Int { blockCount - dataCodewordCount % blockCount }
}
