/// Builds the final codeword sequence (ISO/IEC 18004, 7.6): the data codewords split into blocks,
/// each block given its error correction codewords, then all interleaved column by column, so
/// that a local blotch on the symbol spreads over many blocks instead of destroying one.
enum CodewordSequence {
    static func make(dataCodewords: [UInt8], layout: BlockLayout) -> [UInt8] {
        precondition(dataCodewords.count == layout.dataCodewordCount)
        let generator = ReedSolomon.generatorPolynomial(degree: layout.errorCorrectionCodewordsPerBlock)

        var dataBlocks: [ArraySlice<UInt8>] = []
        var start = dataCodewords.startIndex
        for blockIndex in 0..<layout.blockCount {
            let length = layout.shortBlockDataCount + (blockIndex < layout.shortBlockCount ? 0 : 1)
            dataBlocks.append(dataCodewords[start..<start + length])
            start += length
        }
        let errorCorrectionBlocks = dataBlocks.map {
            ReedSolomon.errorCorrectionCodewords(for: Array($0), generator: generator)
        }

        var sequence: [UInt8] = []
        sequence.reserveCapacity(layout.totalCodewords)
        sequence.append(contentsOf: interleaved(dataBlocks.map(Array.init)))
        sequence.append(contentsOf: interleaved(errorCorrectionBlocks))
        return sequence
    }

    /// The first codeword of every block, then every second, and so on; shorter blocks are
    /// skipped once they run out.
    private static func interleaved(_ blocks: [[UInt8]]) -> [UInt8] {
        let longest = blocks.map(\.count).max() ?? 0
        return (0..<longest).flatMap { position in
            blocks.compactMap { position < $0.count ? $0[position] : nil }
        }
    }
}
