import BilagCore
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
        m.registerMigration("v2-robots") { db in
            try db.execute(sql: """
            ALTER TABLE invoice ADD COLUMN retry_at TEXT;
            ALTER TABLE invoice ADD COLUMN waiting_since TEXT;
            CREATE TABLE decision (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              invoice_id TEXT NOT NULL REFERENCES invoice(id),
              decided_at TEXT NOT NULL,
              robot TEXT NOT NULL,
              robot_hash TEXT NOT NULL,
              legal_basis TEXT,
              mode TEXT NOT NULL,
              outcome TEXT NOT NULL,
              reason_code TEXT,
              message TEXT,
              history_key TEXT,
              amount TEXT,
              issue_date TEXT,
              invoice_number TEXT,
              period_key TEXT,
              trace_json TEXT NOT NULL
            );
            CREATE INDEX decision_invoice ON decision(invoice_id, id);
            CREATE INDEX decision_history ON decision(robot, history_key, outcome, mode, id);
            CREATE INDEX decision_time ON decision(decided_at);
            CREATE INDEX decision_robot ON decision(robot, mode, id);
            CREATE TABLE case_update (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              invoice_id TEXT NOT NULL REFERENCES invoice(id),
              connector TEXT NOT NULL,
              action TEXT NOT NULL,
              payload TEXT NOT NULL,
              idempotency_key TEXT NOT NULL UNIQUE,
              state TEXT NOT NULL DEFAULT 'pending',
              attempts INTEGER NOT NULL DEFAULT 0,
              last_error TEXT,
              created_at TEXT NOT NULL,
              sent_at TEXT
            );
            CREATE INDEX case_update_pending ON case_update(state, id);
            CREATE TABLE robot_state (
              robot TEXT PRIMARY KEY NOT NULL,
              paused INTEGER NOT NULL DEFAULT 0,
              paused_at TEXT,
              paused_reason TEXT
            );
            CREATE TABLE plan (
              id TEXT PRIMARY KEY NOT NULL,
              name TEXT,
              kind TEXT NOT NULL,
              supplier_cvr TEXT NOT NULL,
              receiver_ean TEXT NOT NULL,
              min_amount TEXT,
              max_amount TEXT,
              cadence TEXT,
              order_number TEXT,
              invoice_prefix TEXT,
              identifier TEXT,
              account TEXT NOT NULL,
              dimensions TEXT NOT NULL DEFAULT '{}',
              vat_code TEXT,
              valid_from TEXT NOT NULL,
              valid_to TEXT NOT NULL,
              ended_at TEXT,
              created_at TEXT NOT NULL,
              created_by TEXT NOT NULL,
              note TEXT
            );
            CREATE INDEX plan_key ON plan(supplier_cvr, receiver_ean);
            """)
        }
        // The duplicate check's business-key index, partial: an invoice gets its entry when its summary is written,
        // not a null one at its claim that the summary then replaces (two index writes an invoice fewer). The issue
        // date leads, so the entries of invoices arriving together, mostly issued in the same few weeks, share pages.
        // (Rebuilding the index on an existing database reads every invoice once.)
        m.registerMigration("v3-partial-business-key") { db in
            try db.execute(sql: """
            DROP INDEX invoice_business_key;
            CREATE INDEX invoice_business_key ON invoice(issue_date, seller_key, invoice_number)
              WHERE seller_key IS NOT NULL AND invoice_number IS NOT NULL AND issue_date IS NOT NULL;
            """)
        }
        // The journal files written, one row each: which files the store knows is how a store that is behind its own
        // Outbox (restored from an older copy, or its write-ahead log lost) is told apart from a writer that crashed
        // between its rename and its mark. Filled from the entries for a database that had files already.
        m.registerMigration("v4-journal-files") { db in
            try db.execute(sql: """
            CREATE TABLE journal_file (
              name TEXT PRIMARY KEY NOT NULL,
              first_seq INTEGER NOT NULL,
              last_seq INTEGER NOT NULL,
              lines INTEGER NOT NULL,
              written_at TEXT NOT NULL
            );
            INSERT INTO journal_file (name, first_seq, last_seq, lines, written_at)
              SELECT file, MIN(seq), MAX(seq), COUNT(*), MAX(created_at) FROM journal_entry WHERE file IS NOT NULL GROUP BY file;
            """)
        }
        // Audited actions that are not one invoice's: a bulk reveal of personal data, a plan ended, a robot resumed.
        m.registerMigration("v5-audit") { db in
            try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS audit (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              at TEXT NOT NULL,
              actor TEXT NOT NULL,
              action TEXT NOT NULL,
              subject TEXT NOT NULL,
              detail TEXT
            );
            """)
        }
        // The bookkeeping of the Outbox writers other than the JSONL journal (which keeps `journal_entry.file` and
        // `journal_file`): which booking each wrote to which file, and the files each wrote.
        m.registerMigration("v6-outbox-writers") { db in
            try db.execute(sql: """
            CREATE TABLE outbox_mark (
              writer TEXT NOT NULL,
              seq INTEGER NOT NULL REFERENCES journal_entry(seq),
              file TEXT NOT NULL,
              PRIMARY KEY (writer, seq)
            ) WITHOUT ROWID;
            CREATE TABLE outbox_file (
              writer TEXT NOT NULL,
              name TEXT NOT NULL,
              first_seq INTEGER NOT NULL,
              last_seq INTEGER NOT NULL,
              lines INTEGER NOT NULL,
              written_at TEXT NOT NULL,
              PRIMARY KEY (writer, name)
            );
            CREATE INDEX outbox_file_last ON outbox_file(writer, last_seq);
            """)
        }
        // Payments (pain.001): one row per booking the payments writer took up (its state, what is left to pay after
        // credit notes were set off, and the one file it was filed in), the set-offs, the payment files, where the
        // writer started, and each supplier's known payee accounts for the fraud guard.
        m.registerMigration("v7-pay-payments") { db in
            try db.execute(sql: """
            CREATE TABLE payment (
              invoice_id TEXT PRIMARY KEY NOT NULL REFERENCES invoice(id),
              seq INTEGER NOT NULL UNIQUE REFERENCES journal_entry(seq),
              state TEXT NOT NULL,
              document_kind TEXT NOT NULL,
              supplier_key TEXT,
              supplier_name TEXT,
              invoice_number TEXT,
              currency TEXT NOT NULL,
              amount TEXT NOT NULL,
              open_amount TEXT NOT NULL,
              due_date TEXT,
              account_key TEXT,
              instruction TEXT,
              reason TEXT,
              file TEXT,
              requested_date TEXT,
              created_at TEXT NOT NULL,
              filed_at TEXT
            );
            CREATE INDEX payment_open ON payment(state, supplier_key, currency);
            CREATE INDEX payment_file_name ON payment(file);
            CREATE TABLE payment_setoff (
              credit_id TEXT NOT NULL REFERENCES payment(invoice_id),
              invoice_id TEXT NOT NULL REFERENCES payment(invoice_id),
              amount TEXT NOT NULL,
              at TEXT NOT NULL,
              PRIMARY KEY (credit_id, invoice_id)
            );
            CREATE TABLE payment_file (
              id INTEGER PRIMARY KEY,
              writer TEXT NOT NULL,
              name TEXT NOT NULL UNIQUE,
              state TEXT NOT NULL,
              created_at TEXT NOT NULL,
              count INTEGER NOT NULL,
              sha256 TEXT,
              written_at TEXT
            );
            CREATE TABLE payment_cursor (
              writer TEXT PRIMARY KEY NOT NULL,
              last_seq INTEGER NOT NULL,
              started_at TEXT NOT NULL
            );
            CREATE TABLE payee_account (
              supplier_key TEXT NOT NULL,
              account_key TEXT NOT NULL,
              label TEXT NOT NULL,
              source TEXT NOT NULL,
              first_seen TEXT NOT NULL,
              last_seen TEXT NOT NULL,
              invoice_id TEXT,
              confirmed_by TEXT,
              note TEXT,
              PRIMARY KEY (supplier_key, account_key)
            ) WITHOUT ROWID;
            """)
        }
        // Case updates (write-backs) get their own retry (when next, failing since when) and may compensate another
        // (the reversal of a write-back whose booking did not happen); a booking that waits for its write-backs is held
        // here, and becomes a `journal_entry` (what every Outbox writer and payment reads) only when they are all
        // confirmed. Updates written as files record the file.
        m.registerMigration("v7-cases-held-bookings") { db in
            try db.execute(sql: """
            ALTER TABLE case_update ADD COLUMN retry_at TEXT;
            ALTER TABLE case_update ADD COLUMN failing_since TEXT;
            ALTER TABLE case_update ADD COLUMN compensates TEXT;
            ALTER TABLE case_update ADD COLUMN file TEXT;
            CREATE INDEX case_update_invoice ON case_update(invoice_id, id);
            CREATE TABLE held_booking (
              invoice_id TEXT PRIMARY KEY NOT NULL REFERENCES invoice(id),
              held_at TEXT NOT NULL,
              line TEXT NOT NULL
            );
            """)
        }
        // Case-update files are taken over by connector and file (`caseUpdateFileNames`); a re-run's write-back queued
        // while the reversal of its earlier one was pending names that reversal (`after_reversal`).
        m.registerMigration("v8-casefix-case-updates") { db in
            try db.execute(sql: """
            ALTER TABLE case_update ADD COLUMN after_reversal TEXT;
            CREATE INDEX case_update_connector_file ON case_update(connector, file);
            """)
        }
        // Who imported a payee account: that operator may not release an invoice paying into it, and a new account of a
        // supplier already known is `imported-unconfirmed` until another operator confirms it.
        m.registerMigration("v8-payfix-payee-imported-by") { db in
            try db.execute(sql: "ALTER TABLE payee_account ADD COLUMN imported_by TEXT")
        }
        // A payment file's bytes, rendered when it is filed (in the same transaction): a pending file is written from
        // them, so a settings change after a crash cannot make it another file.
        m.registerMigration("v8-payfix-payment-file-content") { db in
            try db.execute(sql: "ALTER TABLE payment_file ADD COLUMN content BLOB")
        }
        // A payments writer's files are read by writer at every flush (`paymentFilesOfWriterSQL`): by index.
        m.registerMigration("v9-pay-payment-file-writer") { db in
            try db.execute(sql: "CREATE INDEX payment_file_writer ON payment_file(writer, id)")
        }
        // A sender claims a write-back before it sends it (`claimCaseUpdate`): who, and until when.
        m.registerMigration("v9-pay-case-update-claim") { db in
            try db.execute(sql: """
            ALTER TABLE case_update ADD COLUMN claimed_by TEXT;
            ALTER TABLE case_update ADD COLUMN claimed_until TEXT;
            """)
        }
        // A counter raised by every change to the plans (whoever makes it: an operator's `bilag plans` in another
        // process), so the daemon keeps the plans it read until they change instead of reading them again per batch.
        m.registerMigration("v9-perf-plan-version") { db in
            try db.execute(sql: """
            CREATE TABLE plan_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
            INSERT INTO plan_version (id, version) VALUES (1, 0);
            CREATE TRIGGER plan_version_insert AFTER INSERT ON plan BEGIN UPDATE plan_version SET version = version + 1 WHERE id = 1; END;
            CREATE TRIGGER plan_version_update AFTER UPDATE ON plan BEGIN UPDATE plan_version SET version = version + 1 WHERE id = 1; END;
            CREATE TRIGGER plan_version_delete AFTER DELETE ON plan BEGIN UPDATE plan_version SET version = version + 1 WHERE id = 1; END;
            """)
        }
        // The duplicate check compares invoice numbers as a supplier means them (`Identifiers.invoiceNumberKey`) and
        // without the issue date: `CR-4711` sent again as `cr-4711`, or with another date, was booked and paid twice.
        m.registerMigration("v10-invoice-number-key") { db in
            try db.execute(sql: "ALTER TABLE invoice ADD COLUMN number_key TEXT")
            let update = try db.makeStatement(sql: "UPDATE invoice SET number_key = ? WHERE rowid = ?")
            for row in try Row.fetchAll(db, sql: "SELECT rowid, invoice_number FROM invoice WHERE invoice_number IS NOT NULL") {
                let number: String = row[1]
                try update.execute(arguments: [Identifiers.invoiceNumberKey(number), row[0] as Int64])
            }
            // The old key's index (issue date, supplier, number) has no reader left: gone, one index less per insert.
            try db.execute(sql: """
            DROP INDEX IF EXISTS invoice_business_key;
            CREATE INDEX invoice_number_key ON invoice(seller_key, number_key)
              WHERE seller_key IS NOT NULL AND number_key IS NOT NULL;
            """)
        }
        // The key now folds compatibility forms and other scripts' digits (`ＦＷ－４７１１` is `FW4711`): the numbers
        // written with characters beyond ASCII are keyed again (an ASCII number's key is unchanged).
        m.registerMigration("v11-invoice-number-key-folded") { db in
            let update = try db.makeStatement(sql: "UPDATE invoice SET number_key = ? WHERE rowid = ?")
            // Only those rows are read (GLOB `[^ -~]`: a character outside printable ASCII), not a whole large store.
            for row in try Row.fetchAll(db, sql: "SELECT rowid, invoice_number FROM invoice WHERE invoice_number GLOB '*[^ -~]*'") {
                let number: String = row[1]
                try update.execute(arguments: [Identifiers.invoiceNumberKey(number), row[0] as Int64])
            }
        }
        // The table data each robot last ran with (a fingerprint of its data files): a table edited while the daemon
        // was stopped is a change at its next start, and the manual invoices it may decide are re-evaluated.
        m.registerMigration("v12-robot-tables-seen") { db in
            try db.execute(sql: "CREATE TABLE robot_tables (robot TEXT PRIMARY KEY NOT NULL, fingerprint TEXT NOT NULL, seen_at TEXT NOT NULL)")
        }
        // Supplier keys reduce to the organisation number (`CVR 12345666`, `DK-12345666`, `0184:12345666` and a Swedish
        // VAT number's `01` are one supplier): keys stored before are keyed again, so that a resend after the upgrade
        // is still the same invoice of the same supplier, with the same known accounts and plans. Only keys with a
        // character other than a digit can change.
        m.registerMigration("v13-supplier-key-organisation-number") { db in
            for (table, column, key) in [("invoice", "seller_key", "rowid"), ("payment", "supplier_key", "rowid"), ("plan", "supplier_cvr", "rowid"), ("payee_account", "supplier_key", "supplier_key || char(31) || account_key")] {
                let update = try db.makeStatement(sql: "UPDATE OR IGNORE \(table) SET \(column) = ? WHERE \(key) = ?")
                for row in try Row.fetchAll(db, sql: "SELECT \(key), \(column) FROM \(table) WHERE \(column) GLOB '*[^0-9]*'") {
                    let old: String = row[1]
                    let new = Identifiers.normalizedPartyKey(old)
                    if new != old { try update.execute(arguments: [new, row[0] as DatabaseValue]) }
                }
            }
        }
        // A key's history is read newest first (`bookedHistorySQL`): an index in that order gives the rows as they are
        // wanted, so the query stops at its limit and sorts nothing. With `outcome` between the key and the order (the
        // old index) every ask sorted its rows in a temporary B-tree, whose set-up alone (zeroed memory) cost about as
        // much as the rest of the ask. One index for the other: the history query was the old one's only reader.
        m.registerMigration("v14-decision-history-newest-first") { db in
            try db.execute(sql: """
            DROP INDEX IF EXISTS decision_history;
            CREATE INDEX decision_history_newest ON decision(robot, history_key, mode, issue_date, id);
            """)
        }
        return m
    }
}
