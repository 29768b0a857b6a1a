import Vapor

/// `/personal/arenden`: one list of the queue, with every list's count.
struct StaffTicketQueueContext: StaffPageContext {
    struct FilterLink: Encodable {
        let label: String
        let path: String
        let count: Int
        let isCurrent: Bool
    }

    struct Row: Encodable {
        let number: String
        let path: String
        let subject: String
        let customerName: String
        let customerEmail: String
        /// A visitor's ticket (a message left in the chat), answered by mail.
        let isVisitor: Bool
        let status: StatusView
        let lastActivity: DateTimeView
        let assigneeName: String?
    }

    let layout: LayoutContext
    let staffNavigation: StaffNavigation
    let filters: [FilterLink]
    let currentLabel: String
    let isClosedList: Bool
    let rows: [Row]
    let isTruncated: Bool
    let pageSize = TicketQueue.pageSize
}

/// `/personal/arenden/<number>`: the whole thread with internal notes, the customer and their
/// services, and the staff's forms.
struct StaffTicketContext: StaffPageContext {
    struct Entry: Encodable {
        let isCustomer: Bool
        let isStaff: Bool
        let isNote: Bool
        let author: String
        let body: String
        let sent: DateTimeView
    }

    struct CustomerSummary: Encodable {
        let name: String
        let email: String
        let phone: String?
    }

    /// A visitor's ticket: who left the message in the chat ("Besökare: namn <e-post>").
    struct VisitorSummary: Encodable {
        let name: String
        let email: String
    }

    struct ServiceSummary: Encodable {
        let domain: String
        let kindLabel: String
        let plan: String
        let status: StatusView
        let isRelated: Bool
    }

    struct Paths: Encodable {
        let reply: String
        let note: String
        let assign: String
        let close: String
        let reopen: String
    }

    let layout: LayoutContext
    let staffNavigation: StaffNavigation
    let number: String
    let subject: String
    let status: StatusView
    let departmentLabel: String
    let isClosed: Bool
    let created: DateTimeView
    let lastActivity: DateTimeView
    let assigneeName: String?
    /// The customer; nil on a visitor's ticket (then ``visitor``).
    let customer: CustomerSummary?
    let visitor: VisitorSummary?
    /// Where staff replies are mailed.
    let replyEmail: String
    let services: [ServiceSummary]
    let entries: [Entry]
    let assignees: [OptionView]
    let paths: Paths
    let notice: String?
    let reply: String
    let replyError: String?
    let note: String
    let noteError: String?
    let assignError: String?
    let maximumMessageLength = TicketDesk.maximumMessageLength
}

/// A success message after a staff action on a ticket (`?notice=…`), from a fixed list.
enum StaffTicketNotice: String, CaseIterable {
    case replied
    case noteAdded = "note-added"
    case assigned
    case closed
    case reopened

    var catalogKey: String { "staff.tickets.notice." + rawValue.replacingOccurrences(of: "-", with: "_") }

    static func from(_ request: Request) -> StaffTicketNotice? {
        request.query[String.self, at: "notice"].flatMap(StaffTicketNotice.init(rawValue:))
    }
}
