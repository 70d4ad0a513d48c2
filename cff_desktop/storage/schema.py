"""The schema as a list of migrations; ``PRAGMA user_version`` is the index of the last applied.

Never edit a released migration: add a new one. A database whose user_version is above
``SCHEMA_VERSION`` was written by a newer app and is refused untouched.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: the foundation
    """
    CREATE TABLE commune (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL DEFAULT '',
        name TEXT NOT NULL,
        province TEXT NOT NULL,
        district TEXT NOT NULL DEFAULT '',
        unit_type TEXT NOT NULL DEFAULT 'xa',
        category TEXT NOT NULL CHECK (category IN
            ('urban_ward', 'mountain_island_disadvantaged', 'other')),
        upper_level TEXT NOT NULL DEFAULT '',
        chair_name TEXT NOT NULL DEFAULT '',
        chair_title TEXT NOT NULL DEFAULT 'Chủ tịch',
        villages TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL
    );
    CREATE TABLE ruleset_pin (
        sha256 TEXT PRIMARY KEY,
        id TEXT NOT NULL,
        version TEXT NOT NULL,
        body BLOB NOT NULL
    );
    CREATE TABLE round (
        id INTEGER PRIMARY KEY,
        commune_id INTEGER NOT NULL REFERENCES commune(id),
        year INTEGER NOT NULL,
        ruleset_sha256 TEXT NOT NULL REFERENCES ruleset_pin(sha256),
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
        window_start TEXT NOT NULL DEFAULT '',
        window_end TEXT NOT NULL DEFAULT '',
        sector_deadline TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        closed_at TEXT,
        UNIQUE (commune_id, year)
    );
    CREATE TABLE officer (
        id INTEGER PRIMARY KEY,
        commune_id INTEGER NOT NULL REFERENCES commune(id),
        name TEXT NOT NULL,
        position TEXT NOT NULL DEFAULT '',
        sector TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('clerk', 'officer')),
        pin_hash TEXT NOT NULL DEFAULT '',
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        UNIQUE (commune_id, name)
    );
    CREATE TABLE assignment (
        round_id INTEGER NOT NULL REFERENCES round(id),
        criterion_id TEXT NOT NULL,
        officer_id INTEGER NOT NULL REFERENCES officer(id),
        PRIMARY KEY (round_id, criterion_id)
    );
    CREATE TABLE value (
        round_id INTEGER NOT NULL REFERENCES round(id),
        indicator_id TEXT NOT NULL,
        value TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        officer_id INTEGER REFERENCES officer(id),
        entered_at TEXT NOT NULL,
        PRIMARY KEY (round_id, indicator_id)
    );
    CREATE TABLE evidence (
        id INTEGER PRIMARY KEY,
        round_id INTEGER NOT NULL REFERENCES round(id),
        criterion_id TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        filename TEXT NOT NULL,
        size INTEGER NOT NULL,
        mime TEXT NOT NULL DEFAULT '',
        officer_id INTEGER REFERENCES officer(id),
        added_at TEXT NOT NULL,
        removed_at TEXT
    );
    CREATE TABLE override (
        round_id INTEGER NOT NULL REFERENCES round(id),
        criterion_id TEXT NOT NULL,
        points TEXT NOT NULL,
        reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
        decided_at TEXT NOT NULL,
        PRIMARY KEY (round_id, criterion_id)
    );
    CREATE TABLE council (
        round_id INTEGER PRIMARY KEY REFERENCES round(id),
        place TEXT NOT NULL DEFAULT '',
        started_at TEXT NOT NULL DEFAULT '',
        ended_at TEXT NOT NULL DEFAULT '',
        votes_for INTEGER,
        votes_against INTEGER,
        conclusion TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE council_member (
        id INTEGER PRIMARY KEY,
        round_id INTEGER NOT NULL REFERENCES round(id),
        name TEXT NOT NULL,
        position TEXT NOT NULL DEFAULT '',
        council_role TEXT NOT NULL DEFAULT 'member'
            CHECK (council_role IN ('chair', 'vice_chair', 'standing', 'secretary', 'member')),
        present INTEGER NOT NULL DEFAULT 1,
        sort INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE snapshot (
        round_id INTEGER PRIMARY KEY REFERENCES round(id),
        created_at TEXT NOT NULL,
        body TEXT NOT NULL,
        sha256 TEXT NOT NULL
    );
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        entity TEXT NOT NULL,
        old TEXT,
        new TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE
    );
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
    """,
    # 2: council details, criterion progress, printed documents, packages
    """
    ALTER TABLE council ADD COLUMN discussion TEXT NOT NULL DEFAULT '';
    ALTER TABLE council ADD COLUMN votes_abstain INTEGER;
    CREATE TABLE criterion_status (
        round_id INTEGER NOT NULL REFERENCES round(id),
        criterion_id TEXT NOT NULL,
        done INTEGER NOT NULL DEFAULT 0,
        officer_id INTEGER REFERENCES officer(id),
        changed_at TEXT NOT NULL,
        PRIMARY KEY (round_id, criterion_id)
    );
    CREATE TABLE doc_counter (
        year INTEGER NOT NULL,
        type_code TEXT NOT NULL,
        last INTEGER NOT NULL,
        PRIMARY KEY (year, type_code)
    );
    CREATE TABLE document (
        id INTEGER PRIMARY KEY,
        round_id INTEGER NOT NULL REFERENCES round(id),
        kind TEXT NOT NULL,
        number TEXT NOT NULL DEFAULT '',
        doc_date TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        path TEXT NOT NULL DEFAULT '',
        draft INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    );
    CREATE TABLE package (
        uuid TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('out', 'in')),
        round_id INTEGER REFERENCES round(id),
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        path TEXT NOT NULL DEFAULT '',
        supersedes TEXT,
        manifest TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    """,
    # 3: sign-in lockout, round timeline, installation settings
    """
    ALTER TABLE officer ADD COLUMN failed_pins INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE officer ADD COLUMN locked_until TEXT NOT NULL DEFAULT '';
    ALTER TABLE round ADD COLUMN council_date TEXT NOT NULL DEFAULT '';
    ALTER TABLE round ADD COLUMN posting_start TEXT NOT NULL DEFAULT '';
    ALTER TABLE round ADD COLUMN posting_days INTEGER NOT NULL DEFAULT 5;
    ALTER TABLE round ADD COLUMN submission_date TEXT NOT NULL DEFAULT '';
    CREATE TABLE setting (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 4: sync with the upper level: the outbox, each package's history, decisions and rule sets
    # pulled from the server (the server's URL and key sit in `setting`; the token only in the
    # keyring)
    """
    CREATE TABLE sync_outbox (
        uuid TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        round_id INTEGER REFERENCES round(id),
        path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'queued'
            CHECK (state IN ('queued', 'sending', 'delivered', 'refused', 'conflict')),
        upload_url TEXT NOT NULL DEFAULT '',
        sent INTEGER NOT NULL DEFAULT 0,
        wire_bytes INTEGER NOT NULL DEFAULT 0,
        speed REAL NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL DEFAULT '',
        last_error TEXT NOT NULL DEFAULT '',
        queued_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        delivered_at TEXT,
        receipt_id TEXT NOT NULL DEFAULT '',
        received_at TEXT NOT NULL DEFAULT '',
        receipt TEXT
    );
    CREATE TABLE sync_event (
        id INTEGER PRIMARY KEY,
        uuid TEXT NOT NULL,
        at TEXT NOT NULL,
        event TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE sync_decision (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        package_uuid TEXT NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('accepted', 'returned')),
        comments TEXT NOT NULL DEFAULT '[]',
        decided_at TEXT NOT NULL,
        doc TEXT NOT NULL,
        received_at TEXT NOT NULL
    );
    CREATE TABLE sync_ruleset (
        sha256 TEXT PRIMARY KEY,
        id TEXT NOT NULL,
        version TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        published_at TEXT NOT NULL,
        path TEXT NOT NULL,
        doc TEXT NOT NULL,
        received_at TEXT NOT NULL,
        installed_at TEXT
    );
    """,
    # 5: the upper level (district, or province since 2025): its area and units, the packages
    # received from them, the appraisal kept apart from the packages (linked by hash), decisions,
    # yearly targets and reporting deadlines. A commune installation leaves these tables empty.
    """
    CREATE TABLE area (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL,
        level TEXT NOT NULL CHECK (level IN ('province', 'district')),
        province TEXT NOT NULL DEFAULT '',
        ruleset_sha256 TEXT NOT NULL,
        inbox_data TEXT NOT NULL DEFAULT '',
        signer_name TEXT NOT NULL DEFAULT '',
        signer_title TEXT NOT NULL DEFAULT 'Chủ tịch',
        created_at TEXT NOT NULL
    );
    CREATE TABLE area_unit (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        category TEXT NOT NULL CHECK (category IN
            ('urban_ward', 'mountain_island_disadvantaged', 'other')),
        predecessors TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL
    );
    CREATE TABLE received_package (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        uuid TEXT NOT NULL UNIQUE,
        unit_code TEXT NOT NULL REFERENCES area_unit(code),
        year INTEGER NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('usb', 'inbox')),
        state TEXT NOT NULL CHECK (state IN ('received', 'verified', 'under_appraisal', 'returned',
            'council', 'recognised', 'not_recognised')),
        superseded_by TEXT,
        created_at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        total REAL,
        threshold REAL,
        passing INTEGER NOT NULL DEFAULT 0,
        ruleset_sha256 TEXT NOT NULL,
        signer TEXT NOT NULL,
        manifest TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        evidence TEXT NOT NULL DEFAULT '[]',
        file TEXT NOT NULL
    );
    CREATE INDEX received_package_unit ON received_package (unit_code, year);
    CREATE TABLE appraisal (
        id INTEGER PRIMARY KEY,
        package_sha256 TEXT NOT NULL REFERENCES received_package(sha256),
        indicator_id TEXT NOT NULL,
        verdict TEXT NOT NULL CHECK (verdict IN ('agree', 'disagree')),
        comment TEXT NOT NULL DEFAULT '',
        corrected TEXT,
        actor TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE TABLE package_action (
        id INTEGER PRIMARY KEY,
        package_sha256 TEXT NOT NULL REFERENCES received_package(sha256),
        action TEXT NOT NULL CHECK (action IN ('returned', 'council', 'recognised', 'not_recognised')),
        comments TEXT NOT NULL DEFAULT '[]',
        delivery TEXT NOT NULL DEFAULT '',
        actor TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE TABLE recognition (
        unit_code TEXT NOT NULL REFERENCES area_unit(code),
        year INTEGER NOT NULL,
        package_sha256 TEXT NOT NULL REFERENCES received_package(sha256),
        recognized INTEGER NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        decided_at TEXT NOT NULL,
        PRIMARY KEY (unit_code, year)
    );
    CREATE TABLE recognition_decision (
        year INTEGER PRIMARY KEY,
        number TEXT NOT NULL,
        signed_on TEXT NOT NULL,
        council TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL
    );
    CREATE TABLE area_target (
        year INTEGER PRIMARY KEY,
        rate REAL NOT NULL CHECK (rate >= 0 AND rate <= 100)
    );
    CREATE TABLE report_deadline (
        kind TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
        day INTEGER NOT NULL CHECK (day BETWEEN 1 AND 31)
    );
    """,
    # trust (issue 12): at the upper level, which device keys may sign for which unit; on the
    # commune's clerk machine, which device belongs to which officer (sector data). Both keep
    # revoked rows (with why) so an old package can still be explained.
    """
    CREATE TABLE unit_key (
        unit_code TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        public_key TEXT NOT NULL DEFAULT '',
        label TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL CHECK (source IN ('manual', 'inbox', 'import')),
        added_at TEXT NOT NULL,
        revoked_at TEXT,
        revoke_reason TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (unit_code, fingerprint)
    );
    CREATE INDEX unit_key_fingerprint ON unit_key (fingerprint);
    CREATE TABLE officer_device (
        fingerprint TEXT PRIMARY KEY,
        officer_id INTEGER NOT NULL REFERENCES officer(id),
        public_key TEXT NOT NULL DEFAULT '',
        device_id TEXT NOT NULL DEFAULT '',
        added_at TEXT NOT NULL,
        revoked_at TEXT
    );
    """,
    # issue 14 — the upper level decides on the truth: units' lifetimes (years alive), warnings
    # stored with a package (a self-declared category the area's list contradicts), packages held
    # because they came after the decision, decisions revoked or corrected with their own number,
    # the upper level's own reviewers (name + PIN), deadlines per level.
    """
    ALTER TABLE area_unit ADD COLUMN valid_from INTEGER;
    ALTER TABLE area_unit ADD COLUMN valid_to INTEGER;
    ALTER TABLE received_package ADD COLUMN held_after_decision INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE report_deadline ADD COLUMN level TEXT NOT NULL DEFAULT '';
    UPDATE report_deadline SET level = kind WHERE kind IN ('district', 'province');
    CREATE TABLE package_warning (
        package_sha256 TEXT NOT NULL REFERENCES received_package(sha256),
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (package_sha256, kind)
    );
    INSERT INTO package_warning (package_sha256, kind, text, at)
        SELECT p.sha256, 'category', 'xã tự xếp nhóm "' || CASE json_extract(p.snapshot, '$.commune.category')
            WHEN 'urban_ward' THEN 'phường thuộc quận, thị xã, thành phố'
            WHEN 'mountain_island_disadvantaged' THEN 'miền núi, hải đảo, đặc biệt khó khăn' ELSE 'còn lại' END
            || '", danh sách địa bàn ghi nhóm "' || CASE u.category
            WHEN 'urban_ward' THEN 'phường thuộc quận, thị xã, thành phố'
            WHEN 'mountain_island_disadvantaged' THEN 'miền núi, hải đảo, đặc biệt khó khăn' ELSE 'còn lại' END
            || '"; điểm chuẩn tính theo danh sách địa bàn', p.received_at
        FROM received_package p JOIN area_unit u ON u.code = p.unit_code
        WHERE json_extract(p.snapshot, '$.commune.category') IS NOT NULL
          AND json_extract(p.snapshot, '$.commune.category') != u.category;
    CREATE TABLE decision_correction (
        id INTEGER PRIMARY KEY,
        unit_code TEXT NOT NULL REFERENCES area_unit(code),
        year INTEGER NOT NULL,
        package_sha256 TEXT NOT NULL REFERENCES received_package(sha256),
        kind TEXT NOT NULL CHECK (kind IN ('revoke', 'correct')),
        was_recognized INTEGER NOT NULL,
        now_recognized INTEGER,
        reason TEXT NOT NULL,
        number TEXT NOT NULL DEFAULT '',
        signed_on TEXT NOT NULL DEFAULT '',
        actor TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX decision_correction_year ON decision_correction (year, unit_code);
    CREATE TABLE reviewer (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        position TEXT NOT NULL DEFAULT '',
        pin_hash TEXT NOT NULL DEFAULT '',
        failed_pins INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT NOT NULL DEFAULT '',
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL
    );
    """,
    # issued papers (issue 15, self-contained): a numbered paper's text is frozen when its number is
    # taken. The PDF bytes and what its wording depended on beyond the snapshot (signer, addressee,
    # posting period, the numbers it cites) are kept, so a reprint is byte for byte the paper that
    # was signed and the dossier binds the same text. (year, type_code, seq) is unique: a number of
    # the office's register is never given twice, whether it came from the counter or was typed.
    """
    CREATE TABLE issued_paper (
        id INTEGER PRIMARY KEY,
        round_id INTEGER NOT NULL REFERENCES round(id),
        snapshot_sha256 TEXT NOT NULL,
        kind TEXT NOT NULL,
        type_code TEXT NOT NULL,
        year INTEGER NOT NULL,
        seq INTEGER NOT NULL CHECK (seq >= 1),
        number TEXT NOT NULL,
        doc_date TEXT NOT NULL,
        frozen TEXT NOT NULL,
        pdf BLOB NOT NULL,
        sha256 TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (year, type_code, seq),
        UNIQUE (round_id, snapshot_sha256, kind)
    );
    """,
    # the budget of child work (issue 24): lines by activity, planned and spent in whole đồng, by
    # source (central, provincial, the commune's own budget, mobilised), per round. The plan's
    # "Kinh phí", the report's funding by source and indicator 1.4's evidence read it.
    """
    CREATE TABLE budget_line (
        id INTEGER PRIMARY KEY,
        round_id INTEGER NOT NULL REFERENCES round(id),
        activity TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('central', 'provincial', 'commune', 'mobilised')),
        planned INTEGER NOT NULL CHECK (planned BETWEEN 0 AND 10000000000000),
        spent INTEGER NOT NULL DEFAULT 0 CHECK (spent BETWEEN 0 AND 10000000000000),
        note TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    );
    CREATE INDEX budget_line_round ON budget_line (round_id, id);
    """,
    # the report's narrative sections per round (issue 24): typed for one round, offered as the starting
    # point of the next; the report freezes them with its number like every other setting it prints.
    """
    CREATE TABLE round_text (
        round_id INTEGER NOT NULL REFERENCES round(id),
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (round_id, key)
    );
    """,
    # the commune's registration at the start of the year (issue 24): whether it intends to reach the
    # standard and the criteria it targets; the report sets the criteria met against it.
    """
    CREATE TABLE registration (
        round_id INTEGER PRIMARY KEY REFERENCES round(id),
        intends INTEGER NOT NULL CHECK (intends IN (0, 1)),
        criteria TEXT NOT NULL,
        registered_on TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL
    );
    """,
    # the child-work reports' figures the assessment does not hold (issue 24): children working early
    # or illegally, children at risk; typed per round and period (half: by 25/5, year: by 20/11).
    """
    CREATE TABLE child_report_figure (
        round_id INTEGER NOT NULL REFERENCES round(id),
        period TEXT NOT NULL CHECK (period IN ('half', 'year')),
        key TEXT NOT NULL,
        value INTEGER NOT NULL CHECK (value >= 0),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (round_id, period, key)
    );
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
