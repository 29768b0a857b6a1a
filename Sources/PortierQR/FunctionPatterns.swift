extension ModuleGrid {
    /// A grid of `version`'s size with its function patterns drawn and its format and version
    /// information areas reserved (and light, until ``drawFormatAndVersionInformation`` fills them).
    init(functionPatternsOf version: SymbolVersion) {
        self.init(size: version.size)
        drawTimingPatterns()
        drawFinderPatterns()
        drawAlignmentPatterns(centers: version.alignmentCenters)
        reserveFormatInformation()
        if version.number >= 7 {
            reserveVersionInformation()
        }
    }

    /// Row 6 and column 6 alternate dark and light, dark first. Drawn across the whole symbol;
    /// the finder patterns drawn afterwards cover the ends.
    private mutating func drawTimingPatterns() {
        for index in 0..<size {
            setFunctionModule(row: 6, column: index, isDark: index % 2 == 0)
            setFunctionModule(row: index, column: 6, isDark: index % 2 == 0)
        }
    }

    /// The three 7 × 7 finder patterns with their one-module light separators.
    private mutating func drawFinderPatterns() {
        drawFinderPattern(top: 0, left: 0)
        drawFinderPattern(top: 0, left: size - 7)
        drawFinderPattern(top: size - 7, left: 0)
    }

    /// Rings around the 3 × 3 dark centre, measured by Chebyshev distance from the middle:
    /// dark up to 1, light at 2, dark at 3, light separator at 4 (clipped at the symbol's edge).
    private mutating func drawFinderPattern(top: Int, left: Int) {
        for rowOffset in -1...7 {
            for columnOffset in -1...7 {
                let row = top + rowOffset, column = left + columnOffset
                guard (0..<size).contains(row), (0..<size).contains(column) else { continue }
                let distance = max(abs(rowOffset - 3), abs(columnOffset - 3))
                setFunctionModule(row: row, column: column, isDark: distance != 2 && distance != 4)
            }
        }
    }

    /// A 5 × 5 alignment pattern at every pairing of `centers`, except the three corners that
    /// the finder patterns occupy.
    private mutating func drawAlignmentPatterns(centers: [Int]) {
        guard let first = centers.first, let last = centers.last else { return }
        let finderCorners: Set<[Int]> = [[first, first], [first, last], [last, first]]
        for centerRow in centers {
            for centerColumn in centers where !finderCorners.contains([centerRow, centerColumn]) {
                for rowOffset in -2...2 {
                    for columnOffset in -2...2 {
                        let distance = max(abs(rowOffset), abs(columnOffset))
                        setFunctionModule(
                            row: centerRow + rowOffset,
                            column: centerColumn + columnOffset,
                            isDark: distance != 1
                        )
                    }
                }
            }
        }
    }

    /// Reserves the two copies of the 15 format bits and the always-dark module beside the lower
    /// one. They stay light while masks are evaluated: the standard adds them only after the mask
    /// is chosen (ISO/IEC 18004, 7.1, steps 6 and 7).
    private mutating func reserveFormatInformation() {
        for index in 0...8 where index != 6 {
            setFunctionModule(row: 8, column: index, isDark: false)
            setFunctionModule(row: index, column: 8, isDark: false)
        }
        for index in 0..<8 {
            setFunctionModule(row: 8, column: size - 1 - index, isDark: false)
            setFunctionModule(row: size - 1 - index, column: 8, isDark: false)
        }
    }

    /// Reserves the two 6 × 3 blocks of version information (versions 7 and up).
    private mutating func reserveVersionInformation() {
        for along in 0..<6 {
            for across in 0..<3 {
                setFunctionModule(row: size - 11 + across, column: along, isDark: false)
                setFunctionModule(row: along, column: size - 11 + across, isDark: false)
            }
        }
    }
}
