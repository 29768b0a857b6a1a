import Fluent

/// Every schema change, in order. Append new migrations at the end; never reorder.
enum PortierMigrations {
    static let all: [any Migration] = [
        CreateCustomer(),
        CreateSession(),
        CreateAuditEvent(),
        CreateThrottleCounter(),
        CreatePasswordResetToken(),
        CreateOutboxMessage(),
        CreateHelpCenter(),
        CreateGuideSearchIndex(),
        UpdateCustomerAddContactDetails(),
        CreateService(),
        CreateInvoice(),
        CreateInvoiceLine(),
        CreateTicket(),
        CreateTicketMessage(),
        CreateEmailChangeToken(),
        UpdateThrottleCounterAddLastDecision(),
        CreateStaffMember(),
        ReplaceSessionsWithAuthSessions(),
        CreateTOTPCredential(),
        CreateBackupCode(),
        DropGuideSearchIndex(),
        UpdateAuditEventAddStaffID(),
        CreateChat(),
        CreateChatMessage(),
        CreateStaffChatAvailability(),
    ]
}
