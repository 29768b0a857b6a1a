import Foundation

/// What is wrong with a submitted form, field by field: the one validation result every form
/// uses (contact details, e-mail and password changes, tickets). `Field` is the form's own enum
/// of field names; each problem is a `CustomerAreaError` whose catalog key the page shows next to
/// the field.
struct FormProblems<Field: Hashable & Sendable>: Error, Equatable {
    let byField: [Field: CustomerAreaError]

    init(byField: [Field: CustomerAreaError]) {
        self.byField = byField
    }

    var isEmpty: Bool { byField.isEmpty }

    subscript(field: Field) -> CustomerAreaError? { byField[field] }
}
