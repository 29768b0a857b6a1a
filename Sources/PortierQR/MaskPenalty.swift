/// Scores a masked symbol by the four penalty rules of ISO/IEC 18004, 7.8.3.1 (Table 11); the
/// encoder keeps the mask with the lowest score, the lowest mask number winning a tie.
///
/// The standard leaves a few details open; these are the readings taken here, the same as segno's
/// (the reference encoder of the tests):
/// - The symbol is scored as it stands after masking and before the format and version
///   information are added, so those areas and the dark module are light. That is the order of
///   the standard's encoding steps (7.1: step 6 masks and evaluates, step 7 adds format and
///   version information). Some encoders score the finished symbol instead, and then sometimes
///   pick another mask; both choices decode the same.
/// - Modules outside the symbol (the quiet zone) count as light for the finder-like rule.
/// - A finder-like pattern scores once even when light modules flank it on both sides, and a
///   pattern that scored uses up its seven modules, so an overlapping one is not counted again.
/// - The dark-proportion rule scores 10 for every full 5 % step away from 50 %.
enum MaskPenalty {
    static func score(_ grid: ModuleGrid) -> Int {
        let size = grid.size
        var total = 0
        var line = [Bool](repeating: false, count: size)
        for index in 0..<size {
            for position in 0..<size { line[position] = grid.isDark(row: index, column: position) }
            total += runPenalty(line) + finderLikePenalty(line)
            for position in 0..<size { line[position] = grid.isDark(row: position, column: index) }
            total += runPenalty(line) + finderLikePenalty(line)
        }
        return total + blockPenalty(grid) + balancePenalty(grid)
    }

    /// Rule 1: 3 points for every run of five modules of one colour, plus 1 for each further one.
    static func runPenalty(_ line: [Bool]) -> Int {
        var penalty = 0
        var runStart = 0
        for position in 1...line.count {
            guard position == line.count || line[position] != line[runStart] else { continue }
            let runLength = position - runStart
            if runLength >= 5 {
                penalty += 3 + (runLength - 5)
            }
            runStart = position
        }
        return penalty
    }

    /// Rule 2: 3 points for every 2 × 2 block of one colour (blocks may overlap).
    static func blockPenalty(_ grid: ModuleGrid) -> Int {
        var penalty = 0
        for row in 0..<grid.size - 1 {
            for column in 0..<grid.size - 1 {
                let module = grid.isDark(row: row, column: column)
                if grid.isDark(row: row, column: column + 1) == module,
                   grid.isDark(row: row + 1, column: column) == module,
                   grid.isDark(row: row + 1, column: column + 1) == module {
                    penalty += 3
                }
            }
        }
        return penalty
    }

    /// Dark, light, dark dark dark, light, dark: the 1:1:3:1:1 profile of a finder pattern.
    private static let finderProfile: [Bool] = [true, false, true, true, true, false, true]

    /// Rule 3: 40 points for every finder-like pattern with four light modules before or after it.
    static func finderLikePenalty(_ line: [Bool]) -> Int {
        var penalty = 0
        var start = 0
        while start + finderProfile.count <= line.count {
            let end = start + finderProfile.count
            if matchesFinderProfile(line, at: start),
               isLight(line, from: start - 4, to: start) || isLight(line, from: end, to: end + 4) {
                penalty += 40
                start = end
            } else {
                start += 1
            }
        }
        return penalty
    }

    // Plain loops rather than slices and closures: this runs for every row and column of every
    // mask, and unoptimized builds (the tests) are several times slower with the generic forms.

    private static func matchesFinderProfile(_ line: [Bool], at start: Int) -> Bool {
        for offset in 0..<finderProfile.count where line[start + offset] != finderProfile[offset] {
            return false
        }
        return true
    }

    /// Whether `line[start..<end]` is all light, positions outside the line counting as light.
    private static func isLight(_ line: [Bool], from start: Int, to end: Int) -> Bool {
        for position in max(start, 0)..<min(end, line.count) where line[position] {
            return false
        }
        return true
    }

    /// Rule 4: 10 points for every full 5 % by which the share of dark modules differs from half.
    static func balancePenalty(_ grid: ModuleGrid) -> Int {
        let total = grid.size * grid.size
        let dark = grid.darkModules.lazy.filter { $0 }.count
        // |100 · dark / total − 50| / 5, in integers so that exact multiples of 5 % stay exact.
        return 10 * (abs(20 * dark - 10 * total) / total)
    }
}
