extension ModuleGrid {
    /// Places `codewords` bit by bit, most significant first, in two-module-wide columns from the
    /// right edge leftwards, alternately upwards and downwards, skipping function modules and the
    /// vertical timing pattern in column 6 (ISO/IEC 18004, 7.7.3). Modules left over are the
    /// remainder bits and stay light.
    mutating func placeCodewords(_ codewords: [UInt8]) {
        let bitCount = codewords.count * 8
        var bitIndex = 0
        var rightColumn = size - 1
        var isUpwards = true
        while rightColumn > 0 {
            if rightColumn == 6 { rightColumn = 5 }
            for step in 0..<size {
                let row = isUpwards ? size - 1 - step : step
                for column in [rightColumn, rightColumn - 1] where !isFunction(row: row, column: column) {
                    guard bitIndex < bitCount else { continue }
                    let isDark = (codewords[bitIndex / 8] >> UInt8(7 - bitIndex % 8)) & 1 == 1
                    setDataModule(row: row, column: column, isDark: isDark)
                    bitIndex += 1
                }
            }
            rightColumn -= 2
            isUpwards.toggle()
        }
        precondition(bitIndex == bitCount, "codewords do not match the version's data modules")
    }

    /// This grid with `mask` applied to every data module.
    func masked(by mask: QRCode.Mask) -> ModuleGrid {
        var result = self
        for row in 0..<size {
            for column in 0..<size where !isFunction(row: row, column: column) && mask.inverts(row: row, column: column) {
                result.setDataModule(row: row, column: column, isDark: !isDark(row: row, column: column))
            }
        }
        return result
    }
}
