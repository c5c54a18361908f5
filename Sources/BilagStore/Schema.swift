import GRDB

/// The database schema, as ordered migrations.
enum Schema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-invoices") { db in
            try db.execute(sql: """
            CREATE TABLE invoice (
              id TEXT PRIMARY KEY NOT NULL,
              channel TEXT NOT NULL,
              source_path TEXT NOT NULL,
              stored_path TEXT NOT NULL,
              sha256 TEXT NOT NULL,
              size INTEGER NOT NULL,
              received_at TEXT NOT NULL,
              state TEXT NOT NULL,
              reason_code TEXT,
              reason_message TEXT,
              syntax TEXT,
              profile TEXT,
              document_kind TEXT,
              invoice_number TEXT,
              issue_date TEXT,
              due_date TEXT,
              seller_key TEXT,
              seller_name TEXT,
              currency TEXT,
              amount_due TEXT,
              total_without_vat TEXT,
              total_vat TEXT,
              duplicate_of TEXT,
              decided_by TEXT,
              decided_at TEXT,
              updated_at TEXT NOT NULL,
              attempts INTEGER NOT NULL DEFAULT 0,
              validation_json TEXT,
              trace_json TEXT
            );
            CREATE INDEX invoice_sha256 ON invoice(sha256);
            CREATE INDEX invoice_business_key ON invoice(seller_key, invoice_number, issue_date);
            CREATE INDEX invoice_state ON invoice(state, received_at);
            CREATE TABLE event (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              invoice_id TEXT NOT NULL REFERENCES invoice(id),
              at TEXT NOT NULL,
              actor TEXT NOT NULL,
              action TEXT NOT NULL,
              from_state TEXT,
              to_state TEXT,
              detail TEXT
            );
            CREATE INDEX event_invoice ON event(invoice_id, id);
            CREATE TABLE journal_entry (
              seq INTEGER PRIMARY KEY AUTOINCREMENT,
              invoice_id TEXT NOT NULL UNIQUE REFERENCES invoice(id),
              created_at TEXT NOT NULL,
              line TEXT NOT NULL,
              file TEXT
            );
            CREATE INDEX journal_unflushed ON journal_entry(file, seq);
            """)
        }
        return m
    }
}
