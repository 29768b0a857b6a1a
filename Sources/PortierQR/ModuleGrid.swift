/// The square of modules being built, with a note of which modules belong to function patterns
/// (finder, separator, timing and alignment patterns, and the areas kept for format and version
/// information) so that codeword placement and masking leave them alone.
struct ModuleGrid: Sendable, Hashable {
    /// Modules per side.
    let size: Int
    /// Row-major: whether each module is dark.
    private(set) var darkModules: [Bool]
    /// Row-major: whether each module is part of a function pattern or a reserved area.
    private(set) var functionModules: [Bool]

    /// A grid of light, unreserved modules.
    init(size: Int) {
        self.size = size
        darkModules = Array(repeating: false, count: size * size)
        functionModules = Array(repeating: false, count: size * size)
    }

    func isDark(row: Int, column: Int) -> Bool {
        darkModules[row * size + column]
    }

    func isFunction(row: Int, column: Int) -> Bool {
        functionModules[row * size + column]
    }

    /// Sets a module that belongs to a function pattern or reserved area.
    mutating func setFunctionModule(row: Int, column: Int, isDark: Bool) {
        darkModules[row * size + column] = isDark
        functionModules[row * size + column] = true
    }

    /// Sets a data module; function modules are never passed here.
    mutating func setDataModule(row: Int, column: Int, isDark: Bool) {
        darkModules[row * size + column] = isDark
    }

    /// Modules not taken by function patterns or reserved areas: where codewords go.
    var dataModuleCount: Int {
        functionModules.lazy.filter { !$0 }.count
    }
}
